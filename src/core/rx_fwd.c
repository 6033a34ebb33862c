/* usctp core, receive side: FORWARD TSN (RFC 3758 3.6). */
#include <stdlib.h>
#include <string.h>

#include "rx_internal.h"

/* ------------------------------------------------------------------ */
/* FORWARD TSN                                                         */
/* ------------------------------------------------------------------ */

/* Unordered fragments at or below new_cum are abandoned, and so are those
 * continuing them (their message's first part is gone). */
static void drop_unordered(struct usctp_rx *rx, uint32_t new_cum)
{
	struct usctp_rx_frag **pp = &rx->uhead, *f;
	uint32_t dt = new_cum;
	bool any_sid = true;
	uint16_t dsid = 0;

	while ((f = *pp)) {
		bool orphan = !(f->flags & F_B) && f->tsn == dt + 1 && (any_sid || f->sid == dsid);
		if (usctp_tsn_le(f->tsn, new_cum) || orphan) {
			if (orphan) {
				dt = f->tsn;
				dsid = f->sid;
				any_sid = false;
			}
			*pp = f->next;
			usctp_rx_frag_drop(rx, f);
			continue;
		}
		pp = &f->next;
	}
	usctp_rx_uq_fix(rx);
}

static void pd_abort(struct usctp_rx *rx, struct usctp_rx_msg *m, int *aborted, uint16_t *pd_sid,
		     uint32_t *pd_ssn)
{
	if (!m->unordered)
		rx->streams[m->sid].pd = NULL;
	if (!*aborted) {
		*aborted = 1;
		if (pd_sid)
			*pd_sid = m->sid;
		if (pd_ssn)
			*pd_ssn = m->ssn;
	}
	usctp_rx_msg_discard(rx, m);
}

/* Make SSNs up to skip available: usctp_rx_deliver whole messages, drop partial ones. */
static void stream_skip(struct usctp_rx *rx, struct usctp_rx_stream *s, uint16_t skip)
{
	struct usctp_rx_frag *h, *last;
	uint32_t bytes;

	while ((h = s->head) && usctp_ssn_le(h->ssn, skip)) {
		if ((h->flags & F_B) && usctp_rx_stream_scan(s, &last, &bytes)) {
			usctp_rx_stream_detach(s, last);
			if (usctp_rx_deliver(rx, h, last, bytes))
				continue;
			usctp_rx_free_chain(rx, h);
			rx->held -= bytes;
			continue;
		}
		usctp_rx_stream_detach(s, h);
		usctp_rx_frag_drop(rx, h);
	}
	if (usctp_ssn_le(s->next_ssn, skip))
		s->next_ssn = (uint16_t)(skip + 1);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int usctp_rx_forward_tsn(struct usctp_rx *rx, const struct usctp_fwd_tsn_chunk *f, uint16_t *pd_sid,
			 uint32_t *pd_ssn)
{
	uint32_t new_cum = f->new_cum_tsn;
	struct usctp_rx_msg *m, *next;
	int aborted = 0;

	if (!usctp_tsn_lt(rx->map.cum, new_cum))
		return 0;
	usctp_tsnmap_forward(&rx->map, new_cum);
	drop_unordered(rx, new_cum);

	for (unsigned i = 0; f->streams && i < f->num_streams; i++) {
		uint16_t sid = get16(f->streams + 4 * (size_t)i);
		uint16_t ssn = get16(f->streams + 4 * (size_t)i + 2);
		if (sid >= rx->nstreams)
			continue;
		struct usctp_rx_stream *s = &rx->streams[sid];
		if (s->pd && usctp_ssn_le(s->pd->ssn, ssn))
			pd_abort(rx, s->pd, &aborted, pd_sid, pd_ssn);
		stream_skip(rx, s, ssn);
		usctp_rx_stream_progress(rx, s);
	}
	/* A partial delivery whose next fragment is at or below the new
	 * cumulative TSN will never complete, listed or not. */
	for (m = rx->pd_list; m; m = next) {
		next = m->pd_next;
		if (usctp_tsn_le(m->last_tsn + 1, new_cum)) {
			struct usctp_rx_stream *s = m->unordered ? NULL : &rx->streams[m->sid];
			pd_abort(rx, m, &aborted, pd_sid, pd_ssn);
			if (s)
				usctp_rx_stream_progress(rx, s);
			next = rx->pd_list; /* the list may have changed: rescan */
		}
	}
	return aborted;
}
