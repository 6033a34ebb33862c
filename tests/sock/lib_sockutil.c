#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockutil.h"
#include "sock/sock.h"

static uint16_t bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

uint16_t su_free_udp_port(void)
{
	for (int tries = 0; tries < 50; tries++) {
		int fd4 = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_storage ss;
		socklen_t len = su_loopback(AF_INET, 0, &ss);
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_ANY);
		if (fd4 < 0 || bind(fd4, (struct sockaddr *)&ss, len) < 0) {
			if (fd4 >= 0)
				close(fd4);
			continue;
		}
		uint16_t port = bound_port(fd4);
		int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
		int ok = 1;
		if (fd6 >= 0) {
			int one = 1;
			setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
			struct sockaddr_in6 s6;
			memset(&s6, 0, sizeof(s6));
			s6.sin6_family = AF_INET6;
			s6.sin6_port = htons(port);
			if (bind(fd6, (struct sockaddr *)&s6, sizeof(s6)) < 0)
				ok = 0;
			close(fd6);
		}
		close(fd4);
		if (ok && port)
			return port;
	}
	return 0;
}

uint64_t su_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

socklen_t su_loopback(int family, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_loopback;
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*s4);
}

short su_poll(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r = poll(&p, 1, timeout_ms);
	return r > 0 ? p.revents : 0;
}

#include <stdlib.h>

uint16_t su_start(void)
{
	for (int i = 0; i < 20; i++) {
		uint16_t port = su_free_udp_port();
		if (port && usctp_init(port) == 0)
			return port;
	}
	abort();
}

void su_encaps(int fd, uint16_t udp_port)
{
	struct sctp_udpencaps u;
	memset(&u, 0, sizeof(u));
	u.sue_assoc_id = SCTP_FUTURE_ASSOC;
	u.sue_port = htons(udp_port);
	if (usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, sizeof(u)) < 0)
		abort();
}

int su_listener(int family, int type, uint16_t *port)
{
	int fd = usctp_socket(family, type, IPPROTO_SCTP);
	if (fd < 0)
		return -1;
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(family, 0, &ss);
	if (usctp_bind(fd, (struct sockaddr *)&ss, len) < 0 || usctp_listen(fd, 16) < 0)
		return -1;
	struct sockaddr *addrs;
	int n = sctp_getladdrs(fd, 0, &addrs);
	if (n < 1)
		return -1;
	*port = ntohs(((struct sockaddr_in *)addrs)->sin_port);
	sctp_freeladdrs(addrs);
	return fd;
}

void su_subscribe(int fd, uint16_t type)
{
	struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC, .se_type = type, .se_on = 1};
	if (usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0)
		abort();
}

ssize_t su_recv(int fd, void *buf, size_t len, struct sctp_sndrcvinfo *si, int *flags, int timeout_ms)
{
	if (!(su_poll(fd, POLLIN, timeout_ms) & POLLIN))
		return -2;
	int f = 0;
	ssize_t n = sctp_recvmsg(fd, buf, len, NULL, NULL, si, &f);
	if (flags)
		*flags = f;
	return n;
}

ssize_t su_wait_notification(int fd, uint16_t type, void *buf, size_t len, int timeout_ms)
{
	uint64_t end = su_ms() + (uint64_t)timeout_ms;
	while (su_ms() < end) {
		int flags = 0;
		ssize_t n = su_recv(fd, buf, len, NULL, &flags, (int)(end - su_ms()) + 1);
		if (n == -2)
			return -1;
		if (n < 0) {
			if (errno == EAGAIN)
				continue;
			return -1;
		}
		if ((flags & MSG_NOTIFICATION) && n >= 2 &&
		    ((union sctp_notification *)buf)->sn_header.sn_type == type)
			return n;
	}
	return -1;
}

/* Internals, read under the socket's lock: tests only. */
static void waits_of(int fd, uint64_t *waits, int *waiters)
{
	struct usctp_sock *s;
	*waits = 0;
	*waiters = 0;
	if (usctp_sock_get(fd, &s) < 0)
		return;
	pthread_mutex_lock(&s->lock);
	*waits = s->waits;
	*waiters = s->waiters;
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
}

uint64_t su_waits(int fd)
{
	uint64_t w;
	int n;
	waits_of(fd, &w, &n);
	return w;
}

bool su_blocked_after(int fd, uint64_t since, int timeout_ms)
{
	uint64_t end = su_ms() + (uint64_t)timeout_ms;
	for (;;) {
		uint64_t w;
		int n;
		waits_of(fd, &w, &n);
		if (w > since && n > 0)
			return true;
		if (su_ms() >= end)
			return false;
		usleep(1000);
	}
}
