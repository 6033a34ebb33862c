/*
 * The runtime: one UDP socket per address family bound to the local
 * encapsulation port, and one I/O thread that receives datagrams in batches
 * (recvmmsg) and runs timers.
 *
 * The thread sleeps in epoll_wait until a datagram arrives, the timerfd fires
 * (armed, absolute on CLOCK_MONOTONIC, for exactly the earliest due timer) or
 * another thread kicks the eventfd because it armed an earlier timer. There is
 * no periodic tick.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "rt_internal.h"
#include "timer_heap.h"
#include "trace.h"

#define RX_BATCH 32
#define RX_ROUNDS 8 /* recvmmsg calls per wakeup before timers get a turn */
#define TIMER_BATCH 64

static pthread_mutex_t life_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	atomic_bool running;
	atomic_bool stop;
	atomic_int fd4, fd6;
	atomic_int evfd;
	int epfd, tfd;
	atomic_uint port;
	bool explicit_port;
	pthread_t thr;
	const struct usctp_rt_handler *h;
	uint8_t *rxbuf;
} rt = {.fd4 = -1, .fd6 = -1, .evfd = -1};

uint64_t usctp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int usctp_rt_udp_fd(int family)
{
	return family == AF_INET6 ? atomic_load(&rt.fd6) : atomic_load(&rt.fd4);
}

bool usctp_rt_running(void)
{
	return atomic_load(&rt.running);
}
uint16_t usctp_rt_port(void)
{
	return (uint16_t)atomic_load(&rt.port);
}
bool usctp_rt_has_family(int family)
{
	return usctp_rt_udp_fd(family) >= 0;
}

int usctp_rt_route_src(const struct sockaddr_storage *dst, struct usctp_srcaddr *src)
{
	src->family = AF_UNSPEC;
	int fam = dst->ss_family;
	if (fam != AF_INET && fam != AF_INET6)
		return -EAFNOSUPPORT;
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_storage d = *dst, me;
	socklen_t dlen = fam == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	/* connect() on UDP only looks the route up; port 0 is refused, so any. */
	if (fam == AF_INET6)
		((struct sockaddr_in6 *)&d)->sin6_port = htons(9);
	else
		((struct sockaddr_in *)&d)->sin_port = htons(9);
	socklen_t mlen = sizeof(me);
	int err = 0;
	if (connect(fd, (struct sockaddr *)&d, dlen) < 0 || getsockname(fd, (struct sockaddr *)&me, &mlen) < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	src->family = (sa_family_t)fam;
	if (fam == AF_INET6)
		src->u.v6 = ((struct sockaddr_in6 *)&me)->sin6_addr;
	else
		src->u.v4 = ((struct sockaddr_in *)&me)->sin_addr;
	return 0;
}

void usctp_rt_kick(void)
{
	int fd = atomic_load(&rt.evfd);
	if (fd >= 0) {
		uint64_t one = 1;
		ssize_t r = write(fd, &one, sizeof(one));
		(void)r; /* EAGAIN: a kick is already pending, which is enough */
	}
}

static int open_udp(int family, uint16_t port)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	/* Big buffers: a burst of a cwnd's worth of packets must not be lost
	 * in the kernel while the thread is busy. */
	int big = 4 << 20, bigger = 16 << 20;
	/* Beyond net.core.rmem_max where allowed (CAP_NET_ADMIN): 64 KiB
	 * loopback datagrams take twice their size in kernel accounting. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bigger, sizeof(bigger)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	/* Where each datagram arrived: the sockets are bound to the wildcard,
	 * and an association learns its local address from this. */
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_any;
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		len = sizeof(*s4);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		/* IPv6 is optional: its failure is not an error of its own. */
		USCTP_LOG(family == AF_INET6 ? USCTP_LOG_STATE : USCTP_LOG_ERR,
			  "cannot bind UDP port %u (%s): %s", port, family == AF_INET6 ? "IPv6" : "IPv4",
			  strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

static uint16_t env_port(void)
{
	const char *s = getenv("USCTP_UDP_PORT");
	if (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end == '\0' && v > 0 && v < 65536)
			return (uint16_t)v;
	}
	return 9899;
}

static void drain_fd(int fd)
{
	uint64_t v;
	ssize_t r = read(fd, &v, sizeof(v));
	(void)r;
}

static void arm_timerfd(uint64_t due)
{
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	if (due != UINT64_MAX) {
		if (due == 0)
			due = 1; /* an all-zero it_value would disarm */
		its.it_value.tv_sec = (time_t)(due / 1000000000ull);
		its.it_value.tv_nsec = (long)(due % 1000000000ull);
	}
	timerfd_settime(rt.tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Control message space per datagram: one IP_PKTINFO or IPV6_PKTINFO. */
union rx_cmsg {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* The local address of a received datagram, from its PKTINFO (AF_UNSPEC
 * when absent). */
static void arrival_addr(struct msghdr *m, struct usctp_srcaddr *to)
{
	to->family = AF_UNSPEC;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			to->family = AF_INET;
			to->u.v4 = pi.ipi_addr; /* the header's destination address */
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			to->family = AF_INET6;
			to->u.v6 = pi.ipi6_addr;
		}
	}
}

static void receive(int fd, struct mmsghdr *msgs, struct iovec *iov, struct usctp_dgram *d)
{
	static union rx_cmsg cm[RX_BATCH]; /* the I/O thread's alone */
	for (int round = 0; round < RX_ROUNDS; round++) {
		for (unsigned i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = rt.rxbuf + (size_t)i * USCTP_RT_MAX_DGRAM;
			iov[i].iov_len = USCTP_RT_MAX_DGRAM;
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &d[i].from;
			msgs[i].msg_hdr.msg_namelen = sizeof(d[i].from);
			msgs[i].msg_hdr.msg_control = cm[i].buf;
			msgs[i].msg_hdr.msg_controllen = sizeof(cm[i].buf);
		}
		int n = recvmmsg(fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			d[i].data = iov[i].iov_base;
			d[i].len = msgs[i].msg_len;
			arrival_addr(&msgs[i].msg_hdr, &d[i].to);
		}
		if (usctp_trace_on())
			for (int i = 0; i < n; i++)
				usctp_trace_pkt(false, d[i].data, d[i].len, &d[i].from, &d[i].to);
		rt.h->input(d, (unsigned)n, usctp_now());
		if (n < RX_BATCH)
			return;
	}
}

static void run_timers(void)
{
	struct usctp_timer *due[TIMER_BATCH];
	for (int round = 0; round < 64; round++) {
		uint64_t now = usctp_now();
		unsigned n = usctp_timer_heap_pop_due(now, due, TIMER_BATCH);
		for (unsigned i = 0; i < n; i++)
			due[i]->fire(due[i], now);
		if (n < TIMER_BATCH)
			return;
	}
}

static void *io_thread(void *arg)
{
	(void)arg;
	static struct mmsghdr msgs[RX_BATCH];
	static struct iovec iov[RX_BATCH];
	static struct usctp_dgram d[RX_BATCH];
	uint64_t armed = UINT64_MAX;
	while (!atomic_load(&rt.stop)) {
		uint64_t next = usctp_timer_heap_next();
		if (next != armed) {
			arm_timerfd(next);
			armed = next;
		}
		struct epoll_event ev[4];
		int n = epoll_wait(rt.epfd, ev, 4, -1);
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (fd == rt.tfd) {
				drain_fd(fd);
				armed = UINT64_MAX; /* expired: re-arm from the heap */
			} else if (fd == atomic_load(&rt.evfd)) {
				drain_fd(fd);
			} else {
				receive(fd, msgs, iov, d);
			}
		}
		run_timers();
	}
	return NULL;
}

static void close_all(void)
{
	int fd;
	if ((fd = atomic_exchange(&rt.fd4, -1)) >= 0)
		close(fd);
	if ((fd = atomic_exchange(&rt.fd6, -1)) >= 0)
		close(fd);
	if ((fd = atomic_exchange(&rt.evfd, -1)) >= 0)
		close(fd);
	if (rt.tfd >= 0)
		close(rt.tfd);
	if (rt.epfd >= 0)
		close(rt.epfd);
	rt.tfd = rt.epfd = -1;
	free(rt.rxbuf);
	rt.rxbuf = NULL;
}

static int epoll_add(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	return epoll_ctl(rt.epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int start_locked(const struct usctp_rt_handler *h, uint16_t port)
{
	uint16_t p = port ? port : env_port();
	rt.tfd = rt.epfd = -1;
	rt.rxbuf = malloc((size_t)RX_BATCH * USCTP_RT_MAX_DGRAM);
	if (!rt.rxbuf)
		return -ENOMEM;
	int fd4 = open_udp(AF_INET, p);
	if (fd4 < 0) {
		close_all();
		return fd4;
	}
	atomic_store(&rt.fd4, fd4);
	int fd6 = open_udp(AF_INET6, p);
	/* IPv6 is optional: hosts without it still run IPv4. */
	atomic_store(&rt.fd6, fd6 >= 0 ? fd6 : -1);
	rt.epfd = epoll_create1(EPOLL_CLOEXEC);
	rt.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	int evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	atomic_store(&rt.evfd, evfd);
	int err = 0;
	if (rt.epfd < 0 || rt.tfd < 0 || evfd < 0)
		err = -errno;
	if (!err)
		err = epoll_add(fd4);
	if (!err && fd6 >= 0)
		err = epoll_add(fd6);
	if (!err)
		err = epoll_add(rt.tfd);
	if (!err)
		err = epoll_add(evfd);
	if (err) {
		close_all();
		return err;
	}
	rt.h = h;
	rt.explicit_port = port != 0;
	atomic_store(&rt.port, p);
	atomic_store(&rt.stop, false);
	err = -pthread_create(&rt.thr, NULL, io_thread, NULL);
	if (err) {
		close_all();
		atomic_store(&rt.port, 0);
		return err;
	}
	pthread_setname_np(rt.thr, "usctp-io"); /* visible in ps, gdb, /proc */
	atomic_store(&rt.running, true);
	usctp_trace_rt_start();
	USCTP_LOG(USCTP_LOG_STATE, "runtime started on UDP port %u (%s)", p,
		  fd6 >= 0 ? "IPv4 and IPv6" : "IPv4 only");
	return 0;
}

int usctp_rt_start(const struct usctp_rt_handler *h, uint16_t port)
{
	if (atomic_load(&rt.running) && (port == 0 || port == usctp_rt_port()))
		return 0;
	pthread_mutex_lock(&life_lock);
	int err = 0;
	if (atomic_load(&rt.running)) {
		if (port != 0 && port != usctp_rt_port())
			err = -EBUSY;
	} else {
		err = start_locked(h, port);
	}
	pthread_mutex_unlock(&life_lock);
	return err;
}

void usctp_rt_stop(void)
{
	pthread_mutex_lock(&life_lock);
	if (!atomic_load(&rt.running)) {
		pthread_mutex_unlock(&life_lock);
		return;
	}
	if (rt.h && rt.h->teardown)
		rt.h->teardown();
	atomic_store(&rt.stop, true);
	usctp_rt_kick();
	pthread_join(rt.thr, NULL);
	atomic_store(&rt.running, false);
	atomic_store(&rt.port, 0);
	close_all();
	usctp_timer_heap_free();
	usctp_txb_pool_free();
	usctp_trace_rt_stop();
	USCTP_LOG(USCTP_LOG_STATE, "runtime stopped");
	rt.h = NULL;
	pthread_mutex_unlock(&life_lock);
}
