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

/*
 * Every TSN up to the cumulative TSN is in, so a waiting run of unordered
 * fragments is dead when its first fragment lacks B and the TSN before it is
 * at or below cum, or its last lacks E and the TSN after it is at or below
 * cum: that TSN came and did not continue the run (an abandoned message whose
 * FORWARD TSN did not move cum, or a peer breaking the rules).
 */
static void drop_dead_unordered(struct usctp_rx *rx)
{
	struct usctp_rx_frag **pp = &rx->uhead, *f, *last;
	uint32_t cum = rx->map.cum;
	bool changed = false;

	while ((f = *pp)) {
		for (last = f; !(last->flags & F_E) && last->next && last->next->tsn == last->tsn + 1 &&
			       last->next->sid == f->sid && !(last->next->flags & F_B);
		     last = last->next)
			;
		bool dead = (!(f->flags & F_B) && usctp_tsn_le(f->tsn, cum + 1)) ||
			    (!(last->flags & F_E) && usctp_tsn_lt(last->tsn, cum));
		if (!dead) {
			pp = &last->next;
			continue;
		}
		*pp = last->next;
		while (f != *pp) {
			struct usctp_rx_frag *n = f->next;
			usctp_rx_frag_drop(rx, f);
			f = n;
		}
		changed = true;
	}
	if (changed)
		usctp_rx_uq_fix(rx);
}

/* Only a message the user has read part of is reported: of one never begun
 * the user knows nothing (at interleave levels 0 and 1 it may wait behind
 * another partly read message), and its stream and SSN would be mistaken
 * for those of the message the user is in. */
static void pd_abort(struct usctp_rx *rx, struct usctp_rx_msg *m, int *aborted, uint16_t *pd_sid,
		     uint32_t *pd_ssn)
{
	bool begun = rx->streams[m->sid].rd == m;
	if (!m->unordered)
		rx->streams[m->sid].pd = NULL;
	if (begun && !*aborted) {
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

/*
 * The same for a FORWARD TSN that did not move cum: it speaks only of
 * messages at or below its new_cum, all of whose TSNs are in. So only
 * fragments held at or below new_cum are taken (complete messages delivered,
 * others dropped), and the next SSN moves just past the last of them: an SSN
 * with nothing held here is not skipped (its message may be yet to come,
 * the pair being old).
 */
static void stream_skip_held(struct usctp_rx *rx, struct usctp_rx_stream *s, uint16_t skip, uint32_t new_cum)
{
	struct usctp_rx_frag *h, *last;
	uint32_t bytes;

	while ((h = s->head) && usctp_ssn_le(h->ssn, skip) && usctp_tsn_le(h->tsn, new_cum)) {
		uint16_t ssn = h->ssn;
		if ((h->flags & F_B) && usctp_rx_stream_scan(s, &last, &bytes)) {
			usctp_rx_stream_detach(s, last);
			if (!usctp_rx_deliver(rx, h, last, bytes)) {
				usctp_rx_free_chain(rx, h);
				rx->held -= bytes;
			}
		} else {
			usctp_rx_stream_detach(s, h);
			usctp_rx_frag_drop(rx, h);
		}
		if (usctp_ssn_le(s->next_ssn, ssn))
			s->next_ssn = (uint16_t)(ssn + 1);
	}
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
	bool newer = usctp_tsn_lt(rx->map.cum, new_cum);

	if (newer) {
		usctp_tsnmap_forward(&rx->map, new_cum);
		drop_unordered(rx, new_cum);
	} else {
		/* Out of date for the cumulative TSN (3.6: not moved back), but the
		 * pairs still count: a message abandoned after its first fragments
		 * may sit in its stream's queue at or below cum, blocking the
		 * stream, and the pairs are the only word that it is gone. The
		 * processing below never moves an SSN back and delivers, rather
		 * than drops, complete messages. */
		drop_dead_unordered(rx);
	}

	for (unsigned i = 0; f->streams && i < f->num_streams; i++) {
		uint16_t sid = get16(f->streams + 4 * (size_t)i);
		uint16_t ssn = get16(f->streams + 4 * (size_t)i + 2);
		if (sid >= rx->nstreams)
			continue;
		struct usctp_rx_stream *s = &rx->streams[sid];
		if (s->pd && usctp_ssn_le(s->pd->ssn, ssn) &&
		    (newer || usctp_tsn_le(s->pd->last_tsn, new_cum)))
			pd_abort(rx, s->pd, &aborted, pd_sid, pd_ssn);
		if (newer)
			stream_skip(rx, s, ssn);
		else
			stream_skip_held(rx, s, ssn, new_cum);
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
