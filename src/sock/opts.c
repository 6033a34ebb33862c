/*
 * Socket options (RFC 6458 section 8, FreeBSD values): usctp_setsockopt,
 * usctp_getsockopt, sctp_opt_info.
 *
 * Most options are templates for the associations a socket creates later.
 * The core has no setters for a running association, so on an existing one
 * only what the sockets layer itself controls takes effect (the primary path,
 * the remote UDP port); getsockopt reports the association's live values
 * where the core exposes them (SCTP_STATUS, SCTP_ASSOCINFO, SCTP_MAXSEG...).
 */
#include <stddef.h>
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

/* -ENOENT... for a one-to-many socket naming an association that is not there. */
static int check_id(struct usctp_sock *s, sctp_assoc_t id)
{
	if (s->type == SOCK_SEQPACKET && id > SCTP_ALL_ASSOC && !usctp_sock_find_assoc(s, id))
		return -EINVAL;
	return 0;
}

static uint64_t tv_ms(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000u + (uint64_t)tv->tv_usec / 1000u;
}

static int set_locked(struct usctp_sock *s, int level, int name, const void *val, socklen_t optlen)
{
	struct usctp_sockopts *o = &s->o;
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
		struct usctp_sassoc *sa = target(s, p->ssp_assoc_id);
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
		int e = check_id(s, r->srto_assoc_id);
		if (e < 0)
			return e;
		uint32_t ini = r->srto_initial ? r->srto_initial : o->rto_initial;
		uint32_t mn = r->srto_min ? r->srto_min : o->rto_min;
		uint32_t mx = r->srto_max ? r->srto_max : o->rto_max;
		if (mn > mx || ini < mn || ini > mx)
			return -EINVAL;
		o->rto_initial = ini;
		o->rto_min = mn;
		o->rto_max = mx;
		return 0;
	}
	case SCTP_ASSOCINFO: {
		NEED(struct sctp_assocparams);
		const struct sctp_assocparams *p = val;
		int e = check_id(s, p->sasoc_assoc_id);
		if (e < 0)
			return e;
		if (p->sasoc_asocmaxrxt)
			o->asocmaxrxt = p->sasoc_asocmaxrxt;
		if (p->sasoc_cookie_life)
			o->cookie_life_ms = p->sasoc_cookie_life;
		return 0;
	}
	case SCTP_PEER_ADDR_PARAMS: {
		NEED(struct sctp_paddrparams);
		const struct sctp_paddrparams *p = val;
		int e = check_id(s, p->spp_assoc_id);
		if (e < 0)
			return e;
		if ((p->spp_flags & SPP_HB_ENABLE) && (p->spp_flags & SPP_HB_DISABLE))
			return -EINVAL;
		if (p->spp_flags & SPP_HB_ENABLE)
			o->hb_enabled = true;
		if (p->spp_flags & SPP_HB_DISABLE)
			o->hb_enabled = false;
		if (p->spp_hbinterval || (p->spp_flags & SPP_HB_TIME_IS_ZERO))
			o->hbinterval_ms = p->spp_hbinterval;
		if (p->spp_pathmaxrxt)
			o->pathmaxrxt = p->spp_pathmaxrxt;
		if (p->spp_pathmtu && (p->spp_flags & SPP_PMTUD_DISABLE))
			o->maxseg = p->spp_pathmtu > 28 ? p->spp_pathmtu - 28 : o->maxseg;
		return 0;
	}
	case SCTP_MAXSEG: {
		NEED(struct sctp_assoc_value);
		const struct sctp_assoc_value *v = val;
		int e = check_id(s, v->assoc_id);
		if (e < 0)
			return e;
		if (v->assoc_value && v->assoc_value < 64)
			return -EINVAL;
		o->maxseg = v->assoc_value;
		return 0;
	}
	case SCTP_ADAPTATION_LAYER:
		NEED(struct sctp_setadaptation);
		o->adaptation_ind = ((const struct sctp_setadaptation *)val)->ssb_adaptation_ind;
		o->has_adaptation = true;
		return 0;
	case SCTP_REMOTE_UDP_ENCAPS_PORT: {
		NEED(struct sctp_udpencaps);
		const struct sctp_udpencaps *u = val;
		uint16_t port = ntohs(u->sue_port);
		struct usctp_sassoc *sa = target(s, u->sue_assoc_id);
		if (s->type == SOCK_SEQPACKET && u->sue_assoc_id > SCTP_ALL_ASSOC && !sa)
			return -EINVAL;
		struct usctp_addr a;
		uint16_t sctp_port;
		bool has_addr = usctp_addr_from_sa((const struct sockaddr *)&u->sue_address,
						   sizeof(u->sue_address), &a, &sctp_port) == 0;
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
	pthread_mutex_lock(&s->lock);
	r = set_locked(s, level, optname, optval, optlen);
	pthread_mutex_unlock(&s->lock);
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

static int get_locked(struct usctp_sock *s, int level, int name, void *val, socklen_t *optlen)
{
	struct usctp_sockopts *o = &s->o;
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
		struct usctp_sassoc *sa = target(s, p->ssp_assoc_id);
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
		struct usctp_sassoc *sa = target(s, st->sstat_assoc_id);
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
		int e = check_id(s, r->srto_assoc_id);
		if (e < 0)
			return e;
		r->srto_initial = o->rto_initial;
		r->srto_min = o->rto_min;
		r->srto_max = o->rto_max;
		return 0;
	}
	case SCTP_ASSOCINFO: {
		GNEED(struct sctp_assocparams);
		struct sctp_assocparams *p = val;
		int e = check_id(s, p->sasoc_assoc_id);
		if (e < 0)
			return e;
		struct usctp_sassoc *sa = target(s, p->sasoc_assoc_id);
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
		}
		return 0;
	}
	case SCTP_PEER_ADDR_PARAMS: {
		GNEED(struct sctp_paddrparams);
		struct sctp_paddrparams *p = val;
		int e = check_id(s, p->spp_assoc_id);
		if (e < 0)
			return e;
		p->spp_hbinterval = o->hbinterval_ms;
		p->spp_pathmaxrxt = o->pathmaxrxt;
		p->spp_flags = (o->hb_enabled ? SPP_HB_ENABLE : SPP_HB_DISABLE) |
			       (o->maxseg ? SPP_PMTUD_DISABLE : SPP_PMTUD_ENABLE);
		p->spp_pathmtu = o->maxseg ? o->maxseg + 28 : 0;
		return 0;
	}
	case SCTP_MAXSEG: {
		GNEED(struct sctp_assoc_value);
		struct sctp_assoc_value *v = val;
		int e = check_id(s, v->assoc_id);
		if (e < 0)
			return e;
		v->assoc_value = o->maxseg;
		return 0;
	}
	case SCTP_ADAPTATION_LAYER:
		GNEED(struct sctp_setadaptation);
		((struct sctp_setadaptation *)val)->ssb_adaptation_ind = o->adaptation_ind;
		return 0;
	case SCTP_REMOTE_UDP_ENCAPS_PORT: {
		GNEED(struct sctp_udpencaps);
		struct sctp_udpencaps *u = val;
		struct usctp_sassoc *sa = target(s, u->sue_assoc_id);
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
					       sizeof(u->sue_address), &a, &sctp_port) == 0) {
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
	case SCTP_GET_ASSOC_NUMBER:
		GNEED(uint32_t);
		*(uint32_t *)val = s->nassocs;
		return 0;
	case SCTP_GET_ASSOC_ID_LIST: {
		/* struct sctp_assoc_ids: a count then the ids */
		if (optlen_in < (socklen_t)sizeof(uint32_t) * (1 + s->nassocs))
			return -EINVAL;
		uint32_t *v = val, n = 0;
		for (struct usctp_sassoc *sa = s->assocs; sa; sa = sa->next)
			v[1 + n++] = sa->id;
		v[0] = n;
		*optlen = (socklen_t)(sizeof(uint32_t) * (1 + n));
		return 0;
	}
	case SCTP_GET_PEER_ADDR_INFO: {
		GNEED(struct sctp_paddrinfo);
		struct sctp_paddrinfo *pi = val;
		struct usctp_sassoc *sa = target(s, pi->spinfo_assoc_id);
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
