/* Bad arguments fail fast with the documented exit statuses; --help and --duration work. */
#include "lib_relay.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int run(struct rl_proc *p, const char *const *args)
{
	return rl_run(p, args, 5000);
}

static void help_prints_usage_and_exits_0(void **st)
{
	struct rl_proc p;
	const char *args[] = {"--help", NULL};
	assert_int_equal(run(&p, args), 0);
	assert_non_null(strstr(p.out, "Usage:"));
	assert_non_null(strstr(p.out, "Exit status"));
	assert_non_null(strstr(p.out, "Examples"));
}

static void bad_rates_and_values_exit_2(void **st)
{
	static const char *const bad[][8] = {
	    {"-l", "9", "-t", "127.0.0.1:9", "--drop", "101", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--drop", "-1", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--dup-c2s", "abc", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--corrupt", "nan", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--delay", "1.5", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--blackhole", "100", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--blackhole", "100:0", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--queue", "0", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--frobnicate", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "extra", NULL},
	    {"-l", "9", "-t", "127.0.0.1:9", "--seed", NULL},
	    {"-l", "70000", "-t", "127.0.0.1:9", NULL},
	    {"-l", "9", "-t", "127.0.0.1", NULL},
	    {"-l", "9", "-t", "::1:9", NULL},
	    {"-l", "9", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rl_proc p;
		int rc = run(&p, bad[i]);
		if (rc != 2)
			print_error("case %zu: status %d, output: %s\n", i, rc, p.out);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(p.out, "usctp-relay: "));
	}
}

static void listen_port_in_use_exits_3(void **st)
{
	uint16_t port = rl_base_port();
	int busy = rl_udp(port);
	assert_true(busy >= 0);
	char l[16];
	snprintf(l, sizeof l, "%u", (unsigned)port);
	struct rl_proc p;
	const char *args[] = {"-l", l, "-t", "127.0.0.1:9", NULL};
	assert_int_equal(run(&p, args), 3);
	assert_non_null(strstr(p.out, "cannot bind"));
	close(busy);
}

static void unknown_host_exits_4(void **st)
{
	struct rl_proc p;
	const char *args[] = {"-l", "9", "-t", "no-such-host.invalid:9", NULL};
	assert_int_equal(run(&p, args), 4);
	const char *args2[] = {"-l", "no-such-host.invalid:9", "-t", "127.0.0.1:9", NULL};
	assert_int_equal(run(&p, args2), 4);
}

static void duration_ends_the_relay_by_itself_with_counters(void **st)
{
	char l[16];
	snprintf(l, sizeof l, "%u", (unsigned)(rl_base_port() + 1));
	struct rl_proc p;
	const char *args[] = {"-l",  l,	  "-t", "127.0.0.1:9", "--duration", "300", "--stats-interval",
			      "100", NULL};
	uint64_t t0 = rl_now_ms();
	assert_int_equal(run(&p, args), 0);
	uint64_t took = rl_now_ms() - t0;
	assert_true(took >= 250 && took < 3000);
	assert_int_equal(rl_counter(&p, "c2s", "rx"), 0);
	/* Periodic lines plus the final one. */
	int lines = 0;
	for (const char *s = p.out; (s = strstr(s, "usctp-relay: s2c ")); s++)
		lines++;
	assert_true(lines >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(help_prints_usage_and_exits_0),
	    cmocka_unit_test(bad_rates_and_values_exit_2),
	    cmocka_unit_test(listen_port_in_use_exits_3),
	    cmocka_unit_test(unknown_host_exits_4),
	    cmocka_unit_test(duration_ends_the_relay_by_itself_with_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
