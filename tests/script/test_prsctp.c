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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pr_sctp_negotiated_from_both_sides),
	    cmocka_unit_test(expired_message_abandoned_with_forward_tsn),
	    cmocka_unit_test(forward_tsn_received_moves_cum_and_sacks),
	    cmocka_unit_test(forward_tsn_without_negotiation_is_unrecognized),
	    cmocka_unit_test(adaptation_indication_reported_after_comm_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
