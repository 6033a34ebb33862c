/*
 * Receive side: what usctp_rx_read may return while a message is partly read
 * (SCTP_FRAGMENT_INTERLEAVE levels, RFC 6458 8.1.20), that the partly read
 * message can always complete however full the buffer is, and max_reasm.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/rx.h"

#define B USCTP_DATA_FLAG_B
#define E USCTP_DATA_FLAG_E
#define U USCTP_DATA_FLAG_U
#define BE (B | E)

static int put(struct usctp_rx *rx, uint32_t tsn, uint16_t sid, uint16_t ssn, uint8_t flags, size_t len)
{
	static uint8_t buf[4096];
	struct usctp_data_chunk d = {.flags = flags,
				     .tsn = tsn,
				     .sid = sid,
				     .ssn = ssn,
				     .ppid = tsn,
				     .payload = buf,
				     .payload_len = len};
	memset(buf, (int)tsn, len);
	return usctp_rx_data(rx, &d);
}

struct got {
	int64_t n;
	uint16_t sid, ssn;
	bool unordered, eor;
};

static struct got rd(struct usctp_rx *rx, size_t cap)
{
	static uint8_t out[65536];
	struct usctp_rcvinfo info;
	struct got g = {0};

	g.n = usctp_rx_read(rx, out, cap, &info, &g.eor);
	if (g.n >= 0) {
		g.sid = info.sid;
		g.ssn = info.ssn;
		g.unordered = (info.flags & USCTP_SEND_UNORDERED) != 0;
	}
	return g;
}

static struct usctp_rx *rx_at(int level, uint32_t rcvbuf, uint32_t pd_point)
{
	struct usctp_rx *rx = usctp_rx_new(1, 3, rcvbuf, pd_point);
	assert_non_null(rx);
	assert_int_equal(usctp_rx_set_frag_interleave(rx, level), 0);
	return rx;
}

static void interleave_level_outside_0_to_2_is_refused(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 8000, 0);
	assert_int_equal(usctp_rx_set_frag_interleave(rx, 3), USCTP_ERR_INVALID);
	assert_int_equal(usctp_rx_set_frag_interleave(rx, -1), USCTP_ERR_INVALID);
	assert_int_equal(usctp_rx_set_frag_interleave(rx, 2), 0);
	usctp_rx_del(rx);
}

/*
 * Stream 0 ordered message in partial delivery (TSN 1-2 of 1-3), read up to
 * its received end; meanwhile an unordered message of stream 0 and a message
 * of stream 1 are complete.
 */
static void start_pd(struct usctp_rx *rx)
{
	assert_int_equal(put(rx, 1, 0, 0, B, 600), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 0, 0, 0, 600), USCTP_RX_NEW); /* 1200 >= pd_point */
	struct got g = rd(rx, 5000);
	assert_int_equal(g.n, 1200);
	assert_false(g.eor);
	assert_int_equal(g.sid, 0);
	assert_int_equal(put(rx, 4, 0, 0, U | BE, 30), USCTP_RX_NEW);
	assert_int_equal(put(rx, 5, 1, 0, BE, 40), USCTP_RX_NEW);
}

static void finish_pd(struct usctp_rx *rx)
{
	assert_int_equal(put(rx, 3, 0, 0, E, 70), USCTP_RX_NEW);
	assert_true(usctp_rx_readable(rx));
	struct got g = rd(rx, 5000);
	assert_int_equal(g.n, 70);
	assert_true(g.eor);
	assert_int_equal(g.sid, 0);
	assert_false(g.unordered);
}

static void levels_0_and_1_return_nothing_else_until_the_partly_read_message_ends(void **state)
{
	for (int level = 0; level <= 1; level++) {
		struct usctp_rx *rx = rx_at(level, 8000, 1000);
		start_pd(rx);
		assert_false(usctp_rx_readable(rx));
		assert_int_equal(usctp_rx_readable_bytes(rx), 0);
		assert_int_equal(rd(rx, 5000).n, USCTP_ERR_WOULDBLOCK);
		finish_pd(rx);
		/* then the others, in the order they became deliverable */
		struct got g = rd(rx, 5000);
		assert_int_equal(g.n, 30);
		assert_true(g.unordered && g.eor);
		g = rd(rx, 5000);
		assert_int_equal(g.n, 40);
		assert_int_equal(g.sid, 1);
		assert_false(usctp_rx_readable(rx));
		usctp_rx_del(rx);
	}
}

static void level_2_returns_other_streams_but_never_the_same_streams_other_messages(void **state)
{
	struct usctp_rx *rx = rx_at(2, 8000, 1000);
	start_pd(rx);
	assert_int_equal(usctp_rx_readable_bytes(rx), 40); /* stream 1 only */
	struct got g = rd(rx, 5000);
	assert_int_equal(g.n, 40);
	assert_int_equal(g.sid, 1);
	assert_true(g.eor);
	/* the unordered message of stream 0 waits for the ordered one */
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(rd(rx, 5000).n, USCTP_ERR_WOULDBLOCK);
	finish_pd(rx);
	g = rd(rx, 5000);
	assert_int_equal(g.n, 30);
	assert_true(g.unordered && g.eor);
	usctp_rx_del(rx);
}

static void level_2_holds_an_ordered_message_behind_a_partly_read_unordered_one(void **state)
{
	struct usctp_rx *rx = rx_at(2, 8000, 1000);
	assert_int_equal(put(rx, 1, 2, 0, U | B, 1000), USCTP_RX_NEW); /* unordered pd */
	assert_int_equal(rd(rx, 400).n, 400);			       /* partly read */
	assert_int_equal(put(rx, 3, 2, 0, BE, 20), USCTP_RX_NEW);      /* ordered, same stream */
	assert_int_equal(put(rx, 4, 1, 0, BE, 10), USCTP_RX_NEW);
	struct got g = rd(rx, 5000); /* the rest of what came of the unordered one */
	assert_int_equal(g.n, 600);
	assert_true(g.unordered && !g.eor);
	g = rd(rx, 5000);
	assert_int_equal(g.sid, 1);
	assert_int_equal(rd(rx, 5000).n, USCTP_ERR_WOULDBLOCK);
	assert_int_equal(put(rx, 2, 2, 0, U | E, 5), USCTP_RX_NEW);
	g = rd(rx, 5000);
	assert_int_equal(g.n, 5);
	assert_true(g.unordered && g.eor);
	g = rd(rx, 5000);
	assert_int_equal(g.n, 20);
	assert_false(g.unordered);
	usctp_rx_del(rx);
}

static void complete_message_read_in_pieces_is_not_interleaved_at_level_1(void **state)
{
	struct usctp_rx *rx = rx_at(1, 8000, 0);
	assert_int_equal(put(rx, 1, 0, 0, BE, 100), USCTP_RX_NEW);
	assert_int_equal(put(rx, 2, 1, 0, BE, 100), USCTP_RX_NEW);
	for (int i = 0; i < 10; i++) {
		struct got g = rd(rx, 10);
		assert_int_equal(g.n, 10);
		assert_int_equal(g.sid, 0);
		assert_int_equal(g.eor, i == 9);
	}
	assert_int_equal(rd(rx, 1000).sid, 1);
	usctp_rx_del(rx);
}

/*
 * The no-deadlock guarantee. Stream 0's message starts at TSN 5 and is partly
 * read; TSNs 1-4 then fill the whole buffer with messages the level does not
 * let the user read (stream 1 at levels 0/1; unordered on stream 0 at level
 * 2). The message's next fragments are above the highest TSN with no window
 * left, yet they are taken, as long as the user reads them, until it ends.
 */
static void partly_read_message_completes_when_the_buffer_is_full_of_unreadable_messages(void **state)
{
	for (int level = 0; level <= 2; level++) {
		const uint32_t rcvbuf = 4000;
		struct usctp_rx *rx = rx_at(level, rcvbuf, 1000);
		uint16_t fsid = level < 2 ? 1 : 0;
		uint8_t fu = level < 2 ? 0 : U;

		assert_int_equal(put(rx, 5, 0, 0, B, 1000), USCTP_RX_NEW);
		assert_int_equal(rd(rx, 5000).n, 1000);
		for (uint32_t t = 1; t <= 4; t++)
			assert_int_equal(put(rx, t, fsid, (uint16_t)(t - 1), fu | BE, 1000), USCTP_RX_NEW);
		assert_int_equal(usctp_rx_a_rwnd(rx), 0);
		assert_int_equal(put(rx, 31, 2, 0, BE, 10), USCTP_RX_DROPPED); /* anything else: no room */
		assert_false(usctp_rx_readable(rx));

		/* unread, the continuation has a budget of its own: rcvbuf */
		for (uint32_t t = 6; t <= 9; t++)
			assert_int_equal(put(rx, t, 0, 0, 0, 1000), USCTP_RX_NEW);
		assert_int_equal(put(rx, 10, 0, 0, 0, 1000), USCTP_RX_DROPPED);
		struct got g = rd(rx, 5000);
		assert_int_equal(g.n, 4000);
		assert_int_equal(g.sid, 0);
		assert_false(g.unordered);

		/* then fragment by fragment, the user reading each */
		for (uint32_t t = 10; t <= 30; t++) {
			assert_int_equal(put(rx, t, 0, 0, t == 30 ? E : 0, 1000), USCTP_RX_NEW);
			g = rd(rx, 5000);
			assert_int_equal(g.n, 1000);
			assert_int_equal(g.sid, 0);
			assert_int_equal(g.eor, t == 30);
			if (t < 30)
				assert_int_equal(rd(rx, 5000).n, USCTP_ERR_WOULDBLOCK);
		}
		/* done: the rest is readable now */
		for (uint32_t t = 1; t <= 4; t++) {
			g = rd(rx, 5000);
			assert_int_equal(g.n, 1000);
			assert_int_equal(g.sid, fsid);
			assert_true(g.eor);
		}
		assert_int_equal(usctp_rx_buffered(rx), 0);
		assert_int_equal(usctp_rx_cum_tsn(rx), 30);
		usctp_rx_del(rx);
	}
}

static void max_reasm_bounds_reassembly_and_the_window(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 2, 8000, 0);
	usctp_rx_set_max_reasm(rx, 2000);
	assert_int_equal(usctp_rx_a_rwnd(rx), 2000);
	/* stream 0 SSN 0 (TSN 1) lost: SSN 1 waits in reassembly */
	assert_int_equal(put(rx, 2, 0, 1, B, 1000), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_a_rwnd(rx), 1000);
	assert_int_equal(put(rx, 3, 0, 1, 0, 1000), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_a_rwnd(rx), 0);
	/* new data is refused though rcvbuf has room... */
	assert_int_equal(put(rx, 4, 1, 0, BE, 100), USCTP_RX_DROPPED);
	assert_int_equal(usctp_rx_buffered(rx), 2000);
	/* ...a hole filler is not, and SSN 1 then starts partial delivery:
	 * reassembly is full, more of it could never come in */
	assert_int_equal(put(rx, 1, 0, 0, BE, 100), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_readable_bytes(rx), 2100);
	assert_int_equal(usctp_rx_a_rwnd(rx), 2000); /* max_reasm - 0 < rcvbuf - held */
	assert_int_equal(put(rx, 4, 0, 1, E, 100), USCTP_RX_NEW);
	assert_int_equal(rd(rx, 5000).n, 100);
	struct got g = rd(rx, 5000);
	assert_int_equal(g.n, 2100);
	assert_true(g.eor);
	assert_int_equal(g.ssn, 1);
	/* 0 means rcvbuf again */
	usctp_rx_set_max_reasm(rx, 0);
	assert_int_equal(usctp_rx_a_rwnd(rx), 8000);
	usctp_rx_del(rx);
}

static void message_bigger_than_max_reasm_is_delivered_in_pieces(void **state)
{
	struct usctp_rx *rx = usctp_rx_new(1, 1, 64000, 0); /* pd_point 32000 */
	usctp_rx_set_max_reasm(rx, 3000);
	uint32_t got = 0;
	bool eor = false;
	for (uint32_t t = 1; t <= 40; t++) {
		assert_int_equal(put(rx, t, 0, 0, (t == 1 ? B : 0) | (t == 40 ? E : 0), 1000), USCTP_RX_NEW);
		while (usctp_rx_readable(rx)) {
			struct got g = rd(rx, 700);
			assert_true(g.n > 0);
			got += (uint32_t)g.n;
			eor = g.eor;
		}
		assert_true(usctp_rx_buffered(rx) <= 3000);
	}
	assert_int_equal(got, 40000);
	assert_true(eor);
	usctp_rx_del(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(interleave_level_outside_0_to_2_is_refused),
	    cmocka_unit_test(levels_0_and_1_return_nothing_else_until_the_partly_read_message_ends),
	    cmocka_unit_test(level_2_returns_other_streams_but_never_the_same_streams_other_messages),
	    cmocka_unit_test(level_2_holds_an_ordered_message_behind_a_partly_read_unordered_one),
	    cmocka_unit_test(complete_message_read_in_pieces_is_not_interleaved_at_level_1),
	    cmocka_unit_test(partly_read_message_completes_when_the_buffer_is_full_of_unreadable_messages),
	    cmocka_unit_test(max_reasm_bounds_reassembly_and_the_window),
	    cmocka_unit_test(message_bigger_than_max_reasm_is_delivered_in_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
