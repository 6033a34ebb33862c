/*
 * sctp_send(3)'s flags through the API: SCTP_UNORDERED, SCTP_EOF (with and
 * without data), SCTP_ABORT (the message is the reason), SCTP_ADDR_OVER,
 * PR-SCTP policies, and SCTP_DEFAULT_SEND_PARAM for a NULL sinfo.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "sockutil.h"
#include "testutil.h"

static uint16_t udp_port;

static int setup(void **state)
{
	(void)state;
	udp_port = su_start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	usctp_finish();
	return 0;
}

static void pair(int *c, int *a, bool events)
{
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	assert_true(l >= 0);
	if (events)
		su_subscribe(l, SCTP_ASSOC_CHANGE);
	*c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(*c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(*c, (struct sockaddr *)&ss, len), 0);
	assert_true(su_poll(l, POLLIN, 3000) & POLLIN);
	*a = usctp_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	usctp_close(l);
}

static void unordered_messages_are_flagged_on_arrival(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a, false);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_UNORDERED;
	assert_int_equal(sctp_send(c, "u", 1, &snd, 0), 1);
	struct sctp_sndrcvinfo si;
	char buf[8];
	assert_int_equal(su_recv(a, buf, sizeof(buf), &si, NULL, 3000), 1);
	assert_true(si.sinfo_flags & SCTP_UNORDERED);
	snd.sinfo_flags = 0;
	assert_int_equal(sctp_send(c, "o", 1, &snd, 0), 1);
	assert_int_equal(su_recv(a, buf, sizeof(buf), &si, NULL, 3000), 1);
	assert_false(si.sinfo_flags & SCTP_UNORDERED);
	usctp_close(c);
	usctp_close(a);
}

static void eof_with_data_delivers_it_then_shuts_down(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a, false);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_EOF;
	assert_int_equal(sctp_send(c, "last", 4, &snd, 0), 4);
	char buf[8];
	assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, NULL, 3000), 4);
	assert_memory_equal(buf, "last", 4);
	assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, NULL, 3000), 0); /* EOF */
	/* The sender can send no more. */
	snd.sinfo_flags = 0;
	assert_int_equal(sctp_send(c, "x", 1, &snd, 0), -1);
	usctp_close(c);
	usctp_close(a);
}

static void eof_without_data_just_shuts_down(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a, false);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_EOF;
	assert_int_equal(sctp_send(c, NULL, 0, &snd, 0), 0);
	char buf[8];
	assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, NULL, 3000), 0);
	usctp_close(c);
	usctp_close(a);
}

static void abort_sends_the_message_as_the_reason(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a, true);
	union {
		union sctp_notification n;
		uint8_t b[512];
	} u;
	assert_true(su_wait_notification(a, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0); /* COMM_UP */
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_ABORT;
	assert_true(sctp_send(c, "bye!", 4, &snd, 0) >= 0);
	ssize_t n = su_wait_notification(a, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000);
	assert_true(n > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_LOST);
	/* sac_info: the ABORT's causes, a User-Initiated Abort carrying "bye!". */
	assert_true(n >= (ssize_t)sizeof(struct sctp_assoc_change) + 8);
	const uint8_t *cause = u.n.sn_assoc_change.sac_info;
	assert_int_equal((cause[0] << 8) | cause[1], 12);
	assert_memory_equal(cause + 4, "bye!", 4);
	usctp_close(c);
	usctp_close(a);
}

static void addr_over_sends_to_the_given_address(void **state)
{
	(void)state;
	uint16_t sport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &sport);
	su_encaps(srv, udp_port);
	int cli = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(cli, udp_port);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, sport, &to);
	assert_int_equal(sctp_sendmsg(cli, "a", 1, (struct sockaddr *)&to, tolen, 0, SCTP_ADDR_OVER, 0, 0, 0),
			 1);
	char buf[4];
	assert_int_equal(su_recv(srv, buf, sizeof(buf), NULL, NULL, 3000), 1);
	assert_int_equal(sctp_sendmsg(cli, "b", 1, (struct sockaddr *)&to, tolen, 0, SCTP_ADDR_OVER, 0, 0, 0),
			 1);
	assert_int_equal(su_recv(srv, buf, sizeof(buf), NULL, NULL, 3000), 1);
	usctp_close(cli);
	usctp_close(srv);
}

static void pr_policies_are_accepted_and_bad_ones_refused(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a, false);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	const uint16_t pol[] = {SCTP_PR_SCTP_TTL, SCTP_PR_SCTP_BUF, SCTP_PR_SCTP_RTX};
	char buf[8];
	for (int i = 0; i < 3; i++) {
		snd.sinfo_flags = pol[i];
		snd.sinfo_timetolive = 100000;
		assert_int_equal(sctp_send(c, "pr", 2, &snd, 0), 2);
		assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, NULL, 3000), 2);
	}
	snd.sinfo_flags = 0x000f & 7; /* no such policy */
	assert_int_equal(sctp_send(c, "pr", 2, &snd, 0), -1);
	assert_int_equal(errno, EINVAL);
	usctp_close(c);
	usctp_close(a);
}

static void a_null_sinfo_uses_the_default_send_parameters(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a, false);
	struct sctp_sndrcvinfo def;
	memset(&def, 0, sizeof(def));
	def.sinfo_stream = 4;
	def.sinfo_ppid = htonl(99);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, &def, sizeof(def)), 0);
	assert_int_equal(sctp_send(c, "d", 1, NULL, 0), 1);
	struct sctp_sndrcvinfo si;
	char buf[4];
	assert_int_equal(su_recv(a, buf, sizeof(buf), &si, NULL, 3000), 1);
	assert_int_equal(si.sinfo_stream, 4);
	assert_int_equal(ntohl(si.sinfo_ppid), 99);
	/* A stream beyond what was negotiated is refused. */
	struct sctp_sndrcvinfo bad;
	memset(&bad, 0, sizeof(bad));
	bad.sinfo_stream = 5000;
	assert_int_equal(sctp_send(c, "s", 1, &bad, 0), -1);
	assert_int_equal(errno, EINVAL);
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unordered_messages_are_flagged_on_arrival),
	    cmocka_unit_test(eof_with_data_delivers_it_then_shuts_down),
	    cmocka_unit_test(eof_without_data_just_shuts_down),
	    cmocka_unit_test(abort_sends_the_message_as_the_reason),
	    cmocka_unit_test(addr_over_sends_to_the_given_address),
	    cmocka_unit_test(pr_policies_are_accepted_and_bad_ones_refused),
	    cmocka_unit_test(a_null_sinfo_uses_the_default_send_parameters),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
