/*
 * usctp-cat between two processes carries data intact: lines of stdin, a
 * binary file given with -f, with --meta headers, over IPv4 and IPv6, one-to-one
 * and one-to-many; both ends exit 0 after the graceful shutdown.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_toolrun.h"
#include "testutil.h"

#define T_MS 20000

struct pair {
	char su[8], cu[8], sport[8];
	const char *cat;
};

static void pair_init(struct pair *p, uint16_t sctp_port)
{
	p->cat = tr_tool("usctp-cat");
	assert_non_null(p->cat);
	uint16_t a = tr_free_udp_port(), b;
	do
		b = tr_free_udp_port();
	while (b == a);
	assert_true(a && b);
	snprintf(p->su, sizeof(p->su), "%u", a);
	snprintf(p->cu, sizeof(p->cu), "%u", b);
	snprintf(p->sport, sizeof(p->sport), "%u", sctp_port);
}

static char *random_text(size_t lines, size_t *len)
{
	struct tu_rng r;
	tu_rng_seed(&r, tu_seed(42));
	char *s = malloc(lines * 200 + 1);
	size_t n = 0;
	for (size_t i = 0; i < lines; i++) {
		size_t l = tu_rng_below(&r, 180);
		for (size_t j = 0; j < l; j++)
			s[n++] = (char)(' ' + tu_rng_below(&r, 95));
		s[n++] = '\n';
	}
	s[n++] = 'e'; /* a last line without newline survives too */
	*len = n;
	return s;
}

/* Run listener (extra server args) and client (extra client args); returns
 * the server's stdout; asserts both exit 0. */
static char *transfer(struct pair *p, const char *host, const char *const *sargs, const char *const *cargs,
		      const char *client_in, size_t *outlen)
{
	const char *sv[16] = {p->cat, "-v", "-u", p->su, "-l"},
		   *cv[16] = {p->cat, "-w", "5", "-u", p->cu, "-r", p->su};
	int ns = 5, nc = 7;
	for (int i = 0; sargs && sargs[i]; i++)
		sv[ns++] = sargs[i];
	sv[ns++] = p->sport;
	for (int i = 0; cargs && cargs[i]; i++)
		cv[nc++] = cargs[i];
	cv[nc++] = host;
	cv[nc++] = p->sport;
	const char *sout = tr_path("server.out"), *serr = tr_path("server.err"),
		   *cerr = tr_path("client.err");
	pid_t s = tr_spawn(sv, NULL, sout, serr, NULL);
	assert_true(tr_wait_file_has(serr, "listening", 5000));
	int crc = tr_run(cv, client_in, NULL, cerr, NULL, T_MS);
	int src = tr_wait(s, T_MS);
	if (crc != 0 || src != 0) {
		char *e1 = tr_read(serr, NULL), *e2 = tr_read(cerr, NULL);
		fprintf(stderr, "server rc %d:\n%s\nclient rc %d:\n%s\n", src, e1, crc, e2);
		free(e1);
		free(e2);
	}
	assert_int_equal(crc, 0);
	assert_int_equal(src, 0);
	return tr_read(sout, outlen);
}

static void cat_carries_stdin_lines_intact_ipv4(void **state)
{
	(void)state;
	struct pair p;
	pair_init(&p, 5001);
	size_t len, got;
	char *text = random_text(3000, &len);
	const char *in = tr_path("lines.txt");
	tr_write(in, text, len);
	static const char *const sargs[] = {"-d", NULL};
	char *out = transfer(&p, "127.0.0.1", sargs, NULL, in, &got);
	printf("sent %zu bytes fnv %016llx, received %zu bytes fnv %016llx\n", len,
	       (unsigned long long)tr_fnv(text, len), got, (unsigned long long)tr_fnv(out, got));
	assert_int_equal(got, len);
	assert_memory_equal(out, text, len);
	free(out);
	free(text);
}

static void cat_carries_binary_file_as_one_message_ipv6(void **state)
{
	(void)state;
	struct pair p;
	pair_init(&p, 5002);
	struct tu_rng r;
	tu_rng_seed(&r, tu_seed(7));
	size_t len = 48 * 1024 + 13, got;
	char *bin = malloc(len);
	tu_rng_fill(&r, bin, len);
	const char *in = tr_path("blob.bin");
	tr_write(in, bin, len);
	static const char *const sargs[] = {"-d", "--meta", NULL};
	const char *cargs[] = {"-f", in, "-s", "3", "-P", "51", NULL};
	char *out = transfer(&p, "::1", sargs, cargs, NULL, &got);
	const char *hdr = "[assoc ";
	assert_true(got > len);
	assert_memory_equal(out, hdr, strlen(hdr));
	char *end = strstr(out, "] ");
	assert_non_null(end);
	assert_non_null(strstr(out, "stream 3 ppid 51]"));
	size_t off = (size_t)(end + 2 - out);
	assert_int_equal(got - off, len);
	assert_int_equal(tr_fnv(out + off, len), tr_fnv(bin, len));
	free(out);
	free(bin);
}

static void cat_seqpacket_listener_gets_lines_and_client_exits_at_eof(void **state)
{
	(void)state;
	struct pair p;
	pair_init(&p, 5003);
	const char *in = tr_path("two.txt");
	tr_write(in, "one\ntwo\n", 8);
	/* The one-to-many listener keeps serving: stop it with -q after its
	 * stdin (empty) is done... it has none, so use the client's end:
	 * run it with a bounded life and check its output. */
	const char *sv[] = {p.cat, "-v", "--seqpacket", "-d", "--meta", "-u", p.su, "-l", p.sport, NULL};
	const char *cv[] = {p.cat, "--seqpacket", "-U", "-w",	     "5",     "-u",
			    p.cu,  "-r",	  p.su, "127.0.0.1", p.sport, NULL};
	const char *sout = tr_path("sp.out"), *serr = tr_path("sp.err");
	pid_t s = tr_spawn(sv, NULL, sout, serr, NULL);
	assert_true(tr_wait_file_has(serr, "listening", 5000));
	assert_int_equal(tr_run(cv, in, NULL, NULL, NULL, T_MS), 0);
	assert_true(tr_wait_file_has(serr, "SHUTDOWN_COMP", 5000));
	kill(s, SIGTERM); /* a graceful end: exit 0 */
	assert_int_equal(tr_wait(s, T_MS), 0);
	char *out = tr_read(sout, NULL);
	assert_non_null(strstr(out, "ppid 0 unordered] one\n"));
	assert_non_null(strstr(out, "ppid 0 unordered] two\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cat_carries_stdin_lines_intact_ipv4),
	    cmocka_unit_test(cat_carries_binary_file_as_one_message_ipv6),
	    cmocka_unit_test(cat_seqpacket_listener_gets_lines_and_client_exits_at_eof),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
