/*
 * One-to-many (SOCK_SEQPACKET) sockets in one process over loopback: implicit
 * association setup on send, association ids, replies by id, SCTP_SENDALL,
 * sctp_peeloff, and the addresses of an association.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
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

static void sending_to_a_new_address_sets_up_an_association(void **state)
{
	(void)state;
	uint16_t sport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &sport);
	assert_true(srv >= 0);
	su_subscribe(srv, SCTP_ASSOC_CHANGE);
	int cli = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	assert_true(cli >= 0);
	su_encaps(cli, udp_port);
	su_encaps(srv, udp_port);
	su_subscribe(cli, SCTP_ASSOC_CHANGE);
	struct sctp_initmsg im = {.sinit_num_ostreams = 20, .sinit_max_instreams = 20};
	assert_int_equal(usctp_setsockopt(cli, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)), 0);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, sport, &to);
	assert_int_equal(sctp_sendmsg(cli, "first", 5, (struct sockaddr *)&to, tolen, 0, 0, 17, 0, 0), 5);

	/* The client learns its association id from COMM_UP. */
	union {
		union sctp_notification n;
		uint8_t b[512];
	} u;
	assert_true(su_wait_notification(cli, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_UP);
	assert_int_equal(u.n.sn_assoc_change.sac_outbound_streams, 20);
	sctp_assoc_t cid = u.n.sn_assoc_change.sac_assoc_id;
	assert_true(cid > SCTP_ALL_ASSOC);

	/* The server gets COMM_UP, then the message, both with its id. */
	assert_true(su_wait_notification(srv, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_UP);
	sctp_assoc_t sid = u.n.sn_assoc_change.sac_assoc_id;
	char buf[64];
	struct sctp_sndrcvinfo si;
	int flags;
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	assert_true(su_poll(srv, POLLIN, 3000) & POLLIN);
	ssize_t n = sctp_recvmsg(srv, buf, sizeof(buf), (struct sockaddr *)&from, &fromlen, &si, &flags);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "first", 5);
	assert_int_equal(si.sinfo_stream, 17);
	assert_int_equal(si.sinfo_assoc_id, sid);
	assert_int_equal(from.ss_family, AF_INET);

	/* Reply by association id. */
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = sid;
	snd.sinfo_stream = 2;
	assert_int_equal(sctp_send(srv, "reply", 5, &snd, 0), 5);
	n = su_recv(cli, buf, sizeof(buf), &si, &flags, 3000);
	assert_int_equal(n, 5);
	assert_int_equal(si.sinfo_assoc_id, cid);

	/* A second message to the same address reuses the association. */
	assert_int_equal(sctp_sendmsg(cli, "again", 5, (struct sockaddr *)&to, tolen, 0, 0, 1, 0, 0), 5);
	n = su_recv(srv, buf, sizeof(buf), &si, &flags, 3000);
	assert_int_equal(n, 5);
	assert_int_equal(si.sinfo_assoc_id, sid);
	uint32_t count = 0;
	socklen_t cl = sizeof(count);
	assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &count, &cl), 0);
	assert_int_equal(count, 1);

	/* Paths: the peer's address and ours. */
	struct sockaddr *addrs;
	assert_int_equal(sctp_getpaddrs(cli, cid, &addrs), 1);
	assert_int_equal(ntohs(((struct sockaddr_in *)addrs)->sin_port), sport);
	sctp_freepaddrs(addrs);
	assert_true(sctp_getladdrs(srv, sid, &addrs) >= 1);
	sctp_freeladdrs(addrs);
	/* A one-to-many send without address or id has no association. */
	memset(&snd, 0, sizeof(snd));
	assert_int_equal(sctp_send(cli, "x", 1, &snd, 0), -1);
	assert_int_equal(errno, ENOENT);
	usctp_close(cli);
	usctp_close(srv);
}

static void sendall_reaches_every_association(void **state)
{
	(void)state;
	uint16_t p1, p2;
	int s1 = su_listener(AF_INET, SOCK_SEQPACKET, &p1);
	int s2 = su_listener(AF_INET, SOCK_SEQPACKET, &p2);
	int cli = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(cli, udp_port);
	su_encaps(s1, udp_port);
	su_encaps(s2, udp_port);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, p1, &to);
	sctp_assoc_t id1 = 0, id2 = 0;
	assert_int_equal(sctp_connectx(cli, (struct sockaddr *)&to, 1, &id1), 0);
	tolen = su_loopback(AF_INET, p2, &to);
	assert_int_equal(usctp_connect(cli, (struct sockaddr *)&to, tolen), 0);
	(void)id2;
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_SENDALL;
	assert_int_equal(sctp_send(cli, "all", 3, &snd, 0), 3);
	char buf[16];
	assert_int_equal(su_recv(s1, buf, sizeof(buf), NULL, NULL, 3000), 3);
	assert_int_equal(su_recv(s2, buf, sizeof(buf), NULL, NULL, 3000), 3);
	usctp_close(cli);
	usctp_close(s1);
	usctp_close(s2);
}

static void peeloff_moves_an_association_to_its_own_socket(void **state)
{
	(void)state;
	uint16_t sport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &sport);
	su_encaps(srv, udp_port);
	int cli = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(cli, udp_port);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, sport, &to);
	assert_int_equal(usctp_connect(cli, (struct sockaddr *)&to, tolen), 0);
	assert_int_equal(sctp_sendmsg(cli, "one", 3, NULL, 0, 0, 0, 0, 0, 0), 3);
	char buf[16];
	struct sctp_sndrcvinfo si;
	assert_int_equal(su_recv(srv, buf, sizeof(buf), &si, NULL, 3000), 3);
	int p = sctp_peeloff(srv, si.sinfo_assoc_id);
	assert_true(p >= 0);
	assert_int_equal(sctp_sendmsg(cli, "two", 3, NULL, 0, 0, 0, 0, 0, 0), 3);
	assert_int_equal(su_recv(p, buf, sizeof(buf), NULL, NULL, 3000), 3);
	assert_memory_equal(buf, "two", 3);
	/* The one-to-many socket no longer sees it. */
	assert_int_equal(su_poll(srv, POLLIN, 100) & POLLIN, 0);
	assert_int_equal(sctp_send(p, "back", 4, NULL, 0), 4);
	assert_int_equal(su_recv(cli, buf, sizeof(buf), NULL, NULL, 3000), 4);
	assert_int_equal(sctp_peeloff(cli, 5), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	usctp_close(p);
	usctp_close(cli);
	usctp_close(srv);
}

static void sendx_with_several_addresses_makes_a_multihomed_association(void **state)
{
	(void)state;
	uint16_t sport;
	int srv = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = 0};
	assert_int_equal(usctp_bind(srv, (struct sockaddr *)&any, sizeof(any)), 0);
	assert_int_equal(usctp_listen(srv, 8), 0);
	struct sockaddr *la;
	assert_true(sctp_getladdrs(srv, 0, &la) >= 1);
	sport = ntohs(((struct sockaddr_in *)la)->sin_port);
	sctp_freeladdrs(la);
	su_encaps(srv, udp_port);
	/* The client announces two addresses of its own. */
	int cli = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(cli, udp_port);
	struct sockaddr_in mine[2], peer[2];
	for (int i = 0; i < 2; i++) {
		memset(&mine[i], 0, sizeof(mine[i]));
		mine[i].sin_family = AF_INET;
		mine[i].sin_port = htons(40300);
		mine[i].sin_addr.s_addr = htonl(0x7f000001 + (uint32_t)i);
		peer[i] = mine[i];
		peer[i].sin_port = htons(sport);
	}
	assert_int_equal(sctp_bindx(cli, (struct sockaddr *)mine, 2, SCTP_BINDX_ADD_ADDR), 0);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	assert_int_equal(sctp_sendx(cli, "multi", 5, (struct sockaddr *)peer, 2, &snd, 0), 5);
	char buf[16];
	struct sctp_sndrcvinfo si;
	assert_int_equal(su_recv(srv, buf, sizeof(buf), &si, NULL, 3000), 5);
	/* Both of the client's addresses are paths of the server's association. */
	struct sockaddr *pa;
	assert_int_equal(sctp_getpaddrs(srv, si.sinfo_assoc_id, &pa), 2);
	sctp_freepaddrs(pa);
	/* And the client got both of ours. */
	assert_int_equal(sctp_getladdrs(cli, 0, &la), 2);
	sctp_freeladdrs(la);
	usctp_close(cli);
	usctp_close(srv);
}

static void a_non_blocking_connect_completes_in_the_background(void **state)
{
	(void)state;
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	int c = usctp_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), -1);
	assert_true(errno == EALREADY || errno == EISCONN);
	assert_true(su_poll(c, POLLOUT, 3000) & POLLOUT);
	int err = -1;
	socklen_t el = sizeof(err);
	assert_int_equal(usctp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el), 0);
	assert_int_equal(err, 0);
	assert_int_equal(sctp_sendmsg(c, "nb", 2, NULL, 0, 0, 0, 0, 0, 0), 2);
	int a = usctp_accept(l, NULL, NULL);
	assert_true(a >= 0);
	char buf[4];
	assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, NULL, 3000), 2);
	usctp_close(a);
	usctp_close(c);
	usctp_close(l);
}

static void a_refused_non_blocking_connect_reports_so_error(void **state)
{
	(void)state;
	int c = usctp_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, 9, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_true(su_poll(c, POLLOUT, 3000) & POLLOUT);
	int err = 0;
	socklen_t el = sizeof(err);
	assert_int_equal(usctp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el), 0);
	assert_int_equal(err, ECONNREFUSED);
	usctp_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sending_to_a_new_address_sets_up_an_association),
	    cmocka_unit_test(sendall_reaches_every_association),
	    cmocka_unit_test(peeloff_moves_an_association_to_its_own_socket),
	    cmocka_unit_test(sendx_with_several_addresses_makes_a_multihomed_association),
	    cmocka_unit_test(a_non_blocking_connect_completes_in_the_background),
	    cmocka_unit_test(a_refused_non_blocking_connect_reports_so_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
