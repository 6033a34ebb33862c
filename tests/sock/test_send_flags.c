/*
 * sctp_send(3), sinfo_flags, each checked on the receiving side: SCTP_EOF
 * (the message, then the shutdown), SCTP_ABORT (the peer gets the reason,
 * the local association is gone), SCTP_UNORDERED / ordered delivery per
 * stream, SCTP_ADDR_OVER (the packet arrives at the chosen address),
 * SCTP_SENDALL (every association once, one copy). PR-SCTP policies and
 * sinfo_context are in test_send_pr.c.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "test_send_common.h"

/* Test hook of src/sock/msgio.c: message copies made by the send calls. */
extern _Atomic unsigned long usctp_test_msgio_allocs;

union notif {
	union sctp_notification n;
	uint8_t b[1024];
};

/* The next message on fd, data or notification; its flags in *flags. */
static ssize_t next_any(int fd, void *buf, size_t len, int *flags)
{
	if (!(su_poll(fd, POLLIN, 3000) & POLLIN))
		return -2;
	*flags = 0;
	return sctp_recvmsg(fd, buf, len, NULL, NULL, NULL, flags);
}

static void subscribe_shutdown(int fd, int l)
{
	(void)fd;
	su_subscribe(l, SCTP_SHUTDOWN_EVENT); /* inherited by the accepted socket */
}

static void eof_sends_the_queued_messages_then_shuts_down(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, subscribe_shutdown);
	su_subscribe(c, SCTP_ASSOC_CHANGE);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	static uint8_t big[20000];
	memset(big, 'q', sizeof(big));
	/* Queued data (more than one packet), then the EOF message. */
	assert_int_equal(sctp_send(c, big, sizeof(big), &snd, 0), (ssize_t)sizeof(big));
	assert_int_equal(sctp_send(c, "one", 3, &snd, 0), 3);
	snd.sinfo_flags = SCTP_EOF;
	assert_int_equal(sctp_send(c, "last", 4, &snd, 0), 4);
	/* Let the shutdown finish before the receiver reads anything. */
	union notif u;
	assert_true(su_wait_notification(c, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_SHUTDOWN_COMP);
	/* The receiver: every message, then the SHUTDOWN event, then EOF. */
	static uint8_t buf[32768];
	int flags;
	assert_int_equal(next_any(a, buf, sizeof(buf), &flags), (ssize_t)sizeof(big));
	assert_false(flags & MSG_NOTIFICATION);
	assert_int_equal(next_any(a, buf, sizeof(buf), &flags), 3);
	assert_false(flags & MSG_NOTIFICATION);
	assert_int_equal(next_any(a, buf, sizeof(buf), &flags), 4);
	assert_false(flags & MSG_NOTIFICATION);
	assert_memory_equal(buf, "last", 4);
	assert_true(next_any(a, buf, sizeof(buf), &flags) > 0);
	assert_true(flags & MSG_NOTIFICATION);
	assert_int_equal(((union sctp_notification *)buf)->sn_header.sn_type, SCTP_SHUTDOWN_EVENT);
	assert_int_equal(next_any(a, buf, sizeof(buf), &flags), 0); /* EOF */
	usctp_close(c);
	usctp_close(a);
}

static void eof_on_one_to_many_ends_only_that_association(void **state)
{
	(void)state;
	uint16_t p1, p2;
	int s1 = ts_server(&p1);
	int s2 = ts_server(&p2);
	su_subscribe(s1, SCTP_SHUTDOWN_EVENT);
	int cli = ts_o2m_client();
	sctp_assoc_t id1 = ts_connect_o2m(cli, p1);
	sctp_assoc_t id2 = ts_connect_o2m(cli, p2);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = id1;
	snd.sinfo_flags = SCTP_EOF;
	assert_int_equal(sctp_send(cli, "bye", 3, &snd, 0), 3);
	uint8_t buf[256];
	int flags;
	assert_int_equal(next_any(s1, buf, sizeof(buf), &flags), 3);
	assert_false(flags & MSG_NOTIFICATION);
	assert_true(next_any(s1, buf, sizeof(buf), &flags) > 0);
	assert_true(flags & MSG_NOTIFICATION);
	assert_int_equal(((union sctp_notification *)buf)->sn_header.sn_type, SCTP_SHUTDOWN_EVENT);
	/* Association 1 is gone (bounded wait), association 2 still works. */
	uint32_t n = 2;
	for (int i = 0; i < 300 && n != 1; i++) {
		socklen_t len = sizeof(n);
		assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len), 0);
		if (n != 1)
			usleep(10 * 1000);
	}
	assert_int_equal(n, 1);
	snd.sinfo_flags = 0;
	snd.sinfo_assoc_id = id2;
	assert_int_equal(sctp_send(cli, "still", 5, &snd, 0), 5);
	assert_int_equal(ts_recv_data(s2, buf, sizeof(buf), NULL, NULL, 3000), 5);
	usctp_close(cli);
	usctp_close(s1);
	usctp_close(s2);
}

static void abort_reaches_the_peer_with_its_reason_and_the_association_is_gone(void **state)
{
	(void)state;
	uint16_t p1, p2;
	int s1 = ts_server(&p1);
	int s2 = ts_server(&p2);
	su_subscribe(s1, SCTP_ASSOC_CHANGE);
	int cli = ts_o2m_client();
	sctp_assoc_t id1 = ts_connect_o2m(cli, p1);
	sctp_assoc_t id2 = ts_connect_o2m(cli, p2);
	union notif u;
	assert_true(su_wait_notification(s1, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_UP);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = id1;
	snd.sinfo_flags = SCTP_ABORT;
	assert_int_equal(sctp_send(cli, "reason", 6, &snd, 0), 6);
	/* At once: the local association is gone. */
	uint32_t n = 0;
	socklen_t len = sizeof(n);
	assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len), 0);
	assert_int_equal(n, 1);
	snd.sinfo_flags = 0;
	assert_int_equal(sctp_send(cli, "x", 1, &snd, 0), -1);
	assert_int_equal(errno, ENOENT);
	/* The peer got an ABORT with a User-Initiated Abort cause (12) holding
	 * the message. */
	ssize_t got = su_wait_notification(s1, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000);
	assert_true(got >= (ssize_t)sizeof(struct sctp_assoc_change) + 10);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_LOST);
	const uint8_t *cause = u.n.sn_assoc_change.sac_info;
	assert_int_equal((cause[0] << 8) | cause[1], 12);
	assert_int_equal((cause[2] << 8) | cause[3], 4 + 6);
	assert_memory_equal(cause + 4, "reason", 6);
	/* The other association is untouched. */
	snd.sinfo_assoc_id = id2;
	assert_int_equal(sctp_send(cli, "ok", 2, &snd, 0), 2);
	char buf[8];
	assert_int_equal(ts_recv_data(s2, buf, sizeof(buf), NULL, NULL, 3000), 2);
	usctp_close(cli);
	usctp_close(s1);
	usctp_close(s2);
}

static void messages_are_ordered_within_a_stream_and_unordered_ones_flagged(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	/* Interleave three streams; each keeps its own order. */
	enum { N = 60 };
	for (int i = 0; i < N; i++) {
		struct sctp_sndrcvinfo snd;
		memset(&snd, 0, sizeof(snd));
		snd.sinfo_stream = (uint16_t)(i % 3);
		snd.sinfo_flags = i % 10 == 9 ? SCTP_UNORDERED : 0;
		uint8_t b = (uint8_t)i;
		assert_int_equal(sctp_send(c, &b, 1, &snd, 0), 1);
	}
	int last[3] = {-1, -1, -1};
	int unordered = 0;
	for (int i = 0; i < N; i++) {
		struct sctp_sndrcvinfo si;
		uint8_t b;
		assert_int_equal(ts_recv_data(a, &b, 1, &si, NULL, 3000), 1);
		assert_int_equal(si.sinfo_stream, b % 3);
		if (si.sinfo_flags & SCTP_UNORDERED) {
			assert_int_equal(b % 10, 9);
			unordered++;
			continue;
		}
		assert_true((int)b > last[b % 3]);
		last[b % 3] = b;
	}
	assert_int_equal(unordered, N / 10);
	usctp_close(c);
	usctp_close(a);
}

/* The DATA chunk in an SCTP packet whose payload is want, or NULL. */
static const uint8_t *find_data(const uint8_t *pkt, size_t len, const char *want)
{
	size_t wl = strlen(want);
	size_t off = 12; /* common header */
	for (int i = 0; i < 64 && off + 4 <= len; i++) {
		size_t clen = ((size_t)pkt[off + 2] << 8) | pkt[off + 3];
		if (clen < 4 || off + clen > len)
			return NULL;
		if (pkt[off] == 0 && clen == 16 + wl && memcmp(pkt + off + 16, want, wl) == 0)
			return pkt + off;
		off += (clen + 3) & ~(size_t)3;
	}
	return NULL;
}

static void addr_over_sends_to_the_chosen_peer_address(void **state)
{
	(void)state;
	/* A server on 127.0.0.1 and 127.0.0.2. */
	int srv = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	assert_true(srv >= 0);
	su_encaps(srv, udp_port);
	struct sockaddr_in sa[2];
	memset(sa, 0, sizeof(sa));
	for (int i = 0; i < 2; i++) {
		sa[i].sin_family = AF_INET;
		sa[i].sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)i);
	}
	assert_int_equal(sctp_bindx(srv, (struct sockaddr *)sa, 2, SCTP_BINDX_ADD_ADDR), 0);
	assert_int_equal(usctp_listen(srv, 8), 0);
	struct sockaddr *la;
	assert_int_equal(sctp_getladdrs(srv, 0, &la), 2);
	uint16_t port = ntohs(((struct sockaddr_in *)la)->sin_port);
	sctp_freeladdrs(la);
	sa[0].sin_port = sa[1].sin_port = htons(port);
	/* The client knows both addresses; 127.0.0.1 is the primary. */
	int cli = ts_o2m_client();
	sctp_assoc_t id = 0;
	assert_int_equal(sctp_connectx(cli, (struct sockaddr *)sa, 2, &id), 0);
	/* What the client sends to 127.0.0.2 goes to a UDP socket of ours
	 * there (SCTP_REMOTE_UDP_ENCAPS_PORT for that one address), so the test
	 * sees exactly which packets arrive at that address. */
	int snif = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sn = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000002)};
	assert_int_equal(bind(snif, (struct sockaddr *)&sn, sizeof(sn)), 0);
	socklen_t snlen = sizeof(sn);
	assert_int_equal(getsockname(snif, (struct sockaddr *)&sn, &snlen), 0);
	struct sctp_udpencaps ue;
	memset(&ue, 0, sizeof(ue));
	memcpy(&ue.sue_address, &sa[1], sizeof(sa[1]));
	ue.sue_assoc_id = id;
	ue.sue_port = sn.sin_port;
	assert_int_equal(usctp_setsockopt(cli, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue)),
			 0);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	const uint8_t ppid[4] = {0xaa, 0xbb, 0xcc, 0x01};
	memcpy(&snd.sinfo_ppid, ppid, 4);
	/* Without the flag: the primary, 127.0.0.1, where the server reads it. */
	assert_int_equal(sctp_sendx(cli, "prim", 4, (struct sockaddr *)&sa[1], 1, &snd, 0), 4);
	char buf[64];
	assert_int_equal(ts_recv_data(srv, buf, sizeof(buf), NULL, NULL, 3000), 4);
	assert_memory_equal(buf, "prim", 4);
	/* With it: 127.0.0.2. */
	snd.sinfo_flags = SCTP_ADDR_OVER;
	assert_int_equal(sctp_sendx(cli, "over", 4, (struct sockaddr *)&sa[1], 1, &snd, 0), 4);
	bool seen = false;
	uint64_t end = su_ms() + 3000;
	static uint8_t pkt[65536];
	while (!seen && su_ms() < end) {
		if (!(su_poll(snif, POLLIN, (int)(end - su_ms()) + 1) & POLLIN))
			break;
		ssize_t n = recv(snif, pkt, sizeof(pkt), 0);
		assert_true(n > 0);
		assert_null(find_data(pkt, (size_t)n, "prim"));
		const uint8_t *d = find_data(pkt, (size_t)n, "over");
		if (d) {
			seen = true;
			/* sinfo_ppid's bytes, as they were in memory. */
			assert_memory_equal(d + 12, ppid, 4);
		}
	}
	assert_true(seen);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	usctp_setsockopt(cli, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	usctp_close(cli);
	usctp_close(srv);
	close(snif);
}

static void sendall_gives_every_association_the_message_once_from_one_copy(void **state)
{
	(void)state;
	enum { K = 3 };
	uint16_t port;
	int srv = ts_server(&port);
	int cli[K];
	for (int i = 0; i < K; i++) {
		cli[i] = ts_o2m_client();
		ts_connect_o2m(cli[i], port);
	}
	/* The server sees K associations. */
	uint32_t n = 0;
	for (int i = 0; i < 300 && n != K; i++) {
		socklen_t len = sizeof(n);
		assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len), 0);
		if (n != K)
			usleep(10 * 1000);
	}
	assert_int_equal(n, K);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_SENDALL;
	snd.sinfo_stream = 2;
	snd.sinfo_ppid = htonl(77);
	unsigned long before = atomic_load(&usctp_test_msgio_allocs);
	assert_int_equal(sctp_send(srv, "everyone", 8, &snd, 0), 8);
	assert_int_equal(atomic_load(&usctp_test_msgio_allocs), before + 1); /* one copy */
	for (int i = 0; i < K; i++) {
		struct sctp_sndrcvinfo si;
		char buf[16];
		assert_int_equal(ts_recv_data(cli[i], buf, sizeof(buf), &si, NULL, 3000), 8);
		assert_memory_equal(buf, "everyone", 8);
		assert_int_equal(si.sinfo_stream, 2);
		assert_int_equal(ntohl(si.sinfo_ppid), 77);
		assert_false(si.sinfo_flags & SCTP_SENDALL);
	}
	/* Once each. */
	for (int i = 0; i < K; i++)
		assert_true(ts_quiet(cli[i], i == 0 ? 200 : 20));
	for (int i = 0; i < K; i++)
		usctp_close(cli[i]);
	usctp_close(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(eof_sends_the_queued_messages_then_shuts_down),
	    cmocka_unit_test(eof_on_one_to_many_ends_only_that_association),
	    cmocka_unit_test(abort_reaches_the_peer_with_its_reason_and_the_association_is_gone),
	    cmocka_unit_test(messages_are_ordered_within_a_stream_and_unordered_ones_flagged),
	    cmocka_unit_test(addr_over_sends_to_the_chosen_peer_address),
	    cmocka_unit_test(sendall_gives_every_association_the_message_once_from_one_copy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
