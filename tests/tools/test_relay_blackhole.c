/* A black hole drops everything while it lasts, then traffic resumes. */
#include "lib_relay.h"
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Sends one datagram and reports whether it came through within wait_ms. */
static int passes(int cli, uint16_t lport, int srv, uint32_t seq, int wait_ms)
{
	uint8_t out[1220], buf[2048];
	assert_int_equal(rl_send(cli, lport, out, rl_dgram(out, seq)), 0);
	ssize_t n = rl_recv(srv, buf, sizeof buf, wait_ms, NULL);
	return n >= 0 && rl_dgram_check(buf, (size_t)n) == (long)seq;
}

static void blackhole_window_drops_then_traffic_resumes(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	/* The window counts from the relay's start, somewhere in [t0, t1]. */
	const char *extra[] = {"--blackhole", "400:600", NULL};
	uint64_t t0 = rl_now_ms();
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	uint64_t t1 = rl_now_ms();
	/* One datagram every 10 ms for 1.4 s; judged by send time, with 100 ms margins. */
	enum { N = 140 };
	static uint64_t sent_at[N];
	static int counts[N];
	memset(counts, 0, sizeof counts);
	uint8_t out[1220], buf[2048];
	uint32_t n = 0;
	while (n < N && rl_now_ms() < t0 + 1400) {
		sent_at[n] = rl_now_ms();
		assert_int_equal(rl_send(cli, lport, out, rl_dgram(out, n)), 0);
		n++;
		ssize_t len;
		while ((len = rl_recv(srv, buf, sizeof buf, 0, NULL)) >= 0) {
			long s = rl_dgram_check(buf, (size_t)len);
			assert_true(s >= 0 && s < N);
			counts[s]++;
		}
		rl_sleep_ms(10);
	}
	ssize_t len;
	while ((len = rl_recv(srv, buf, sizeof buf, 300, NULL)) >= 0) {
		long s = rl_dgram_check(buf, (size_t)len);
		assert_true(s >= 0 && s < N);
		counts[s]++;
	}
	assert_int_equal(rl_stop(&p), 0);
	int before = 0, during = 0, after = 0, n_before = 0, n_during = 0, n_after = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t = sent_at[i];
		if (t + 100 < t0 + 400) {
			n_before++;
			before += counts[i];
		} else if (t > t1 + 500 && t + 100 < t0 + 1000) {
			n_during++;
			during += counts[i];
		} else if (t > t1 + 1100) {
			n_after++;
			after += counts[i];
		}
	}
	print_message("passed: before %d/%d, during %d/%d, after %d/%d\n", before, n_before, during, n_during,
		      after, n_after);
	assert_true(n_before > 3 && n_during > 3 && n_after > 3);
	assert_int_equal(before, n_before);
	assert_int_equal(during, 0);
	assert_int_equal(after, n_after);
	assert_true(rl_counter(&p, "c2s", "blackholed") >= n_during);
	close(srv);
	close(cli);
}

static void sigusr1_toggles_a_blackhole(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	assert_int_equal(rl_start_pair(&p, lport, sport, NULL), 0);
	for (uint32_t i = 0; i < 5; i++)
		assert_true(passes(cli, lport, srv, i, 500));
	kill(p.pid, SIGUSR1);
	rl_sleep_ms(100);
	for (uint32_t i = 5; i < 10; i++)
		assert_false(passes(cli, lport, srv, i, 100));
	kill(p.pid, SIGUSR1);
	rl_sleep_ms(100);
	for (uint32_t i = 10; i < 15; i++)
		assert_true(passes(cli, lport, srv, i, 500));
	assert_int_equal(rl_stop(&p), 0);
	assert_int_equal(rl_counter(&p, "c2s", "blackholed"), 5);
	assert_non_null(strstr(p.out, "black hole on"));
	close(srv);
	close(cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(blackhole_window_drops_then_traffic_resumes),
	    cmocka_unit_test(sigusr1_toggles_a_blackhole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
