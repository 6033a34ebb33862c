/*
 * Receive side across a peer restart (usctp_rx_inherit): the old
 * incarnation's complete messages stay readable ahead of the new one's,
 * with their own stream numbering; what cannot complete is dropped; their
 * bytes are charged to the new window until read.
 */
#include "testutil.h"

#include <string.h>

#include "core/rx.h"

#define BE (USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E)

static int put(struct usctp_rx *rx, uint32_t tsn, uint16_t sid, uint16_t ssn, uint8_t flags, size_t len,
	       uint8_t fill)
{
	static uint8_t buf[4096];
	struct usctp_data_chunk d = {.flags = flags,
				     .tsn = tsn,
				     .sid = sid,
				     .ssn = ssn,
				     .ppid = fill,
				     .payload = buf,
				     .payload_len = len};
	memset(buf, fill, len);
	return usctp_rx_data(rx, &d);
}

/* The next read is a whole message of len bytes of fill on sid / ssn. */
static void expect(struct usctp_rx *rx, uint16_t sid, uint16_t ssn, size_t len, uint8_t fill)
{
	uint8_t out[4096];
	struct usctp_rcvinfo info;
	bool eor = false;
	assert_int_equal(usctp_rx_read(rx, out, sizeof out, &info, &eor), (int64_t)len);
	assert_true(eor);
	assert_int_equal(info.sid, sid);
	assert_int_equal(info.ssn, ssn);
	assert_int_equal(info.ppid, fill);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(out[i], fill);
}

/* Ends every partial delivery, as the association does before inheriting. */
static void end_partials(struct usctp_rx *rx)
{
	uint16_t sid;
	uint32_t ssn;
	for (int g = 0; g < 100 && usctp_rx_abort_partial(rx, &sid, &ssn) >= 0; g++)
		;
}

static void old_messages_first_even_on_streams_the_new_incarnation_lacks(void **st)
{
	(void)st;
	struct usctp_rx *old = usctp_rx_new(100, 10, 10000, 0);
	assert_int_equal(put(old, 100, 9, 0, BE, 50, 'a'), USCTP_RX_NEW);
	assert_int_equal(put(old, 101, 0, 0, BE, 60, 'b'), USCTP_RX_NEW);
	/* Incomplete: a message without its end, one without its start. */
	assert_int_equal(put(old, 102, 1, 0, USCTP_DATA_FLAG_B, 70, 'x'), USCTP_RX_NEW);
	assert_int_equal(put(old, 105, 2, 0, USCTP_DATA_FLAG_E, 80, 'y'), USCTP_RX_NEW);
	assert_int_equal(put(old, 106, 3, 0, USCTP_DATA_FLAG_U | USCTP_DATA_FLAG_B, 90, 'z'), USCTP_RX_NEW);
	end_partials(old);
	struct usctp_rx *rx = usctp_rx_new(5000, 2, 10000, 0);
	usctp_rx_inherit(rx, old);
	assert_int_equal(usctp_rx_old_count(rx), 1);
	/* Only the complete messages are still held. */
	assert_int_equal(usctp_rx_buffered(rx), 110);
	assert_int_equal(usctp_rx_a_rwnd(rx), 10000 - 110);
	assert_int_equal(put(rx, 5000, 0, 0, BE, 40, 'n'), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_a_rwnd(rx), 10000 - 150);
	assert_int_equal(usctp_rx_readable_bytes(rx), 150);
	expect(rx, 9, 0, 50, 'a');
	assert_int_equal(usctp_rx_a_rwnd(rx), 10000 - 100);
	expect(rx, 0, 0, 60, 'b');
	assert_int_equal(usctp_rx_old_count(rx), 0);
	expect(rx, 0, 0, 40, 'n');
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(usctp_rx_a_rwnd(rx), 10000);
	usctp_rx_del(rx);
}

/* At interleave level 2, a complete message read in part before the
 * restart is finished first, then the rest of the old messages. */
static void partly_read_complete_message_continues_at_level_2(void **st)
{
	(void)st;
	struct usctp_rx *old = usctp_rx_new(100, 4, 10000, 0);
	usctp_rx_set_frag_interleave(old, 2);
	assert_int_equal(put(old, 100, 1, 0, BE, 300, 'a'), USCTP_RX_NEW);
	assert_int_equal(put(old, 101, 2, 0, BE, 20, 'b'), USCTP_RX_NEW);
	uint8_t out[400];
	struct usctp_rcvinfo info;
	bool eor = true;
	assert_int_equal(usctp_rx_read(old, out, 100, &info, &eor), 100);
	assert_false(eor);
	end_partials(old);
	struct usctp_rx *rx = usctp_rx_new(1, 4, 10000, 0);
	usctp_rx_set_frag_interleave(rx, 2);
	usctp_rx_inherit(rx, old);
	assert_int_equal(put(rx, 1, 1, 0, BE, 10, 'n'), USCTP_RX_NEW);
	assert_int_equal(usctp_rx_read(rx, out + 100, 300, &info, &eor), 200);
	assert_true(eor);
	assert_int_equal(info.sid, 1);
	for (int i = 0; i < 300; i++)
		assert_int_equal(out[i], 'a');
	expect(rx, 2, 0, 20, 'b');
	expect(rx, 1, 0, 10, 'n');
	usctp_rx_del(rx);
}

/* Incarnations chain, oldest first; past USCTP_RX_MAX_OLD the oldest goes. */
static void incarnations_chain_in_order_up_to_the_bound(void **st)
{
	(void)st;
	struct usctp_rx *rx = usctp_rx_new(0, 1, 100000, 0);
	for (unsigned i = 0; i < USCTP_RX_MAX_OLD + 2; i++) {
		assert_int_equal(put(rx, 0, 0, 0, BE, 10, (uint8_t)('a' + i)), USCTP_RX_NEW);
		struct usctp_rx *n = usctp_rx_new(0, 1, 100000, 0);
		usctp_rx_inherit(n, rx);
		rx = n;
		unsigned want = i + 1 > USCTP_RX_MAX_OLD ? USCTP_RX_MAX_OLD : i + 1;
		assert_int_equal(usctp_rx_old_count(rx), want);
		assert_int_equal(usctp_rx_buffered(rx), 10 * want);
	}
	for (unsigned i = 2; i < USCTP_RX_MAX_OLD + 2; i++) {
		expect(rx, 0, 0, 10, (uint8_t)('a' + i));
		assert_int_equal(usctp_rx_old_count(rx), USCTP_RX_MAX_OLD + 1 - i);
	}
	assert_false(usctp_rx_readable(rx));
	assert_int_equal(usctp_rx_a_rwnd(rx), 100000);
	/* Two dropped at the bound, eight read. */
	assert_int_equal(usctp_rx_old_done(rx), USCTP_RX_MAX_OLD + 2);
	/* An old incarnation that holds nothing is not kept. */
	struct usctp_rx *n = usctp_rx_new(0, 1, 100000, 0);
	usctp_rx_inherit(n, rx);
	assert_int_equal(usctp_rx_old_count(n), 0);
	assert_int_equal(usctp_rx_old_done(n), USCTP_RX_MAX_OLD + 2);
	usctp_rx_del(n);
}

/* The old bytes close the window for the new incarnation's chunks that
 * extend the highest TSN. */
static void old_bytes_close_the_window(void **st)
{
	(void)st;
	struct usctp_rx *old = usctp_rx_new(0, 1, 4000, 0);
	for (uint16_t i = 0; i < 4; i++)
		assert_int_equal(put(old, i, 0, i, BE, 1000, 'o'), USCTP_RX_NEW);
	struct usctp_rx *rx = usctp_rx_new(0, 1, 4000, 0);
	usctp_rx_inherit(rx, old);
	assert_int_equal(usctp_rx_a_rwnd(rx), 0);
	assert_int_equal(put(rx, 0, 0, 0, BE, 100, 'n'), USCTP_RX_DROPPED);
	expect(rx, 0, 0, 1000, 'o');
	assert_int_equal(usctp_rx_a_rwnd(rx), 1000);
	assert_int_equal(put(rx, 0, 0, 0, BE, 100, 'n'), USCTP_RX_NEW);
	usctp_rx_del(rx); /* frees the old incarnations too (ASan) */
}

/* ------------------------------------------------------------------ */
/* Randomized: restarts, whole and incomplete messages, partial reads,  */
/* against a model of what must come out, and in which order.          */
/* ------------------------------------------------------------------ */

struct mmsg {
	uint32_t inc, tsn;
	uint16_t sid, ssn, len;
	uint8_t fill, flags;
};

#define MQ 4096
struct model {
	struct mmsg q[MQ]; /* expected reads, oldest first */
	unsigned qh, qt;
	uint32_t off;	     /* bytes of q[qh] read */
	uint64_t unread;     /* bytes of q not read */
	uint64_t incomplete; /* bytes of the current incarnation's incomplete messages */
	uint32_t inc, tsn;
	uint16_t next_ssn[4];
	uint16_t nstreams; /* the current incarnation's */
};

static unsigned distinct_incs(const struct model *m)
{
	unsigned n = 0;
	for (unsigned i = m->qh; i < m->qt; i++)
		if (i == m->qh || m->q[i].inc != m->q[i - 1].inc)
			n++;
	return n;
}

static void check(struct usctp_rx *rx, const struct model *m, uint32_t rcvbuf)
{
	assert_int_equal(usctp_rx_buffered(rx), m->unread + m->incomplete);
	assert_int_equal(usctp_rx_a_rwnd(rx), rcvbuf - m->unread - m->incomplete);
	assert_int_equal(usctp_rx_readable(rx), m->qh != m->qt);
}

static void random_restarts_lose_and_reorder_nothing(void **st)
{
	(void)st;
	const uint32_t rcvbuf = 100000;
	uint64_t seed = tu_seed(0x5EED0001);
	struct tu_rng r;
	tu_rng_seed(&r, seed);
	print_message("seed %llu\n", (unsigned long long)seed);
	static struct model m;
	memset(&m, 0, sizeof m);
	m.tsn = (uint32_t)tu_rng_next(&r);
	m.nstreams = 4;
	struct usctp_rx *rx = usctp_rx_new(m.tsn, m.nstreams, rcvbuf, 0);
	unsigned bound_hit = 0;
	for (int op = 0; op < 20000; op++) {
		/* Phases where the user reads eagerly, and where the peer
		 * restarts more often than the user reads (the bound). */
		uint64_t k = tu_rng_below(&r, 100), rd = (op / 1000) % 2 ? 45 : 10;
		if (k < 45 && m.qt < MQ && m.unread + m.incomplete < 20000) {
			/* A whole message, ordered or not. */
			struct mmsg x = {
			    .inc = m.inc, .tsn = m.tsn, .len = (uint16_t)(1 + tu_rng_below(&r, 300))};
			x.sid = (uint16_t)tu_rng_below(&r, m.nstreams);
			x.fill = (uint8_t)tu_rng_next(&r);
			x.flags = BE;
			if (tu_rng_chance(&r, 0.2))
				x.flags |= USCTP_DATA_FLAG_U;
			else
				x.ssn = m.next_ssn[x.sid]++;
			assert_int_equal(put(rx, x.tsn, x.sid, x.ssn, x.flags, x.len, x.fill), USCTP_RX_NEW);
			m.q[m.qt++] = x;
			m.unread += x.len;
			m.tsn++;
		} else if (k < 50 && m.unread + m.incomplete < 20000) {
			/* The start of an unordered message that never ends. */
			uint16_t len = (uint16_t)(1 + tu_rng_below(&r, 300));
			assert_int_equal(put(rx, m.tsn, (uint16_t)tu_rng_below(&r, m.nstreams), 0,
					     USCTP_DATA_FLAG_U | USCTP_DATA_FLAG_B, len, 0xee),
					 USCTP_RX_NEW);
			m.incomplete += len;
			m.tsn++;
		} else if (k < 50 + rd) {
			/* Read some. */
			uint8_t out[400];
			struct usctp_rcvinfo info;
			bool eor = false;
			size_t cap = 1 + tu_rng_below(&r, sizeof out);
			int64_t n = usctp_rx_read(rx, out, cap, &info, &eor);
			if (m.qh == m.qt) {
				assert_int_equal(n, USCTP_ERR_WOULDBLOCK);
			} else {
				const struct mmsg *x = &m.q[m.qh];
				size_t want = x->len - m.off < cap ? x->len - m.off : cap;
				assert_int_equal(n, (int64_t)want);
				assert_int_equal(info.tsn, x->tsn);
				assert_int_equal(info.sid, x->sid);
				assert_int_equal(info.ssn, x->ssn);
				for (size_t i = 0; i < want; i++)
					assert_int_equal(out[i], x->fill);
				m.off += (uint32_t)want;
				m.unread -= want;
				assert_int_equal(eor, m.off == x->len);
				if (eor) {
					m.qh++;
					m.off = 0;
				}
			}
		} else {
			/* The peer restarts. */
			end_partials(rx);
			m.tsn = (uint32_t)tu_rng_next(&r);
			m.nstreams = (uint16_t)(1 + tu_rng_below(&r, 4));
			struct usctp_rx *n = usctp_rx_new(m.tsn, m.nstreams, rcvbuf, 0);
			usctp_rx_inherit(n, rx);
			rx = n;
			m.incomplete = 0;
			m.inc++;
			memset(m.next_ssn, 0, sizeof m.next_ssn);
			/* Beyond the bound the oldest incarnation's messages go. */
			while (distinct_incs(&m) > USCTP_RX_MAX_OLD) {
				uint32_t oldest = m.q[m.qh].inc;
				for (; m.qh < m.qt && m.q[m.qh].inc == oldest; m.qh++) {
					m.unread -= m.q[m.qh].len - m.off;
					m.off = 0;
				}
			}
			assert_int_equal(usctp_rx_old_count(rx), distinct_incs(&m));
			bound_hit += distinct_incs(&m) == USCTP_RX_MAX_OLD;
		}
		if (m.qh == m.qt)
			m.qh = m.qt = 0;
		check(rx, &m, rcvbuf);
	}
	assert_true(bound_hit > 0); /* the test covers the bound */
	usctp_rx_del(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(old_messages_first_even_on_streams_the_new_incarnation_lacks),
	    cmocka_unit_test(partly_read_complete_message_continues_at_level_2),
	    cmocka_unit_test(incarnations_chain_in_order_up_to_the_bound),
	    cmocka_unit_test(old_bytes_close_the_window),
	    cmocka_unit_test(random_restarts_lose_and_reorder_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
