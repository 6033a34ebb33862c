/*
 * Simulated network: a receiver that holds only two large datagrams and
 * drains them at a fixed rate, as a usrsctp peer's UDP socket buffer on
 * loopback (212992 bytes) holds three 64 KiB datagrams while its receive
 * thread catches up. The sender sends bursts of messages. With large packets
 * the tail of a burst and its retransmissions are lost again and again and
 * only T3 repairs them (RTO.Min 1 s); the path falling back to the base size
 * (src/core/pmtu.h) leaves enough packets in flight for fast retransmit.
 */
#include <stdio.h>

#include "lib_simapp.h"

#define BIG 9000u
#define BASE 1200u

/* 1 Gbit/s, 100 us each way, room for two BIG datagrams. */
static const struct sim_link_cfg small_receiver = {
    .delay_ns = 100000, .bw_bps = 1000000000ull, .queue_bytes = 2 * BIG};
static const struct sim_link_cfg acks = {.delay_ns = 100000};

static struct simapp_result run(uint64_t seed, uint32_t base)
{
	struct simapp_scenario sc = {.profile = SIM_CLEAN,
				     .msgs = {400, 0},
				     .send_burst = 8,
				     .send_every_ms = 5,
				     .fixed_len = 20000,
				     .mtu = BIG,
				     .mtu_base = base,
				     .rcvbuf = 1 << 20,
				     .link = {&small_receiver, &acks}};
	struct simapp_result r;
	assert_true(simapp_run(seed, &sc, &r));
	fprintf(stderr, "pmtu: seed %llu base %u: %.1f Mbit/s, %.3f s, %llu T3, %llu fallbacks\n",
		(unsigned long long)seed, base, (double)r.goodput_bps / 1e6, (double)r.now / 1e9,
		(unsigned long long)r.t3_timeouts[0], (unsigned long long)r.pmtu_fallbacks[0]);
	return r;
}

static void small_receive_buffer_large_packets_fall_back_and_beat_fixed_size(void **state)
{
	(void)state;
	/* A clean network and fixed-size messages: the run does not depend on
	 * the seed, one is enough. */
	struct simapp_result fixed = run(36000, 0);
	struct simapp_result fb = run(36000, BASE);
	assert_int_equal(fixed.pmtu_fallbacks[0], 0);
	assert_true(fixed.t3_timeouts[0] >= 10); /* the trouble this is about */
	/* One T3 to learn, then none: more than 10 times the goodput. */
	assert_int_equal(fb.pmtu_fallbacks[0], 1);
	assert_int_equal(fb.t3_timeouts[0], 1);
	assert_true(fb.goodput_bps > 10 * fixed.goodput_bps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(small_receive_buffer_large_packets_fall_back_and_beat_fixed_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
