/* Scripted tests: HEARTBEAT on idle paths, ACK validation, path failure and
 * recovery by heartbeat (RFC 9260 8.1-8.3). */
#include <string.h>

#include "lib_mh.h"

static uint64_t get64(const uint8_t *p)
{
	return ((uint64_t)usctp_get32(p) << 32) | usctp_get32(p + 4);
}

/* Run timers until the association writes a packet (bounded); returns the count. */
static unsigned run_to_next_pkt(struct scr *s)
{
	for (int i = 0; i < 64; i++) {
		uint64_t t = scr_expiry(s);
		if (t == USCTP_TIME_NEVER)
			return 0;
		scr_run_until(s, t);
		unsigned n = scr_flush(s);
		if (n)
			return n;
	}
	return 0;
}

static void heartbeat_goes_to_idle_path_with_nonce_and_send_time(void **st)
{
	struct scr s;
	scr_init(&s, 301);
	s.cfg.hb_interval_ms = 5000;
	scr_accept(&s);
	uint64_t rto = MS(1000);
	uint64_t t = scr_expiry(&s);
	/* 8.3: RTO + HB.interval, jittered by +/- RTO / 2. */
	assert_true(t >= s.now + rto / 2 + MS(5000));
	assert_true(t <= s.now + rto + rto / 2 + MS(5000));
	scr_run_until(&s, t - 1);
	scr_expect_npkts(&s, 0);
	scr_run_until(&s, t);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT, -1);
	assert_int_equal(s.out[0].ti.path, 0);
	assert_int_equal(scr_vtag(&s.out[0]), s.peer_tag);
	struct usctp_heartbeat_chunk hb;
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(usctp_heartbeat_parse(&c, &hb), 0);
	assert_int_equal(hb.info_len, 40);
	assert_int_equal(usctp_get32(hb.info), 0);	       /* path index */
	assert_int_equal(get64(hb.info + 12), s.now);	       /* send time */
	assert_memory_equal(hb.info + 24, s.peer.ip.bytes, 4); /* the address */
	uint8_t nonce1[8];
	memcpy(nonce1, hb.info + 4, 8);
	/* Answered after 40 ms: an RTT sample (after the handshake's 10 ms:
	 * SRTT = 7/8 * 10 + 1/8 * 40 = 13.75 ms, 6.3.1 C3). */
	uint64_t sent = s.now;
	assert_int_equal(mh_path(&s, 0).srtt_ms, 10);
	s.now += MS(40);
	assert_int_equal(mh_answer_hb(&s, &s.out[0], false), 0);
	assert_int_equal(mh_path(&s, 0).srtt_ms, 13);
	scr_expect_npkts(&s, 0);
	/* The next one, one period after the first, with a fresh nonce. */
	t = scr_expiry(&s);
	assert_true(t >= sent + rto / 2 + MS(5000) && t <= sent + rto + rto / 2 + MS(5000));
	scr_run_until(&s, t);
	scr_expect_npkts(&s, 1);
	c = scr_chunk(&s.out[0], 0);
	assert_int_equal(usctp_heartbeat_parse(&c, &hb), 0);
	assert_memory_not_equal(hb.info + 4, nonce1, 8);
	scr_free(&s);
}

static void heartbeat_ack_with_wrong_nonce_is_ignored(void **st)
{
	struct scr s;
	scr_init(&s, 302);
	s.cfg.hb_interval_ms = 5000;
	scr_accept(&s);
	assert_int_equal(run_to_next_pkt(&s), 1);
	uint64_t sent = s.now;
	struct scr_pkt hbp = s.out[0];
	s.now += MS(30);
	assert_int_equal(mh_answer_hb(&s, &hbp, true), 0);
	assert_int_equal(mh_path(&s, 0).srtt_ms, 10); /* the handshake's; none from it */
	/* One RTO after sending, it counts as unanswered. */
	scr_run_until(&s, sent + MS(1000) - 1);
	assert_int_equal(mh_path(&s, 0).error_count, 0);
	scr_run_until(&s, sent + MS(1000));
	assert_int_equal(mh_path(&s, 0).error_count, 1);
	assert_int_equal(mh_path(&s, 0).rto_ms, 2000); /* backed off */
	/* The right nonce, late, still proves the path. */
	assert_int_equal(mh_answer_hb(&s, &hbp, false), 0);
	assert_int_equal(mh_path(&s, 0).error_count, 0);
	/* A second copy of the same ACK is stale. */
	s.now += MS(10);
	assert_int_equal(mh_answer_hb(&s, &hbp, false), 0);
	scr_expect_no_event(&s);
	scr_free(&s);
}

static void path_fails_after_exactly_path_max_retrans_and_recovers_on_ack(void **st)
{
	struct scr s;
	scr_init(&s, 303);
	s.cfg.hb_interval_ms = 1000;
	s.cfg.path_max_retrans = 2;
	s.cfg.assoc_max_retrans = 10;
	scr_accept(&s);
	unsigned hbs = 0;
	for (int i = 0; i < 64 && mh_path(&s, 0).active; i++) {
		uint64_t t = scr_expiry(&s);
		assert_true(t != USCTP_TIME_NEVER);
		scr_run_until(&s, t);
		unsigned n = scr_flush(&s);
		for (unsigned k = 0; k < n; k++) {
			scr_assert_types(&s.out[k], USCTP_CHUNK_HEARTBEAT, -1);
			hbs++;
		}
		uint32_t errs = mh_path(&s, 0).error_count;
		/* Each unanswered heartbeat is one error; the third fails the path. */
		assert_true(errs == hbs || errs + 1 == hbs);
		if (errs <= 2)
			assert_true(mh_path(&s, 0).active);
	}
	assert_false(mh_path(&s, 0).active);
	assert_int_equal(mh_path(&s, 0).error_count, 3);
	mh_expect_addr_event(&s, 0, USCTP_ADDR_UNREACHABLE);
	scr_expect_no_event(&s);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	/* Still probed; the next answered heartbeat brings it back. */
	assert_int_equal(run_to_next_pkt(&s), 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT, -1);
	assert_int_equal(mh_answer_hb(&s, &s.out[0], false), 0);
	assert_true(mh_path(&s, 0).active);
	assert_int_equal(mh_path(&s, 0).error_count, 0);
	mh_expect_addr_event(&s, 0, USCTP_ADDR_AVAILABLE);
	scr_expect_no_event(&s);
	scr_free(&s);
}

static void unanswered_heartbeats_end_in_comm_lost(void **st)
{
	struct scr s;
	scr_init(&s, 304);
	s.cfg.hb_interval_ms = 1000;
	s.cfg.path_max_retrans = 1;
	s.cfg.assoc_max_retrans = 3;
	scr_accept(&s);
	unsigned hbs = 0;
	for (int i = 0; i < 64 && !usctp_assoc_is_dead(s.a); i++) {
		uint64_t t = scr_expiry(&s);
		assert_true(t != USCTP_TIME_NEVER);
		scr_run_until(&s, t);
		hbs += scr_flush(&s);
	}
	assert_true(usctp_assoc_is_dead(s.a));
	assert_int_equal(hbs, 4); /* the 4th timeout exceeds Association.Max.Retrans */
	mh_expect_addr_event(&s, 0, USCTP_ADDR_UNREACHABLE);
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	scr_free(&s);
}

static void no_heartbeat_while_data_keeps_the_path_busy(void **st)
{
	struct scr s;
	scr_init(&s, 305);
	s.cfg.hb_interval_ms = 1000;
	s.cfg.nodelay = true;
	scr_accept(&s);
	uint64_t end = s.now + MS(10000);
	for (int i = 0; i < 40 && s.now < end; i++) {
		assert_int_equal(scr_send_msg(&s, 0, "x", 1), 0);
		scr_expect_npkts(&s, 1);
		scr_assert_types(&s.out[0], USCTP_CHUNK_DATA, -1);
		s.now += MS(5);
		scr_feed_sack(&s, s.our_itsn + (uint32_t)i, 65536, NULL, 0);
		scr_run_until(&s, s.now + MS(495));
		scr_expect_npkts(&s, 0); /* not idle: no HEARTBEAT */
	}
	/* Idle from now on: a heartbeat within RTO * 1.5 + HB.interval. */
	uint64_t idle = s.now;
	assert_int_equal(run_to_next_pkt(&s), 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT, -1);
	assert_true(s.now <= idle + MS(1500 + 1000));
	scr_free(&s);
}

static void heartbeat_intervals_are_jittered(void **st)
{
	struct scr s;
	scr_init(&s, 306);
	s.cfg.hb_interval_ms = 2000;
	scr_accept(&s);
	/* Answered at once: RTO stays at its 1 s floor; each interval is
	 * RTO + HB.interval +/- RTO / 2, and they are not all the same. */
	uint64_t prev = s.now, lo = UINT64_MAX, hi = 0;
	for (int i = 0; i < 20; i++) {
		uint64_t t = scr_expiry(&s);
		scr_run_until(&s, t);
		scr_expect_npkts(&s, 1);
		scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT, -1);
		assert_int_equal(mh_answer_hb(&s, &s.out[0], false), 0);
		uint64_t d = t - prev;
		prev = t;
		assert_true(d >= MS(2500) && d <= MS(3500));
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(hi - lo >= MS(100));
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(heartbeat_goes_to_idle_path_with_nonce_and_send_time),
	    cmocka_unit_test(heartbeat_ack_with_wrong_nonce_is_ignored),
	    cmocka_unit_test(path_fails_after_exactly_path_max_retrans_and_recovers_on_ack),
	    cmocka_unit_test(unanswered_heartbeats_end_in_comm_lost),
	    cmocka_unit_test(no_heartbeat_while_data_keeps_the_path_busy),
	    cmocka_unit_test(heartbeat_intervals_are_jittered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
