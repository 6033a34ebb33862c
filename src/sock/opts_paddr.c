/*
 * The socket options about one peer address (RFC 6458 8.1.9, 8.1.12, 8.2.2):
 * SCTP_PEER_ADDR_PARAMS (heartbeat, retransmissions and MTU of a path, of
 * every path of an association, or the template), SCTP_PRIMARY_ADDR and
 * SCTP_GET_PEER_ADDR_INFO. An address names a path of an association; a
 * wildcard address in SCTP_PEER_ADDR_PARAMS names the association (or, by
 * the id rules of opts_scope.c, several of them, or the template).
 */
#include <netinet/in.h>
#include <string.h>

#include "opts_internal.h"

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

/* SPP_PMTUD_DISABLE's spp_pathmtu: from FreeBSD's smallest PMTU to the
 * largest UDP payload. */
#define PATHMTU_MIN 512u
#define PATHMTU_MAX 65507u

int usctp_opt_paddrparams_set(struct usctp_sock *s, const struct sctp_paddrparams *p,
			      struct usctp_opt_scope *sc)
{
	struct usctp_sockopts *o = &s->o;
	int e = usctp_opt_scope_of(s, p->spp_assoc_id, sc);
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
	USCTP_OPT_FOR_TARGETS(s, sc, sa)
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

void usctp_opt_paddrinfo(struct usctp_sassoc *sa, unsigned idx, struct sctp_paddrinfo *pi)
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

int usctp_opt_paddrparams_get(struct usctp_sock *s, struct sctp_paddrparams *p)
{
	const struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	int e = usctp_opt_get_target(s, p->spp_assoc_id, &sa);
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

/*
 * The association id names (usctp_opt_target) and its path to the IP
 * address of ss (the port is not compared), for the options that name a
 * path by its address. Returns the path's index with *out, -EINVAL (no live
 * association, or ss is no address) or -EADDRNOTAVAIL (no path to it).
 */
static int path_named(struct usctp_sock *s, sctp_assoc_t id, const struct sockaddr_storage *ss,
		      struct usctp_sassoc **out)
{
	struct usctp_sassoc *sa = usctp_opt_target(s, id);
	if (!sa || !sa->a)
		return -EINVAL;
	struct usctp_addr a;
	uint16_t port;
	if (usctp_addr_from_sa((const struct sockaddr *)ss, sizeof(*ss), &a, &port) < 0)
		return -EINVAL;
	int i = usctp_assoc_find_path(sa->a, &a);
	if (i < 0)
		return -EADDRNOTAVAIL;
	*out = sa;
	return i;
}

int usctp_opt_primary_set(struct usctp_sock *s, const struct sctp_setprim *p)
{
	struct usctp_sassoc *sa;
	int i = path_named(s, p->ssp_assoc_id, &p->ssp_addr, &sa);
	if (i < 0)
		return i;
	/* Data goes there from now on (send params' path). */
	sa->prim_path = i;
	return 0;
}

int usctp_opt_primary_get(struct usctp_sock *s, struct sctp_setprim *p)
{
	struct usctp_sassoc *sa = usctp_opt_target(s, p->ssp_assoc_id);
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

int usctp_opt_peer_addr_info_get(struct usctp_sock *s, struct sctp_paddrinfo *pi)
{
	struct usctp_sassoc *sa;
	int i = path_named(s, pi->spinfo_assoc_id, &pi->spinfo_address, &sa);
	if (i < 0)
		return -EINVAL; /* no path to the address too: EINVAL here, EADDRNOTAVAIL only in a set */
	usctp_opt_paddrinfo(sa, (unsigned)i, pi);
	return 0;
}
