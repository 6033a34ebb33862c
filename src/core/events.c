/*
 * usctp core: the association's event queue (a ring that grows; events are
 * rare, so the allocation is not on a hot path).
 */
#include <stdlib.h>
#include <string.h>

#include "assoc_internal.h"

void usctp_event_clear(struct usctp_event *ev)
{
	free(ev->causes);
	if (ev->msg)
		usctp_msg_unref(ev->msg);
	memset(ev, 0, sizeof(*ev));
}

static int grow(struct usctp_assoc *a)
{
	unsigned ncap = a->ev_cap ? a->ev_cap * 2 : 8;
	struct usctp_event *n = calloc(ncap, sizeof(*n));
	if (!n)
		return USCTP_ERR_NOMEM;
	for (unsigned i = 0; i < a->ev_count; i++)
		n[i] = a->ev[(a->ev_head + i) % a->ev_cap];
	free(a->ev);
	a->ev = n;
	a->ev_cap = ncap;
	a->ev_head = 0;
	return 0;
}

/* Returns NULL only when memory runs out (the event is lost). */
struct usctp_event *usctp_ev_push(struct usctp_assoc *a, enum usctp_event_type type)
{
	/* A held-back RESTART precedes whatever happens after it. */
	if (a->nrestart_ev && type != USCTP_EV_RESTART)
		usctp_ev_restarts_due(a, true);
	if (a->ev_count == a->ev_cap && grow(a) < 0)
		return NULL;
	struct usctp_event *e = &a->ev[(a->ev_head + a->ev_count) % a->ev_cap];
	memset(e, 0, sizeof(*e));
	e->type = type;
	a->ev_count++;
	return e;
}

void usctp_ev_push_causes(struct usctp_assoc *a, enum usctp_event_type type, const uint8_t *causes,
			  size_t len)
{
	struct usctp_event *e = usctp_ev_push(a, type);
	if (!e)
		return;
	if (len >= USCTP_CAUSE_HDR_LEN)
		e->error = usctp_get16(causes);
	if (len) {
		e->causes = malloc(len);
		if (e->causes) {
			memcpy(e->causes, causes, len);
			e->causes_len = len;
		}
	}
}

int usctp_assoc_next_event(struct usctp_assoc *a, struct usctp_event *ev)
{
	if (!a->ev_count)
		return 0;
	*ev = a->ev[a->ev_head];
	a->ev_head = (a->ev_head + 1) % a->ev_cap;
	a->ev_count--;
	return 1;
}

void usctp_ev_free_all(struct usctp_assoc *a)
{
	struct usctp_event e;
	while (usctp_assoc_next_event(a, &e))
		usctp_event_clear(&e);
	free(a->ev);
	a->ev = NULL;
	a->ev_cap = 0;
}

void usctp_ev_defer_restart(struct usctp_assoc *a, uint16_t os, uint16_t is)
{
	/* The rx keeps at most USCTP_RX_MAX_OLD old incarnations, so at most
	 * that many are pending before this one; make room all the same. */
	if (a->nrestart_ev == USCTP_RX_MAX_OLD + 1)
		usctp_ev_restarts_due(a, true);
	a->restart_ev[a->nrestart_ev].outbound_streams = os;
	a->restart_ev[a->nrestart_ev].inbound_streams = is;
	a->restart_ev[a->nrestart_ev].until =
	    a->rx ? usctp_rx_old_done(a->rx) + usctp_rx_old_count(a->rx) : 0;
	a->nrestart_ev++;
}

void usctp_ev_restarts_due(struct usctp_assoc *a, bool all)
{
	/* Old incarnations finish in order, so the due ones are a prefix (a
	 * counter that may wrap: compared by difference). */
	uint32_t done = a->rx ? usctp_rx_old_done(a->rx) : 0;
	unsigned n = 0;
	all = all || !a->rx;
	while (n < a->nrestart_ev && (all || (int32_t)(done - a->restart_ev[n].until) >= 0)) {
		struct usctp_event *e = usctp_ev_push(a, USCTP_EV_RESTART);
		if (e) {
			e->outbound_streams = a->restart_ev[n].outbound_streams;
			e->inbound_streams = a->restart_ev[n].inbound_streams;
		}
		n++;
	}
	if (n) {
		memmove(a->restart_ev, a->restart_ev + n, (a->nrestart_ev - n) * sizeof(a->restart_ev[0]));
		a->nrestart_ev -= n;
	}
}
