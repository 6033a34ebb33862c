/* The received-TSN set: ranges, cumulative advance, duplicates, wraparound. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/rx_tsnmap.h"

/* Random insertions checked against a plain bitmap, near the 2^32 wrap. */
static void random_insertions_match_a_bitmap_across_wraparound(void **state)
{
	struct tu_rng rng;
	uint64_t seed = tu_seed(0x75a9);
	enum { W = 600 };
	static uint8_t seen[W + 1];

	fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
	tu_rng_seed(&rng, seed);
	for (int round = 0; round < 20; round++) {
		uint32_t base = 0xFFFFFF00u + (uint32_t)tu_rng_below(&rng, 0x200);
		struct usctp_tsnmap m;
		usctp_tsnmap_init(&m, base, 4096);
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < 400; i++) {
			uint32_t o = 1 + (uint32_t)tu_rng_below(&rng, W);
			uint32_t tsn = base + o;
			enum usctp_tsn_class c = usctp_tsnmap_classify(&m, tsn);
			bool expect_dup = seen[o] || usctp_tsn_le(tsn, m.cum);
			assert_int_equal(c, expect_dup ? USCTP_TSN_DUP : USCTP_TSN_NEW);
			if (c == USCTP_TSN_NEW)
				assert_int_equal(usctp_tsnmap_add(&m, tsn), 0);
			seen[o] = 1;
			/* cum is base + the length of the prefix of seen offsets */
			uint32_t k = 0;
			while (k < W && seen[k + 1])
				k++;
			assert_int_equal(m.cum, base + k);
			/* ranges are sorted, disjoint, non-adjacent, and exactly the seen set */
			uint32_t prev_end = m.cum;
			uint32_t count = 0;
			for (unsigned r = 0; r < m.n; r++) {
				assert_true(m.r[r].start - m.cum > prev_end - m.cum + 1);
				assert_true(m.r[r].end - m.cum >= m.r[r].start - m.cum);
				for (uint32_t t = m.r[r].start;; t++) {
					assert_true(seen[t - base]);
					count++;
					if (t == m.r[r].end)
						break;
				}
				prev_end = m.r[r].end;
			}
			uint32_t total = 0;
			for (uint32_t j = k + 1; j <= W; j++)
				total += seen[j];
			assert_int_equal(count, total);
		}
		usctp_tsnmap_free(&m);
	}
}

static void tsn_beyond_max_ahead_is_far(void **state)
{
	struct usctp_tsnmap m;
	usctp_tsnmap_init(&m, 0xFFFFFFF0u, 100);
	assert_int_equal(usctp_tsnmap_classify(&m, 0xFFFFFFF0u + 100), USCTP_TSN_NEW);
	assert_int_equal(usctp_tsnmap_classify(&m, 0xFFFFFFF0u + 101), USCTP_TSN_FAR);
	assert_int_equal(usctp_tsnmap_classify(&m, 0xFFFFFFF0u), USCTP_TSN_DUP);
	assert_int_equal(usctp_tsnmap_classify(&m, 0x7FFFFFF0u), USCTP_TSN_DUP); /* far behind */
	usctp_tsnmap_free(&m);
}

static void forward_moves_cum_and_absorbs_touching_ranges(void **state)
{
	struct usctp_tsnmap m;
	/* RFC 3758 3.6 example: 102 cum, 104-105 and 107 received, forward to 103 */
	usctp_tsnmap_init(&m, 102, 1000);
	assert_int_equal(usctp_tsnmap_add(&m, 104), 0);
	assert_int_equal(usctp_tsnmap_add(&m, 105), 0);
	assert_int_equal(usctp_tsnmap_add(&m, 107), 0);
	usctp_tsnmap_forward(&m, 103);
	assert_int_equal(m.cum, 105);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.r[0].start, 107);
	/* forward into the middle of a range */
	assert_int_equal(usctp_tsnmap_add(&m, 108), 0);
	usctp_tsnmap_forward(&m, 107);
	assert_int_equal(m.cum, 108);
	assert_int_equal(m.n, 0);
	usctp_tsnmap_free(&m);
}

static void range_count_is_bounded(void **state)
{
	struct usctp_tsnmap m;
	usctp_tsnmap_init(&m, 0, 65535);
	unsigned i;
	int rc = 0;
	for (i = 0; i < USCTP_TSNMAP_MAX_RANGES + 10 && rc == 0; i++)
		rc = usctp_tsnmap_add(&m, 2 + 2 * i);
	assert_int_equal(rc, USCTP_ERR_NOMEM);
	assert_int_equal(m.n, USCTP_TSNMAP_MAX_RANGES);
	/* a TSN that merges into an existing range is still accepted */
	assert_int_equal(usctp_tsnmap_add(&m, 3), 0);
	usctp_tsnmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(random_insertions_match_a_bitmap_across_wraparound),
	    cmocka_unit_test(tsn_beyond_max_ahead_is_far),
	    cmocka_unit_test(forward_moves_cum_and_absorbs_touching_ranges),
	    cmocka_unit_test(range_count_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
