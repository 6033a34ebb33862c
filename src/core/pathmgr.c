/*
 * usctp core: path management of a multi-homed association (RFC 9260 5.4,
 * 6.4, 8.2): which path new data, retransmissions and control chunks go to,
 * path state changes and their PEER_ADDR_CHANGE events, the primary path.
 *
 * The choice is computed from the paths' state on every write rather than
 * cached, so no state change can leave a stale route behind.
 */
#include <string.h>

#include "assoc_internal.h"

bool usctp_pm_usable(const struct usctp_path *p)
{
	return p->state == USCTP_PATH_ACTIVE && p->confirmed && !p->no_source;
}

unsigned usctp_pm_data_path(const struct usctp_assoc *a)
{
	unsigned pri = (unsigned)a->primary;
	if (pri < a->num_paths && usctp_pm_usable(&a->paths[pri]))
		return pri;
	for (unsigned i = 0; i < a->num_paths; i++)
		if (usctp_pm_usable(&a->paths[i]))
			return i;
	/* Nothing is active: keep trying a confirmed path (the primary first);
	 * data never goes to an unconfirmed address (5.4). */
	if (pri < a->num_paths && a->paths[pri].confirmed && !a->paths[pri].no_source)
		return pri;
	for (unsigned i = 0; i < a->num_paths; i++)
		if (a->paths[i].confirmed && !a->paths[i].no_source)
			return i;
	return pri;
}

unsigned usctp_pm_rtx_path(const struct usctp_assoc *a)
{
	unsigned d = usctp_pm_data_path(a);
	if (a->rtx_avoid < 0 || d != (unsigned)a->rtx_avoid)
		return d;
	for (unsigned i = 0; i < a->num_paths; i++)
		if (i != d && usctp_pm_usable(&a->paths[i]))
			return i;
	return d;
}

void usctp_pm_update_routes(struct usctp_assoc *a)
{
	if (!a->tx)
		return;
	uint32_t mask = 0;
	for (unsigned i = 0; i < a->num_paths; i++)
		if (usctp_pm_usable(&a->paths[i]))
			mask |= 1u << i;
	usctp_tx_set_routes(a->tx, usctp_pm_data_path(a), mask);
}

void usctp_pm_event(struct usctp_assoc *a, unsigned idx, enum usctp_addr_state st)
{
	struct usctp_event *e = usctp_ev_push(a, USCTP_EV_PEER_ADDR_CHANGE);
	if (e) {
		e->addr = a->paths[idx].addr;
		e->addr_state = st;
	}
}

void usctp_pm_path_error(struct usctp_assoc *a, unsigned idx)
{
	struct usctp_path *p = &a->paths[idx];
	/* 8.2: past Path.Max.Retrans the counter stops growing. */
	if (p->error_count <= p->max_retrans)
		p->error_count++;
	if (p->error_count > p->max_retrans && p->state == USCTP_PATH_ACTIVE) {
		p->state = USCTP_PATH_INACTIVE;
		/* Probe it from now on (8.3), heartbeats enabled or not: its
		 * recovery is only noticed by an answered HEARTBEAT. */
		if (!p->hb_outstanding)
			p->hb_due = 0;
		usctp_pm_event(a, idx, USCTP_ADDR_UNREACHABLE);
	}
}

void usctp_pm_path_alive(struct usctp_assoc *a, unsigned idx)
{
	struct usctp_path *p = &a->paths[idx];
	p->error_count = 0;
	if (p->state != USCTP_PATH_ACTIVE) {
		p->state = USCTP_PATH_ACTIVE;
		usctp_pm_event(a, idx, USCTP_ADDR_AVAILABLE);
	}
}

/* ------------------------------------------------------------------ */
/* Source addresses: a path is (local, peer address), RFC 9260 1.3.     */
/* ------------------------------------------------------------------ */

/* Scope of an address: a loopback source only reaches this host, and a
 * link-local one only its link, so a source of the destination's scope
 * is preferred. */
enum scope { SCOPE_GLOBAL, SCOPE_LOOPBACK, SCOPE_LINK };

static enum scope scope_of(const struct usctp_ipaddr *ip)
{
	if (usctp_ip_is_loopback(ip))
		return SCOPE_LOOPBACK;
	if (ip->family == 4 ? ip->bytes[0] == 169 && ip->bytes[1] == 254 /* 169.254/16 */
			    : ip->bytes[0] == 0xfe && (ip->bytes[1] & 0xc0) == 0x80 /* fe80::/10 */)
		return SCOPE_LINK;
	return SCOPE_GLOBAL;
}

/* The addresses this association may send from: those it announced, or,
 * having announced none, the one the peer reached it at (the only one the
 * peer knows). */
static unsigned local_set(const struct usctp_assoc *a, const struct usctp_ipaddr **set)
{
	if (a->cfg.num_local_addrs) {
		*set = a->cfg.local_addrs;
		return a->cfg.num_local_addrs;
	}
	*set = &a->seen_local;
	return a->seen_local.family ? 1 : 0;
}

static bool in_set(const struct usctp_ipaddr *set, unsigned n, const struct usctp_ipaddr *ip)
{
	for (unsigned i = 0; i < n; i++)
		if (usctp_ip_eq(&set[i], ip))
			return true;
	return false;
}

void usctp_pm_pick_local(struct usctp_assoc *a, unsigned idx)
{
	struct usctp_path *p = &a->paths[idx];
	if (p->local.family)
		return; /* chosen once: a new source would be a new route (7.2.5.2) */
	if (scope_of(&p->addr.ip) == SCOPE_LINK && p->addr.ip.family == 6) {
		/* fe80::/10 means nothing without its interface, which an
		 * address parameter does not carry. */
		p->no_source = true;
		return;
	}
	const struct usctp_ipaddr *set;
	unsigned n = local_set(a, &set), same_family = 0;
	const struct usctp_ipaddr *first = NULL, *scoped = NULL;
	enum scope want = scope_of(&p->addr.ip);
	for (unsigned i = 0; i < n; i++) {
		if (set[i].family != p->addr.ip.family)
			continue;
		same_family++;
		if (!first)
			first = &set[i];
		if (!scoped && scope_of(&set[i]) == want)
			scoped = &set[i];
	}
	/* Knowing our addresses (n > 0) but none of this family, the peer
	 * would see any source the network picks as a stranger and answer
	 * out of the blue (an ABORT): the address is never sent to. Not
	 * knowing them yet, the network picks for now. */
	p->no_source = n > 0 && !first;
	if (!first)
		return;
	if (same_family > 1 && a->cfg.route_src) {
		/* Several candidates: the one the routes would use anyway
		 * leaves by the right interface and is known to the peer. */
		struct usctp_ipaddr r;
		if (a->cfg.route_src(a->cfg.route_ctx, &p->addr.ip, &r) == 0 && in_set(set, n, &r)) {
			p->local = r;
			return;
		}
	}
	p->local = scoped ? *scoped : *first;
}

void usctp_assoc_learn_local(struct usctp_assoc *a, const struct usctp_addr *from,
			     const struct usctp_ipaddr *to)
{
	if (!to || (to->family != 4 && to->family != 6))
		return;
	bool set_grew = false; /* the other paths' choice changes only then */
	if (!a->cfg.num_local_addrs && !a->seen_local.family) {
		a->seen_local = *to;
		set_grew = true;
	}
	const struct usctp_ipaddr *set;
	unsigned n = local_set(a, &set);
	int pi = from ? usctp_assoc_find_path_ip(a, &from->ip) : -1;
	/* The path the packet came by: answer from where the peer sent to,
	 * the first time it tells. That replaces a source picked by rule only
	 * while the path has carried no data, so no congestion state belongs
	 * to the old route (7.2.5.2). */
	if (pi >= 0 && to->family == a->paths[pi].addr.ip.family && in_set(set, n, to)) {
		struct usctp_path *p = &a->paths[pi];
		if (!p->local.family || (!p->local_learnt && !p->sent_data)) {
			p->local = *to;
			p->local_learnt = true;
			/* The peer reached us from there: it can be answered
			 * (but a link-local address still lacks its interface). */
			if (!(p->addr.ip.family == 6 && scope_of(&p->addr.ip) == SCOPE_LINK))
				p->no_source = false;
		}
	}
	if (set_grew)
		for (unsigned i = 0; i < a->num_paths; i++)
			usctp_pm_pick_local(a, i);
}

void usctp_pm_tx_info(const struct usctp_assoc *a, unsigned idx, struct usctp_tx_info *tx)
{
	tx->dst = a->paths[idx].addr;
	tx->src = a->paths[idx].local;
	tx->path = (int)idx;
}

int usctp_assoc_find_path(const struct usctp_assoc *a, const struct usctp_addr *addr)
{
	if (!addr)
		return USCTP_ERR_INVALID;
	return usctp_assoc_find_path_ip(a, &addr->ip);
}

int usctp_assoc_set_primary(struct usctp_assoc *a, unsigned idx)
{
	if (idx >= a->num_paths)
		return USCTP_ERR_NOT_FOUND;
	if (a->dead)
		return USCTP_ERR_STATE;
	if ((unsigned)a->primary == idx)
		return 0;
	a->primary = (int)idx;
	usctp_pm_event(a, idx, USCTP_ADDR_MADE_PRIMARY);
	return 0;
}
