/*
 * A small multi-homed network on one virtual clock, for the multi-homing and
 * PR-SCTP tests (header only, included by test_sim_multihome.c and
 * test_sim_prpolicy.c).
 *
 * Two nodes with up to MN_MAX_ADDR addresses each; address i of a node is on
 * network i (10.0.<i>.<node+1>), so a packet to the peer's address i leaves
 * from our address i (or 0 if we have fewer) over link [from node][src][dst],
 * each with its own delay, loss and an up/down switch. Node 0 connects, node
 * 1 is created by usctp_endpoint_handle_ootb. Node 0 sends a planned list of
 * messages (the message id in the PPID and the context, a payload derived
 * from it); node 1 reads and checks every delivery: intact, exactly once,
 * ordered streams in order. Everything random comes from the seed.
 */
#ifndef USCTP_TEST_SIM_MININET_H
#define USCTP_TEST_SIM_MININET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assoc.h"
#include "core/endpoint.h"
#include "testutil.h"
#include "wire/wire.h"

#define MN_MAX_ADDR 3
#define MN_MAX_MSGS 2048
#define MN_MAX_INFLIGHT 4096
#define MN_PKT 1500
#define MN_MS 1000000ull

struct mn_link {
	bool down;
	double loss;
	uint64_t delay;
};

struct mn_pkt {
	uint64_t at;
	int to; /* node */
	struct usctp_addr from;
	size_t len;
	uint8_t b[MN_PKT];
};

struct mn_msg {
	uint32_t len;
	uint16_t sid;
	bool unordered;
	uint8_t policy;
	uint32_t value;
	int path;	  /* usctp_send_params.path */
	uint64_t send_at; /* when the application queues it */
	bool queued;
	unsigned delivered, failed;
	bool failed_sent;
	unsigned first_tx; /* transmissions of its first fragment */
	uint32_t rd_off;   /* bytes read so far (pieces of different messages may interleave) */
	bool pd_aborted;
};

struct mn;
/* Return true to drop this packet (node: sender; path: its destination index). */
typedef bool (*mn_drop_fn)(struct mn *n, int node, const uint8_t *pkt, size_t len, int path, void *ctx);

struct mn {
	uint64_t seed, now;
	struct tu_rng rng, core_rng[2];
	struct usctp_cookie_key *key;
	struct usctp_assoc_config cfg[2];
	struct usctp_assoc *a[2];
	struct usctp_addr addr[2][MN_MAX_ADDR];
	unsigned naddr[2];
	struct mn_link link[2][MN_MAX_ADDR][MN_MAX_ADDR];
	struct mn_pkt *fly[MN_MAX_INFLIGHT];
	unsigned nfly;
	mn_drop_fn drop;
	void *drop_ctx;
	bool reading; /* node 1 reads what arrives */
	/* the plan (node 0 -> node 1) */
	struct mn_msg msg[MN_MAX_MSGS];
	unsigned nmsg, next_send;
	uint32_t last_id[65536 / 4096]; /* per stream (sid < 16): last ordered id delivered + 1 */
	/* observations */
	unsigned data_to[2][MN_MAX_ADDR]; /* DATA chunks sent by node, per destination path */
	unsigned hb_to[2][MN_MAX_ADDR];
	unsigned fwd_tsn_sent;
	unsigned addr_ev[2][MN_MAX_ADDR][8]; /* PEER_ADDR_CHANGE per node, peer address, state */
	unsigned comm_up[2], comm_lost[2];
	char fail[256];
	uint8_t rbuf[65536];
};

static inline void mn_failf(struct mn *n, const char *what, uint32_t id)
{
	if (!n->fail[0])
		snprintf(n->fail, sizeof(n->fail), "%s (message %u, t=%.3f ms)", what, id,
			 (double)n->now / MN_MS);
}

static inline uint8_t mn_byte(uint32_t id, uint32_t off)
{
	return (uint8_t)(id * 131u + off * 7u + (off >> 8));
}

/* Nodes with na / nb addresses, clean links of delay ms. */
static inline void mn_init(struct mn *n, uint64_t seed, unsigned na, unsigned nb, uint64_t delay_ms)
{
	memset(n, 0, sizeof(*n));
	n->seed = seed;
	tu_rng_seed(&n->rng, seed);
	tu_rng_seed(&n->core_rng[0], seed * 3 + 1);
	tu_rng_seed(&n->core_rng[1], seed * 3 + 2);
	n->naddr[0] = na;
	n->naddr[1] = nb;
	n->reading = true;
	n->key = usctp_cookie_key_new(tu_random_fn, &n->rng, 3600ull * 1000 * MN_MS, 0);
	for (int d = 0; d < 2; d++) {
		struct usctp_assoc_config *c = &n->cfg[d];
		usctp_assoc_config_default(c);
		c->local_port = d ? 5002 : 5001;
		c->peer_port = d ? 5001 : 5002;
		c->random = tu_random_fn;
		c->random_ctx = &n->core_rng[d];
		c->cookie_key = n->key;
		c->pr_sctp = true;
		c->rto_initial_ms = 300;
		c->rto_min_ms = 300;
		c->sack_delay_ms = 50;
		c->rto_max_ms = 4000;
		c->hb_interval_ms = 1000;
		c->path_max_retrans = 2;
		c->assoc_max_retrans = 20;
		c->nodelay = true;
		for (unsigned i = 0; i < n->naddr[d]; i++) {
			struct usctp_addr *ad = &n->addr[d][i];
			ad->ip.family = 4;
			ad->ip.bytes[0] = 10;
			ad->ip.bytes[2] = (uint8_t)i;
			ad->ip.bytes[3] = (uint8_t)(d + 1);
			ad->udp_port = 9899;
			if (n->naddr[d] > 1)
				c->local_addrs[c->num_local_addrs++] = ad->ip;
		}
		for (unsigned i = 0; i < MN_MAX_ADDR; i++)
			for (unsigned j = 0; j < MN_MAX_ADDR; j++)
				n->link[d][i][j].delay = delay_ms * MN_MS;
	}
	for (unsigned i = 0; i < 16; i++)
		n->last_id[i] = 0;
}

static inline void mn_free(struct mn *n)
{
	for (int d = 0; d < 2; d++)
		if (n->a[d]) {
			struct usctp_event ev;
			while (usctp_assoc_next_event(n->a[d], &ev) == 1)
				usctp_event_clear(&ev);
			usctp_assoc_del(n->a[d]);
		}
	for (unsigned i = 0; i < n->nfly; i++)
		free(n->fly[i]);
	usctp_cookie_key_del(n->key);
}

/* Both directions of network i (every link touching address i of either node). */
static inline void mn_net_down(struct mn *n, unsigned i, bool down)
{
	for (int d = 0; d < 2; d++)
		for (unsigned k = 0; k < MN_MAX_ADDR; k++) {
			n->link[d][i][k].down = down;
			n->link[d][k][i].down = down;
		}
}

static inline int mn_addr_index(const struct mn *n, int node, const struct usctp_addr *ad)
{
	for (unsigned i = 0; i < n->naddr[node]; i++)
		if (!memcmp(n->addr[node][i].ip.bytes, ad->ip.bytes, 4))
			return (int)i;
	return -1;
}

static inline void mn_put(struct mn *n, int from, unsigned src, int dst_idx, const uint8_t *b, size_t len)
{
	if (dst_idx < 0 || (unsigned)dst_idx >= n->naddr[1 - from] || len > MN_PKT)
		return;
	struct mn_link *l = &n->link[from][src][dst_idx];
	if (l->down || (l->loss > 0 && tu_rng_chance(&n->rng, l->loss)) || n->nfly == MN_MAX_INFLIGHT)
		return;
	struct mn_pkt *p = malloc(sizeof(*p));
	if (!p)
		return;
	p->at = n->now + l->delay;
	p->to = 1 - from;
	p->from = n->addr[from][src];
	p->len = len;
	memcpy(p->b, b, len);
	n->fly[n->nfly++] = p;
}

/* Look at what node sends: DATA per path, first transmissions, FORWARD TSN. */
static inline void mn_observe(struct mn *n, int node, const uint8_t *b, size_t len, int path)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, b, len);
	while (usctp_chunk_next(&it, &c) == 1) {
		if (c.type == USCTP_CHUNK_HEARTBEAT && path >= 0 && path < MN_MAX_ADDR)
			n->hb_to[node][path]++;
		if (c.type == USCTP_CHUNK_FORWARD_TSN && node == 0)
			n->fwd_tsn_sent++;
		if (c.type != USCTP_CHUNK_DATA)
			continue;
		if (path >= 0 && path < MN_MAX_ADDR)
			n->data_to[node][path]++;
		struct usctp_data_chunk d;
		if (node == 0 && usctp_data_parse(&c, &d) == 0 && (d.flags & USCTP_DATA_FLAG_B) &&
		    d.ppid < n->nmsg)
			n->msg[d.ppid].first_tx++;
	}
}

static inline void mn_on_event(struct mn *n, int node, const struct usctp_event *ev)
{
	switch (ev->type) {
	case USCTP_EV_COMM_UP:
		n->comm_up[node]++;
		break;
	case USCTP_EV_COMM_LOST:
		n->comm_lost[node]++;
		break;
	case USCTP_EV_PEER_ADDR_CHANGE: {
		int i = mn_addr_index(n, 1 - node, &ev->addr);
		if (i >= 0 && ev->addr_state < 8)
			n->addr_ev[node][i][ev->addr_state]++;
		break;
	}
	case USCTP_EV_PARTIAL_DELIVERY_ABORTED:
		/* The rest of the message partly read on that stream will not
		 * come (the event may also name one not read from yet). */
		for (unsigned i = 0; node == 1 && i < n->nmsg; i++) {
			struct mn_msg *m = &n->msg[i];
			if (m->sid == ev->pd_sid && m->rd_off && m->rd_off < m->len)
				m->pd_aborted = true;
		}
		break;
	case USCTP_EV_SEND_FAILED:
		if (node != 0 || ev->context >= n->nmsg) {
			mn_failf(n, "SEND_FAILED for an unknown message", ev->context);
			break;
		}
		if (ev->ppid != ev->context || !ev->msg || usctp_msg_len(ev->msg) != n->msg[ev->context].len)
			mn_failf(n, "SEND_FAILED without the message's data", ev->context);
		n->msg[ev->context].failed++;
		n->msg[ev->context].failed_sent = ev->sent;
		if (n->msg[ev->context].failed > 1)
			mn_failf(n, "SEND_FAILED twice", ev->context);
		break;
	default:
		break;
	}
}

static inline void mn_read(struct mn *n)
{
	struct usctp_assoc *a = n->a[1];
	for (int k = 0; a && n->reading && k < 10000; k++) {
		struct usctp_rcvinfo info;
		bool eor = false;
		int64_t r = usctp_assoc_recv(a, n->rbuf, sizeof(n->rbuf), &info, &eor, n->now);
		if (r < 0)
			break;
		uint32_t id = info.ppid;
		if (id >= n->nmsg) {
			mn_failf(n, "delivery of an unknown message", id);
			return;
		}
		struct mn_msg *m = &n->msg[id];
		if (m->pd_aborted || m->delivered) {
			mn_failf(n, "piece of a finished message", id);
			return;
		}
		if (m->rd_off == 0 && !m->unordered && m->sid < 16) {
			if (id < n->last_id[m->sid])
				mn_failf(n, "ordered message delivered out of order", id);
			n->last_id[m->sid] = id + 1;
		}
		for (int64_t j = 0; j < r; j++)
			if (n->rbuf[j] != mn_byte(id, m->rd_off + (uint32_t)j)) {
				mn_failf(n, "corrupted delivery", id);
				return;
			}
		m->rd_off += (uint32_t)r;
		if (eor) {
			if (m->rd_off != m->len)
				mn_failf(n, "delivered with the wrong length", id);
			if (++m->delivered > 1)
				mn_failf(n, "delivered twice", id);
			if (m->failed && !m->failed_sent)
				mn_failf(n, "delivered although reported never sent", id);
		}
	}
}

static inline void mn_app_send(struct mn *n)
{
	struct usctp_assoc *a = n->a[0];
	if (!a || usctp_assoc_state(a) != USCTP_ESTABLISHED)
		return;
	while (n->next_send < n->nmsg && n->msg[n->next_send].send_at <= n->now) {
		struct mn_msg *m = &n->msg[n->next_send];
		uint8_t buf[8192];
		uint32_t len = m->len < sizeof(buf) ? m->len : (uint32_t)sizeof(buf);
		for (uint32_t j = 0; j < len; j++)
			buf[j] = mn_byte(n->next_send, j);
		struct usctp_msg *um = usctp_msg_new(buf, len);
		struct usctp_send_params p = {.sid = m->sid,
					      .ppid = n->next_send,
					      .flags = m->unordered ? USCTP_SEND_UNORDERED : 0,
					      .pr_policy = m->policy,
					      .pr_value = m->value,
					      .context = n->next_send,
					      .path = m->path};
		int r = usctp_assoc_send(a, &p, um, n->now);
		usctp_msg_unref(um);
		if (r == USCTP_ERR_WOULDBLOCK)
			return; /* retried on the next step */
		if (r < 0) {
			mn_failf(n, "send refused", n->next_send);
			return;
		}
		m->queued = true;
		n->next_send++;
	}
}

/* Drain node's packets and events; feed the app. */
static inline void mn_service(struct mn *n, int node)
{
	struct usctp_assoc *a = n->a[node];
	if (!a)
		return;
	if (node == 0)
		mn_app_send(n);
	uint8_t b[MN_PKT];
	struct usctp_tx_info ti;
	for (int k = 0; k < 4096; k++) {
		size_t len = usctp_assoc_write_pkt(a, b, sizeof(b), n->now, &ti);
		if (!len)
			break;
		int dst = mn_addr_index(n, 1 - node, &ti.dst);
		mn_observe(n, node, b, len, ti.path);
		if (n->drop && n->drop(n, node, b, len, ti.path, n->drop_ctx))
			continue;
		unsigned src = dst >= 0 && (unsigned)dst < n->naddr[node] ? (unsigned)dst : 0;
		mn_put(n, node, src, dst, b, len);
	}
	struct usctp_event ev;
	for (int k = 0; k < 100000 && usctp_assoc_next_event(a, &ev) == 1; k++) {
		mn_on_event(n, node, &ev);
		usctp_event_clear(&ev);
	}
	if (node == 1)
		mn_read(n);
}

static inline void mn_deliver(struct mn *n, struct mn_pkt *p)
{
	int node = p->to;
	if (n->a[node]) {
		usctp_assoc_read_pkt(n->a[node], &p->from, p->b, p->len, n->now);
	} else if (node == 1) {
		uint8_t reply[MN_PKT];
		size_t rlen = 0;
		struct usctp_assoc *na = NULL;
		int r = usctp_endpoint_handle_ootb(&n->cfg[1], true, &p->from, p->b, p->len, n->now, reply,
						   sizeof(reply), &rlen, &na);
		if (r == USCTP_OOTB_REPLY && rlen) {
			int dst = mn_addr_index(n, 0, &p->from);
			mn_put(n, 1, dst >= 0 && (unsigned)dst < n->naddr[1] ? (unsigned)dst : 0, dst, reply,
			       rlen);
		} else if (r == USCTP_OOTB_NEW_ASSOC) {
			n->a[1] = na;
		}
	}
	mn_service(n, node);
}

static inline int mn_start(struct mn *n)
{
	n->a[0] = usctp_assoc_new(&n->cfg[0], &n->addr[1][0], n->now);
	if (!n->a[0])
		return -1;
	mn_service(n, 0);
	return 0;
}

static inline uint64_t mn_next(const struct mn *n)
{
	uint64_t t = USCTP_TIME_NEVER;
	for (unsigned i = 0; i < n->nfly; i++)
		if (n->fly[i]->at < t)
			t = n->fly[i]->at;
	for (int d = 0; d < 2; d++)
		if (n->a[d]) {
			uint64_t e = usctp_assoc_get_expiry(n->a[d]);
			if (e < t)
				t = e;
		}
	if (n->next_send < n->nmsg && n->a[0] && n->msg[n->next_send].send_at < t)
		t = n->msg[n->next_send].send_at > n->now ? n->msg[n->next_send].send_at : n->now + MN_MS;
	return t;
}

/* Run until time t (or nothing is left to do); bounded by max_steps. Returns
 * false if the step bound was hit. */
static inline bool mn_run_until(struct mn *n, uint64_t t, unsigned max_steps)
{
	for (unsigned step = 0; step < max_steps; step++) {
		uint64_t next = mn_next(n);
		if (next == USCTP_TIME_NEVER || next > t) {
			n->now = t;
			for (int d = 0; d < 2; d++)
				mn_service(n, d);
			return true;
		}
		if (next > n->now)
			n->now = next;
		/* packets due, in arrival order of the array (ties: insertion order) */
		for (unsigned i = 0; i < n->nfly;) {
			if (n->fly[i]->at <= n->now) {
				struct mn_pkt *p = n->fly[i];
				memmove(&n->fly[i], &n->fly[i + 1], (n->nfly - i - 1) * sizeof(n->fly[0]));
				n->nfly--;
				mn_deliver(n, p);
				free(p);
			} else {
				i++;
			}
		}
		for (int d = 0; d < 2; d++) {
			if (n->a[d] && usctp_assoc_get_expiry(n->a[d]) <= n->now)
				usctp_assoc_handle_expiry(n->a[d], n->now);
			mn_service(n, d);
		}
	}
	return false;
}

/* Add a planned message; returns its id. */
static inline uint32_t mn_plan(struct mn *n, uint64_t at, uint16_t sid, uint32_t len, uint8_t policy,
			       uint32_t value)
{
	assert_true(n->nmsg < MN_MAX_MSGS);
	struct mn_msg *m = &n->msg[n->nmsg];
	memset(m, 0, sizeof(*m));
	m->send_at = at;
	m->sid = sid;
	m->len = len;
	m->policy = policy;
	m->value = value;
	m->path = -1;
	return n->nmsg++;
}

/* Print the seed and state on failure. */
static inline void mn_dump(const struct mn *n, const char *why)
{
	fprintf(stderr, "=== mininet FAILURE (seed %llu): %s\n", (unsigned long long)n->seed, why);
	fprintf(stderr, "  now %.3f ms, %u messages planned, %u queued\n", (double)n->now / MN_MS, n->nmsg,
		n->next_send);
	for (int d = 0; d < 2; d++) {
		if (!n->a[d])
			continue;
		struct usctp_assoc_status st;
		usctp_assoc_get_status(n->a[d], &st);
		fprintf(stderr, "  node %d: state %s primary %d paths %u unacked %u pending %u queued %u\n",
			d, usctp_state_name(st.state), st.primary, st.num_paths, st.unacked_chunks,
			st.pending_chunks, st.queued_bytes);
		for (unsigned i = 0; i < st.num_paths; i++) {
			struct usctp_path_status ps;
			usctp_assoc_path_status(n->a[d], i, &ps);
			fprintf(stderr,
				"    path %u: active %d confirmed %d cwnd %u rto %u srtt %u errors %u data "
				"%u hb %u\n",
				i, ps.active, ps.confirmed, ps.cwnd, ps.rto_ms, ps.srtt_ms, ps.error_count,
				i < MN_MAX_ADDR ? n->data_to[d][i] : 0, i < MN_MAX_ADDR ? n->hb_to[d][i] : 0);
		}
	}
}

#endif
