/*
 * PR-SCTP policies end to end on a simulated network, with exact
 * expectations (RFC 3758, RFC 7496, sctp_send(3)): RTX, TTL and BUF abandon
 * exactly the messages they should, the receiver skips them on FORWARD TSN,
 * every abandoned message is reported once with its data and whether it was
 * sent, and over many seeds no message without a policy is ever lost.
 */
#include "test_sim_mininet.h"

static void fail_now(struct mn *n, const char *why)
{
	mn_dump(n, why);
	fail_msg("seed %llu: %s", (unsigned long long)n->seed, why);
}

static bool drop_msg2(struct mn *n, int node, const uint8_t *pkt, size_t len, int path, void *ctx)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, pkt, len);
	while (usctp_chunk_next(&it, &c) == 1) {
		struct usctp_data_chunk d;
		if (node == 0 && c.type == USCTP_CHUNK_DATA && usctp_data_parse(&c, &d) == 0 && d.ppid == 2)
			return true;
	}
	return false;
}

static void rtx0_message_lost_once_is_skipped_and_the_stream_goes_on(void **state)
{
	struct mn n;
	mn_init(&n, 601, 1, 1, 20);
	for (unsigned i = 0; i < 6; i++)
		mn_plan(&n, (uint64_t)i * 200 * MN_MS, 0, 100 + i, i == 2 ? USCTP_PR_RTX : USCTP_PR_NONE, 0);
	n.drop = drop_msg2;
	assert_int_equal(mn_start(&n), 0);
	assert_true(mn_run_until(&n, 20000 * MN_MS, 1000000));
	if (n.fail[0])
		fail_now(&n, n.fail);
	/* Sent once, never retransmitted, reported once as sent. */
	assert_int_equal(n.msg[2].first_tx, 1);
	assert_int_equal(n.msg[2].failed, 1);
	assert_true(n.msg[2].failed_sent);
	assert_int_equal(n.msg[2].delivered, 0);
	assert_true(n.fwd_tsn_sent >= 1);
	/* The receiver moved past it: the later ones in the stream, in order. */
	for (unsigned i = 0; i < 6; i++)
		if (i != 2) {
			assert_int_equal(n.msg[i].delivered, 1);
			assert_int_equal(n.msg[i].failed, 0);
			assert_int_equal(n.msg[i].first_tx, 1);
		}
	struct usctp_assoc_status st;
	usctp_assoc_get_status(n.a[0], &st);
	assert_int_equal(st.unacked_chunks, 0);
	assert_int_equal(usctp_assoc_stats(n.a[0])->abandoned, 1);
	mn_free(&n);
}

static void without_peer_support_rtx0_message_is_retransmitted(void **state)
{
	struct mn n;
	mn_init(&n, 602, 1, 1, 20);
	n.cfg[1].pr_sctp = false;
	for (unsigned i = 0; i < 4; i++)
		mn_plan(&n, (uint64_t)i * 200 * MN_MS, 0, 100, i == 2 ? USCTP_PR_RTX : USCTP_PR_NONE, 0);
	int drops = 0;
	n.drop = drop_msg2;
	n.drop_ctx = &drops;
	assert_int_equal(mn_start(&n), 0);
	assert_true(mn_run_until(&n, 1000 * MN_MS, 1000000));
	n.drop = NULL; /* lost the first time only */
	assert_true(mn_run_until(&n, 20000 * MN_MS, 1000000));
	if (n.fail[0])
		fail_now(&n, n.fail);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(n.msg[i].delivered, 1);
		assert_int_equal(n.msg[i].failed, 0);
	}
	assert_true(n.msg[2].first_tx >= 2);
	assert_int_equal(n.fwd_tsn_sent, 0);
	mn_free(&n);
}

static void ttl_messages_behind_a_closed_window_expire_unsent(void **state)
{
	struct mn n;
	mn_init(&n, 603, 1, 1, 10);
	n.cfg[1].rcvbuf = 4000;
	n.reading = false;
	for (unsigned i = 0; i < 8; i++)
		mn_plan(&n, 0, 0, 1000, USCTP_PR_NONE, 0);
	unsigned first_ttl = n.nmsg;
	for (unsigned i = 0; i < 5; i++)
		mn_plan(&n, 500 * MN_MS, 0, 100, USCTP_PR_TTL, 300);
	unsigned after = mn_plan(&n, 600 * MN_MS, 0, 50, USCTP_PR_NONE, 0);
	assert_int_equal(mn_start(&n), 0);
	assert_true(mn_run_until(&n, 3000 * MN_MS, 1000000));
	/* Expired at 800 ms, in the queue behind the blocked ones: never sent. */
	for (unsigned i = first_ttl; i < first_ttl + 5; i++) {
		assert_int_equal(n.msg[i].failed, 1);
		assert_false(n.msg[i].failed_sent);
		assert_int_equal(n.msg[i].first_tx, 0);
	}
	n.reading = true;
	assert_true(mn_run_until(&n, 60000 * MN_MS, 1000000));
	if (n.fail[0])
		fail_now(&n, n.fail);
	for (unsigned i = 0; i < first_ttl; i++)
		assert_int_equal(n.msg[i].delivered, 1);
	assert_int_equal(n.msg[after].delivered, 1);
	for (unsigned i = first_ttl; i < first_ttl + 5; i++)
		assert_int_equal(n.msg[i].delivered, 0);
	mn_free(&n);
}

static void buf_policy_abandons_the_right_messages_at_the_right_queue_size(void **state)
{
	struct mn n;
	mn_init(&n, 604, 1, 1, 10);
	/* Queued together on an idle association (nothing buffered before). */
	uint64_t t = 1000 * MN_MS;
	unsigned b1 = mn_plan(&n, t, 0, 1000, USCTP_PR_BUF, 10000); /* buffered 0 -> 1000 */
	unsigned n1 = mn_plan(&n, t, 1, 1000, USCTP_PR_NONE, 0);    /* -> 2000 */
	unsigned b2 = mn_plan(&n, t, 0, 1000, USCTP_PR_BUF, 10000); /* -> 3000 */
	/* 3000 >= 2500: the oldest BUF message (b1) goes; 2000 < 2500: b3 stays. */
	unsigned b3 = mn_plan(&n, t, 2, 500, USCTP_PR_BUF, 2500);
	/* 2500 >= 1000: b2 goes, then b3; 1000 (n1) is still >= 1000 and no BUF
	 * message is left: b4 itself is never sent. */
	unsigned b4 = mn_plan(&n, t, 2, 500, USCTP_PR_BUF, 1000);
	unsigned n2 = mn_plan(&n, t, 1, 300, USCTP_PR_NONE, 0);
	assert_int_equal(mn_start(&n), 0);
	assert_true(mn_run_until(&n, 10000 * MN_MS, 1000000));
	if (n.fail[0])
		fail_now(&n, n.fail);
	unsigned dropped[] = {b1, b2, b3, b4};
	for (unsigned k = 0; k < 4; k++) {
		assert_int_equal(n.msg[dropped[k]].failed, 1);
		assert_false(n.msg[dropped[k]].failed_sent);
		assert_int_equal(n.msg[dropped[k]].first_tx, 0);
		assert_int_equal(n.msg[dropped[k]].delivered, 0);
	}
	assert_int_equal(n.msg[n1].delivered, 1);
	assert_int_equal(n.msg[n2].delivered, 1);
	assert_int_equal(usctp_assoc_stats(n.a[0])->abandoned, 4);
	mn_free(&n);
}

/* Many seeds: a random mix of policies, random loss, a reader that pauses. */
/* multihomed: two networks, one of them down now and then. */
static bool one_seed(uint64_t seed, bool multihomed, unsigned *abandoned, unsigned *delivered)
{
	struct mn n;
	unsigned na = multihomed ? 2 : 1;
	mn_init(&n, seed, na, na, 2 + seed % 50);
	struct tu_rng r;
	tu_rng_seed(&r, seed ^ 0x9e3779b9);
	double loss = (double)tu_rng_below(&r, 150) / 1000.0;
	for (int d = 0; d < 2; d++)
		for (unsigned i = 0; i < na; i++)
			for (unsigned j = 0; j < na; j++)
				n.link[d][i][j].loss = loss;
	n.cfg[1].rcvbuf = 8000 + (uint32_t)tu_rng_below(&r, 60000);
	n.cfg[0].sndbuf = 16000 + (uint32_t)tu_rng_below(&r, 60000);
	unsigned nm = 100 + (unsigned)tu_rng_below(&r, 200);
	for (unsigned i = 0; i < nm; i++) {
		uint8_t pol = (uint8_t)tu_rng_below(&r, 4);
		uint32_t val = pol == USCTP_PR_TTL   ? 20 + (uint32_t)tu_rng_below(&r, 2000)
			       : pol == USCTP_PR_RTX ? (uint32_t)tu_rng_below(&r, 3)
			       : pol == USCTP_PR_BUF ? 2000 + (uint32_t)tu_rng_below(&r, 20000)
						     : 0;
		uint32_t id =
		    mn_plan(&n, (uint64_t)i * tu_rng_below(&r, 40) * MN_MS / 2, (uint16_t)tu_rng_below(&r, 5),
			    1 + (uint32_t)tu_rng_below(&r, 4000), pol, val);
		n.msg[id].unordered = tu_rng_below(&r, 5) == 0;
	}
	bool ok = mn_start(&n) == 0;
	uint64_t t = 0;
	for (int k = 0; ok && k < 4; k++) {
		t += (500 + tu_rng_below(&r, 3000)) * MN_MS;
		ok = mn_run_until(&n, t, 2000000);
		n.reading = !n.reading;
		if (multihomed) {
			mn_net_down(&n, 0, false);
			mn_net_down(&n, 1, false);
			if (k < 3)
				mn_net_down(&n, (unsigned)tu_rng_below(&r, 2), true);
		}
	}
	n.reading = true;
	ok = ok && mn_run_until(&n, t + 600000 * MN_MS, 4000000);
	const char *why = !ok ? "step bound hit" : n.fail[0] ? n.fail : NULL;
	for (unsigned i = 0; !why && i < n.nmsg; i++) {
		const struct mn_msg *m = &n.msg[i];
		if (!m->queued)
			why = "not all messages queued (stalled)";
		else if (m->policy == USCTP_PR_NONE && (m->delivered != 1 || m->failed))
			why = "a message without a policy was lost";
		else if (m->delivered + m->failed == 0)
			why = "a message neither delivered nor reported";
		else if (m->failed && !m->failed_sent && (m->delivered || m->first_tx))
			why = "reported never sent, but it was";
		else if (m->failed > 1 || m->delivered > 1)
			why = "reported or delivered twice";
		*abandoned += m->failed;
		*delivered += m->delivered;
	}
	if (!why && (n.comm_lost[0] || n.comm_lost[1]))
		why = "COMM_LOST";
	if (why) {
		mn_dump(&n, why);
		fprintf(stderr, "  replay: this seed (%llu), loss %.3f\n", (unsigned long long)seed, loss);
	}
	mn_free(&n);
	return why == NULL;
}

static void seeds(const char *name, uint64_t first, bool multihomed)
{
	unsigned failed = 0, abandoned = 0, delivered = 0;
	for (uint64_t seed = first; seed < first + 60; seed++)
		if (!one_seed(seed, multihomed, &abandoned, &delivered)) {
			fprintf(stderr, "  %s: seed %llu FAILED\n", name, (unsigned long long)seed);
			failed++;
		}
	fprintf(stderr, "%s: 60 seeds (%llu..%llu), %u failed, %u delivered, %u abandoned\n", name,
		(unsigned long long)first, (unsigned long long)first + 59, failed, delivered, abandoned);
	assert_int_equal(failed, 0);
	assert_true(abandoned > 0);
}

static void over_many_seeds_nothing_reliable_is_lost_and_each_abandon_reported_once(void **state)
{
	seeds("prpolicy/random", 6000, false);
}

static void the_same_with_two_networks_failing_in_turn(void **state)
{
	seeds("prpolicy/multihomed", 7000, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rtx0_message_lost_once_is_skipped_and_the_stream_goes_on),
	    cmocka_unit_test(without_peer_support_rtx0_message_is_retransmitted),
	    cmocka_unit_test(ttl_messages_behind_a_closed_window_expire_unsent),
	    cmocka_unit_test(buf_policy_abandons_the_right_messages_at_the_right_queue_size),
	    cmocka_unit_test(over_many_seeds_nothing_reliable_is_lost_and_each_abandon_reported_once),
	    cmocka_unit_test(the_same_with_two_networks_failing_in_turn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
