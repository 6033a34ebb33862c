/*
 * End to end over impaired links: every message, in both directions at once,
 * is delivered exactly once, intact, on its stream, ordered streams in order,
 * and no corrupted packet is ever accepted. Each test runs its own range of
 * seeds; a failure prints the seed to replay with USCTP_SEED=<seed>.
 */
#include "lib_simapp.h"

#include <stdio.h>

#define SEEDS 40

static void run(enum sim_profile p, unsigned m0, unsigned m1, bool big, uint64_t base)
{
	struct simapp_scenario sc = {.profile = p, .msgs = {m0, m1}, .big = big};
	char name[64];
	snprintf(name, sizeof name, "transfer/%s%s", sim_profile_name(p), big ? "/big" : "");
	assert_int_equal(simapp_run_seeds(name, base, SEEDS, &sc), 0);
}

static void clean_network_delivers_everything_once_and_in_order(void **state)
{
	run(SIM_CLEAN, 300, 100, false, 1000);
}

static void loss_up_to_20_percent_loses_no_message(void **state)
{
	run(SIM_LOSSY, 150, 60, false, 2000);
}

static void reordering_keeps_ordered_streams_in_order(void **state)
{
	run(SIM_REORDER, 200, 80, false, 3000);
}

static void duplicated_packets_deliver_each_message_once(void **state)
{
	run(SIM_DUP, 200, 80, false, 4000);
}

static void corrupted_packets_are_never_accepted(void **state)
{
	run(SIM_CORRUPT, 150, 60, false, 5000);
}

static void delay_and_jitter_lose_nothing(void **state)
{
	run(SIM_JITTER, 200, 80, false, 6000);
}

static void bandwidth_limit_with_tail_drop_loses_nothing(void **state)
{
	run(SIM_BANDWIDTH, 200, 80, false, 7000);
}

static void mixed_impairments_lose_nothing(void **state)
{
	run(SIM_MIXED, 150, 60, false, 8000);
}

static void messages_larger_than_rcvbuf_arrive_whole(void **state)
{
	run(SIM_MIXED, 60, 30, true, 9000);
}

static void slow_reader_closes_and_reopens_the_window(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_LOSSY, .msgs = {80, 30}, .big = true, .read_budget = 3000, .read_every_ms = 20};
	assert_int_equal(simapp_run_seeds("transfer/slow-reader", 31000, SEEDS, &sc), 0);
}

static void random_configurations_lose_nothing(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_MIXED, .msgs = {150, 60}, .random_config = true};
	assert_int_equal(simapp_run_seeds("transfer/random-config", 20000, SEEDS, &sc), 0);
}

static void random_configurations_with_big_messages_and_a_slow_reader(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_LOSSY,
				     .msgs = {60, 30},
				     .big = true,
				     .random_config = true,
				     .read_budget = 2000,
				     .read_every_ms = 30};
	assert_int_equal(simapp_run_seeds("transfer/random-config/big", 21000, SEEDS, &sc), 0);
}

static void simultaneous_open_makes_one_association(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_MIXED, .msgs = {100, 100}, .both_connect = true};
	assert_int_equal(simapp_run_seeds("transfer/simultaneous-open", 24000, SEEDS, &sc), 0);
}

/* The client crashes and reconnects (RFC 9260 5.2.2): the server sees
 * RESTART exactly once, no COMM_UP, and new messages flow both ways. */
static void peer_restart_is_detected_and_traffic_resumes(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_MIXED, .msgs = {60, 60}, .restart = true};
	assert_int_equal(simapp_run_seeds("transfer/restart", 33000, SEEDS, &sc), 0);
}

/* 2 MB through a clean 10 Mbit/s bottleneck with 40 ms RTT (the receive
 * window covers the BDP): congestion control must reach at least half of the
 * link rate, counted from COMM_UP (slow start included). */
static void bulk_transfer_fills_a_clean_bottleneck(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_BOTTLENECK, .msgs = {256, 0}, .fixed_len = 8192, .min_goodput_bps = 5000000};
	for (uint64_t seed = 34000; seed < 34003; seed++) {
		struct simapp_result r;
		bool ok = simapp_run(seed, &sc, &r);
		fprintf(stderr, "transfer/bottleneck: seed %llu goodput %.2f Mbit/s\n",
			(unsigned long long)seed, (double)r.goodput_bps / 1e6);
		assert_true(ok);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(clean_network_delivers_everything_once_and_in_order),
	    cmocka_unit_test(loss_up_to_20_percent_loses_no_message),
	    cmocka_unit_test(reordering_keeps_ordered_streams_in_order),
	    cmocka_unit_test(duplicated_packets_deliver_each_message_once),
	    cmocka_unit_test(corrupted_packets_are_never_accepted),
	    cmocka_unit_test(delay_and_jitter_lose_nothing),
	    cmocka_unit_test(bandwidth_limit_with_tail_drop_loses_nothing),
	    cmocka_unit_test(mixed_impairments_lose_nothing),
	    cmocka_unit_test(messages_larger_than_rcvbuf_arrive_whole),
	    cmocka_unit_test(slow_reader_closes_and_reopens_the_window),
	    cmocka_unit_test(random_configurations_lose_nothing),
	    cmocka_unit_test(random_configurations_with_big_messages_and_a_slow_reader),
	    cmocka_unit_test(simultaneous_open_makes_one_association),
	    cmocka_unit_test(peer_restart_is_detected_and_traffic_resumes),
	    cmocka_unit_test(bulk_transfer_fills_a_clean_bottleneck),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
