/* The relay without impairment is a faithful pipe, both ways; reordering reorders. */
#include "lib_relay.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N 300

static void portstr(char *buf, size_t len, uint16_t port, int with_host)
{
	snprintf(buf, len, with_host ? "127.0.0.1:%u" : "%u", (unsigned)port);
}

static void relay_without_impairment_passes_every_datagram_intact_in_order_both_ways(void **st)
{
	uint16_t base = rl_base_port(), lport = base, sport = (uint16_t)(base + 1);
	char l[32], t[32];
	portstr(l, sizeof l, lport, 0);
	portstr(t, sizeof t, sport, 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	const char *args[] = {"--listen", l, "--target", t, NULL};
	assert_int_equal(rl_start(&p, args), 0);

	uint8_t buf[2048], out[1220];
	uint16_t relay_port = 0;
	long next = 0;
	for (uint32_t i = 0; i < N; i++) {
		size_t len = rl_dgram(out, i);
		assert_int_equal(rl_send(cli, lport, out, len), 0);
		/* Read as we go so no socket buffer overflows. */
		ssize_t n;
		if (i % 10 == 9)
			rl_sleep_ms(1);
		while ((n = rl_recv(srv, buf, sizeof buf, 0, &relay_port)) >= 0) {
			assert_int_equal(rl_dgram_check(buf, (size_t)n), next);
			next++;
		}
	}
	ssize_t n;
	while (next < N && (n = rl_recv(srv, buf, sizeof buf, 1000, &relay_port)) >= 0) {
		assert_int_equal(rl_dgram_check(buf, (size_t)n), next);
		next++;
	}
	assert_int_equal(next, N);

	/* Back: the target answers the relay's source address, the client gets it. */
	next = 0;
	for (uint32_t i = 0; i < N; i++) {
		size_t len = rl_dgram(out, i);
		assert_int_equal(rl_send(srv, relay_port, out, len), 0);
		if (i % 10 == 9)
			rl_sleep_ms(1);
		while ((n = rl_recv(cli, buf, sizeof buf, 0, NULL)) >= 0) {
			assert_int_equal(rl_dgram_check(buf, (size_t)n), next);
			next++;
		}
	}
	while (next < N && (n = rl_recv(cli, buf, sizeof buf, 1000, NULL)) >= 0) {
		assert_int_equal(rl_dgram_check(buf, (size_t)n), next);
		next++;
	}
	assert_int_equal(next, N);

	assert_int_equal(rl_stop(&p), 0);
	assert_int_equal(rl_counter(&p, "c2s", "rx"), N);
	assert_int_equal(rl_counter(&p, "c2s", "tx"), N);
	assert_int_equal(rl_counter(&p, "s2c", "rx"), N);
	assert_int_equal(rl_counter(&p, "s2c", "tx"), N);
	assert_int_equal(rl_counter(&p, "c2s", "dropped"), 0);
	close(srv);
	close(cli);
}

static void relay_ignores_datagrams_from_a_second_client(void **st)
{
	uint16_t base = rl_base_port(), lport = (uint16_t)(base + 2), sport = (uint16_t)(base + 3);
	char l[32], t[32];
	portstr(l, sizeof l, lport, 0);
	portstr(t, sizeof t, sport, 1);
	int srv = rl_udp(sport), cli = rl_udp(0), other = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0 && other >= 0);
	struct rl_proc p;
	const char *args[] = {"-l", l, "-t", t, NULL};
	assert_int_equal(rl_start(&p, args), 0);
	uint8_t out[1220], buf[2048];
	size_t len = rl_dgram(out, 1);
	assert_int_equal(rl_send(cli, lport, out, len), 0);
	assert_true(rl_recv(srv, buf, sizeof buf, 1000, NULL) > 0);
	assert_int_equal(rl_send(other, lport, out, len), 0);
	assert_int_equal(rl_recv(srv, buf, sizeof buf, 200, NULL), -1);
	assert_int_equal(rl_stop(&p), 0);
	assert_int_equal(rl_counter(&p, "c2s", "stray"), 1);
	close(srv);
	close(cli);
	close(other);
}

static void relay_reorder_delivers_everything_but_not_in_order(void **st)
{
	uint16_t base = rl_base_port(), lport = base, sport = (uint16_t)(base + 1);
	char l[32], t[32];
	portstr(l, sizeof l, lport, 0);
	portstr(t, sizeof t, sport, 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	const char *args[] = {"-l", l,	      "-t", t,	 "--reorder", "20", "--reorder-delay",
			      "30", "--seed", "5",  NULL};
	assert_int_equal(rl_start(&p, args), 0);
	uint8_t out[1220], buf[2048];
	static int seen[200];
	memset(seen, 0, sizeof seen);
	int got = 0, inversions = 0;
	long last = -1;
	for (uint32_t i = 0; i < 200; i++) {
		assert_int_equal(rl_send(cli, lport, out, rl_dgram(out, i)), 0);
		rl_sleep_ms(1); /* later datagrams must overtake the held ones */
		ssize_t n;
		while ((n = rl_recv(srv, buf, sizeof buf, 0, NULL)) >= 0) {
			long s = rl_dgram_check(buf, (size_t)n);
			assert_true(s >= 0 && s < 200 && !seen[s]);
			seen[s] = 1;
			got++;
			inversions += s < last;
			last = s;
		}
	}
	ssize_t n;
	while (got < 200 && (n = rl_recv(srv, buf, sizeof buf, 1000, NULL)) >= 0) {
		long s = rl_dgram_check(buf, (size_t)n);
		assert_true(s >= 0 && s < 200 && !seen[s]);
		seen[s] = 1;
		got++;
		inversions += s < last;
		last = s;
	}
	assert_int_equal(rl_stop(&p), 0);
	assert_int_equal(got, 200);
	long long reordered = rl_counter(&p, "c2s", "reordered");
	print_message("reordered %lld, inversions seen %d\n", reordered, inversions);
	assert_true(reordered >= 20 && reordered <= 60);
	assert_true(inversions > 0);
	close(srv);
	close(cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(relay_without_impairment_passes_every_datagram_intact_in_order_both_ways),
	    cmocka_unit_test(relay_ignores_datagrams_from_a_second_client),
	    cmocka_unit_test(relay_reorder_delivers_everything_but_not_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
