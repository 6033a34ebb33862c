/*
 * usctp core, receive side: reassembly of fragments, per-stream ordering,
 * unordered delivery, partial delivery and the ready queue (see
 * rx_internal.h for where fragments live).
 */
#include <stdlib.h>
#include <string.h>

#include "rx_internal.h"

void usctp_rx_free_chain(struct usctp_rx *rx, struct usctp_rx_frag *f)
{
	while (f) {
		struct usctp_rx_frag *n = f->next;
		usctp_rx_frag_free(&rx->store, f);
		f = n;
	}
}

/* ------------------------------------------------------------------ */
/* Messages and the ready queue                                        */
/* ------------------------------------------------------------------ */

void usctp_rx_avail_add(struct usctp_rx *rx, struct usctp_rx_msg *m, uint32_t n)
{
	struct usctp_rx_stream *s = &rx->streams[m->sid];

	m->avail += n;
	rx->readable += n;
	s->ready_bytes += n;
	if (s->rd == m)
		rx->begun_avail += n;
	else if (s->rd)
		rx->blocked += n;
}

void usctp_rx_avail_sub(struct usctp_rx *rx, struct usctp_rx_msg *m, uint32_t n)
{
	struct usctp_rx_stream *s = &rx->streams[m->sid];

	m->avail -= n;
	rx->readable -= n;
	s->ready_bytes -= n;
	if (s->rd == m)
		rx->begun_avail -= n;
	else if (s->rd)
		rx->blocked -= n;
}

void usctp_rx_begin_read(struct usctp_rx *rx, struct usctp_rx_msg *m)
{
	struct usctp_rx_stream *s = &rx->streams[m->sid];

	s->rd = m;
	rx->nbegun++;
	rx->begun_avail += m->avail;
	rx->blocked += s->ready_bytes - m->avail;
}

void usctp_rx_end_read(struct usctp_rx *rx, struct usctp_rx_stream *s)
{
	struct usctp_rx_msg *m = s->rd;

	rx->nbegun--;
	rx->begun_avail -= m->avail;
	rx->blocked -= s->ready_bytes - m->avail;
	s->rd = NULL;
}

uint64_t usctp_rx_reasm_bytes(const struct usctp_rx *rx)
{
	return rx->held - rx->readable;
}

/* Wrap the detached chain first..last (bytes long) as a message and queue it. */
struct usctp_rx_msg *usctp_rx_deliver(struct usctp_rx *rx, struct usctp_rx_frag *first,
				      struct usctp_rx_frag *last, uint32_t bytes)
{
	struct usctp_rx_msg *m = usctp_rx_msg_alloc(&rx->store);

	if (!m)
		return NULL;
	m->first = first;
	m->last = last;
	m->avail = 0; /* usctp_rx_avail_add below */
	m->tsn = first->tsn;
	m->last_tsn = last->tsn;
	m->ppid = first->ppid;
	m->sid = first->sid;
	m->ssn = first->ssn;
	m->unordered = (first->flags & F_U) != 0;
	m->complete = (last->flags & F_E) != 0;
	m->prev = rx->ready_tail;
	m->next = NULL;
	if (rx->ready_tail)
		rx->ready_tail->next = m;
	else
		rx->ready_head = m;
	rx->ready_tail = m;
	usctp_rx_avail_add(rx, m, bytes);
	if (!m->complete) {
		m->pd_next = rx->pd_list;
		rx->pd_list = m;
	}
	return m;
}

static void pd_list_remove(struct usctp_rx *rx, struct usctp_rx_msg *m)
{
	for (struct usctp_rx_msg **pp = &rx->pd_list; *pp; pp = &(*pp)->pd_next) {
		if (*pp == m) {
			*pp = m->pd_next;
			m->pd_next = NULL;
			return;
		}
	}
}

/* Append the next fragment to a message in partial delivery. */
static void pd_append(struct usctp_rx *rx, struct usctp_rx_msg *m, struct usctp_rx_frag *f)
{
	f->next = NULL;
	if (m->last)
		m->last->next = f;
	else
		m->first = f;
	m->last = f;
	m->last_tsn = f->tsn;
	usctp_rx_avail_add(rx, m, f->len);
	if (f->flags & F_E) {
		m->complete = true;
		pd_list_remove(rx, m);
	}
}

void usctp_rx_ready_unlink(struct usctp_rx *rx, struct usctp_rx_msg *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		rx->ready_head = m->next;
	if (m->next)
		m->next->prev = m->prev;
	else
		rx->ready_tail = m->prev;
	if (rx->cur == m)
		rx->cur = NULL;
}

/* Throw away a queued message and whatever of it was not read. */
void usctp_rx_msg_discard(struct usctp_rx *rx, struct usctp_rx_msg *m)
{
	struct usctp_rx_stream *s = &rx->streams[m->sid];

	if (s->rd == m)
		usctp_rx_end_read(rx, s);
	usctp_rx_ready_unlink(rx, m);
	if (!m->complete)
		pd_list_remove(rx, m);
	rx->held -= m->avail;
	usctp_rx_avail_sub(rx, m, m->avail);
	usctp_rx_free_chain(rx, m->first);
	usctp_rx_msg_free(&rx->store, m);
}

void usctp_rx_frag_drop(struct usctp_rx *rx, struct usctp_rx_frag *f)
{
	rx->held -= f->len;
	usctp_rx_frag_free(&rx->store, f);
}

/* ------------------------------------------------------------------ */
/* Ordered: per-stream queues                                          */
/* ------------------------------------------------------------------ */

void usctp_rx_stream_insert(struct usctp_rx_stream *s, struct usctp_rx_frag *f)
{
	struct usctp_rx_frag **pp;

	f->next = NULL;
	if (!s->tail || usctp_tsn_lt(s->tail->tsn, f->tsn)) {
		if (s->tail)
			s->tail->next = f;
		else
			s->head = f;
		s->tail = f;
		return;
	}
	for (pp = &s->head; *pp && usctp_tsn_lt((*pp)->tsn, f->tsn); pp = &(*pp)->next)
		;
	f->next = *pp;
	*pp = f;
	s->scan_head = NULL;
}

/* Detach head..last from the stream's queue. */
void usctp_rx_stream_detach(struct usctp_rx_stream *s, struct usctp_rx_frag *last)
{
	s->head = last->next;
	if (!s->head)
		s->tail = NULL;
	last->next = NULL;
	s->scan_head = NULL;
}

/*
 * The run of fragments of one message starting at the head (which has B):
 * consecutive TSNs, same SSN, no other B. Returns true when it ends with E.
 */
bool usctp_rx_stream_scan(struct usctp_rx_stream *s, struct usctp_rx_frag **last, uint32_t *bytes)
{
	struct usctp_rx_frag *h = s->head, *p = h, *q;
	uint32_t n = h->len;

	if (s->scan_head == h && s->scan_last) {
		p = s->scan_last;
		n = s->scan_bytes;
	}
	while (!(p->flags & F_E)) {
		q = p->next;
		if (!q || q->tsn != p->tsn + 1 || q->ssn != h->ssn || (q->flags & F_B))
			break;
		p = q;
		n += q->len;
	}
	s->scan_head = h;
	s->scan_last = p;
	s->scan_bytes = n;
	*last = p;
	*bytes = n;
	return (p->flags & F_E) != 0;
}

/*
 * Should an incomplete message holding bytes (in sequence from its first
 * fragment, and next in its stream) start partial delivery? At pd_point; or
 * sooner when fragments fill memory (many tiny ones) or reassembly reaches
 * max_reasm, since new chunks are refused then and only the reader can make
 * room.
 */
bool usctp_rx_pd_due(const struct usctp_rx *rx, uint32_t bytes)
{
	return bytes >= rx->pd_point || rx->store.mem > rx->mem_soft / 2 ||
	       usctp_rx_reasm_bytes(rx) >= rx->max_reasm;
}

/* Move everything of the stream that is now deliverable to the ready queue. */
void usctp_rx_stream_progress(struct usctp_rx *rx, struct usctp_rx_stream *s)
{
	struct usctp_rx_frag *h, *last;
	uint32_t bytes;

	/* Each turn moves at least one fragment or returns. */
	for (;;) {
		if (s->pd) {
			struct usctp_rx_msg *m = s->pd;
			while ((h = s->head) && h->tsn == m->last_tsn + 1 && h->ssn == m->ssn &&
			       !(h->flags & F_B)) {
				usctp_rx_stream_detach(s, h);
				pd_append(rx, m, h);
				if (m->complete) {
					s->pd = NULL;
					break;
				}
			}
			if (s->pd)
				return;
		}
		/* Left over from a message skipped or aborted by FORWARD TSN. */
		while ((h = s->head) && usctp_ssn_lt(h->ssn, s->next_ssn)) {
			usctp_rx_stream_detach(s, h);
			usctp_rx_frag_drop(rx, h);
		}
		if (!h || !(h->flags & F_B) || h->ssn != s->next_ssn)
			return;
		if (!usctp_rx_stream_scan(s, &last, &bytes) && !usctp_rx_pd_due(rx, bytes))
			return;
		usctp_rx_stream_detach(s, last);
		struct usctp_rx_msg *m = usctp_rx_deliver(rx, h, last, bytes);
		if (!m) { /* out of memory: put it back, retry on the next arrival */
			last->next = s->head;
			s->head = h;
			if (!s->tail)
				s->tail = last;
			return;
		}
		s->next_ssn++;
		if (!m->complete)
			s->pd = m;
	}
}

/* ------------------------------------------------------------------ */
/* Unordered                                                           */
/* ------------------------------------------------------------------ */

static struct usctp_rx_msg *find_upd(struct usctp_rx *rx, const struct usctp_rx_frag *f)
{
	for (struct usctp_rx_msg *m = rx->pd_list; m; m = m->pd_next)
		if (m->unordered && m->sid == f->sid && m->last_tsn + 1 == f->tsn)
			return m;
	return NULL;
}

/* The unordered queue changed somewhere other than its tail: find the tail
 * again and forget the cached run. */
void usctp_rx_uq_fix(struct usctp_rx *rx)
{
	struct usctp_rx_frag *t = rx->uhead;

	while (t && t->next)
		t = t->next;
	rx->utail = t;
	rx->urun.valid = false;
}

/* Pull the fragments that continue m out of the unordered queue. */
static void upd_pull(struct usctp_rx *rx, struct usctp_rx_msg *m)
{
	struct usctp_rx_frag **pp = &rx->uhead, *f;
	bool pulled = false;

	while (!m->complete && (f = *pp)) {
		if (usctp_tsn_lt(f->tsn, m->last_tsn + 1)) {
			pp = &f->next;
			continue;
		}
		if (f->tsn != m->last_tsn + 1 || f->sid != m->sid || (f->flags & F_B))
			break;
		*pp = f->next;
		pd_append(rx, m, f);
		pulled = true;
	}
	if (pulled)
		usctp_rx_uq_fix(rx);
}

/*
 * Fragments usually arrive in TSN order: they are appended to the queue's
 * tail and extend the run cached there (rx->urun), in constant time. Only an
 * out-of-order arrival walks the queue.
 */
void usctp_rx_unordered_arrive(struct usctp_rx *rx, struct usctp_rx_frag *f)
{
	struct usctp_rx_frag **pp, *t = rx->utail;
	struct usctp_rx_urun *r = &rx->urun;
	struct usctp_rx_msg *m;

	if ((f->flags & (F_B | F_E)) == (F_B | F_E) && usctp_rx_deliver(rx, f, f, f->len))
		return;
	if (!(f->flags & F_B) && (m = find_upd(rx, f))) {
		pd_append(rx, m, f);
		upd_pull(rx, m);
		return;
	}
	if (t && !usctp_tsn_lt(t->tsn, f->tsn)) {
		for (pp = &rx->uhead; *pp && usctp_tsn_lt((*pp)->tsn, f->tsn); pp = &(*pp)->next)
			;
		f->next = *pp;
		*pp = f;
		r->valid = false;
		usctp_rx_unordered_try(rx, f);
		return;
	}
	f->next = NULL;
	if (t)
		t->next = f;
	else
		rx->uhead = f;
	rx->utail = f;
	if (f->flags & F_B) {
		r->valid = true;
		r->start = f;
		r->pred = t;
		r->bytes = f->len;
	} else if (r->valid && r->last == t && t->tsn + 1 == f->tsn && t->sid == f->sid &&
		   !(t->flags & F_E)) {
		r->bytes += f->len;
	} else if ((r->valid && r->last == t) || !t) {
		/* t's run is known and f does not continue it: f starts a run
		 * without its first fragment */
		r->start = NULL;
		r->valid = true;
	} else {
		usctp_rx_unordered_try(rx, f); /* learns the tail run */
		return;
	}
	r->last = f;
	if (!r->start || (!(f->flags & F_E) && !usctp_rx_pd_due(rx, r->bytes)))
		return;
	if (!usctp_rx_deliver(rx, r->start, f, r->bytes))
		return;
	if (r->pred)
		r->pred->next = NULL;
	else
		rx->uhead = NULL;
	rx->utail = r->pred;
	r->valid = false;
}

/* Deliver the run of unordered fragments f belongs to if it is complete, or
 * long enough for partial delivery. */
void usctp_rx_unordered_try(struct usctp_rx *rx, struct usctp_rx_frag *f)
{
	struct usctp_rx_frag *p, *pred = NULL, *start = NULL, *start_pred = NULL;
	uint32_t bytes = 0;

	/* Find the start of the run f belongs to, then its end. */
	for (p = rx->uhead; p; pred = p, p = p->next) {
		if (p->flags & F_B) {
			start = p;
			start_pred = pred;
			bytes = 0;
		} else if (!pred || pred->tsn + 1 != p->tsn || pred->sid != p->sid || (pred->flags & F_E)) {
			start = NULL;
		}
		bytes += p->len;
		if (p == f)
			break;
	}
	p = f;
	while (!(p->flags & F_E) && p->next && p->next->tsn == p->tsn + 1 && p->next->sid == p->sid &&
	       !(p->next->flags & F_B)) {
		p = p->next;
		bytes += p->len;
	}
	if (p == rx->utail && !(p->flags & F_E)) { /* remember the run at the tail */
		rx->urun = (struct usctp_rx_urun){
		    .valid = true, .start = start, .pred = start_pred, .last = p, .bytes = bytes};
	}
	if (!start || (!(p->flags & F_E) && !usctp_rx_pd_due(rx, bytes)))
		return;
	struct usctp_rx_frag *after = p->next;
	p->next = NULL;
	if (!usctp_rx_deliver(rx, start, p, bytes)) {
		p->next = after;
		return;
	}
	if (start_pred)
		start_pred->next = after;
	else
		rx->uhead = after;
	if (!after)
		rx->utail = start_pred;
	rx->urun.valid = false;
}

/* ------------------------------------------------------------------ */
/* End of the association                                              */
/* ------------------------------------------------------------------ */

int usctp_rx_abort_partial(struct usctp_rx *rx, uint16_t *sid, uint32_t *ssn)
{
	struct usctp_rx_msg *m = rx->pd_list;

	if (!m)
		return USCTP_ERR_NOT_FOUND;
	struct usctp_rx_stream *s = &rx->streams[m->sid];
	bool begun = s->rd == m;
	if (s->pd == m)
		s->pd = NULL;
	*sid = m->sid;
	*ssn = m->ssn;
	usctp_rx_msg_discard(rx, m);
	return begun ? 1 : 0;
}
