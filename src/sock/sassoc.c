/*
 * Association wrappers: a core association as a socket sees it, and the
 * servicing that follows anything that happens to it (packets out, events
 * in, timer re-armed, readable queue, deletion once dead).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "sock.h"

_Thread_local bool usctp_kick_pending;

static atomic_uint next_assoc_id = 3; /* 0..2 are SCTP_{FUTURE,CURRENT,ALL}_ASSOC */

void usctp_sa_ref(struct usctp_sassoc *sa)
{
	atomic_fetch_add(&sa->refs, 1);
}

void usctp_sa_unref(struct usctp_sassoc *sa)
{
	if (atomic_fetch_sub(&sa->refs, 1) == 1) {
		/* sa->s stays referenced as long as sa lives, so usctp_sa_lock
		 * on a destroyed but still referenced sa never sees a freed socket. */
		struct usctp_sock *s = atomic_load(&sa->s);
		usctp_nq_clear(&sa->early);
		free(sa);
		usctp_sock_unref(s);
	}
}

struct usctp_sock *usctp_sa_lock(struct usctp_sassoc *sa)
{
	for (;;) {
		struct usctp_sock *s = atomic_load(&sa->s);
		usctp_sock_ref(s);
		pthread_mutex_lock(&s->lock);
		if (atomic_load(&sa->s) == s)
			return s;
		pthread_mutex_unlock(&s->lock);
		usctp_sock_unref(s);
	}
}

static void sa_timer_hold(struct usctp_timer *t)
{
	struct usctp_sassoc *sa = (struct usctp_sassoc *)((char *)t - offsetof(struct usctp_sassoc, timer));
	usctp_sa_ref(sa);
}

/* When SCTP_AUTOCLOSE shuts sa down for idleness, or UINT64_MAX: no data
 * sent or received for autoclose_s seconds and nothing left to send. */
static uint64_t autoclose_due(struct usctp_sock *s, struct usctp_sassoc *sa)
{
	if (!s->o.autoclose_s || s->type != SOCK_SEQPACKET || !sa->up || !sa->a ||
	    usctp_assoc_state(sa->a) != USCTP_ESTABLISHED)
		return UINT64_MAX;
	return sa->last_io + (uint64_t)s->o.autoclose_s * 1000000000ull;
}

static void sa_timer_fire(struct usctp_timer *t, uint64_t now)
{
	struct usctp_sassoc *sa = (struct usctp_sassoc *)((char *)t - offsetof(struct usctp_sassoc, timer));
	struct usctp_sock *s = usctp_sa_lock(sa);
	if (sa->a) {
		enum usctp_state before = usctp_assoc_state(sa->a);
		const struct usctp_assoc_stats *st = usctp_assoc_stats(sa->a);
		uint64_t t3 = st->t3_timeouts, fb = st->pmtu_fallbacks;
		if (now >= usctp_assoc_get_expiry(sa->a))
			usctp_assoc_handle_expiry(sa->a, now);
		if (usctp_log_level() >= USCTP_LOG_STATE) {
			usctp_sa_log_transition(sa, before); /* a timer moved it (T1, T2, T5...) */
			/* T3s are what make a transfer slow: say so. */
			const char *fell = "T3-rtx timeout; the path falls back to its base packet size";
			if (sa->a && st->t3_timeouts != t3)
				usctp_sa_log(sa, USCTP_LOG_STATE,
					     st->pmtu_fallbacks != fb ? fell : "T3-rtx timeout");
		}
		uint64_t ac = autoclose_due(s, sa);
		if (ac != UINT64_MAX && now >= ac)
			usctp_assoc_shutdown(sa->a, now); /* SCTP_AUTOCLOSE: idle too long */
		usctp_sa_service_all(s, sa);
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	usctp_sa_unref(sa);
}

/* An Ethernet path: 1500 minus the IP and UDP headers. */
static uint32_t mtu_base_for(const struct usctp_ipaddr *ip)
{
	return ip->family == 6 ? 1500 - 40 - 8 : 1500 - 20 - 8;
}

static uint32_t mtu_for(const struct usctp_ipaddr *ip)
{
	/* Loopback carries 64 KiB datagrams, and two usctp peers go 3 to 7
	 * times faster with them than with 1472-byte packets; a peer that
	 * loses them (usrsctp) makes the path fall back to the base size
	 * (src/core/pmtu.h). Elsewhere assume the base. */
	if (usctp_ip_is_loopback(ip))
		return 65000;
	return mtu_base_for(ip);
}

void usctp_sock_assoc_config(struct usctp_sock *s, struct usctp_assoc_config *c,
			     const struct usctp_ipaddr *peer)
{
	const struct usctp_sockopts *o = &s->o;
	usctp_assoc_config_default(c);
	c->local_port = s->lport;
	c->num_ostreams = o->initmsg.sinit_num_ostreams ? o->initmsg.sinit_num_ostreams : 10;
	c->max_instreams = o->initmsg.sinit_max_instreams ? o->initmsg.sinit_max_instreams : 2048;
	if (o->initmsg.sinit_max_attempts)
		c->max_init_retrans = o->initmsg.sinit_max_attempts;
	c->rcvbuf = o->rcvbuf;
	c->sndbuf = o->sndbuf;
	c->rto_initial_ms = o->rto_initial;
	c->rto_min_ms = o->rto_min;
	c->rto_max_ms = o->rto_max;
	if (o->initmsg.sinit_max_init_timeo && o->initmsg.sinit_max_init_timeo < c->rto_max_ms)
		c->rto_max_ms = o->initmsg.sinit_max_init_timeo; /* bounds T1 backoff, as FreeBSD */
	c->valid_cookie_life_ms = o->cookie_life_ms;
	c->assoc_max_retrans = o->asocmaxrxt;
	c->path_max_retrans = o->pathmaxrxt;
	c->hb_interval_ms = o->hb_enabled ? o->hbinterval_ms : 0;
	c->nodelay = o->nodelay;
	c->pr_sctp = o->pr_sctp;
	c->has_adaptation = o->has_adaptation;
	c->adaptation_ind = o->adaptation_ind;
	c->cookie_key = s->cookie_key;
	/* SCTP_MAXSEG bounds the DATA chunks, not the packets: usctp_sa_new
	 * applies it, so control chunks still get the whole path MTU. */
	c->mtu = mtu_for(peer);
	c->mtu_base = mtu_base_for(peer);
	if (s->o.pathmtu) {
		c->mtu = s->o.pathmtu; /* SPP_PMTUD_DISABLE on the template: fixed */
		c->mtu_base = 0;
	}
	for (unsigned i = 0; i < s->nladdrs && i < USCTP_MAX_ADDR_PARAMS; i++)
		c->local_addrs[i] = s->laddrs[i];
	c->num_local_addrs = s->nladdrs;
	c->route_src = usctp_addr_route_src;
}

struct usctp_sassoc *usctp_sa_new(struct usctp_sock *s, struct usctp_assoc *a, const struct usctp_addr *peer,
				  uint16_t pport, uint32_t mtu)
{
	struct usctp_sassoc *sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	atomic_init(&sa->refs, 1); /* the socket's list */
	atomic_init(&sa->s, s);
	usctp_sock_ref(s);
	sa->a = a;
	sa->id = atomic_fetch_add(&next_assoc_id, 1);
	if (sa->id < 3) /* wrapped */
		sa->id = atomic_fetch_add(&next_assoc_id, 3);
	sa->peer = *peer;
	sa->lport = s->lport;
	sa->pport = pport;
	sa->local_vtag = usctp_assoc_local_vtag(a);
	sa->mtu = mtu;
	sa->prim_path = -1;
	/* The template's settings the config cannot say: a maximum segment,
	 * and heartbeats on with an interval of 0 (RTO + jitter only). */
	if (s->o.maxseg)
		usctp_assoc_set_maxseg(a, s->o.maxseg);
	usctp_assoc_set_path_params(a, -1, s->o.hbinterval_ms, s->o.hb_enabled, 0, 0, usctp_now());
	usctp_timer_init(&sa->timer, sa_timer_hold, sa_timer_fire);
	sa->next = s->assocs;
	if (s->assocs)
		s->assocs->prev = sa;
	s->assocs = sa;
	s->nassocs++;
	sa->last_io = usctp_now();
	usctp_demux_add(sa);
	if (usctp_log_level() >= USCTP_LOG_STATE)
		usctp_sa_log(sa, USCTP_LOG_STATE, usctp_state_name(usctp_assoc_state(a)));
	return sa;
}

static void rq_remove(struct usctp_sock *s, struct usctp_sassoc *sa)
{
	if (!sa->in_rq)
		return;
	struct usctp_sassoc **pp = &s->rq_head, *prev = NULL;
	while (*pp && *pp != sa) {
		prev = *pp;
		pp = &(*pp)->rq_next;
	}
	if (*pp) {
		*pp = sa->rq_next;
		if (s->rq_tail == sa)
			s->rq_tail = prev;
	}
	sa->in_rq = false;
	sa->rq_next = NULL;
}

static void aq_remove(struct usctp_sock *s, struct usctp_sassoc *sa)
{
	if (!sa->in_aq)
		return;
	struct usctp_sassoc **pp = &s->aq_head, *prev = NULL;
	while (*pp && *pp != sa) {
		prev = *pp;
		pp = &(*pp)->aq_next;
	}
	if (*pp) {
		*pp = sa->aq_next;
		if (s->aq_tail == sa)
			s->aq_tail = prev;
		s->aq_len--;
	}
	sa->in_aq = false;
	sa->aq_next = NULL;
}

uint16_t usctp_sa_udp_port(const struct usctp_sassoc *sa, const struct usctp_addr *dst)
{
	for (unsigned i = 0; i < sa->naddr_ports; i++)
		if (usctp_ip_eq(&sa->addr_ports[i].ip, &dst->ip))
			return sa->addr_ports[i].port;
	if (sa->port_override)
		return sa->port_override;
	return dst->udp_port ? dst->udp_port : sa->peer.udp_port;
}

void usctp_sa_destroy(struct usctp_sassoc *sa)
{
	struct usctp_sock *s = atomic_load(&sa->s);
	usctp_demux_del(sa);
	usctp_timer_set(&sa->timer, UINT64_MAX);
	rq_remove(s, sa);
	aq_remove(s, sa);
	if (sa->prev)
		sa->prev->next = sa->next;
	else if (s->assocs == sa)
		s->assocs = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	sa->prev = sa->next = NULL;
	s->nassocs--;
	if (usctp_log_level() >= USCTP_LOG_STATE)
		usctp_sa_log(sa, USCTP_LOG_STATE, "deleted");
	usctp_assoc_del(sa->a);
	sa->a = NULL;
	/* The list's reference on sa; sa's on s goes with sa itself, never the
	 * last one here: every caller holds its own (usctp_sock_get or
	 * usctp_sa_lock), so s stays valid while locked. */
	usctp_sa_unref(sa);
}

static void handle_event(struct usctp_sock *s, struct usctp_sassoc *sa, const struct usctp_event *ev)
{
	if (usctp_log_level() >= USCTP_LOG_ERR)
		usctp_sa_log_event(sa, ev);
	switch (ev->type) {
	case USCTP_EV_COMM_UP:
	case USCTP_EV_RESTART:
		sa->up = true;
		sa->local_vtag = usctp_assoc_local_vtag(sa->a);
		usctp_demux_add_paths(sa); /* a multi-homed peer's other addresses */
		if (s->type == SOCK_STREAM && !s->listening) {
			s->connecting = false;
			s->ever_connected = true;
		}
		if (s->type == SOCK_STREAM && s->listening && !sa->in_aq) {
			sa->in_aq = true;
			sa->aq_next = NULL;
			if (s->aq_tail)
				s->aq_tail->aq_next = sa;
			else
				s->aq_head = sa;
			s->aq_tail = sa;
			s->aq_len++;
		}
		break;
	case USCTP_EV_COMM_LOST:
	case USCTP_EV_CANT_START:
		sa->error = ev->type == USCTP_EV_CANT_START ? ECONNREFUSED : ECONNRESET;
		if (s->type == SOCK_STREAM && !s->listening) {
			if (s->connecting || !s->ever_connected || ev->type == USCTP_EV_COMM_LOST)
				s->so_error = sa->error;
			s->connecting = false;
			s->ever_connected = true;
		}
		break;
	case USCTP_EV_SHUTDOWN:
		sa->shutdown_rcvd = true;
		break;
	default:
		break;
	}
	usctp_notify_event(s, sa, ev);
}

static bool rx_allowed(struct usctp_sock *s)
{
	/* A one-to-one listener's associations are read from the accepted
	 * socket, not the listener. */
	return !(s->type == SOCK_STREAM && s->listening);
}

static void rq_push(struct usctp_sock *s, struct usctp_sassoc *sa)
{
	sa->in_rq = true;
	sa->rq_next = NULL;
	if (s->rq_tail)
		s->rq_tail->rq_next = sa;
	else
		s->rq_head = sa;
	s->rq_tail = sa;
}

int usctp_sa_service(struct usctp_sassoc *sa, struct usctp_txbatch *b, bool *kick)
{
	struct usctp_sock *s = atomic_load(&sa->s);
	struct usctp_assoc *a = sa->a;
	if (!a)
		return 0;
	/* Our tag, for the demux: a restart changes it, and its RESTART event
	 * waits until the old incarnation's data is read. */
	if (sa->up)
		atomic_store(&sa->local_vtag, usctp_assoc_local_vtag(a));
	uint64_t now = usctp_now();
	int more = 0;
	for (int i = 0; i < 4096; i++) {
		uint8_t *p = usctp_txb_reserve(b, sa->mtu);
		if (!p) {
			more = 1;
			break;
		}
		struct usctp_tx_info tx;
		size_t n = usctp_assoc_write_pkt(a, p, sa->mtu, now, &tx);
		if (!n)
			break;
		struct usctp_addr dst = tx.dst;
		dst.udp_port = usctp_sa_udp_port(sa, &tx.dst);
		struct sockaddr_storage to;
		usctp_addr_to_udp(&dst, &to);
		struct usctp_srcaddr src;
		usctp_ip_to_src(&tx.src, &src);
		usctp_txb_commit(b, n, &to, &src);
	}
	struct usctp_event ev;
	for (int i = 0; i < 1024 && usctp_assoc_next_event(a, &ev); i++) {
		handle_event(s, sa, &ev);
		usctp_event_clear(&ev);
	}
	if (rx_allowed(s) && !sa->in_rq && usctp_assoc_readable(a)) {
		rq_push(s, sa);
		sa->last_io = now;
	}
	if (usctp_assoc_is_dead(a) && !more) {
		/* Unread data outlives the association (read it, then EOF). */
		if (!usctp_assoc_readable(a)) {
			usctp_sa_destroy(sa);
			usctp_sock_wake(s);
			return 0;
		}
		usctp_timer_set(&sa->timer, UINT64_MAX);
	} else {
		uint64_t due = usctp_assoc_get_expiry(a), ac = autoclose_due(s, sa);
		if (usctp_timer_set(&sa->timer, ac < due ? ac : due))
			*kick = true;
	}
	usctp_sock_wake(s);
	return more;
}

void usctp_sa_service_all(struct usctp_sock *s, struct usctp_sassoc *sa)
{
	struct usctp_txbatch *b = usctp_txb_get();
	if (!b)
		return;
	bool kick = false;
	usctp_sa_ref(sa);
	for (int round = 0; round < 1024; round++) {
		int more = usctp_sa_service(sa, b, &kick);
		if (b->n) {
			pthread_mutex_unlock(&s->lock);
			usctp_txb_flush(b);
			pthread_mutex_lock(&s->lock);
		}
		if (!more || atomic_load(&sa->s) != s)
			break;
	}
	usctp_sa_unref(sa);
	usctp_txb_put(b);
	if (kick)
		usctp_kick_pending = true; /* an eventfd write: done by usctp_sock_signal, unlocked */
}

struct usctp_sassoc *usctp_sock_find_assoc(struct usctp_sock *s, sctp_assoc_t id)
{
	for (struct usctp_sassoc *sa = s->assocs; sa; sa = sa->next)
		if (sa->id == id)
			return sa;
	return NULL;
}

struct usctp_sassoc *usctp_sock_find_peer(struct usctp_sock *s, const struct usctp_addr *peer)
{
	/* peer->udp_port carries the SCTP port here (see callers). */
	for (struct usctp_sassoc *sa = s->assocs; sa; sa = sa->next)
		if (sa->a && sa->pport == peer->udp_port && usctp_ip_eq(&sa->peer.ip, &peer->ip))
			return sa;
	return NULL;
}

struct usctp_sassoc *usctp_sock_the_assoc(struct usctp_sock *s)
{
	return s->assocs;
}

void usctp_sock_wake(struct usctp_sock *s)
{
	if (s->waiters)
		pthread_cond_broadcast(&s->cond);
}

bool usctp_sock_wait(struct usctp_sock *s, uint64_t deadline_ms)
{
	/* Whatever this thread changed before waiting (a new association's INIT
	 * timer, say) must reach the I/O thread now, not after the wait: one
	 * non-blocking eventfd write, the only system call made under the lock. */
	usctp_kick_flush();
	s->waiters++;
	s->waits++;
	bool ok = true;
	if (deadline_ms) {
		struct timespec ts = {.tv_sec = (time_t)(deadline_ms / 1000),
				      .tv_nsec = (long)(deadline_ms % 1000) * 1000000L};
		ok = pthread_cond_timedwait(&s->cond, &s->lock, &ts) == 0;
	} else {
		pthread_cond_wait(&s->cond, &s->lock);
	}
	s->waiters--;
	return ok;
}
