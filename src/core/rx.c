/*
 * usctp core, receive side: lifecycle, acceptance of DATA chunks (TSN
 * tracking and flow control), SACK building and reading (see rx.h). The TSN
 * set lives in rx_tsnmap.c, the buffers in rx_store.c, reassembly in
 * rx_reasm.c, FORWARD TSN in rx_fwd.c.
 */
#include <stdlib.h>
#include <string.h>

#include "rx_internal.h"

struct usctp_rx *usctp_rx_new(uint32_t peer_initial_tsn, uint16_t num_instreams, uint32_t rcvbuf,
			      uint32_t pd_point)
{
	struct usctp_rx *rx;

	if (rcvbuf == 0)
		return NULL;
	rx = calloc(1, sizeof(*rx));
	if (!rx)
		return NULL;
	if (num_instreams) {
		rx->streams = calloc(num_instreams, sizeof(*rx->streams));
		if (!rx->streams) {
			free(rx);
			return NULL;
		}
	}
	rx->nstreams = num_instreams;
	rx->rcvbuf = rcvbuf;
	/* pd_point above rcvbuf could never be reached: a big message would stall. */
	rx->pd_point = pd_point == 0 ? rcvbuf / 2 : pd_point;
	if (rx->pd_point > rcvbuf)
		rx->pd_point = rcvbuf;
	if (rx->pd_point == 0)
		rx->pd_point = 1;
	/* Every TSN carries at least one byte: beyond rcvbuf TSNs ahead the peer
	 * has overrun any window we advertised. */
	usctp_tsnmap_init(&rx->map, peer_initial_tsn - 1, rcvbuf < 1024 ? 1024 : rcvbuf);
	/* Fragments cost more than their payload: bound the real memory too. */
	rx->mem_soft = (size_t)rcvbuf * 4 + 65536;
	rx->mem_hard = rx->mem_soft * 2;
	rx->max_reasm = rcvbuf;
	rx->interleave = 1;
	return rx;
}

int usctp_rx_set_frag_interleave(struct usctp_rx *rx, int level)
{
	if (level < 0 || level > 2)
		return USCTP_ERR_INVALID;
	rx->interleave = (uint8_t)level;
	return 0;
}

void usctp_rx_set_max_reasm(struct usctp_rx *rx, uint32_t bytes)
{
	rx->max_reasm = bytes == 0 || bytes > rx->rcvbuf ? rx->rcvbuf : bytes;
}

int usctp_rx_set_rcvbuf(struct usctp_rx *rx, uint32_t rcvbuf)
{
	if (rcvbuf < rx->rcvbuf)
		return USCTP_ERR_INVALID;
	if (rx->max_reasm == rx->rcvbuf)
		rx->max_reasm = rcvbuf; /* the default follows the buffer */
	rx->rcvbuf = rcvbuf;
	/* The same derived bounds as usctp_rx_new; all only grow. */
	uint32_t ahead = rcvbuf < 1024 ? 1024 : rcvbuf;
	rx->map.max_ahead = ahead > USCTP_TSNMAP_MAX_AHEAD ? USCTP_TSNMAP_MAX_AHEAD : ahead;
	rx->mem_soft = (size_t)rcvbuf * 4 + 65536;
	rx->mem_hard = rx->mem_soft * 2;
	return 0;
}

void usctp_rx_del(struct usctp_rx *rx)
{
	if (!rx)
		return;
	while (rx->old_head) {
		struct usctp_rx *o = rx->old_head;
		rx->old_head = o->old_next;
		usctp_rx_del(o);
	}
	for (unsigned i = 0; i < rx->nstreams; i++)
		usctp_rx_free_chain(rx, rx->streams[i].head);
	usctp_rx_free_chain(rx, rx->uhead);
	while (rx->ready_head) {
		struct usctp_rx_msg *m = rx->ready_head;
		rx->ready_head = m->next;
		usctp_rx_free_chain(rx, m->first);
		usctp_rx_msg_free(&rx->store, m);
	}
	usctp_rx_store_clear(&rx->store);
	usctp_tsnmap_free(&rx->map);
	free(rx->streams);
	free(rx);
}

uint32_t usctp_rx_rcvbuf(const struct usctp_rx *rx)
{
	return rx->rcvbuf;
}

uint32_t usctp_rx_cum_tsn(const struct usctp_rx *rx)
{
	return rx->map.cum;
}

uint32_t usctp_rx_a_rwnd(const struct usctp_rx *rx)
{
	uint64_t reasm = usctp_rx_reasm_bytes(rx);
	uint64_t charged = usctp_rx_charged(rx);
	uint64_t w = charged >= rx->rcvbuf ? 0 : rx->rcvbuf - charged;

	/* Chunks cost memory beyond their payload (a buffer of a fixed class and
	 * a header each), and new chunks are refused once that memory reaches
	 * mem_soft. When the overhead is large (many small chunks), announce only
	 * the payload the memory left can hold at the current cost per byte, so
	 * that a sender keeping to the window is not dropped from (6.2). */
	if (rx->store.mem > rx->rcvbuf && rx->held > 0) {
		uint64_t room = rx->store.mem >= rx->mem_soft
				    ? 0
				    : (uint64_t)(rx->mem_soft - rx->store.mem) * rx->held / rx->store.mem;
		if (room < w)
			w = room;
	}

	/* max_reasm <= rcvbuf: with the default (= rcvbuf) this never binds */
	if (reasm >= rx->max_reasm)
		return 0;
	return (uint32_t)(w < rx->max_reasm - reasm ? w : rx->max_reasm - reasm);
}

bool usctp_rx_has_gaps(const struct usctp_rx *rx)
{
	return rx->map.n > 0;
}
bool usctp_rx_has_dups(const struct usctp_rx *rx)
{
	return rx->map.ndups > 0;
}
/* What the interleave level lets the user read now (see usctp_rx_read). */
static uint64_t may_read_bytes(const struct usctp_rx *rx)
{
	if (rx->interleave < 2 && rx->nbegun)
		return rx->begun_avail;
	return rx->readable - rx->blocked;
}

/* Old incarnations hold only complete messages (usctp_rx_inherit), so one
 * that holds bytes always has some to read. */
bool usctp_rx_readable(const struct usctp_rx *rx)
{
	return rx->old_head || may_read_bytes(rx) > 0;
}

uint32_t usctp_rx_readable_bytes(const struct usctp_rx *rx)
{
	uint64_t n = may_read_bytes(rx);
	for (const struct usctp_rx *o = rx->old_head; o; o = o->old_next)
		n += may_read_bytes(o);
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

uint32_t usctp_rx_buffered(const struct usctp_rx *rx)
{
	uint64_t n = usctp_rx_charged(rx);
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

uint64_t usctp_rx_mallocs(const struct usctp_rx *rx)
{
	return rx->store.mallocs;
}

/* ------------------------------------------------------------------ */
/* DATA                                                                */
/* ------------------------------------------------------------------ */

/*
 * A chunk extending the highest TSN was refused for lack of room. If memory
 * (not the window) is what ran out, the message it continues may now qualify
 * for partial delivery (usctp_rx_pd_due): look again, or nothing would ever change.
 */
static void refused(struct usctp_rx *rx, const struct usctp_data_chunk *d)
{
	struct usctp_rx_frag *t;

	if (!usctp_rx_pd_due(rx, 0))
		return;
	if (!(d->flags & F_U)) {
		usctp_rx_stream_progress(rx, &rx->streams[d->sid]);
		return;
	}
	t = rx->utail;
	if (t)
		usctp_rx_unordered_try(rx, t);
}

/* Is d the next fragment of a message the user has read part of? */
static bool continues_begun(const struct usctp_rx *rx, const struct usctp_data_chunk *d)
{
	const struct usctp_rx_msg *m = rx->streams[d->sid].rd;

	if (!m || m->complete || (d->flags & F_B) || d->tsn != m->last_tsn + 1)
		return false;
	if (m->unordered)
		return (d->flags & F_U) != 0;
	return !(d->flags & F_U) && d->ssn == m->ssn;
}

int usctp_rx_data(struct usctp_rx *rx, const struct usctp_data_chunk *d)
{
	struct usctp_rx_frag *f;
	size_t len, cost;

	if (!d || !d->payload || d->payload_len == 0 || d->payload_len > UINT16_MAX)
		return USCTP_ERR_INVALID;
	switch (usctp_tsnmap_classify(&rx->map, d->tsn)) {
	case USCTP_TSN_DUP:
		usctp_tsnmap_add_dup(&rx->map, d->tsn);
		return USCTP_RX_DUP;
	case USCTP_TSN_FAR:
		return USCTP_RX_DROPPED;
	case USCTP_TSN_NEW:
		break;
	}
	if (d->sid >= rx->nstreams) /* 6.5: acknowledge, discard */
		return usctp_tsnmap_add(&rx->map, d->tsn) < 0 ? USCTP_RX_DROPPED : USCTP_RX_BAD_STREAM;

	/* 6.2: with no room, drop what extends the highest TSN; a chunk that fills
	 * a hole may still be taken, up to a hard bound, so that the cumulative
	 * TSN can advance and the window reopen. The chunk right above the
	 * cumulative TSN gets the most slack: refusing it is what would stall. */
	len = d->payload_len;
	cost = usctp_rx_frag_cost(len);
	if (continues_begun(rx, d)) {
		/* The user may be allowed to read nothing else (interleave level):
		 * refusing this could stall the association for good. Its own
		 * budget: one chunk while partly read messages hold less than
		 * rcvbuf unread bytes (the window we advertise stays open until
		 * then, and a sender may put one whole chunk into any open
		 * window, 6.1 A), and always one once the user has read them. */
		if (rx->begun_avail > 0 &&
		    (rx->begun_avail >= rx->rcvbuf || rx->store.mem + cost > 2 * rx->mem_hard))
			return USCTP_RX_DROPPED;
	} else if (usctp_tsn_lt(usctp_tsnmap_highest(&rx->map), d->tsn)) {
		if (usctp_rx_charged(rx) >= rx->rcvbuf || usctp_rx_reasm_bytes(rx) >= rx->max_reasm ||
		    rx->store.mem + cost > rx->mem_soft) {
			refused(rx, d);
			return USCTP_RX_DROPPED;
		}
	} else if (d->tsn == rx->map.cum + 1) {
		if (usctp_rx_charged(rx) + len > 4 * (uint64_t)rx->rcvbuf ||
		    rx->store.mem + cost > 2 * rx->mem_hard)
			return USCTP_RX_DROPPED;
	} else {
		if (usctp_rx_charged(rx) + len > 2 * (uint64_t)rx->rcvbuf ||
		    usctp_rx_reasm_bytes(rx) + len > 2 * (uint64_t)rx->max_reasm ||
		    rx->store.mem + cost > rx->mem_hard)
			return USCTP_RX_DROPPED;
	}

	struct usctp_rx_stream *s = &rx->streams[d->sid];
	if (!(d->flags & F_U) && usctp_ssn_lt(d->ssn, s->next_ssn) && !(s->pd && s->pd->ssn == d->ssn)) {
		/* A message already delivered or skipped: nothing can use it. */
		return usctp_tsnmap_add(&rx->map, d->tsn) < 0 ? USCTP_RX_DROPPED : USCTP_RX_NEW;
	}

	f = usctp_rx_frag_alloc(&rx->store, len);
	if (!f)
		return USCTP_ERR_NOMEM;
	if (usctp_tsnmap_add(&rx->map, d->tsn) < 0) {
		usctp_rx_frag_free(&rx->store, f);
		return USCTP_RX_DROPPED;
	}
	f->tsn = d->tsn;
	f->ppid = d->ppid;
	f->sid = d->sid;
	f->ssn = d->ssn;
	f->flags = d->flags & (F_B | F_E | F_U);
	memcpy(f->data, d->payload, len);
	rx->held += len;
	if (f->flags & F_U) {
		usctp_rx_unordered_arrive(rx, f);
	} else {
		usctp_rx_stream_insert(s, f);
		usctp_rx_stream_progress(rx, s);
	}
	return USCTP_RX_NEW;
}

/* ------------------------------------------------------------------ */
/* SACK                                                                */
/* ------------------------------------------------------------------ */

int usctp_rx_build_sack(struct usctp_rx *rx, struct usctp_wbuf *w)
{
	size_t room, slots;
	unsigned ng, nd;
	int rc;

	if (w->len > w->cap || usctp_wbuf_room(w) < 16)
		return USCTP_ERR_NOBUF;
	room = usctp_wbuf_room(w);
	if (room > UINT16_MAX)
		room = UINT16_MAX & ~3u;
	slots = (room - 16) / 4;
	ng = usctp_tsnmap_gaps(&rx->map, rx->gaps,
			       slots < USCTP_TSNMAP_MAX_RANGES ? (unsigned)slots : USCTP_TSNMAP_MAX_RANGES);
	slots -= ng;
	nd = rx->map.ndups < slots ? rx->map.ndups : (unsigned)slots;
	rc = usctp_build_sack(w, rx->map.cum, usctp_rx_a_rwnd(rx), rx->gaps, ng, rx->map.dups, nd);
	if (rc < 0)
		return rc;
	rx->map.ndups = 0;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/*
 * May the user read m now? Never another message of a stream whose message
 * is partly read; at levels 0 and 1, nothing but a partly read message while
 * there is one (RFC 6458 8.1.20).
 */
static bool may_read(const struct usctp_rx *rx, const struct usctp_rx_msg *m)
{
	const struct usctp_rx_msg *rd = rx->streams[m->sid].rd;

	if (m->avail == 0)
		return false;
	if (rx->interleave < 2 && rx->nbegun)
		return rd == m;
	return !rd || rd == m;
}

static struct usctp_rx_msg *next_msg(const struct usctp_rx *rx)
{
	struct usctp_rx_msg *m = rx->cur;

	if (m && may_read(rx, m))
		return m;
	/* The usual case at levels 0 and 1: the one partly read message is
	 * cur, and it has nothing more yet. */
	if (m && rx->interleave < 2 && rx->nbegun == 1 && rx->streams[m->sid].rd == m)
		return NULL;
	if (rx->interleave < 2 && rx->nbegun == 0 && rx->ready_head && rx->ready_head->avail)
		return rx->ready_head;
	for (m = rx->ready_head; m; m = m->next)
		if (may_read(rx, m))
			return m;
	return NULL;
}

int64_t usctp_rx_read(struct usctp_rx *rx, void *buf, size_t cap, struct usctp_rcvinfo *info, bool *eor)
{
	struct usctp_rx_msg *m;
	struct usctp_rx_stream *s;
	uint8_t *out = buf;
	size_t copied = 0;

	if (eor)
		*eor = false;
	if (rx->old_head)
		return usctp_rx_read_old(rx, buf, cap, info, eor);
	m = next_msg(rx);
	if (!m)
		return USCTP_ERR_WOULDBLOCK;
	s = &rx->streams[m->sid];
	if (info) {
		info->sid = m->sid;
		info->ssn = m->ssn;
		info->flags = m->unordered ? USCTP_SEND_UNORDERED : 0;
		info->ppid = m->ppid;
		info->tsn = m->tsn;
		info->cumtsn = rx->map.cum;
	}
	while (copied < cap && m->first) {
		struct usctp_rx_frag *f = m->first;
		size_t n = f->len - m->off;
		if (n > cap - copied)
			n = cap - copied;
		memcpy(out + copied, f->data + m->off, n);
		copied += n;
		m->off += (uint32_t)n;
		if (m->off == f->len) {
			m->first = f->next;
			if (!m->first)
				m->last = NULL;
			m->off = 0;
			usctp_rx_frag_free(&rx->store, f);
		}
	}
	usctp_rx_avail_sub(rx, m, (uint32_t)copied);
	rx->held -= copied;
	if (m->complete && !m->first) {
		if (eor)
			*eor = true;
		if (s->rd == m)
			usctp_rx_end_read(rx, s);
		usctp_rx_ready_unlink(rx, m);
		usctp_rx_msg_free(&rx->store, m);
	} else if (copied > 0) {
		if (s->rd != m)
			usctp_rx_begin_read(rx, m);
		rx->cur = m;
	}
	return (int64_t)copied;
}
