/*
 * Built-in packet capture: every SCTP packet the runtime sends or receives,
 * written to a pcap file as a raw IP packet (LINKTYPE_RAW) of protocol 132
 * whose payload is the SCTP packet taken out of its UDP datagram, so that
 * Wireshark and tshark dissect it as plain SCTP with no options.
 *
 * The IP addresses are the real ones: the peer's from the datagram, ours
 * from the kernel's route to the peer (a connected UDP socket's local
 * address, cached per peer), since the encapsulation sockets are bound to
 * the wildcard address. Records are written with one writev under a mutex,
 * unbuffered, so the file is complete and valid even if the process dies.
 *
 * Also the USCTP_DEBUG=3 packet log (one line per packet).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "trace.h"
#include "usctp.h"

#define LINKTYPE_RAW 101
#define SNAPLEN 262144
#define ROUTE_CACHE 16

atomic_uint usctp_trace_flags;

static pthread_mutex_t pcap_lock = PTHREAD_MUTEX_INITIALIZER;
static int pcap_fd = -1;
static bool env_opened; /* USCTP_PCAP was tried */
static uint16_t ip_id;

static struct route {
	struct sockaddr_storage peer, local;
	bool used;
} routes[ROUTE_CACHE];
static unsigned route_next;

static size_t ip_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static const void *ip_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return &((const struct sockaddr_in *)ss)->sin_addr;
}

static void set_ip(struct sockaddr_storage *ss, const struct usctp_srcaddr *a)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = a->family;
	if (a->family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_addr = a->u.v6;
	else
		((struct sockaddr_in *)ss)->sin_addr = a->u.v4;
}

/* Our address towards peer when the packet does not say (under pcap_lock). */
static void local_for(const struct sockaddr_storage *peer, struct sockaddr_storage *out)
{
	for (unsigned i = 0; i < ROUTE_CACHE; i++) {
		struct route *r = &routes[i];
		if (r->used && r->peer.ss_family == peer->ss_family &&
		    memcmp(ip_of(&r->peer), ip_of(peer), ip_len(peer->ss_family)) == 0) {
			*out = r->local;
			return;
		}
	}
	memset(out, 0, sizeof(*out));
	out->ss_family = peer->ss_family;
	struct usctp_srcaddr src;
	if (usctp_rt_route_src(peer, &src) == 0)
		set_ip(out, &src);
	struct route *r = &routes[route_next++ % ROUTE_CACHE];
	r->peer = *peer;
	r->local = *out;
	r->used = true;
}

static uint16_t ip4_csum(const uint8_t *h)
{
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Under pcap_lock. */
static void pcap_record(bool tx, const uint8_t *pkt, size_t len, const struct sockaddr_storage *peer,
			const struct usctp_srcaddr *ours)
{
	struct sockaddr_storage local;
	if (ours && ours->family == peer->ss_family)
		set_ip(&local, ours);
	else
		local_for(peer, &local);
	const struct sockaddr_storage *src = tx ? &local : peer, *dst = tx ? peer : &local;
	uint8_t hdr[16 + 40];
	size_t iph = peer->ss_family == AF_INET6 ? 40 : 20;
	if (len + iph > 65535 + (iph == 40 ? 40 : 0))
		return; /* cannot be one IP packet (never happens: UDP carried it) */
	uint8_t *ip = hdr + 16;
	memset(ip, 0, iph);
	if (iph == 20) {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(len + 20));
		put16(ip + 4, ip_id++);
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_SCTP;
		memcpy(ip + 12, ip_of(src), 4);
		memcpy(ip + 16, ip_of(dst), 4);
		put16(ip + 10, ip4_csum(ip));
	} else {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)len);
		ip[6] = IPPROTO_SCTP;
		ip[7] = 64;
		memcpy(ip + 8, ip_of(src), 16);
		memcpy(ip + 24, ip_of(dst), 16);
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint32_t rec[4] = {(uint32_t)ts.tv_sec, (uint32_t)(ts.tv_nsec / 1000), (uint32_t)(len + iph),
			   (uint32_t)(len + iph)};
	memcpy(hdr, rec, 16);
	struct iovec iov[2] = {{hdr, 16 + iph}, {(void *)pkt, len}};
	ssize_t w = writev(pcap_fd, iov, 2);
	if (w < 0)
		USCTP_LOG(USCTP_LOG_ERR, "pcap: write: %s", strerror(errno));
}

static const char *chunk_name(uint8_t t)
{
	static const char *const names[] = {
	    "DATA",	   "INIT",	 "INIT_ACK", "SACK",	     "HEARTBEAT",
	    "HB_ACK",	   "ABORT",	 "SHUTDOWN", "SHUTDOWN_ACK", "ERROR",
	    "COOKIE_ECHO", "COOKIE_ACK", "ECNE",     "CWR",	     "SHUTDOWN_COMPLETE"};
	if (t < sizeof(names) / sizeof(names[0]))
		return names[t];
	switch (t) {
	case 0x40:
		return "I_DATA";
	case 0x80:
		return "ASCONF_ACK";
	case 0x82:
		return "RE_CONFIG";
	case 0xc0:
		return "FORWARD_TSN";
	case 0xc1:
		return "ASCONF";
	case 0xc2:
		return "I_FORWARD_TSN";
	default:
		return "?";
	}
}

static void log_pkt(bool tx, const uint8_t *pkt, size_t len, const struct sockaddr_storage *peer)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	inet_ntop(peer->ss_family, ip_of(peer), addr, sizeof(addr));
	uint16_t uport = ntohs(peer->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)peer)->sin6_port
							   : ((const struct sockaddr_in *)peer)->sin_port);
	if (len < 12) {
		USCTP_LOG(USCTP_LOG_PKT, "%s %s udp %s:%u: %zu bytes, too short for SCTP", tx ? "tx" : "rx",
			  tx ? "to" : "from", addr, uport, len);
		return;
	}
	char chunks[256];
	size_t n = 0;
	chunks[0] = '\0';
	size_t off = 12;
	for (int i = 0; i < 32 && off + 4 <= len; i++) {
		uint16_t clen = (uint16_t)(pkt[off + 2] << 8 | pkt[off + 3]);
		int w = snprintf(chunks + n, sizeof(chunks) - n, "%s%s(%u)", n ? " " : "",
				 chunk_name(pkt[off]), clen);
		if (w < 0 || (size_t)w >= sizeof(chunks) - n)
			break;
		n += (size_t)w;
		if (clen < 4)
			break;
		off += ((size_t)clen + 3) & ~(size_t)3;
	}
	USCTP_LOG(USCTP_LOG_PKT, "%s %s %s udp %u: sctp %u -> %u vtag 0x%08x len %zu: %s", tx ? "tx" : "rx",
		  tx ? "to" : "from", addr, uport, (unsigned)(pkt[0] << 8 | pkt[1]),
		  (unsigned)(pkt[2] << 8 | pkt[3]),
		  (unsigned)pkt[4] << 24 | (unsigned)pkt[5] << 16 | (unsigned)pkt[6] << 8 | pkt[7], len,
		  chunks);
}

void usctp_trace_pkt(bool tx, const uint8_t *pkt, size_t len, const struct sockaddr_storage *peer,
		     const struct usctp_srcaddr *local)
{
	unsigned f = atomic_load_explicit(&usctp_trace_flags, memory_order_relaxed);
	if (f & 2)
		log_pkt(tx, pkt, len, peer);
	if (f & 1) {
		pthread_mutex_lock(&pcap_lock);
		if (pcap_fd >= 0)
			pcap_record(tx, pkt, len, peer, local);
		pthread_mutex_unlock(&pcap_lock);
	}
}

static int open_locked(const char *path)
{
	if (pcap_fd >= 0)
		return -EBUSY;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	uint8_t h[24];
	uint32_t magic = 0xa1b2c3d4, zone = 0, sigfigs = 0, snap = SNAPLEN, link = LINKTYPE_RAW;
	uint16_t vmaj = 2, vmin = 4;
	memcpy(h, &magic, 4);
	memcpy(h + 4, &vmaj, 2);
	memcpy(h + 6, &vmin, 2);
	memcpy(h + 8, &zone, 4);
	memcpy(h + 12, &sigfigs, 4);
	memcpy(h + 16, &snap, 4);
	memcpy(h + 20, &link, 4);
	if (write(fd, h, sizeof(h)) != (ssize_t)sizeof(h)) {
		int e = errno ? errno : EIO;
		close(fd);
		return -e;
	}
	pcap_fd = fd;
	memset(routes, 0, sizeof(routes));
	atomic_fetch_or(&usctp_trace_flags, 1u);
	return 0;
}

static void close_locked(void)
{
	atomic_fetch_and(&usctp_trace_flags, ~1u);
	if (pcap_fd >= 0)
		close(pcap_fd);
	pcap_fd = -1;
}

int usctp_pcap_open(const char *path)
{
	if (!path || !*path) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&pcap_lock);
	int r = open_locked(path);
	pthread_mutex_unlock(&pcap_lock);
	if (r < 0) {
		USCTP_LOG(USCTP_LOG_ERR, "pcap: cannot open %s: %s", path, strerror(-r));
		errno = -r;
		return -1;
	}
	return 0;
}

void usctp_pcap_close(void)
{
	pthread_mutex_lock(&pcap_lock);
	close_locked();
	pthread_mutex_unlock(&pcap_lock);
}

void usctp_trace_rt_start(void)
{
	if (usctp_log_level() >= USCTP_LOG_PKT)
		atomic_fetch_or(&usctp_trace_flags, 2u);
	const char *path = getenv("USCTP_PCAP");
	if (!path || !*path)
		return;
	pthread_mutex_lock(&pcap_lock);
	if (pcap_fd < 0 && !env_opened) {
		int r = open_locked(path);
		env_opened = true; /* once per process: a restart must not truncate it */
		if (r < 0)
			USCTP_LOG(USCTP_LOG_ERR, "USCTP_PCAP: cannot open %s: %s", path, strerror(-r));
	}
	pthread_mutex_unlock(&pcap_lock);
}

void usctp_trace_rt_stop(void)
{
	/* A capture from USCTP_PCAP stays open (unbuffered, so always complete)
	 * until exit: a runtime started again keeps writing to the same file. */
	atomic_fetch_and(&usctp_trace_flags, ~2u);
}
