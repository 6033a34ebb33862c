/* Scripted tests: graceful shutdown (RFC 9260 9.2) and abort (9.1). */
#include <string.h>

#include "lib_script.h"

static const uint8_t BE = USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E;

static uint32_t shutdown_cum(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk c = scr_chunk(p, i);
	assert_int_equal(c.type, USCTP_CHUNK_SHUTDOWN);
	uint32_t cum;
	assert_int_equal(usctp_shutdown_parse(&c, &cum), 0);
	return cum;
}

static void local_shutdown_without_data(void **st)
{
	struct scr s;
	scr_init(&s, 71);
	scr_accept(&s);
	scr_feed_data(&s, s.peer_tsn, 0, 0, BE, "a", 1);
	assert_int_equal(usctp_assoc_shutdown(s.a, s.now), 0);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_SENT);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN, -1);
	assert_int_equal(shutdown_cum(&s.out[0], 0), s.peer_tsn);
	assert_int_equal(scr_expiry(&s), s.now + MS(1000)); /* T2; the delayed SACK was folded in */
	s.now += MS(30);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN_ACK, 0, NULL, 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_COMPLETE, -1);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN_COMPLETE);
	assert_true(usctp_assoc_is_dead(s.a));
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	/* Data received before the close is still readable. */
	char b[4];
	struct usctp_rcvinfo ri;
	bool eor;
	assert_int_equal(usctp_assoc_recv(s.a, b, sizeof(b), &ri, &eor, s.now), 1);
	scr_free(&s);
}

static void local_shutdown_waits_for_data_in_flight(void **st)
{
	struct scr s;
	scr_init(&s, 72);
	scr_accept(&s);
	assert_int_equal(scr_send_msg(&s, 0, "last words", 10), 0);
	assert_int_equal(usctp_assoc_shutdown(s.a, s.now), 0);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_PENDING);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_DATA, -1);
	s.now += MS(30);
	scr_feed_sack(&s, s.our_itsn, 100000, NULL, 0);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_SENT);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN, -1);
	scr_expect_event(&s, USCTP_EV_SENDER_DRY);
	scr_free(&s);
}

static void peer_shutdown_with_our_data_queued(void **st)
{
	struct scr s;
	scr_init(&s, 73);
	s.peer_rwnd = 0; /* our data cannot all go yet */
	s.cfg.nodelay = true;
	scr_accept(&s);
	assert_int_equal(scr_send_msg(&s, 0, "one", 3), 0);
	assert_int_equal(scr_send_msg(&s, 0, "two", 3), 0);
	scr_expect_npkts(&s, 0);
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1); /* zero window probe, one RTO later (6.1 A) */
	uint8_t v[4];
	usctp_put32(v, s.our_itsn - 1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN, 0, v, 4);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_RECEIVED);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN);
	assert_int_equal(scr_send_msg(&s, 0, "three", 5), USCTP_ERR_CLOSED);
	scr_expect_npkts(&s, 0);
	/* The window opens: the rest goes, then SHUTDOWN ACK once all is acked. */
	scr_feed_sack(&s, s.our_itsn, 10000, NULL, 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_DATA, -1);
	scr_feed_sack(&s, s.our_itsn + 1, 10000, NULL, 0);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_ACK_SENT);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_ACK, -1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN_COMPLETE, 0, NULL, 0);
	scr_expect_event(&s, USCTP_EV_SENDER_DRY);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN_COMPLETE);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_free(&s);
}

static void shutdown_cum_ack_acknowledges_data(void **st)
{
	struct scr s;
	scr_init(&s, 74);
	scr_accept(&s);
	assert_int_equal(scr_send_msg(&s, 0, "x", 1), 0);
	scr_expect_npkts(&s, 1);
	struct usctp_wbuf w;
	uint8_t buf[64];
	/* A SHUTDOWN whose cumulative TSN does not cover our chunk: wait. */
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_shutdown(&w, s.our_itsn - 1);
	scr_feed(&s, &w);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_RECEIVED);
	scr_expect_npkts(&s, 0);
	/* The retransmitted SHUTDOWN acks it (acts as a SACK): SHUTDOWN ACK at once. */
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_shutdown(&w, s.our_itsn);
	scr_feed(&s, &w);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_ACK_SENT);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_ACK, -1);
	assert_int_equal(scr_expiry(&s), s.now + MS(1000)); /* T2 only: T3 stopped */
	scr_free(&s);
}

static void t2_retransmits_shutdown_then_gives_up(void **st)
{
	struct scr s;
	scr_init(&s, 75);
	s.cfg.assoc_max_retrans = 2;
	scr_accept(&s);
	usctp_assoc_shutdown(s.a, s.now);
	scr_expect_npkts(&s, 1);
	uint64_t t = s.now + MS(1000);
	assert_int_equal(scr_expiry(&s), t);
	scr_run_until(&s, t);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN, -1);
	t += MS(2000);
	assert_int_equal(scr_expiry(&s), t);
	scr_run_until(&s, t);
	scr_expect_npkts(&s, 1);
	t += MS(4000);
	assert_int_equal(scr_expiry(&s), t);
	scr_run_until(&s, t);
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_free(&s);
}

static void t2_retransmits_shutdown_ack(void **st)
{
	struct scr s;
	scr_init(&s, 76);
	scr_accept(&s);
	uint8_t v[4];
	usctp_put32(v, s.our_itsn - 1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN, 0, v, 4);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_ACK, -1);
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_ACK, -1);
	assert_int_equal(scr_expiry(&s), s.now + MS(2000));
	scr_free(&s);
}

static void data_in_shutdown_sent_answered_with_sack_and_shutdown(void **st)
{
	struct scr s;
	scr_init(&s, 77);
	scr_accept(&s);
	usctp_assoc_shutdown(s.a, s.now);
	scr_expect_npkts(&s, 1);
	s.now += MS(300);
	scr_feed_data(&s, s.peer_tsn, 0, 0, BE, "late", 4);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, USCTP_CHUNK_SHUTDOWN, -1);
	assert_int_equal(shutdown_cum(&s.out[0], 1), s.peer_tsn);
	assert_int_equal(scr_expiry(&s), s.now + MS(1000)); /* T2 restarted */
	scr_free(&s);
}

static void simultaneous_shutdown(void **st)
{
	struct scr s;
	scr_init(&s, 78);
	scr_accept(&s);
	usctp_assoc_shutdown(s.a, s.now);
	scr_expect_npkts(&s, 1);
	uint8_t v[4];
	usctp_put32(v, s.our_itsn - 1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN, 0, v, 4);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_ACK_SENT);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_ACK, -1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN_ACK, 0, NULL, 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_COMPLETE, -1);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN_COMPLETE);
	scr_free(&s);
}

static void t5_guard_aborts(void **st)
{
	struct scr s;
	scr_init(&s, 79);
	s.cfg.shutdown_guard_ms = 2500;
	s.cfg.assoc_max_retrans = 100;
	scr_accept(&s);
	uint64_t t0 = s.now;
	usctp_assoc_shutdown(s.a, s.now);
	scr_expect_npkts(&s, 1);
	scr_run_until(&s, t0 + MS(2499));
	scr_flush(&s);
	assert_false(usctp_assoc_is_dead(s.a));
	scr_run_until(&s, t0 + MS(2500));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ABORT, -1);
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_free(&s);
}

static void send_eof_queues_then_shuts_down(void **st)
{
	struct scr s;
	scr_init(&s, 80);
	scr_accept(&s);
	struct usctp_send_params p = {.sid = 0, .flags = USCTP_SEND_EOF, .path = -1};
	struct usctp_msg *m = usctp_msg_new("fin", 3);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_PENDING);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_DATA, -1);
	scr_feed_sack(&s, s.our_itsn, 100000, NULL, 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN, -1);
	scr_free(&s);
}

static void user_abort_carries_reason_and_fails_messages(void **st)
{
	struct scr s;
	scr_init(&s, 81);
	scr_accept(&s);
	struct usctp_send_params p = {.sid = 0, .context = 5, .path = -1};
	struct usctp_msg *m = usctp_msg_new("pending", 7);
	usctp_assoc_send(s.a, &p, m, s.now);
	usctp_msg_unref(m);
	assert_int_equal(usctp_assoc_abort(s.a, "because", 7, s.now), 0);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ABORT, -1);
	assert_int_equal(scr_vtag(&s.out[0]), s.peer_tag);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(c.flags & USCTP_FLAG_T, 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_USER_ABORT);
	assert_int_equal(usctp_get16(c.value + 2), 4 + 7);
	assert_memory_equal(c.value + 4, "because", 7);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_SEND_FAILED);
	assert_int_equal(ev.context, 5);
	assert_false(ev.sent);
	usctp_event_clear(&ev);
	scr_expect_no_event(&s);
	scr_free(&s);
}

static void shutdown_before_established_closes_after_setup(void **st)
{
	struct scr s;
	scr_init(&s, 82);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	assert_int_equal(usctp_assoc_shutdown(s.a, s.now), 0);
	s.our_tag = usctp_assoc_local_vtag(s.a);
	uint8_t buf[256], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "CK", 2);
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s.peer_tag, 5000, 5, 5, 77, p.buf, p.len);
	scr_feed(&s, &w);
	scr_expect_npkts(&s, 1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_COOKIE_ACK, 0, NULL, 0);
	scr_expect_event(&s, USCTP_EV_COMM_UP);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN, -1);
	assert_int_equal(shutdown_cum(&s.out[0], 0), 76);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(local_shutdown_without_data),
	    cmocka_unit_test(local_shutdown_waits_for_data_in_flight),
	    cmocka_unit_test(peer_shutdown_with_our_data_queued),
	    cmocka_unit_test(shutdown_cum_ack_acknowledges_data),
	    cmocka_unit_test(t2_retransmits_shutdown_then_gives_up),
	    cmocka_unit_test(t2_retransmits_shutdown_ack),
	    cmocka_unit_test(data_in_shutdown_sent_answered_with_sack_and_shutdown),
	    cmocka_unit_test(simultaneous_shutdown),
	    cmocka_unit_test(t5_guard_aborts),
	    cmocka_unit_test(send_eof_queues_then_shuts_down),
	    cmocka_unit_test(user_abort_carries_reason_and_fails_messages),
	    cmocka_unit_test(shutdown_before_established_closes_after_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
