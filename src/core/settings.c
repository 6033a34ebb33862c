/*
 * usctp core: settings changed on a running association (the socket options
 * SCTP_RTOINFO, SCTP_PEER_ADDR_PARAMS, SCTP_ASSOCINFO, SCTP_NODELAY,
 * SCTP_MAXSEG, SO_SNDBUF, SO_RCVBUF) and the values in force.
 *
 * Each setter validates everything before it changes anything, so a call
 * that fails leaves the association as it was.
 */
#include <stdlib.h>

#include "assoc_internal.h"

size_t usctp_assoc_frag_point(const struct usctp_assoc *a, size_t mtu)
{
	size_t fp = mtu - USCTP_COMMON_HDR_LEN - USCTP_DATA_HDR_LEN;
	if (a->maxseg && a->maxseg < fp)
		fp = a->maxseg;
	return fp;
}

void usctp_assoc_check_window_update(struct usctp_assoc *a)
{
	/* 6.2 window update, with silly window avoidance: only an opening of
	 * min(rcvbuf / 2, MTU) or more is worth a SACK of its own. */
	if (a->dead || !a->rx || a->state < USCTP_ESTABLISHED)
		return;
	uint32_t rwnd = usctp_rx_a_rwnd(a->rx);
	uint32_t step = a->cfg.rcvbuf / 2 < a->cfg.mtu ? a->cfg.rcvbuf / 2 : a->cfg.mtu;
	if (rwnd > a->last_adv_rwnd && rwnd - a->last_adv_rwnd >= step)
		a->sack_now = true;
}

void usctp_assoc_get_params(const struct usctp_assoc *a, struct usctp_assoc_params *p)
{
	p->rto_initial_ms = a->cfg.rto_initial_ms;
	p->rto_min_ms = a->cfg.rto_min_ms;
	p->rto_max_ms = a->cfg.rto_max_ms;
	p->assoc_max_retrans = a->cfg.assoc_max_retrans;
	p->nodelay = a->cfg.nodelay;
	p->maxseg = a->maxseg;
	p->sndbuf = a->cfg.sndbuf;
	p->rcvbuf = a->rx ? usctp_rx_rcvbuf(a->rx) : a->cfg.rcvbuf;
}

int usctp_assoc_set_rto(struct usctp_assoc *a, uint32_t initial_ms, uint32_t min_ms, uint32_t max_ms)
{
	uint32_t ini = initial_ms ? initial_ms : a->cfg.rto_initial_ms;
	uint32_t lo = min_ms ? min_ms : a->cfg.rto_min_ms;
	uint32_t hi = max_ms ? max_ms : a->cfg.rto_max_ms;
	if (lo == 0 || lo > hi)
		return USCTP_ERR_INVALID;
	a->cfg.rto_initial_ms = ini;
	a->cfg.rto_min_ms = lo;
	a->cfg.rto_max_ms = hi;
	uint64_t lo_ns = (uint64_t)lo * USCTP_NS_PER_MS, hi_ns = (uint64_t)hi * USCTP_NS_PER_MS;
	for (unsigned i = 0; i < a->num_paths; i++) {
		struct usctp_path *p = &a->paths[i];
		p->rto_min = lo_ns;
		p->rto_max = hi_ns;
		/* Never measured and never timed out: still on RTO.Initial. */
		if (!p->rtt_measured && p->error_count == 0 && !a->init_retrans)
			p->rto = (uint64_t)ini * USCTP_NS_PER_MS;
		if (p->rto < lo_ns)
			p->rto = lo_ns;
		if (p->rto > hi_ns)
			p->rto = hi_ns;
	}
	return 0;
}

static int grow_mtu(struct usctp_assoc *a, uint32_t mtu)
{
	if (mtu <= a->cfg.mtu)
		return 0;
	/* Control chunks are prebuilt into a buffer of one packet. */
	uint8_t *c = realloc(a->ctl, mtu);
	if (!c)
		return USCTP_ERR_NOMEM;
	a->ctl = c;
	a->ctl_cap = mtu;
	a->cfg.mtu = mtu;
	return 0;
}

static void apply_path(struct usctp_assoc *a, unsigned i, uint32_t hb_interval_ms, int hb_enabled,
		       uint32_t path_max_retrans, uint32_t mtu, uint64_t now)
{
	struct usctp_path *p = &a->paths[i];
	bool hb_changed = false;
	if (hb_interval_ms != USCTP_PARAM_KEEP && hb_interval_ms != p->hb_interval_ms) {
		p->hb_interval_ms = hb_interval_ms;
		hb_changed = true;
	}
	if (hb_enabled >= 0 && (hb_enabled != 0) != p->hb_enabled) {
		p->hb_enabled = hb_enabled != 0;
		hb_changed = true;
	}
	if (path_max_retrans)
		p->max_retrans = path_max_retrans;
	if (mtu)
		usctp_pmtu_fix(p, mtu);
	if (hb_changed)
		usctp_hb_settings_changed(a, i, now);
}

int usctp_assoc_set_path_params(struct usctp_assoc *a, int path_idx, uint32_t hb_interval_ms, int hb_enabled,
				uint32_t path_max_retrans, uint32_t mtu, uint64_t now)
{
	if (path_idx < -1 || (path_idx >= 0 && (unsigned)path_idx >= a->num_paths))
		return USCTP_ERR_NOT_FOUND;
	if (mtu && mtu < 128)
		return USCTP_ERR_INVALID;
	int r = grow_mtu(a, mtu);
	if (r < 0)
		return r;
	if (path_idx >= 0) {
		apply_path(a, (unsigned)path_idx, hb_interval_ms, hb_enabled, path_max_retrans, mtu, now);
		return 0;
	}
	if (hb_interval_ms != USCTP_PARAM_KEEP)
		a->def_hb_interval_ms = hb_interval_ms;
	if (hb_enabled >= 0)
		a->def_hb_enabled = hb_enabled != 0;
	if (path_max_retrans)
		a->def_path_max_retrans = path_max_retrans;
	if (mtu) {
		a->def_mtu = mtu;
		a->cfg.mtu_base = 0; /* paths added later are fixed too */
	}
	for (unsigned i = 0; i < a->num_paths; i++)
		apply_path(a, i, hb_interval_ms, hb_enabled, path_max_retrans, mtu, now);
	return 0;
}

int usctp_assoc_heartbeat_now(struct usctp_assoc *a, int path_idx, uint64_t now)
{
	if (path_idx < 0 || (unsigned)path_idx >= a->num_paths)
		return USCTP_ERR_NOT_FOUND;
	return usctp_hb_demand(a, (unsigned)path_idx, now);
}

int usctp_assoc_set_max_retrans(struct usctp_assoc *a, uint32_t max_retrans)
{
	if (max_retrans)
		a->cfg.assoc_max_retrans = max_retrans;
	return 0;
}

int usctp_assoc_set_nodelay(struct usctp_assoc *a, bool nodelay)
{
	a->cfg.nodelay = nodelay; /* a restart's fresh send side inherits it */
	if (a->tx)
		usctp_tx_set_nodelay(a->tx, nodelay);
	return 0;
}

int usctp_assoc_set_maxseg(struct usctp_assoc *a, uint32_t bytes)
{
	if (bytes && bytes < USCTP_MIN_MAXSEG)
		return USCTP_ERR_INVALID;
	a->maxseg = bytes;
	return 0;
}

int usctp_assoc_set_sndbuf(struct usctp_assoc *a, uint32_t bytes)
{
	if (!bytes)
		return USCTP_ERR_INVALID;
	a->cfg.sndbuf = bytes;
	if (a->tx)
		usctp_tx_set_sndbuf(a->tx, bytes);
	return 0;
}

int usctp_assoc_set_rcvbuf(struct usctp_assoc *a, uint32_t bytes)
{
	uint32_t cur = a->rx ? usctp_rx_rcvbuf(a->rx) : a->cfg.rcvbuf;
	if (bytes < cur)
		return USCTP_ERR_INVALID;
	if (a->rx) {
		int r = usctp_rx_set_rcvbuf(a->rx, bytes);
		if (r < 0)
			return r;
	}
	a->cfg.rcvbuf = bytes;
	usctp_assoc_check_window_update(a);
	return 0;
}
