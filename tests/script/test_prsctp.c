/* Scripted tests: PR-SCTP glue (RFC 3758) and the adaptation layer indication (RFC 5061). */
#include <string.h>

#include "lib_script.h"

static void negotiate(struct scr *s)
{
	struct usctp_wbuf p;
	uint8_t ext[1] = {USCTP_CHUNK_FORWARD_TSN};
	usctp_wbuf_init(&p, s->init_params, sizeof(s->init_params));
	usctp_build_param(&p, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0);
	usctp_build_param_supported_ext(&p, ext, 1);
	s->init_params_len = p.len;
	s->cfg.pr_sctp = true;
}

static void pr_sctp_negotiated_from_both_sides(void **st)
{
	struct scr s;
	scr_init(&s, 91);
	negotiate(&s);
	scr_accept(&s);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_true(as.peer_pr_sctp);
	scr_free(&s);

	scr_init(&s, 92);
	s.cfg.pr_sctp = true; /* only we support it */
	scr_accept(&s);
	usctp_assoc_get_status(s.a, &as);
	assert_false(as.peer_pr_sctp);
	scr_free(&s);
}

static void expired_message_abandoned_with_forward_tsn(void **st)
{
	struct scr s;
	scr_init(&s, 93);
	negotiate(&s);
	scr_accept(&s);
	struct usctp_send_params p = {
	    .sid = 0, .pr_policy = USCTP_PR_TTL, .pr_value = 100, .context = 9, .path = -1};
	struct usctp_msg *m = usctp_msg_new("ttl", 3);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_DATA, -1);
	/* T3 fires after the lifetime: the chunk is abandoned, not retransmitted. */
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_FORWARD_TSN, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_fwd_tsn_chunk f;
	assert_int_equal(usctp_fwd_tsn_parse(&c, &f), 0);
	assert_int_equal(f.new_cum_tsn, s.our_itsn);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_SEND_FAILED);
	assert_int_equal(ev.context, 9);
	assert_true(ev.sent);
	usctp_event_clear(&ev);
	/* The FORWARD TSN is lost: T3 (backed off to 2 s) sends it again. */
	assert_int_equal(scr_expiry(&s), s.now + MS(2000));
	scr_run_until(&s, s.now + MS(2000));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_FORWARD_TSN, -1);
	/* Acknowledged: nothing left to guard. */
	scr_feed_sack(&s, s.our_itsn, 100000, NULL, 0);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	scr_free(&s);
}

static void forward_tsn_received_moves_cum_and_sacks(void **st)
{
	struct scr s;
	scr_init(&s, 94);
	negotiate(&s);
	scr_accept(&s);
	uint8_t buf[64];
	struct usctp_wbuf w;
	uint16_t sid = 0, ssn = 0;
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_fwd_tsn(&w, s.peer_tsn + 1, &sid, &ssn, 1);
	assert_int_equal(scr_feed(&s, &w), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(usctp_get32(c.value), s.peer_tsn + 1);
	/* Data after the skipped TSNs is delivered. */
	scr_feed_data(&s, s.peer_tsn + 2, 0, 1, USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E, "z", 1);
	char b[4];
	struct usctp_rcvinfo ri;
	bool eor;
	assert_int_equal(usctp_assoc_recv(s.a, b, sizeof(b), &ri, &eor, s.now), 1);
	scr_free(&s);
}

static void forward_tsn_without_negotiation_is_unrecognized(void **st)
{
	struct scr s;
	scr_init(&s, 95);
	scr_accept(&s);
	uint8_t buf[64];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_fwd_tsn(&w, s.peer_tsn + 1, NULL, NULL, 0);
	assert_int_equal(scr_feed(&s, &w), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ERROR, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_UNRECOGNIZED_CHUNK);
	scr_free(&s);
}

static void adaptation_indication_reported_after_comm_up(void **st)
{
	struct scr s;
	scr_init(&s, 96);
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, s.init_params, sizeof(s.init_params));
	usctp_build_param_u32(&p, USCTP_PARAM_ADAPTATION_LAYER, 0x01020304);
	s.init_params_len = p.len;
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n =
	    scr_build_init(&s, in, sizeof(in), s.peer_tag, s.peer_tsn, s.init_params, s.init_params_len);
	usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	usctp_init_parse(&c, &ia);
	usctp_init_params_parse(ia.params, ia.params_len, &ip);
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), ia.init_tag);
	usctp_build_cookie_echo(&w, ip.cookie, ip.cookie_len);
	usctp_build_finish(&w);
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, w.buf, w.len, s.now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_NEW_ASSOC);
	s.a = na;
	scr_expect_event(&s, USCTP_EV_COMM_UP);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_ADAPTATION);
	assert_int_equal(ev.adaptation_ind, 0x01020304);
	usctp_event_clear(&ev);
	scr_free(&s);
}

/* FORWARD TSNs (and the 1-based index of the packet holding the first) in the last flush. */
static unsigned count_fwd(struct scr *s, unsigned *first_pkt)
{
	unsigned n = 0;
	if (first_pkt)
		*first_pkt = 0;
	for (unsigned i = 0; i < s->nout; i++)
		for (unsigned k = 0; k < scr_nchunks(&s->out[i]); k++)
			if (scr_chunk(&s->out[i], k).type == USCTP_CHUNK_FORWARD_TSN) {
				if (first_pkt && !*first_pkt)
					*first_pkt = i + 1;
				n++;
			}
	return n;
}

/* The burst seen in the simulator (seed 25001): the same FORWARD TSN in
 * every packet and in copies of its own, one per SACK that left the peer
 * before our FORWARD TSN got there. Once per advance, again on T3. */
static void forward_tsn_sent_once_per_advance_not_per_sack(void **st)
{
	struct scr s;
	scr_init(&s, 95);
	negotiate(&s);
	s.cfg.nodelay = true;
	scr_accept(&s);
	struct usctp_send_params p = {.sid = 0, .pr_policy = USCTP_PR_TTL, .pr_value = 100, .path = -1};
	struct usctp_msg *m = usctp_msg_new("ttl", 3);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	assert_int_equal(scr_send_msg(&s, 1, "b", 1), 0);
	scr_expect_npkts(&s, 1); /* TSN itsn (lost) and itsn + 1 */
	uint8_t big[1000];
	memset(big, 'z', sizeof(big));
	s.now += MS(150);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(scr_send_msg(&s, 1, big, sizeof(big)), 0);
	/* The peer got itsn + 1 only; the TTL message is past its lifetime. */
	struct usctp_gap_block g = {2, 2};
	assert_int_equal(scr_feed_sack(&s, s.our_itsn - 1, 100000, &g, 1), 0);
	assert_true(scr_flush(&s) >= 2);
	unsigned first;
	assert_int_equal(count_fwd(&s, &first), 1);
	assert_int_equal(first, 1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_fwd_tsn_chunk f;
	assert_int_equal(c.type, USCTP_CHUNK_FORWARD_TSN);
	assert_int_equal(usctp_fwd_tsn_parse(&c, &f), 0);
	assert_int_equal(f.new_cum_tsn, s.our_itsn);
	/* SACKs the peer sent before it saw the FORWARD TSN: nothing new. */
	for (unsigned i = 0; i < 3; i++) {
		g.end = (uint16_t)(3 + i);
		assert_int_equal(scr_feed_sack(&s, s.our_itsn - 1, 100000, &g, 1), 0);
		scr_flush(&s);
		assert_int_equal(count_fwd(&s, NULL), 0);
	}
	/* Lost after all: T3 sends it again (RFC 3758 A5). */
	scr_run_until(&s, scr_expiry(&s));
	scr_flush(&s);
	assert_int_equal(count_fwd(&s, &first), 1);
	/* The peer catches up: no more. */
	assert_int_equal(scr_feed_sack(&s, s.our_itsn + 5, 100000, NULL, 0), 0);
	scr_flush(&s);
	assert_int_equal(count_fwd(&s, NULL), 0);
	scr_free(&s);
}

/* A FORWARD TSN that was lost: a SACK sent after it should have arrived
 * (one round trip, srtt + 4 rttvar, after it left) still lags: sent again
 * then, not an RTO later. */
static void lost_forward_tsn_repeated_on_sack_one_round_trip_later(void **st)
{
	struct scr s;
	scr_init(&s, 96);
	negotiate(&s);
	s.cfg.nodelay = true;
	scr_accept(&s);
	/* Exchanges measure the round trip (well below the 1 s minimum RTO). */
	assert_int_equal(scr_send_msg(&s, 1, "r", 1), 0);
	scr_expect_npkts(&s, 1);
	s.now += MS(20);
	assert_int_equal(scr_feed_sack(&s, s.our_itsn, 100000, NULL, 0), 0);
	scr_flush(&s);
	const uint32_t t0 = s.our_itsn + 1;
	struct usctp_send_params p = {.sid = 0, .pr_policy = USCTP_PR_TTL, .pr_value = 100, .path = -1};
	struct usctp_msg *m = usctp_msg_new("ttl", 3);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	assert_int_equal(scr_send_msg(&s, 1, "b", 1), 0);
	scr_expect_npkts(&s, 1);
	s.now += MS(150);
	struct usctp_gap_block g = {2, 2};
	assert_int_equal(scr_feed_sack(&s, t0 - 1, 100000, &g, 1), 0);
	scr_flush(&s);
	assert_int_equal(count_fwd(&s, NULL), 1);
	uint64_t sent_at = s.now;
	struct usctp_path_status ps;
	usctp_assoc_path_status(s.a, 0, &ps);
	/* The status rounds down to ms: a few more cover it. */
	uint64_t wait = MS(ps.srtt_ms + 4 * ps.rttvar_ms + 5);
	assert_true(sent_at + wait < scr_expiry(&s)); /* sooner than T3 */
	/* Half a round trip later: the peer may not have had it yet. */
	s.now = sent_at + wait / 2;
	assert_int_equal(scr_feed_sack(&s, t0 - 1, 100000, &g, 1), 0);
	scr_flush(&s);
	assert_int_equal(count_fwd(&s, NULL), 0);
	/* A round trip later: it should have; it was lost. */
	s.now = sent_at + wait;
	assert_true(scr_expiry(&s) > s.now); /* not T3's doing */
	assert_int_equal(scr_feed_sack(&s, t0 - 1, 100000, &g, 1), 0);
	scr_flush(&s);
	assert_int_equal(count_fwd(&s, NULL), 1);
	assert_int_equal(usctp_assoc_stats(s.a)->t3_timeouts, 0);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pr_sctp_negotiated_from_both_sides),
	    cmocka_unit_test(expired_message_abandoned_with_forward_tsn),
	    cmocka_unit_test(forward_tsn_received_moves_cum_and_sacks),
	    cmocka_unit_test(forward_tsn_without_negotiation_is_unrecognized),
	    cmocka_unit_test(adaptation_indication_reported_after_comm_up),
	    cmocka_unit_test(forward_tsn_sent_once_per_advance_not_per_sack),
	    cmocka_unit_test(lost_forward_tsn_repeated_on_sack_one_round_trip_later),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
