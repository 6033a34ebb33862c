/* Send side, PR-SCTP: a message abandoned after only some of its fragments
 * were sent (its unsent rest takes one TSN, never sent), the BUF policy
 * abandoning the new message itself, and the routing of new data by path. */
#include "test_tx_helpers.h"

static struct usctp_fwd_tsn_chunk fwd(struct th *h, uint8_t *buf, size_t cap)
{
	struct usctp_fwd_tsn_chunk fw;
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, cap);
	assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
	assert_int_equal(usctp_tx_build_fwd_tsn(h->tx, &w), 1);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, buf, w.len);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(c.type, USCTP_CHUNK_FORWARD_TSN);
	assert_int_equal(usctp_fwd_tsn_parse(&c, &fw), 0);
	return fw;
}

static void partly_sent_message_abandoned_reserves_a_tsn_for_its_end(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	h.paths[0].cwnd = 1000; /* one chunk per flight */
	assert_int_equal(th_send_pr(&h, 2, 3000, 0, USCTP_PR_TTL, 100, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 1); /* TSN 100, the first 1000 bytes */
	assert_int_equal(h.d[0].tsn, 100);
	/* The peer has it and says so: the ack point cannot move over it. */
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 1 << 20, NULL, 0, 10 * TH_MS, &r), 0);
	assert_int_equal(usctp_tx_pr_check(h.tx, 100 * TH_MS), 1);
	/* The rest took TSN 101 (never sent): the FORWARD TSN passes it, so the
	 * peer (which has all of TSN 100) still learns to skip the message. */
	assert_int_equal(usctp_tx_next_tsn(h.tx), 102);
	uint8_t buf[64];
	struct usctp_fwd_tsn_chunk f = fwd(&h, buf, sizeof(buf));
	assert_int_equal(f.new_cum_tsn, 101);
	assert_int_equal(f.num_streams, 1);
	assert_int_equal(usctp_get16(f.streams), 2);
	assert_int_equal(usctp_get16(f.streams + 2), 0);
	/* Nothing of it is ever sent again; it is reported once, as sent. */
	assert_int_equal(th_fill(&h, 0, 1000, 100 * TH_MS), 0);
	struct usctp_failed_msg fm;
	assert_int_equal(usctp_tx_pop_failed(h.tx, &fm), 1);
	assert_true(fm.sent);
	assert_int_equal(usctp_msg_len(fm.msg), 3000);
	usctp_msg_unref(fm.msg);
	assert_int_equal(usctp_tx_pop_failed(h.tx, &fm), 0);
	/* The peer acknowledges the FORWARD TSN: all clean. */
	assert_int_equal(th_sack(&h, 101, 1 << 20, NULL, 0, 120 * TH_MS, &r), 0);
	assert_true(usctp_tx_idle(h.tx));
	assert_false(usctp_tx_fwd_tsn_outstanding(h.tx));
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 0);
	assert_int_equal(usctp_tx_outstanding_chunks(h.tx), 0);
	th_free(&h);
}

static void unsent_message_abandoned_takes_no_tsn(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send_pr(&h, 0, 3000, 0, USCTP_PR_TTL, 100, 0), 0);
	assert_int_equal(usctp_tx_pr_check(h.tx, 100 * TH_MS), 0);
	assert_int_equal(usctp_tx_next_tsn(h.tx), 100);
	assert_false(usctp_tx_fwd_tsn_due(h.tx));
	th_free(&h);
}

static void buf_message_itself_dropped_when_the_limit_stays_reached(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_pr_sctp(h.tx, true);
	assert_int_equal(th_send(&h, 0, 1000, 0), 0); /* no policy: never removed */
	assert_int_equal(th_send_pr(&h, 1, 10, 0, USCTP_PR_BUF, 1000, 0), 0);
	struct usctp_failed_msg fm;
	assert_int_equal(usctp_tx_pop_failed(h.tx, &fm), 1);
	assert_false(fm.sent);
	assert_int_equal(usctp_msg_len(fm.msg), 10);
	usctp_msg_unref(fm.msg);
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 1000);
	/* Below the limit it stays. */
	assert_int_equal(th_send_pr(&h, 1, 10, 0, USCTP_PR_BUF, 1001, 0), 0);
	assert_int_equal(usctp_tx_pop_failed(h.tx, &fm), 0);
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 1010);
	th_free(&h);
}

static void new_data_goes_only_to_its_route(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	uint8_t b[10] = {0};
	struct usctp_msg *m = usctp_msg_new(b, sizeof(b));
	struct usctp_send_params p = {.sid = 0, .path = 1};
	assert_int_equal(usctp_tx_enqueue(h.tx, &p, m, 0), 0);
	p.path = -1;
	assert_int_equal(usctp_tx_enqueue(h.tx, &p, m, 0), 0);
	usctp_msg_unref(m);
	/* Path 1 not allowed as an override: everything to the default (0). */
	usctp_tx_set_routes(h.tx, 0, 1u << 0);
	assert_int_equal(usctp_tx_next_path(h.tx), 0);
	/* Allowed: the first message waits for path 1, and blocks its stream. */
	usctp_tx_set_routes(h.tx, 0, (1u << 0) | (1u << 1));
	assert_int_equal(usctp_tx_next_path(h.tx), 1);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 0);
	assert_int_equal(th_fill(&h, 1, 1000, 0), 1);
	assert_int_equal(usctp_tx_next_path(h.tx), 0);
	assert_int_equal(th_fill(&h, 1, 1000, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 1);
	assert_int_equal(usctp_tx_next_path(h.tx), -1);
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(partly_sent_message_abandoned_reserves_a_tsn_for_its_end),
	    cmocka_unit_test(unsent_message_abandoned_takes_no_tsn),
	    cmocka_unit_test(buf_message_itself_dropped_when_the_limit_stays_reached),
	    cmocka_unit_test(new_data_goes_only_to_its_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
