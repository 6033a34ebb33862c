/* Paths: RTO computation (RFC 9260 6.3.1) and backoff (6.3.3 E2). */
#include <string.h>

#include "testutil.h"
#include "core/path.h"

#define MS USCTP_NS_PER_MS

static void init_path(struct usctp_path *p, uint32_t initial, uint32_t min, uint32_t max)
{
	struct usctp_assoc_config c;
	memset(&c, 0, sizeof(c));
	c.mtu = 1200;
	c.rto_initial_ms = initial;
	c.rto_min_ms = min;
	c.rto_max_ms = max;
	struct usctp_addr a = {.ip = {.family = 4}};
	usctp_path_init(p, &a, &c, NULL);
}

static void rto_starts_at_rto_initial(void **state)
{
	struct usctp_path p;
	init_path(&p, 3000, 1000, 60000);
	assert_int_equal(p.rto, 3000 * MS);
	assert_false(p.rtt_measured);
	assert_int_equal(p.cwnd, 4404);
	assert_int_equal(p.state, USCTP_PATH_ACTIVE);
}

static void first_and_later_measurements_follow_c2_and_c3(void **state)
{
	struct usctp_path p;
	init_path(&p, 3000, 100, 60000);
	usctp_path_rtt_update(&p, 100 * MS);
	assert_int_equal(p.srtt, 100 * MS);
	assert_int_equal(p.rttvar, 50 * MS);
	assert_int_equal(p.rto, 300 * MS);
	/* RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 */
	usctp_path_rtt_update(&p, 200 * MS);
	assert_int_equal(p.rttvar, 62500000);
	assert_int_equal(p.srtt, 112500000);
	assert_int_equal(p.rto, 112500000 + 4 * 62500000);
}

static void rto_is_clamped_to_rto_min_and_rto_max(void **state)
{
	struct usctp_path p;
	init_path(&p, 3000, 1000, 60000);
	usctp_path_rtt_update(&p, 10 * MS);
	assert_int_equal(p.rto, 1000 * MS);
	init_path(&p, 3000, 1000, 60000);
	usctp_path_rtt_update(&p, 30000 * MS);
	assert_int_equal(p.rto, 60000 * MS);
}

static void rttvar_never_falls_below_clock_granularity(void **state)
{
	struct usctp_path p;
	init_path(&p, 3000, 0, 60000);
	usctp_path_rtt_update(&p, 0);
	assert_int_equal(p.rttvar, USCTP_CLOCK_GRANULARITY_NS);
	assert_int_equal(p.rto, 4 * USCTP_CLOCK_GRANULARITY_NS);
}

static void backoff_doubles_and_caps_at_rto_max(void **state)
{
	struct usctp_path p;
	init_path(&p, 1000, 1000, 5000);
	usctp_path_backoff(&p);
	assert_int_equal(p.rto, 2000 * MS);
	usctp_path_backoff(&p);
	assert_int_equal(p.rto, 4000 * MS);
	usctp_path_backoff(&p);
	assert_int_equal(p.rto, 5000 * MS);
	for (int i = 0; i < 100; i++)
		usctp_path_backoff(&p);
	assert_int_equal(p.rto, 5000 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rto_starts_at_rto_initial),
	    cmocka_unit_test(first_and_later_measurements_follow_c2_and_c3),
	    cmocka_unit_test(rto_is_clamped_to_rto_min_and_rto_max),
	    cmocka_unit_test(rttvar_never_falls_below_clock_granularity),
	    cmocka_unit_test(backoff_doubles_and_caps_at_rto_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
