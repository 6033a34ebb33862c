/*
 * Socket options (RFC 6458 section 8, FreeBSD values): usctp_setsockopt,
 * usctp_getsockopt, sctp_opt_info. This file is the dispatch and the
 * options that are a few lines each; which associations an option acts on
 * is opts_scope.c's (RFC 6458 7.2), and the larger options have files of
 * their own: opts_assoc.c (per association), opts_paddr.c (per peer
 * address), opts_encaps.c (UDP port), opts_pr.c (PR-SCTP). The dispatch checks an option's length before it
 * hands the value on.
 */
#include <stddef.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/time.h>

#include "opts_internal.h"

#define NEED(type)                                                                                           \
	do {                                                                                                 \
		if (optlen < (socklen_t)sizeof(type))                                                        \
			return -EINVAL;                                                                      \
	} while (0)

/* The bytes of struct sctp_event_subscribe, in order: the notification type
 * each turns on (SCTP_EVENTS, RFC 6458 6.2.1). */
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

static uint64_t tv_ms(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000u + (uint64_t)tv->tv_usec / 1000u;
}

/* sc: what the set changed, to service once it is done. */
static int set_locked(struct usctp_sock *s, int level, int name, const void *val, socklen_t optlen,
		      struct usctp_opt_scope *sc)
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
			usctp_opt_scope_of(s, SCTP_ALL_ASSOC, sc);
			USCTP_OPT_FOR_TARGETS(s, sc, sa)
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
		usctp_opt_scope_of(s, SCTP_ALL_ASSOC, sc);
		USCTP_OPT_FOR_TARGETS(s, sc, sa)
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
		int r = usctp_opt_check_id(s, ((const struct sctp_sndrcvinfo *)val)->sinfo_assoc_id);
		if (r < 0)
			return r;
		o->defsend = *(const struct sctp_sndrcvinfo *)val;
		o->defsend.sinfo_assoc_id = 0;
		return 0;
	}
	case SCTP_PRIMARY_ADDR:
		NEED(struct sctp_setprim);
		return usctp_opt_primary_set(s, val);
	case SCTP_RTOINFO:
		NEED(struct sctp_rtoinfo);
		return usctp_opt_rtoinfo_set(s, val, sc);
	case SCTP_ASSOCINFO:
		NEED(struct sctp_assocparams);
		return usctp_opt_associnfo_set(s, val, sc);
	case SCTP_PEER_ADDR_PARAMS:
		NEED(struct sctp_paddrparams);
		return usctp_opt_paddrparams_set(s, val, sc);
	case SCTP_MAXSEG:
		NEED(struct sctp_assoc_value);
		return usctp_opt_maxseg_set(s, val, sc);
	case SCTP_ADAPTATION_LAYER:
		NEED(struct sctp_setadaptation);
		o->adaptation_ind = ((const struct sctp_setadaptation *)val)->ssb_adaptation_ind;
		o->has_adaptation = true;
		return 0;
	case SCTP_PR_SUPPORTED:
		return usctp_opt_pr_supported_set(s, &o->pr_sctp, val, optlen);
	case SCTP_REMOTE_UDP_ENCAPS_PORT:
		NEED(struct sctp_udpencaps);
		return usctp_opt_encaps_set(s, val);
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
	struct usctp_opt_scope sc = {0};
	pthread_mutex_lock(&s->lock);
	r = set_locked(s, level, optname, optval, optlen, &sc);
	usctp_opt_service_scope(s, &sc); /* also after a failure: a CURRENT walk may have changed some */
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
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
			usctp_opt_get_target(s, SCTP_FUTURE_ASSOC, &sa); /* one-to-one: its association */
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
		usctp_opt_get_target(s, SCTP_FUTURE_ASSOC, &sa);
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
	case SCTP_PRIMARY_ADDR:
		GNEED(struct sctp_setprim);
		return usctp_opt_primary_get(s, val);
	case SCTP_STATUS:
		GNEED(struct sctp_status);
		return usctp_opt_status_get(s, val);
	case SCTP_RTOINFO:
		GNEED(struct sctp_rtoinfo);
		return usctp_opt_rtoinfo_get(s, val);
	case SCTP_ASSOCINFO:
		GNEED(struct sctp_assocparams);
		return usctp_opt_associnfo_get(s, val);
	case SCTP_PEER_ADDR_PARAMS:
		GNEED(struct sctp_paddrparams);
		return usctp_opt_paddrparams_get(s, val);
	case SCTP_MAXSEG:
		GNEED(struct sctp_assoc_value);
		return usctp_opt_maxseg_get(s, val);
	case SCTP_ADAPTATION_LAYER:
		GNEED(struct sctp_setadaptation);
		((struct sctp_setadaptation *)val)->ssb_adaptation_ind = o->adaptation_ind;
		return 0;
	case SCTP_REMOTE_UDP_ENCAPS_PORT:
		GNEED(struct sctp_udpencaps);
		return usctp_opt_encaps_get(s, val);
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
	case SCTP_GET_PEER_ADDR_INFO:
		GNEED(struct sctp_paddrinfo);
		return usctp_opt_peer_addr_info_get(s, val);
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
