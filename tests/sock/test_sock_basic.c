/*
 * The sockets API in one process over loopback: descriptors, one-to-one
 * connect / accept / send / recv / close, IPv4 and IPv6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/epoll.h>
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

static void a_usctp_socket_is_a_real_descriptor(void **state)
{
	(void)state;
	int fd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) >= 0);
	/* Nothing to read, nothing connected: poll says not readable. */
	assert_int_equal(su_poll(fd, POLLIN, 0) & POLLIN, 0);
	assert_int_equal(usctp_close(fd), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

static void calls_on_foreign_or_closed_descriptors_fail_properly(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	char buf[8];
	assert_int_equal(sctp_recvmsg(p[0], buf, sizeof(buf), NULL, NULL, NULL, NULL), -1);
	assert_int_equal(errno, ENOTSOCK);
	assert_int_equal(usctp_listen(p[1], 1), -1);
	assert_int_equal(errno, ENOTSOCK);
	close(p[0]);
	close(p[1]);
	assert_int_equal(usctp_listen(p[0], 1), -1);
	assert_int_equal(errno, EBADF);
	int fd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	assert_true(fd >= 0);
	assert_int_equal(usctp_close(fd), 0);
	assert_int_equal(usctp_close(fd), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(usctp_socket(AF_UNIX, SOCK_STREAM, IPPROTO_SCTP), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(usctp_socket(AF_INET, SOCK_DGRAM, IPPROTO_SCTP), -1);
	assert_int_equal(usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), -1);
}

static void a_plain_close_is_noticed_and_never_touches_a_reused_number(void **state)
{
	(void)state;
	int fd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	assert_true(fd >= 0);
	close(fd); /* the wrong call, but users make it */
	assert_int_equal(usctp_listen(fd, 1), -1);
	assert_int_equal(errno, EBADF);
	fd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	close(fd);
	int p[2];
	assert_int_equal(pipe(p), 0); /* likely takes fd's number */
	int other = p[0] == fd ? p[0] : p[1] == fd ? p[1] : -1;
	if (other >= 0) {
		assert_int_equal(usctp_listen(other, 1), -1);
		assert_int_equal(errno, ENOTSOCK);
		assert_true(fcntl(other, F_GETFD) >= 0); /* still the user's pipe */
	}
	close(p[0]);
	close(p[1]);
}

static void one_to_one_exchange(int family)
{
	uint16_t lport;
	int l = su_listener(family, SOCK_STREAM, &lport);
	assert_true(l >= 0);
	int c = usctp_socket(family, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(c >= 0);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(family, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);
	assert_true(su_poll(l, POLLIN, 2000) & POLLIN);
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int a = usctp_accept(l, (struct sockaddr *)&peer, &plen);
	assert_true(a >= 0);
	assert_int_equal(peer.ss_family, family);
	assert_int_equal(su_poll(l, POLLIN, 0) & POLLIN, 0);
	/* Writable once connected. */
	assert_true(su_poll(c, POLLOUT, 1000) & POLLOUT);

	const char *hello = "hello, sctp";
	assert_int_equal(sctp_sendmsg(c, hello, strlen(hello), NULL, 0, htonl(42), 0, 3, 0, 0),
			 (ssize_t)strlen(hello));
	char buf[64];
	struct sctp_sndrcvinfo si;
	int flags = 0;
	ssize_t n = su_recv(a, buf, sizeof(buf), &si, &flags, 2000);
	assert_int_equal(n, (ssize_t)strlen(hello));
	assert_memory_equal(buf, hello, n);
	assert_int_equal(si.sinfo_stream, 3);
	assert_int_equal(si.sinfo_ppid, htonl(42));
	assert_true(flags & MSG_EOR);
	assert_false(flags & MSG_NOTIFICATION);
	/* select agrees too. */
	fd_set rfds;
	FD_ZERO(&rfds);
	FD_SET(a, &rfds);
	struct timeval tv0 = {0, 0};
	assert_int_equal(select(a + 1, &rfds, NULL, NULL, &tv0), 0);
	/* epoll agrees with poll. */
	int ep = epoll_create1(0);
	struct epoll_event ee = {.events = EPOLLIN, .data.fd = a}, out;
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, a, &ee), 0);
	assert_int_equal(epoll_wait(ep, &out, 1, 0), 0);
	assert_int_equal(sctp_sendmsg(c, "e", 1, NULL, 0, 0, 0, 0, 0, 0), 1);
	assert_int_equal(epoll_wait(ep, &out, 1, 2000), 1);
	assert_int_equal(out.data.fd, a);
	assert_int_equal(sctp_recvmsg(a, buf, sizeof(buf), NULL, NULL, NULL, &flags), 1);
	close(ep);
	/* Drained: not readable any more. */
	assert_int_equal(su_poll(a, POLLIN, 0) & POLLIN, 0);

	/* And back, with sctp_send. */
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_stream = 1;
	snd.sinfo_ppid = 7;
	assert_int_equal(sctp_send(a, "pong", 4, &snd, 0), 4);
	n = su_recv(c, buf, sizeof(buf), &si, &flags, 2000);
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "pong", 4);
	assert_int_equal(si.sinfo_stream, 1);
	assert_int_equal(si.sinfo_ppid, 7);

	/* Graceful close: the peer reads EOF. */
	assert_int_equal(usctp_close(c), 0);
	n = su_recv(a, buf, sizeof(buf), NULL, &flags, 3000);
	assert_int_equal(n, 0);
	assert_int_equal(usctp_close(a), 0);
	assert_int_equal(usctp_close(l), 0);
}

static void one_to_one_connect_accept_send_recv_close_ipv4(void **state)
{
	(void)state;
	one_to_one_exchange(AF_INET);
}

static void one_to_one_connect_accept_send_recv_close_ipv6(void **state)
{
	(void)state;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		skip();
	close(fd);
	one_to_one_exchange(AF_INET6);
}

static void connect_to_a_port_nobody_listens_on_is_refused(void **state)
{
	(void)state;
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, 4, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), -1);
	assert_int_equal(errno, ECONNREFUSED);
	usctp_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_usctp_socket_is_a_real_descriptor),
	    cmocka_unit_test(calls_on_foreign_or_closed_descriptors_fail_properly),
	    cmocka_unit_test(a_plain_close_is_noticed_and_never_touches_a_reused_number),
	    cmocka_unit_test(one_to_one_connect_accept_send_recv_close_ipv4),
	    cmocka_unit_test(one_to_one_connect_accept_send_recv_close_ipv6),
	    cmocka_unit_test(connect_to_a_port_nobody_listens_on_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
