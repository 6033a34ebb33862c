/*
 * Graceful shutdown right after the last messages were queued: everything
 * queued before it is delivered (in both directions), then both sides see
 * SHUTDOWN_COMPLETE exactly once and their associations end.
 */
#include "lib_simapp.h"

#define SEEDS 40

static void shutdown_call_delivers_everything_queued_before_it(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_MIXED, .msgs = {100, 40}, .shutdown = SIMAPP_SHUT_CALL};
	assert_int_equal(simapp_run_seeds("shutdown/call", 10000, SEEDS, &sc), 0);
}

static void send_eof_delivers_everything_queued_before_it(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_LOSSY, .msgs = {100, 40}, .shutdown = SIMAPP_SHUT_EOF};
	assert_int_equal(simapp_run_seeds("shutdown/eof", 11000, SEEDS, &sc), 0);
}

static void shutdown_with_big_messages_and_partial_delivery(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_BANDWIDTH, .msgs = {40, 10}, .big = true, .shutdown = SIMAPP_SHUT_CALL};
	assert_int_equal(simapp_run_seeds("shutdown/big", 12000, 20, &sc), 0);
}

static void server_side_shutdown_delivers_everything_queued_before_it(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_REORDER, .msgs = {40, 100}, .shutdown = SIMAPP_SHUT_CALL, .closer = 1};
	assert_int_equal(simapp_run_seeds("shutdown/server", 30000, SEEDS, &sc), 0);
}

static void shutdown_with_random_configurations(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_MIXED, .msgs = {80, 40}, .shutdown = SIMAPP_SHUT_EOF, .random_config = true};
	assert_int_equal(simapp_run_seeds("shutdown/random-config", 22000, SEEDS, &sc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shutdown_call_delivers_everything_queued_before_it),
	    cmocka_unit_test(send_eof_delivers_everything_queued_before_it),
	    cmocka_unit_test(shutdown_with_big_messages_and_partial_delivery),
	    cmocka_unit_test(server_side_shutdown_delivers_everything_queued_before_it),
	    cmocka_unit_test(shutdown_with_random_configurations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
