/*
 * Socket options (RFC 6458 section 8, FreeBSD values): usctp_setsockopt,
 * usctp_getsockopt, sctp_opt_info.
 *
 * An option with an association id acts on what the id names (RFC 6458
 * 7.1.2): SCTP_FUTURE_ASSOC the socket's template for associations set up
 * later, SCTP_CURRENT_ASSOC every existing association, SCTP_ALL_ASSOC both,
 * another id that association; on a one-to-one socket the id is ignored and
 * both its association and the template change. Socket-level options
 * without an id (SCTP_NODELAY, SO_SNDBUF, SO_RCVBUF) act as SCTP_ALL_ASSOC.
 * A changed association is serviced at once, so what the change releases
 * (a HEARTBEAT on demand, a window update, held data) goes out and its
 * timer follows the new values. getsockopt reads an association's live
 * values, or the template (SCTP_FUTURE_ASSOC, or no association yet).
 */
#include <stddef.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/time.h>

#include "api_internal.h"

#define NEED(type)                                                                                           \
	do {                                                                                                 \
		if (optlen < (socklen_t)sizeof(type))                                                        \
			return -EINVAL;                                                                      \
	} while (0)

static const uint16_t subscribe_types[] = {
    0, /* sctp_data_io_event: handled apart */
    SCTP_ASSOC_CHANGE,
    SCTP_PEER_ADDR_CHANGE,
    SCTP_SEND_FAILED,
    SCTP_REMOTE_ERROR,
    SCTP_SHUTDOWN_EVENT,
    SCTP_PARTIAL_DELIVERY_EVENT,
    SCTP_ADAPTATION_INDICATION,
    SCTP_AUTHENTICATION_EVENT,
    SCTP_SENDER_DRY_EVENT,
    SCTP_STREAM_RESET_EVENT,
};

static struct usctp_sassoc *target(struct usctp_sock *s, sctp_assoc_t id)
{
	if (s->type == SOCK_STREAM)
		return usctp_sock_the_assoc(s);
	if (id <= SCTP_ALL_ASSOC)
		return NULL;
	return usctp_sock_find_assoc(s, id);
}

/* -EINVAL for a one-to-many socket naming an association that is not there (FreeBSD). */
static int check_id(struct usctp_sock *s, sctp_assoc_t id)
{
	if (s->type == SOCK_SEQPACKET && id > SCTP_ALL_ASSOC && !usctp_sock_find_assoc(s, id))
		return -EINVAL;
	return 0;
}

/* What a set with an association id acts on (see the top of the file). */
struct scope {
	bool tmpl;		  /* the template for future associations */
	bool all;		  /* every association of the socket */
	struct usctp_sassoc *one; /* or just this one */
};

static int scope_of(struct usctp_sock *s, sctp_assoc_t id, struct scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (s->type == SOCK_STREAM) {
		sc->tmpl = sc->all = true;
		return 0;
	}
	switch (id) {
	case SCTP_FUTURE_ASSOC:
		sc->tmpl = true;
		return 0;
	case SCTP_CURRENT_ASSOC:
		sc->all = true;
		return 0;
	case SCTP_ALL_ASSOC:
		sc->tmpl = sc->all = true;
		return 0;
	default:
		sc->one = usctp_sock_find_assoc(s, id);
		return sc->one && sc->one->a ? 0 : -EINVAL;
	}
}

static struct usctp_sassoc *live(struct usctp_sassoc *sa, const struct scope *sc)
{
	for (; sa && !sa->a; sa = sc->one ? NULL : sa->next)
		;
	return sa;
}

/* The live associations of a scope (under s->lock, which stays held). */
static struct usctp_sassoc *first_target(struct usctp_sock *s, const struct scope *sc)
{
	return live(sc->one ? sc->one : sc->all ? s->assocs : NULL, sc);
}
#define FOR_TARGETS(s, sc, sa) for (sa = first_target(s, sc); sa; sa = (sc)->one ? NULL : live(sa->next, sc))

/* Service the associations a set changed, so that packets it released go
 * out and timers are re-armed. Servicing drops the lock to send, and
 * associations may go meanwhile: a walk that loses its place restarts
 * (servicing twice is harmless), within a bound. */
static void service_scope(struct usctp_sock *s, const struct scope *sc)
{
	if (sc->one) {
		if (sc->one->a)
			usctp_sa_service_all(s, sc->one);
		return;
	}
	if (!sc->all)
		return;
	unsigned bound = 2 * s->nassocs + 8;
	struct usctp_sassoc *sa = s->assocs;
	for (unsigned n = 0; sa && n < bound; n++) {
		usctp_sa_ref(sa);
		if (sa->a)
			usctp_sa_service_all(s, sa);
		struct usctp_sassoc *next = atomic_load(&sa->s) == s && sa->a ? sa->next : s->assocs;
		usctp_sa_unref(sa); /* may free a deleted sa; s stays (our caller holds a reference) */
		sa = next;
	}
}

/* The association a get with id reads, or NULL for the template. RFC 6458
 * 7.2: SCTP_CURRENT_ASSOC and SCTP_ALL_ASSOC are EINVAL in a get. */
static int get_target(struct usctp_sock *s, sctp_assoc_t id, struct usctp_sassoc **out)
{
	*out = NULL;
	if (s->type == SOCK_STREAM) {
		struct usctp_sassoc *sa = usctp_sock_the_assoc(s);
		if (sa && sa->a && !s->listening)
			*out = sa;
		return 0;
	}
	if (id == SCTP_FUTURE_ASSOC)
		return 0;
	if (id == SCTP_CURRENT_ASSOC || id == SCTP_ALL_ASSOC)
		return -EINVAL;
	struct usctp_sassoc *sa = usctp_sock_find_assoc(s, id);
	if (!sa || !sa->a)
		return -EINVAL;
	*out = sa;
	return 0;
}

/* spp_address: 1 for a wildcard (no family, or the any address), 0 and *a,
 * *port (its SCTP port, 0: any) for an address, -EINVAL. */
static int spp_addr(const struct sockaddr_storage *ss, struct usctp_addr *a, uint16_t *port)
{
	if (ss->ss_family == 0)
		return 1;
	if (ss->ss_family == AF_INET &&
	    ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY))
		return 1;
	if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr))
		return 1;
	return usctp_addr_from_sa((const struct sockaddr *)ss, sizeof(*ss), a, port) < 0 ? -EINVAL : 0;
}

/* The association (within sc, else any of the socket's, as FreeBSD looks an
 * association up by address) with a path to a, and that path's index. */
static struct usctp_sassoc *path_of(struct usctp_sock *s, struct usctp_sassoc *one,
				    const struct usctp_addr *a, uint16_t port, int *idx)
{
	for (struct usctp_sassoc *sa = one ? one : s->assocs; sa; sa = one ? NULL : sa->next) {
		if (port && port != sa->pport)
			continue;
		int i = sa->a ? usctp_assoc_find_path(sa->a, a) : -1;
		if (i >= 0) {
			*idx = i;
			return sa;
		}
	}
	return NULL;
}

static bool rto_ok(const struct sctp_rtoinfo *r, uint32_t ini, uint32_t mn, uint32_t mx)
{
	ini = r->srto_initial ? r->srto_initial : ini;
	mn = r->srto_min ? r->srto_min : mn;
	mx = r->srto_max ? r->srto_max : mx;
	return mn > 0 && mn <= ini && ini <= mx;
}

/* SPP_PMTUD_DISABLE's spp_pathmtu: from FreeBSD's smallest PMTU to the
 * largest UDP payload. */
#define PATHMTU_MIN 512u
#define PATHMTU_MAX 65507u

static int set_paddrparams(struct usctp_sock *s, const struct sctp_paddrparams *p, struct scope *sc)
{
	struct usctp_sockopts *o = &s->o;
	int e = scope_of(s, p->spp_assoc_id, sc);
	if (e < 0)
		return e;
	uint32_t f = p->spp_flags;
	if (((f & SPP_HB_ENABLE) && (f & SPP_HB_DISABLE)) ||
	    ((f & SPP_PMTUD_ENABLE) && (f & SPP_PMTUD_DISABLE)))
		return -EINVAL;
	uint32_t mtu = 0;
	if ((f & SPP_PMTUD_DISABLE) && p->spp_pathmtu) {
		if (p->spp_pathmtu < PATHMTU_MIN || p->spp_pathmtu > PATHMTU_MAX)
			return -EINVAL;
		mtu = p->spp_pathmtu;
	}
	struct usctp_addr addr;
	uint16_t port = 0;
	int wild = spp_addr(&p->spp_address, &addr, &port);
	if (wild < 0)
		return wild;
	int hb_on = (f & SPP_HB_ENABLE) ? 1 : (f & SPP_HB_DISABLE) ? 0 : -1;
	bool set_ival = p->spp_hbinterval || (f & SPP_HB_TIME_IS_ZERO);
	uint32_t ival = set_ival ? p->spp_hbinterval : USCTP_PARAM_KEEP;
	uint64_t now = usctp_now();
	if (!wild) {
		/* One path of one association; the template stays. */
		int idx;
		struct usctp_sassoc *sa = path_of(s, sc->one, &addr, port, &idx);
		if (!sa)
			return -EINVAL;
		memset(sc, 0, sizeof(*sc));
		sc->one = sa;
		/* The heartbeat first: it is what can fail (not established). */
		if (f & SPP_HB_DEMAND) {
			e = usctp_assoc_heartbeat_now(sa->a, idx, now);
			if (e < 0)
				return -usctp_err_to_errno(e);
		}
		e = usctp_assoc_set_path_params(sa->a, idx, ival, hb_on, p->spp_pathmaxrxt, mtu, now);
		if (e < 0)
			return -usctp_err_to_errno(e);
		if (mtu > sa->mtu)
			sa->mtu = mtu; /* our packet buffer holds the path's MTU */
		return 0;
	}
	if (f & SPP_HB_DEMAND)
		return -EINVAL; /* RFC 6458 8.1.12: never with a wildcard address */
	struct usctp_sassoc *sa;
	FOR_TARGETS(s, sc, sa)
	{
		e = usctp_assoc_set_path_params(sa->a, -1, ival, hb_on, p->spp_pathmaxrxt, mtu, now);
		if (e < 0)
			return -usctp_err_to_errno(e);
		if (mtu > sa->mtu)
			sa->mtu = mtu;
	}
	if (sc->tmpl) {
		if (hb_on >= 0)
			o->hb_enabled = hb_on;
		if (set_ival)
			o->hbinterval_ms = p->spp_hbinterval;
		if (p->spp_pathmaxrxt)
			o->pathmaxrxt = p->spp_pathmaxrxt;
		if (mtu)
			o->pathmtu = mtu;
	}
	return 0;
}

static uint64_t tv_ms(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000u + (uint64_t)tv->tv_usec / 1000u;
}

/* sc: what the set changed, to service once it is done. */
static int set_locked(struct usctp_sock *s, int level, int name, const void *val, socklen_t optlen,
		      struct scope *sc)
{
	struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	if (!val)
		return -EFAULT;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_SNDBUF:
		case SO_RCVBUF: {
			NEED(int);
			int v = *(const int *)val;
			if (v <= 0)
				return -EINVAL;
			/* Bounds: at least a few packets, at most 64 MiB. */
			uint32_t b = v < 4096 ? 4096 : v > (64 << 20) ? (64u << 20) : (uint32_t)v;
			scope_of(s, SCTP_ALL_ASSOC, sc);
			FOR_TARGETS(s, sc, sa)
			{
				if (name == SO_SNDBUF) {
					usctp_assoc_set_sndbuf(sa->a, b);
					continue;
				}
				/* A receive buffer only grows: the window already
				 * advertised cannot be taken back. */
				struct usctp_assoc_params ap;
				usctp_assoc_get_params(sa->a, &ap);
				if (b > ap.rcvbuf) {
					int e = usctp_assoc_set_rcvbuf(sa->a, b);
					if (e < 0)
						return -usctp_err_to_errno(e);
				}
			}
			if (name == SO_SNDBUF)
				o->sndbuf = b;
			else
				o->rcvbuf = b;
			return 0;
		}
		case SO_LINGER:
			NEED(struct linger);
			o->linger = *(const struct linger *)val;
			return 0;
		case SO_RCVTIMEO:
		case SO_SNDTIMEO:
			NEED(struct timeval);
			if (name == SO_RCVTIMEO)
				s->rcvtimeo_ms = tv_ms(val);
			else
				s->sndtimeo_ms = tv_ms(val);
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level != IPPROTO_SCTP)
		return -ENOPROTOOPT;
	switch (name) {
	case SCTP_NODELAY:
		NEED(int);
		o->nodelay = *(const int *)val != 0;
		scope_of(s, SCTP_ALL_ASSOC, sc);
		FOR_TARGETS(s, sc, sa)
		{
			usctp_assoc_set_nodelay(sa->a, o->nodelay);
		}
		return 0;
	case SCTP_AUTOCLOSE:
		NEED(int);
		if (s->type != SOCK_SEQPACKET)
			return -EOPNOTSUPP;
		o->autoclose_s = *(const int *)val < 0 ? 0 : (uint32_t) * (const int *)val;
		return 0;
	case SCTP_INITMSG: {
		NEED(struct sctp_initmsg);
		const struct sctp_initmsg *m = val;
		if (m->sinit_num_ostreams)
			o->initmsg.sinit_num_ostreams = m->sinit_num_ostreams;
		if (m->sinit_max_instreams)
			o->initmsg.sinit_max_instreams = m->sinit_max_instreams;
		if (m->sinit_max_attempts)
			o->initmsg.sinit_max_attempts = m->sinit_max_attempts;
		if (m->sinit_max_init_timeo)
			o->initmsg.sinit_max_init_timeo = m->sinit_max_init_timeo;
		return 0;
	}
	case SCTP_EVENT: {
		NEED(struct sctp_event);
		const struct sctp_event *e = val;
		if (e->se_type == 0 || e->se_type > SCTP_SEND_FAILED_EVENT)
			return -EINVAL;
		if (e->se_on)
			o->events |= 1u << e->se_type;
		else
			o->events &= ~(1u << e->se_type);
		return 0;
	}
	case SCTP_EVENTS: {
		const uint8_t *b = val;
		size_t n = sizeof(subscribe_types) / sizeof(subscribe_types[0]);
		if ((size_t)optlen < n)
			n = (size_t)optlen;
		for (size_t i = 1; i < n; i++) {
			if (b[i])
				o->events |= 1u << subscribe_types[i];
			else
				o->events &= ~(1u << subscribe_types[i]);
		}
		if (n > 0) {
			if (b[0])
				o->events |= 1u; /* bit 0: sctp_data_io_event */
			else
				o->events &= ~1u;
		}
		return 0;
	}
	case SCTP_DEFAULT_SEND_PARAM: {
		NEED(struct sctp_sndrcvinfo);
		int r = check_id(s, ((const struct sctp_sndrcvinfo *)val)->sinfo_assoc_id);
		if (r < 0)
			return r;
		o->defsend = *(const struct sctp_sndrcvinfo *)val;
		o->defsend.sinfo_assoc_id = 0;
		return 0;
	}
	case SCTP_PRIMARY_ADDR: {
		NEED(struct sctp_setprim);
		const struct sctp_setprim *p = val;
		sa = target(s, p->ssp_assoc_id);
		if (!sa || !sa->a)
			return -EINVAL;
		struct usctp_addr a;
		uint16_t port;
		if (usctp_addr_from_sa((const struct sockaddr *)&p->ssp_addr, sizeof(p->ssp_addr), &a,
				       &port) < 0)
			return -EINVAL;
		struct usctp_assoc_status st;
		usctp_assoc_get_status(sa->a, &st);
		for (unsigned i = 0; i < st.num_paths; i++) {
			struct usctp_path_status ps;
			if (usctp_assoc_path_status(sa->a, i, &ps) == 0 && ps.addr.ip.family == a.ip.family &&
			    memcmp(ps.addr.ip.bytes, a.ip.bytes, 16) == 0) {
				/* Data goes there from now on (send params' path). */
				sa->prim_path = (int)i;
				return 0;
			}
		}
		return -EADDRNOTAVAIL;
	}
	case SCTP_RTOINFO: {
		NEED(struct sctp_rtoinfo);
		const struct sctp_rtoinfo *r = val;
		int e = scope_of(s, r->srto_assoc_id, sc);
		if (e < 0)
			return e;
		/* Every target checked first: a set that fails changes nothing. */
		if (sc->tmpl && !rto_ok(r, o->rto_initial, o->rto_min, o->rto_max))
			return -EINVAL;
		FOR_TARGETS(s, sc, sa)
		{
			struct usctp_assoc_params ap;
			usctp_assoc_get_params(sa->a, &ap);
			if (!rto_ok(r, ap.rto_initial_ms, ap.rto_min_ms, ap.rto_max_ms))
				return -EINVAL;
		}
		FOR_TARGETS(s, sc, sa)
		{
			usctp_assoc_set_rto(sa->a, r->srto_initial, r->srto_min, r->srto_max);
		}
		if (sc->tmpl) {
			o->rto_initial = r->srto_initial ? r->srto_initial : o->rto_initial;
			o->rto_min = r->srto_min ? r->srto_min : o->rto_min;
			o->rto_max = r->srto_max ? r->srto_max : o->rto_max;
		}
		return 0;
	}
	case SCTP_ASSOCINFO: {
		NEED(struct sctp_assocparams);
		const struct sctp_assocparams *p = val;
		int e = scope_of(s, p->sasoc_assoc_id, sc);
		if (e < 0)
			return e;
		FOR_TARGETS(s, sc, sa)
		{
			usctp_assoc_set_max_retrans(sa->a, p->sasoc_asocmaxrxt);
		}
		/* The cookie life is the template's only: it matters when an
		 * association is set up. */
		if (sc->tmpl && p->sasoc_asocmaxrxt)
			o->asocmaxrxt = p->sasoc_asocmaxrxt;
		if (sc->tmpl && p->sasoc_cookie_life)
			o->cookie_life_ms = p->sasoc_cookie_life;
		return 0;
	}
	case SCTP_PEER_ADDR_PARAMS:
		NEED(struct sctp_paddrparams);
		return set_paddrparams(s, val, sc);
	case SCTP_MAXSEG: {
		NEED(struct sctp_assoc_value);
		const struct sctp_assoc_value *v = val;
		int e = scope_of(s, v->assoc_id, sc);
		if (e < 0)
			return e;
		if (v->assoc_value && v->assoc_value < USCTP_MIN_MAXSEG)
			return -EINVAL;
		FOR_TARGETS(s, sc, sa)
		{
			usctp_assoc_set_maxseg(sa->a, v->assoc_value);
		}
		if (sc->tmpl)
			o->maxseg = v->assoc_value;
		return 0;
	}
	case SCTP_ADAPTATION_LAYER:
		NEED(struct sctp_setadaptation);
		o->adaptation_ind = ((const struct sctp_setadaptation *)val)->ssb_adaptation_ind;
		o->has_adaptation = true;
		return 0;
	case SCTP_PR_SUPPORTED:
		return usctp_opt_pr_supported_set(s, &o->pr_sctp, val, optlen);
	case SCTP_REMOTE_UDP_ENCAPS_PORT: {
		NEED(struct sctp_udpencaps);
		const struct sctp_udpencaps *u = val;
		uint16_t port = ntohs(u->sue_port);
		sa = target(s, u->sue_assoc_id);
		if (s->type == SOCK_SEQPACKET && u->sue_assoc_id > SCTP_ALL_ASSOC && !sa)
			return -EINVAL;
		struct usctp_addr a;
		uint16_t sctp_port;
		/* A wildcard address (any family) means no address, as in
		 * FreeBSD and usrsctp: the association's or socket's port. */
		bool has_addr = usctp_addr_from_sa((const struct sockaddr *)&u->sue_address,
						   sizeof(u->sue_address), &a, &sctp_port) == 0 &&
				!usctp_addr_is_any(&a.ip);
		if (sa && (s->type == SOCK_SEQPACKET || sa->a)) {
			if (!has_addr) {
				sa->port_override = port;
				return 0;
			}
			/* One address of the association (FreeBSD's per-path port). */
			unsigned i;
			for (i = 0; i < sa->naddr_ports; i++)
				if (memcmp(&sa->addr_ports[i].ip, &a.ip, sizeof(a.ip)) == 0)
					break;
			if (i == USCTP_MAX_ADDR_PARAMS)
				return -ENOMEM;
			sa->addr_ports[i].ip = a.ip;
			sa->addr_ports[i].port = port;
			if (i == sa->naddr_ports)
				sa->naddr_ports++;
			return 0;
		}
		if (has_addr)
			return -EINVAL; /* an address needs its association */
		o->encaps_port = port;
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
}

int usctp_setsockopt(int sd, int level, int optname, const void *optval, socklen_t optlen)
{
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	struct scope sc = {0};
	pthread_mutex_lock(&s->lock);
	r = set_locked(s, level, optname, optval, optlen, &sc);
	service_scope(s, &sc); /* also after a failure: a CURRENT walk may have changed some */
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

static int32_t state_of(enum usctp_state st)
{
	switch (st) {
	case USCTP_COOKIE_WAIT:
		return SCTP_COOKIE_WAIT;
	case USCTP_COOKIE_ECHOED:
		return SCTP_COOKIE_ECHOED;
	case USCTP_ESTABLISHED:
		return SCTP_ESTABLISHED;
	case USCTP_SHUTDOWN_PENDING:
		return SCTP_SHUTDOWN_PENDING;
	case USCTP_SHUTDOWN_SENT:
		return SCTP_SHUTDOWN_SENT;
	case USCTP_SHUTDOWN_RECEIVED:
		return SCTP_SHUTDOWN_RECEIVED;
	case USCTP_SHUTDOWN_ACK_SENT:
		return SCTP_SHUTDOWN_ACK_SENT;
	default:
		return SCTP_CLOSED;
	}
}

static void paddrinfo(struct usctp_sassoc *sa, unsigned idx, struct sctp_paddrinfo *pi)
{
	struct usctp_path_status ps;
	memset(pi, 0, sizeof(*pi));
	pi->spinfo_assoc_id = sa->id;
	if (!sa->a || usctp_assoc_path_status(sa->a, idx, &ps) < 0)
		return;
	usctp_addr_to_sa(&ps.addr, sa->pport, &pi->spinfo_address);
	pi->spinfo_state = (ps.active ? SCTP_ACTIVE : SCTP_INACTIVE) | (ps.confirmed ? 0 : SCTP_UNCONFIRMED);
	pi->spinfo_cwnd = ps.cwnd;
	pi->spinfo_srtt = ps.srtt_ms;
	pi->spinfo_rto = ps.rto_ms;
	pi->spinfo_mtu = ps.mtu;
}

static int get_paddrparams(struct usctp_sock *s, struct sctp_paddrparams *p)
{
	const struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	int e = get_target(s, p->spp_assoc_id, &sa);
	if (e < 0)
		return e;
	struct usctp_addr addr;
	uint16_t port = 0;
	int wild = spp_addr(&p->spp_address, &addr, &port);
	if (wild < 0)
		return wild;
	int idx = -1;
	if (!wild) {
		sa = path_of(s, sa, &addr, port, &idx);
		if (!sa)
			return -EINVAL;
	} else if (sa) {
		/* The association as a whole: its primary path stands for it. */
		struct usctp_assoc_status cs;
		usctp_assoc_get_status(sa->a, &cs);
		idx = cs.primary < 0 ? 0 : cs.primary;
	}
	struct usctp_path_status ps;
	if (sa && usctp_assoc_path_status(sa->a, (unsigned)idx, &ps) == 0) {
		p->spp_assoc_id = sa->id;
		p->spp_hbinterval = ps.hb_interval_ms;
		p->spp_pathmaxrxt = (uint16_t)(ps.path_max_retrans > 65535 ? 65535 : ps.path_max_retrans);
		/* A path's size adapts (falls back on loss of large packets,
		 * src/core/pmtu.h) unless the user fixed it. */
		p->spp_flags = (ps.hb_enabled ? SPP_HB_ENABLE : SPP_HB_DISABLE) |
			       (ps.mtu_adapts ? SPP_PMTUD_ENABLE : SPP_PMTUD_DISABLE);
		p->spp_pathmtu = ps.mtu;
		return 0;
	}
	p->spp_hbinterval = o->hbinterval_ms;
	p->spp_pathmaxrxt = o->pathmaxrxt;
	p->spp_flags = (o->hb_enabled ? SPP_HB_ENABLE : SPP_HB_DISABLE) |
		       (o->pathmtu ? SPP_PMTUD_DISABLE : SPP_PMTUD_ENABLE);
	p->spp_pathmtu = o->pathmtu;
	return 0;
}

static int get_locked(struct usctp_sock *s, int level, int name, void *val, socklen_t *optlen)
{
	struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	struct usctp_assoc_params ap;
	socklen_t optlen_in = *optlen;
#define GNEED(type)                                                                                          \
	do {                                                                                                 \
		if (optlen_in < (socklen_t)sizeof(type))                                                     \
			return -EINVAL;                                                                      \
		*optlen = sizeof(type);                                                                      \
	} while (0)
	if (!val)
		return -EFAULT;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_SNDBUF:
		case SO_RCVBUF:
			GNEED(int);
			*(int *)val = (int)(name == SO_SNDBUF ? o->sndbuf : o->rcvbuf);
			get_target(s, SCTP_FUTURE_ASSOC, &sa); /* one-to-one: its association */
			if (sa) {
				usctp_assoc_get_params(sa->a, &ap);
				*(int *)val = (int)(name == SO_SNDBUF ? ap.sndbuf : ap.rcvbuf);
			}
			return 0;
		case SO_LINGER:
			GNEED(struct linger);
			*(struct linger *)val = o->linger;
			return 0;
		case SO_ERROR:
			GNEED(int);
			*(int *)val = s->so_error;
			s->so_error = 0;
			return 0;
		case SO_TYPE:
			GNEED(int);
			*(int *)val = s->type;
			return 0;
		case SO_RCVTIMEO:
		case SO_SNDTIMEO: {
			GNEED(struct timeval);
			uint64_t ms = name == SO_RCVTIMEO ? s->rcvtimeo_ms : s->sndtimeo_ms;
			struct timeval *tv = val;
			tv->tv_sec = (time_t)(ms / 1000);
			tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
			return 0;
		}
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level != IPPROTO_SCTP)
		return -ENOPROTOOPT;
	switch (name) {
	case SCTP_NODELAY:
		GNEED(int);
		*(int *)val = o->nodelay;
		get_target(s, SCTP_FUTURE_ASSOC, &sa);
		if (sa) {
			usctp_assoc_get_params(sa->a, &ap);
			*(int *)val = ap.nodelay;
		}
		return 0;
	case SCTP_AUTOCLOSE:
		GNEED(int);
		if (s->type != SOCK_SEQPACKET)
			return -EOPNOTSUPP;
		*(int *)val = (int)o->autoclose_s;
		return 0;
	case SCTP_INITMSG:
		GNEED(struct sctp_initmsg);
		*(struct sctp_initmsg *)val = o->initmsg;
		return 0;
	case SCTP_EVENT: {
		GNEED(struct sctp_event);
		struct sctp_event *e = val;
		if (e->se_type == 0 || e->se_type > SCTP_SEND_FAILED_EVENT)
			return -EINVAL;
		e->se_on = usctp_events_on(s, e->se_type);
		return 0;
	}
	case SCTP_EVENTS: {
		GNEED(struct sctp_event_subscribe);
		uint8_t *b = val;
		memset(b, 0, sizeof(struct sctp_event_subscribe));
		b[0] = (o->events & 1u) != 0;
		for (size_t i = 1; i < sizeof(subscribe_types) / sizeof(subscribe_types[0]); i++)
			b[i] = usctp_events_on(s, subscribe_types[i]);
		return 0;
	}
	case SCTP_DEFAULT_SEND_PARAM: {
		GNEED(struct sctp_sndrcvinfo);
		sctp_assoc_t id = ((struct sctp_sndrcvinfo *)val)->sinfo_assoc_id;
		*(struct sctp_sndrcvinfo *)val = o->defsend;
		((struct sctp_sndrcvinfo *)val)->sinfo_assoc_id = id;
		return 0;
	}
	case SCTP_PRIMARY_ADDR: {
		GNEED(struct sctp_setprim);
		struct sctp_setprim *p = val;
		sa = target(s, p->ssp_assoc_id);
		if (!sa || !sa->a)
			return -EINVAL;
		struct usctp_assoc_status st;
		usctp_assoc_get_status(sa->a, &st);
		struct usctp_path_status ps;
		int prim = sa->prim_path >= 0 ? sa->prim_path : st.primary < 0 ? 0 : st.primary;
		if (usctp_assoc_path_status(sa->a, (unsigned)prim, &ps) < 0)
			ps.addr = sa->peer;
		usctp_addr_to_sa(&ps.addr, sa->pport, &p->ssp_addr);
		p->ssp_assoc_id = sa->id;
		return 0;
	}
	case SCTP_STATUS: {
		GNEED(struct sctp_status);
		struct sctp_status *st = val;
		sa = target(s, st->sstat_assoc_id);
		if (!sa || !sa->a)
			return -EINVAL;
		struct usctp_assoc_status cs;
		usctp_assoc_get_status(sa->a, &cs);
		memset(st, 0, sizeof(*st));
		st->sstat_assoc_id = sa->id;
		st->sstat_state = state_of(cs.state);
		st->sstat_rwnd = cs.peer_rwnd;
		st->sstat_unackdata = (uint16_t)(cs.unacked_chunks > 65535 ? 65535 : cs.unacked_chunks);
		st->sstat_penddata = (uint16_t)(cs.pending_chunks > 65535 ? 65535 : cs.pending_chunks);
		st->sstat_instrms = cs.instreams;
		st->sstat_outstrms = cs.outstreams;
		st->sstat_fragmentation_point = cs.frag_point;
		paddrinfo(sa, (unsigned)(cs.primary < 0 ? 0 : cs.primary), &st->sstat_primary);
		return 0;
	}
	case SCTP_RTOINFO: {
		GNEED(struct sctp_rtoinfo);
		struct sctp_rtoinfo *r = val;
		int e = get_target(s, r->srto_assoc_id, &sa);
		if (e < 0)
			return e;
		r->srto_initial = o->rto_initial;
		r->srto_min = o->rto_min;
		r->srto_max = o->rto_max;
		if (sa) {
			usctp_assoc_get_params(sa->a, &ap);
			r->srto_initial = ap.rto_initial_ms;
			r->srto_min = ap.rto_min_ms;
			r->srto_max = ap.rto_max_ms;
		}
		return 0;
	}
	case SCTP_ASSOCINFO: {
		GNEED(struct sctp_assocparams);
		struct sctp_assocparams *p = val;
		int e = get_target(s, p->sasoc_assoc_id, &sa);
		if (e < 0)
			return e;
		p->sasoc_asocmaxrxt = o->asocmaxrxt;
		p->sasoc_cookie_life = o->cookie_life_ms;
		p->sasoc_local_rwnd = o->rcvbuf;
		p->sasoc_peer_rwnd = 0;
		p->sasoc_number_peer_destinations = 0;
		if (sa && sa->a) {
			struct usctp_assoc_status cs;
			usctp_assoc_get_status(sa->a, &cs);
			p->sasoc_peer_rwnd = cs.peer_rwnd;
			p->sasoc_local_rwnd = cs.local_rwnd;
			p->sasoc_number_peer_destinations = (uint16_t)cs.num_paths;
			usctp_assoc_get_params(sa->a, &ap);
			p->sasoc_asocmaxrxt =
			    (uint16_t)(ap.assoc_max_retrans > 65535 ? 65535 : ap.assoc_max_retrans);
		}
		return 0;
	}
	case SCTP_PEER_ADDR_PARAMS:
		GNEED(struct sctp_paddrparams);
		return get_paddrparams(s, val);
	case SCTP_MAXSEG: {
		GNEED(struct sctp_assoc_value);
		struct sctp_assoc_value *v = val;
		int e = get_target(s, v->assoc_id, &sa);
		if (e < 0)
			return e;
		v->assoc_value = o->maxseg;
		if (sa) {
			/* The bound in force: min(SCTP_MAXSEG, path MTU - 28). */
			struct usctp_assoc_status cs;
			usctp_assoc_get_status(sa->a, &cs);
			v->assoc_value = cs.frag_point;
		}
		return 0;
	}
	case SCTP_ADAPTATION_LAYER:
		GNEED(struct sctp_setadaptation);
		((struct sctp_setadaptation *)val)->ssb_adaptation_ind = o->adaptation_ind;
		return 0;
	case SCTP_REMOTE_UDP_ENCAPS_PORT: {
		GNEED(struct sctp_udpencaps);
		struct sctp_udpencaps *u = val;
		sa = target(s, u->sue_assoc_id);
		if (s->type == SOCK_SEQPACKET && u->sue_assoc_id > SCTP_ALL_ASSOC && !sa)
			return -EINVAL;
		uint16_t port = o->encaps_port;
		if (sa && sa->a) {
			/* The port in use for the given address, else the primary's. */
			struct usctp_addr a;
			uint16_t sctp_port;
			struct usctp_assoc_status cs;
			usctp_assoc_get_status(sa->a, &cs);
			struct usctp_path_status ps;
			bool found = false;
			if (usctp_addr_from_sa((const struct sockaddr *)&u->sue_address,
					       sizeof(u->sue_address), &a, &sctp_port) == 0 &&
			    !usctp_addr_is_any(&a.ip)) {
				for (unsigned i = 0; i < cs.num_paths && !found; i++)
					found = usctp_assoc_path_status(sa->a, i, &ps) == 0 &&
						memcmp(&ps.addr.ip, &a.ip, sizeof(a.ip)) == 0;
				if (!found)
					return -EINVAL;
			} else {
				found = usctp_assoc_path_status(
					    sa->a, (unsigned)(cs.primary < 0 ? 0 : cs.primary), &ps) == 0;
			}
			if (found)
				port = usctp_sa_udp_port(sa, &ps.addr);
		} else if (sa && sa->port_override) {
			port = sa->port_override;
		}
		u->sue_port = htons(port);
		return 0;
	}
	case SCTP_PR_SUPPORTED:
		return usctp_opt_pr_supported_get(s, o->pr_sctp, val, optlen);
	case SCTP_GET_ASSOC_NUMBER:
		GNEED(uint32_t);
		*(uint32_t *)val = s->nassocs;
		return 0;
	case SCTP_GET_ASSOC_ID_LIST: {
		/* struct sctp_assoc_ids: a count then the ids */
		if (optlen_in < (socklen_t)sizeof(uint32_t) * (1 + s->nassocs))
			return -EINVAL;
		uint32_t *v = val, n = 0;
		for (sa = s->assocs; sa; sa = sa->next)
			v[1 + n++] = sa->id;
		v[0] = n;
		*optlen = (socklen_t)(sizeof(uint32_t) * (1 + n));
		return 0;
	}
	case SCTP_GET_PEER_ADDR_INFO: {
		GNEED(struct sctp_paddrinfo);
		struct sctp_paddrinfo *pi = val;
		sa = target(s, pi->spinfo_assoc_id);
		if (!sa || !sa->a)
			return -EINVAL;
		struct usctp_addr a;
		uint16_t port;
		if (usctp_addr_from_sa((const struct sockaddr *)&pi->spinfo_address,
				       sizeof(pi->spinfo_address), &a, &port) < 0)
			return -EINVAL;
		struct usctp_assoc_status cs;
		usctp_assoc_get_status(sa->a, &cs);
		for (unsigned i = 0; i < cs.num_paths; i++) {
			struct usctp_path_status ps;
			if (usctp_assoc_path_status(sa->a, i, &ps) == 0 && ps.addr.ip.family == a.ip.family &&
			    memcmp(ps.addr.ip.bytes, a.ip.bytes, 16) == 0) {
				paddrinfo(sa, i, pi);
				return 0;
			}
		}
		return -EINVAL;
	}
	default:
		return -ENOPROTOOPT;
	}
#undef GNEED
}

int usctp_getsockopt(int sd, int level, int optname, void *optval, socklen_t *optlen)
{
	if (!optlen)
		return usctp_fail(EFAULT);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	r = get_locked(s, level, optname, optval, optlen);
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

/* Where each option keeps its association id (RFC 6458 9.7). */
static ssize_t id_offset(int opt)
{
	switch (opt) {
	case SCTP_RTOINFO:
		return offsetof(struct sctp_rtoinfo, srto_assoc_id);
	case SCTP_ASSOCINFO:
		return offsetof(struct sctp_assocparams, sasoc_assoc_id);
	case SCTP_STATUS:
		return offsetof(struct sctp_status, sstat_assoc_id);
	case SCTP_PRIMARY_ADDR:
		return offsetof(struct sctp_setprim, ssp_assoc_id);
	case SCTP_PEER_ADDR_PARAMS:
		return offsetof(struct sctp_paddrparams, spp_assoc_id);
	case SCTP_DEFAULT_SEND_PARAM:
		return offsetof(struct sctp_sndrcvinfo, sinfo_assoc_id);
	case SCTP_MAXSEG:
	case SCTP_PR_SUPPORTED:
		return offsetof(struct sctp_assoc_value, assoc_id);
	case SCTP_EVENT:
		return offsetof(struct sctp_event, se_assoc_id);
	case SCTP_REMOTE_UDP_ENCAPS_PORT:
		return offsetof(struct sctp_udpencaps, sue_assoc_id);
	case SCTP_GET_PEER_ADDR_INFO:
		return offsetof(struct sctp_paddrinfo, spinfo_assoc_id);
	default:
		return -1;
	}
}

int sctp_opt_info(int sd, sctp_assoc_t id, int opt, void *arg, socklen_t *size)
{
	if (!arg || !size)
		return usctp_fail(EFAULT);
	ssize_t off = id_offset(opt);
	if (off >= 0 && *size >= (socklen_t)(off + (ssize_t)sizeof(sctp_assoc_t)))
		memcpy((uint8_t *)arg + off, &id, sizeof(id));
	return usctp_getsockopt(sd, IPPROTO_SCTP, opt, arg, size);
}
