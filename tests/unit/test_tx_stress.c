/*
 * Send side against a simulated lossy, reneging receiver with random
 * PR-SCTP abandonment: after every step the internal accounting (flight,
 * retransmission marks, buffered bytes) must match the chunk records; at the
 * end, with loss turned off, everything must drain.
 */
#include <stdio.h>

#include "test_tx_helpers.h"
#include "core/tx_internal.h"

#define WIN 4096 /* receiver bitmap above its cum TSN */

struct rcv {
	uint32_t cum;
	uint8_t got[WIN];
};

static void rcv_absorb(struct rcv *r)
{
	while (r->got[0]) {
		memmove(r->got, r->got + 1, WIN - 1);
		r->got[WIN - 1] = 0;
		r->cum++;
	}
}

static void rcv_data(struct rcv *r, uint32_t tsn)
{
	uint32_t off = tsn - r->cum - 1;
	if (off < WIN)
		r->got[off] = 1;
	rcv_absorb(r);
}

static void rcv_fwd(struct rcv *r, uint32_t new_cum)
{
	for (int i = 0; i < WIN && (int32_t)(new_cum - r->cum) > 0; i++) {
		memmove(r->got, r->got + 1, WIN - 1);
		r->got[WIN - 1] = 0;
		r->cum++;
	}
	rcv_absorb(r);
}

static unsigned rcv_gaps(const struct rcv *r, uint16_t (*g)[2], unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < WIN && n < max; i++) {
		if (!r->got[i])
			continue;
		unsigned j = i;
		while (j + 1 < WIN && r->got[j + 1])
			j++;
		g[n][0] = (uint16_t)(i + 1);
		g[n][1] = (uint16_t)(j + 1);
		n++;
		i = j;
	}
	return n;
}

static void check_invariants(struct th *h)
{
	struct usctp_tx *tx = h->tx;
	uint32_t flight[USCTP_MAX_PATHS] = {0}, out[USCTP_MAX_PATHS] = {0}, payload = 0, rtx = 0, gap = 0,
		 count = 0;
	uint32_t expect = tx->cum_acked + 1;
	for (struct tx_chunk *c = tx->out_head; c; c = c->next) {
		assert_int_equal(c->tsn, expect);
		expect++;
		count++;
		if (c->in_flight) {
			flight[c->path] += tx_chunk_size(c->len);
			payload += c->len;
			assert_false(c->rtx);
			assert_false(c->acked);
		}
		rtx += c->rtx;
		gap += c->acked;
		if (!c->acked && !c->abandoned) {
			out[c->path]++;
			assert_true(c->in_flight || c->rtx);
		}
	}
	assert_int_equal(expect, tx->next_tsn);
	assert_int_equal(count, tx->out_count);
	assert_int_equal(rtx, tx->num_rtx);
	assert_int_equal(gap, tx->num_gap_acked);
	assert_int_equal(payload, tx->flight_payload);
	for (unsigned i = 0; i < USCTP_MAX_PATHS; i++) {
		assert_int_equal(flight[i], tx->flight[i]);
		assert_int_equal(out[i], tx->path_out[i]);
	}
	uint32_t buffered = 0;
	for (struct tx_msg *m = tx->all_head; m; m = m->all_next)
		buffered += m->unreleased;
	assert_int_equal(buffered, tx->buffered);
	assert_true(tsn_le(tx->cum_acked, tx->adv_ack));
}

static void run(uint64_t seed, bool pr, struct usctp_tx_counters *sum)
{
	struct tu_rng rng;
	tu_rng_seed(&rng, seed);
	struct th h;
	uint32_t itsn = (uint32_t)tu_rng_next(&rng) | 0xFFFFF000u; /* wrap inside the run */
	th_init(&h, itsn, 8, 200000, 4, tu_rng_chance(&rng, 0.5));
	usctp_tx_set_pr_sctp(h.tx, pr);
	static struct rcv r;
	memset(&r, 0, sizeof(r));
	r.cum = itsn - 1;
	uint64_t now = 0, t3_at[2] = {USCTP_TIME_NEVER, USCTP_TIME_NEVER};
	unsigned queued = 0, failed = 0;
	uint16_t g[32][2];
	struct usctp_sack_result res;
	/* 2500 lossy steps, then lossless ones until drained (RTOs may have
	 * backed off to rto_max: give them time) */
	for (int step = 0; step < 40000; step++) {
		bool lossy = step < 2500;
		if (!lossy && usctp_tx_idle(h.tx))
			break;
		now += tu_rng_below(&rng, 20) * TH_MS;
		if (step < 2000 && tu_rng_chance(&rng, 0.4)) {
			uint8_t pol = pr ? (uint8_t)tu_rng_below(&rng, 4) : 0;
			uint32_t val = pol == USCTP_PR_TTL   ? 50 + (uint32_t)tu_rng_below(&rng, 500)
				       : pol == USCTP_PR_BUF ? 20000 + (uint32_t)tu_rng_below(&rng, 100000)
							     : (uint32_t)tu_rng_below(&rng, 3);
			uint16_t fl = tu_rng_chance(&rng, 0.2) ? USCTP_SEND_UNORDERED : 0;
			int e = th_send_pr(&h, (uint16_t)tu_rng_below(&rng, 8), 1 + tu_rng_below(&rng, 3000),
					   fl, pol, val, now);
			assert_true(e == 0 || e == USCTP_ERR_WOULDBLOCK);
			queued += e == 0;
		}
		usctp_tx_pr_check(h.tx, now);
		/* transmit */
		/* mostly the primary path 0, sometimes path 1 */
		unsigned pi = tu_rng_chance(&rng, 0.2) ? 1 : 0;
		if (tu_rng_chance(&rng, 0.01))
			usctp_tx_reroute(h.tx, 1 - pi);
		for (int k = 0; k < 8; k++) {
			int n = th_fill(&h, pi, 1000 - tu_rng_below(&rng, 300), now);
			assert_true(n >= 0);
			if (n == 0)
				break;
			if (t3_at[pi] == USCTP_TIME_NEVER || h.t3)
				t3_at[pi] = now + h.paths[pi].rto;
			for (unsigned i = 0; i < h.n; i++)
				if (!lossy || !tu_rng_chance(&rng, 0.1))
					rcv_data(&r, h.d[i].tsn);
		}
		if (usctp_tx_fwd_tsn_due(h.tx)) {
			uint8_t buf[600];
			struct usctp_wbuf w;
			usctp_wbuf_init(&w, buf, sizeof(buf));
			assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
			assert_int_equal(usctp_tx_build_fwd_tsn(h.tx, &w), 1);
			struct usctp_chunk_iter it;
			struct usctp_chunk c;
			struct usctp_fwd_tsn_chunk fw;
			usctp_chunk_iter_init(&it, buf, w.len);
			assert_int_equal(usctp_chunk_next(&it, &c), 1);
			assert_int_equal(usctp_fwd_tsn_parse(&c, &fw), 0);
			if (!lossy || !tu_rng_chance(&rng, 0.2))
				rcv_fwd(&r, fw.new_cum_tsn);
		}
		check_invariants(&h);
		/* the receiver reneges now and then */
		if (lossy && tu_rng_chance(&rng, 0.02))
			for (unsigned i = 0; i < WIN; i++)
				if (tu_rng_chance(&rng, 0.3))
					r.got[i] = 0;
		/* SACK (sometimes lost) */
		if (!lossy || !tu_rng_chance(&rng, 0.1)) {
			unsigned ng = rcv_gaps(&r, g, 32);
			assert_true(th_sack(&h, r.cum, 100000, (const uint16_t(*)[2])g, ng, now, &res) >= 0);
			if (res.rtt_valid)
				usctp_path_rtt_update(&h.paths[res.rtt_path], res.rtt);
			for (unsigned i = 0; i < 2; i++) {
				bool keep = usctp_tx_has_outstanding(h.tx, i) ||
					    (i == 0 && usctp_tx_fwd_tsn_outstanding(h.tx));
				if (res.outstanding_paths & (1u << i))
					assert_true(usctp_tx_has_outstanding(h.tx, i));
				if (!keep)
					t3_at[i] = USCTP_TIME_NEVER;
				else if (t3_at[i] == USCTP_TIME_NEVER ||
					 (res.cum_advanced && (res.acked_paths & (1u << i))))
					t3_at[i] = now + h.paths[i].rto;
			}
			check_invariants(&h);
		}
		for (unsigned i = 0; i < 2; i++) {
			if (now < t3_at[i])
				continue;
			usctp_tx_on_t3(h.tx, i, &h.paths[i], now);
			usctp_path_backoff(&h.paths[i]);
			t3_at[i] = now + h.paths[i].rto;
			check_invariants(&h);
		}
		struct usctp_failed_msg f;
		while (usctp_tx_pop_failed(h.tx, &f) == 1) {
			failed++;
			usctp_msg_unref(f.msg);
		}
	}
	if (!usctp_tx_idle(h.tx))
		fprintf(stderr,
			"seed %llu: not idle, cum %u next %u queued %u cwnd %u flight %u rtx %u rwnd %u rto "
			"%llu rcum %u unsent %u qm %u\n",
			(unsigned long long)seed, usctp_tx_cum_acked(h.tx), usctp_tx_next_tsn(h.tx),
			usctp_tx_queued_bytes(h.tx), h.paths[0].cwnd, h.tx->flight[0], h.tx->num_rtx,
			h.tx->peer_rwnd, (unsigned long long)h.paths[0].rto, r.cum, h.tx->unsent,
			h.tx->queued_msgs);
	if (!usctp_tx_idle(h.tx)) {
		int k = 0;
		for (struct tx_chunk *c = h.tx->out_head; c && k < 8; c = c->next, k++)
			fprintf(stderr,
				"  tsn %u len %u inf %d rtx %d fast %d acked %d ab %d nsent %d miss %d "
				"frdone %d\n",
				c->tsn, c->len, c->in_flight, c->rtx, c->fast, c->acked, c->abandoned,
				c->nsent, c->miss, c->fr_done);
		fprintf(stderr, "in_fr %d bypass %d t3_at %llu now %llu\n", h.tx->in_fr, h.tx->fr_bypass,
			(unsigned long long)t3_at, (unsigned long long)now);
	}
	assert_true(usctp_tx_idle(h.tx));
	assert_int_equal(usctp_tx_queued_bytes(h.tx), 0);
	if (!pr)
		assert_int_equal(failed, 0);
	assert_true(failed <= queued);
	const struct usctp_tx_counters *c = usctp_tx_counters(h.tx);
	sum->fast_retransmits += c->fast_retransmits;
	sum->retransmits += c->retransmits;
	sum->abandoned += c->abandoned;
	sum->user_msgs_out += c->user_msgs_out;
	th_free(&h);
}

static void random_loss_renege_and_abandonment_keep_accounting_exact(void **state)
{
	uint64_t seed = tu_seed(12345);
	fprintf(stderr, "seed %llu (USCTP_SEED to replay)\n", (unsigned long long)seed);
	struct usctp_tx_counters sum = {0};
	for (uint64_t i = 0; i < 6; i++) {
		run(seed + i, false, &sum);
		run(seed + i, true, &sum);
	}
	fprintf(stderr, "msgs %llu rtx %llu fast %llu abandoned %llu\n",
		(unsigned long long)sum.user_msgs_out, (unsigned long long)sum.retransmits,
		(unsigned long long)sum.fast_retransmits, (unsigned long long)sum.abandoned);
	/* the run must have exercised the paths it claims to test */
	assert_true(sum.fast_retransmits > 0);
	assert_true(sum.retransmits > sum.fast_retransmits);
	assert_true(sum.abandoned > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(random_loss_renege_and_abandonment_keep_accounting_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
