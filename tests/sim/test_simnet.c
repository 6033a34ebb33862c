/*
 * The simulator's own tests: the links do what their impairments say, the
 * clock only moves forward, and a run is determined by its seed. No
 * association is involved: a recording hook replaces delivery.
 */
#include "lib_simapp.h"
#include "lib_simnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXREC 20000

struct rec {
	size_t n;
	uint64_t t[MAXREC];
	uint32_t id[MAXREC];
	int node[MAXREC];
	bool corrupted[MAXREC];
	size_t len[MAXREC];
	uint8_t first[MAXREC][64];
};

static void record(struct sim *s, int node, const uint8_t *pkt, size_t len, bool corrupted, void *ctx)
{
	struct rec *r = ctx;
	assert_true(r->n < MAXREC);
	r->t[r->n] = s->now;
	r->id[r->n] = usctp_get32(pkt);
	r->node[r->n] = node;
	r->corrupted[r->n] = corrupted;
	r->len[r->n] = len;
	memcpy(r->first[r->n], pkt, len < 64 ? len : 64);
	r->n++;
}

static struct rec *setup(struct sim *s, uint64_t seed)
{
	struct rec *r = calloc(1, sizeof *r);
	assert_non_null(r);
	sim_init(s, seed);
	memset(s->link, 0, sizeof s->link);
	s->deliver = record;
	s->deliver_ctx = r;
	return r;
}

/* A 64-byte "packet" whose first word is its id and whose CRC32c is valid. */
static void make_pkt(uint8_t *p, uint32_t id)
{
	memset(p, 0, 64);
	usctp_put32(p, id);
	for (int i = 4; i < 64; i++)
		p[i] = (uint8_t)(id * 7 + (uint32_t)i);
	usctp_put32(p + 8, 0);
	usctp_pkt_set_checksum(p, 64);
}

static void send_n(struct sim *s, int from, uint32_t n, uint32_t first_id)
{
	uint8_t p[64];
	for (uint32_t i = 0; i < n; i++) {
		make_pkt(p, first_id + i);
		sim_link_send(s, from, p, sizeof p);
	}
}

static void clean_link_delivers_everything_in_order_after_the_delay(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 1);
	s.link[0].delay_ns = 25 * SIM_NS_PER_MS;
	send_n(&s, 0, 100, 0);
	assert_int_equal(sim_run(&s, NULL, NULL), 1);
	assert_int_equal(r->n, 100);
	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(r->id[i], i);
		assert_int_equal(r->node[i], 1);
		assert_int_equal(r->t[i], 25 * SIM_NS_PER_MS);
		assert_false(r->corrupted[i]);
	}
	sim_free(&s);
	free(r);
}

static void clock_never_goes_back_and_jitter_stays_in_bounds(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 2);
	s.link[1].delay_ns = 10 * SIM_NS_PER_MS;
	s.link[1].jitter_ns = 5 * SIM_NS_PER_MS;
	send_n(&s, 1, 2000, 0);
	assert_int_equal(sim_run(&s, NULL, NULL), 1);
	assert_int_equal(r->n, 2000);
	bool out_of_order = false;
	for (size_t i = 0; i < r->n; i++) {
		assert_true(r->t[i] >= 10 * SIM_NS_PER_MS && r->t[i] <= 15 * SIM_NS_PER_MS);
		assert_int_equal(r->node[i], 0);
		if (i) {
			assert_true(r->t[i] >= r->t[i - 1]);
			out_of_order |= r->id[i] < r->id[i - 1];
		}
	}
	assert_true(out_of_order); /* jitter reorders */
	sim_free(&s);
	free(r);
}

static void loss_rate_matches_its_probability(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 3);
	s.link[0].loss = 0.2;
	send_n(&s, 0, 10000, 0);
	sim_run(&s, NULL, NULL);
	/* 8000 expected, sd = 40: 8 sd either way. */
	assert_in_range(r->n, 7680, 8320);
	assert_int_equal(s.lstats[0].lost + r->n, 10000);
	sim_free(&s);
	free(r);
}

static void duplicates_are_identical_copies(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 4);
	s.link[0].dup = 0.1;
	send_n(&s, 0, 5000, 0);
	sim_run(&s, NULL, NULL);
	assert_int_equal(r->n, 5000 + s.lstats[0].duplicated);
	assert_in_range(s.lstats[0].duplicated, 380, 620);
	unsigned *seen = calloc(5000, sizeof *seen);
	assert_non_null(seen);
	for (size_t i = 0; i < r->n; i++) {
		uint8_t want[64];
		make_pkt(want, r->id[i]);
		assert_memory_equal(r->first[i], want, 64);
		seen[r->id[i]]++;
	}
	for (int i = 0; i < 5000; i++)
		assert_in_range(seen[i], 1, 2);
	free(seen);
	sim_free(&s);
	free(r);
}

static void reordering_holds_back_some_packets(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 5);
	s.link[0].reorder = 0.2;
	s.link[0].reorder_max_ns = 50 * SIM_NS_PER_MS;
	uint8_t p[64];
	for (uint32_t i = 0; i < 1000; i++) {
		make_pkt(p, i);
		sim_link_send(&s, 0, p, sizeof p);
		s.now += SIM_NS_PER_MS; /* one packet per ms */
	}
	s.now = 0;
	sim_run(&s, NULL, NULL);
	assert_int_equal(r->n, 1000);
	unsigned inversions = 0;
	for (size_t i = 1; i < r->n; i++)
		inversions += r->id[i] < r->id[i - 1];
	assert_true(inversions > 50);
	sim_free(&s);
	free(r);
}

static void corruption_flips_bits_that_the_checksum_catches(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 6);
	s.link[0].corrupt = 0.3;
	send_n(&s, 0, 3000, 0);
	sim_run(&s, NULL, NULL);
	assert_int_equal(r->n, 3000);
	unsigned corrupted = 0;
	for (size_t i = 0; i < r->n; i++) {
		int crc_ok = usctp_pkt_verify_checksum(r->first[i], r->len[i]) == 0;
		if (r->corrupted[i]) {
			corrupted++;
			assert_false(crc_ok);
		} else {
			assert_true(crc_ok);
		}
	}
	assert_int_equal(corrupted, s.lstats[0].corrupted);
	assert_in_range(corrupted, 780, 1020);
	sim_free(&s);
	free(r);
}

static void bandwidth_serializes_and_tail_drops(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 7);
	s.link[0].delay_ns = 0;
	s.link[0].bw_bps = 512000;   /* 64 bytes take 1 ms */
	s.link[0].queue_bytes = 640; /* ten packets */
	send_n(&s, 0, 30, 0);
	sim_run(&s, NULL, NULL);
	assert_int_equal(r->n, 10);
	assert_int_equal(s.lstats[0].tail_dropped, 20);
	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(r->id[i], i);
		assert_int_equal(r->t[i], (i + 1) * SIM_NS_PER_MS);
	}
	/* Once drained, the queue takes packets again. */
	send_n(&s, 0, 1, 100);
	sim_run(&s, NULL, NULL);
	assert_int_equal(r->n, 11);
	assert_int_equal(r->t[10], s.now);
	sim_free(&s);
	free(r);
}

static void blackhole_drops_everything_in_its_window(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 8);
	s.link[0].blackhole_start_ns = 100 * SIM_NS_PER_MS;
	s.link[0].blackhole_end_ns = 200 * SIM_NS_PER_MS;
	uint8_t p[64];
	for (uint32_t i = 0; i < 300; i++) {
		s.now = i * SIM_NS_PER_MS;
		make_pkt(p, i);
		sim_link_send(&s, 0, p, sizeof p);
		sim_link_send(&s, 1, p, sizeof p); /* the other direction is open */
	}
	s.now = 0;
	sim_run(&s, NULL, NULL);
	unsigned to1 = 0, to0 = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->node[i] == 1) {
			to1++;
			assert_true(r->id[i] < 100 || r->id[i] >= 200);
		} else {
			to0++;
		}
	}
	assert_int_equal(to1, 200);
	assert_int_equal(to0, 300);
	assert_int_equal(s.lstats[0].blackholed, 100);
	sim_free(&s);
	free(r);
}

static uint64_t impaired_trace(uint64_t seed)
{
	struct sim s;
	struct rec *r = setup(&s, seed);
	sim_apply_profile(&s, SIM_MIXED);
	send_n(&s, 0, 500, 0);
	send_n(&s, 1, 500, 1000);
	sim_run(&s, NULL, NULL);
	uint64_t h = s.trace_hash;
	sim_free(&s);
	free(r);
	return h;
}

static void same_seed_gives_the_same_trace(void **state)
{
	assert_int_equal(impaired_trace(42), impaired_trace(42));
	assert_int_not_equal(impaired_trace(42), impaired_trace(43));
}

static void step_limit_stops_the_loop(void **state)
{
	struct sim s;
	struct rec *r = setup(&s, 9);
	send_n(&s, 0, 10, 0);
	s.max_steps = 3;
	assert_int_equal(sim_run(&s, NULL, NULL), -1);
	assert_int_equal(r->n, 3);
	sim_free(&s); /* frees the 7 packets still in flight */
	free(r);
}

/* The harness itself: with checksum verification off, corrupted packets get
 * in, and the corruption detector must say so (else its zero means nothing). */
static void corruption_detector_notices_unverified_checksums(void **state)
{
	struct simapp_scenario sc = {
	    .profile = SIM_CORRUPT, .msgs = {100, 50}, .no_checksum = true, .quiet = true};
	uint64_t accepted = 0;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct simapp_result r;
		bool ok = simapp_run(seed, &sc, &r);
		accepted += r.corrupt_accepted;
		assert_false(ok && r.corrupt_accepted);
	}
	assert_true(accepted > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(clean_link_delivers_everything_in_order_after_the_delay),
	    cmocka_unit_test(clock_never_goes_back_and_jitter_stays_in_bounds),
	    cmocka_unit_test(loss_rate_matches_its_probability),
	    cmocka_unit_test(duplicates_are_identical_copies),
	    cmocka_unit_test(reordering_holds_back_some_packets),
	    cmocka_unit_test(corruption_flips_bits_that_the_checksum_catches),
	    cmocka_unit_test(bandwidth_serializes_and_tail_drops),
	    cmocka_unit_test(blackhole_drops_everything_in_its_window),
	    cmocka_unit_test(same_seed_gives_the_same_trace),
	    cmocka_unit_test(step_limit_stops_the_loop),
	    cmocka_unit_test(corruption_detector_notices_unverified_checksums),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
