/*
 * Helpers shared by the sctp_send(3) tests (tests/sock/test_send_*.c): two
 * usctp endpoints in one process on loopback, one runtime, one UDP port.
 * Every wait is bounded.
 */
#ifndef USCTP_TESTS_SEND_COMMON_H
#define USCTP_TESTS_SEND_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/time.h>
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

/* SO_SNDTIMEO / SO_RCVTIMEO, so that a bug fails a test instead of hanging it. */
static inline void ts_timeouts(int fd, int ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	assert_int_equal(usctp_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(usctp_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
}

static inline void ts_setint(int fd, int level, int name, int v)
{
	assert_int_equal(usctp_setsockopt(fd, level, name, &v, sizeof(v)), 0);
}

/* Small RTOs, so that loss is detected within the test's time. */
static inline void ts_fast_rto(int fd)
{
	struct sctp_rtoinfo r = {.srto_assoc_id = 0, .srto_initial = 100, .srto_max = 200, .srto_min = 50};
	assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &r, sizeof(r)), 0);
}

/* A connected one-to-one pair: *c connected, *a accepted. prep(c) runs on
 * the client before connect (options that are templates), if given. */
static inline void ts_pair(int *c, int *a, void (*prep)(int fd, int listener))
{
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	assert_true(l >= 0);
	*c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(*c >= 0);
	su_encaps(*c, udp_port);
	if (prep)
		prep(*c, l);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(*c, (struct sockaddr *)&ss, len), 0);
	assert_true(su_poll(l, POLLIN, 3000) & POLLIN);
	*a = usctp_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	usctp_close(l);
	ts_timeouts(*c, 5000);
	ts_timeouts(*a, 5000);
}

/* A one-to-many listener on 127.0.0.1; *port gets its SCTP port. */
static inline int ts_server(uint16_t *port)
{
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, port);
	assert_true(srv >= 0);
	su_encaps(srv, udp_port);
	ts_timeouts(srv, 5000);
	return srv;
}

/* A one-to-many client with an association to 127.0.0.1:port; its id. */
static inline sctp_assoc_t ts_connect_o2m(int cli, uint16_t port)
{
	struct sockaddr_storage to;
	su_loopback(AF_INET, port, &to);
	sctp_assoc_t id = 0;
	assert_int_equal(sctp_connectx(cli, (struct sockaddr *)&to, 1, &id), 0);
	assert_true(id > SCTP_ALL_ASSOC);
	return id;
}

static inline int ts_o2m_client(void)
{
	int cli = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	assert_true(cli >= 0);
	su_encaps(cli, udp_port);
	ts_timeouts(cli, 5000);
	return cli;
}

/* Next data message (notifications skipped): its length, -2 on timeout. */
static inline ssize_t ts_recv_data(int fd, void *buf, size_t len, struct sctp_sndrcvinfo *si,
				   struct sockaddr_storage *from, int timeout_ms)
{
	uint64_t end = su_ms() + (uint64_t)timeout_ms;
	for (int i = 0; i < 1000 && su_ms() < end; i++) {
		if (!(su_poll(fd, POLLIN, (int)(end - su_ms()) + 1) & POLLIN))
			return -2;
		int flags = 0;
		socklen_t flen = sizeof(struct sockaddr_storage);
		ssize_t n =
		    sctp_recvmsg(fd, buf, len, (struct sockaddr *)from, from ? &flen : NULL, si, &flags);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n >= 0 && (flags & MSG_NOTIFICATION))
			continue;
		return n;
	}
	return -2;
}

/* Nothing more arrives on fd within ms (data or notification). */
static inline bool ts_quiet(int fd, int ms)
{
	return !(su_poll(fd, POLLIN, ms) & POLLIN);
}

/* Send messages until the association's buffer is full and stays full
 * (the peer is not reading, so its window closes; what was in flight is
 * acknowledged first and frees room, hence the settling); fd must be
 * non-blocking. Ends with one-byte messages so not a byte of room is left.
 * Returns the bytes queued. */
static inline size_t ts_fill(int fd, const struct sctp_sndrcvinfo *si, size_t block)
{
	static uint8_t buf[16384];
	size_t total = 0;
	if (block > sizeof(buf))
		block = sizeof(buf);
	int settled = 0; /* EAGAINs in a row with this block size */
	bool done = false;
	/* Bounded: 64 MiB is the largest send buffer there is. */
	for (int i = 0; i < 200000 && !done; i++) {
		ssize_t n = sctp_send(fd, buf, block, si, 0);
		if (n >= 0) {
			total += (size_t)n;
			settled = 0;
			continue;
		}
		assert_int_equal(errno, EAGAIN);
		if (++settled < 3) {
			usleep(30 * 1000);
			continue;
		}
		settled = 0;
		if (block == 1)
			done = true;
		block = block / 8 ? block / 8 : 1;
	}
	assert_true(done);
	return total;
}

static inline void ts_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);
	assert_true(fl >= 0);
	assert_int_equal(fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK)), 0);
}

#endif
