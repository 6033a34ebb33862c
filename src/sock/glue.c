/*
 * Glue between the runtime (src/io) and the sockets: received datagrams go
 * to their association, or to the listening endpoint of their port; the
 * runtime's lifecycle (usctp_init, usctp_finish, first use, exit).
 *
 * Everything here but usctp_init / usctp_finish runs on the I/O thread.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sock.h"

#define MAX_TOUCHED 64

struct touched {
	struct usctp_sock *s[MAX_TOUCHED];
	unsigned n;
};

static void touch(struct touched *t, struct usctp_sock *s)
{
	/* Takes over the caller's reference. */
	for (unsigned i = 0; i < t->n; i++) {
		if (t->s[i] == s) {
			usctp_sock_unref(s);
			return;
		}
	}
	if (t->n == MAX_TOUCHED) {
		usctp_sock_signal(s);
		usctp_sock_unref(s);
		return;
	}
	t->s[t->n++] = s;
}

/* Service sa (s locked) until its packets are all in b, flushing b without the lock when full. */
static void service(struct usctp_sock *s, struct usctp_sassoc *sa, struct usctp_txbatch *b)
{
	bool kick = false; /* we are the I/O thread: the loop re-arms its timer anyway */
	for (int round = 0; round < 1024; round++) {
		if (!usctp_sa_service(sa, b, &kick))
			break;
		pthread_mutex_unlock(&s->lock);
		usctp_txb_flush(b);
		pthread_mutex_lock(&s->lock);
		if (atomic_load(&sa->s) != s)
			break;
	}
}

static uint8_t *reserve(struct usctp_sock *s, struct usctp_txbatch *b, size_t cap)
{
	uint8_t *p = usctp_txb_reserve(b, cap);
	if (!p) {
		if (s)
			pthread_mutex_unlock(&s->lock);
		usctp_txb_flush(b);
		if (s)
			pthread_mutex_lock(&s->lock);
		p = usctp_txb_reserve(b, cap);
	}
	return p;
}

static void ootb(const struct usctp_dgram *d, const struct usctp_common_hdr *h, const struct usctp_addr *from,
		 const struct usctp_ipaddr *to, uint64_t now, struct usctp_txbatch *b, struct touched *t)
{
	struct usctp_sock *l = usctp_port_owner(h->dst_port);
	struct usctp_assoc_config cfg;
	bool listening = false;
	if (l) {
		pthread_mutex_lock(&l->lock);
		listening =
		    l->listening && !l->closed && (l->type == SOCK_SEQPACKET || l->aq_len < l->backlog);
		usctp_sock_assoc_config(l, &cfg, &from->ip);
	} else {
		usctp_assoc_config_default(&cfg);
		cfg.mtu = 1200;
	}
	cfg.local_port = h->dst_port;
	uint8_t *reply = reserve(l, b, cfg.mtu);
	if (reply) {
		size_t rlen = 0;
		struct usctp_assoc *na = NULL;
		int r = usctp_endpoint_handle_ootb(&cfg, listening, from, d->data, d->len, now, reply,
						   cfg.mtu, &rlen, &na);
		if (r == USCTP_OOTB_REPLY && rlen > 0 && rlen <= cfg.mtu) {
			/* Answer from the address the packet was sent to: the
			 * INIT ACK must come from where the INIT went. */
			struct sockaddr_storage dst;
			usctp_addr_to_udp(from, &dst);
			usctp_txb_commit(b, rlen, &dst, &d->to);
		} else if (r == USCTP_OOTB_NEW_ASSOC && na) {
			usctp_assoc_learn_local(na, from, to);
			struct usctp_sassoc *sa = l ? usctp_sa_new(l, na, from, h->src_port, cfg.mtu) : NULL;
			if (sa) {
				sa->peer_started = true;
				service(l, sa, b);
			} else {
				usctp_assoc_del(na);
			}
		}
	}
	if (l) {
		pthread_mutex_unlock(&l->lock);
		touch(t, l);
	}
}

static void on_input(const struct usctp_dgram *d, unsigned n, uint64_t now)
{
	struct usctp_txbatch *b = usctp_txb_get();
	if (!b)
		return;
	struct touched t = {.n = 0};
	for (unsigned i = 0; i < n; i++) {
		struct usctp_common_hdr h;
		if (usctp_hdr_parse(d[i].data, d[i].len, &h) < 0)
			continue;
		struct usctp_addr from;
		usctp_addr_from_udp(&d[i].from, &from);
		if (from.udp_port == 0)
			continue; /* RFC 6951 5.4: source port 0 is not valid encapsulation */
		struct usctp_ipaddr to;
		usctp_ip_from_src(&d[i].to, &to);
		struct usctp_sassoc *sa = usctp_demux_find(h.dst_port, h.src_port, &from, h.vtag);
		if (!sa) {
			/* RFC 9260 8.4 rule 1: never answer a broadcast or multicast. */
			if (!usctp_ip_is_unicast(&from.ip) || (to.family && !usctp_ip_is_unicast(&to)))
				continue;
			/* A straggler of an association just closed: silence
			 * (demux.c), but for a SHUTDOWN ACK, which 8.4 rule 5
			 * answers with SHUTDOWN COMPLETE. */
			if (h.vtag && usctp_demux_recently_closed(h.dst_port, h.src_port, &from.ip, h.vtag, now) &&
			    !usctp_pkt_has_chunk(d[i].data, d[i].len, USCTP_CHUNK_SHUTDOWN_ACK))
				continue;
			ootb(&d[i], &h, &from, &to, now, b, &t);
			continue;
		}
		struct usctp_sock *s = usctp_sa_lock(sa);
		if (sa->a) {
			/* The core learns the peer's UDP port per address from
			 * packets that pass its tag checks (RFC 6951 5.4). */
			enum usctp_state before = usctp_assoc_state(sa->a);
			int r = usctp_assoc_read_pkt_at(sa->a, &from, &to, d[i].data, d[i].len, now);
			if (usctp_log_level() >= USCTP_LOG_STATE) {
				if (r < 0) {
					char why[96];
					snprintf(why, sizeof(why), "packet dropped: %s", usctp_strerror(r));
					usctp_sa_log(sa, USCTP_LOG_STATE, why);
				}
				usctp_sa_log_transition(sa, before);
			}
			service(s, sa, b);
		}
		pthread_mutex_unlock(&s->lock);
		usctp_sa_unref(sa);
		touch(&t, s);
	}
	usctp_txb_flush(b);
	usctp_txb_put(b);
	for (unsigned i = 0; i < t.n; i++) {
		usctp_sock_signal(t.s[i]);
		usctp_sock_unref(t.s[i]);
	}
}

/* Abort everything a socket has and close it: the runtime is going away. */
static void teardown_sock(struct usctp_sock *s)
{
	struct usctp_txbatch *b = usctp_txb_get();
	pthread_mutex_lock(&s->lock);
	s->closed = true;
	uint64_t now = usctp_now();
	while (s->assocs) {
		struct usctp_sassoc *sa = s->assocs;
		usctp_assoc_abort(sa->a, NULL, 0, now);
		if (b) {
			struct usctp_tx_info tx;
			for (int i = 0; i < 8; i++) {
				uint8_t *p = reserve(s, b, sa->mtu);
				if (!p || s->assocs != sa)
					break;
				size_t len = usctp_assoc_write_pkt(sa->a, p, sa->mtu, now, &tx);
				if (!len)
					break;
				struct sockaddr_storage to;
				struct usctp_addr dst = tx.dst;
				dst.udp_port = usctp_sa_udp_port(sa, &tx.dst);
				usctp_addr_to_udp(&dst, &to);
				struct usctp_srcaddr src;
				usctp_ip_to_src(&tx.src, &src);
				usctp_txb_commit(b, len, &to, &src);
			}
		}
		if (s->assocs == sa)
			usctp_sa_destroy(sa);
	}
	usctp_nq_clear(&s->nq);
	usctp_port_release(s);
	usctp_sock_wake(s);
	pthread_mutex_unlock(&s->lock);
	if (b) {
		usctp_txb_flush(b);
		usctp_txb_put(b);
	}
	usctp_kick_flush();
	usctp_sock_unlink_fd(s, true);
}

static void on_teardown(void)
{
	usctp_sock_foreach(teardown_sock);
}

static const struct usctp_rt_handler handler = {.input = on_input, .teardown = on_teardown};

static pthread_once_t atexit_once = PTHREAD_ONCE_INIT;
static void register_atexit(void)
{
	/* OpenSSL frees its state from its own atexit handler, registered when
	 * it initialises. Initialise it first, so that handler is registered
	 * before ours and runs after it: usctp_finish at exit still joins the
	 * I/O thread and frees associations that used OpenSSL. */
	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL); /* opts 0 would return early */
	atexit(usctp_finish);
}

int usctp_glue_start(void)
{
	if (usctp_rt_running())
		return 0;
	pthread_once(&atexit_once, register_atexit);
	return usctp_rt_start(&handler, 0);
}

int usctp_init(uint16_t udp_port)
{
	pthread_once(&atexit_once, register_atexit);
	int r = usctp_rt_start(&handler, udp_port);
	return r < 0 ? usctp_fail(-r) : 0;
}

void usctp_finish(void)
{
	usctp_rt_stop();
	usctp_registry_reset();
	usctp_demux_reset();
}

uint16_t usctp_udp_port(void)
{
	return usctp_rt_port();
}

int usctp_err_to_errno(int err)
{
	switch (err) {
	case USCTP_ERR_NOMEM:
		return ENOMEM;
	case USCTP_ERR_INVALID:
		return EINVAL;
	case USCTP_ERR_STATE:
		return ENOTCONN;
	case USCTP_ERR_BAD_STREAM:
		return EINVAL;
	case USCTP_ERR_MSGSIZE:
		return EMSGSIZE;
	case USCTP_ERR_WOULDBLOCK:
		return EAGAIN;
	case USCTP_ERR_CLOSED:
		return EPIPE;
	case USCTP_ERR_ABORTED:
		return ECONNRESET;
	case USCTP_ERR_NOT_FOUND:
		return ENOENT;
	case USCTP_ERR_NO_PATH:
		return EHOSTUNREACH;
	default:
		return EIO;
	}
}
