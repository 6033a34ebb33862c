/*
 * Receive side under hostile input: random DATA (any flags, streams, SSNs,
 * TSNs), random FORWARD TSNs and random reads. Whatever the peer sends, the
 * accounting stays consistent, memory stays bounded, SACKs stay well formed,
 * and nothing crashes or leaks (run it under ASan).
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/rx.h"

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
				if (n > 0)
					assert_int_equal(usctp_rx_readable_bytes(rx), before - (uint32_t)n);
			} else {
				check_sack(rx, (unsigned)tu_rng_below(&rng, 100));
			}
			uint32_t held = usctp_rx_buffered(rx);
			assert_int_equal(usctp_rx_a_rwnd(rx), held >= rcvbuf ? 0 : rcvbuf - held);
			assert_true(usctp_rx_readable_bytes(rx) <= held);
			assert_true(held <= 4 * rcvbuf + 65535);
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
