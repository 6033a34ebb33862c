/*
 * Data through the sockets API: messages from 1 byte to 1 MiB on many
 * streams, pieces with MSG_EOR on the last when the buffer is small,
 * non-blocking sends and receives with poll readiness.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
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

/* A connected one-to-one pair: *c (client) and *a (accepted). */
static void pair(int family, int *c, int *a)
{
	uint16_t lport;
	int l = su_listener(family, SOCK_STREAM, &lport);
	assert_true(l >= 0);
	struct sctp_initmsg im = {.sinit_num_ostreams = 64, .sinit_max_instreams = 64};
	assert_int_equal(usctp_setsockopt(l, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)), 0);
	*c = usctp_socket(family, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(*c >= 0);
	assert_int_equal(usctp_setsockopt(*c, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)), 0);
	su_encaps(*c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(family, lport, &ss);
	assert_int_equal(usctp_connect(*c, (struct sockaddr *)&ss, len), 0);
	assert_true(su_poll(l, POLLIN, 3000) & POLLIN);
	*a = usctp_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	usctp_close(l);
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

/* Read one whole message (pieces joined) into buf; returns its length. */
static ssize_t recv_whole(int fd, uint8_t *buf, size_t cap, size_t piece, struct sctp_sndrcvinfo *si,
			  unsigned *pieces)
{
	size_t got = 0;
	*pieces = 0;
	for (int i = 0; i < 100000; i++) {
		int flags = 0;
		size_t want = cap - got < piece ? cap - got : piece;
		ssize_t n = su_recv(fd, buf + got, want, si, &flags, 5000);
		if (n < 0)
			return -1;
		(*pieces)++;
		got += (size_t)n;
		if (flags & MSG_EOR)
			return (ssize_t)got;
		if (n == 0)
			return -1;
	}
	return -1;
}

static void messages_from_1_byte_to_1_mib_on_many_streams_arrive_intact(void **state)
{
	(void)state;
	int c, a;
	pair(AF_INET, &c, &a);
	static const size_t sizes[] = {1,    2,	    3,	   100,	   1199,   1200,   1452,
				       4096, 65000, 65536, 100000, 300000, 1 << 20};
	size_t maxn = 1 << 20;
	uint8_t *out = malloc(maxn), *in = malloc(maxn);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		uint16_t sid = (uint16_t)(k * 5 % 64);
		fill(out, n, (uint32_t)k);
		assert_int_equal(sctp_sendmsg(c, out, n, NULL, 0, htonl((uint32_t)k), 0, sid, 0, 0),
				 (ssize_t)n);
		struct sctp_sndrcvinfo si;
		unsigned pieces;
		ssize_t got = recv_whole(a, in, maxn, maxn, &si, &pieces);
		assert_int_equal(got, (ssize_t)n);
		assert_memory_equal(in, out, n);
		assert_int_equal(si.sinfo_stream, sid);
		assert_int_equal(ntohl(si.sinfo_ppid), k);
	}
	free(out);
	free(in);
	usctp_close(c);
	usctp_close(a);
}

static void a_message_larger_than_the_buffer_comes_in_pieces_with_eor_last(void **state)
{
	(void)state;
	int c, a;
	pair(AF_INET, &c, &a);
	size_t n = 200000;
	uint8_t *out = malloc(n), *in = malloc(n);
	fill(out, n, 99);
	assert_int_equal(sctp_sendmsg(c, out, n, NULL, 0, 0, 0, 5, 0, 0), (ssize_t)n);
	struct sctp_sndrcvinfo si;
	unsigned pieces;
	assert_int_equal(recv_whole(a, in, n, 4096, &si, &pieces), (ssize_t)n);
	assert_true(pieces >= n / 4096);
	assert_memory_equal(in, out, n);
	/* The next message starts fresh. */
	assert_int_equal(sctp_sendmsg(c, "tail", 4, NULL, 0, 0, 0, 5, 0, 0), 4);
	assert_int_equal(recv_whole(a, in, n, 4096, &si, &pieces), 4);
	assert_int_equal(pieces, 1);
	free(out);
	free(in);
	usctp_close(c);
	usctp_close(a);
}

static void non_blocking_calls_return_eagain_and_poll_tells_when_to_retry(void **state)
{
	(void)state;
	int c, a;
	pair(AF_INET6, &c, &a);
	assert_int_equal(fcntl(a, F_SETFL, fcntl(a, F_GETFL) | O_NONBLOCK), 0);
	assert_int_equal(fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK), 0);
	char buf[64];
	assert_int_equal(sctp_recvmsg(a, buf, sizeof(buf), NULL, NULL, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	/* Small buffer on the receiver, nobody reading: the sender fills up. */
	int big = 64 * 1024;
	assert_int_equal(usctp_setsockopt(c, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)), 0);
	static uint8_t chunk[8192];
	int sent = 0, eagain = 0;
	for (int i = 0; i < 100000 && !eagain; i++) {
		ssize_t r = sctp_sendmsg(c, chunk, sizeof(chunk), NULL, 0, 0, 0, 0, 0, 0);
		if (r < 0) {
			assert_int_equal(errno, EAGAIN);
			eagain = 1;
		} else {
			sent++;
		}
	}
	assert_true(eagain);
	assert_true(sent > 0);
	/* Not writable while full (on SO_SNDBUF of the association's time). */
	assert_int_equal(su_poll(c, POLLOUT, 0) & POLLOUT, 0);
	/* Reading everything makes room, and poll says so. */
	uint8_t in[8192];
	int got = 0;
	for (int i = 0; i < 100000 && got < sent; i++) {
		if (!(su_poll(a, POLLIN, 3000) & POLLIN))
			break;
		int flags = 0;
		ssize_t n = sctp_recvmsg(a, in, sizeof(in), NULL, NULL, NULL, &flags);
		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			continue;
		}
		if (flags & MSG_EOR)
			got++;
	}
	assert_int_equal(got, sent);
	assert_true(su_poll(c, POLLOUT, 3000) & POLLOUT);
	assert_int_equal(sctp_sendmsg(c, chunk, 100, NULL, 0, 0, 0, 0, 0, 0), 100);
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(messages_from_1_byte_to_1_mib_on_many_streams_arrive_intact),
	    cmocka_unit_test(a_message_larger_than_the_buffer_comes_in_pieces_with_eor_last),
	    cmocka_unit_test(non_blocking_calls_return_eagain_and_poll_tells_when_to_retry),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
