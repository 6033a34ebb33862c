/* The simulated network: links, the event heap and the run loop. */
#include "lib_simnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sim_ev {
	uint64_t t, seq;
	int to;
	bool corrupted;
	size_t len;
	uint8_t data[];
};

/* ------------------------------------------------------------------ */
/* Trace hash                                                          */
/* ------------------------------------------------------------------ */

static void hash_bytes(uint64_t *h, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		*h ^= p[i];
		*h *= 0x100000001b3ull;
	}
}

static void hash_pkt(struct sim *s, char what, int node, const uint8_t *pkt, size_t len)
{
	uint64_t hdr[3] = {(uint64_t)what, (uint64_t)node, s->now};
	hash_bytes(&s->trace_hash, hdr, sizeof hdr);
	hash_bytes(&s->trace_hash, &len, sizeof len);
	hash_bytes(&s->trace_hash, pkt, len);
}

/* ------------------------------------------------------------------ */
/* Event heap: (t, seq) min-heap                                        */
/* ------------------------------------------------------------------ */

static bool ev_less(const struct sim_ev *a, const struct sim_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void heap_push(struct sim *s, struct sim_ev *e)
{
	if (s->heap_len == s->heap_cap) {
		size_t cap = s->heap_cap ? s->heap_cap * 2 : 64;
		struct sim_ev **h = realloc(s->heap, cap * sizeof *h);
		if (!h) {
			fprintf(stderr, "sim: out of memory\n");
			abort();
		}
		s->heap = h;
		s->heap_cap = cap;
	}
	e->seq = s->ev_seq++;
	size_t i = s->heap_len++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!ev_less(e, s->heap[parent]))
			break;
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = e;
}

static struct sim_ev *heap_pop(struct sim *s)
{
	if (!s->heap_len)
		return NULL;
	struct sim_ev *top = s->heap[0];
	struct sim_ev *last = s->heap[--s->heap_len];
	size_t i = 0, n = s->heap_len;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && ev_less(s->heap[c + 1], s->heap[c]))
			c++;
		if (!ev_less(s->heap[c], last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (n)
		s->heap[i] = last;
	return top;
}

/* ------------------------------------------------------------------ */
/* Setup and teardown                                                  */
/* ------------------------------------------------------------------ */

static void deliver_to_assoc(struct sim *s, int node, const uint8_t *pkt, size_t len, bool corrupted,
			     void *ctx);

void sim_init(struct sim *s, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	s->seed = seed;
	tu_rng_seed(&s->net_rng, seed ^ 0x6e65747700000000ull);
	tu_rng_seed(&s->key_rng, seed ^ 0x6b65790000000000ull);
	s->max_time_ns = 3600 * SIM_NS_PER_S;
	s->max_steps = 2000000;
	s->deliver = deliver_to_assoc;
	const char *v = getenv("USCTP_SIM_VERBOSE");
	s->verbose = v && *v && *v != '0';
	for (int i = 0; i < 2; i++) {
		struct sim_node *n = &s->node[i];
		tu_rng_seed(&n->core_rng, seed * 2 + (uint64_t)i + 0x636f7265ull);
		usctp_assoc_config_default(&n->cfg);
		n->cfg.local_port = (uint16_t)(5001 + i);
		n->cfg.peer_port = (uint16_t)(5002 - i);
		n->cfg.random = tu_random_fn;
		n->cfg.random_ctx = &n->core_rng;
		n->addr.ip.family = 4;
		n->addr.ip.bytes[0] = 10;
		n->addr.ip.bytes[3] = (uint8_t)(1 + i);
		n->addr.udp_port = 9899;
		n->wake_at = USCTP_TIME_NEVER;
		s->link[i].delay_ns = 10 * SIM_NS_PER_MS;
	}
	s->node[1].listening = true;
	s->node[1].accept_once = true;
}

int sim_start(struct sim *s)
{
	s->cookie_key = usctp_cookie_key_new(tu_random_fn, &s->key_rng, 3600 * SIM_NS_PER_S, s->now);
	if (!s->cookie_key)
		return USCTP_ERR_NOMEM;
	for (int i = 0; i < 2; i++)
		s->node[i].cfg.cookie_key = s->cookie_key;
	struct sim_node *c = &s->node[0];
	c->assoc = usctp_assoc_new(&c->cfg, &s->node[1].addr, s->now);
	if (!c->assoc)
		return USCTP_ERR_NOMEM;
	c->had_assoc = true;
	c->assocs_made++;
	int rc = usctp_assoc_connect(c->assoc, s->now);
	if (rc < 0)
		return rc;
	if (s->both_connect) {
		struct sim_node *n = &s->node[1];
		n->listening = false;
		n->assoc = usctp_assoc_new(&n->cfg, &c->addr, s->now);
		if (!n->assoc)
			return USCTP_ERR_NOMEM;
		n->had_assoc = true;
		n->assocs_made++;
		rc = usctp_assoc_connect(n->assoc, s->now);
		if (rc < 0)
			return rc;
		sim_service(s, 1);
	}
	sim_service(s, 0);
	return 0;
}

static void drain_and_free(struct sim *s, int node)
{
	struct sim_node *n = &s->node[node];
	struct usctp_event ev;
	for (int guard = 0; guard < 100000 && usctp_assoc_next_event(n->assoc, &ev) > 0; guard++)
		usctp_event_clear(&ev);
	usctp_assoc_get_status(n->assoc, &n->last_status);
	n->last_stats = *usctp_assoc_stats(n->assoc);
	usctp_assoc_del(n->assoc);
	n->assoc = NULL;
}

int sim_restart_client(struct sim *s)
{
	struct sim_node *c = &s->node[0];
	if (c->assoc)
		drain_and_free(s, 0);
	c->assoc = usctp_assoc_new(&c->cfg, &s->node[1].addr, s->now);
	if (!c->assoc)
		return USCTP_ERR_NOMEM;
	c->had_assoc = true;
	c->assocs_made++;
	return usctp_assoc_connect(c->assoc, s->now);
}

void sim_free(struct sim *s)
{
	for (int i = 0; i < 2; i++)
		if (s->node[i].assoc)
			drain_and_free(s, i);
	struct sim_ev *e;
	while ((e = heap_pop(s)))
		free(e);
	free(s->heap);
	s->heap = NULL;
	s->heap_cap = 0;
	if (s->cookie_key)
		usctp_cookie_key_del(s->cookie_key);
	s->cookie_key = NULL;
}

/* ------------------------------------------------------------------ */
/* Links                                                               */
/* ------------------------------------------------------------------ */

static void enqueue(struct sim *s, int to, uint64_t t, const uint8_t *pkt, size_t len, bool corrupt)
{
	struct sim_ev *e = malloc(sizeof *e + len);
	if (!e) {
		fprintf(stderr, "sim: out of memory\n");
		abort();
	}
	e->t = t;
	e->to = to;
	e->len = len;
	memcpy(e->data, pkt, len);
	e->corrupted = false;
	if (corrupt && len) {
		unsigned flips = 1 + (unsigned)tu_rng_below(&s->net_rng, 3);
		for (unsigned i = 0; i < flips; i++) {
			uint64_t bit = tu_rng_below(&s->net_rng, (uint64_t)len * 8);
			e->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		/* Two flips of the same bit cancel out: only count real damage. */
		e->corrupted = memcmp(e->data, pkt, len) != 0;
		if (e->corrupted)
			s->lstats[1 - to].corrupted++;
	}
	heap_push(s, e);
}

/* One line per packet: time, direction, vtag, chunk types (and TSNs / cum TSNs). */
static void print_pkt(const struct sim *s, const char *what, int from, const uint8_t *pkt, size_t len)
{
	fprintf(stderr, "[%12.3f ms] %s %d->%d len %4zu vtag %08x:", (double)s->now / 1e6, what, from,
		1 - from, len, len >= 12 ? usctp_get32(pkt + 4) : 0);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, pkt, len);
	for (int i = 0; i < 64 && usctp_chunk_next(&it, &c) > 0; i++) {
		fprintf(stderr, " %s", usctp_chunk_type_name(c.type));
		const uint8_t *v = c.value;
		if (c.type == USCTP_CHUNK_DATA && c.value_len >= 12)
			fprintf(stderr, "(%u s%u/%u%s%s%s)", usctp_get32(v), usctp_get16(v + 4),
				usctp_get16(v + 6), (c.flags & USCTP_DATA_FLAG_B) ? "B" : "",
				(c.flags & USCTP_DATA_FLAG_E) ? "E" : "",
				(c.flags & USCTP_DATA_FLAG_U) ? "U" : "");
		else if ((c.type == USCTP_CHUNK_SACK || c.type == USCTP_CHUNK_SHUTDOWN) && c.value_len >= 4)
			fprintf(stderr, "(%u)", usctp_get32(v));
		else if (c.type == USCTP_CHUNK_FORWARD_TSN && c.value_len >= 4) {
			fprintf(stderr, "(%u", usctp_get32(v));
			for (size_t o = 4; o + 4 <= c.value_len; o += 4)
				fprintf(stderr, " s%u/%u", usctp_get16(v + o), usctp_get16(v + o + 2));
			fprintf(stderr, ")");
		} else if (c.flags)
			fprintf(stderr, "[f%x]", c.flags);
	}
	fprintf(stderr, "\n");
}

void sim_link_send(struct sim *s, int from, const uint8_t *pkt, size_t len)
{
	const struct sim_link_cfg *l = &s->link[from];
	struct sim_link_stats *st = &s->lstats[from];
	struct tu_rng *r = &s->net_rng;
	st->sent++;
	hash_pkt(s, 'S', from, pkt, len);
	if (s->verbose)
		print_pkt(s, "send", from, pkt, len);
	if (s->now >= l->blackhole_start_ns && s->now < l->blackhole_end_ns) {
		st->blackholed++;
		return;
	}
	if (l->loss > 0 && tu_rng_chance(r, l->loss)) {
		st->lost++;
		return;
	}
	uint64_t depart = s->now;
	if (l->bw_bps) {
		uint64_t qcap = l->queue_bytes ? l->queue_bytes : 65536;
		uint64_t busy = s->busy_until[from];
		uint64_t backlog = busy > s->now ? (busy - s->now) * l->bw_bps / (8 * SIM_NS_PER_S) : 0;
		if (backlog + len > qcap) {
			st->tail_dropped++;
			return;
		}
		uint64_t ser = (uint64_t)len * 8 * SIM_NS_PER_S / l->bw_bps;
		depart = (busy > s->now ? busy : s->now) + ser;
		s->busy_until[from] = depart;
	}
	uint64_t arrive = depart + l->delay_ns;
	if (l->jitter_ns)
		arrive += tu_rng_below(r, l->jitter_ns + 1);
	if (l->reorder > 0 && tu_rng_chance(r, l->reorder))
		arrive += tu_rng_below(r, l->reorder_max_ns + 1);
	bool dup = l->dup > 0 && tu_rng_chance(r, l->dup);
	enqueue(s, 1 - from, arrive, pkt, len, l->corrupt > 0 && tu_rng_chance(r, l->corrupt));
	if (dup) {
		st->duplicated++;
		uint64_t later = arrive + 1 + tu_rng_below(r, 2 * SIM_NS_PER_MS);
		enqueue(s, 1 - from, later, pkt, len, l->corrupt > 0 && tu_rng_chance(r, l->corrupt));
	}
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

void sim_service(struct sim *s, int node)
{
	struct sim_node *n = &s->node[node];
	uint8_t buf[SIM_MAX_PKT];
	struct usctp_event ev;
	/* A few rounds: the app may send in reaction to events and packets. */
	for (int round = 0; round < 4; round++) {
		bool progress = false;
		for (int guard = 0; n->assoc && guard < 10000 && usctp_assoc_next_event(n->assoc, &ev) > 0;
		     guard++) {
			progress = true;
			if (s->app && s->app->on_event)
				s->app->on_event(s, node, &ev, s->app_ctx);
			usctp_event_clear(&ev);
		}
		if (s->app && s->app->on_step)
			s->app->on_step(s, node, s->app_ctx);
		for (int guard = 0; n->assoc && guard < 100000; guard++) {
			struct usctp_tx_info tx;
			size_t len = usctp_assoc_write_pkt(n->assoc, buf, sizeof buf, s->now, &tx);
			if (!len)
				break;
			progress = true;
			sim_link_send(s, node, buf, len);
		}
		if (n->assoc && usctp_assoc_is_dead(n->assoc)) {
			/* Deliver what is left (COMM_LOST, SEND_FAILED...) and let
			 * the app read what is still buffered, then free it. */
			for (int guard = 0; guard < 100000 && usctp_assoc_next_event(n->assoc, &ev) > 0;
			     guard++) {
				if (s->app && s->app->on_event)
					s->app->on_event(s, node, &ev, s->app_ctx);
				usctp_event_clear(&ev);
			}
			if (s->app && s->app->on_step)
				s->app->on_step(s, node, s->app_ctx);
			if (n->assoc)
				drain_and_free(s, node);
			if (s->app && s->app->on_step)
				s->app->on_step(s, node, s->app_ctx);
			break;
		}
		if (!progress)
			break;
	}
}

static void deliver_to_assoc(struct sim *s, int node, const uint8_t *pkt, size_t len, bool corrupted,
			     void *ctx)
{
	struct sim_node *n = &s->node[node];
	const struct usctp_addr *from = &s->node[1 - node].addr;
	bool accepted;
	if (n->assoc) {
		int rc = usctp_assoc_read_pkt(n->assoc, from, pkt, len, s->now);
		accepted = rc >= 0;
	} else {
		uint8_t reply[SIM_MAX_PKT];
		size_t rlen = 0;
		struct usctp_assoc *na = NULL;
		n->ootb_in++;
		int rc = usctp_endpoint_handle_ootb(&n->cfg, n->listening, from, pkt, len, s->now, reply,
						    sizeof reply, &rlen, &na);
		accepted = rc > 0;
		if (rc == USCTP_OOTB_REPLY && rlen) {
			n->ootb_replies++;
			sim_link_send(s, node, reply, rlen);
		} else if (rc == USCTP_OOTB_NEW_ASSOC && na) {
			n->assoc = na;
			n->had_assoc = true;
			n->assocs_made++;
			if (n->accept_once)
				n->listening = false;
			if (s->app && s->app->on_new_assoc)
				s->app->on_new_assoc(s, node, s->app_ctx);
		}
	}
	if (corrupted) {
		n->corrupt_delivered++;
		if (usctp_pkt_verify_checksum(pkt, len) == 0) {
			n->corrupt_undetectable++;
		} else if (accepted) {
			n->corrupt_accepted++;
			if (!s->quiet)
				fprintf(stderr,
					"sim seed %llu: node %d ACCEPTED a corrupted packet at %.3f ms\n",
					(unsigned long long)s->seed, node, (double)s->now / 1e6);
			if (!s->quiet)
				tu_hexdump("corrupted packet", pkt, len);
		}
	}
	sim_service(s, node);
}

/* ------------------------------------------------------------------ */
/* Run loop                                                            */
/* ------------------------------------------------------------------ */

uint64_t sim_next_time(const struct sim *s)
{
	uint64_t t = USCTP_TIME_NEVER;
	if (s->heap_len)
		t = s->heap[0]->t;
	for (int i = 0; i < 2; i++) {
		const struct sim_node *n = &s->node[i];
		if (n->assoc) {
			uint64_t e = usctp_assoc_get_expiry(n->assoc);
			if (e < t)
				t = e;
		}
		if (n->wake_at < t)
			t = n->wake_at;
	}
	return t;
}

int sim_step(struct sim *s)
{
	uint64_t t = sim_next_time(s);
	if (t == USCTP_TIME_NEVER)
		return 0;
	if (t < s->now)
		t = s->now; /* a timer already due: run it now */
	if (t > s->max_time_ns || s->steps >= s->max_steps)
		return -1;
	s->now = t;
	s->steps++;
	if (s->heap_len && s->heap[0]->t <= s->now) {
		struct sim_ev *e = heap_pop(s);
		s->lstats[1 - e->to].delivered++;
		hash_pkt(s, 'D', e->to, e->data, e->len);
		if (s->verbose)
			print_pkt(s, e->corrupted ? "DAMAGED" : "recv", 1 - e->to, e->data, e->len);
		s->deliver(s, e->to, e->data, e->len, e->corrupted, s->deliver_ctx);
		free(e);
	}
	for (int i = 0; i < 2; i++) {
		struct sim_node *n = &s->node[i];
		bool touch = false;
		if (n->assoc && usctp_assoc_get_expiry(n->assoc) <= s->now) {
			usctp_assoc_handle_expiry(n->assoc, s->now);
			touch = true;
		}
		if (n->wake_at <= s->now) {
			n->wake_at = USCTP_TIME_NEVER;
			touch = true;
		}
		if (touch && s->deliver == deliver_to_assoc)
			sim_service(s, i);
	}
	return 1;
}

int sim_run(struct sim *s, bool (*done)(struct sim *s, void *ctx), void *ctx)
{
	for (;;) {
		if (done && done(s, ctx))
			return 0;
		int rc = sim_step(s);
		if (rc <= 0)
			return rc == 0 ? 1 : -1;
	}
}

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */
/* ------------------------------------------------------------------ */

static void dump_assoc(const struct sim *s, int i)
{
	const struct sim_node *n = &s->node[i];
	struct usctp_assoc_status st;
	const struct usctp_assoc_stats *x;
	if (n->assoc) {
		usctp_assoc_get_status(n->assoc, &st);
		x = usctp_assoc_stats(n->assoc);
	} else if (n->had_assoc) {
		st = n->last_status;
		x = &n->last_stats;
		fprintf(stderr, "  node %d: association freed; last status:\n", i);
	} else {
		fprintf(stderr, "  node %d: no association (ootb in %llu)\n", i,
			(unsigned long long)n->ootb_in);
		return;
	}
	fprintf(stderr,
		"  node %d %s: state %s vtag %08x/%08x peer_rwnd %u local_rwnd %u unacked %u pending %u "
		"queued %u readable %u streams %u/%u frag %u expiry %lld\n",
		i, i ? "server" : "client", usctp_state_name(st.state), st.my_vtag, st.peer_vtag,
		st.peer_rwnd, st.local_rwnd, st.unacked_chunks, st.pending_chunks, st.queued_bytes,
		st.readable_bytes, st.instreams, st.outstreams, st.frag_point,
		n->assoc ? (long long)usctp_assoc_get_expiry(n->assoc) : -1LL);
	fprintf(stderr,
		"    pkts in %llu out %llu dropped %llu badcrc %llu badvtag %llu malformed %llu data in %llu "
		"out %llu dup %llu msgs in %llu out %llu rtx %llu fast %llu t3 %llu t1 %llu sacks %llu/%llu "
		"abandoned %llu\n",
		(unsigned long long)x->pkts_in, (unsigned long long)x->pkts_out,
		(unsigned long long)x->pkts_dropped, (unsigned long long)x->bad_checksum,
		(unsigned long long)x->bad_vtag, (unsigned long long)x->malformed,
		(unsigned long long)x->data_chunks_in, (unsigned long long)x->data_chunks_out,
		(unsigned long long)x->dup_tsns_in, (unsigned long long)x->user_msgs_in,
		(unsigned long long)x->user_msgs_out, (unsigned long long)x->retransmits,
		(unsigned long long)x->fast_retransmits, (unsigned long long)x->t3_timeouts,
		(unsigned long long)x->t1_timeouts, (unsigned long long)x->sacks_in,
		(unsigned long long)x->sacks_out, (unsigned long long)x->abandoned);
	if (n->assoc) {
		struct usctp_path_status ps;
		for (unsigned p = 0; p < st.num_paths && p < 8; p++)
			if (usctp_assoc_path_status(n->assoc, p, &ps) == 0)
				fprintf(stderr,
					"    path %u: active %d cwnd %u ssthresh %u flight %u mtu %u srtt %u "
					"rto %u errors %u\n",
					p, ps.active, ps.cwnd, ps.ssthresh, ps.flight, ps.mtu, ps.srtt_ms,
					ps.rto_ms, ps.error_count);
	}
}

void sim_dump(const struct sim *s, const char *why)
{
	fprintf(stderr, "=== sim FAILURE (seed %llu): %s\n", (unsigned long long)s->seed, why);
	fprintf(stderr,
		"  replay: USCTP_SEED=%llu <this test binary> (runs only that seed; "
		"USCTP_SIM_VERBOSE=1 prints every packet)\n",
		(unsigned long long)s->seed);
	fprintf(stderr, "  now %.3f ms, steps %llu, packets in flight %zu\n", (double)s->now / 1e6,
		(unsigned long long)s->steps, s->heap_len);
	for (int i = 0; i < 2; i++) {
		const struct sim_link_cfg *l = &s->link[i];
		const struct sim_link_stats *x = &s->lstats[i];
		fprintf(stderr,
			"  link %d->%d: loss %.3f dup %.3f reorder %.3f/%llums corrupt %.3f delay %llums "
			"jitter %llums bw %llu q %u | sent %llu delivered %llu lost %llu taildrop %llu "
			"blackholed %llu dup %llu corrupted %llu\n",
			i, 1 - i, l->loss, l->dup, l->reorder,
			(unsigned long long)(l->reorder_max_ns / SIM_NS_PER_MS), l->corrupt,
			(unsigned long long)(l->delay_ns / SIM_NS_PER_MS),
			(unsigned long long)(l->jitter_ns / SIM_NS_PER_MS), (unsigned long long)l->bw_bps,
			l->queue_bytes, (unsigned long long)x->sent, (unsigned long long)x->delivered,
			(unsigned long long)x->lost, (unsigned long long)x->tail_dropped,
			(unsigned long long)x->blackholed, (unsigned long long)x->duplicated,
			(unsigned long long)x->corrupted);
	}
	for (int i = 0; i < 2; i++)
		dump_assoc(s, i);
}

/* ------------------------------------------------------------------ */
/* Profiles                                                            */
/* ------------------------------------------------------------------ */

const char *sim_profile_name(enum sim_profile p)
{
	static const char *names[SIM_NUM_PROFILES] = {
	    "clean", "lossy", "reorder", "dup", "corrupt", "jitter", "bandwidth", "mixed", "bottleneck"};
	return (unsigned)p < SIM_NUM_PROFILES ? names[p] : "?";
}

static double uniform(struct tu_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * (double)tu_rng_below(r, 1000001) / 1e6;
}

static uint64_t ms_between(struct tu_rng *r, uint64_t lo, uint64_t hi)
{
	return (lo + tu_rng_below(r, hi - lo + 1)) * SIM_NS_PER_MS;
}

void sim_apply_profile(struct sim *s, enum sim_profile p)
{
	struct tu_rng *r = &s->net_rng;
	for (int i = 0; i < 2; i++) {
		struct sim_link_cfg *l = &s->link[i];
		memset(l, 0, sizeof *l);
		l->delay_ns = ms_between(r, 1, 50);
		switch (p) {
		case SIM_CLEAN:
		case SIM_NUM_PROFILES:
			break;
		case SIM_LOSSY:
			l->loss = uniform(r, 0.01, 0.20);
			break;
		case SIM_REORDER:
			l->reorder = uniform(r, 0.05, 0.30);
			l->reorder_max_ns = ms_between(r, 5, 80);
			break;
		case SIM_DUP:
			l->dup = uniform(r, 0.05, 0.25);
			break;
		case SIM_CORRUPT:
			l->corrupt = uniform(r, 0.02, 0.15);
			break;
		case SIM_JITTER:
			l->delay_ns = ms_between(r, 1, 150);
			l->jitter_ns = ms_between(r, 1, 60);
			break;
		case SIM_BANDWIDTH:
			l->bw_bps = (1 + tu_rng_below(r, 20)) * 1000000ull;
			l->queue_bytes = (uint32_t)(6000 + tu_rng_below(r, 40000));
			break;
		case SIM_BOTTLENECK:
			l->delay_ns = 20 * SIM_NS_PER_MS;
			l->bw_bps = 10000000;
			l->queue_bytes = 100000;
			break;
		case SIM_MIXED:
			l->loss = uniform(r, 0.0, 0.10);
			l->reorder = uniform(r, 0.0, 0.15);
			l->reorder_max_ns = ms_between(r, 1, 40);
			l->dup = uniform(r, 0.0, 0.10);
			l->corrupt = uniform(r, 0.0, 0.05);
			l->jitter_ns = ms_between(r, 0, 20);
			if (tu_rng_chance(r, 0.5)) {
				l->bw_bps = (2 + tu_rng_below(r, 30)) * 1000000ull;
				l->queue_bytes = (uint32_t)(16000 + tu_rng_below(r, 64000));
			}
			break;
		}
	}
}
