/* Scripted tests: verification tags (RFC 9260 8.5, 8.5.1), OOTB packets (8.4), bundling. */
#include <string.h>

#include "lib_script.h"

static void wrong_vtag_dropped_and_counted(void **st)
{
	struct scr s;
	scr_init(&s, 41);
	scr_accept(&s);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag ^ 1, USCTP_CHUNK_HEARTBEAT, 0, "\0\1\0\10abcd", 8),
			 USCTP_ERR_PROTO);
	scr_expect_npkts(&s, 0);
	assert_int_equal(usctp_assoc_stats(s.a)->bad_vtag, 1);
	assert_int_equal(usctp_assoc_stats(s.a)->pkts_dropped, 1);
	/* Same packet with the right tag is answered. */
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_HEARTBEAT, 0, "\0\1\0\10abcd", 8), 0);
	scr_expect_npkts(&s, 1);
	scr_free(&s);
}

static void abort_with_t_bit_accepted_with_peer_tag(void **st)
{
	struct scr s;
	scr_init(&s, 42);
	scr_accept(&s);
	/* T bit with our own tag: wrong. */
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ABORT, USCTP_FLAG_T, NULL, 0),
			 USCTP_ERR_PROTO);
	/* No T bit with the peer's tag: wrong. */
	assert_int_equal(scr_feed_chunk(&s, s.peer_tag, USCTP_CHUNK_ABORT, 0, NULL, 0), USCTP_ERR_PROTO);
	assert_false(usctp_assoc_is_dead(s.a));
	scr_expect_no_event(&s);
	assert_int_equal(scr_feed_chunk(&s, s.peer_tag, USCTP_CHUNK_ABORT, USCTP_FLAG_T, NULL, 0), 0);
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_expect_npkts(&s, 0);
	scr_free(&s);
}

static void abort_without_t_bit_uses_our_tag(void **st)
{
	struct scr s;
	scr_init(&s, 43);
	scr_accept(&s);
	uint8_t cb[12];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, cb, sizeof(cb));
	usctp_build_cause(&w, USCTP_CAUSE_USER_ABORT, "bye", 3);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ABORT, 0, w.buf, w.len), 0);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_COMM_LOST);
	assert_int_equal(ev.error, USCTP_CAUSE_USER_ABORT);
	assert_int_equal(ev.causes_len, 8);
	assert_memory_equal(ev.causes + 4, "bye", 3);
	usctp_event_clear(&ev);
	scr_free(&s);
}

static void shutdown_complete_t_bit_rules(void **st)
{
	struct scr s;
	scr_init(&s, 44);
	scr_accept(&s);
	usctp_assoc_shutdown(s.a, s.now);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN, -1);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN_ACK, 0, NULL, 0), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_COMPLETE, -1);
	assert_int_equal(scr_vtag(&s.out[0]), s.peer_tag);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(c.flags & USCTP_FLAG_T, 0);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN_COMPLETE);
	scr_free(&s);

	/* The receiving side: SHUTDOWN COMPLETE with T bit and the peer's tag ends SHUTDOWN-ACK-SENT. */
	scr_init(&s, 45);
	scr_accept(&s);
	uint8_t v[4];
	usctp_put32(v, s.our_itsn - 1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN, 0, v, 4);
	scr_expect_npkts(&s, 1);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag ^ 5, USCTP_CHUNK_SHUTDOWN_COMPLETE, 0, NULL, 0),
			 USCTP_ERR_PROTO);
	assert_int_equal(scr_feed_chunk(&s, s.peer_tag, USCTP_CHUNK_SHUTDOWN_COMPLETE, USCTP_FLAG_T, NULL, 0),
			 0);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN_COMPLETE);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_free(&s);
}

static void shutdown_ack_during_setup_answered_with_shutdown_complete_t(void **st)
{
	struct scr s;
	scr_init(&s, 46);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	assert_int_equal(scr_feed_chunk(&s, 0xabc, USCTP_CHUNK_SHUTDOWN_ACK, 0, NULL, 0), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_COMPLETE, -1);
	assert_int_equal(scr_vtag(&s.out[0]), 0xabc);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(c.flags & USCTP_FLAG_T, USCTP_FLAG_T);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_COOKIE_WAIT);
	scr_free(&s);
}

static void bad_checksum_and_bad_bundling_dropped(void **st)
{
	struct scr s;
	scr_init(&s, 47);
	scr_accept(&s);
	uint8_t buf[256];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_chunk(&w, USCTP_CHUNK_HEARTBEAT, 0, "\0\1\0\10abcd", 8);
	usctp_build_finish(&w);
	buf[w.len - 1] ^= 0xff;
	assert_int_equal(usctp_assoc_read_pkt(s.a, &s.peer, buf, w.len, s.now), USCTP_ERR_BAD_CHECKSUM);
	assert_int_equal(usctp_assoc_stats(s.a)->bad_checksum, 1);
	/* SHUTDOWN COMPLETE must be alone. */
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_chunk(&w, USCTP_CHUNK_HEARTBEAT, 0, "\0\1\0\10abcd", 8);
	usctp_build_shutdown_complete(&w, false);
	assert_int_equal(scr_feed(&s, &w), USCTP_ERR_BAD_BUNDLING);
	scr_expect_npkts(&s, 0);
	assert_false(usctp_assoc_is_dead(s.a));
	scr_free(&s);
}

static int ootb(struct scr *s, bool listening, uint32_t vtag, uint8_t type, uint8_t flags, uint8_t *reply,
		size_t *rlen)
{
	uint8_t buf[256];
	struct usctp_wbuf w;
	struct usctp_assoc *na = NULL;
	scr_begin(&w, buf, sizeof(buf), vtag);
	usctp_build_chunk(&w, type, flags, type == USCTP_CHUNK_SHUTDOWN ? "\0\0\0\1" : NULL,
			  type == USCTP_CHUNK_SHUTDOWN ? 4 : 0);
	usctp_build_finish(&w);
	*rlen = 0;
	int r = usctp_endpoint_handle_ootb(&s->cfg, listening, &s->peer, w.buf, w.len, s->now, reply,
					   SCR_PKT_MAX, rlen, &na);
	assert_null(na);
	return r;
}

static void ootb_rules_in_order(void **st)
{
	struct scr s;
	scr_init(&s, 48);
	uint8_t reply[SCR_PKT_MAX];
	size_t rlen;
	assert_int_equal(ootb(&s, true, 5, USCTP_CHUNK_ABORT, 0, reply, &rlen), USCTP_OOTB_DROP);
	assert_int_equal(ootb(&s, true, 5, USCTP_CHUNK_SHUTDOWN_COMPLETE, 0, reply, &rlen), USCTP_OOTB_DROP);
	assert_int_equal(ootb(&s, true, 5, USCTP_CHUNK_COOKIE_ACK, 0, reply, &rlen), USCTP_OOTB_DROP);
	assert_int_equal(ootb(&s, true, 5, USCTP_CHUNK_ERROR, 0, reply, &rlen), USCTP_OOTB_DROP);
	assert_int_equal(rlen, 0);
	/* SHUTDOWN ACK: SHUTDOWN COMPLETE with T bit, the packet's tag. */
	assert_int_equal(ootb(&s, true, 0x1234, USCTP_CHUNK_SHUTDOWN_ACK, 0, reply, &rlen), USCTP_OOTB_REPLY);
	assert_int_equal(usctp_get32(reply + 4), 0x1234);
	assert_int_equal(reply[12], USCTP_CHUNK_SHUTDOWN_COMPLETE);
	assert_int_equal(reply[13], USCTP_FLAG_T);
	/* Anything else: ABORT with T bit. */
	assert_int_equal(ootb(&s, false, 0x4321, USCTP_CHUNK_SHUTDOWN, 0, reply, &rlen), USCTP_OOTB_REPLY);
	assert_int_equal(usctp_get32(reply + 4), 0x4321);
	assert_int_equal(reply[12], USCTP_CHUNK_ABORT);
	assert_int_equal(reply[13], USCTP_FLAG_T);
	assert_int_equal(usctp_get16(reply + 2), SCR_PEER_PORT);
	/* INIT with nobody listening: ABORT, T clear, the Initiate Tag. */
	uint8_t in[SCR_PKT_MAX];
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), 0x777, 1, NULL, 0);
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, false, &s.peer, in, n, s.now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_REPLY);
	assert_int_equal(usctp_get32(reply + 4), 0x777);
	assert_int_equal(reply[12], USCTP_CHUNK_ABORT);
	assert_int_equal(reply[13], 0);
	scr_free(&s);
}

static void packets_after_death_are_dropped(void **st)
{
	struct scr s;
	scr_init(&s, 49);
	scr_accept(&s);
	usctp_assoc_abort(s.a, NULL, 0, s.now);
	scr_flush(&s);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_HEARTBEAT, 0, "\0\1\0\10abcd", 8),
			 USCTP_ERR_STATE);
	scr_expect_npkts(&s, 0);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(wrong_vtag_dropped_and_counted),
	    cmocka_unit_test(abort_with_t_bit_accepted_with_peer_tag),
	    cmocka_unit_test(abort_without_t_bit_uses_our_tag),
	    cmocka_unit_test(shutdown_complete_t_bit_rules),
	    cmocka_unit_test(shutdown_ack_during_setup_answered_with_shutdown_complete_t),
	    cmocka_unit_test(bad_checksum_and_bad_bundling_dropped),
	    cmocka_unit_test(ootb_rules_in_order),
	    cmocka_unit_test(packets_after_death_are_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
