/*
 * usctp-perf client and server agree on what was sent and received
 * (throughput over several streams with unordered messages, and latency mode
 * with echoes), and their JSON carries the numbers the benchmarks read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_toolrun.h"
#include "testutil.h"

#define T_MS 60000

/* The number after "key": in a JSON text (first occurrence after from). */
static double json_num(const char *js, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(js, pat);
	assert_non_null(p);
	return strtod(p + strlen(pat), NULL);
}

static void run_pair(const char *const *cextra, char **sjson, char **cjson)
{
	const char *perf = tr_tool("usctp-perf");
	assert_non_null(perf);
	char su[8], cu[8];
	snprintf(su, sizeof(su), "%u", tr_free_udp_port());
	do
		snprintf(cu, sizeof(cu), "%u", tr_free_udp_port());
	while (strcmp(su, cu) == 0);
	const char *sv[] = {perf, "-s", "-1", "-j", "-u", su, "-p", "5009", NULL};
	const char *cv[24] = {perf, "-c", "127.0.0.1", "-p", "5009", "-u", cu, "-r", su, "-j"};
	int n = 10;
	for (int i = 0; cextra[i]; i++)
		cv[n++] = cextra[i];
	const char *sout = tr_path("perf.sout"), *cout = tr_path("perf.cout"), *serr = tr_path("perf.serr"),
		   *cerr = tr_path("perf.cerr");
	pid_t s = tr_spawn(sv, NULL, sout, serr, NULL);
	assert_true(tr_wait_file_has(serr, "listening", 5000));
	int crc = tr_run(cv, NULL, cout, cerr, NULL, T_MS);
	int src = tr_wait(s, T_MS);
	*sjson = tr_read(sout, NULL);
	*cjson = tr_read(cout, NULL);
	if (crc || src) {
		char *e1 = tr_read(serr, NULL), *e2 = tr_read(cerr, NULL);
		fprintf(stderr, "server rc %d\n%s\n%s\nclient rc %d\n%s\n%s\n", src, *sjson, e1, crc, *cjson,
			e2);
		free(e1);
		free(e2);
	}
	assert_int_equal(crc, 0);
	assert_int_equal(src, 0);
}

static void perf_client_and_server_agree_on_counts(void **state)
{
	(void)state;
	static const char *const extra[] = {"-n", "20000", "-l", "3000", "-S", "4", "-U", "30", NULL};
	char *s, *c;
	run_pair(extra, &s, &c);
	printf("server: %sclient: %s", s, c);
	assert_int_equal(json_num(c, "msgs"), 20000);
	assert_int_equal(json_num(c, "bytes"), 20000.0 * 3000);
	/* The server's own line, and its report inside the client's. */
	assert_int_equal(json_num(strstr(s, "\"role\":\"server\""), "msgs"), 20000);
	assert_int_equal(json_num(strstr(s, "\"role\":\"server\""), "bytes"), 20000.0 * 3000);
	assert_int_equal(json_num(strstr(c, "\"server\":"), "msgs"), 20000);
	assert_non_null(strstr(c, "\"counts_match\":true"));
	assert_true(json_num(c, "mb_per_s") > 0);
	assert_true(json_num(c, "msgs_per_s") > 0);
	assert_int_equal(json_num(c, "streams"), 4);
	free(s);
	free(c);
}

static void perf_latency_mode_reports_percentiles(void **state)
{
	(void)state;
	static const char *const extra[] = {"-L", "-n", "2000", "-l", "200", NULL};
	char *s, *c;
	run_pair(extra, &s, &c);
	printf("client: %s", c);
	assert_non_null(strstr(c, "\"mode\":\"latency\""));
	assert_int_equal(json_num(c, "samples"), 2000);
	double p50 = json_num(c, "p50"), p99 = json_num(c, "p99"), mx = json_num(c, "max"),
	       mn = json_num(c, "min");
	assert_true(mn <= p50 && p50 <= p99 && p99 <= mx);
	assert_true(mn > 0);
	assert_non_null(strstr(c, "\"counts_match\":true"));
	free(s);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(perf_client_and_server_agree_on_counts),
	    cmocka_unit_test(perf_latency_mode_reports_percentiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
