/* Delay delays, jitter spreads, and a full queue drops instead of growing. */
#include "lib_relay.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

/* Sends n datagrams spaced gap_ms apart; records each one's transit time. */
static void measure(int cli, uint16_t lport, int srv, int n, unsigned gap_ms, uint64_t *lo, uint64_t *hi)
{
	uint8_t out[1220], buf[2048];
	uint64_t sent[64];
	int got = 0;
	*lo = UINT64_MAX;
	*hi = 0;
	assert_true(n <= 64);
	for (int i = 0; i < n; i++) {
		sent[i] = rl_now_ms();
		assert_int_equal(rl_send(cli, lport, out, rl_dgram(out, (uint32_t)i)), 0);
		rl_sleep_ms(gap_ms);
	}
	ssize_t len;
	while (got < n && (len = rl_recv(srv, buf, sizeof buf, 2000, NULL)) >= 0) {
		uint64_t now = rl_now_ms();
		long s = rl_dgram_check(buf, (size_t)len);
		assert_true(s >= 0 && s < n);
		uint64_t t = now - sent[s];
		*lo = t < *lo ? t : *lo;
		*hi = t > *hi ? t : *hi;
		got++;
	}
	assert_int_equal(got, n);
}

static void delay_100ms_delays_every_datagram_about_100ms(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	const char *extra[] = {"--delay", "100", NULL};
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	uint64_t lo, hi;
	/* Receive only after sending all, so the test's own pace does not hide the delay. */
	measure(cli, lport, srv, 20, 5, &lo, &hi);
	print_message("transit %llu..%llu ms\n", (unsigned long long)lo, (unsigned long long)hi);
	assert_int_equal(rl_stop(&p), 0);
	assert_true(lo >= 95);
	assert_true(hi <= 500);
	assert_int_equal(rl_counter(&p, "c2s", "delayed"), 20);
	close(srv);
	close(cli);
}

static void jitter_spreads_the_delay_within_its_bounds(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	const char *extra[] = {"--delay", "100", "--jitter", "50", "--seed", "9", NULL};
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	uint64_t lo, hi;
	measure(cli, lport, srv, 40, 2, &lo, &hi);
	print_message("transit %llu..%llu ms\n", (unsigned long long)lo, (unsigned long long)hi);
	assert_int_equal(rl_stop(&p), 0);
	assert_true(lo >= 45);
	assert_true(hi <= 600);
	assert_true(hi - lo >= 30); /* 40 uniform draws over 100 ms spread at least 30 ms */
	close(srv);
	close(cli);
}

static void a_full_delay_queue_drops_instead_of_growing(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	const char *extra[] = {"--delay", "300", "--queue", "8", NULL};
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	uint8_t out[1220], buf[2048];
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(rl_send(cli, lport, out, rl_dgram(out, i)), 0);
	int got = 0;
	while (got < 20 && rl_recv(srv, buf, sizeof buf, 1000, NULL) >= 0)
		got++;
	assert_int_equal(rl_stop(&p), 0);
	assert_int_equal(got, 8);
	assert_int_equal(rl_counter(&p, "c2s", "queue_full"), 12);
	close(srv);
	close(cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(delay_100ms_delays_every_datagram_about_100ms),
	    cmocka_unit_test(jitter_spreads_the_delay_within_its_bounds),
	    cmocka_unit_test(a_full_delay_queue_drops_instead_of_growing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
