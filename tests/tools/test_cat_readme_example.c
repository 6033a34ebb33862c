/*
 * The README's 20-line example (docs/examples/readme_example.c, built by
 * tools/CMakeLists.txt) compiles, sends a message and receives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_toolrun.h"
#include "testutil.h"

static void readme_example_sends_and_receives_a_message(void **state)
{
	(void)state;
	const char *ex = tr_tool("readme_example");
	assert_non_null(ex);
	char env[32];
	snprintf(env, sizeof(env), "USCTP_UDP_PORT=%u", tr_free_udp_port());
	const char *e[] = {env, NULL};
	const char *argv[] = {ex, NULL};
	const char *out = tr_path("readme.out");
	assert_int_equal(tr_run(argv, NULL, out, NULL, e, 20000), 0);
	char *text = tr_read(out, NULL);
	printf("%s", text);
	assert_string_equal(text, "received \"hello\" on stream 1, ppid 42\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(readme_example_sends_and_receives_a_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
