/*
 * A black hole longer than Association.Max.Retrans allows: the sender sees
 * COMM_LOST exactly once and SEND_FAILED exactly once for every message that
 * was not delivered; a message reported as never sent was never delivered.
 */
#include "lib_simapp.h"

static void blackhole_ends_in_comm_lost_and_send_failed_once_each(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_CLEAN, .msgs = {200, 20}, .blackhole = true};
	assert_int_equal(simapp_run_seeds("blackhole/clean", 13000, 30, &sc), 0);
}

static void blackhole_on_a_lossy_link_reports_each_message_once(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_LOSSY, .msgs = {150, 20}, .blackhole = true};
	assert_int_equal(simapp_run_seeds("blackhole/lossy", 14000, 30, &sc), 0);
}

static void blackhole_with_random_configurations(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_MIXED, .msgs = {150, 40}, .blackhole = true, .random_config = true};
	assert_int_equal(simapp_run_seeds("blackhole/random-config", 23000, 30, &sc), 0);
}

/* usctp_assoc_abort part-way: the peer sees COMM_LOST exactly once (by the
 * ABORT, or by its timers when the ABORT is lost); every message of either
 * side is delivered or reported failed. */
static void abort_ends_both_sides_and_reports_every_message(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_MIXED, .msgs = {150, 80}, .abort = true};
	assert_int_equal(simapp_run_seeds("abort/mixed", 32000, 30, &sc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(blackhole_ends_in_comm_lost_and_send_failed_once_each),
	    cmocka_unit_test(blackhole_on_a_lossy_link_reports_each_message_once),
	    cmocka_unit_test(blackhole_with_random_configurations),
	    cmocka_unit_test(abort_ends_both_sides_and_reports_every_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
