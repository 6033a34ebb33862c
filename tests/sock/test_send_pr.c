/*
 * sctp_send(3): the PR-SCTP policies (SCTP_PR_SCTP_TTL, _BUF, _RTX with
 * sinfo_timetolive) and sinfo_context, which comes back in the failed-send
 * notification when a message cannot be delivered.
 *
 * Loss is real: the sender's association is black-holed by pointing its
 * remote UDP encapsulation port (SCTP_REMOTE_UDP_ENCAPS_PORT) at a port
 * nobody listens on, then pointed back; or the receiver stops reading so
 * its window closes. The receiver then checks what it got.
 */
#include <stdlib.h>

#include "test_send_common.h"

union notif {
	union sctp_notification n;
	uint8_t b[2048];
};

static uint16_t dead_port;

static void prep_pr(int c, int l)
{
	(void)l;
	ts_fast_rto(c);
	su_subscribe(c, SCTP_SEND_FAILED_EVENT);
}

/* Send c's packets to nowhere (on) or to the peer again (off). */
static void black_hole(int c, bool on)
{
	if (!dead_port)
		dead_port = su_free_udp_port();
	struct sctp_udpencaps u;
	memset(&u, 0, sizeof(u));
	u.sue_port = htons(on ? dead_port : udp_port);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, sizeof(u)), 0);
}

static ssize_t send_pr(int c, const char *msg, uint16_t policy, uint32_t value, uint32_t context)
{
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = policy;
	snd.sinfo_timetolive = value;
	snd.sinfo_context = context;
	memcpy(&snd.sinfo_ppid, "PPID", 4);
	return sctp_send(c, msg, strlen(msg), &snd, 0);
}

/* The next failed-send notification on c: its context; checks the message
 * it carries. 0 on timeout. */
static uint32_t next_failed(int c, const char *msg, uint16_t *flags, int timeout_ms)
{
	union notif u;
	ssize_t n = su_wait_notification(c, SCTP_SEND_FAILED_EVENT, &u, sizeof(u), timeout_ms);
	if (n <= 0)
		return 0;
	const struct sctp_send_failed_event *f = &u.n.sn_send_failed_event;
	if (msg) {
		assert_int_equal((size_t)n, sizeof(*f) + strlen(msg));
		assert_memory_equal(f->ssfe_data, msg, strlen(msg));
	}
	assert_memory_equal(&f->ssfe_info.snd_ppid, "PPID", 4);
	if (flags)
		*flags = f->ssfe_flags;
	return f->ssfe_info.snd_context;
}

/* The receiver gets exactly the messages in want (in order), nothing else. */
static void expect_only(int a, const char *const *want, int n)
{
	char buf[4096];
	for (int i = 0; i < n; i++) {
		ssize_t got = ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000);
		assert_int_equal(got, (ssize_t)strlen(want[i]));
		assert_memory_equal(buf, want[i], (size_t)got);
	}
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 300), -2);
}

static void ttl_skips_data_not_acknowledged_in_time_and_reports_its_context(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep_pr);
	black_hole(c, true);
	uint64_t t0 = su_ms();
	assert_int_equal(send_pr(c, "ttl", SCTP_PR_SCTP_TTL, 150, 0x1111), 3);
	uint16_t flags = 0;
	assert_int_equal(next_failed(c, "ttl", &flags, 3000), 0x1111);
	assert_true(su_ms() - t0 >= 140);	 /* not before its time */
	assert_int_equal(flags, SCTP_DATA_SENT); /* it went out, into the hole */
	black_hole(c, false);
	assert_int_equal(sctp_send(c, "after", 5, NULL, 0), 5);
	const char *want[] = {"after"};
	expect_only(a, want, 1);
	usctp_close(c);
	usctp_close(a);
}

static void small_peer_window(int c, int l)
{
	prep_pr(c, l);
	ts_setint(l, SOL_SOCKET, SO_RCVBUF, 4096); /* for the accepted association */
}

static void ttl_may_expire_before_the_first_transmission(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, small_peer_window);
	/* The receiver does not read: its window closes, the rest waits. */
	static char big[3000];
	memset(big, 'r', sizeof(big) - 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(sctp_send(c, big, strlen(big), NULL, 0), (ssize_t)strlen(big));
	assert_int_equal(send_pr(c, "late", SCTP_PR_SCTP_TTL, 100, 0x2222), 4);
	uint16_t flags = 0;
	assert_int_equal(next_failed(c, "late", &flags, 3000), 0x2222);
	assert_int_equal(flags, SCTP_DATA_UNSENT);
	assert_int_equal(sctp_send(c, "end", 3, NULL, 0), 3);
	const char *want[] = {big, big, big, big, "end"};
	expect_only(a, want, 5);
	usctp_close(c);
	usctp_close(a);
}

static void buf_skips_older_buffered_messages_past_the_byte_limit(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep_pr);
	black_hole(c, true); /* nothing is acknowledged: all stays queued */
	static char m[4][1001];
	for (int i = 0; i < 4; i++) {
		memset(m[i], '1' + i, 1000);
		/* A limit of 2500 bytes: the fourth finds 3000 queued, and the
		 * oldest buffer-policy message is skipped to make room. */
		assert_int_equal(send_pr(c, m[i], SCTP_PR_SCTP_BUF, 2500, 100u + (uint32_t)i), 1000);
	}
	assert_int_equal(next_failed(c, m[0], NULL, 1000), 100);
	assert_int_equal(next_failed(c, NULL, NULL, 200), 0); /* only that one */
	black_hole(c, false);
	const char *want[] = {m[1], m[2], m[3]};
	expect_only(a, want, 3);
	usctp_close(c);
	usctp_close(a);
}

static void buf_never_sends_a_message_when_the_limit_is_already_reached(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep_pr);
	black_hole(c, true);
	static char rel[2001];
	memset(rel, 'r', 2000);
	assert_int_equal(sctp_send(c, rel, 2000, NULL, 0), 2000); /* reliable */
	/* 2000 bytes queued, limit 1000, no buffer-policy message to remove. */
	assert_int_equal(send_pr(c, "never", SCTP_PR_SCTP_BUF, 1000, 0x4444), 5);
	uint16_t flags = 0;
	assert_int_equal(next_failed(c, "never", &flags, 1000), 0x4444);
	assert_int_equal(flags, SCTP_DATA_UNSENT);
	black_hole(c, false);
	const char *want[] = {rel};
	expect_only(a, want, 1);
	usctp_close(c);
	usctp_close(a);
}

static void rtx_sends_once_then_skips_after_the_allowed_retransmissions(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep_pr);
	black_hole(c, true);
	uint64_t t0 = su_ms();
	/* No retransmission allowed: still sent once. */
	assert_int_equal(send_pr(c, "rtx0", SCTP_PR_SCTP_RTX, 0, 0x5550), 4);
	uint16_t flags = 0;
	assert_int_equal(next_failed(c, "rtx0", &flags, 3000), 0x5550);
	assert_int_equal(flags, SCTP_DATA_SENT);
	uint64_t one = su_ms() - t0;
	assert_true(one >= 40); /* at least one retransmission timeout (RTO min 50 ms) */
	/* Two allowed: given up later, after more timeouts. */
	t0 = su_ms();
	assert_int_equal(send_pr(c, "rtx2", SCTP_PR_SCTP_RTX, 2, 0x5552), 4);
	assert_int_equal(next_failed(c, "rtx2", &flags, 5000), 0x5552);
	assert_int_equal(flags, SCTP_DATA_SENT);
	assert_true(su_ms() - t0 > one);
	black_hole(c, false);
	assert_int_equal(sctp_send(c, "after", 5, NULL, 0), 5);
	const char *want[] = {"after"};
	expect_only(a, want, 1);
	usctp_close(c);
	usctp_close(a);
}

static void prep_fail(int c, int l)
{
	prep_pr(c, l);
	su_subscribe(c, SCTP_ASSOC_CHANGE);
	struct sctp_assocparams p;
	memset(&p, 0, sizeof(p));
	p.sasoc_asocmaxrxt = 2;
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_ASSOCINFO, &p, sizeof(p)), 0);
}

static void context_comes_back_when_the_association_fails_with_data_undelivered(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, prep_fail);
	black_hole(c, true);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(send_pr(c, "doomed", 0, 0, 10 + i), 6);
	/* Each message once, with its context, and the association is lost. */
	int seen[3] = {0, 0, 0};
	bool lost = false;
	uint64_t end = su_ms() + 8000;
	while (su_ms() < end && !(lost && seen[0] && seen[1] && seen[2])) {
		union notif u;
		int flags = 0;
		ssize_t n = su_recv(c, &u, sizeof(u), NULL, &flags, (int)(end - su_ms()) + 1);
		if (n == -2)
			break;
		if (n < 0) {
			assert_true(errno == EAGAIN || errno == ECONNRESET);
			continue;
		}
		assert_true(flags & MSG_NOTIFICATION);
		if (u.n.sn_header.sn_type == SCTP_ASSOC_CHANGE) {
			if (u.n.sn_assoc_change.sac_state == SCTP_COMM_LOST)
				lost = true;
			continue;
		}
		assert_int_equal(u.n.sn_header.sn_type, SCTP_SEND_FAILED_EVENT);
		const struct sctp_send_failed_event *f = &u.n.sn_send_failed_event;
		uint32_t ctx = f->ssfe_info.snd_context;
		assert_true(ctx >= 10 && ctx <= 12);
		assert_memory_equal(f->ssfe_data, "doomed", 6);
		seen[ctx - 10]++;
	}
	assert_true(lost);
	for (int i = 0; i < 3; i++)
		assert_int_equal(seen[i], 1);
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ttl_skips_data_not_acknowledged_in_time_and_reports_its_context),
	    cmocka_unit_test(ttl_may_expire_before_the_first_transmission),
	    cmocka_unit_test(buf_skips_older_buffered_messages_past_the_byte_limit),
	    cmocka_unit_test(buf_never_sends_a_message_when_the_limit_is_already_reached),
	    cmocka_unit_test(rtx_sends_once_then_skips_after_the_allowed_retransmissions),
	    cmocka_unit_test(context_comes_back_when_the_association_fails_with_data_undelivered),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
