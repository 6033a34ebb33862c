/* Receive side: TSN acceptance, SACK contents, flow control, reading. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/rx.h"

#define BE (USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E)

static int put(struct usctp_rx *rx, uint32_t tsn, uint16_t sid, uint16_t ssn, uint8_t flags, size_t len,
	       uint8_t fill)
{
	static uint8_t buf[65536];
	struct usctp_data_chunk d = {.flags = flags,
				     .tsn = tsn,
				     .sid = sid,
				     .ssn = ssn,
				     .ppid = 0x01020304,
				     .payload = buf,
				     .payload_len = len};
	memset(buf, fill, len);
	return usctp_rx_data(rx, &d);
}

/* Build a SACK into buf (room bytes of space); returns its length. */
static size_t sack(struct usctp_rx *rx, uint8_t *buf, size_t room)
{
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, room);
	assert_true(usctp_rx_build_sack(rx, &w) >= 0);
	return w.len;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void in_order_single_chunks_are_delivered_in_order_and_acked(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1000, 4, 65536, 0);
	uint8_t out[100];
	struct usctp_rcvinfo info;
	bool eor;

	assert_non_null(rx);
	assert_int_equal(usctp_rx_cum_tsn(rx), 999);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), USCTP_ERR_WOULDBLOCK);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(put(rx, 1000 + i, 1, (uint16_t)i, BE, 10 + i, (uint8_t)i), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 1004);
	assert_false(usctp_rx_has_gaps(rx));
	assert_int_equal(usctp_rx_readable_bytes(rx), 10 + 11 + 12 + 13 + 14);
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 10 + i);
		assert_true(eor);
		assert_int_equal(out[0], i);
		assert_int_equal(out[9 + i], i);
		assert_int_equal(info.sid, 1);
		assert_int_equal(info.ssn, i);
		assert_int_equal(info.tsn, 1000 + i);
		assert_int_equal(info.ppid, 0x01020304);
		assert_int_equal(info.flags, 0);
		assert_int_equal(info.cumtsn, 1004);
	}
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(usctp_rx_buffered(rx), 0);
	assert_int_equal(usctp_rx_a_rwnd(rx), 65536);
	usctp_rx_del(rx);
}

static void out_of_order_arrival_builds_exact_gap_blocks(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1000, 1, 4000, 0);
	uint8_t buf[256];
	/* 1000, then 1002-1003 and 1005: cum 1000, gaps 2-3 and 5-5 */
	assert_int_equal(put(rx, 1000, 0, 0, BE, 10, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 1003, 0, 3, BE, 10, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 1005, 0, 5, BE, 10, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 1002, 0, 2, BE, 10, 1), USCTP_RX_NEW);
	assert_true(usctp_rx_has_gaps(rx));
	static const uint8_t want[] = {
	    0x03, 0x00, 0x00, 0x18, /* SACK, length 24 */
	    0x00, 0x00, 0x03, 0xe8, /* cum 1000 */
	    0x00, 0x00, 0x0f, 0x78, /* a_rwnd 4000 - 40 */
	    0x00, 0x02, 0x00, 0x00, /* 2 gaps, 0 dups */
	    0x00, 0x02, 0x00, 0x03, /* 1002-1003 */
	    0x00, 0x05, 0x00, 0x05, /* 1005 */
	};
	size_t n = sack(rx, buf, sizeof(buf));
	if (n != sizeof(want) || memcmp(buf, want, n) != 0)
		tu_hexdump("sack", buf, n);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* filling 1001 and 1004 closes every gap */
	assert_int_equal(put(rx, 1001, 0, 1, BE, 10, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 1004, 0, 4, BE, 10, 1), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 1005);
	assert_false(usctp_rx_has_gaps(rx));
	n = sack(rx, buf, sizeof(buf));
	assert_int_equal(n, 16);
	assert_int_equal(get32(buf + 4), 1005);
	usctp_rx_del(rx);
}

static void duplicates_are_reported_once_then_cleared(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 4000, 0);
	uint8_t buf[256];

	assert_int_equal(put(rx, 1, 0, 0, BE, 10, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 0, 2, BE, 10, 1), USCTP_RX_NEW);
	assert_false(usctp_rx_has_dups(rx));
	assert_int_equal(put(rx, 1, 0, 0, BE, 10, 1), USCTP_RX_DUP); /* at cum */
	assert_int_equal(put(rx, 3, 0, 2, BE, 10, 1), USCTP_RX_DUP); /* in a gap block */
	assert_int_equal(put(rx, 0, 0, 0, BE, 10, 1), USCTP_RX_DUP); /* below cum */
	assert_true(usctp_rx_has_dups(rx));
	/* a duplicate holds no buffer space */
	assert_int_equal(usctp_rx_buffered(rx), 20);
	size_t n = sack(rx, buf, sizeof(buf));
	assert_int_equal(n, 16 + 4 + 12);
	assert_int_equal(buf[14] << 8 | buf[15], 3); /* dups */
	assert_int_equal(get32(buf + 20), 1);
	assert_int_equal(get32(buf + 24), 3);
	assert_int_equal(get32(buf + 28), 0);
	assert_false(usctp_rx_has_dups(rx));
	n = sack(rx, buf, sizeof(buf));
	assert_int_equal(n, 16 + 4);
	assert_int_equal(buf[14] << 8 | buf[15], 0);
	usctp_rx_del(rx);
}

static void sack_holds_only_the_gap_blocks_that_fit(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 65536, 0);
	uint8_t buf[256];
	struct usctp_wbuf w;

	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(put(rx, 3 + 2 * i, 0, (uint16_t)(2 + 2 * i), BE, 1, 0), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 0, 2, BE, 1, 0), USCTP_RX_DUP);
	usctp_wbuf_init(&w, buf, 15);
	assert_int_equal(usctp_rx_build_sack(rx, &w), USCTP_ERR_NOBUF);
	assert_int_equal(w.len, 0);
	assert_true(usctp_rx_has_dups(rx)); /* nothing sent, nothing cleared */
	size_t n = sack(rx, buf, 16 + 4 * 3 + 3);
	assert_int_equal(n, 16 + 4 * 3);
	assert_int_equal(buf[12] << 8 | buf[13], 3);
	assert_int_equal(buf[14] << 8 | buf[15], 0);
	assert_int_equal(get32(buf + 4), 0); /* cum: TSN 1 never came */
	assert_int_equal(get32(buf + 16), 3 << 16 | 3);
	assert_int_equal(get32(buf + 24), 7 << 16 | 7);
	usctp_rx_del(rx);
}

static void zero_window_drops_new_tsns_but_accepts_a_hole_filler(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 1000, 1000);
	uint8_t buf[256];

	assert_int_equal(put(rx, 1, 0, 0, BE, 600, 1), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3, 0, 2, BE, 400, 3), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_a_rwnd(rx), 0);
	/* above the highest TSN: dropped and not acknowledged */
	assert_int_equal(put(rx, 4, 0, 3, BE, 100, 4), USCTP_RX_DROPPED);
	size_t n = sack(rx, buf, sizeof(buf));
	assert_int_equal(n, 20);
	assert_int_equal(get32(buf + 4), 1);
	assert_int_equal(get32(buf + 8), 0);
	assert_int_equal(get32(buf + 16), 2 << 16 | 2);
	/* the hole filler is taken even though the window is closed */
	assert_int_equal(put(rx, 2, 0, 1, BE, 100, 2), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 3);
	assert_int_equal(usctp_rx_a_rwnd(rx), 0);
	assert_int_equal(usctp_rx_buffered(rx), 1100);
	assert_int_equal(put(rx, 4, 0, 3, BE, 100, 4), USCTP_RX_DROPPED);
	/* the retransmission after the user read is accepted */
	uint8_t out[1000];
	bool eor;
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), NULL, &eor), 600);
	assert_int_equal(usctp_rx_a_rwnd(rx), 500);
	assert_int_equal(put(rx, 4, 0, 3, BE, 100, 4), USCTP_RX_NEW);
	usctp_rx_del(rx);
}

static void window_grows_as_the_user_reads(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 10000, 0);
	uint8_t out[1000];
	bool eor;

	assert_int_equal(put(rx, 1, 0, 0, BE, 3000, 1), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_a_rwnd(rx), 7000);
	assert_int_equal(usctp_rx_read(rx, out, 1000, NULL, &eor), 1000);
	assert_false(eor);
	assert_int_equal(usctp_rx_a_rwnd(rx), 8000);
	assert_int_equal(usctp_rx_read(rx, out, 1000, NULL, &eor), 1000);
	assert_int_equal(usctp_rx_a_rwnd(rx), 9000);
	assert_int_equal(usctp_rx_read(rx, out, 1000, NULL, &eor), 1000);
	assert_true(eor);
	assert_int_equal(usctp_rx_a_rwnd(rx), 10000);
	usctp_rx_del(rx);
}

static void message_bigger_than_user_buffer_is_read_in_pieces_with_eor_at_the_end(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 65536, 0);
	uint8_t msg[3000], out[3000];
	struct usctp_rcvinfo info;
	bool eor;
	struct tu_rng rng;

	tu_rng_seed(&rng, tu_seed(7));
	tu_rng_fill(&rng, msg, sizeof(msg));
	struct usctp_data_chunk d = {.tsn = 1, .sid = 1, .ssn = 0, .ppid = 99};
	for (int i = 0; i < 3; i++) { /* three fragments of 1000 */
		d.tsn = 1 + (uint32_t)i;
		d.flags = (uint8_t)((i == 0 ? USCTP_DATA_FLAG_B : 0) | (i == 2 ? USCTP_DATA_FLAG_E : 0));
		d.payload = msg + 1000 * i;
		d.payload_len = 1000;
		assert_int_equal(usctp_rx_data(rx, &d), USCTP_RX_NEW);
	}
	assert_int_equal(put(rx, 4, 0, 0, BE, 5, 0xee), USCTP_RX_NEW);
	size_t got = 0;
	for (int i = 0; i < 8; i++) { /* 3000 / 700: five reads */
		int64_t n = usctp_rx_read(rx, out + got, 700, &info, &eor);
		assert_true(n > 0);
		assert_int_equal(info.sid, 1);
		assert_int_equal(info.tsn, 1);
		assert_int_equal(info.ppid, 99);
		got += (size_t)n;
		assert_int_equal(eor, got == 3000);
		if (eor)
			break;
	}
	assert_int_equal(got, 3000);
	assert_memory_equal(out, msg, 3000);
	assert_int_equal(usctp_rx_read(rx, out, 700, &info, &eor), 5);
	assert_true(eor);
	assert_int_equal(info.sid, 0);
	usctp_rx_del(rx);
}

static void invalid_stream_is_acked_and_discarded(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 4000, 0);
	assert_int_equal(put(rx, 1, 2, 0, BE, 100, 1), USCTP_RX_BAD_STREAM);
	assert_int_equal(put(rx, 2, 0xffff, 0, USCTP_DATA_FLAG_B, 100, 1), USCTP_RX_BAD_STREAM);
	assert_int_equal(usctp_rx_cum_tsn(rx), 2);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(usctp_rx_buffered(rx), 0);
	assert_int_equal(usctp_rx_a_rwnd(rx), 4000);
	/* its retransmission is a duplicate */
	assert_int_equal(put(rx, 1, 2, 0, BE, 100, 1), USCTP_RX_DUP);
	usctp_rx_del(rx);
}

static void far_future_tsns_are_dropped_without_being_recorded(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(10, 1, 4000, 0); /* at most 4000 TSNs ahead */
	assert_int_equal(put(rx, 9 + 4001, 0, 0, BE, 1, 1), USCTP_RX_DROPPED);
	assert_int_equal(put(rx, 9 + 0x7fffffffu, 0, 0, BE, 1, 1), USCTP_RX_DROPPED);
	assert_false(usctp_rx_has_gaps(rx));
	assert_int_equal(usctp_rx_buffered(rx), 0);
	assert_int_equal(put(rx, 9 + 4000, 0, 5, BE, 1, 1), USCTP_RX_NEW);
	assert_true(usctp_rx_has_gaps(rx));
	usctp_rx_del(rx);
}

static void too_many_gaps_drop_new_isolated_tsns(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 1 << 20, 0);
	uint32_t i;

	/* every other TSN: each is a range of its own, up to the bound */
	for (i = 0; i < 1024; i++)
		assert_int_equal(put(rx, 3 + 2 * i, 0, (uint16_t)(2 + 2 * i), BE, 1, 0), USCTP_RX_NEW);
	assert_int_equal(put(rx, 3 + 2 * i, 0, (uint16_t)(2 + 2 * i), BE, 1, 0), USCTP_RX_DROPPED);
	assert_int_equal(usctp_rx_buffered(rx), 1024);
	/* one that joins two ranges is fine, and so is the cumulative one */
	assert_int_equal(put(rx, 4, 0, 3, BE, 1, 0), USCTP_RX_NEW);
	assert_int_equal(put(rx, 1, 0, 0, BE, 1, 0), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 0, 1, BE, 1, 0), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 5);
	assert_int_equal(usctp_rx_readable_bytes(rx), 5);
	usctp_rx_del(rx);
}

static void malformed_chunk_is_refused(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 4000, 0);
	struct usctp_data_chunk d = {
	    .flags = BE, .tsn = 1, .payload = (const uint8_t *)"x", .payload_len = 0};
	assert_int_equal(usctp_rx_data(rx, &d), USCTP_ERR_INVALID);
	assert_int_equal(usctp_rx_cum_tsn(rx), 0);
	usctp_rx_del(rx);
}

static void tsns_wrap_around_zero(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(0xfffffff0u, 1, 65536, 0);
	uint8_t buf[256], out[64];
	bool eor;

	assert_int_equal(usctp_rx_cum_tsn(rx), 0xffffffefu);
	/* receive 0xfffffff0..0xfffffffe and 0x00000001..0x00000002; 0xffffffff and 0 missing */
	for (uint32_t i = 0; i < 15; i++)
		assert_int_equal(put(rx, 0xfffffff0u + i, 0, (uint16_t)i, BE, 4, (uint8_t)i), USCTP_RX_NEW);
	assert_int_equal(put(rx, 1, 0, 17, BE, 4, 0x21), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 0, 18, BE, 4, 0x22), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 0xfffffffeu);
	size_t n = sack(rx, buf, sizeof(buf));
	assert_int_equal(n, 20);
	assert_int_equal(get32(buf + 4), 0xfffffffeu);
	assert_int_equal(get32(buf + 16), 3 << 16 | 4);
	assert_int_equal(put(rx, 0xfffffff5u, 0, 0, BE, 4, 0), USCTP_RX_DUP);
	assert_int_equal(put(rx, 0, 0, 16, BE, 4, 0x20), USCTP_RX_NEW);
	assert_int_equal(put(rx, 0xffffffffu, 0, 15, BE, 4, 0x1f), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_cum_tsn(rx), 2);
	for (uint32_t i = 0; i < 19; i++) {
		struct usctp_rcvinfo info;
		assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 4);
		assert_int_equal(info.ssn, i);
		assert_int_equal(info.tsn, 0xfffffff0u + i);
	}
	assert_false(usctp_rx_readable(rx));
	usctp_rx_del(rx);
}

static void ssns_wrap_around_zero_in_order(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 65536, 0);
	uint8_t out[8];
	struct usctp_rcvinfo info;
	bool eor;
	uint32_t tsn = 1;

	for (uint32_t i = 0; i < 0xffff; i++, tsn++) {
		assert_int_equal(put(rx, tsn, 0, (uint16_t)i, BE, 1, 0), USCTP_RX_NEW);
		assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 1);
	}
	/* SSN 0 (after 0xffff) arrives first and waits for 0xffff */
	assert_int_equal(put(rx, tsn + 1, 0, 0, BE, 1, 0), USCTP_RX_NEW);
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(put(rx, tsn, 0, 0xffff, BE, 1, 0), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 1);
	assert_int_equal(info.ssn, 0xffff);
	assert_int_equal(usctp_rx_read(rx, out, sizeof(out), &info, &eor), 1);
	assert_int_equal(info.ssn, 0);
	usctp_rx_del(rx);
}

static void steady_in_order_traffic_does_not_malloc_per_chunk(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 65536, 0);
	uint8_t out[2000];
	bool eor;
	uint32_t tsn = 1;
	uint16_t ssn[2] = {0, 0};

	/* warm up the free lists, then run many chunks of typical sizes */
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			assert_true(usctp_rx_mallocs(rx) > 0);
		uint64_t before = usctp_rx_mallocs(rx);
		for (uint32_t i = 0; i < 10000; i++) {
			uint16_t sid = (uint16_t)(i % 2);
			uint8_t flags = (uint8_t)(i % 3 == 0 ? BE | USCTP_DATA_FLAG_U : BE);
			size_t len = i % 5 == 0 ? 40 : 1100 + i % 100;
			assert_int_equal(
			    put(rx, tsn++, sid, flags & USCTP_DATA_FLAG_U ? 0 : ssn[sid]++, flags, len, 1),
			    USCTP_RX_NEW);
			if (i % 4 == 3) /* the reader lags a little behind */
				for (int k = 0; k < 4; k++)
					assert_true(usctp_rx_read(rx, out, sizeof(out), NULL, &eor) > 0);
		}
		if (round == 1)
			assert_int_equal(usctp_rx_mallocs(rx), before);
	}
	usctp_rx_del(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(in_order_single_chunks_are_delivered_in_order_and_acked),
	    cmocka_unit_test(out_of_order_arrival_builds_exact_gap_blocks),
	    cmocka_unit_test(duplicates_are_reported_once_then_cleared),
	    cmocka_unit_test(sack_holds_only_the_gap_blocks_that_fit),
	    cmocka_unit_test(zero_window_drops_new_tsns_but_accepts_a_hole_filler),
	    cmocka_unit_test(window_grows_as_the_user_reads),
	    cmocka_unit_test(message_bigger_than_user_buffer_is_read_in_pieces_with_eor_at_the_end),
	    cmocka_unit_test(invalid_stream_is_acked_and_discarded),
	    cmocka_unit_test(far_future_tsns_are_dropped_without_being_recorded),
	    cmocka_unit_test(too_many_gaps_drop_new_isolated_tsns),
	    cmocka_unit_test(malformed_chunk_is_refused),
	    cmocka_unit_test(tsns_wrap_around_zero),
	    cmocka_unit_test(ssns_wrap_around_zero_in_order),
	    cmocka_unit_test(steady_in_order_traffic_does_not_malloc_per_chunk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
