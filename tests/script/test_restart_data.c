/*
 * Received data across a peer restart (RFC 9260 5.2.4 A, COOKIE ECHO of a
 * new incarnation). Complete messages received before the restart were
 * acknowledged, so the old peer's sender counted them as delivered: they
 * must all still be read, in their order, before the new incarnation's data
 * (whose SSNs start again at 0). A message the user had begun reading and
 * that can no longer complete ends with PARTIAL_DELIVERY_ABORTED, never
 * spliced onto another. RESTART separates the two incarnations' data: it is
 * reported once the old messages are read (or before any later event).
 * Their bytes count against the receive window until read.
 */
#include <string.h>

#include "lib_script.h"

static const uint8_t BE = USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E;
#define NEW_TAG 0x12121212u
#define NEW_ITSN 7000u

static void setup(struct scr *s, uint64_t seed)
{
	scr_init(s, seed);
	s->cfg.pd_point = 1000;
	s->cfg.sack_freq = 1; /* every DATA packet acknowledged at once */
	scr_accept(s);
}

/* Feed a whole message (one chunk) and take the SACK; returns its a_rwnd. */
static uint32_t feed_msg(struct scr *s, uint16_t sid, uint16_t ssn, uint8_t flags, const void *p, size_t len)
{
	assert_int_equal(scr_feed_data(s, s->peer_tsn, sid, ssn, flags, p, len), 0);
	scr_expect_npkts(s, 1);
	struct usctp_chunk c = scr_chunk(&s->out[0], 0);
	assert_int_equal(c.type, USCTP_CHUNK_SACK);
	struct usctp_sack_chunk k;
	assert_int_equal(usctp_sack_parse(&c, &k), 0);
	assert_int_equal(k.cum_tsn, s->peer_tsn); /* accepted */
	s->peer_tsn++;
	return k.a_rwnd;
}

/* The peer restarts: INIT with a new tag and initial TSN, then COOKIE ECHO;
 * the association answers COOKIE ACK. The script then numbers from itsn.
 * Returns the INIT ACK's a_rwnd. */
static uint32_t peer_restarts(struct scr *s, uint32_t tag, uint32_t itsn)
{
	uint8_t buf[SCR_PKT_MAX];
	s->now += MS(50);
	size_t n = scr_build_init(s, buf, sizeof(buf), tag, itsn, NULL, 0);
	assert_int_equal(usctp_assoc_read_pkt(s->a, &s->peer, buf, n, s->now), 0);
	scr_expect_npkts(s, 1);
	struct usctp_chunk c = scr_chunk(&s->out[0], 0);
	assert_int_equal(c.type, USCTP_CHUNK_INIT_ACK);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	assert_int_equal(usctp_init_parse(&c, &ia), 0);
	assert_int_equal(usctp_init_params_parse(ia.params, ia.params_len, &ip), 0);
	assert_non_null(ip.cookie);
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), ia.init_tag);
	usctp_build_cookie_echo(&w, ip.cookie, ip.cookie_len);
	usctp_build_finish(&w);
	assert_int_equal(usctp_assoc_read_pkt(s->a, &s->peer, w.buf, w.len, s->now), 0);
	scr_expect_npkts(s, 1);
	scr_assert_types(&s->out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	assert_int_equal(usctp_assoc_local_vtag(s->a), ia.init_tag);
	assert_int_equal(usctp_assoc_state(s->a), USCTP_ESTABLISHED);
	s->our_tag = ia.init_tag;
	s->peer_tag = tag;
	s->peer_tsn = itsn;
	return ia.a_rwnd;
}

/* The next read is exactly this whole message. */
static void expect_msg(struct scr *s, uint16_t sid, uint16_t ssn, uint32_t tsn, const void *p, size_t len)
{
	uint8_t rb[2048];
	struct usctp_rcvinfo ri;
	bool eor = false;
	assert_int_equal(usctp_assoc_recv(s->a, rb, sizeof rb, &ri, &eor, s->now), (int64_t)len);
	assert_true(eor);
	assert_memory_equal(rb, p, len);
	assert_int_equal(ri.sid, sid);
	assert_int_equal(ri.ssn, ssn);
	assert_int_equal(ri.tsn, tsn);
}

static void expect_nothing_readable(struct scr *s)
{
	uint8_t rb[16];
	struct usctp_rcvinfo ri;
	bool eor;
	assert_false(usctp_assoc_readable(s->a));
	assert_int_equal(usctp_assoc_recv(s->a, rb, sizeof rb, &ri, &eor, s->now), USCTP_ERR_WOULDBLOCK);
}

static void expect_restart(struct scr *s)
{
	struct usctp_event ev = scr_pop_event(s, USCTP_EV_RESTART);
	assert_int_equal(ev.outbound_streams, 10);
	usctp_event_clear(&ev);
}

static uint32_t readable_bytes(struct scr *s)
{
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s->a, &as);
	return as.readable_bytes;
}

static void unread_messages_read_after_restart_in_order_before_new_data(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 901);
	uint32_t t0 = s.peer_tsn;
	feed_msg(&s, 0, 0, BE, "old-a", 5);
	feed_msg(&s, 1, 0, BE, "old-b", 5);
	feed_msg(&s, 0, 1, BE, "old-c", 5);
	feed_msg(&s, 0, 2, BE | USCTP_DATA_FLAG_U, "old-u", 5);
	peer_restarts(&s, NEW_TAG, NEW_ITSN);
	/* RESTART is held back behind the old messages. */
	scr_expect_no_event(&s);
	assert_int_equal(readable_bytes(&s), 20);
	/* The new incarnation numbers SSNs from 0 on the same streams. */
	feed_msg(&s, 0, 0, BE, "new-a", 5);
	feed_msg(&s, 1, 0, BE, "new-b", 5);
	assert_int_equal(readable_bytes(&s), 30);
	expect_msg(&s, 0, 0, t0, "old-a", 5);
	expect_msg(&s, 1, 0, t0 + 1, "old-b", 5);
	expect_msg(&s, 0, 1, t0 + 2, "old-c", 5);
	scr_expect_no_event(&s);
	expect_msg(&s, 0, 2, t0 + 3, "old-u", 5);
	/* The old incarnation's data all read: now the restart, then the new. */
	expect_restart(&s);
	scr_expect_no_event(&s);
	expect_msg(&s, 0, 0, NEW_ITSN, "new-a", 5);
	expect_msg(&s, 1, 0, NEW_ITSN + 1, "new-b", 5);
	expect_nothing_readable(&s);
	scr_free(&s);
}

static void restart_reported_at_once_when_nothing_is_left_to_read(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 902);
	feed_msg(&s, 0, 0, BE, "read", 4);
	expect_msg(&s, 0, 0, s.peer_tsn - 1, "read", 4);
	/* An incomplete message (never begun) is not kept either. */
	uint8_t frag[100];
	memset(frag, 'i', sizeof frag);
	feed_msg(&s, 2, 0, USCTP_DATA_FLAG_B, frag, sizeof frag);
	peer_restarts(&s, NEW_TAG, NEW_ITSN);
	expect_restart(&s);
	scr_expect_no_event(&s);
	expect_nothing_readable(&s);
	scr_free(&s);
}

/*
 * A message in partial delivery the user has read part of: the restart
 * ends it with PARTIAL_DELIVERY_ABORTED, and the next read returns the
 * complete message that waited behind it, from its start (not spliced).
 */
static void half_read_message_aborted_not_spliced(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 903);
	uint8_t frag[1000];
	memset(frag, 'p', sizeof frag);
	uint32_t t0 = s.peer_tsn;
	feed_msg(&s, 1, 0, USCTP_DATA_FLAG_B, frag, sizeof frag);
	uint8_t rb[1000];
	struct usctp_rcvinfo ri;
	bool eor = true;
	assert_int_equal(usctp_assoc_recv(s.a, rb, 600, &ri, &eor, s.now), 600);
	assert_false(eor);
	feed_msg(&s, 2, 0, BE, "late", 4);
	/* Another incomplete message the user never saw: dropped silently. */
	feed_msg(&s, 3, 0, USCTP_DATA_FLAG_B, "xx", 2);
	peer_restarts(&s, NEW_TAG, NEW_ITSN);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_PARTIAL_DELIVERY_ABORTED);
	assert_int_equal(ev.pd_sid, 1);
	assert_int_equal(ev.pd_ssn, 0);
	usctp_event_clear(&ev);
	scr_expect_no_event(&s);
	/* The rest of the new incarnation's message on stream 1 must not be
	 * taken for the rest of the aborted one either. */
	feed_msg(&s, 1, 0, BE, "new", 3);
	assert_int_equal(readable_bytes(&s), 4 + 3);
	expect_msg(&s, 2, 0, t0 + 1, "late", 4);
	expect_restart(&s);
	expect_msg(&s, 1, 0, NEW_ITSN, "new", 3);
	expect_nothing_readable(&s);
	scr_free(&s);
}

/* A complete message the user has read part of (small buffer) is simply
 * finished after the restart: no event, nothing lost. */
static void half_read_complete_message_finished_after_restart(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 904);
	uint8_t msg[300];
	for (unsigned i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)i;
	uint32_t t0 = s.peer_tsn;
	feed_msg(&s, 4, 0, BE, msg, sizeof msg);
	feed_msg(&s, 4, 1, BE, "next", 4);
	uint8_t rb[300];
	struct usctp_rcvinfo ri;
	bool eor = true;
	assert_int_equal(usctp_assoc_recv(s.a, rb, 100, &ri, &eor, s.now), 100);
	assert_false(eor);
	peer_restarts(&s, NEW_TAG, NEW_ITSN);
	scr_expect_no_event(&s);
	feed_msg(&s, 4, 0, BE, "new", 3);
	assert_int_equal(usctp_assoc_recv(s.a, rb + 100, 200, &ri, &eor, s.now), 200);
	assert_true(eor);
	assert_memory_equal(rb, msg, sizeof msg);
	assert_int_equal(ri.sid, 4);
	assert_int_equal(ri.tsn, t0);
	expect_msg(&s, 4, 1, t0 + 1, "next", 4);
	expect_restart(&s);
	expect_msg(&s, 4, 0, NEW_ITSN, "new", 3);
	scr_free(&s);
}

/*
 * a_rwnd counts the old messages' bytes until they are read: the new
 * incarnation's first SACK announces rcvbuf minus everything held, and
 * reading the old messages opens the window again (window update SACK).
 */
static void window_accounts_old_messages_until_read(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 905);
	s.cfg.sack_freq = 1;
	s.cfg.rcvbuf = 8000;
	scr_accept(&s);
	uint8_t big[1200];
	memset(big, 'o', sizeof big);
	uint32_t t0 = s.peer_tsn;
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(feed_msg(&s, 0, (uint16_t)i, BE, big, sizeof big), 8000 - 1200 * (i + 1));
	/* The INIT ACK already offers only the room the old messages leave. */
	assert_int_equal(peer_restarts(&s, NEW_TAG, NEW_ITSN), 8000 - 4800);
	assert_int_equal(feed_msg(&s, 0, 0, BE, "new", 3), 8000 - 4800 - 3);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.local_rwnd, 8000 - 4800 - 3);
	/* The new incarnation cannot push past the window the old bytes
	 * leave: while it is open a chunk is taken (the last one may pass it,
	 * 6.1 A), once it is closed the next above it is not. */
	uint8_t fill[1400];
	memset(fill, 'f', sizeof fill);
	assert_int_equal(feed_msg(&s, 1, 0, BE, fill, sizeof fill), 8000 - 4800 - 3 - 1400);
	assert_int_equal(feed_msg(&s, 1, 1, BE, fill, sizeof fill), 8000 - 4800 - 3 - 2 * 1400);
	assert_int_equal(feed_msg(&s, 1, 2, BE, fill, sizeof fill), 0);
	assert_int_equal(scr_feed_data(&s, s.peer_tsn, 1, 3, BE, fill, sizeof fill), 0);
	scr_expect_npkts(&s, 1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_sack_chunk k;
	assert_int_equal(usctp_sack_parse(&c, &k), 0);
	assert_int_equal(k.cum_tsn, s.peer_tsn - 1); /* dropped, not acknowledged */
	assert_int_equal(k.a_rwnd, 0);
	/* Reading the old messages gives their room back. */
	for (unsigned i = 0; i < 4; i++)
		expect_msg(&s, 0, (uint16_t)i, t0 + i, big, sizeof big);
	expect_restart(&s);
	scr_expect_npkts(&s, 1);
	c = scr_chunk(&s.out[0], 0);
	assert_int_equal(c.type, USCTP_CHUNK_SACK);
	assert_int_equal(usctp_sack_parse(&c, &k), 0);
	assert_int_equal(k.a_rwnd, 8000 - 3 - 3 * 1400);
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.local_rwnd, 8000 - 3 - 3 * 1400);
	expect_msg(&s, 0, 0, NEW_ITSN, "new", 3);
	scr_free(&s);
}

/* With less room left than that, the INIT ACK still offers the 1500 bytes
 * RFC 9260 3.3.3 requires; what passes the real window is dropped. */
static void restart_init_ack_offers_at_least_1500_bytes(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 909);
	s.cfg.sack_freq = 1;
	s.cfg.rcvbuf = 4000;
	scr_accept(&s);
	uint8_t big[1000];
	memset(big, 'o', sizeof big);
	uint32_t t0 = s.peer_tsn;
	for (unsigned i = 0; i < 3; i++)
		feed_msg(&s, 0, (uint16_t)i, BE, big, sizeof big);
	assert_int_equal(peer_restarts(&s, NEW_TAG, NEW_ITSN), 1500);
	assert_int_equal(feed_msg(&s, 0, 0, BE, big, sizeof big), 0);
	assert_int_equal(scr_feed_data(&s, s.peer_tsn, 0, 1, BE, big, sizeof big), 0);
	scr_expect_npkts(&s, 1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_sack_chunk k;
	assert_int_equal(usctp_sack_parse(&c, &k), 0);
	assert_int_equal(k.cum_tsn, s.peer_tsn - 1);
	for (unsigned i = 0; i < 3; i++)
		expect_msg(&s, 0, (uint16_t)i, t0 + i, big, sizeof big);
	expect_restart(&s);
	expect_msg(&s, 0, 0, NEW_ITSN, big, sizeof big);
	expect_nothing_readable(&s);
	scr_free(&s);
}

/* Two restarts before the user reads: each incarnation's messages, then
 * its RESTART, in order. */
static void two_restarts_keep_each_incarnations_messages_in_order(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 906);
	uint32_t t0 = s.peer_tsn;
	feed_msg(&s, 0, 0, BE, "one", 3);
	peer_restarts(&s, NEW_TAG, NEW_ITSN);
	scr_expect_no_event(&s);
	feed_msg(&s, 0, 0, BE, "two", 3);
	peer_restarts(&s, NEW_TAG + 1, 9000);
	scr_expect_no_event(&s);
	feed_msg(&s, 0, 0, BE, "three", 5);
	expect_msg(&s, 0, 0, t0, "one", 3);
	expect_restart(&s);
	scr_expect_no_event(&s);
	expect_msg(&s, 0, 0, NEW_ITSN, "two", 3);
	expect_restart(&s);
	scr_expect_no_event(&s);
	expect_msg(&s, 0, 0, 9000, "three", 5);
	expect_nothing_readable(&s);
	scr_free(&s);
}

/* The second incarnation left nothing to read: both RESTARTs come once the
 * first incarnation's messages are read, in order. */
static void restart_of_an_empty_incarnation_waits_behind_the_older_data(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 908);
	uint32_t t0 = s.peer_tsn;
	feed_msg(&s, 0, 0, BE, "one", 3);
	peer_restarts(&s, NEW_TAG, NEW_ITSN);
	peer_restarts(&s, NEW_TAG + 1, 9000);
	scr_expect_no_event(&s);
	feed_msg(&s, 0, 0, BE, "three", 5);
	expect_msg(&s, 0, 0, t0, "one", 3);
	expect_restart(&s);
	expect_restart(&s);
	scr_expect_no_event(&s);
	expect_msg(&s, 0, 0, 9000, "three", 5);
	expect_nothing_readable(&s);
	scr_free(&s);
}

/* An event after the restart (here the new incarnation's ABORT) does not
 * overtake the RESTART; the old messages stay readable after the end. */
static void later_event_does_not_overtake_held_back_restart(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 907);
	uint32_t t0 = s.peer_tsn;
	feed_msg(&s, 0, 0, BE, "old", 3);
	peer_restarts(&s, NEW_TAG, NEW_ITSN);
	feed_msg(&s, 0, 0, BE, "new", 3);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ABORT, 0, NULL, 0);
	assert_true(usctp_assoc_is_dead(s.a));
	expect_restart(&s);
	scr_expect_event(&s, USCTP_EV_COMM_LOST);
	scr_expect_no_event(&s);
	expect_msg(&s, 0, 0, t0, "old", 3);
	expect_msg(&s, 0, 0, NEW_ITSN, "new", 3);
	scr_expect_no_event(&s);
	expect_nothing_readable(&s);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unread_messages_read_after_restart_in_order_before_new_data),
	    cmocka_unit_test(restart_reported_at_once_when_nothing_is_left_to_read),
	    cmocka_unit_test(half_read_message_aborted_not_spliced),
	    cmocka_unit_test(half_read_complete_message_finished_after_restart),
	    cmocka_unit_test(window_accounts_old_messages_until_read),
	    cmocka_unit_test(restart_init_ack_offers_at_least_1500_bytes),
	    cmocka_unit_test(two_restarts_keep_each_incarnations_messages_in_order),
	    cmocka_unit_test(restart_of_an_empty_incarnation_waits_behind_the_older_data),
	    cmocka_unit_test(later_event_does_not_overtake_held_back_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
