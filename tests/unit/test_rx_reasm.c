/* Receive side: reassembly, per-stream ordering, unordered, partial delivery. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rx.h"

#define B USCTP_DATA_FLAG_B
#define E USCTP_DATA_FLAG_E
#define U USCTP_DATA_FLAG_U
#define BE (B | E)

static int put(struct usctp_rx *rx, uint32_t tsn, uint16_t sid, uint16_t ssn, uint8_t flags, size_t len,
	       uint8_t fill)
{
	static uint8_t buf[65536];
	struct usctp_data_chunk d = {.flags = flags,
				     .tsn = tsn,
				     .sid = sid,
				     .ssn = ssn,
				     .ppid = sid,
				     .payload = buf,
				     .payload_len = len};
	memset(buf, fill, len);
	return usctp_rx_data(rx, &d);
}

/* ---- a randomized workload: messages cut into chunks, shuffled ---- */

#define MAX_MSGS 40
#define MAX_CHUNKS 200

struct wl_msg {
	uint16_t sid, ssn;
	bool unordered;
	uint32_t len, tsn;
	uint8_t *data;
	uint32_t got; /* bytes received so far */
	bool done;
};
struct wl_chunk {
	struct usctp_data_chunk d;
};
struct workload {
	struct wl_msg m[MAX_MSGS];
	unsigned nm;
	struct wl_chunk c[MAX_CHUNKS];
	unsigned nc;
};

static void wl_make(struct workload *w, struct tu_rng *rng, uint32_t tsn0, unsigned nstreams, double p_unord)
{
	uint16_t ssn[8] = {0};
	memset(w, 0, sizeof(*w));
	uint32_t tsn = tsn0;
	while (w->nm < MAX_MSGS) {
		unsigned k = 1 + (unsigned)tu_rng_below(rng, 6);
		if (w->nc + k > MAX_CHUNKS)
			break;
		struct wl_msg *m = &w->m[w->nm++];
		m->sid = (uint16_t)tu_rng_below(rng, nstreams);
		m->unordered = tu_rng_chance(rng, p_unord);
		m->ssn = m->unordered ? 0 : ssn[m->sid]++;
		m->tsn = tsn;
		uint32_t sizes[6], total = 0;
		for (unsigned i = 0; i < k; i++)
			total += sizes[i] = 1 + (uint32_t)tu_rng_below(rng, 1400);
		m->len = total;
		m->data = malloc(total);
		tu_rng_fill(rng, m->data, total);
		for (unsigned i = 0, off = 0; i < k; off += sizes[i], i++) {
			struct usctp_data_chunk *d = &w->c[w->nc++].d;
			d->tsn = tsn++;
			d->sid = m->sid;
			d->ssn = m->ssn;
			d->ppid = 1000 + (uint32_t)(m - w->m);
			d->flags =
			    (uint8_t)((i == 0 ? B : 0) | (i == k - 1 ? E : 0) | (m->unordered ? U : 0));
			d->payload = m->data + off;
			d->payload_len = sizes[i];
		}
	}
}

static void wl_free(struct workload *w)
{
	for (unsigned i = 0; i < w->nm; i++)
		free(w->m[i].data);
}

static void wl_shuffle(struct workload *w, struct tu_rng *rng)
{
	for (unsigned i = w->nc; i > 1; i--) {
		unsigned j = (unsigned)tu_rng_below(rng, i);
		struct wl_chunk t = w->c[i - 1];
		w->c[i - 1] = w->c[j];
		w->c[j] = t;
	}
}

/* Read everything readable with reads of random size; check bytes, order, eor. */
static void wl_drain(struct usctp_rx *rx, struct workload *w, struct tu_rng *rng, uint16_t *next_ssn)
{
	static uint8_t buf[10000];
	struct usctp_rcvinfo info;
	bool eor;

	for (int guard = 0; guard < 100000; guard++) {
		size_t cap = 1 + (size_t)tu_rng_below(rng, 3000);
		int64_t n = usctp_rx_read(rx, buf, cap, &info, &eor);
		if (n == USCTP_ERR_WOULDBLOCK)
			return;
		assert_true(n > 0);
		assert_true(info.ppid >= 1000 && info.ppid < 1000 + w->nm);
		struct wl_msg *m = &w->m[info.ppid - 1000];
		assert_false(m->done);
		assert_int_equal(info.sid, m->sid);
		assert_int_equal(info.tsn, m->tsn);
		assert_int_equal(info.flags, m->unordered ? USCTP_SEND_UNORDERED : 0);
		if (!m->unordered && m->got == 0) {
			assert_int_equal(info.ssn, next_ssn[m->sid]); /* in SSN order */
			next_ssn[m->sid]++;
		}
		assert_true(m->got + n <= m->len);
		assert_memory_equal(buf, m->data + m->got, (size_t)n);
		m->got += (uint32_t)n;
		assert_int_equal(eor, m->got == m->len);
		m->done = eor;
	}
	fail_msg("reader did not stop");
}

static void fragments_reassemble_in_any_arrival_order_across_interleaved_streams(void **state)
{
	uint64_t seed = tu_seed(0x5eed);
	struct tu_rng rng;
	static struct workload w;

	fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
	tu_rng_seed(&rng, seed);
	for (int round = 0; round < 60; round++) {
		uint32_t tsn0 = round % 3 == 0 ? 0xffffff80u + (uint32_t)tu_rng_below(&rng, 200)
					       : (uint32_t)tu_rng_next(&rng);
		uint16_t next_ssn[8] = {0};
		wl_make(&w, &rng, tsn0, 1 + round % 4, round % 3 == 2 ? 1.0 : round % 2 ? 0.3 : 0.0);
		wl_shuffle(&w, &rng);
		/* big enough that nothing is dropped or partially delivered */
		struct usctp_rx *rx = usctp_rx_new(tsn0, 4, 1 << 22, 0);
		for (unsigned i = 0; i < w.nc; i++) {
			assert_int_equal(usctp_rx_data(rx, &w.c[i].d), USCTP_RX_NEW);
			if (round % 2)
				wl_drain(rx, &w, &rng, next_ssn);
		}
		wl_drain(rx, &w, &rng, next_ssn);
		for (unsigned i = 0; i < w.nm; i++)
			assert_true(w.m[i].done);
		assert_int_equal(usctp_rx_cum_tsn(rx), tsn0 + w.nc - 1);
		assert_int_equal(usctp_rx_buffered(rx), 0);
		usctp_rx_del(rx);
		wl_free(&w);
	}
}

/* Small buffers: chunks get dropped and retransmitted, partial delivery kicks
 * in, and everything still arrives intact and in order. */
static void shuffled_delivery_with_drops_and_small_buffer_completes(void **state)
{
	uint64_t seed = tu_seed(0xd409);
	struct tu_rng rng;
	static struct workload w;

	fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
	tu_rng_seed(&rng, seed);
	for (int round = 0; round < 40; round++) {
		uint32_t tsn0 = (uint32_t)tu_rng_next(&rng);
		uint16_t next_ssn[8] = {0};
		wl_make(&w, &rng, tsn0, 1 + round % 3, round % 3 == 2 ? 1.0 : round % 2 ? 0.3 : 0.0);
		struct usctp_rx *rx = usctp_rx_new(tsn0, 4, 3000 + (uint32_t)tu_rng_below(&rng, 6000), 0);
		/* a sender's window: chunks within 12 of the cum are sent, shuffled */
		bool acked[MAX_CHUNKS] = {0};
		unsigned done = 0;
		for (int guard = 0; done < w.nc && guard < 200000; guard++) {
			uint32_t cum = usctp_rx_cum_tsn(rx);
			unsigned lo = cum + 1 - tsn0;
			unsigned i = lo + (unsigned)tu_rng_below(&rng, 12);
			/* like a real sender, keep what is outstanding within the window
			 * (the lowest chunk always goes: a retransmission or a probe) */
			size_t outstanding = 0;
			for (unsigned j = lo; j <= i && j < w.nc; j++)
				outstanding += w.c[j].d.payload_len;
			if (i > lo && outstanding > usctp_rx_a_rwnd(rx))
				i = lo;
			if (i < w.nc && !acked[i]) {
				int r = usctp_rx_data(rx, &w.c[i].d);
				assert_true(r == USCTP_RX_NEW || r == USCTP_RX_DROPPED);
				if (r == USCTP_RX_NEW) {
					acked[i] = true;
					done++;
				}
			}
			if (tu_rng_chance(&rng, 0.3))
				wl_drain(rx, &w, &rng, next_ssn);
		}
		if (done != w.nc) {
			fprintf(stderr, "round %d stalled at cum %u (tsn0 %u), buffered %u readable %u\n",
				round, usctp_rx_cum_tsn(rx), tsn0, usctp_rx_buffered(rx),
				usctp_rx_readable_bytes(rx));
			for (unsigned i = 0; i < w.nc; i++)
				fprintf(stderr, " %u:%s%u/%u/%x/%zu", i, acked[i] ? "+" : "-", w.c[i].d.sid,
					w.c[i].d.ssn, w.c[i].d.flags, w.c[i].d.payload_len);
			fprintf(stderr, "\n");
		}
		assert_int_equal(done, w.nc);
		wl_drain(rx, &w, &rng, next_ssn);
		for (unsigned i = 0; i < w.nm; i++)
			assert_true(w.m[i].done);
		assert_int_equal(usctp_rx_buffered(rx), 0);
		usctp_rx_del(rx);
		wl_free(&w);
	}
}

static void ordered_stream_holds_ssn_1_until_ssn_0_arrives_while_another_stream_flows(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 65536, 0);
	uint8_t out[100];
	struct usctp_rcvinfo info;
	bool eor;

	assert_int_equal(put(rx, 2, 0, 1, BE, 10, 0x01), USCTP_RX_NEW); /* SSN 1 before SSN 0 */
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(put(rx, 3, 1, 0, BE, 10, 0x10), USCTP_RX_NEW); /* other stream */
	assert_int_equal(usctp_rx_readable_bytes(rx), 10);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.sid, 1);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(put(rx, 1, 0, 0, BE, 10, 0x00), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 0);
	assert_int_equal(out[0], 0x00);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 1);
	assert_int_equal(out[0], 0x01);
	usctp_rx_del(rx);
}

static void unordered_message_is_delivered_immediately(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 65536, 0);
	uint8_t out[100];
	struct usctp_rcvinfo info;
	bool eor;

	/* ordered SSN 0 is missing (TSN 1); an unordered one and a fragmented
	 * unordered one get through */
	assert_int_equal(put(rx, 2, 0, 1, BE, 10, 0x01), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 0, 0, U | BE, 7, 0x55), USCTP_RX_NEW);
	assert_int_equal(put(rx, 5, 0, 0, U | E, 5, 0x77), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 7);
	assert_true(eor);
	assert_int_equal(info.flags, USCTP_SEND_UNORDERED);
	assert_int_equal(info.tsn, 3);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(put(rx, 4, 0, 0, U | B, 5, 0x66), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_true(eor);
	assert_int_equal(info.tsn, 4);
	assert_int_equal(out[0], 0x66);
	assert_int_equal(out[9], 0x77);
	assert_false(usctp_rx_readable(rx));
	usctp_rx_del(rx);
}

/* A message four times the receive buffer: partial delivery lets the reader
 * drain it while it arrives, so the window reopens and nothing stalls. */
static void partial_delivery_of_a_message_bigger_than_rcvbuf_completes(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 4000, 0); /* pd_point 2000 */
	enum { FRAGS = 16, FL = 1000 };
	static uint8_t msg[FRAGS * FL], got[FRAGS * FL];
	struct usctp_rcvinfo info;
	bool eor = false;
	size_t n = 0;
	unsigned next = 0;
	struct tu_rng rng;

	tu_rng_seed(&rng, tu_seed(3));
	tu_rng_fill(&rng, msg, sizeof(msg));
	for (int guard = 0; guard < 1000 && !eor; guard++) {
		if (next < FRAGS) {
			struct usctp_data_chunk d = {
			    .flags = (uint8_t)((next == 0 ? B : 0) | (next == FRAGS - 1 ? E : 0)),
			    .tsn = 1 + next,
			    .sid = 0,
			    .ssn = 0,
			    .payload = msg + next * FL,
			    .payload_len = FL};
			int r = usctp_rx_data(rx, &d);
			assert_true(r == USCTP_RX_NEW || r == USCTP_RX_DROPPED);
			if (r == USCTP_RX_NEW)
				next++;
			/* the next message on the same stream waits behind it; another stream does not */
			if (next == 3 && r == USCTP_RX_NEW) {
				assert_int_equal(put(rx, 100, 0, 1, BE, 1, 0xab), USCTP_RX_NEW);
				assert_int_equal(put(rx, 101, 1, 0, BE, 1, 0xcd), USCTP_RX_NEW);
			}
			if (r == USCTP_RX_NEW)
				continue;
			/* the window is closed: read to reopen it */
		}
		int64_t r = usctp_rx_read(rx, got + n, 700, &info, &eor);
		if (r == USCTP_ERR_WOULDBLOCK)
			continue;
		assert_true(r >= 0);
		if (info.sid == 1) { /* the other stream's message, interleaved */
			assert_true(eor);
			eor = false;
			continue;
		}
		assert_int_equal(info.ssn, 0);
		n += (size_t)r;
		assert_int_equal(eor, n == sizeof(msg));
	}
	assert_true(eor);
	assert_int_equal(n, sizeof(msg));
	assert_memory_equal(got, msg, sizeof(msg));
	/* what is left: SSN 1 of stream 0, and stream 1's message unless read already */
	uint8_t out[10];
	bool seen_ssn1 = false;
	for (int i = 0; i < 2 && !seen_ssn1; i++) {
		assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 1);
		seen_ssn1 = info.sid == 0 && info.ssn == 1;
	}
	assert_true(seen_ssn1);
	assert_false(usctp_rx_readable(rx));
	usctp_rx_del(rx);
}

/* Feed a message of n fragments of fl bytes in order, reading whenever a chunk
 * is refused; the whole message must come out intact, eor on the last byte. */
static void stream_big_message(struct usctp_rx *rx, unsigned n, size_t fl, uint8_t uflag)
{
	static uint8_t msg[1 << 20], got[1 << 20];
	struct tu_rng rng;
	bool eor = false;
	size_t have = 0;
	unsigned next = 0;

	assert_true(n * fl <= sizeof(msg));
	tu_rng_seed(&rng, n);
	tu_rng_fill(&rng, msg, n * fl);
	for (unsigned guard = 0; guard < 20 * n && !eor; guard++) {
		if (next < n) {
			struct usctp_data_chunk d = {
			    .flags = (uint8_t)(uflag | (next == 0 ? B : 0) | (next == n - 1 ? E : 0)),
			    .tsn = 1 + next,
			    .payload = msg + next * fl,
			    .payload_len = fl};
			int r = usctp_rx_data(rx, &d);
			assert_true(r == USCTP_RX_NEW || r == USCTP_RX_DROPPED);
			if (r == USCTP_RX_NEW) {
				next++;
				continue;
			}
		}
		int64_t r = usctp_rx_read(rx, got + have, sizeof(got) - have, NULL, &eor);
		assert_true(r > 0); /* refused only when there is something to read */
		have += (size_t)r;
	}
	assert_true(eor);
	assert_int_equal(have, n * fl);
	assert_memory_equal(got, msg, n * fl);
	assert_int_equal(usctp_rx_buffered(rx), 0);
}

static void partial_delivery_at_a_pd_point_of_rcvbuf_does_not_stall(void **state)
{
	/* 1500-byte fragments never add up to exactly 4000: the window must
	 * take one that overshoots, or the message could never become readable */
	struct usctp_rx *rx = usctp_rx_new(1, 1, 4000, 1000000);
	stream_big_message(rx, 40, 1500, 0);
	usctp_rx_del(rx);
}

static void message_of_many_tiny_fragments_does_not_stall(void **state)
{
	/* memory (not the window) runs out first: partial delivery starts early */
	struct usctp_rx *rx = usctp_rx_new(1, 1, 4000, 0);
	stream_big_message(rx, 3000, 1, 0);
	usctp_rx_del(rx);
	rx = usctp_rx_new(1, 1, 4000, 0);
	stream_big_message(rx, 3000, 1, U);
	usctp_rx_del(rx);
}

static void reading_partial_delivery_reopens_the_window_before_the_end_arrives(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 4000, 1000);
	uint8_t out[4000];
	bool eor;

	assert_int_equal(put(rx, 1, 0, 0, B, 900, 1), USCTP_RX_NEW);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(put(rx, 2, 0, 0, 0, 900, 2), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_readable_bytes(rx), 1800);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), NULL, &eor), 1800);
	assert_false(eor);
	assert_int_equal(usctp_rx_a_rwnd(rx), 4000);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), NULL, &eor), USCTP_ERR_WOULDBLOCK);
	assert_int_equal(put(rx, 4, 0, 0, E, 10, 4), USCTP_RX_NEW); /* not in sequence yet */
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(put(rx, 3, 0, 0, 0, 20, 3), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), NULL, &eor), 30);
	assert_true(eor);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[29], 4);
	usctp_rx_del(rx);
}

static void unordered_partial_delivery(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 4000, 1000);
	uint8_t out[4000];
	struct usctp_rcvinfo info;
	bool eor;

	assert_int_equal(put(rx, 2, 0, 0, U, 600, 2), USCTP_RX_NEW);
	assert_int_equal(put(rx, 1, 0, 0, U | B, 600, 1), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 1200);
	assert_false(eor);
	assert_int_equal(info.flags, USCTP_SEND_UNORDERED);
	assert_int_equal(put(rx, 4, 0, 0, U | E, 10, 4), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 0, 0, U, 10, 3), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 20);
	assert_true(eor);
	assert_int_equal(usctp_rx_buffered(rx), 0);
	usctp_rx_del(rx);
}

static void delete_with_data_still_buffered_frees_everything(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 3, 1 << 20, 5000);
	uint8_t out[10];
	bool eor;

	assert_int_equal(put(rx, 1, 0, 0, BE, 100, 1), USCTP_RX_NEW);	       /* ready */
	assert_int_equal(put(rx, 2, 0, 1, B, 3000, 1), USCTP_RX_NEW);	       /* reassembling */
	assert_int_equal(put(rx, 4, 1, 1, BE, 2000, 1), USCTP_RX_NEW);	       /* waiting for SSN 0 */
	assert_int_equal(put(rx, 6, 2, 0, B, 6000, 1), USCTP_RX_NEW);	       /* partial delivery */
	assert_int_equal(put(rx, 9, 2, 0, U | B, 70, 1), USCTP_RX_NEW);	       /* unordered, incomplete */
	assert_int_equal(put(rx, 12, 2, 0, U | BE, 20000, 1), USCTP_RX_NEW);   /* malloc'd size */
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), NULL, &eor), 10); /* half read */
	usctp_rx_del(rx);
	usctp_rx_del(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fragments_reassemble_in_any_arrival_order_across_interleaved_streams),
	    cmocka_unit_test(shuffled_delivery_with_drops_and_small_buffer_completes),
	    cmocka_unit_test(ordered_stream_holds_ssn_1_until_ssn_0_arrives_while_another_stream_flows),
	    cmocka_unit_test(unordered_message_is_delivered_immediately),
	    cmocka_unit_test(partial_delivery_of_a_message_bigger_than_rcvbuf_completes),
	    cmocka_unit_test(reading_partial_delivery_reopens_the_window_before_the_end_arrives),
	    cmocka_unit_test(partial_delivery_at_a_pd_point_of_rcvbuf_does_not_stall),
	    cmocka_unit_test(message_of_many_tiny_fragments_does_not_stall),
	    cmocka_unit_test(unordered_partial_delivery),
	    cmocka_unit_test(delete_with_data_still_buffered_frees_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
