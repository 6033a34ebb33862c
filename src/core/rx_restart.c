/*
 * usctp core, receive side: what survives a peer restart (RFC 9260 5.2.4 A;
 * see usctp_rx_inherit in rx.h). The old incarnation's rx is kept whole but
 * frozen: only its complete messages remain, read through the new rx before
 * the new incarnation's own. Keeping the old stream table (rather than
 * moving messages into the new one) is what keeps the numbering apart: the
 * new incarnation restarts SSNs at 0 and may have fewer streams.
 */
#include "rx_internal.h"

/* Drop a chain of waiting fragments, releasing what they held. */
static void drop_frags(struct usctp_rx *rx, struct usctp_rx_frag *f)
{
	while (f) {
		struct usctp_rx_frag *n = f->next;
		usctp_rx_frag_drop(rx, f);
		f = n;
	}
}

/* Leave only complete messages in rx: the fragments they miss will never
 * come (the new incarnation numbers its TSNs afresh). */
static void freeze(struct usctp_rx *rx)
{
	uint16_t sid;
	uint32_t ssn;

	/* The caller has reported the begun ones; this only catches the rest. */
	for (unsigned guard = 0; guard < (1u << 20) && usctp_rx_abort_partial(rx, &sid, &ssn) >= 0; guard++)
		;
	for (unsigned i = 0; i < rx->nstreams; i++) {
		struct usctp_rx_stream *s = &rx->streams[i];
		drop_frags(rx, s->head);
		s->head = s->tail = NULL;
		s->scan_head = s->scan_last = NULL;
		s->pd = NULL;
	}
	drop_frags(rx, rx->uhead);
	rx->uhead = rx->utail = NULL;
	rx->urun.valid = false;
	usctp_tsnmap_free(&rx->map); /* no more DATA; cum stays for rcvinfo */
}

void usctp_rx_inherit(struct usctp_rx *rx, struct usctp_rx *old)
{
	if (!old)
		return;
	freeze(old);
	rx->old_done = old->old_done;
	/* old's own earlier incarnations come first. */
	if (old->old_head) {
		if (rx->old_tail)
			rx->old_tail->old_next = old->old_head;
		else
			rx->old_head = old->old_head;
		rx->old_tail = old->old_tail;
		rx->nold += old->nold;
		rx->old_held += old->old_held;
		old->old_head = old->old_tail = NULL;
		old->nold = 0;
		old->old_held = 0;
	}
	if (old->held == 0) {
		usctp_rx_del(old);
	} else {
		old->old_next = NULL;
		if (rx->old_tail)
			rx->old_tail->old_next = old;
		else
			rx->old_head = old;
		rx->old_tail = old;
		rx->nold++;
		rx->old_held += old->held;
	}
	while (rx->nold > USCTP_RX_MAX_OLD) {
		struct usctp_rx *o = rx->old_head;
		rx->old_head = o->old_next;
		rx->nold--;
		rx->old_held -= o->held;
		rx->old_done++;
		usctp_rx_del(o);
	}
	if (!rx->old_head)
		rx->old_tail = NULL;
}

unsigned usctp_rx_old_count(const struct usctp_rx *rx)
{
	return rx->nold;
}

uint32_t usctp_rx_old_done(const struct usctp_rx *rx)
{
	return rx->old_done;
}

/* Read from the oldest incarnation still holding messages; drop it once it
 * holds nothing. WOULDBLOCK when there is none. */
int64_t usctp_rx_read_old(struct usctp_rx *rx, void *buf, size_t cap, struct usctp_rcvinfo *info, bool *eor)
{
	struct usctp_rx *o = rx->old_head;

	if (!o)
		return USCTP_ERR_WOULDBLOCK;
	uint64_t before = o->held;
	int64_t n = usctp_rx_read(o, buf, cap, info, eor);
	rx->old_held -= before - o->held;
	if (o->held == 0) {
		rx->old_head = o->old_next;
		if (!rx->old_head)
			rx->old_tail = NULL;
		rx->nold--;
		rx->old_done++;
		usctp_rx_del(o);
	}
	return n;
}
