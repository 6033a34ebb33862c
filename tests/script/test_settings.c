/* Scripted tests: settings changed on a running association (socket options
 * SCTP_RTOINFO, SCTP_PEER_ADDR_PARAMS, SCTP_ASSOCINFO, SCTP_NODELAY,
 * SCTP_MAXSEG, SO_SNDBUF, SO_RCVBUF) take effect at once. */
#include <string.h>

#include "lib_script.h"

static const uint8_t BE = USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E;

static struct usctp_data_chunk data_of(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk c = scr_chunk(p, i);
	assert_int_equal(c.type, USCTP_CHUNK_DATA);
	struct usctp_data_chunk d;
	assert_int_equal(usctp_data_parse(&c, &d), 0);
	return d;
}

static uint32_t path_rto_ms(struct scr *s, unsigned idx)
{
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(s->a, idx, &ps), 0);
	return ps.rto_ms;
}

static void set_rto_clamps_live_path_and_t3_follows(void **st)
{
	struct scr s;
	scr_init(&s, 301);
	scr_accept(&s);
	assert_int_equal(path_rto_ms(&s, 0), 1000);
	assert_int_equal(usctp_assoc_set_rto(s.a, 0, 200, 400), 0);
	assert_int_equal(path_rto_ms(&s, 0), 400);
	struct usctp_assoc_params ap;
	usctp_assoc_get_params(s.a, &ap);
	assert_int_equal(ap.rto_initial_ms, 1000);
	assert_int_equal(ap.rto_min_ms, 200);
	assert_int_equal(ap.rto_max_ms, 400);
	assert_int_equal(scr_send_msg(&s, 0, "hello", 5), 0);
	scr_expect_npkts(&s, 1);
	/* T3 runs on the clamped RTO, and backs off no further than the new max. */
	uint64_t t = s.now;
	for (unsigned i = 0; i < 3; i++) {
		t += MS(400);
		assert_int_equal(scr_expiry(&s), t);
		scr_run_until(&s, t);
		scr_expect_npkts(&s, 1);
		assert_int_equal(data_of(&s.out[0], 0).tsn, s.our_itsn);
	}
	assert_int_equal(path_rto_ms(&s, 0), 400);
	scr_free(&s);
}

static void set_rto_rejects_min_above_max_and_changes_nothing(void **st)
{
	struct scr s;
	scr_init(&s, 302);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_set_rto(s.a, 0, 70000, 0), USCTP_ERR_INVALID);
	assert_int_equal(usctp_assoc_set_rto(s.a, 500, 600, 300), USCTP_ERR_INVALID);
	struct usctp_assoc_params ap;
	usctp_assoc_get_params(s.a, &ap);
	assert_int_equal(ap.rto_initial_ms, 1000);
	assert_int_equal(ap.rto_min_ms, 1000);
	assert_int_equal(ap.rto_max_ms, 60000);
	assert_int_equal(path_rto_ms(&s, 0), 1000);
	/* Raising the minimum lifts a path's RTO to it. */
	assert_int_equal(usctp_assoc_set_rto(s.a, 0, 3000, 0), 0);
	assert_int_equal(path_rto_ms(&s, 0), 3000);
	scr_free(&s);
}

static void heartbeat_enabled_live_goes_out_within_interval_plus_rto(void **st)
{
	struct scr s;
	scr_init(&s, 303);
	scr_accept(&s); /* scripted associations start with heartbeats off */
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	uint64_t t0 = s.now;
	assert_int_equal(usctp_assoc_set_path_params(s.a, -1, 5000, 1, 0, 0, s.now), 0);
	struct usctp_path_status ps;
	usctp_assoc_path_status(s.a, 0, &ps);
	assert_true(ps.hb_enabled);
	assert_int_equal(ps.hb_interval_ms, 5000);
	/* 8.3: HB.interval + RTO jittered by +/- RTO/2. */
	uint64_t due = scr_expiry(&s);
	assert_true(due >= t0 + MS(5000) + MS(500));
	assert_true(due <= t0 + MS(5000) + MS(1500));
	scr_run_until(&s, due - 1);
	scr_expect_npkts(&s, 0);
	scr_run_until(&s, due);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT, -1);
	scr_free(&s);
}

static void heartbeat_disabled_live_stops_idle_heartbeats(void **st)
{
	struct scr s;
	scr_init(&s, 304);
	s.cfg.hb_interval_ms = 5000;
	scr_accept(&s);
	assert_true(scr_expiry(&s) <= s.now + MS(6500));
	assert_int_equal(usctp_assoc_set_path_params(s.a, 0, USCTP_PARAM_KEEP, 0, 0, 0, s.now), 0);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	scr_run_until(&s, s.now + MS(60000));
	scr_expect_npkts(&s, 0);
	struct usctp_path_status ps;
	usctp_assoc_path_status(s.a, 0, &ps);
	assert_false(ps.hb_enabled);
	assert_int_equal(ps.hb_interval_ms, 5000);
	scr_free(&s);
}

static void heartbeat_on_demand_sent_with_heartbeats_off(void **st)
{
	struct scr s;
	scr_init(&s, 305);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_heartbeat_now(s.a, 0, s.now), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT, -1);
	/* Unanswered, it times out after one RTO like any other. */
	assert_int_equal(scr_expiry(&s), s.now + MS(1000));
	assert_int_equal(usctp_assoc_heartbeat_now(s.a, 1, s.now), USCTP_ERR_NOT_FOUND);
	assert_int_equal(usctp_assoc_heartbeat_now(s.a, -1, s.now), USCTP_ERR_NOT_FOUND);
	scr_free(&s);
}

static void path_max_retrans_lowered_marks_path_unreachable_sooner(void **st)
{
	struct scr s;
	scr_init(&s, 306);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_set_path_params(s.a, 0, USCTP_PARAM_KEEP, -1, 1, 0, s.now), 0);
	assert_int_equal(scr_send_msg(&s, 0, "x", 1), 0);
	scr_expect_npkts(&s, 1);
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	scr_expect_no_event(&s);
	scr_run_until(&s, s.now + MS(2000));
	assert_true(scr_flush(&s) >= 1); /* the retransmission (and a probe of the dead path) */
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_PEER_ADDR_CHANGE);
	assert_int_equal(ev.addr_state, USCTP_ADDR_UNREACHABLE);
	usctp_event_clear(&ev);
	struct usctp_path_status ps;
	usctp_assoc_path_status(s.a, 0, &ps);
	assert_false(ps.active);
	assert_int_equal(ps.path_max_retrans, 1);
	scr_free(&s);
}

static void path_mtu_lowered_shrinks_new_fragments(void **st)
{
	struct scr s;
	scr_init(&s, 307);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_set_path_params(s.a, 0, USCTP_PARAM_KEEP, -1, 0, 100, s.now),
			 USCTP_ERR_INVALID);
	assert_int_equal(usctp_assoc_set_path_params(s.a, 0, USCTP_PARAM_KEEP, -1, 0, 600, s.now), 0);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.frag_point, 600 - 28);
	uint8_t msg[1000];
	memset(msg, 'm', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 2);
	assert_true(s.out[0].len <= 600);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, 600 - 28);
	assert_int_equal(data_of(&s.out[1], 0).payload_len, 1000 - (600 - 28));
	scr_free(&s);
}

static void chunk_cut_before_mtu_drop_is_retransmitted_whole(void **st)
{
	struct scr s;
	scr_init(&s, 308);
	scr_accept(&s);
	uint8_t msg[1000];
	memset(msg, 'm', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(usctp_assoc_set_path_params(s.a, 0, USCTP_PARAM_KEEP, -1, 0, 600, s.now), 0);
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	struct usctp_data_chunk d = data_of(&s.out[0], 0);
	assert_int_equal(d.tsn, s.our_itsn);
	assert_int_equal(d.payload_len, 1000);
	scr_free(&s);
}

static void path_mtu_raised_above_initial_mtu_carries_larger_packets(void **st)
{
	struct scr s;
	scr_init(&s, 314);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_set_path_params(s.a, -1, USCTP_PARAM_KEEP, -1, 0, 1500, s.now), 0);
	s.cfg.mtu = 1500; /* what scr_flush checks packets against */
	struct usctp_path_status ps;
	usctp_assoc_path_status(s.a, 0, &ps);
	assert_int_equal(ps.mtu, 1500);
	uint8_t msg[2000];
	memset(msg, 'm', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 2);
	assert_int_equal(s.out[0].len, 1500);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, 1500 - 28);
	scr_free(&s);
}

static void assoc_max_retrans_lowered_fails_association_sooner(void **st)
{
	struct scr s;
	scr_init(&s, 309);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_set_max_retrans(s.a, 2), 0);
	struct usctp_assoc_params ap;
	usctp_assoc_get_params(s.a, &ap);
	assert_int_equal(ap.assoc_max_retrans, 2);
	assert_int_equal(scr_send_msg(&s, 0, "x", 1), 0);
	scr_expect_npkts(&s, 1);
	/* T3 at +1 s and +2 s more: 2 errors, alive; the third (+4 s) ends it. */
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	scr_run_until(&s, s.now + MS(2000));
	scr_expect_npkts(&s, 1);
	assert_false(usctp_assoc_is_dead(s.a));
	scr_run_until(&s, s.now + MS(4000) - 1);
	assert_false(usctp_assoc_is_dead(s.a));
	scr_run_until(&s, s.now + 1);
	assert_true(usctp_assoc_is_dead(s.a));
	bool lost = false;
	struct usctp_event ev;
	for (int i = 0; i < 16 && usctp_assoc_next_event(s.a, &ev); i++) {
		lost |= ev.type == USCTP_EV_COMM_LOST;
		usctp_event_clear(&ev);
	}
	assert_true(lost);
	scr_free(&s);
}

static void nodelay_set_live_releases_held_small_message(void **st)
{
	struct scr s;
	scr_init(&s, 310);
	scr_accept(&s);
	assert_int_equal(scr_send_msg(&s, 0, "a", 1), 0);
	scr_expect_npkts(&s, 1);
	/* In flight: a small message waits to be bundled. */
	assert_int_equal(scr_send_msg(&s, 0, "b", 1), 0);
	scr_expect_npkts(&s, 0);
	assert_int_equal(usctp_assoc_set_nodelay(s.a, true), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(data_of(&s.out[0], 0).tsn, s.our_itsn + 1);
	struct usctp_assoc_params ap;
	usctp_assoc_get_params(s.a, &ap);
	assert_true(ap.nodelay);
	scr_free(&s);
}

static void maxseg_bounds_fragment_size(void **st)
{
	struct scr s;
	scr_init(&s, 311);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_set_maxseg(s.a, 10), USCTP_ERR_INVALID);
	assert_int_equal(usctp_assoc_set_maxseg(s.a, 100), 0);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.frag_point, 100);
	uint8_t msg[250];
	memset(msg, 'm', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(scr_nchunks(&s.out[0]), 3);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, 100);
	assert_int_equal(data_of(&s.out[0], 1).payload_len, 100);
	assert_int_equal(data_of(&s.out[0], 2).payload_len, 50);
	/* 0 removes the bound. */
	assert_int_equal(usctp_assoc_set_maxseg(s.a, 0), 0);
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.frag_point, s.cfg.mtu - 28);
	scr_free(&s);
}

static void sndbuf_set_live_bounds_queue(void **st)
{
	struct scr s;
	scr_init(&s, 312);
	scr_accept(&s);
	assert_int_equal(usctp_assoc_set_sndbuf(s.a, 0), USCTP_ERR_INVALID);
	assert_int_equal(usctp_assoc_set_sndbuf(s.a, 1000), 0);
	assert_int_equal(usctp_assoc_send_space(s.a), 1000);
	uint8_t msg[1500];
	memset(msg, 'm', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), USCTP_ERR_MSGSIZE);
	assert_int_equal(scr_send_msg(&s, 0, msg, 800), 0);
	assert_int_equal(scr_send_msg(&s, 0, msg, 300), USCTP_ERR_WOULDBLOCK);
	/* Growing it makes room at once. */
	assert_int_equal(usctp_assoc_set_sndbuf(s.a, 200000), 0);
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	struct usctp_assoc_params ap;
	usctp_assoc_get_params(s.a, &ap);
	assert_int_equal(ap.sndbuf, 200000);
	scr_free(&s);
}

static void rcvbuf_grown_live_sends_window_update(void **st)
{
	struct scr s;
	scr_init(&s, 313);
	s.cfg.rcvbuf = 4000;
	scr_accept(&s);
	uint8_t big[1000];
	memset(big, 'x', sizeof(big));
	for (unsigned i = 0; i < 3; i++)
		scr_feed_data(&s, s.peer_tsn + i, 0, (uint16_t)i, BE, big, sizeof(big));
	scr_flush(&s);
	scr_run_until(&s, s.now + MS(500));
	scr_flush(&s);
	assert_int_equal(usctp_assoc_set_rcvbuf(s.a, 2000), USCTP_ERR_INVALID);
	assert_int_equal(usctp_assoc_set_rcvbuf(s.a, 9000), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_sack_chunk k;
	assert_int_equal(usctp_sack_parse(&c, &k), 0);
	assert_int_equal(k.a_rwnd, 9000 - 3000);
	struct usctp_assoc_params ap;
	usctp_assoc_get_params(s.a, &ap);
	assert_int_equal(ap.rcvbuf, 9000);
	/* The larger window is usable: data beyond the old buffer is taken. */
	for (unsigned i = 3; i < 8; i++)
		assert_int_equal(scr_feed_data(&s, s.peer_tsn + i, 0, (uint16_t)i, BE, big, sizeof(big)), 0);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.readable_bytes, 8000);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(set_rto_clamps_live_path_and_t3_follows),
	    cmocka_unit_test(set_rto_rejects_min_above_max_and_changes_nothing),
	    cmocka_unit_test(heartbeat_enabled_live_goes_out_within_interval_plus_rto),
	    cmocka_unit_test(heartbeat_disabled_live_stops_idle_heartbeats),
	    cmocka_unit_test(heartbeat_on_demand_sent_with_heartbeats_off),
	    cmocka_unit_test(path_max_retrans_lowered_marks_path_unreachable_sooner),
	    cmocka_unit_test(path_mtu_lowered_shrinks_new_fragments),
	    cmocka_unit_test(chunk_cut_before_mtu_drop_is_retransmitted_whole),
	    cmocka_unit_test(path_mtu_raised_above_initial_mtu_carries_larger_packets),
	    cmocka_unit_test(assoc_max_retrans_lowered_fails_association_sooner),
	    cmocka_unit_test(nodelay_set_live_releases_held_small_message),
	    cmocka_unit_test(maxseg_bounds_fragment_size),
	    cmocka_unit_test(sndbuf_set_live_bounds_queue),
	    cmocka_unit_test(rcvbuf_grown_live_sends_window_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
