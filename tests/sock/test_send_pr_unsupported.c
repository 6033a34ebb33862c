/*
 * sctp_send(3): "The remaining flags are used for the partial reliability
 * extension (RFC3758) and will only be effective if the peer endpoint
 * supports this extension."
 *
 * The peer's support is switched with SCTP_PR_SUPPORTED (RFC 7496 4.5) on
 * its listener, before the association exists. The sender then sends TTL
 * and RTX messages through a period of loss (its remote UDP encapsulation
 * port points at a port nobody listens on) longer than their lifetime: with
 * PR-SCTP on both ends they are abandoned and reported with their context;
 * without it on the peer, every one is still delivered and none reported.
 */
#include "test_send_common.h"

union notif {
	union sctp_notification n;
	uint8_t b[2048];
};

static uint16_t dead_port;

/* Until the sockets layer routes SCTP_PR_SUPPORTED to src/sock/opts_pr.c
 * (its template bit in struct usctp_sockopts, copied into
 * usctp_assoc_config.pr_sctp), these tests cannot configure a peer: they
 * say so and skip rather than fail. */
static void need_pr_supported_option(void)
{
	int fd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(fd >= 0);
	struct sctp_assoc_value v = {.assoc_id = 0};
	socklen_t len = sizeof(v);
	int r = usctp_getsockopt(fd, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, &len);
	int e = errno;
	usctp_close(fd);
	if (r < 0 && e == ENOPROTOOPT) {
		print_message("SCTP_PR_SUPPORTED is not routed in src/sock/opts.c yet: skipped\n");
		skip();
	}
	assert_int_equal(r, 0);
}

static void set_pr(int fd, sctp_assoc_t id, uint32_t on)
{
	struct sctp_assoc_value v = {.assoc_id = id, .assoc_value = on};
	assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, sizeof(v)), 0);
}

/* SCTP_PR_SUPPORTED as getsockopt reports it (for id on one-to-many). */
static uint32_t get_pr(int fd, sctp_assoc_t id)
{
	struct sctp_assoc_value v = {.assoc_id = id, .assoc_value = 77};
	socklen_t len = sizeof(v);
	assert_int_equal(usctp_getsockopt(fd, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, &len), 0);
	assert_int_equal(len, sizeof(v));
	return v.assoc_value;
}

static void prep_sender(int c)
{
	ts_fast_rto(c);
	su_subscribe(c, SCTP_SEND_FAILED_EVENT);
}

static void peer_with_pr(int c, int l)
{
	(void)l;
	prep_sender(c);
}

static void peer_without_pr(int c, int l)
{
	prep_sender(c);
	set_pr(l, 0, 0); /* the listener's template: the accepted association's INIT ACK */
}

static void sender_without_pr(int c, int l)
{
	(void)l;
	prep_sender(c);
	set_pr(c, 0, 0);
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

static void send_pr(int c, const char *msg, uint16_t policy, uint32_t value, uint32_t context)
{
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = policy;
	snd.sinfo_timetolive = value;
	snd.sinfo_context = context;
	assert_int_equal(sctp_send(c, msg, strlen(msg), &snd, 0), (ssize_t)strlen(msg));
}

static const char *const msgs[] = {"ttl-1", "ttl-2", "rtx-0", "rtx-1"};
enum { NMSGS = 4 };

/* Through 700 ms of loss: two messages with a 100 ms lifetime, two allowed
 * no more than 0 and 1 retransmissions (the loss costs at least 3 RTOs). */
static void send_through_loss(int c)
{
	black_hole(c, true);
	send_pr(c, msgs[0], SCTP_PR_SCTP_TTL, 100, 0x7001);
	send_pr(c, msgs[1], SCTP_PR_SCTP_TTL, 100, 0x7002);
	send_pr(c, msgs[2], SCTP_PR_SCTP_RTX, 0, 0x7003);
	send_pr(c, msgs[3], SCTP_PR_SCTP_RTX, 1, 0x7004);
	usleep(700 * 1000);
	black_hole(c, false);
	assert_int_equal(sctp_send(c, "after", 5, NULL, 0), 5);
}

/* The receiver gets exactly want[0..n) in order, then nothing. */
static void expect_only(int a, const char *const *want, int n)
{
	char buf[256];
	for (int i = 0; i < n; i++) {
		ssize_t got = ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000);
		assert_int_equal(got, (ssize_t)strlen(want[i]));
		assert_memory_equal(buf, want[i], (size_t)got);
	}
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 300), -2);
}

/* Without PR-SCTP negotiated (either end off): every message arrives, in
 * order, and no failed-send notification comes. */
static void check_reliable(void (*prep)(int, int))
{
	int c, a;
	ts_pair(&c, &a, prep);
	assert_int_equal(get_pr(c, 0), 0); /* negotiated: no */
	assert_int_equal(get_pr(a, 0), 0);
	send_through_loss(c);
	const char *want[] = {msgs[0], msgs[1], msgs[2], msgs[3], "after"};
	expect_only(a, want, 5);
	union notif u;
	assert_true(su_wait_notification(c, SCTP_SEND_FAILED_EVENT, &u, sizeof(u), 300) < 0);
	usctp_close(c);
	usctp_close(a);
}

static void pr_messages_are_delivered_reliably_when_the_peer_does_not_support_pr_sctp(void **state)
{
	(void)state;
	need_pr_supported_option();
	check_reliable(peer_without_pr);
}

static void pr_messages_are_delivered_reliably_when_the_sender_turned_pr_sctp_off(void **state)
{
	(void)state;
	need_pr_supported_option();
	check_reliable(sender_without_pr);
}

static void pr_messages_are_abandoned_with_their_context_when_the_peer_supports_pr_sctp(void **state)
{
	(void)state;
	need_pr_supported_option();
	int c, a;
	ts_pair(&c, &a, peer_with_pr);
	assert_int_equal(get_pr(c, 0), 1);
	assert_int_equal(get_pr(a, 0), 1);
	send_through_loss(c);
	const char *want[] = {"after"};
	expect_only(a, want, 1);
	bool seen[NMSGS] = {false};
	for (int i = 0; i < NMSGS; i++) {
		union notif u;
		ssize_t n = su_wait_notification(c, SCTP_SEND_FAILED_EVENT, &u, sizeof(u), 1000);
		assert_true(n > 0);
		const struct sctp_send_failed_event *f = &u.n.sn_send_failed_event;
		uint32_t k = f->ssfe_info.snd_context - 0x7001;
		assert_true(k < NMSGS);
		assert_false(seen[k]);
		seen[k] = true;
		assert_int_equal((size_t)n, sizeof(*f) + strlen(msgs[k]));
		assert_memory_equal(f->ssfe_data, msgs[k], strlen(msgs[k]));
	}
	usctp_close(c);
	usctp_close(a);
}

static void pr_supported_is_on_by_default_and_set_for_future_associations_only(void **state)
{
	(void)state;
	need_pr_supported_option();
	/* One-to-one: the template before connecting, read-only after. */
	int c, a;
	ts_pair(&c, &a, NULL);
	assert_int_equal(get_pr(c, 0), 1);
	struct sctp_assoc_value v = {.assoc_id = 0, .assoc_value = 0};
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(get_pr(c, 0), 1);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, sizeof(v) - 1), -1);
	assert_int_equal(errno, EINVAL);
	usctp_close(c);
	usctp_close(a);
	int fresh = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(fresh >= 0);
	assert_int_equal(get_pr(fresh, 0), 1);
	set_pr(fresh, 0, 0);
	assert_int_equal(get_pr(fresh, 0), 0);
	set_pr(fresh, 0, 5); /* any non-zero value enables */
	assert_int_equal(get_pr(fresh, 0), 1);
	usctp_close(fresh);

	/* One-to-many: SCTP_FUTURE_ASSOC or an association, never CURRENT / ALL. */
	uint16_t port;
	int srv = ts_server(&port);
	int cli = ts_o2m_client();
	set_pr(cli, SCTP_FUTURE_ASSOC, 0);
	sctp_assoc_t id = ts_connect_o2m(cli, port);
	v.assoc_id = SCTP_CURRENT_ASSOC;
	assert_int_equal(usctp_setsockopt(cli, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	v.assoc_id = SCTP_ALL_ASSOC;
	assert_int_equal(usctp_setsockopt(cli, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	v.assoc_id = id;
	assert_int_equal(usctp_setsockopt(cli, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &v, sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	set_pr(cli, SCTP_FUTURE_ASSOC, 1); /* the template again: not the association */
	assert_int_equal(get_pr(cli, SCTP_FUTURE_ASSOC), 1);
	/* The association negotiated without it (wait for its handshake). */
	uint64_t end = su_ms() + 3000;
	struct sctp_status st;
	for (int i = 0; i < 300 && su_ms() < end; i++) {
		memset(&st, 0, sizeof(st));
		socklen_t len = sizeof(st);
		assert_int_equal(sctp_opt_info(cli, id, SCTP_STATUS, &st, &len), 0);
		if (st.sstat_state == SCTP_ESTABLISHED)
			break;
		usleep(10 * 1000);
	}
	assert_int_equal(st.sstat_state, SCTP_ESTABLISHED);
	assert_int_equal(get_pr(cli, id), 0);
	struct sctp_assoc_value info = {.assoc_value = 77};
	socklen_t len = sizeof(info);
	assert_int_equal(sctp_opt_info(cli, id, SCTP_PR_SUPPORTED, &info, &len), 0);
	assert_int_equal(info.assoc_value, 0);
	assert_int_equal(info.assoc_id, id);
	struct sctp_assoc_value bad = {.assoc_id = SCTP_CURRENT_ASSOC};
	len = sizeof(bad);
	assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_PR_SUPPORTED, &bad, &len), -1);
	assert_int_equal(errno, EINVAL);
	usctp_close(cli);
	usctp_close(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pr_messages_are_delivered_reliably_when_the_peer_does_not_support_pr_sctp),
	    cmocka_unit_test(pr_messages_are_delivered_reliably_when_the_sender_turned_pr_sctp_off),
	    cmocka_unit_test(pr_messages_are_abandoned_with_their_context_when_the_peer_supports_pr_sctp),
	    cmocka_unit_test(pr_supported_is_on_by_default_and_set_for_future_associations_only),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
