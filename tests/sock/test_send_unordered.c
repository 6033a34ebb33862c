/*
 * sctp_send(3), SCTP_UNORDERED: "the message being sent has no specific
 * order and should be delivered to the peer application as soon as
 * possible. When this flag is absent messages are delivered in order within
 * the stream they are sent."
 *
 * Over real sockets: an ordered message is lost (the sender's remote UDP
 * encapsulation port points at a port nobody listens on while it goes out),
 * so ordered messages after it on its stream are held back at the receiver
 * until its retransmission arrives; an unordered message sent after them on
 * the same stream overtakes all of them.
 */
#include "test_send_common.h"

/* RTOs well above the time the test needs to send its messages after the
 * loss, so the lost message is not retransmitted before they are sent, and
 * small enough to keep the test short. */
static void prep(int c, int l)
{
	(void)l;
	struct sctp_rtoinfo r = {.srto_assoc_id = 0, .srto_initial = 300, .srto_max = 400, .srto_min = 300};
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_RTOINFO, &r, sizeof(r)), 0);
	/* No holding of small messages while data is outstanding: each goes at once. */
	ts_setint(c, IPPROTO_SCTP, SCTP_NODELAY, 1);
}

static void set_remote_port(int c, uint16_t port)
{
	struct sctp_udpencaps u;
	memset(&u, 0, sizeof(u));
	u.sue_port = htons(port);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, sizeof(u)), 0);
}

static void send_on(int c, const char *msg, uint16_t stream, uint16_t flags)
{
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_stream = stream;
	snd.sinfo_flags = flags;
	assert_int_equal(sctp_send(c, msg, strlen(msg), &snd, 0), (ssize_t)strlen(msg));
}

/* The next data message on a: must be want; its receive info in *si. */
static void expect(int a, const char *want, struct sctp_sndrcvinfo *si, int timeout_ms)
{
	char buf[64];
	memset(si, 0, sizeof(*si));
	ssize_t n = ts_recv_data(a, buf, sizeof(buf), si, NULL, timeout_ms);
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(buf, want, (size_t)n);
}

static void unordered_message_overtakes_ordered_ones_held_back_in_its_stream(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep);
	uint16_t dead = su_free_udp_port();

	/* A (ordered, stream 1) goes into the hole: lost. */
	set_remote_port(c, dead);
	uint64_t t0 = su_ms();
	send_on(c, "A-ordered", 1, 0);
	assert_true(ts_quiet(a, 30)); /* really lost */
	set_remote_port(c, udp_port);

	/* C (ordered) then B (unordered) on the same stream, after A. */
	send_on(c, "C-ordered", 1, 0);
	send_on(c, "B-unordered", 1, SCTP_UNORDERED);

	/* B first, flagged unordered, and before A could be retransmitted:
	 * delivered as soon as it arrived, not after A. */
	struct sctp_sndrcvinfo sb, sa, sc;
	expect(a, "B-unordered", &sb, 250);
	assert_true(su_ms() - t0 < 300); /* before the first retransmission timeout */
	assert_true(sb.sinfo_flags & SCTP_UNORDERED);
	assert_int_equal(sb.sinfo_stream, 1);
	/* C arrived too but waits for A: nothing more until A's retransmission. */
	assert_true(ts_quiet(a, 100));

	/* Then A (retransmitted) and C, in order, not flagged. */
	expect(a, "A-ordered", &sa, 3000);
	expect(a, "C-ordered", &sc, 1000);
	assert_true(su_ms() - t0 >= 250); /* A needed its retransmission */
	assert_false(sa.sinfo_flags & SCTP_UNORDERED);
	assert_false(sc.sinfo_flags & SCTP_UNORDERED);
	assert_int_equal(sa.sinfo_stream, 1);
	assert_int_equal(sc.sinfo_stream, 1);
	assert_int_equal((uint16_t)(sc.sinfo_ssn - sa.sinfo_ssn), 1);
	/* Sent in the order A, C, B (TSNs), delivered B, A, C. */
	assert_true((int32_t)(sc.sinfo_tsn - sa.sinfo_tsn) > 0);
	assert_true((int32_t)(sb.sinfo_tsn - sc.sinfo_tsn) > 0);
	assert_true(ts_quiet(a, 100)); /* each message once */
	usctp_close(c);
	usctp_close(a);
}

static void without_the_flag_a_later_message_waits_for_the_lost_one(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep);
	uint16_t dead = su_free_udp_port();

	set_remote_port(c, dead);
	send_on(c, "first", 1, 0);
	assert_true(ts_quiet(a, 30));
	set_remote_port(c, udp_port);
	send_on(c, "second", 1, 0);
	/* "second" arrived but is held back behind "first" until it is retransmitted. */
	assert_true(ts_quiet(a, 150));
	struct sctp_sndrcvinfo s1, s2;
	expect(a, "first", &s1, 3000);
	expect(a, "second", &s2, 1000);
	assert_false(s1.sinfo_flags & SCTP_UNORDERED);
	assert_false(s2.sinfo_flags & SCTP_UNORDERED);
	usctp_close(c);
	usctp_close(a);
}

static void the_held_back_stream_does_not_hold_back_other_streams(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep);
	uint16_t dead = su_free_udp_port();

	set_remote_port(c, dead);
	send_on(c, "lost-on-1", 1, 0);
	assert_true(ts_quiet(a, 30));
	set_remote_port(c, udp_port);
	send_on(c, "next-on-1", 1, 0);
	send_on(c, "on-2", 2, 0); /* ordered, but within its own stream */
	struct sctp_sndrcvinfo si;
	expect(a, "on-2", &si, 250);
	assert_int_equal(si.sinfo_stream, 2);
	expect(a, "lost-on-1", &si, 3000);
	expect(a, "next-on-1", &si, 1000);
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unordered_message_overtakes_ordered_ones_held_back_in_its_stream),
	    cmocka_unit_test(without_the_flag_a_later_message_waits_for_the_lost_one),
	    cmocka_unit_test(the_held_back_stream_does_not_hold_back_other_streams),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
