/*
 * usctp core, send side: stream queues, the round-robin stream scheduler,
 * fragmentation at transmit time and the transmission rules of RFC 9260 6.1
 * (rwnd, cwnd, Max.Burst, zero window probe) and 7.2.1 (idle restart).
 */
#include <stdlib.h>
#include <string.h>

#include "tx_internal.h"

#define TX_SLAB_CHUNKS 64
#define TX_MAX_IDLE_STEPS 64 /* cwnd halves at most this often per idle period */
/* Message records kept for reuse: no malloc per message. None under
 * AddressSanitizer, so that it still sees a record used after its end. */
#if defined(__SANITIZE_ADDRESS__)
#define TX_FREE_MSGS 0
#else
#define TX_FREE_MSGS 256
#endif

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}
static uint32_t pmdcs(const struct usctp_path *p)
{
	return p->mtu > USCTP_COMMON_HDR_LEN ? p->mtu - USCTP_COMMON_HDR_LEN : 1;
}

/* ------------------------------------------------------------------ */
/* Records                                                               */
/* ------------------------------------------------------------------ */

struct tx_chunk *tx_chunk_alloc(struct usctp_tx *tx)
{
	if (!tx->free_chunks) {
		/* Slabs are kept until usctp_tx_del: in steady state chunks
		 * cycle through the free list without malloc. */
		struct tx_slab *s = malloc(sizeof(*s) + TX_SLAB_CHUNKS * sizeof(struct tx_chunk));
		if (!s)
			return NULL;
		s->next = tx->slabs;
		tx->slabs = s;
		struct tx_chunk *arr = (struct tx_chunk *)(s + 1);
		for (int i = 0; i < TX_SLAB_CHUNKS; i++) {
			arr[i].next = tx->free_chunks;
			tx->free_chunks = &arr[i];
		}
	}
	struct tx_chunk *c = tx->free_chunks;
	tx->free_chunks = c->next;
	memset(c, 0, sizeof(*c));
	return c;
}

void tx_chunk_free(struct usctp_tx *tx, struct tx_chunk *c)
{
	struct tx_msg *mm = c->msg;
	c->msg = NULL;
	c->next = tx->free_chunks;
	tx->free_chunks = c;
	if (mm) {
		mm->chunks--;
		tx_msg_put(tx, mm);
	}
}

static struct tx_msg *msg_alloc(struct usctp_tx *tx)
{
	struct tx_msg *mm = tx->free_msgs;
	if (!mm)
		return calloc(1, sizeof(*mm));
	tx->free_msgs = mm->next;
	tx->num_free_msgs--;
	memset(mm, 0, sizeof(*mm));
	return mm;
}

static void msg_free(struct usctp_tx *tx, struct tx_msg *mm)
{
	if (tx->num_free_msgs + 1 > TX_FREE_MSGS) {
		free(mm);
		return;
	}
	mm->next = tx->free_msgs;
	tx->free_msgs = mm;
	tx->num_free_msgs++;
}

void tx_msg_dead(struct usctp_tx *tx, struct tx_msg *mm)
{
	if (mm->abandoned)
		return;
	mm->abandoned = true;
	if (mm->params.pr_policy == USCTP_PR_TTL) {
		tx->ttl_count--;
		if (mm->expires <= tx->ttl_next)
			tx->ttl_dirty = true;
	}
}

void tx_msg_put(struct usctp_tx *tx, struct tx_msg *mm)
{
	if (mm->in_queue || mm->in_failed || mm->chunks)
		return;
	tx_msg_dead(tx, mm);
	tx_release(tx, mm, mm->unreleased);
	if (mm->all_prev)
		mm->all_prev->all_next = mm->all_next;
	else
		tx->all_head = mm->all_next;
	if (mm->all_next)
		mm->all_next->all_prev = mm->all_prev;
	else
		tx->all_tail = mm->all_prev;
	usctp_msg_unref(mm->m);
	msg_free(tx, mm);
}

void tx_release(struct usctp_tx *tx, struct tx_msg *mm, uint32_t bytes)
{
	if (bytes > mm->unreleased)
		bytes = mm->unreleased;
	mm->unreleased -= bytes;
	tx->buffered -= bytes;
}

void tx_leave_flight(struct usctp_tx *tx, struct tx_chunk *c)
{
	if (!c->in_flight)
		return;
	c->in_flight = false;
	uint32_t sz = tx_chunk_size(c->len);
	tx->flight[c->path] = tx->flight[c->path] > sz ? tx->flight[c->path] - sz : 0;
	tx->flight_payload = tx->flight_payload > c->len ? tx->flight_payload - c->len : 0;
}

/* counted: the chunk was already outstanding (on c->path) before. */
static void enter_flight(struct usctp_tx *tx, struct tx_chunk *c, unsigned path, bool counted)
{
	if (counted)
		tx->path_out[c->path]--;
	tx->path_out[path]++;
	c->path = (uint8_t)path;
	c->in_flight = true;
	tx->flight[path] += tx_chunk_size(c->len);
	tx->flight_payload += c->len;
	tx->peer_rwnd = tx->peer_rwnd > c->len ? tx->peer_rwnd - c->len : 0; /* 6.2.1 B */
}

/* ------------------------------------------------------------------ */
/* Streams and the scheduler                                             */
/* ------------------------------------------------------------------ */

static int streams_grow(struct usctp_tx *tx, uint32_t n)
{
	if (n <= tx->nstreams)
		return 0;
	struct tx_stream *s = realloc(tx->streams, n * sizeof(*s));
	if (!s)
		return USCTP_ERR_NOMEM;
	memset(s + tx->nstreams, 0, (n - tx->nstreams) * sizeof(*s));
	for (uint32_t i = tx->nstreams; i < n; i++)
		s[i].sched_next = TX_NONE;
	tx->streams = s;
	tx->nstreams = n;
	return 0;
}

static void sched_push(struct usctp_tx *tx, uint32_t sid)
{
	struct tx_stream *s = &tx->streams[sid];
	s->scheduled = true;
	s->sched_next = TX_NONE;
	if (tx->sched_tail == TX_NONE)
		tx->sched_head = sid;
	else
		tx->streams[tx->sched_tail].sched_next = sid;
	tx->sched_tail = sid;
}

static uint32_t sched_pop(struct usctp_tx *tx)
{
	uint32_t sid = tx->sched_head;
	if (sid == TX_NONE)
		return TX_NONE;
	tx->sched_head = tx->streams[sid].sched_next;
	if (tx->sched_head == TX_NONE)
		tx->sched_tail = TX_NONE;
	tx->streams[sid].sched_next = TX_NONE;
	return sid;
}

/* The current stream's message is done (sent or gone): round robin on. */
static void sched_done(struct usctp_tx *tx)
{
	uint32_t sid = tx->cur_sid;
	tx->cur_sid = TX_NONE;
	if (sid == TX_NONE)
		return;
	if (tx->streams[sid].head)
		sched_push(tx, sid);
	else
		tx->streams[sid].scheduled = false;
}

/* The message whose next fragment goes out next (FCFS in a stream, round robin between streams). */
static struct tx_msg *sched_current(struct usctp_tx *tx)
{
	if (tx->cur_sid != TX_NONE && tx->streams[tx->cur_sid].head)
		return tx->streams[tx->cur_sid].head;
	sched_done(tx);
	/* Streams emptied by abandonment stay queued until popped here. */
	for (uint32_t guard = tx->nstreams + 1; guard; guard--) {
		uint32_t sid = sched_pop(tx);
		if (sid == TX_NONE)
			return NULL;
		if (tx->streams[sid].head) {
			tx->cur_sid = sid;
			return tx->streams[sid].head;
		}
		tx->streams[sid].scheduled = false;
	}
	return NULL;
}

/* Take a message off its stream queue (its unsent bytes will never go). */
void tx_queue_remove(struct usctp_tx *tx, struct tx_msg *mm)
{
	if (!mm->in_queue)
		return;
	struct tx_stream *s = &tx->streams[mm->params.sid];
	bool was_head = s->head == mm;
	if (mm->prev)
		mm->prev->next = mm->next;
	else
		s->head = mm->next;
	if (mm->next)
		mm->next->prev = mm->prev;
	else
		s->tail = mm->prev;
	mm->next = mm->prev = NULL;
	mm->in_queue = false;
	tx->unsent -= mm->len - mm->sent_off;
	tx->queued_msgs--;
	if (was_head && tx->cur_sid == mm->params.sid)
		sched_done(tx);
	tx_msg_put(tx, mm);
}

/* ------------------------------------------------------------------ */
/* Lifecycle and configuration                                           */
/* ------------------------------------------------------------------ */

struct usctp_tx *usctp_tx_new(const struct usctp_tx_config *cfg)
{
	struct usctp_tx *tx = calloc(1, sizeof(*tx));
	if (!tx)
		return NULL;
	tx->cfg = *cfg;
	tx->cc = cfg->cc ? cfg->cc : &usctp_cc_rfc9260;
	tx->sched_head = tx->sched_tail = tx->cur_sid = TX_NONE;
	tx->next_tsn = cfg->initial_tsn;
	tx->cum_acked = tx->adv_ack = cfg->initial_tsn - 1;
	tx->fwd_sent_adv = tx->fwd_sent_cum = tx->adv_ack;
	tx->peer_rwnd = UINT32_MAX; /* until the handshake tells */
	for (unsigned i = 0; i < USCTP_MAX_PATHS; i++) {
		tx->burst_cap[i] = UINT32_MAX;
		tx->burst_reset[i] = true;
	}
	if (cfg->num_ostreams) {
		tx->streams_known = true;
		if (streams_grow(tx, cfg->num_ostreams) < 0) {
			free(tx);
			return NULL;
		}
	}
	return tx;
}

void usctp_tx_del(struct usctp_tx *tx)
{
	if (!tx)
		return;
	struct tx_msg *mm = tx->all_head;
	while (mm) {
		struct tx_msg *n = mm->all_next;
		usctp_msg_unref(mm->m);
		free(mm);
		mm = n;
	}
	while (tx->free_msgs) {
		struct tx_msg *n = tx->free_msgs->next;
		free(tx->free_msgs);
		tx->free_msgs = n;
	}
	struct tx_slab *s = tx->slabs;
	while (s) {
		struct tx_slab *n = s->next;
		free(s);
		s = n;
	}
	free(tx->streams);
	free(tx);
}

void usctp_tx_set_streams(struct usctp_tx *tx, uint16_t num_ostreams)
{
	/* Queued messages on streams the peer did not grant fail, unsent. */
	struct tx_msg *mm = tx->all_head;
	while (mm) {
		struct tx_msg *n = mm->all_next;
		if (mm->params.sid >= num_ostreams && !mm->abandoned) {
			tx_msg_dead(tx, mm);
			tx_fail_push(tx, mm);
			tx_release(tx, mm, mm->len - mm->sent_off);
			tx_queue_remove(tx, mm);
		}
		mm = n;
	}
	streams_grow(tx, num_ostreams); /* failure only delays allocation to enqueue */
	tx->streams_known = true;
	tx->cfg.num_ostreams = num_ostreams;
}

void usctp_tx_set_nodelay(struct usctp_tx *tx, bool nodelay)
{
	tx->cfg.nodelay = nodelay;
}

void usctp_tx_set_sndbuf(struct usctp_tx *tx, uint32_t sndbuf)
{
	tx->cfg.sndbuf = sndbuf;
}

uint32_t usctp_tx_rtx_head_size(const struct usctp_tx *tx)
{
	if (!tx->num_rtx)
		return 0;
	for (const struct tx_chunk *c = tx->out_head; c; c = c->next)
		if (c->rtx)
			return tx_chunk_size(c->len);
	return 0;
}

void usctp_tx_set_peer_rwnd(struct usctp_tx *tx, uint32_t a_rwnd)
{
	tx->peer_rwnd = a_rwnd > tx->flight_payload ? a_rwnd - tx->flight_payload : 0;
}

void usctp_tx_set_pr_sctp(struct usctp_tx *tx, bool peer_supports)
{
	tx->pr_sctp = peer_supports;
}

/* ------------------------------------------------------------------ */
/* Enqueue                                                               */
/* ------------------------------------------------------------------ */

int usctp_tx_enqueue(struct usctp_tx *tx, const struct usctp_send_params *p, struct usctp_msg *m,
		     uint64_t now)
{
	if (!p || !m)
		return USCTP_ERR_INVALID;
	size_t len = usctp_msg_len(m);
	if (len == 0)
		return USCTP_ERR_INVALID; /* DATA must carry user data (3.3.1) */
	if (tx->streams_known ? p->sid >= tx->cfg.num_ostreams : p->sid == UINT16_MAX)
		return USCTP_ERR_BAD_STREAM;
	if (len > tx->cfg.sndbuf)
		return USCTP_ERR_MSGSIZE;
	if (p->sid >= tx->nstreams && streams_grow(tx, (uint32_t)p->sid + 1) < 0)
		return USCTP_ERR_NOMEM;
	bool buf_policy = p->pr_policy == USCTP_PR_BUF && tx->pr_sctp;
	if (!buf_policy && tx->buffered + len > tx->cfg.sndbuf)
		return USCTP_ERR_WOULDBLOCK; /* the common refusal, before any allocation */
	struct tx_msg *mm = msg_alloc(tx);
	if (!mm)
		return USCTP_ERR_NOMEM;
	mm->params = *p;
	mm->len = (uint32_t)len;
	mm->expires = USCTP_TIME_NEVER;
	if (p->pr_policy == USCTP_PR_TTL)
		mm->expires = now + (uint64_t)p->pr_value * USCTP_NS_PER_MS;
	/* BUF policy: make room by abandoning older BUF-policy messages. */
	if (p->pr_policy == USCTP_PR_BUF && tx->pr_sctp) {
		struct tx_msg *o = tx->all_head;
		while (o && tx->buffered >= p->pr_value) {
			struct tx_msg *n = o->all_next;
			if (!o->abandoned && o->params.pr_policy == USCTP_PR_BUF)
				tx_abandon(tx, o);
			o = n;
		}
	}
	if (tx->buffered + len > tx->cfg.sndbuf) {
		msg_free(tx, mm);
		return USCTP_ERR_WOULDBLOCK;
	}
	mm->m = usctp_msg_ref(m);
	mm->unreleased = mm->len;
	if (p->pr_policy == USCTP_PR_TTL) {
		if (tx->ttl_count++ == 0) {
			tx->ttl_next = mm->expires;
			tx->ttl_dirty = false;
		} else if (mm->expires < tx->ttl_next) {
			tx->ttl_next = mm->expires;
		}
	}
	tx->buffered += mm->len;
	tx->unsent += mm->len;
	tx->queued_msgs++;
	mm->in_queue = true;
	mm->all_prev = tx->all_tail;
	if (tx->all_tail)
		tx->all_tail->all_next = mm;
	else
		tx->all_head = mm;
	tx->all_tail = mm;
	struct tx_stream *s = &tx->streams[p->sid];
	mm->prev = s->tail;
	if (s->tail)
		s->tail->next = mm;
	else
		s->head = mm;
	s->tail = mm;
	if (!s->scheduled)
		sched_push(tx, p->sid);
	/* sctp_send(3): with no BUF message left to remove and the limit
	 * still reached, the new message itself is never sent (accepted, then
	 * reported as failed). */
	if (p->pr_policy == USCTP_PR_BUF && tx->pr_sctp && tx->buffered - mm->len >= p->pr_value)
		tx_abandon(tx, mm);
	return 0;
}

size_t usctp_tx_send_space(const struct usctp_tx *tx)
{
	return tx->cfg.sndbuf > tx->buffered ? tx->cfg.sndbuf - tx->buffered : 0;
}

/* ------------------------------------------------------------------ */
/* Transmission                                                          */
/* ------------------------------------------------------------------ */

static int put_chunk(struct usctp_wbuf *w, const struct tx_chunk *c)
{
	const struct tx_msg *mm = c->msg;
	return usctp_build_data(w, c->flags, c->tsn, c->sid, c->ssn, mm->params.ppid,
				usctp_msg_data(mm->m) + c->off, c->len);
}

/* 7.2.1: every RTO without sending on a path decays its cwnd once. */
static void idle_decay(struct usctp_tx *tx, unsigned path_idx, struct usctp_path *p, uint64_t now)
{
	/* Not idle while data waits in flight or for retransmission (after
	 * T3 the window must restart from ssthresh, not decay it). */
	if (!p->sent_data || now <= p->last_send || !p->rto || tx->flight[path_idx] || tx->num_rtx)
		return;
	uint64_t periods = (now - p->last_send) / p->rto;
	for (unsigned i = 0; i < TX_MAX_IDLE_STEPS && p->idle_rtos < periods; i++) {
		tx->cc->on_idle(p, p->mtu);
		p->idle_rtos++;
	}
}

static void sent_now(struct usctp_path *p, uint64_t now)
{
	p->last_send = now;
	p->sent_data = true;
	p->idle_rtos = 0;
}

/* The lowest-TSN chunk still outstanding on a path (T3 restart rule of 6.1). */
static const struct tx_chunk *first_outstanding(const struct usctp_tx *tx, unsigned path)
{
	if (!tx->path_out[path])
		return NULL;
	for (const struct tx_chunk *c = tx->out_head; c; c = c->next)
		if (c->path == path && !c->acked && !c->abandoned && (c->in_flight || c->rtx))
			return c;
	return NULL;
}

static unsigned route_of(const struct usctp_tx *tx, const struct tx_msg *mm)
{
	int p = mm->params.path;
	if (p >= 0 && p < USCTP_MAX_PATHS && (tx->override_mask & (1u << p)))
		return (unsigned)p;
	return tx->default_path;
}

void usctp_tx_set_routes(struct usctp_tx *tx, unsigned default_path, uint32_t override_mask)
{
	tx->default_path = default_path < USCTP_MAX_PATHS ? default_path : 0;
	tx->override_mask = override_mask;
}

int usctp_tx_next_path(struct usctp_tx *tx)
{
	struct tx_msg *mm = sched_current(tx);
	return mm ? (int)route_of(tx, mm) : -1;
}

uint64_t usctp_tx_zwp_expiry(const struct usctp_tx *tx)
{
	if (!tx->zwp_at || tx->flight_payload || !tx->queued_msgs)
		return USCTP_TIME_NEVER;
	return tx->zwp_at;
}

uint32_t usctp_tx_rtx_chunks(const struct usctp_tx *tx)
{
	return tx->num_rtx;
}

int usctp_tx_fill(struct usctp_tx *tx, struct usctp_wbuf *w, unsigned path_idx, struct usctp_path *p,
		  size_t max_payload, uint64_t now, bool *t3_start)
{
	bool t3 = false;
	int n = 0;
	if (t3_start)
		*t3_start = false;
	if (path_idx >= USCTP_MAX_PATHS || !p || !w || max_payload == 0)
		return USCTP_ERR_INVALID;
	idle_decay(tx, path_idx, p, now);
	uint32_t m = pmdcs(p);
	/* 6.1 D: Max.Burst caps how far one transmission opportunity (a new
	 * time, or a new SACK) may grow the flight. */
	if (tx->burst_reset[path_idx] || tx->burst_now[path_idx] != now) {
		uint64_t cap = (uint64_t)tx->flight[path_idx] + (uint64_t)tx->cfg.max_burst * m;
		tx->burst_cap[path_idx] =
		    (!tx->cfg.max_burst || cap > UINT32_MAX) ? UINT32_MAX : (uint32_t)cap;
		tx->burst_now[path_idx] = now;
		tx->burst_reset[path_idx] = false;
	}
	uint32_t limit = min32(p->cwnd, tx->burst_cap[path_idx]);
	const struct tx_chunk *first = first_outstanding(tx, path_idx);
	bool had_outstanding = first != NULL;

	/* 6.1 C / 7.2.4: retransmissions first. One packet of fast
	 * retransmissions may ignore cwnd; the rest waits for it. */
	if (tx->num_rtx) {
		bool bypass = tx->fr_bypass;
		for (struct tx_chunk *c = tx->out_head; c && tx->num_rtx; c = c->next) {
			if (!c->rtx)
				continue;
			/* Within cwnd, whole chunks only: after T3 (cwnd = 1 PMDCS)
			 * this keeps one packet in flight (7.2.3). */
			if (!(bypass && c->fast) && tx->flight[path_idx] &&
			    tx->flight[path_idx] + tx_chunk_size(c->len) > p->cwnd)
				break;
			if (tx_chunk_size(c->len) > usctp_wbuf_room(w))
				break;
			if (put_chunk(w, c) < 0)
				break;
			c->rtx = false;
			c->fast = false;
			c->miss = 0;
			tx->num_rtx--;
			if (c->nsent < UINT8_MAX)
				c->nsent++;
			c->sent_at = now;
			enter_flight(tx, c, path_idx, true);
			tx->last_rtx_at = now;
			tx->any_rtx = true;
			tx->ctr.retransmits++;
			tx->ctr.data_chunks_out++;
			if (!had_outstanding || c == first)
				t3 = true; /* the earliest outstanding chunk goes again: restart */
			n++;
		}
		if (bypass)
			tx->fr_bypass = false;
		if (n)
			sent_now(p, now);
		if (tx->num_rtx) /* new data waits behind retransmissions */
			goto out;
	}

	/* Nagle-like bundling: with data in flight, do not send a part-full
	 * packet of new small messages; more may come to fill it. Never the
	 * tail of a message already being fragmented: nothing can be bundled
	 * with it that is not queued already, and holding it would make the
	 * message wait for a (possibly delayed, 6.2) SACK of its own head. */
	if (!tx->cfg.nodelay && n == 0 && tx->flight_payload > 0 && tx->unsent < max_payload) {
		struct tx_msg *head = sched_current(tx);
		if (head && head->sent_off == 0)
			goto out;
	}

	int new_chunks = 0;
	for (unsigned guard = 0; guard < 65536; guard++) {
		struct tx_msg *mm = sched_current(tx);
		if (!mm)
			break;
		if (mm->sent_off == 0 && tx_pr_expired(tx, mm, now)) {
			tx_abandon(tx, mm); /* never sent: takes no TSN */
			continue;
		}
		if (route_of(tx, mm) != path_idx)
			break; /* it waits for a fill on its own path */
		uint32_t left = mm->len - mm->sent_off;
		uint32_t len = left < max_payload ? left : (uint32_t)max_payload;
		if (tx_chunk_size(len) > usctp_wbuf_room(w))
			break;
		if (tx->flight[path_idx] >= limit) /* 6.1 B: may overshoot by one packet */
			break;
		if (tx->next_tsn - tx->cum_acked >= 0x7fffffffu) /* 6.1: TSN window below 2^31 */
			break;
		/* 6.1 A: the peer's window, or one zero window probe. */
		bool probe = false;
		if (len > tx->peer_rwnd && tx->peer_rwnd > 0) {
			/* 6.1 A: the window is open but smaller than the chunk:
			 * one chunk may be in flight whatever rwnd says. Only
			 * with nothing in flight (then no SACK would come to
			 * open it further); waiting for a window as large as a
			 * whole chunk would stall on chunks larger than the
			 * peer's buffer can ever free at once. */
			if (tx->flight_payload > 0 || new_chunks > 0)
				break;
			tx->zwp_at = 0;
			probe = true; /* one chunk, then wait for the SACK */
		} else if (len > tx->peer_rwnd) {
			if (tx->flight_payload > 0 || new_chunks > 0)
				break;
			/* 6.1 A: the first probe one RTO after the window was
			 * seen closed, the next ones at doubling intervals. */
			if (tx->zwp_at == 0) {
				tx->zwp_ivl = p->rto;
				tx->zwp_at = now + p->rto;
			}
			if (now < tx->zwp_at)
				break;
			tx->zwp_ivl = tx->zwp_ivl > p->rto_max / 2 ? p->rto_max : tx->zwp_ivl * 2;
			tx->zwp_at = now + tx->zwp_ivl;
			probe = true;
		} else {
			tx->zwp_at = 0; /* the window is open */
		}
		struct tx_chunk *c = tx_chunk_alloc(tx);
		if (!c)
			break;
		c->msg = mm;
		c->tsn = tx->next_tsn;
		c->off = mm->sent_off;
		c->len = len;
		c->sid = mm->params.sid;
		if (mm->sent_off == 0 && !(mm->params.flags & USCTP_SEND_UNORDERED))
			mm->ssn = tx->streams[mm->params.sid].next_ssn;
		c->ssn = (mm->params.flags & USCTP_SEND_UNORDERED) ? 0 : mm->ssn;
		c->flags = (uint8_t)((mm->sent_off == 0 ? USCTP_DATA_FLAG_B : 0) |
				     (len == left ? USCTP_DATA_FLAG_E : 0) |
				     ((mm->params.flags & USCTP_SEND_UNORDERED) ? USCTP_DATA_FLAG_U : 0));
		if (put_chunk(w, c) < 0) {
			c->next = tx->free_chunks;
			tx->free_chunks = c;
			break;
		}
		/* Committed. */
		if (mm->sent_off == 0) {
			if (!(mm->params.flags & USCTP_SEND_UNORDERED))
				tx->streams[mm->params.sid].next_ssn++;
			mm->ever_sent = true;
			tx->ctr.user_msgs_out++;
		}
		tx->next_tsn++;
		mm->chunks++;
		mm->sent_off += len;
		tx->unsent -= len;
		c->nsent = 1;
		c->sent_at = now;
		enter_flight(tx, c, path_idx, false);
		if (tx->out_tail)
			tx->out_tail->next = c;
		else
			tx->out_head = c;
		tx->out_tail = c;
		tx->out_count++;
		tx->ctr.data_chunks_out++;
		tx->ctr.bytes_out += len;
		if (mm->sent_off == mm->len) {
			mm->in_queue = false;
			tx->queued_msgs--;
			struct tx_stream *s = &tx->streams[mm->params.sid];
			s->head = mm->next;
			if (s->head)
				s->head->prev = NULL;
			else
				s->tail = NULL;
			mm->next = NULL;
			sched_done(tx);
		}
		n++;
		new_chunks++;
		if (!had_outstanding)
			t3 = true;
		if (probe)
			break;
	}
	if (new_chunks)
		sent_now(p, now);
out:
	p->flight_size = tx->flight[path_idx];
	if (t3_start)
		*t3_start = t3;
	return n;
}

/* ------------------------------------------------------------------ */
/* State queries                                                         */
/* ------------------------------------------------------------------ */

bool usctp_tx_has_outstanding(const struct usctp_tx *tx, unsigned path_idx)
{
	return path_idx < USCTP_MAX_PATHS && tx->path_out[path_idx] > 0;
}

bool usctp_tx_idle(const struct usctp_tx *tx)
{
	return !tx->out_head && tx->queued_msgs == 0;
}
bool usctp_tx_has_pending(const struct usctp_tx *tx)
{
	return tx->num_rtx > 0 || tx->queued_msgs > 0;
}
uint32_t usctp_tx_next_tsn(const struct usctp_tx *tx)
{
	return tx->next_tsn;
}
uint32_t usctp_tx_cum_acked(const struct usctp_tx *tx)
{
	return tx->cum_acked;
}
uint32_t usctp_tx_queued_bytes(const struct usctp_tx *tx)
{
	return tx->buffered;
}
uint32_t usctp_tx_outstanding_chunks(const struct usctp_tx *tx)
{
	return tx->out_count;
}
uint32_t usctp_tx_pending_chunks(const struct usctp_tx *tx)
{
	return tx->num_rtx + tx->queued_msgs;
}
uint32_t usctp_tx_path_flight(const struct usctp_tx *tx, unsigned path_idx)
{
	return path_idx < USCTP_MAX_PATHS ? tx->flight[path_idx] : 0;
}
uint32_t usctp_tx_peer_rwnd(const struct usctp_tx *tx)
{
	return tx->peer_rwnd;
}
const struct usctp_tx_counters *usctp_tx_counters(const struct usctp_tx *tx)
{
	return &tx->ctr;
}
