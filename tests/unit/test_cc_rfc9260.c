/* Congestion control of RFC 9260 7.2, with its numbers. mtu 1200: PMDCS 1188. */
#include <string.h>

#include "testutil.h"
#include "core/path.h"

static const struct usctp_cc_ops *cc = &usctp_cc_rfc9260;

static struct usctp_path mk(uint32_t mtu, int family)
{
	struct usctp_path p;
	memset(&p, 0, sizeof(p));
	p.addr.ip.family = (uint8_t)family;
	p.mtu = mtu;
	cc->init(&p, mtu);
	return p;
}

static void initial_cwnd_is_min_of_4_pmdcs_and_max_of_2_pmdcs_and_4404(void **state)
{
	assert_int_equal(mk(1200, 4).cwnd, 4404);
	assert_int_equal(mk(1200, 6).cwnd, 4344);
	assert_int_equal(mk(1000, 4).cwnd, 4 * 988);
	assert_int_equal(mk(9000, 4).cwnd, 2 * 8988);
	assert_true(mk(1200, 4).ssthresh >= 1u << 30);
}

static void slow_start_adds_min_of_acked_bytes_and_pmdcs_when_window_full(void **state)
{
	struct usctp_path p = mk(1200, 4);
	cc->on_ack(&p, 3000, true, 4404 - 1187, false);
	assert_int_equal(p.cwnd, 4404 + 1188);
	cc->on_ack(&p, 500, true, 6000, false);
	assert_int_equal(p.cwnd, 4404 + 1188 + 500);
}

static void slow_start_does_not_grow_without_full_window_cum_advance_or_in_fast_recovery(void **state)
{
	struct usctp_path p = mk(1200, 4);
	cc->on_ack(&p, 3000, true, 4404 - 1188, false); /* room for one more full chunk */
	assert_int_equal(p.cwnd, 4404);
	cc->on_ack(&p, 3000, false, 5000, false);
	assert_int_equal(p.cwnd, 4404);
	cc->on_ack(&p, 3000, true, 5000, true);
	assert_int_equal(p.cwnd, 4404);
}

static void congestion_avoidance_adds_one_pmdcs_per_cwnd_of_acked_bytes(void **state)
{
	struct usctp_path p = mk(1200, 4);
	p.cwnd = 10000;
	p.ssthresh = 5000;
	cc->on_ack(&p, 4000, true, 10000, false);
	assert_int_equal(p.cwnd, 10000);
	assert_int_equal(p.partial_bytes_acked, 4000);
	cc->on_ack(&p, 6500, true, 10000, false);
	assert_int_equal(p.cwnd, 10000 + 1188);
	assert_int_equal(p.partial_bytes_acked, 500);
	/* window not full: partial_bytes_acked is capped at cwnd, no growth */
	cc->on_ack(&p, 20000, true, 5000, false);
	assert_int_equal(p.cwnd, 11188);
	assert_int_equal(p.partial_bytes_acked, 11188);
}

static void loss_by_sack_halves_cwnd_but_not_below_4_pmdcs(void **state)
{
	struct usctp_path p = mk(1200, 4);
	p.cwnd = 20000;
	p.partial_bytes_acked = 77;
	cc->on_fast_rtx(&p, 1200);
	assert_int_equal(p.ssthresh, 10000);
	assert_int_equal(p.cwnd, 10000);
	assert_int_equal(p.partial_bytes_acked, 0);
	p.cwnd = 6000;
	cc->on_fast_rtx(&p, 1200);
	assert_int_equal(p.ssthresh, 4752);
	assert_int_equal(p.cwnd, 4752);
}

static void timeout_sets_cwnd_to_one_pmdcs(void **state)
{
	struct usctp_path p = mk(1200, 4);
	p.cwnd = 20000;
	cc->on_timeout(&p, 1200);
	assert_int_equal(p.ssthresh, 10000);
	assert_int_equal(p.cwnd, 1188);
	assert_int_equal(p.partial_bytes_acked, 0);
}

static void idle_halves_cwnd_per_rto_down_to_4_pmdcs(void **state)
{
	struct usctp_path p = mk(1200, 4);
	p.cwnd = 20000;
	p.ssthresh = 9999;
	cc->on_idle(&p, 1200);
	assert_int_equal(p.ssthresh, 20000); /* set to cwnd before the first adjustment */
	assert_int_equal(p.cwnd, 10000);
	p.idle_rtos = 1;
	cc->on_idle(&p, 1200);
	assert_int_equal(p.cwnd, 5000);
	cc->on_idle(&p, 1200);
	assert_int_equal(p.cwnd, 4752);
	assert_int_equal(p.ssthresh, 20000);
	/* a window already below 4 PMDCS is not raised */
	p.cwnd = 1188;
	cc->on_idle(&p, 1200);
	assert_int_equal(p.cwnd, 1188);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(initial_cwnd_is_min_of_4_pmdcs_and_max_of_2_pmdcs_and_4404),
	    cmocka_unit_test(slow_start_adds_min_of_acked_bytes_and_pmdcs_when_window_full),
	    cmocka_unit_test(slow_start_does_not_grow_without_full_window_cum_advance_or_in_fast_recovery),
	    cmocka_unit_test(congestion_avoidance_adds_one_pmdcs_per_cwnd_of_acked_bytes),
	    cmocka_unit_test(loss_by_sack_halves_cwnd_but_not_below_4_pmdcs),
	    cmocka_unit_test(timeout_sets_cwnd_to_one_pmdcs),
	    cmocka_unit_test(idle_halves_cwnd_per_rto_down_to_4_pmdcs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
