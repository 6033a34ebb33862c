/* Receive side: FORWARD TSN (RFC 3758 3.6). */
#include "testutil.h"

#include <stdio.h>
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
				     .ppid = 0,
				     .payload = buf,
				     .payload_len = len};
	memset(buf, fill, len);
	return usctp_rx_data(rx, &d);
}

/* FORWARD TSN to new_cum listing n (sid, ssn) pairs. */
static int fwd(struct usctp_rx *rx, uint32_t new_cum, const uint16_t *pairs, unsigned n, uint16_t *pd_sid,
	       uint32_t *pd_ssn)
{
	uint8_t streams[64];
	for (unsigned i = 0; i < n; i++) {
		streams[4 * i] = (uint8_t)(pairs[2 * i] >> 8);
		streams[4 * i + 1] = (uint8_t)pairs[2 * i];
		streams[4 * i + 2] = (uint8_t)(pairs[2 * i + 1] >> 8);
		streams[4 * i + 3] = (uint8_t)pairs[2 * i + 1];
	}
	struct usctp_fwd_tsn_chunk f = {.new_cum_tsn = new_cum, .num_streams = n, .streams = streams};
	return usctp_rx_forward_tsn(rx, &f, pd_sid, pd_ssn);
}

static void forward_tsn_skips_ssns_and_releases_blocked_messages(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 65536, 0);
	uint8_t out[100];
	struct usctp_rcvinfo info;
	bool eor;
	uint16_t psid = 0xdead;
	uint32_t pssn = 0xdead;

	/* stream 0: SSN 0 (TSN 1) abandoned; SSN 1 partly in (TSN 2 of 2-3),
	 * abandoned too; SSN 2 complete (TSN 4) waits; SSN 3 (TSN 6) waits. */
	assert_int_equal(put(rx, 2, 0, 1, B, 10, 0x11), USCTP_RX_NEW);
	assert_int_equal(put(rx, 4, 0, 2, BE, 10, 0x22), USCTP_RX_NEW);
	assert_int_equal(put(rx, 6, 0, 3, BE, 10, 0x33), USCTP_RX_NEW);
	assert_false(usctp_rx_readable(rx));
	uint16_t pairs[] = {0, 1};
	assert_int_equal(fwd(rx, 3, pairs, 1, &psid, &pssn), 0);
	assert_int_equal(psid, 0xdead);		   /* untouched: nothing aborted */
	assert_int_equal(usctp_rx_cum_tsn(rx), 4); /* 3, then 4 already received */
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 2);
	assert_int_equal(out[0], 0x22);
	/* SSN 3 follows in SSN order, though TSN 5 (some other stream's) is missing */
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 3);
	assert_int_equal(usctp_rx_cum_tsn(rx), 4);
	assert_int_equal(usctp_rx_buffered(rx), 0); /* the abandoned fragment is gone */
	assert_int_equal(put(rx, 5, 1, 0, BE, 10, 0x55), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 6);
	usctp_rx_del(rx);
}

static void forward_tsn_delivers_complete_messages_it_skips_over(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 65536, 0);
	uint8_t out[100];
	struct usctp_rcvinfo info;
	bool eor;

	/* SSN 0 lost, SSN 1 complete, SSN 2 lost: the sender skips to SSN 2 */
	assert_int_equal(put(rx, 2, 0, 1, BE, 10, 0x11), USCTP_RX_NEW);
	uint16_t pairs[] = {0, 2};
	assert_int_equal(fwd(rx, 3, pairs, 1, NULL, NULL), 0);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 1);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(put(rx, 4, 0, 3, BE, 10, 0x33), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 3);
	usctp_rx_del(rx);
}

static void forward_tsn_aborts_an_overtaken_partial_delivery(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 8000, 1000);
	uint8_t out[4000];
	struct usctp_rcvinfo info;
	bool eor;
	uint16_t psid = 0;
	uint32_t pssn = 0;

	/* stream 1, SSN 0: TSNs 1-5, of which 1-3 came; partial delivery started */
	assert_int_equal(put(rx, 1, 1, 0, B, 500, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 1, 0, 0, 500, 2), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 1, 0, 0, 500, 3), USCTP_RX_NEW);
	assert_int_equal(put(rx, 7, 1, 1, BE, 40, 7), USCTP_RX_NEW); /* SSN 1 waits behind it */
	assert_int_equal(usctp_rx_read(rx, out, 1200, &info, &eor), 1200);
	assert_false(eor);
	/* TSN 4-5 abandoned, and TSN 6 (SSN 1 of stream 0) lost too */
	uint16_t pairs[] = {1, 0};
	assert_int_equal(fwd(rx, 5, pairs, 1, &psid, &pssn), 1);
	assert_int_equal(psid, 1);
	assert_int_equal(pssn, 0);
	assert_int_equal(usctp_rx_cum_tsn(rx), 5);
	/* the rest of the aborted message is gone; SSN 1 is released once TSN 6 is in */
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 40);
	assert_true(eor);
	assert_int_equal(info.sid, 1);
	assert_int_equal(info.ssn, 1);
	assert_int_equal(usctp_rx_buffered(rx), 0);
	assert_int_equal(put(rx, 6, 0, 0, BE, 10, 6), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 7);
	usctp_rx_del(rx);
}

static void forward_tsn_aborts_an_unordered_partial_delivery_and_drops_fragments(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 8000, 1000);
	uint8_t out[4000];
	bool eor;
	uint16_t psid = 9;
	uint32_t pssn = 9;

	assert_int_equal(put(rx, 1, 0, 0, U | B, 600, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 0, 0, U, 600, 2), USCTP_RX_NEW);	/* partial delivery */
	assert_int_equal(put(rx, 4, 0, 0, U, 600, 4), USCTP_RX_NEW);	/* after a hole */
	assert_int_equal(put(rx, 6, 0, 0, U | B, 10, 6), USCTP_RX_NEW); /* another, incomplete */
	assert_int_equal(put(rx, 9, 0, 0, U, 10, 9), USCTP_RX_NEW);	/* continues 8, kept */
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), NULL, &eor), 1200);
	assert_int_equal(fwd(rx, 6, NULL, 0, &psid, &pssn), 1);
	assert_int_equal(psid, 0);
	assert_int_equal(usctp_rx_cum_tsn(rx), 6);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(usctp_rx_buffered(rx), 10); /* only TSN 9 */
	assert_int_equal(put(rx, 8, 0, 0, U | B, 10, 8), USCTP_RX_NEW);
	assert_int_equal(put(rx, 10, 0, 0, U | E, 10, 10), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), NULL, &eor), 30);
	assert_true(eor);
	usctp_rx_del(rx);
}

static void forward_tsn_behind_the_cumulative_tsn_is_ignored(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 8000, 0);
	for (uint32_t t = 1; t <= 10; t++)
		assert_int_equal(put(rx, t, 0, (uint16_t)(t - 1), BE, 1, 0), USCTP_RX_NEW);
	uint16_t pairs[] = {0, 100};
	assert_int_equal(fwd(rx, 8, pairs, 1, NULL, NULL), 0);
	assert_int_equal(fwd(rx, 10, pairs, 1, NULL, NULL), 0);
	assert_int_equal(usctp_rx_cum_tsn(rx), 10);
	/* the stream was not skipped: SSN 10 is still next */
	assert_int_equal(put(rx, 11, 0, 10, BE, 1, 0), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_readable_bytes(rx), 11);
	usctp_rx_del(rx);
}

static void forward_tsn_with_bad_streams_and_far_tsn_is_harmless(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(0xfffffff0u, 2, 8000, 0);
	assert_int_equal(put(rx, 0xfffffff2u, 1, 1, BE, 5, 0), USCTP_RX_NEW);
	assert_int_equal(put(rx, 0xfffffff3u, 1, 0, B, 5, 0), USCTP_RX_NEW);
	uint16_t pairs[] = {7, 3, 0xffff, 0xffff, 1, 0};
	assert_int_equal(fwd(rx, 0x10, pairs, 3, NULL, NULL), 0); /* across the wrap */
	assert_int_equal(usctp_rx_cum_tsn(rx), 0x10);
	assert_false(usctp_rx_has_gaps(rx));
	assert_int_equal(usctp_rx_readable_bytes(rx), 5); /* SSN 1 of stream 1 released */
	assert_int_equal(usctp_rx_buffered(rx), 5);
	assert_int_equal(put(rx, 0x11, 1, 2, BE, 5, 0), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_readable_bytes(rx), 10);
	usctp_rx_del(rx);
}

/*
 * The sender abandons stream 0's SSN 0 after sending only its first two
 * fragments (TSN 1-2): its FORWARD TSN carries a new cumulative TSN equal to
 * ours, and the pair is what releases the stream.
 */
static void forward_tsn_at_the_cumulative_tsn_still_skips_an_abandoned_message(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 8000, 0);
	uint8_t out[100];
	struct usctp_rcvinfo info;
	bool eor;

	assert_int_equal(put(rx, 1, 0, 0, B, 100, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 0, 0, 0, 100, 2), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 0, 1, BE, 50, 3), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 3);
	assert_false(usctp_rx_readable(rx));
	uint16_t pairs[] = {0, 0};
	assert_int_equal(fwd(rx, 3, pairs, 1, NULL, NULL), 0);
	assert_int_equal(usctp_rx_cum_tsn(rx), 3);
	assert_int_equal(usctp_rx_buffered(rx), 50); /* the fragments are gone */
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 50);
	assert_int_equal(info.ssn, 1);
	assert_true(eor);
	/* the same FORWARD TSN again, or an older one: nothing moves back */
	assert_int_equal(fwd(rx, 3, pairs, 1, NULL, NULL), 0);
	assert_int_equal(fwd(rx, 2, pairs, 1, NULL, NULL), 0);
	assert_int_equal(put(rx, 4, 0, 2, BE, 10, 4), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 2);
	usctp_rx_del(rx);
}

/* A pair naming SSNs beyond what is held at or below new_cum skips only
 * what is held there: later messages (above new_cum) are untouched. */
static void forward_tsn_at_the_cumulative_tsn_never_drops_messages_above_it(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 8000, 0);
	uint8_t out[100];
	struct usctp_rcvinfo info;
	bool eor;

	assert_int_equal(put(rx, 1, 0, 0, B, 100, 1), USCTP_RX_NEW); /* abandoned */
	assert_int_equal(put(rx, 3, 0, 2, BE, 20, 3), USCTP_RX_NEW); /* SSN 1 (TSN 2) not in yet */
	assert_int_equal(put(rx, 4, 0, 3, B, 20, 4), USCTP_RX_NEW);  /* incomplete, above new_cum */
	uint16_t pairs[] = {0, 5};
	assert_int_equal(fwd(rx, 1, pairs, 1, NULL, NULL), 0);
	assert_int_equal(usctp_rx_buffered(rx), 40);
	assert_false(usctp_rx_readable(rx)); /* SSN 1 is not skipped: nothing of it was held */
	assert_int_equal(put(rx, 2, 0, 1, BE, 10, 2), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(info.ssn, 1);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 20);
	assert_int_equal(info.ssn, 2);
	assert_int_equal(put(rx, 5, 0, 3, E, 5, 5), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 25);
	assert_int_equal(info.ssn, 3);
	assert_true(eor);
	usctp_rx_del(rx);
}

/* At interleave level 1 a partly read message that was abandoned blocks all
 * reading: a FORWARD TSN at our cumulative TSN must abort it. */
static void forward_tsn_at_the_cumulative_tsn_aborts_an_abandoned_partial_delivery(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 8000, 150);
	uint8_t out[1000];
	struct usctp_rcvinfo info;
	bool eor;
	uint16_t psid = 9;
	uint32_t pssn = 9;

	assert_int_equal(put(rx, 1, 0, 0, B, 100, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 0, 0, 0, 100, 2), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 200);
	assert_false(eor);
	assert_int_equal(put(rx, 3, 1, 0, BE, 30, 3), USCTP_RX_NEW);
	assert_false(usctp_rx_readable(rx)); /* level 1: stream 1 waits */
	uint16_t pairs[] = {0, 0};
	assert_int_equal(fwd(rx, 3, pairs, 1, &psid, &pssn), 1);
	assert_int_equal(psid, 0);
	assert_int_equal(pssn, 0);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 30);
	assert_int_equal(info.sid, 1);
	usctp_rx_del(rx);
}

/* Unordered fragments whose run a TSN at or below cum did not continue can
 * never complete: dropped. The run waiting for cum + 1 is kept. */
static void forward_tsn_at_the_cumulative_tsn_drops_only_dead_unordered_runs(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 8000, 0);
	uint8_t out[1000];
	struct usctp_rcvinfo info;
	bool eor;

	assert_int_equal(put(rx, 1, 0, 0, U | B, 100, 1), USCTP_RX_NEW); /* abandoned */
	assert_int_equal(put(rx, 2, 1, 0, BE, 10, 2), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 0, 0, U | B, 70, 3), USCTP_RX_NEW); /* alive: TSN 4 to come */
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10);
	assert_int_equal(fwd(rx, 3, NULL, 0, NULL, NULL), 0);
	assert_int_equal(usctp_rx_buffered(rx), 70);
	assert_int_equal(put(rx, 4, 0, 0, U | E, 5, 4), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 75);
	assert_true(eor);
	usctp_rx_del(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(forward_tsn_skips_ssns_and_releases_blocked_messages),
	    cmocka_unit_test(forward_tsn_delivers_complete_messages_it_skips_over),
	    cmocka_unit_test(forward_tsn_aborts_an_overtaken_partial_delivery),
	    cmocka_unit_test(forward_tsn_aborts_an_unordered_partial_delivery_and_drops_fragments),
	    cmocka_unit_test(forward_tsn_behind_the_cumulative_tsn_is_ignored),
	    cmocka_unit_test(forward_tsn_with_bad_streams_and_far_tsn_is_harmless),
	    cmocka_unit_test(forward_tsn_at_the_cumulative_tsn_still_skips_an_abandoned_message),
	    cmocka_unit_test(forward_tsn_at_the_cumulative_tsn_never_drops_messages_above_it),
	    cmocka_unit_test(forward_tsn_at_the_cumulative_tsn_aborts_an_abandoned_partial_delivery),
	    cmocka_unit_test(forward_tsn_at_the_cumulative_tsn_drops_only_dead_unordered_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
