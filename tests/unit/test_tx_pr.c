/* Send side: PR-SCTP policies (TTL, BUF, RTX), FORWARD TSN, failed messages. */
#include "test_tx_helpers.h"

static struct usctp_failed_msg pop(struct th *h)
{
	struct usctp_failed_msg f;
	assert_int_equal(usctp_tx_pop_failed(h->tx, &f), 1);
	return f;
}

static void build_fwd(struct th *h, uint8_t *buf, size_t cap, struct usctp_fwd_tsn_chunk *fw)
{
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, cap);
	assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
	assert_int_equal(usctp_tx_build_fwd_tsn(h->tx, &w), 1);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, buf, w.len);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(c.type, USCTP_CHUNK_FORWARD_TSN);
	assert_int_equal(usctp_fwd_tsn_parse(&c, fw), 0);
}

static void ttl_message_expires_before_first_send_and_takes_no_tsn(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 1, 50, 0, USCTP_PR_TTL, 100, 0), 0);
	assert_int_equal(th_send(&h, 1, 60, 0), 0);
	assert_int_equal(usctp_tx_pr_next_expiry(h.tx), 100 * TH_MS);
	assert_int_equal(usctp_tx_pr_check(h.tx, 99 * TH_MS), 0);
	assert_int_equal(usctp_tx_pr_check(h.tx, 100 * TH_MS), 0); /* abandoned, but no TSN to skip */
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	struct usctp_failed_msg f = pop(&h);
	assert_false(f.sent);
	assert_int_equal(f.params.context, 7);
	assert_int_equal(usctp_msg_len(f.msg), 50);
	usctp_msg_unref(f.msg);
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 0);
	/* the next message takes the TSN and the SSN the expired one would have */
	assert_int_equal(th_fill(&h, 0, 1000, 100 * TH_MS), 1);
	assert_int_equal(h.d[0].tsn, 100);
	assert_int_equal(h.d[0].ssn, 0);
	assert_int_equal(h.d[0].payload_len, 60);
	assert_int_equal(usctp_tx_counters(h.tx)->abandoned, 1);
	th_free(&h);
}

static void ttl_expiry_is_also_checked_at_transmit_time(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 1, 50, 0, USCTP_PR_TTL, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 10 * TH_MS), 0);
	assert_int_equal(usctp_tx_next_tsn(h.tx), 100);
	struct usctp_failed_msg f = pop(&h);
	usctp_msg_unref(f.msg);
	th_free(&h);
}

static void ttl_expiry_after_send_moves_the_ack_point_and_forward_tsn_names_streams(void **state)
{
	struct th h;
	th_init(&h, 100, 8, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	/* round robin gives: 100 sid 1; 101 sid 2 ssn 0; 102 sid 3 (U); 103 sid 5 ssn 0;
	 * 104 sid 6; 105..107 sid 2 ssn 1 (three fragments) */
	assert_int_equal(th_send(&h, 1, 10, 0), 0);
	assert_int_equal(th_send_pr(&h, 2, 10, 0, USCTP_PR_TTL, 50, 0), 0);
	assert_int_equal(th_send_pr(&h, 2, 250, 0, USCTP_PR_TTL, 50, 0), 0);
	assert_int_equal(th_send_pr(&h, 3, 10, USCTP_SEND_UNORDERED, USCTP_PR_TTL, 50, 0), 0);
	assert_int_equal(th_send_pr(&h, 5, 10, 0, USCTP_PR_TTL, 50, 0), 0);
	assert_int_equal(th_send(&h, 6, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 100, 0), 8);
	assert_int_equal(h.d[4].sid, 6);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 1, &r), 0);
	assert_int_equal(usctp_tx_pr_check(h.tx, 50 * TH_MS), 1);
	assert_true(usctp_tx_fwd_tsn_due(h.tx));
	assert_int_equal(usctp_tx_path_flight(h.tx, 0), 16 + 12); /* only TSN 104 is left in flight */
	for (int i = 0; i < 4; i++) {
		struct usctp_failed_msg f = pop(&h);
		assert_true(f.sent);
		usctp_msg_unref(f.msg);
	}

	/* the ack point stops before TSN 104, which is not abandoned */
	struct usctp_fwd_tsn_chunk fw;
	uint8_t buf[256];
	build_fwd(&h, buf, sizeof(buf), &fw);
	assert_int_equal(fw.new_cum_tsn, 103);
	assert_int_equal(fw.num_streams, 2); /* the unordered sid 3 is not named */
	uint16_t sid, ssn;
	usctp_fwd_tsn_stream(&fw, 0, &sid, &ssn);
	assert_int_equal(sid, 2);
	assert_int_equal(ssn, 0);
	usctp_fwd_tsn_stream(&fw, 1, &sid, &ssn);
	assert_int_equal(sid, 5);
	assert_int_equal(ssn, 0);

	/* the peer acks 104: the ack point jumps over the abandoned 105..107 */
	assert_int_equal(th_sack(&h, 104, 50000, NULL, 0, 60 * TH_MS, &r), 0);
	assert_true(r.new_fwd_tsn);
	build_fwd(&h, buf, sizeof(buf), &fw);
	assert_int_equal(fw.new_cum_tsn, 107);
	assert_int_equal(fw.num_streams, 1);
	usctp_fwd_tsn_stream(&fw, 0, &sid, &ssn);
	assert_int_equal(sid, 2);
	assert_int_equal(ssn, 1);
	assert_int_equal(th_sack(&h, 107, 50000, NULL, 0, 70 * TH_MS, &r), 0);
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	assert_true(usctp_tx_idle(h.tx));
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 0);
	th_free(&h);
}

static void ack_point_stops_at_a_chunk_that_is_not_abandoned(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);			   /* 100 */
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_TTL, 5, 0), 0); /* 101 */
	assert_int_equal(th_fill(&h, 0, 1000, 0), 2);
	assert_int_equal(usctp_tx_pr_check(h.tx, 5 * TH_MS), 0);
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 6 * TH_MS, &r), 0);
	assert_true(r.new_fwd_tsn);
	assert_true(usctp_tx_fwd_tsn_due(h.tx));
	struct usctp_failed_msg f = pop(&h);
	usctp_msg_unref(f.msg);
	th_free(&h);
}

static void forward_tsn_is_due_once_per_advance_and_again_on_t3(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_TTL, 5, 0), 0);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 2);
	assert_int_equal(usctp_tx_pr_check(h.tx, 5 * TH_MS), 1);
	assert_true(usctp_tx_fwd_tsn_due(h.tx));
	struct usctp_fwd_tsn_chunk fw;
	uint8_t buf[64];
	build_fwd(&h, buf, sizeof(buf), &fw);
	assert_int_equal(fw.new_cum_tsn, 100);
	assert_false(usctp_tx_fwd_tsn_due(h.tx)); /* a write loop does not repeat it */
	assert_true(usctp_tx_fwd_tsn_outstanding(h.tx));
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(usctp_tx_build_fwd_tsn(h.tx, &w), 0);
	/* SACKs still behind the ack point (sent before our FORWARD TSN
	 * arrived) do not repeat it: it goes once per advance */
	struct usctp_sack_result r;
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(th_sack(&h, 99, 50000, NULL, 0, (6 + i) * TH_MS, &r), 0);
		assert_false(usctp_tx_fwd_tsn_due(h.tx));
	}
	assert_true(usctp_tx_fwd_tsn_outstanding(h.tx));
	/* a T3 expiry sends it again (A5): it may have been lost */
	usctp_tx_on_t3(h.tx, 0, &h.paths[0], 1000 * TH_MS);
	assert_true(usctp_tx_fwd_tsn_due(h.tx));
	/* the peer catches up: nothing due any more */
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 1001 * TH_MS, &r), 0);
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	assert_false(usctp_tx_fwd_tsn_outstanding(h.tx));
	struct usctp_failed_msg f = pop(&h);
	usctp_msg_unref(f.msg);
	th_free(&h);
}

static void forward_tsn_due_again_when_ack_point_advances_further(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_TTL, 5, 0), 0);
	assert_int_equal(th_send_pr(&h, 1, 10, 0, USCTP_PR_TTL, 20, 0), 0);
	assert_int_equal(th_send(&h, 2, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 3);
	assert_int_equal(usctp_tx_pr_check(h.tx, 5 * TH_MS), 1);
	struct usctp_fwd_tsn_chunk fw;
	uint8_t buf[64];
	build_fwd(&h, buf, sizeof(buf), &fw);
	assert_int_equal(fw.new_cum_tsn, 100);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 99, 50000, NULL, 0, 6 * TH_MS, &r), 0);
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	/* The second message expires: the ack point moves, a new FORWARD TSN. */
	assert_int_equal(usctp_tx_pr_check(h.tx, 20 * TH_MS), 1);
	assert_true(usctp_tx_fwd_tsn_due(h.tx));
	build_fwd(&h, buf, sizeof(buf), &fw);
	assert_int_equal(fw.new_cum_tsn, 101);
	assert_int_equal(th_sack(&h, 99, 50000, NULL, 0, 21 * TH_MS, &r), 0);
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	for (int i = 0; i < 2; i++) {
		struct usctp_failed_msg f = pop(&h);
		usctp_msg_unref(f.msg);
	}
	th_free(&h);
}

static void forward_tsn_cut_short_continues_once_peer_catches_up(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	for (uint16_t sid = 0; sid < 3; sid++)
		assert_int_equal(th_send_pr(&h, sid, 10, 0, USCTP_PR_TTL, 5, 0), 0);
	assert_int_equal(th_send(&h, 3, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 4);
	assert_int_equal(usctp_tx_pr_check(h.tx, 5 * TH_MS), 1);
	/* Room to name one stream only: the new cum TSN stops at 100. */
	uint8_t buf[12 + 12];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
	assert_int_equal(usctp_tx_build_fwd_tsn(h.tx, &w), 1);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 99, 50000, NULL, 0, 6 * TH_MS, &r), 0);
	assert_false(usctp_tx_fwd_tsn_due(h.tx)); /* the peer has not seen it yet */
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 7 * TH_MS, &r), 0);
	assert_true(usctp_tx_fwd_tsn_due(h.tx)); /* it has: the next part */
	usctp_wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
	assert_int_equal(usctp_tx_build_fwd_tsn(h.tx, &w), 1);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	struct usctp_fwd_tsn_chunk fw;
	usctp_chunk_iter_init(&it, buf, w.len);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(usctp_fwd_tsn_parse(&c, &fw), 0);
	assert_int_equal(fw.new_cum_tsn, 101);
	for (int i = 0; i < 3; i++) {
		struct usctp_failed_msg f = pop(&h);
		usctp_msg_unref(f.msg);
	}
	th_free(&h);
}

static void buf_policy_abandons_older_buf_messages_first(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 0, 400, 0, USCTP_PR_BUF, 10000, 0), 0); /* A */
	assert_int_equal(th_send(&h, 0, 300, 0), 0);				/* no policy */
	assert_int_equal(th_send_pr(&h, 1, 401, 0, USCTP_PR_BUF, 10000, 0), 0); /* B */
	assert_int_equal(th_send_pr(&h, 1, 402, 0, USCTP_PR_BUF, 10000, 0), 0); /* C */
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 1503);
	/* D allows 800 queued bytes: A (oldest BUF) then B go; C stays (1503-801=702 < 800) */
	assert_int_equal(th_send_pr(&h, 2, 10, 0, USCTP_PR_BUF, 800, 0), 0);
	struct usctp_failed_msg f = pop(&h);
	assert_int_equal(usctp_msg_len(f.msg), 400);
	usctp_msg_unref(f.msg);
	f = pop(&h);
	assert_int_equal(usctp_msg_len(f.msg), 401);
	usctp_msg_unref(f.msg);
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 0);
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 300 + 402 + 10);
	assert_int_equal(usctp_tx_counters(h.tx)->abandoned, 2);
	th_free(&h);
}

static void rtx_policy_allows_exactly_pr_value_retransmissions(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_RTX, 2, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 1);
	uint64_t t = 0;
	for (int i = 0; i < 2; i++) {
		t += 1000 * TH_MS;
		usctp_tx_on_t3(h.tx, 0, &h.paths[0], t);
		assert_int_equal(th_fill(&h, 0, 1000, t), 1);
		assert_int_equal(h.d[0].tsn, 100);
	}
	assert_int_equal(usctp_tx_counters(h.tx)->retransmits, 2);
	usctp_tx_on_t3(h.tx, 0, &h.paths[0], t + 1000 * TH_MS);
	assert_int_equal(th_fill(&h, 0, 1000, t + 1000 * TH_MS), 0);
	assert_true(usctp_tx_fwd_tsn_due(h.tx));
	struct usctp_failed_msg f = pop(&h);
	assert_true(f.sent);
	usctp_msg_unref(f.msg);
	th_free(&h);
}

static void without_peer_support_nothing_is_abandoned(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_RTX, 0, 0), 0);
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_TTL, 1, 0), 0);
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_BUF, 0, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 3);
	uint64_t t = 0;
	for (int i = 0; i < 5; i++) {
		t += 1000 * TH_MS;
		usctp_tx_on_t3(h.tx, 0, &h.paths[0], t);
		assert_int_equal(usctp_tx_pr_check(h.tx, t), 0);
		assert_true(th_fill(&h, 0, 1000, t) >= 1);
	}
	assert_int_equal(usctp_tx_pr_next_expiry(h.tx), USCTP_TIME_NEVER);
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	struct usctp_failed_msg f;
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 0);
	assert_int_equal(usctp_tx_counters(h.tx)->abandoned, 0);
	th_free(&h);
}

static void no_policy_data_is_never_abandoned(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 1);
	uint64_t t = 0;
	for (int i = 0; i < 20; i++) {
		t += 1000 * TH_MS;
		usctp_tx_on_t3(h.tx, 0, &h.paths[0], t);
		assert_int_equal(usctp_tx_pr_check(h.tx, t), 0);
		assert_int_equal(th_fill(&h, 0, 1000, t), 1);
	}
	struct usctp_failed_msg f;
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 0);
	th_free(&h);
}

static void fail_all_reports_every_message_exactly_once(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 0, 10, 0, USCTP_PR_TTL, 1, 0), 0); /* abandoned first */
	assert_int_equal(th_send(&h, 0, 11, 0), 0);			   /* sent, unacked */
	assert_int_equal(th_fill(&h, 0, 1000, 0), 2);
	assert_int_equal(th_send(&h, 1, 12, 0), 0); /* queued */
	assert_int_equal(usctp_tx_pr_check(h.tx, TH_MS), 1);
	usctp_tx_fail_all(h.tx);
	const size_t len[3] = {10, 11, 12};
	const bool sent[3] = {true, true, false};
	for (int i = 0; i < 3; i++) {
		struct usctp_failed_msg f = pop(&h);
		assert_int_equal(usctp_msg_len(f.msg), len[i]);
		assert_int_equal(f.sent, sent[i]);
		usctp_msg_unref(f.msg);
	}
	struct usctp_failed_msg f;
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 0);
	assert_true(usctp_tx_idle(h.tx));
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 0);
	usctp_tx_fail_all(h.tx);
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 0);
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ttl_message_expires_before_first_send_and_takes_no_tsn),
	    cmocka_unit_test(ttl_expiry_is_also_checked_at_transmit_time),
	    cmocka_unit_test(ttl_expiry_after_send_moves_the_ack_point_and_forward_tsn_names_streams),
	    cmocka_unit_test(ack_point_stops_at_a_chunk_that_is_not_abandoned),
	    cmocka_unit_test(forward_tsn_is_due_once_per_advance_and_again_on_t3),
	    cmocka_unit_test(forward_tsn_due_again_when_ack_point_advances_further),
	    cmocka_unit_test(forward_tsn_cut_short_continues_once_peer_catches_up),
	    cmocka_unit_test(buf_policy_abandons_older_buf_messages_first),
	    cmocka_unit_test(rtx_policy_allows_exactly_pr_value_retransmissions),
	    cmocka_unit_test(without_peer_support_nothing_is_abandoned),
	    cmocka_unit_test(no_policy_data_is_never_abandoned),
	    cmocka_unit_test(fail_all_reports_every_message_exactly_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
