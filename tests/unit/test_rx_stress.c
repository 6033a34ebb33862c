/*
 * Receive side under hostile input: random DATA (any flags, streams, SSNs,
 * TSNs), random FORWARD TSNs and random reads. Whatever the peer sends, the
 * accounting stays consistent, memory stays bounded, SACKs stay well formed,
 * and nothing crashes or leaks (run it under ASan).
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/rx_internal.h"

/*
 * Recount from scratch what the receiver keeps incrementally: bytes ready,
 * per stream, and what the interleave rules let the user read; and check
 * the rules themselves (at most one partly read message per stream, and at
 * levels 0/1 at most one in all).
 */
static void check_counts(const struct usctp_rx *rx, int level)
{
	uint64_t readable = 0, begun = 0, blocked = 0;
	unsigned nbegun = 0;

	for (const struct usctp_rx_msg *m = rx->ready_head; m; m = m->next)
		readable += m->avail;
	assert_true(readable == rx->readable);
	for (unsigned i = 0; i < rx->nstreams; i++) {
		const struct usctp_rx_stream *s = &rx->streams[i];
		uint64_t mine = 0;
		for (const struct usctp_rx_msg *m = rx->ready_head; m; m = m->next)
			if (m->sid == i)
				mine += m->avail;
		assert_true(mine == s->ready_bytes);
		if (s->rd) {
			nbegun++;
			begun += s->rd->avail;
			blocked += mine - s->rd->avail;
		}
	}
	assert_int_equal(nbegun, rx->nbegun);
	assert_true(begun == rx->begun_avail);
	assert_true(blocked == rx->blocked);
	if (level < 2)
		assert_true(nbegun <= 1);
	uint64_t may = level < 2 && nbegun ? begun : readable - blocked;
	assert_int_equal(usctp_rx_readable_bytes(rx), may > UINT32_MAX ? UINT32_MAX : may);
}

static void check_sack(struct usctp_rx *rx, unsigned slots)
{
	uint8_t buf[512];
	struct usctp_wbuf w;
	struct usctp_sack_chunk s;

	usctp_wbuf_init(&w, buf, 16 + (size_t)slots * 4 + 3);
	assert_true(usctp_rx_build_sack(rx, &w) >= 0);
	struct usctp_chunk c = {.type = buf[0],
				.flags = buf[1],
				.length = (uint16_t)(buf[2] << 8 | buf[3]),
				.raw = buf,
				.value = buf + 4,
				.value_len = (size_t)(buf[2] << 8 | buf[3]) - 4};
	assert_int_equal(c.type, USCTP_CHUNK_SACK);
	assert_int_equal(c.length, w.len);
	assert_int_equal(usctp_sack_parse(&c, &s), 0);
	assert_int_equal(s.cum_tsn, usctp_rx_cum_tsn(rx));
	assert_int_equal(s.a_rwnd, usctp_rx_a_rwnd(rx));
	uint32_t prev_end = 0;
	for (unsigned i = 0; i < s.num_gaps; i++) {
		struct usctp_gap_block g = usctp_sack_gap(&s, i);
		assert_true(g.start >= prev_end + 2); /* ascending, not adjacent, above cum + 1 */
		assert_true(g.end >= g.start);
		prev_end = g.end;
	}
	assert_false(usctp_rx_has_dups(rx));
}

static void hostile_input_keeps_the_receiver_consistent_and_bounded(void **state)
{
	uint64_t seed = tu_seed(0xbad5eed);
	struct tu_rng rng;
	static uint8_t payload[6000], out[8000];

	fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
	tu_rng_seed(&rng, seed);
	tu_rng_fill(&rng, payload, sizeof(payload));
	for (int round = 0; round < 30; round++) {
		uint32_t rcvbuf = 2000 + (uint32_t)tu_rng_below(&rng, 30000);
		uint16_t nstreams = (uint16_t)(1 + tu_rng_below(&rng, 4));
		uint32_t itsn = round % 2 ? (uint32_t)tu_rng_next(&rng) : 0xfffffff0u;
		struct usctp_rx *rx =
		    usctp_rx_new(itsn, nstreams, rcvbuf, (uint32_t)tu_rng_below(&rng, rcvbuf));
		assert_non_null(rx);
		int level = round % 3;
		uint32_t max_reasm = round % 4 == 3 ? 1 + (uint32_t)tu_rng_below(&rng, rcvbuf) : 0;
		assert_int_equal(usctp_rx_set_frag_interleave(rx, level), 0);
		usctp_rx_set_max_reasm(rx, max_reasm);
		if (max_reasm == 0)
			max_reasm = rcvbuf;
		/* what the user has been given: no piece of another message of
		 * the same stream, or at level < 2 of any other, mid-message */
		bool mid[4] = {false};
		uint16_t mid_ssn[4] = {0};
		bool mid_u[4] = {false};
		int nmid = 0;
		for (int op = 0; op < 3000; op++) {
			uint32_t cum = usctp_rx_cum_tsn(rx);
			unsigned kind = (unsigned)tu_rng_below(&rng, 100);
			if (kind < 70) {
				struct usctp_data_chunk d;
				d.tsn = tu_rng_chance(&rng, 0.01)
					    ? (uint32_t)tu_rng_next(&rng)
					    : cum - 5 + (uint32_t)tu_rng_below(&rng, 40);
				d.sid = (uint16_t)tu_rng_below(&rng, nstreams + 1u);
				d.ssn = (uint16_t)tu_rng_below(&rng, 6);
				d.flags = (uint8_t)tu_rng_below(&rng, 8);
				d.ppid = 0;
				d.payload_len =
				    1 + (size_t)tu_rng_below(&rng, tu_rng_chance(&rng, 0.1) ? 6000 : 1400);
				d.payload = payload;
				int r = usctp_rx_data(rx, &d);
				assert_true(r >= USCTP_RX_NEW && r <= USCTP_RX_BAD_STREAM);
			} else if (kind < 75) {
				uint8_t streams[16];
				tu_rng_fill(&rng, streams, sizeof(streams));
				for (unsigned i = 0; i < 4; i++) {
					streams[4 * i] = 0;
					streams[4 * i + 1] %= (uint8_t)(nstreams + 1);
					streams[4 * i + 2] = 0;
					streams[4 * i + 3] %= 8;
				}
				struct usctp_fwd_tsn_chunk f = {
				    .new_cum_tsn = cum - 3 + (uint32_t)tu_rng_below(&rng, 25),
				    .num_streams = (unsigned)tu_rng_below(&rng, 5),
				    .streams = streams};
				uint16_t sid;
				uint32_t ssn;
				int r = usctp_rx_forward_tsn(rx, &f, &sid, &ssn);
				assert_true(r == 0 || r == 1);
				for (unsigned i = 0; i < nstreams; i++) { /* aborted: the user moves on */
					if (mid[i] && !rx->streams[i].rd) {
						assert_int_equal(r, 1);
						mid[i] = false;
						nmid--;
					}
				}
			} else if (kind < 95) {
				bool eor;
				struct usctp_rcvinfo info;
				uint32_t before = usctp_rx_readable_bytes(rx);
				int64_t n = usctp_rx_read(
				    rx, out, 1 + (size_t)tu_rng_below(&rng, sizeof(out)), &info, &eor);
				if (before == 0)
					assert_int_equal(n, USCTP_ERR_WOULDBLOCK);
				else
					assert_true(n > 0 && (uint32_t)n <= before);
				if (n > 0) {
					unsigned sid = info.sid;
					bool u = info.flags & USCTP_SEND_UNORDERED;
					if (mid[sid])
						assert_true(mid_ssn[sid] == info.ssn && mid_u[sid] == u);
					else if (level < 2)
						assert_int_equal(nmid, 0);
					if (!mid[sid] && !eor) {
						mid[sid] = true;
						mid_ssn[sid] = info.ssn;
						mid_u[sid] = u;
						nmid++;
					} else if (mid[sid] && eor) {
						mid[sid] = false;
						nmid--;
					}
				}
			} else {
				check_sack(rx, (unsigned)tu_rng_below(&rng, 100));
			}
			uint32_t held = usctp_rx_buffered(rx);
			uint32_t reasm = (uint32_t)(rx->held - rx->readable);
			uint32_t w1 = held >= rcvbuf ? 0 : rcvbuf - held;
			uint32_t w2 = reasm >= max_reasm ? 0 : max_reasm - reasm;
			assert_int_equal(usctp_rx_a_rwnd(rx), w1 < w2 ? w1 : w2);
			assert_true(usctp_rx_readable_bytes(rx) <= held);
			assert_true(held <= 5 * rcvbuf + 65535);
			check_counts(rx, level);
		}
		usctp_rx_del(rx); /* with whatever is still buffered */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hostile_input_keeps_the_receiver_consistent_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
