/*
 * PR-SCTP (RFC 3758) end to end: a message with an RTX, TTL or BUF policy is
 * delivered at most once, intact, or reported with SEND_FAILED exactly once;
 * reliable messages are always delivered; an ordered stream skips only
 * abandoned messages; an aborted partial delivery is reported; nothing
 * stalls.
 */
#include "lib_simapp.h"

#define SEEDS 40

static void partly_reliable_messages_are_delivered_or_reported_abandoned(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_LOSSY, .msgs = {200, 80}, .pr = true};
	assert_int_equal(simapp_run_seeds("prsctp/lossy", 25000, SEEDS, &sc), 0);
}

static void abandoned_big_messages_abort_partial_delivery_cleanly(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_MIXED, .msgs = {60, 20}, .pr = true, .big = true};
	assert_int_equal(simapp_run_seeds("prsctp/big", 26000, SEEDS, &sc), 0);
}

static void partly_reliable_then_graceful_shutdown(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_LOSSY, .msgs = {100, 40}, .pr = true, .shutdown = SIMAPP_SHUT_CALL};
	assert_int_equal(simapp_run_seeds("prsctp/shutdown", 27000, SEEDS, &sc), 0);
}

static void partly_reliable_with_random_configurations(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_MIXED, .msgs = {150, 60}, .pr = true, .random_config = true};
	assert_int_equal(simapp_run_seeds("prsctp/random-config", 35000, SEEDS, &sc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(partly_reliable_messages_are_delivered_or_reported_abandoned),
	    cmocka_unit_test(abandoned_big_messages_abort_partial_delivery_cleanly),
	    cmocka_unit_test(partly_reliable_then_graceful_shutdown),
	    cmocka_unit_test(partly_reliable_with_random_configurations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
