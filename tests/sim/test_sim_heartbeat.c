/*
 * An idle association whose peer vanishes finds out by heartbeats (RFC 9260
 * 8.3): with HB.interval 1 s and Association.Max.Retrans 4, a black hole that
 * starts once everything was delivered ends in COMM_LOST on both sides.
 */
#include "lib_simapp.h"

static void idle_association_detects_a_dead_peer_by_heartbeats(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_CLEAN, .msgs = {30, 30}, .blackhole = true, .idle = true};
	assert_int_equal(simapp_run_seeds("heartbeat/idle-blackhole", 28000, 20, &sc), 0);
}

static void heartbeats_keep_a_healthy_idle_association_up(void **state)
{
	/* Lossy but alive: heartbeat losses alone must not kill it within an hour. */
	struct simapp_scenario sc = {.profile = SIM_LOSSY, .msgs = {30, 30}, .idle_hours = 1};
	assert_int_equal(simapp_run_seeds("heartbeat/idle-alive", 29000, 20, &sc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(idle_association_detects_a_dead_peer_by_heartbeats),
	    cmocka_unit_test(heartbeats_keep_a_healthy_idle_association_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
