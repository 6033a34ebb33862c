/*
 * The end of an association during a partial delivery (RFC 6458 6.1.7,
 * 8.1.20). At interleave level 1 (the default) nothing but the partly read
 * message may be read while it is incomplete; a complete message that
 * arrived behind it is acknowledged, so its sender will never report it as
 * failed. When the association ends (ABORT, or the peer lost), the rest of
 * the partly read message can never come: the partial delivery is aborted
 * (PARTIAL_DELIVERY_ABORTED if the user read some of it) and the messages
 * behind it must still be readable. Seen in the black-hole soak
 * (test_sim_blackhole, USCTP_SIM_SCALE=33, seeds 23057, 23196, 23213, 23427,
 * 23585): such a message was neither delivered nor reported failed.
 */
#include <string.h>

#include "lib_script.h"

static const uint8_t BE = USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E;

/* Established, with partial delivery from 1000 bytes on. */
static void setup(struct scr *s, uint64_t seed)
{
	scr_init(s, seed);
	s->cfg.pd_point = 1000;
	scr_accept(s);
}

/*
 * TSN t: the first 1000 bytes (B, no E) of a message on stream 1, which
 * starts partial delivery (read `read` bytes of it, leaving the rest unread);
 * TSN t + 1: a whole message "late" on stream 2. Both acknowledged
 * (cumulative TSN t + 1); "late" cannot be read while the first message is
 * partly read.
 */
static void incomplete_then_whole(struct scr *s, uint8_t first_flags, size_t read)
{
	uint8_t frag[1000];
	memset(frag, 'p', sizeof frag);
	assert_int_equal(scr_feed_data(s, s->peer_tsn, 1, 0, first_flags, frag, sizeof frag), 0);
	uint8_t rb[1000];
	struct usctp_rcvinfo ri;
	bool eor = true;
	if (read) {
		assert_int_equal(usctp_assoc_recv(s->a, rb, read, &ri, &eor, s->now), (int64_t)read);
		assert_false(eor);
		assert_int_equal(ri.sid, 1);
	}
	assert_int_equal(scr_feed_data(s, s->peer_tsn + 1, 2, 0, BE, "late", 4), 0);
	scr_expect_npkts(s, 1); /* second DATA packet: SACK at once */
	struct usctp_chunk c = scr_chunk(&s->out[0], 0);
	assert_int_equal(c.type, USCTP_CHUNK_SACK);
	struct usctp_sack_chunk k;
	assert_int_equal(usctp_sack_parse(&c, &k), 0);
	assert_int_equal(k.cum_tsn, s->peer_tsn + 1);
	if (read) {
		/* Readable: the rest of the partly read message, not "late". */
		struct usctp_assoc_status as;
		usctp_assoc_get_status(s->a, &as);
		assert_int_equal(as.readable_bytes, sizeof frag - read);
	}
}

/* After the end: the whole message comes, then nothing (never the rest of
 * the incomplete one). */
static void expect_late_then_nothing(struct scr *s)
{
	uint8_t rb[1000];
	struct usctp_rcvinfo ri;
	bool eor = false;
	assert_int_equal(usctp_assoc_recv(s->a, rb, sizeof rb, &ri, &eor, s->now), 4);
	assert_true(eor);
	assert_memory_equal(rb, "late", 4);
	assert_int_equal(ri.sid, 2);
	assert_int_equal(ri.tsn, s->peer_tsn + 1);
	assert_int_equal(usctp_assoc_recv(s->a, rb, sizeof rb, &ri, &eor, s->now), USCTP_ERR_WOULDBLOCK);
	assert_false(usctp_assoc_readable(s->a));
}

static void expect_pd_aborted(struct scr *s, uint16_t sid, uint32_t ssn)
{
	struct usctp_event ev = scr_pop_event(s, USCTP_EV_PARTIAL_DELIVERY_ABORTED);
	assert_int_equal(ev.pd_sid, sid);
	assert_int_equal(ev.pd_ssn, ssn);
	usctp_event_clear(&ev);
}

static void acked_message_behind_partly_read_one_readable_after_abort(void **st)
{
	struct scr s;
	setup(&s, 801);
	incomplete_then_whole(&s, USCTP_DATA_FLAG_B, 600);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ABORT, 0, NULL, 0);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	expect_pd_aborted(&s, 1, 0);
	scr_expect_no_event(&s);
	expect_late_then_nothing(&s);
	scr_free(&s);
}

/* The same when the association is lost by its own retransmissions (the
 * black hole), with an unordered message partly read. */
static void acked_message_behind_partly_read_one_readable_after_comm_lost(void **st)
{
	struct scr s;
	scr_init(&s, 802);
	s.cfg.pd_point = 1000;
	s.cfg.assoc_max_retrans = 2;
	scr_accept(&s);
	incomplete_then_whole(&s, USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_U, 600);
	assert_int_equal(scr_send_msg(&s, 0, "mine", 4), 0);
	scr_expect_npkts(&s, 1);
	for (int g = 0; g < 16 && !usctp_assoc_is_dead(s.a); g++) {
		scr_run_until(&s, scr_expiry(&s));
		scr_flush(&s);
	}
	assert_true(usctp_assoc_is_dead(s.a));
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	scr_expect_event(&s, USCTP_EV_SEND_FAILED);
	expect_pd_aborted(&s, 1, 0);
	scr_expect_no_event(&s);
	expect_late_then_nothing(&s);
	scr_free(&s);
}

/* A partial delivery the user has read nothing of is dropped without an
 * event, and does not stand before the whole message either. */
static void unread_partial_delivery_dropped_silently_at_the_end(void **st)
{
	struct scr s;
	setup(&s, 803);
	incomplete_then_whole(&s, USCTP_DATA_FLAG_B, 0);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ABORT, 0, NULL, 0);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	scr_expect_no_event(&s);
	expect_late_then_nothing(&s);
	scr_free(&s);
}

/*
 * FORWARD TSN (RFC 3758) abandoning a message in partial delivery that the
 * user has read nothing of, while another is partly read: no event, and the
 * partly read one goes on. Seen in the PR-SCTP soak (test_sim_prsctp,
 * USCTP_SIM_SCALE=10, seed 26092): PARTIAL_DELIVERY_ABORTED named a stream
 * and SSN the user had never seen.
 */
static void forward_tsn_abandoning_an_unread_partial_delivery_reports_nothing(void **st)
{
	struct scr s;
	scr_init(&s, 804);
	s.cfg.pd_point = 1000;
	s.cfg.pr_sctp = true;
	struct usctp_wbuf p;
	uint8_t ext[1] = {USCTP_CHUNK_FORWARD_TSN};
	usctp_wbuf_init(&p, s.init_params, sizeof(s.init_params));
	usctp_build_param(&p, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0);
	usctp_build_param_supported_ext(&p, ext, 1);
	s.init_params_len = p.len;
	scr_accept(&s);
	const uint32_t t = s.peer_tsn;
	uint8_t frag[1000], rb[2000];
	memset(frag, 'x', sizeof frag);
	struct usctp_rcvinfo ri;
	bool eor = true;
	/* Stream 1: the first 1000 bytes at t + 5, read in part. */
	assert_int_equal(scr_feed_data(&s, t + 5, 1, 0, USCTP_DATA_FLAG_B, frag, sizeof frag), 0);
	assert_int_equal(usctp_assoc_recv(s.a, rb, 600, &ri, &eor, s.now), 600);
	assert_false(eor);
	assert_int_equal(ri.sid, 1);
	/* Stream 2: the first 1000 bytes at t, in partial delivery too, but
	 * unseen (level 1: it waits behind stream 1's message). */
	assert_int_equal(scr_feed_data(&s, t, 2, 0, USCTP_DATA_FLAG_B, frag, sizeof frag), 0);
	/* The peer abandons stream 2's message (t + 1 and on). */
	uint8_t buf[64];
	struct usctp_wbuf w;
	uint16_t sid = 2, ssn = 0;
	scr_begin(&w, buf, sizeof buf, s.our_tag);
	usctp_build_fwd_tsn(&w, t + 1, &sid, &ssn, 1);
	assert_int_equal(scr_feed(&s, &w), 0);
	scr_flush(&s);
	scr_expect_no_event(&s);
	/* Stream 1's message ends at t + 6; the user reads the rest of it. */
	assert_int_equal(scr_feed_data(&s, t + 6, 1, 0, USCTP_DATA_FLAG_E, "end", 3), 0);
	assert_int_equal(usctp_assoc_recv(s.a, rb, sizeof rb, &ri, &eor, s.now), 403);
	assert_true(eor);
	assert_int_equal(ri.sid, 1);
	assert_memory_equal(rb + 400, "end", 3);
	assert_int_equal(usctp_assoc_recv(s.a, rb, sizeof rb, &ri, &eor, s.now), USCTP_ERR_WOULDBLOCK);
	scr_expect_no_event(&s);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(acked_message_behind_partly_read_one_readable_after_abort),
	    cmocka_unit_test(acked_message_behind_partly_read_one_readable_after_comm_lost),
	    cmocka_unit_test(unread_partial_delivery_dropped_silently_at_the_end),
	    cmocka_unit_test(forward_tsn_abandoning_an_unread_partial_delivery_reports_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
