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
	return p->state == USCTP_PATH_ACTIVE && p->confirmed;
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
	if (pri < a->num_paths && a->paths[pri].confirmed)
		return pri;
	for (unsigned i = 0; i < a->num_paths; i++)
		if (a->paths[i].confirmed)
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
