/*
 * Outbound packet batches: packets are written by the core straight into a
 * batch buffer (no copy), then sent with one sendmmsg per address family.
 *
 * Batches come from a pool so that neither the I/O thread nor user threads
 * allocate per packet; the pool only grows to the number of threads sending
 * at once and is freed when the runtime stops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "rt_internal.h"
#include "trace.h"

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct usctp_txbatch *pool;

struct usctp_txbatch *usctp_txb_get(void)
{
	pthread_mutex_lock(&pool_lock);
	struct usctp_txbatch *b = pool;
	if (b)
		pool = b->next;
	pthread_mutex_unlock(&pool_lock);
	if (b)
		return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->buf = malloc(USCTP_TXB_BYTES);
	if (!b->buf) {
		free(b);
		return NULL;
	}
	return b;
}

void usctp_txb_put(struct usctp_txbatch *b)
{
	if (!b)
		return;
	b->n = 0;
	b->used = 0;
	pthread_mutex_lock(&pool_lock);
	b->next = pool;
	pool = b;
	pthread_mutex_unlock(&pool_lock);
}

void usctp_txb_pool_free(void)
{
	pthread_mutex_lock(&pool_lock);
	struct usctp_txbatch *b = pool;
	pool = NULL;
	pthread_mutex_unlock(&pool_lock);
	while (b) {
		struct usctp_txbatch *next = b->next;
		free(b->buf);
		free(b);
		b = next;
	}
}

uint8_t *usctp_txb_reserve(struct usctp_txbatch *b, size_t cap)
{
	/* Keep packets 8-byte aligned: cheap, and the checksum code likes it. */
	size_t off = (b->used + 7) & ~(size_t)7;
	if (b->n == USCTP_TXB_MAX || off + cap > USCTP_TXB_BYTES)
		return NULL;
	b->used = off;
	return b->buf + off;
}

void usctp_txb_commit(struct usctp_txbatch *b, size_t len, const struct sockaddr_storage *to,
		      const struct usctp_srcaddr *src)
{
	struct usctp_txpkt *p = &b->pkts[b->n++];
	p->off = b->used;
	p->len = len;
	memcpy(&p->to, to, sizeof(*to));
	if (src && src->family == to->ss_family)
		p->src = *src;
	else
		p->src.family = AF_UNSPEC;
	b->used += len;
}

static socklen_t salen(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* Room for one IP_PKTINFO or IPV6_PKTINFO control message. */
union pktinfo_cmsg {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* The source address goes in a PKTINFO control message: the sockets are
 * bound to the wildcard, and an association must send from an address its
 * peer knows (RFC 9260 1.3, "Primary Path"). */
static void set_source(struct msghdr *m, union pktinfo_cmsg *c, const struct usctp_srcaddr *src)
{
	memset(c, 0, sizeof(*c));
	m->msg_control = c->buf;
	if (src->family == AF_INET6) {
		struct in6_pktinfo pi = {.ipi6_addr = src->u.v6, .ipi6_ifindex = 0};
		m->msg_controllen = CMSG_SPACE(sizeof(pi));
		struct cmsghdr *cm = CMSG_FIRSTHDR(m);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		struct in_pktinfo pi = {.ipi_ifindex = 0, .ipi_spec_dst = src->u.v4};
		m->msg_controllen = CMSG_SPACE(sizeof(pi));
		struct cmsghdr *cm = CMSG_FIRSTHDR(m);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
}

/* Send pkts with indices in idx[0..n) on fd, retrying on EINTR only: a
 * datagram the kernel refuses (ENOBUFS, unreachable, a source address it
 * will not use) is lost as on a wire, and SCTP retransmits it. */
static void send_family(struct usctp_txbatch *b, int fd, const unsigned *idx, unsigned n)
{
	struct mmsghdr msgs[USCTP_TXB_MAX];
	struct iovec iov[USCTP_TXB_MAX];
	union pktinfo_cmsg cm[USCTP_TXB_MAX];
	for (unsigned i = 0; i < n; i++) {
		struct usctp_txpkt *p = &b->pkts[idx[i]];
		iov[i].iov_base = b->buf + p->off;
		iov[i].iov_len = p->len;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &p->to;
		msgs[i].msg_hdr.msg_namelen = salen(&p->to);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (p->src.family != AF_UNSPEC)
			set_source(&msgs[i].msg_hdr, &cm[i], &p->src);
	}
	unsigned done = 0;
	int spins = 0;
	while (done < n && spins < 64) {
		int r = sendmmsg(fd, msgs + done, n - done, MSG_DONTWAIT);
		if (r > 0) {
			done += (unsigned)r;
		} else if (r < 0 && errno == EINTR) {
			spins++;
		} else {
			/* Skip the packet that failed and carry on with the rest. */
			done++;
			spins++;
		}
	}
}

void usctp_txb_flush(struct usctp_txbatch *b)
{
	unsigned idx4[USCTP_TXB_MAX], idx6[USCTP_TXB_MAX], n4 = 0, n6 = 0;
	if (usctp_trace_on())
		for (unsigned i = 0; i < b->n; i++)
			usctp_trace_pkt(true, b->buf + b->pkts[i].off, b->pkts[i].len, &b->pkts[i].to,
					&b->pkts[i].src);
	for (unsigned i = 0; i < b->n; i++) {
		if (b->pkts[i].to.ss_family == AF_INET6)
			idx6[n6++] = i;
		else
			idx4[n4++] = i;
	}
	int fd4 = usctp_rt_udp_fd(AF_INET), fd6 = usctp_rt_udp_fd(AF_INET6);
	if (n4 && fd4 >= 0)
		send_family(b, fd4, idx4, n4);
	if (n6 && fd6 >= 0)
		send_family(b, fd6, idx6, n6);
	b->n = 0;
	b->used = 0;
}
