/* Scripted tests: data path glue (RFC 9260 6.x): SACK timing, T3-rtx, fast retransmit, errors. */
#include <string.h>

#include "lib_script.h"

static const uint8_t BE = USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E;

static struct usctp_sack_chunk sack_of(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk c = scr_chunk(p, i);
	assert_int_equal(c.type, USCTP_CHUNK_SACK);
	struct usctp_sack_chunk s;
	assert_int_equal(usctp_sack_parse(&c, &s), 0);
	return s;
}

static uint32_t data_tsn(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk c = scr_chunk(p, i);
	assert_int_equal(c.type, USCTP_CHUNK_DATA);
	struct usctp_data_chunk d;
	assert_int_equal(usctp_data_parse(&c, &d), 0);
	return d.tsn;
}

static void one_packet_sacked_after_delay(void **st)
{
	struct scr s;
	scr_init(&s, 51);
	scr_accept(&s);
	assert_int_equal(scr_feed_data(&s, s.peer_tsn, 0, 0, BE, "a", 1), 0);
	scr_expect_npkts(&s, 0);
	assert_int_equal(scr_expiry(&s), s.now + MS(200));
	scr_run_until(&s, s.now + MS(199));
	scr_expect_npkts(&s, 0);
	scr_run_until(&s, s.now + MS(1));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, -1);
	struct usctp_sack_chunk k = sack_of(&s.out[0], 0);
	assert_int_equal(k.cum_tsn, s.peer_tsn);
	assert_int_equal(k.num_gaps, 0);
	assert_int_equal(k.a_rwnd, s.cfg.rcvbuf - 1);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	scr_free(&s);
}

static void second_packet_sacked_at_once(void **st)
{
	struct scr s;
	scr_init(&s, 52);
	scr_accept(&s);
	scr_feed_data(&s, s.peer_tsn, 0, 0, BE, "a", 1);
	scr_expect_npkts(&s, 0);
	s.now += MS(50);
	scr_feed_data(&s, s.peer_tsn + 1, 0, 1, BE, "b", 1);
	scr_expect_npkts(&s, 1);
	struct usctp_sack_chunk k = sack_of(&s.out[0], 0);
	assert_int_equal(k.cum_tsn, s.peer_tsn + 1);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	scr_free(&s);
}

static void gap_sacked_at_once(void **st)
{
	struct scr s;
	scr_init(&s, 53);
	scr_accept(&s);
	scr_feed_data(&s, s.peer_tsn + 2, 0, 2, BE, "c", 1);
	scr_expect_npkts(&s, 1);
	struct usctp_sack_chunk k = sack_of(&s.out[0], 0);
	assert_int_equal(k.cum_tsn, s.peer_tsn - 1);
	assert_int_equal(k.num_gaps, 1);
	struct usctp_gap_block g = usctp_sack_gap(&k, 0);
	assert_int_equal(g.start, 3);
	assert_int_equal(g.end, 3);
	scr_free(&s);
}

static void duplicate_sacked_at_once(void **st)
{
	struct scr s;
	scr_init(&s, 54);
	scr_accept(&s);
	scr_feed_data(&s, s.peer_tsn, 0, 0, BE, "a", 1);
	scr_feed_data(&s, s.peer_tsn + 1, 0, 1, BE, "b", 1);
	scr_expect_npkts(&s, 1);
	scr_feed_data(&s, s.peer_tsn, 0, 0, BE, "a", 1);
	scr_expect_npkts(&s, 1);
	struct usctp_sack_chunk k = sack_of(&s.out[0], 0);
	assert_int_equal(k.cum_tsn, s.peer_tsn + 1);
	assert_int_equal(k.num_dups, 1);
	assert_int_equal(usctp_sack_dup(&k, 0), s.peer_tsn);
	assert_int_equal(usctp_assoc_stats(s.a)->dup_tsns_in, 1);
	scr_free(&s);
}

static void i_flag_sacked_at_once(void **st)
{
	struct scr s;
	scr_init(&s, 55);
	scr_accept(&s);
	scr_feed_data(&s, s.peer_tsn, 0, 0, BE | USCTP_DATA_FLAG_I, "a", 1);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, -1);
	scr_free(&s);
}

static void window_update_sent_when_reading_opens_window(void **st)
{
	struct scr s;
	scr_init(&s, 56);
	s.cfg.rcvbuf = 4000;
	scr_accept(&s);
	uint8_t big[1000];
	memset(big, 'x', sizeof(big));
	for (unsigned i = 0; i < 3; i++)
		scr_feed_data(&s, s.peer_tsn + i, 0, (uint16_t)i, BE, big, sizeof(big));
	scr_flush(&s);
	scr_run_until(&s, s.now + MS(500));
	scr_flush(&s);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.local_rwnd, 1000);
	uint8_t rb[1000];
	struct usctp_rcvinfo ri;
	bool eor;
	/* Reading 1000 bytes opens the window by less than min(rcvbuf/2, mtu) = 1200: no SACK. */
	assert_int_equal(usctp_assoc_recv(s.a, rb, sizeof(rb), &ri, &eor, s.now), 1000);
	scr_expect_npkts(&s, 0);
	/* 2000 bytes: announce. */
	assert_int_equal(usctp_assoc_recv(s.a, rb, sizeof(rb), &ri, &eor, s.now), 1000);
	scr_expect_npkts(&s, 1);
	struct usctp_sack_chunk k = sack_of(&s.out[0], 0);
	assert_int_equal(k.a_rwnd, 3000);
	scr_free(&s);
}

static void invalid_stream_reported_with_error(void **st)
{
	struct scr s;
	scr_init(&s, 57);
	scr_accept(&s);
	scr_feed_data(&s, s.peer_tsn, 50, 0, BE, "a", 1);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, USCTP_CHUNK_ERROR, -1);
	struct usctp_sack_chunk k = sack_of(&s.out[0], 0);
	assert_int_equal(k.cum_tsn, s.peer_tsn);
	struct usctp_chunk c = scr_chunk(&s.out[0], 1);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_INVALID_STREAM);
	assert_int_equal(usctp_get16(c.value + 4), 50);
	scr_free(&s);
}

static void data_without_user_data_aborts(void **st)
{
	struct scr s;
	scr_init(&s, 58);
	scr_accept(&s);
	uint8_t v[12];
	usctp_put32(v, s.peer_tsn);
	memset(v + 4, 0, 8);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_DATA, BE, v, 12);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ABORT, -1);
	assert_int_equal(scr_vtag(&s.out[0]), s.peer_tag);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_NO_USER_DATA);
	assert_int_equal(usctp_get32(c.value + 4), s.peer_tsn);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_COMM_LOST);
	assert_int_equal(ev.error, USCTP_CAUSE_NO_USER_DATA);
	usctp_event_clear(&ev);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_free(&s);
}

static void t3_backs_off_rto_1_2_4(void **st)
{
	struct scr s;
	scr_init(&s, 59);
	scr_accept(&s);
	assert_int_equal(scr_send_msg(&s, 0, "hello", 5), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(data_tsn(&s.out[0], 0), s.our_itsn);
	uint64_t t = s.now;
	uint64_t rto = MS(1000);
	for (unsigned i = 0; i < 3; i++) {
		t += rto;
		assert_int_equal(scr_expiry(&s), t);
		scr_run_until(&s, t);
		scr_expect_npkts(&s, 1);
		assert_int_equal(data_tsn(&s.out[0], 0), s.our_itsn);
		rto *= 2;
	}
	assert_int_equal(scr_expiry(&s), t + rto);
	struct usctp_path_status ps;
	usctp_assoc_path_status(s.a, 0, &ps);
	assert_int_equal(ps.rto_ms, 8000);
	assert_int_equal(ps.error_count, 3);
	assert_int_equal(usctp_assoc_stats(s.a)->t3_timeouts, 3);
	/* The ack stops T3 and clears the error counters. */
	s.now += MS(10);
	scr_feed_sack(&s, s.our_itsn, 100000, NULL, 0);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	usctp_assoc_path_status(s.a, 0, &ps);
	assert_int_equal(ps.error_count, 0);
	scr_expect_event(&s, USCTP_EV_SENDER_DRY);
	scr_free(&s);
}

static void max_retransmissions_lose_the_association(void **st)
{
	struct scr s;
	scr_init(&s, 60);
	s.cfg.assoc_max_retrans = 2;
	scr_accept(&s);
	struct usctp_send_params p = {.sid = 0, .context = 77, .path = -1};
	struct usctp_msg *m = usctp_msg_new("data", 4);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	scr_expect_npkts(&s, 1);
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	scr_run_until(&s, s.now + MS(2000));
	scr_expect_npkts(&s, 1);
	scr_expect_no_event(&s);
	scr_run_until(&s, s.now + MS(4000));
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_SEND_FAILED);
	assert_int_equal(ev.context, 77);
	assert_true(ev.sent);
	assert_non_null(ev.msg);
	assert_memory_equal(usctp_msg_data(ev.msg), "data", 4);
	usctp_event_clear(&ev);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_expect_npkts(&s, 0); /* no ABORT: the peer is unreachable */
	scr_free(&s);
}

static void fast_retransmit_after_three_miss_reports(void **st)
{
	struct scr s;
	scr_init(&s, 61);
	s.cfg.nodelay = true;
	scr_accept(&s);
	uint32_t t0 = s.our_itsn;
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(scr_send_msg(&s, 0, "m", 1), 0);
		scr_expect_npkts(&s, 1);
		assert_int_equal(data_tsn(&s.out[0], 0), t0 + i);
	}
	s.now += MS(20);
	struct usctp_gap_block g = {2, 2};
	scr_feed_sack(&s, t0, 100000, &g, 1);
	scr_expect_npkts(&s, 0);
	g.end = 3;
	scr_feed_sack(&s, t0, 100000, &g, 1);
	scr_expect_npkts(&s, 0);
	g.end = 4;
	scr_feed_sack(&s, t0, 100000, &g, 1);
	scr_expect_npkts(&s, 1);
	assert_int_equal(data_tsn(&s.out[0], 0), t0 + 1);
	assert_int_equal(usctp_assoc_stats(s.a)->fast_retransmits, 1);
	scr_free(&s);
}

static void zero_window_probe_sends_one_chunk(void **st)
{
	struct scr s;
	scr_init(&s, 62);
	s.peer_rwnd = 0;
	s.cfg.nodelay = true;
	scr_accept(&s);
	assert_int_equal(scr_send_msg(&s, 0, "p1", 2), 0);
	assert_int_equal(scr_send_msg(&s, 0, "p2", 2), 0);
	/* 6.1 A: the first probe one RTO after the window was found closed. */
	scr_expect_npkts(&s, 0);
	assert_int_equal(scr_expiry(&s), s.now + MS(1000));
	scr_run_until(&s, s.now + MS(999));
	scr_expect_npkts(&s, 0);
	scr_run_until(&s, s.now + MS(1));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_DATA, -1);
	assert_int_equal(data_tsn(&s.out[0], 0), s.our_itsn);
	scr_expect_npkts(&s, 0);
	/* The probe is retransmitted on T3; still one chunk. */
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_DATA, -1);
	assert_int_equal(data_tsn(&s.out[0], 0), s.our_itsn);
	/* Window opens: the rest goes. */
	scr_feed_sack(&s, s.our_itsn, 10000, NULL, 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(data_tsn(&s.out[0], 0), s.our_itsn + 1);
	scr_free(&s);
}

static void zero_window_probes_back_off_while_the_window_stays_closed(void **st)
{
	struct scr s;
	scr_init(&s, 64);
	s.peer_rwnd = 0;
	s.cfg.nodelay = true;
	scr_accept(&s);
	uint64_t t0 = s.now;
	for (int i = 0; i < 4; i++)
		assert_int_equal(scr_send_msg(&s, 0, "zz", 2), 0);
	scr_expect_npkts(&s, 0);
	/* Each probe is accepted and acknowledged with the window still 0: the
	 * next one waits twice as long (1 s, then 2 s, then 4 s). */
	uint64_t at = t0, ivl = MS(1000);
	for (uint32_t k = 0; k < 3; k++) {
		at += ivl;
		assert_int_equal(scr_expiry(&s), at);
		scr_run_until(&s, at - 1);
		scr_expect_npkts(&s, 0);
		scr_run_until(&s, at);
		scr_expect_npkts(&s, 1);
		assert_int_equal(data_tsn(&s.out[0], 0), s.our_itsn + k);
		s.now += MS(10);
		scr_feed_sack(&s, s.our_itsn + k, 0, NULL, 0);
		scr_expect_npkts(&s, 0);
		ivl *= 2;
	}
	scr_free(&s);
}

static void heartbeat_answered_with_same_info(void **st)
{
	struct scr s;
	scr_init(&s, 63);
	scr_accept(&s);
	uint8_t v[4 + 13];
	usctp_put16(v, USCTP_PARAM_HEARTBEAT_INFO);
	usctp_put16(v + 2, 17);
	memcpy(v + 4, "nonce-1234567", 13);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_HEARTBEAT, 0, v, sizeof(v)), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT_ACK, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_heartbeat_chunk hb;
	assert_int_equal(usctp_heartbeat_parse(&c, &hb), 0);
	assert_int_equal(hb.info_len, 13);
	assert_memory_equal(hb.info, "nonce-1234567", 13);
	scr_free(&s);
}

/* A packet: unknown chunk of type t, then a HEARTBEAT. Returns packets out. */
static void unknown_then_heartbeat(struct scr *s, uint8_t t)
{
	uint8_t buf[256];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), s->our_tag);
	usctp_build_chunk(&w, t, 0, "zz", 2);
	usctp_build_chunk(&w, USCTP_CHUNK_HEARTBEAT, 0, "\0\1\0\10abcd", 8);
	assert_int_equal(scr_feed(s, &w), 0);
	scr_flush(s);
}

static void unknown_chunk_action_bits(void **st)
{
	struct scr s;
	scr_init(&s, 64);
	scr_accept(&s);
	/* 00: stop, discard silently */
	unknown_then_heartbeat(&s, 0x3e);
	assert_int_equal(s.nout, 0);
	/* 01: stop, report */
	unknown_then_heartbeat(&s, 0x7e);
	assert_int_equal(s.nout, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ERROR, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_UNRECOGNIZED_CHUNK);
	assert_int_equal(c.value[4], 0x7e); /* the whole offending chunk */
	assert_int_equal(usctp_get16(c.value + 6), 6);
	/* 10: skip silently */
	unknown_then_heartbeat(&s, 0xbe);
	assert_int_equal(s.nout, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT_ACK, -1);
	/* 11: skip, report */
	unknown_then_heartbeat(&s, 0xfe);
	assert_int_equal(s.nout, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ERROR, USCTP_CHUNK_HEARTBEAT_ACK, -1);
	scr_expect_no_event(&s);
	scr_free(&s);
}

static void error_chunk_becomes_remote_error_event(void **st)
{
	struct scr s;
	scr_init(&s, 65);
	scr_accept(&s);
	uint8_t cb[8];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, cb, sizeof(cb));
	usctp_build_cause_invalid_stream(&w, 9);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ERROR, 0, w.buf, w.len);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_REMOTE_ERROR);
	assert_int_equal(ev.error, USCTP_CAUSE_INVALID_STREAM);
	assert_int_equal(ev.causes_len, 8);
	usctp_event_clear(&ev);
	scr_free(&s);
}

static void sack_bundled_with_data(void **st)
{
	struct scr s;
	scr_init(&s, 66);
	scr_accept(&s);
	scr_feed_data(&s, s.peer_tsn, 0, 0, BE, "a", 1);
	assert_int_equal(scr_send_msg(&s, 0, "reply", 5), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, USCTP_CHUNK_DATA, -1);
	assert_int_equal(scr_expiry(&s), s.now + MS(1000)); /* T3 only */
	scr_free(&s);
}

static void send_errors(void **st)
{
	struct scr s;
	scr_init(&s, 67);
	scr_accept(&s);
	assert_int_equal(scr_send_msg(&s, 10, "x", 1), USCTP_ERR_BAD_STREAM);
	usctp_assoc_shutdown(s.a, s.now);
	assert_int_equal(scr_send_msg(&s, 0, "x", 1), USCTP_ERR_CLOSED);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_packet_sacked_after_delay),
	    cmocka_unit_test(second_packet_sacked_at_once),
	    cmocka_unit_test(gap_sacked_at_once),
	    cmocka_unit_test(duplicate_sacked_at_once),
	    cmocka_unit_test(i_flag_sacked_at_once),
	    cmocka_unit_test(window_update_sent_when_reading_opens_window),
	    cmocka_unit_test(invalid_stream_reported_with_error),
	    cmocka_unit_test(data_without_user_data_aborts),
	    cmocka_unit_test(t3_backs_off_rto_1_2_4),
	    cmocka_unit_test(max_retransmissions_lose_the_association),
	    cmocka_unit_test(fast_retransmit_after_three_miss_reports),
	    cmocka_unit_test(zero_window_probe_sends_one_chunk),
	    cmocka_unit_test(zero_window_probes_back_off_while_the_window_stays_closed),
	    cmocka_unit_test(heartbeat_answered_with_same_info),
	    cmocka_unit_test(unknown_chunk_action_bits),
	    cmocka_unit_test(error_chunk_becomes_remote_error_event),
	    cmocka_unit_test(sack_bundled_with_data),
	    cmocka_unit_test(send_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
