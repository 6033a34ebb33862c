/*
 * Multi-homing on a simulated network (RFC 9260 5.4, 6.4, 8.2, 8.3): a network
 * that drops everything fails over without losing or duplicating a message
 * and traffic returns to the primary when it recovers; an unconfirmed address
 * gets no data; heartbeats keep an idle path's RTT fresh; over many seeds
 * with random outages, every message arrives exactly once, in order.
 */
#include "test_sim_mininet.h"

static bool all_delivered(const struct mn *n)
{
	for (unsigned i = 0; i < n->nmsg; i++)
		if (n->msg[i].delivered != 1)
			return false;
	return true;
}

static unsigned count_delivered(const struct mn *n)
{
	unsigned c = 0;
	for (unsigned i = 0; i < n->nmsg; i++)
		c += n->msg[i].delivered;
	return c;
}

static void fail_now(struct mn *n, const char *why)
{
	mn_dump(n, why);
	fail_msg("seed %llu: %s", (unsigned long long)n->seed, why);
}

static void dead_network_fails_over_and_traffic_returns_to_primary(void **state)
{
	struct mn n;
	mn_init(&n, 501, 2, 2, 20);
	/* 400 messages over 20 s; network 0 (the primary's) is dead in [3 s, 11 s). */
	for (unsigned i = 0; i < 400; i++)
		mn_plan(&n, (uint64_t)i * 50 * MN_MS, (uint16_t)(i % 3), 100 + (i * 37) % 900, USCTP_PR_NONE,
			0);
	assert_int_equal(mn_start(&n), 0);
	assert_true(mn_run_until(&n, 3000 * MN_MS, 1000000));
	assert_true(n.data_to[0][0] > 0);
	assert_int_equal(n.data_to[0][1], 0); /* all on the primary so far */
	unsigned before = n.data_to[0][0];
	mn_net_down(&n, 0, true);
	assert_true(mn_run_until(&n, 11000 * MN_MS, 1000000));
	/* Failed over: the primary was declared unreachable, data went to the alternate. */
	if (n.addr_ev[0][0][USCTP_ADDR_UNREACHABLE] != 1)
		fail_now(&n, "primary not reported unreachable exactly once");
	if (n.data_to[0][1] == 0)
		fail_now(&n, "no data on the alternate");
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(n.a[0], 0, &ps), 0);
	assert_false(ps.active);
	unsigned on_primary_while_down = n.data_to[0][0] - before;
	/* At most the Path.Max.Retrans + 1 packets' worth that discovered the failure. */
	assert_true(on_primary_while_down <= 3 * 4 * 10);
	mn_net_down(&n, 0, false);
	unsigned alt_at_recovery = n.data_to[0][1];
	unsigned pri_at_recovery = n.data_to[0][0];
	assert_true(mn_run_until(&n, 60000 * MN_MS, 2000000));
	if (n.fail[0])
		fail_now(&n, n.fail);
	if (!all_delivered(&n))
		fail_now(&n, "not every message delivered exactly once");
	if (n.addr_ev[0][0][USCTP_ADDR_AVAILABLE] != 1)
		fail_now(&n, "primary not reported available again");
	/* Back on the primary: most data after the recovery went there. */
	unsigned pri_after = n.data_to[0][0] - pri_at_recovery, alt_after = n.data_to[0][1] - alt_at_recovery;
	if (pri_after <= alt_after)
		fail_now(&n, "traffic did not return to the primary");
	assert_int_equal(n.comm_lost[0] + n.comm_lost[1], 0);
	mn_free(&n);
}

static void unconfirmed_unreachable_address_gets_no_data(void **state)
{
	struct mn n;
	mn_init(&n, 502, 1, 3, 10);
	/* Node 1's address 2 is announced but unreachable: it is never confirmed. */
	for (unsigned k = 0; k < MN_MAX_ADDR; k++)
		n.link[0][k][2].down = true;
	for (unsigned i = 0; i < 200; i++)
		mn_plan(&n, (uint64_t)i * 20 * MN_MS, 0, 300, USCTP_PR_NONE, 0);
	assert_int_equal(mn_start(&n), 0);
	assert_true(mn_run_until(&n, 30000 * MN_MS, 1000000));
	if (n.fail[0])
		fail_now(&n, n.fail);
	if (!all_delivered(&n))
		fail_now(&n, "not every message delivered");
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(n.a[0], 2, &ps), 0);
	assert_false(ps.confirmed);
	assert_int_equal(n.data_to[0][2], 0);
	assert_true(n.hb_to[0][2] > 0); /* probed */
	assert_int_equal(usctp_assoc_path_status(n.a[0], 1, &ps), 0);
	assert_true(ps.confirmed);
	assert_int_equal(n.addr_ev[0][1][USCTP_ADDR_CONFIRMED], 1);
	assert_int_equal(n.addr_ev[0][2][USCTP_ADDR_CONFIRMED], 0);
	/* Probing failures do not count against the association (5.4). */
	assert_int_equal(n.comm_lost[0], 0);
	mn_free(&n);
}

static void heartbeats_keep_an_idle_path_rtt_fresh(void **state)
{
	struct mn n;
	mn_init(&n, 503, 2, 2, 10);
	/* Network 1 is slower: 80 ms each way. */
	for (int d = 0; d < 2; d++)
		n.link[d][1][1].delay = 80 * MN_MS;
	for (unsigned i = 0; i < 100; i++)
		mn_plan(&n, (uint64_t)i * 100 * MN_MS, 0, 200, USCTP_PR_NONE, 0);
	assert_int_equal(mn_start(&n), 0);
	assert_true(mn_run_until(&n, 10000 * MN_MS, 1000000));
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(n.a[0], 1, &ps), 0);
	assert_int_equal(n.data_to[0][1], 0); /* idle: no data there */
	assert_true(n.hb_to[0][1] >= 3);
	assert_true(ps.srtt_ms >= 155 && ps.srtt_ms <= 165);
	/* The path gets slower; its heartbeats notice. */
	for (int d = 0; d < 2; d++)
		n.link[d][1][1].delay = 300 * MN_MS;
	assert_true(mn_run_until(&n, 40000 * MN_MS, 1000000));
	assert_int_equal(usctp_assoc_path_status(n.a[0], 1, &ps), 0);
	if (ps.srtt_ms < 500 || ps.srtt_ms > 620)
		fail_now(&n, "idle path RTT not refreshed");
	assert_true(ps.rto_ms >= ps.srtt_ms);
	if (n.fail[0] || !all_delivered(&n))
		fail_now(&n, n.fail[0] ? n.fail : "not delivered");
	mn_free(&n);
}

/* Many seeds: random loss, random outages of either network (never both at
 * once for long), random message sizes and streams: every message exactly
 * once, ordered streams in order, no COMM_LOST. */
static unsigned sum_msgs, sum_unreach, sum_avail, sum_alt_data, sum_pri_data;

static bool one_seed(uint64_t seed)
{
	struct mn n;
	mn_init(&n, seed, 2, 2, 5 + seed % 40);
	struct tu_rng r;
	tu_rng_seed(&r, seed ^ 0x5bd1e995);
	for (int d = 0; d < 2; d++)
		for (unsigned i = 0; i < 2; i++)
			for (unsigned j = 0; j < 2; j++)
				n.link[d][i][j].loss = (double)tu_rng_below(&r, 60) / 1000.0;
	unsigned nm = 150 + (unsigned)tu_rng_below(&r, 150);
	for (unsigned i = 0; i < nm; i++)
		mn_plan(&n, (uint64_t)i * 60 * MN_MS, (uint16_t)tu_rng_below(&r, 4),
			1 + (uint32_t)tu_rng_below(&r, 3000), USCTP_PR_NONE, 0);
	bool ok = mn_start(&n) == 0;
	/* Outages: network k down for a while, alternating. */
	uint64_t t = 0;
	for (int k = 0; ok && k < 6; k++) {
		t += (1000 + tu_rng_below(&r, 3000)) * MN_MS;
		ok = mn_run_until(&n, t, 1000000);
		unsigned net = (unsigned)tu_rng_below(&r, 2);
		mn_net_down(&n, net, true);
		t += (500 + tu_rng_below(&r, 4000)) * MN_MS;
		ok = ok && mn_run_until(&n, t, 1000000);
		mn_net_down(&n, net, false);
	}
	ok = ok && mn_run_until(&n, t + 120000 * MN_MS, 4000000);
	const char *why = NULL;
	if (!ok)
		why = "step bound hit";
	else if (n.fail[0])
		why = n.fail;
	else if (!all_delivered(&n))
		why = "not every message delivered exactly once";
	else if (n.comm_lost[0] || n.comm_lost[1])
		why = "COMM_LOST";
	sum_msgs += count_delivered(&n);
	for (unsigned i = 0; i < 2; i++) {
		sum_unreach +=
		    n.addr_ev[0][i][USCTP_ADDR_UNREACHABLE] + n.addr_ev[1][i][USCTP_ADDR_UNREACHABLE];
		sum_avail += n.addr_ev[0][i][USCTP_ADDR_AVAILABLE] + n.addr_ev[1][i][USCTP_ADDR_AVAILABLE];
	}
	sum_pri_data += n.data_to[0][0];
	sum_alt_data += n.data_to[0][1];
	if (why) {
		mn_dump(&n, why);
		fprintf(stderr, "  delivered %u of %u\n", count_delivered(&n), n.nmsg);
	}
	mn_free(&n);
	return why == NULL;
}

static void random_outages_over_many_seeds_lose_nothing(void **state)
{
	unsigned failed = 0;
	for (uint64_t seed = 5000; seed < 5060; seed++)
		if (!one_seed(seed)) {
			fprintf(stderr, "  multihome/outages: seed %llu FAILED\n", (unsigned long long)seed);
			failed++;
		}
	fprintf(
	    stderr,
	    "multihome/outages: 60 seeds (5000..5059), %u failed, %u messages delivered, %u paths failed, "
	    "%u recovered, DATA chunks %u on the primary / %u on the alternate\n",
	    failed, sum_msgs, sum_unreach, sum_avail, sum_pri_data, sum_alt_data);
	assert_int_equal(failed, 0);
	assert_true(sum_unreach > 0 && sum_avail > 0 && sum_alt_data > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dead_network_fails_over_and_traffic_returns_to_primary),
	    cmocka_unit_test(unconfirmed_unreachable_address_gets_no_data),
	    cmocka_unit_test(heartbeats_keep_an_idle_path_rtt_fresh),
	    cmocka_unit_test(random_outages_over_many_seeds_lose_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
