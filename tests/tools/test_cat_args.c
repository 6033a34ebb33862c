/*
 * The tools' error handling: bad flags and arguments, unknown hosts, ports
 * in use and peers that do not answer give the documented message and exit
 * status (tools/toolutil.h, docs/tools.md); --help documents them; and
 * USCTP_DEBUG makes the library's log appear on stderr.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib_toolrun.h"
#include "testutil.h"

#define T_MS 20000

/* Run tool with args; assert exit status want and that stderr has needle. */
static void expect(const char *tool, const char *const *args, int want, const char *needle)
{
	const char *path = tr_tool(tool);
	assert_non_null(path);
	const char *argv[24] = {path};
	int n = 1;
	for (int i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	const char *err = tr_path("args.err"), *out = tr_path("args.out");
	int rc = tr_run(argv, NULL, out, err, NULL, T_MS);
	char *e = tr_read(err, NULL), *o = tr_read(out, NULL);
	if (rc != want || (needle && !strstr(e, needle) && !strstr(o, needle)))
		fprintf(stderr, "%s: rc %d (want %d), stderr:\n%s\nstdout:\n%s\n", tool, rc, want, e, o);
	assert_int_equal(rc, want);
	if (needle)
		assert_true(strstr(e, needle) || strstr(o, needle));
	free(e);
	free(o);
}

static void help_documents_examples_and_exit_statuses(void **state)
{
	(void)state;
	static const char *const h[] = {"--help", NULL};
	expect("usctp-cat", h, 0, "Examples:");
	expect("usctp-cat", h, 0, "Exit status: 0 success");
	expect("usctp-perf", h, 0, "Examples:");
	expect("usctp-perf", h, 0, "4 local UDP or SCTP port in use");
}

static void bad_flags_and_numbers_exit_2(void **state)
{
	(void)state;
	static const char *const a1[] = {"--no-such-flag", "h", "1", NULL};
	expect("usctp-cat", a1, 2, "unknown option '--no-such-flag'");
	static const char *const a2[] = {"-x", NULL};
	expect("usctp-cat", a2, 2, "unknown option '-x'");
	static const char *const a3[] = {"localhost", "70000", NULL};
	expect("usctp-cat", a3, 2, "PORT: 70000 is out of range");
	static const char *const a4[] = {"--stream", "abc", "localhost", "5000", NULL};
	expect("usctp-cat", a4, 2, "--stream: 'abc' is not a number");
	static const char *const a5[] = {"localhost", NULL};
	expect("usctp-cat", a5, 2, "missing HOST and PORT");
	static const char *const a6[] = {"-s", "-c", "localhost", NULL};
	expect("usctp-perf", a6, 2, "give exactly one of -s");
	static const char *const a7[] = {"-c", "localhost", "-l", "12q", NULL};
	expect("usctp-perf", a7, 2, "--length: '12q' is not a size");
	static const char *const a8[] = {"-c", "localhost", "-u", NULL};
	expect("usctp-perf", a8, 2, "needs an argument");
}

static void unknown_host_exits_3(void **state)
{
	(void)state;
	char u[8];
	snprintf(u, sizeof(u), "%u", tr_free_udp_port());
	const char *args[] = {"-u", u, "no-such-host.invalid", "5000", NULL};
	expect("usctp-cat", args, 3, "unknown host 'no-such-host.invalid'");
	const char *pargs[] = {"-u", u, "-c", "no-such-host.invalid", NULL};
	expect("usctp-perf", pargs, 3, "unknown host");
}

static void udp_port_in_use_exits_4(void **state)
{
	(void)state;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET};
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	socklen_t l = sizeof(sin);
	getsockname(fd, (struct sockaddr *)&sin, &l);
	char u[8];
	snprintf(u, sizeof(u), "%u", ntohs(sin.sin_port));
	const char *args[] = {"-u", u, "-l", "5000", NULL};
	expect("usctp-cat", args, 4, "is in use");
	const char *pargs[] = {"-s", "-u", u, NULL};
	expect("usctp-perf", pargs, 4, "is in use");
	close(fd);
}

static void peer_that_never_answers_exits_5(void **state)
{
	(void)state;
	char u[8], r[8];
	snprintf(u, sizeof(u), "%u", tr_free_udp_port());
	snprintf(r, sizeof(r), "%u", tr_free_udp_port()); /* nobody there */
	const char *args[] = {"-w", "1", "-u", u, "-r", r, "127.0.0.1", "5000", NULL};
	expect("usctp-cat", args, 5, "cannot connect to 127.0.0.1:5000");
	const char *pargs[] = {"-w", "1", "-u", u, "-r", r, "-c", "127.0.0.1", NULL};
	expect("usctp-perf", pargs, 5, "cannot connect");
}

static void usctp_debug_logs_state_changes_and_packets(void **state)
{
	(void)state;
	const char *cat = tr_tool("usctp-cat");
	assert_non_null(cat);
	char su[8], cu[8];
	snprintf(su, sizeof(su), "%u", tr_free_udp_port());
	do
		snprintf(cu, sizeof(cu), "%u", tr_free_udp_port());
	while (strcmp(su, cu) == 0);
	const char *in = tr_path("dbg.txt");
	tr_write(in, "hi\n", 3);
	const char *sv[] = {cat, "-v", "-d", "-u", su, "-l", "5005", NULL};
	const char *cv[] = {cat, "-w", "5", "-u", cu, "-r", su, "127.0.0.1", "5005", NULL};
	const char *serr = tr_path("dbg.serr"), *cerr = tr_path("dbg.cerr");
	static const char *const env2[] = {"USCTP_DEBUG=2", NULL};
	static const char *const env3[] = {"USCTP_DEBUG=3", NULL};
	pid_t s = tr_spawn(sv, NULL, NULL, serr, env2);
	assert_true(tr_wait_file_has(serr, "listening", 5000));
	assert_int_equal(tr_run(cv, in, NULL, cerr, env3, T_MS), 0);
	assert_int_equal(tr_wait(s, T_MS), 0);
	/* Level 2: state changes and events, no packets. */
	assert_true(tr_file_has(serr, "state: runtime started on UDP port"));
	assert_true(tr_file_has(serr, "ESTABLISHED"));
	assert_true(tr_file_has(serr, "event COMM_UP"));
	assert_true(tr_file_has(serr, "-> CLOSED"));
	assert_false(tr_file_has(serr, "pkt:"));
	/* Level 3: also every packet. */
	assert_true(tr_file_has(cerr, "COOKIE-WAIT -> COOKIE-ECHOED"));
	assert_true(tr_file_has(cerr, "pkt: tx to 127.0.0.1 udp"));
	assert_true(tr_file_has(cerr, ": INIT("));
	assert_true(tr_file_has(cerr, "DATA("));
	assert_true(tr_file_has(cerr, "SHUTDOWN_COMPLETE("));
	/* Level 0 (unset): silent library. */
	s = tr_spawn(sv, NULL, NULL, serr, NULL);
	assert_true(tr_wait_file_has(serr, "listening", 5000));
	assert_int_equal(tr_run(cv, in, NULL, cerr, NULL, T_MS), 0);
	assert_int_equal(tr_wait(s, T_MS), 0);
	assert_false(tr_file_has(serr, "usctp "));
	assert_false(tr_file_has(cerr, "usctp "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(help_documents_examples_and_exit_statuses),
	    cmocka_unit_test(bad_flags_and_numbers_exit_2),
	    cmocka_unit_test(unknown_host_exits_3),
	    cmocka_unit_test(udp_port_in_use_exits_4),
	    cmocka_unit_test(peer_that_never_answers_exits_5),
	    cmocka_unit_test(usctp_debug_logs_state_changes_and_packets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
