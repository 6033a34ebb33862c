/* Send side: queues, fragmentation, windows, SACK processing, retransmission. */
#include "test_tx_helpers.h"

static void fragmentation_sets_b_e_flags_and_consecutive_tsns_with_one_ssn(void **state)
{
	struct th h;
	th_init(&h, 1000, 4, 1 << 20, 4, true);
	assert_int_equal(th_send(&h, 2, 250, 0), 0);
	assert_int_equal(th_send(&h, 2, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 100, 0), 4);
	const uint8_t fl[4] = {USCTP_DATA_FLAG_B, 0, USCTP_DATA_FLAG_E,
			       USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E};
	const size_t len[4] = {100, 100, 50, 10};
	const uint16_t ssn[4] = {0, 0, 0, 1};
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(h.d[i].tsn, 1000 + i);
		assert_int_equal(h.d[i].flags, fl[i]);
		assert_int_equal(h.d[i].payload_len, len[i]);
		assert_int_equal(h.d[i].sid, 2);
		assert_int_equal(h.d[i].ssn, ssn[i]);
		assert_int_equal(h.d[i].ppid, 0xdeadbeef);
	}
	/* payload bytes are the message's, sliced at the offsets */
	assert_int_equal(h.d[1].payload[0], 100);
	assert_int_equal(h.d[2].payload[49], 249 & 0xff);
	assert_true(h.t3);
	assert_int_equal(usctp_tx_next_tsn(h.tx), 1004);
	th_free(&h);
}

static void fragmentation_point_may_change_between_fills(void **state)
{
	struct th h;
	th_init(&h, 1, 4, 1 << 20, 0, true);
	assert_int_equal(th_send(&h, 0, 300, 0), 0);
	assert_int_equal(th_fill(&h, 0, 100, 0), 3);
	assert_int_equal(th_send(&h, 0, 300, 0), 0);
	assert_int_equal(th_fill(&h, 0, 200, 0), 2);
	assert_int_equal(h.d[0].payload_len, 200);
	assert_int_equal(h.d[1].payload_len, 100);
	assert_int_equal(h.d[1].flags, USCTP_DATA_FLAG_E);
	th_free(&h);
}

static void unordered_message_sets_u_flag_and_takes_no_ssn(void **state)
{
	struct th h;
	th_init(&h, 1, 4, 1 << 20, 4, true);
	assert_int_equal(th_send_pr(&h, 1, 10, USCTP_SEND_UNORDERED, 0, 0, 0), 0);
	assert_int_equal(th_send(&h, 1, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 2);
	assert_int_equal(h.d[0].flags, USCTP_DATA_FLAG_U | USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E);
	assert_int_equal(h.d[1].flags, USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E);
	assert_int_equal(h.d[1].ssn, 0);
	th_free(&h);
}

static void streams_are_served_round_robin_fcfs_within_a_stream(void **state)
{
	struct th h;
	th_init(&h, 1, 4, 1 << 20, 0, true);
	assert_int_equal(th_send(&h, 1, 10, 0), 0);
	assert_int_equal(th_send(&h, 1, 11, 0), 0);
	assert_int_equal(th_send(&h, 3, 12, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 3);
	assert_int_equal(h.d[0].sid, 1);
	assert_int_equal(h.d[0].payload_len, 10);
	assert_int_equal(h.d[1].sid, 3);
	assert_int_equal(h.d[2].sid, 1);
	assert_int_equal(h.d[2].payload_len, 11);
	assert_int_equal(h.d[2].ssn, 1);
	th_free(&h);
}

static void cwnd_limits_bytes_sent_with_one_packet_overshoot(void **state)
{
	struct th h;
	th_init(&h, 1, 4, 1 << 20, 0, true);
	assert_int_equal(h.paths[0].cwnd, 4404);
	for (int i = 0; i < 10; i++)
		assert_int_equal(th_send(&h, 0, 1000, 0), 0);
	/* 1016-byte chunks: sent while flight < 4404: 0, 1016, 2032, 3048, 4064 */
	assert_int_equal(th_fill_all(&h, 0, 1000, 0), 5);
	assert_int_equal(h.paths[0].flight_size, 5 * 1016);
	assert_int_equal(th_fill(&h, 0, 1000, 1), 0);
	th_free(&h);
}

static void sack_cum_ack_frees_chunks_and_reports_bytes(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 10000, 0, true);
	for (int i = 0; i < 3; i++)
		assert_int_equal(th_send(&h, 0, 100, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 3);
	assert_int_equal(usctp_tx_send_space(h.tx), 10000 - 300);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 101, 50000, NULL, 0, 10 * TH_MS, &r), 0);
	assert_true(r.cum_advanced);
	assert_false(r.ignored);
	assert_int_equal(r.bytes_acked, 200);
	assert_int_equal(usctp_tx_outstanding_chunks(h.tx), 1);
	assert_int_equal(usctp_tx_cum_acked(h.tx), 101);
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 100);
	assert_int_equal(h.paths[0].flight_size, 116);
	assert_int_equal(usctp_tx_peer_rwnd(h.tx), 50000 - 100);
	assert_true(r.rtt_valid);
	assert_int_equal(r.rtt, 10 * TH_MS);
	assert_false(r.all_acked);
	assert_int_equal(r.outstanding_paths, 1);
	assert_int_equal(th_sack(&h, 102, 50000, NULL, 0, 11 * TH_MS, &r), 0);
	assert_true(r.all_acked);
	assert_true(usctp_tx_idle(h.tx));
	assert_int_equal(usctp_tx_send_space(h.tx), 10000);
	th_free(&h);
}

static void gap_blocks_ack_chunks_without_freeing_them(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	for (int i = 0; i < 4; i++)
		assert_int_equal(th_send(&h, 0, 100, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 4);
	struct usctp_sack_result r;
	const uint16_t g[1][2] = {{2, 3}}; /* TSN 101, 102 */
	assert_int_equal(th_sack(&h, 99, 50000, g, 1, 0, &r), 0);
	assert_false(r.cum_advanced);
	assert_int_equal(r.bytes_acked, 200);
	assert_int_equal(usctp_tx_outstanding_chunks(h.tx), 4);
	assert_int_equal(h.paths[0].flight_size, 2 * 116);
	assert_int_equal(usctp_tx_peer_rwnd(h.tx), 50000 - 200);
	/* the same gap again acks nothing new */
	assert_int_equal(th_sack(&h, 99, 50000, g, 1, 0, &r), 0);
	assert_int_equal(r.bytes_acked, 0);
	th_free(&h);
}

static void reneged_gap_acked_chunks_become_outstanding_again(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	for (int i = 0; i < 4; i++)
		assert_int_equal(th_send(&h, 0, 100, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 4);
	struct usctp_sack_result r;
	const uint16_t g[1][2] = {{2, 3}};
	assert_int_equal(th_sack(&h, 99, 50000, g, 1, 0, &r), 0);
	assert_int_equal(h.paths[0].flight_size, 2 * 116);
	assert_int_equal(th_sack(&h, 99, 50000, NULL, 0, 0, &r), 0); /* renege */
	assert_int_equal(h.paths[0].flight_size, 4 * 116);
	assert_int_equal(r.outstanding_paths, 1);
	/* T3 now retransmits the reneged chunks too */
	usctp_tx_on_t3(h.tx, 0, &h.paths[0], 1000 * TH_MS);
	assert_int_equal(usctp_tx_pending_chunks(h.tx), 4);
	assert_int_equal(th_sack(&h, 103, 50000, NULL, 0, 0, &r), 0);
	assert_true(usctp_tx_idle(h.tx));
	assert_int_equal(usctp_tx_pending_chunks(h.tx), 0);
	th_free(&h);
}

static void stale_sack_with_older_cum_tsn_is_ignored(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	for (int i = 0; i < 4; i++)
		assert_int_equal(th_send(&h, 0, 100, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 4);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 101, 50000, NULL, 0, 0, &r), 0);
	uint32_t rwnd = usctp_tx_peer_rwnd(h.tx);
	assert_int_equal(th_sack(&h, 100, 1, NULL, 0, 0, &r), 0);
	assert_true(r.ignored);
	assert_int_equal(usctp_tx_peer_rwnd(h.tx), rwnd);
	assert_int_equal(usctp_tx_cum_acked(h.tx), 101);
	/* a duplicate acks nothing new */
	assert_int_equal(th_sack(&h, 101, 50000, NULL, 0, 0, &r), 0);
	assert_false(r.ignored);
	assert_false(r.cum_advanced);
	assert_int_equal(r.bytes_acked, 0);
	/* a cum TSN beyond anything sent is refused without a state change */
	assert_int_equal(th_sack(&h, 500, 50000, NULL, 0, 0, &r), USCTP_ERR_PROTO);
	assert_int_equal(usctp_tx_cum_acked(h.tx), 101);
	assert_int_equal(usctp_tx_outstanding_chunks(h.tx), 2);
	th_free(&h);
}

static void malformed_gap_blocks_do_not_ack_or_crash(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	for (int i = 0; i < 4; i++)
		assert_int_equal(th_send(&h, 0, 100, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 4);
	struct usctp_sack_result r;
	const uint16_t g[4][2] = {{3, 2}, {0, 1}, {4, 60000}, {2, 9}}; /* inverted, zero, huge, overlapping */
	assert_int_equal(th_sack(&h, 99, 50000, g, 4, 0, &r), 0);
	assert_int_equal(r.bytes_acked, 100); /* only TSN 102 (offset 4) */
	assert_int_equal(usctp_tx_outstanding_chunks(h.tx), 4);
	th_free(&h);
}

/* Sends n chunks of 100 bytes starting at TSN 100. */
static void send_n(struct th *h, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(th_send(h, 0, 100, 0), 0);
	assert_int_equal(th_fill_all(h, 0, 100, 0), n);
}

static void fast_retransmit_after_exactly_three_miss_indications(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 6);
	h.paths[0].cwnd = 20000;
	struct usctp_sack_result r;
	const uint16_t g1[1][2] = {{2, 2}}, g2[1][2] = {{2, 3}}, g3[1][2] = {{2, 4}};
	assert_int_equal(th_sack(&h, 99, 50000, g1, 1, 0, &r), 0);
	assert_false(r.fast_rtx);
	assert_int_equal(th_sack(&h, 99, 50000, g2, 1, 0, &r), 0);
	assert_false(r.fast_rtx); /* two miss indications are not enough */
	/* a SACK that newly acks nothing adds no miss indication (HTNA) */
	assert_int_equal(th_sack(&h, 99, 50000, g2, 1, 0, &r), 0);
	assert_false(r.fast_rtx);
	assert_int_equal(th_sack(&h, 99, 50000, g3, 1, 0, &r), 0);
	assert_true(r.fast_rtx);
	assert_int_equal(h.paths[0].ssthresh, 10000);
	assert_int_equal(h.paths[0].cwnd, 10000);
	assert_int_equal(usctp_tx_pending_chunks(h.tx), 1);
	assert_int_equal(usctp_tx_counters(h.tx)->fast_retransmits, 1);
	/* fast retransmission goes first, even with the window full */
	h.paths[0].cwnd = 100;
	assert_int_equal(th_fill(&h, 0, 100, 1), 1);
	assert_int_equal(h.d[0].tsn, 100);
	assert_int_equal(usctp_tx_counters(h.tx)->retransmits, 1);
	th_free(&h);
}

static void fast_recovery_reduces_cwnd_once(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 12);
	h.paths[0].cwnd = 20000;
	struct usctp_sack_result r;
	/* TSN 100 missing: three SACKs acking 101, 102, 103 */
	for (uint16_t e = 2; e <= 4; e++) {
		const uint16_t g[1][2] = {{2, e}};
		assert_int_equal(th_sack(&h, 99, 50000, g, 1, 0, &r), 0);
	}
	assert_true(r.fast_rtx);
	assert_int_equal(h.paths[0].cwnd, 10000);
	/* TSN 105 missing too: three more SACKs acking 106, 107, 108 */
	for (uint16_t e = 7; e <= 9; e++) {
		const uint16_t g[2][2] = {{2, 5}, {7, e}};
		assert_int_equal(th_sack(&h, 99, 50000, g, 2, 0, &r), 0);
	}
	assert_true(r.fast_rtx);
	assert_int_equal(usctp_tx_counters(h.tx)->fast_retransmits, 2);
	assert_int_equal(h.paths[0].cwnd, 10000); /* unchanged inside fast recovery */
	assert_int_equal(h.paths[0].ssthresh, 10000);
	th_free(&h);
}

static void t3_marks_everything_on_the_path_and_sets_cwnd_to_one_pmdcs(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	for (int i = 0; i < 3; i++)
		assert_int_equal(th_send(&h, 0, 1000, 0), 0);
	assert_int_equal(th_fill_all(&h, 0, 1000, 0), 3);
	h.paths[0].cwnd = 20000;
	usctp_tx_on_t3(h.tx, 0, &h.paths[0], 1000 * TH_MS);
	assert_int_equal(h.paths[0].cwnd, TH_PMDCS);
	assert_int_equal(h.paths[0].ssthresh, 10000);
	assert_int_equal(h.paths[0].flight_size, 0);
	assert_int_equal(usctp_tx_pending_chunks(h.tx), 3);
	assert_false(usctp_tx_has_outstanding(h.tx, 1));
	assert_true(usctp_tx_has_outstanding(h.tx, 0));
	/* one packet goes, then the window is full */
	assert_int_equal(th_fill(&h, 0, 1000, 1000 * TH_MS), 1);
	assert_int_equal(h.d[0].tsn, 100);
	assert_true(h.t3);
	assert_int_equal(th_fill(&h, 0, 1000, 1000 * TH_MS), 0);
	th_free(&h);
}

static void retransmission_may_go_to_another_path(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 2);
	usctp_tx_reroute(h.tx, 0);
	assert_int_equal(usctp_tx_path_flight(h.tx, 0), 0);
	assert_int_equal(th_fill(&h, 1, 100, 5), 2);
	assert_int_equal(h.paths[1].flight_size, 2 * 116);
	assert_true(usctp_tx_has_outstanding(h.tx, 1));
	assert_false(usctp_tx_has_outstanding(h.tx, 0));
	th_free(&h);
}

static void karn_no_rtt_sample_from_a_retransmitted_chunk(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 1);
	usctp_tx_on_t3(h.tx, 0, &h.paths[0], 1000 * TH_MS);
	assert_int_equal(th_fill(&h, 0, 100, 1000 * TH_MS), 1);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 1100 * TH_MS, &r), 0);
	assert_true(r.cum_advanced);
	assert_false(r.rtt_valid);
	/* a chunk sent once afterwards gives a sample again */
	send_n(&h, 1);
	assert_int_equal(th_fill(&h, 0, 100, 0), 0);
	assert_int_equal(th_send(&h, 0, 100, 1200 * TH_MS), 0);
	assert_int_equal(th_fill(&h, 0, 100, 1200 * TH_MS), 1);
	assert_int_equal(th_sack(&h, 102, 50000, NULL, 0, 1250 * TH_MS, &r), 0);
	assert_true(r.rtt_valid);
	assert_int_equal(r.rtt, 50 * TH_MS);
	th_free(&h);
}

static void zero_window_allows_one_probe_when_nothing_is_in_flight(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	usctp_tx_set_peer_rwnd(h.tx, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(th_send(&h, 0, 100, 0), 0);
	/* 6.1 A: the window is seen closed; the first probe waits one RTO. */
	assert_int_equal(th_fill(&h, 0, 1000, 0), 0);
	assert_int_equal(usctp_tx_zwp_expiry(h.tx), 1000 * TH_MS);
	assert_int_equal(th_fill(&h, 0, 1000, 1000 * TH_MS - 1), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 1000 * TH_MS), 1);
	assert_int_equal(h.d[0].tsn, 100);
	assert_int_equal(th_fill(&h, 0, 1000, 1000 * TH_MS + 1), 0); /* one probe in flight */
	assert_int_equal(usctp_tx_zwp_expiry(h.tx), USCTP_TIME_NEVER);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 0, NULL, 0, 1100 * TH_MS, &r), 0);
	/* Still closed: the next probe two RTOs after the first (backed off). */
	assert_int_equal(usctp_tx_zwp_expiry(h.tx), 3000 * TH_MS);
	assert_int_equal(th_fill(&h, 0, 1000, 2999 * TH_MS), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 3000 * TH_MS), 1);
	assert_int_equal(h.d[0].tsn, 101);
	/* the window opens: the rest goes */
	assert_int_equal(th_sack(&h, 101, 1000, NULL, 0, 3100 * TH_MS, &r), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 3100 * TH_MS), 1);
	assert_int_equal(th_send(&h, 0, 950, 3100 * TH_MS), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 3101 * TH_MS), 0); /* 950 > rwnd 900, data in flight */
	th_free(&h);
}

static void max_burst_limits_new_data_per_opportunity(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 4, true);
	h.paths[0].cwnd = 100000;
	for (int i = 0; i < 20; i++)
		assert_int_equal(th_send(&h, 0, 1000, 0), 0);
	/* cap = flight 0 + 4 * 1188 = 4752: chunks of 1016 until flight >= 4752 */
	assert_int_equal(th_fill_all(&h, 0, 1000, 0), 5);
	/* next opportunity: flight 5080 + 4752 = 9832 */
	assert_int_equal(th_fill_all(&h, 0, 1000, 1), 5);
	th_free(&h);
}

static void nagle_holds_a_small_message_while_data_is_in_flight(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, false);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 1);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 0);
	assert_true(usctp_tx_has_pending(h.tx));
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 1, &r), 0);
	assert_int_equal(th_fill(&h, 0, 1000, 1), 1);
	th_free(&h);
}

static void sndbuf_bounds_queued_and_unacked_bytes(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1000, 0, true);
	assert_int_equal(th_send(&h, 0, 1001, 0), USCTP_ERR_MSGSIZE);
	assert_int_equal(th_send(&h, 0, 600, 0), 0);
	assert_int_equal(th_send(&h, 0, 500, 0), USCTP_ERR_WOULDBLOCK);
	assert_int_equal(usctp_tx_send_space(h.tx), 400);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 1);
	assert_int_equal(th_send(&h, 0, 500, 0), USCTP_ERR_WOULDBLOCK); /* sent but unacked still counts */
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 1, &r), 0);
	assert_int_equal(th_send(&h, 0, 500, 0), 0);
	assert_int_equal(th_send(&h, 0, 0, 0), USCTP_ERR_INVALID);
	th_free(&h);
}

static void bad_stream_checked_now_or_when_streams_are_negotiated(void **state)
{
	struct th h;
	th_init(&h, 100, 0, 1 << 20, 0, true);
	assert_int_equal(th_send(&h, 65535, 10, 0), USCTP_ERR_BAD_STREAM);
	assert_int_equal(th_send(&h, 20, 10, 0), 0);
	assert_int_equal(th_send(&h, 3, 10, 0), 0);
	usctp_tx_set_streams(h.tx, 10);
	struct usctp_failed_msg f;
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 1);
	assert_int_equal(f.params.sid, 20);
	assert_false(f.sent);
	assert_int_equal(usctp_msg_len(f.msg), 10);
	usctp_msg_unref(f.msg);
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 0);
	assert_int_equal(th_send(&h, 10, 10, 0), USCTP_ERR_BAD_STREAM);
	assert_int_equal(th_fill(&h, 0, 1000, 0), 1);
	assert_int_equal(h.d[0].sid, 3);
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 10);
	th_free(&h);
}

static void slow_start_grows_cwnd_by_acked_bytes_up_to_one_pmdcs(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	for (int i = 0; i < 5; i++)
		assert_int_equal(th_send(&h, 0, 1000, 0), 0);
	assert_int_equal(th_fill_all(&h, 0, 1000, 0), 5); /* flight 5080 >= cwnd 4404 */
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 1, &r), 0);
	assert_int_equal(h.paths[0].cwnd, 4404 + 1016);
	/* flight 4064 before this SACK left room for a full chunk in cwnd 5420: no growth */
	assert_int_equal(th_sack(&h, 104, 50000, NULL, 0, 1, &r), 0);
	assert_int_equal(h.paths[0].cwnd, 4404 + 1016);
	th_free(&h);
}

static void idle_path_halves_cwnd_once_per_rto_before_sending_again(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 1);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 1, &r), 0);
	h.paths[0].cwnd = 40000;
	/* rto 1 s; 2.5 s without sending: two halvings */
	assert_int_equal(th_send(&h, 0, 100, 0), 0);
	assert_int_equal(th_fill(&h, 0, 100, 2500 * TH_MS), 1);
	assert_int_equal(h.paths[0].cwnd, 10000);
	assert_int_equal(h.paths[0].ssthresh, 40000);
	th_free(&h);
}

static void t3_recovery_is_not_mistaken_for_idleness(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 1);
	h.paths[0].cwnd = 40000;
	usctp_tx_on_t3(h.tx, 0, &h.paths[0], 1000 * TH_MS);
	assert_int_equal(th_fill(&h, 0, 100, 3000 * TH_MS), 1);
	assert_int_equal(h.paths[0].cwnd, TH_PMDCS);
	assert_int_equal(h.paths[0].ssthresh, 20000);
	th_free(&h);
}

static void renege_counts_one_miss_indication_toward_fast_retransmit(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 6);
	struct usctp_sack_result r;
	const uint16_t g1[1][2] = {{1, 1}}; /* 101 */
	assert_int_equal(th_sack(&h, 100, 50000, g1, 1, 0, &r), 0);
	assert_int_equal(th_sack(&h, 100, 50000, NULL, 0, 0, &r), 0); /* 101 reneged: miss 1 */
	const uint16_t g2[1][2] = {{3, 3}}, g3[1][2] = {{3, 4}};        /* 102, then 103 */
	assert_int_equal(th_sack(&h, 100, 50000, g2, 1, 0, &r), 0);
	assert_false(r.fast_rtx);
	assert_int_equal(th_sack(&h, 100, 50000, g3, 1, 0, &r), 0);
	assert_true(r.fast_rtx);
	assert_int_equal(th_fill(&h, 0, 100, 1), 1);
	assert_int_equal(h.d[0].tsn, 101);
	th_free(&h);
}

static void fast_recovery_ends_when_the_cum_ack_reaches_its_exit_point(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 4); /* 100..103: exit point 103 */
	h.paths[0].cwnd = 40000;
	struct usctp_sack_result r;
	for (uint16_t e = 2; e <= 4; e++) {
		const uint16_t g[1][2] = {{2, e}};
		assert_int_equal(th_sack(&h, 99, 50000, g, 1, 0, &r), 0);
	}
	assert_int_equal(h.paths[0].cwnd, 20000);
	assert_int_equal(th_fill(&h, 0, 100, 1), 1);
	assert_int_equal(th_sack(&h, 103, 50000, NULL, 0, 2, &r), 0); /* recovery over */
	send_n(&h, 4);                                                 /* 104..107 */
	h.paths[0].cwnd = 30000;
	for (uint16_t e = 2; e <= 4; e++) {
		const uint16_t g[1][2] = {{2, e}};
		assert_int_equal(th_sack(&h, 103, 50000, g, 1, 3, &r), 0);
	}
	assert_true(r.fast_rtx);
	assert_int_equal(h.paths[0].cwnd, 15000); /* a new recovery reduces again */
	th_free(&h);
}

static void t3_start_only_when_the_path_had_nothing_outstanding(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 100, 0), 1);
	assert_true(h.t3);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);
	assert_int_equal(th_fill(&h, 0, 100, 0), 1);
	assert_false(h.t3);
	/* retransmitting the earliest outstanding chunk restarts it */
	usctp_tx_on_t3(h.tx, 0, &h.paths[0], 1000 * TH_MS);
	assert_int_equal(th_fill(&h, 0, 100, 1000 * TH_MS), 2);
	assert_true(h.t3);
	th_free(&h);
}

static void shutdown_cum_ack_acts_as_a_sack_without_gaps(void **state)
{
	struct th h;
	th_init(&h, 100, 4, 1 << 20, 0, true);
	send_n(&h, 3);
	uint32_t rwnd = usctp_tx_peer_rwnd(h.tx);
	struct usctp_sack_result r;
	assert_int_equal(usctp_tx_on_cum_ack(h.tx, 101, h.paths, 2, 5, &r), 0);
	assert_true(r.cum_advanced);
	assert_int_equal(r.bytes_acked, 200);
	assert_int_equal(usctp_tx_outstanding_chunks(h.tx), 1);
	assert_int_equal(usctp_tx_peer_rwnd(h.tx), rwnd); /* no window news: unchanged */
	assert_int_equal(usctp_tx_on_cum_ack(h.tx, 100, h.paths, 2, 5, &r), 0);
	assert_true(r.ignored);
	th_free(&h);
}

static void serial_arithmetic_across_tsn_wraparound(void **state)
{
	struct th h;
	th_init(&h, 0xFFFFFFF0u, 4, 1 << 20, 0, true);
	h.paths[0].cwnd = 1 << 20;
	for (int i = 0; i < 40; i++)
		assert_int_equal(th_send(&h, 0, 100, 0), 0);
	assert_int_equal(th_fill_all(&h, 0, 100, 0), 40);
	assert_int_equal(usctp_tx_next_tsn(h.tx), 0xFFFFFFF0u + 40);
	struct usctp_sack_result r;
	/* cum 0xFFFFFFFE, gap over the wrap: TSNs 0 .. 2 (offsets 2 .. 4) */
	const uint16_t g[1][2] = {{2, 4}};
	assert_int_equal(th_sack(&h, 0xFFFFFFFEu, 50000, g, 1, 1, &r), 0);
	assert_int_equal(r.bytes_acked, 15 * 100 + 3 * 100);
	assert_int_equal(th_sack(&h, 5, 50000, NULL, 0, 1, &r), 0);
	assert_true(r.cum_advanced);
	assert_int_equal(usctp_tx_outstanding_chunks(h.tx), 40 - 22);
	assert_int_equal(th_sack(&h, 0xFFFFFFF8u, 50000, NULL, 0, 1, &r), 0);
	assert_true(r.ignored);
	assert_int_equal(th_sack(&h, 0xFFFFFFF0u + 39, 50000, NULL, 0, 1, &r), 0);
	assert_true(r.all_acked);
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fragmentation_sets_b_e_flags_and_consecutive_tsns_with_one_ssn),
	    cmocka_unit_test(fragmentation_point_may_change_between_fills),
	    cmocka_unit_test(unordered_message_sets_u_flag_and_takes_no_ssn),
	    cmocka_unit_test(streams_are_served_round_robin_fcfs_within_a_stream),
	    cmocka_unit_test(cwnd_limits_bytes_sent_with_one_packet_overshoot),
	    cmocka_unit_test(sack_cum_ack_frees_chunks_and_reports_bytes),
	    cmocka_unit_test(gap_blocks_ack_chunks_without_freeing_them),
	    cmocka_unit_test(reneged_gap_acked_chunks_become_outstanding_again),
	    cmocka_unit_test(stale_sack_with_older_cum_tsn_is_ignored),
	    cmocka_unit_test(malformed_gap_blocks_do_not_ack_or_crash),
	    cmocka_unit_test(fast_retransmit_after_exactly_three_miss_indications),
	    cmocka_unit_test(fast_recovery_reduces_cwnd_once),
	    cmocka_unit_test(t3_marks_everything_on_the_path_and_sets_cwnd_to_one_pmdcs),
	    cmocka_unit_test(retransmission_may_go_to_another_path),
	    cmocka_unit_test(karn_no_rtt_sample_from_a_retransmitted_chunk),
	    cmocka_unit_test(zero_window_allows_one_probe_when_nothing_is_in_flight),
	    cmocka_unit_test(max_burst_limits_new_data_per_opportunity),
	    cmocka_unit_test(nagle_holds_a_small_message_while_data_is_in_flight),
	    cmocka_unit_test(sndbuf_bounds_queued_and_unacked_bytes),
	    cmocka_unit_test(bad_stream_checked_now_or_when_streams_are_negotiated),
	    cmocka_unit_test(slow_start_grows_cwnd_by_acked_bytes_up_to_one_pmdcs),
	    cmocka_unit_test(idle_path_halves_cwnd_once_per_rto_before_sending_again),
	    cmocka_unit_test(t3_recovery_is_not_mistaken_for_idleness),
	    cmocka_unit_test(renege_counts_one_miss_indication_toward_fast_retransmit),
	    cmocka_unit_test(fast_recovery_ends_when_the_cum_ack_reaches_its_exit_point),
	    cmocka_unit_test(t3_start_only_when_the_path_had_nothing_outstanding),
	    cmocka_unit_test(shutdown_cum_ack_acts_as_a_sack_without_gaps),
	    cmocka_unit_test(serial_arithmetic_across_tsn_wraparound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
