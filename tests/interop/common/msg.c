/* Interop peers: the message format (16-byte header, body derived from the index) and its checks. */
#define _GNU_SOURCE
#include "peer_common.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Per association (slot) and stream: the index of the last ordered message
 * (order is checked by index, which every message has, even those too short
 * for a header), how many ordered messages arrived, and the gap seen so far.
 */
struct stream_state {
	uint32_t last_idx_plus1, seen, gap;
};
static struct stream_state streams[MAX_ASSOCS][MAX_STREAMS];
static uint32_t slot_id[MAX_ASSOCS];
static int n_slots;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t body_byte(uint32_t idx, size_t k)
{
	uint32_t x = idx * 2654435761u + (uint32_t)k * 40503u;
	return (uint8_t)(x ^ (x >> 13) ^ (x >> 24));
}

uint32_t msg_ppid(uint32_t idx)
{
	return htonl(PPID_BASE ^ idx);
}

void build(uint8_t *buf, const struct msg *m)
{
	size_t k = 0;
	if (m->len >= HDR) {
		put32(buf, m->idx);
		buf[4] = (uint8_t)(m->sid >> 8);
		buf[5] = (uint8_t)m->sid;
		buf[6] = m->flags;
		buf[7] = 0;
		put32(buf + 8, m->sseq);
		put32(buf + 12, m->len);
		k = HDR;
	}
	for (; k < m->len; k++)
		buf[k] = body_byte(m->idx, k);
}

/* Parses and checks a received message's content; returns 0 if intact. */
static int parse(const uint8_t *buf, size_t len, const struct rinfo *ri, struct msg *m)
{
	size_t k = HDR;
	if (len < HDR) {
		/* No header: the index from the PPID, the rest from the stack. */
		if (!ri->valid)
			return -1;
		m->idx = ntohl(ri->ppid) ^ PPID_BASE;
		m->sid = ri->sid;
		m->flags = ri->unordered ? F_UNORDERED : 0;
		m->sseq = UINT32_MAX;
		m->len = (uint32_t)len;
		k = 0;
	} else {
		m->idx = get32(buf);
		m->sid = (uint16_t)(buf[4] << 8 | buf[5]);
		m->flags = buf[6];
		m->sseq = get32(buf + 8);
		m->len = get32(buf + 12);
	}
	if (m->len != len)
		return -1;
	for (; k < len; k++)
		if (buf[k] != body_byte(m->idx, k))
			return -1;
	return 0;
}

static int slot_of(uint32_t id)
{
	for (int i = 0; i < n_slots; i++)
		if (slot_id[i] == id)
			return i;
	if (n_slots == MAX_ASSOCS)
		return MAX_ASSOCS - 1;
	slot_id[n_slots] = id;
	memset(streams[n_slots], 0, sizeof streams[0]);
	return n_slots++;
}

int check_msg(const uint8_t *buf, size_t len, const struct rinfo *ri, struct msg *m)
{
	if (parse(buf, len, ri, m) < 0) {
		fail("message of %zu bytes is not intact", len);
		return -1;
	}
	if (!ri->valid)
		return 0;
	int bad = 0;
	if (ri->sid != m->sid) {
		fail("message %u: stream %u, sent on %u", m->idx, ri->sid, m->sid);
		bad = 1;
	}
	if (ri->ppid != msg_ppid(m->idx)) {
		fail("message %u: ppid 0x%x", m->idx, ntohl(ri->ppid));
		bad = 1;
	}
	if (!!ri->unordered != !!(m->flags & F_UNORDERED)) {
		fail("message %u: unordered flag %d, sent %d", m->idx, !!ri->unordered,
		     !!(m->flags & F_UNORDERED));
		bad = 1;
	}
	if (!(m->flags & F_UNORDERED) && m->sid < MAX_STREAMS) {
		struct stream_state *s = &streams[slot_of(ri->assoc)][m->sid];
		if (m->idx + 1 <= s->last_idx_plus1) {
			st.order_violations++;
			fail("message %u: stream %u after message %u", m->idx, m->sid, s->last_idx_plus1 - 1);
			bad = 1;
		} else {
			s->last_idx_plus1 = m->idx + 1;
			/* A header's sequence beyond what arrived is a gap: only PR-SCTP may abandon. */
			if (m->sseq != UINT32_MAX && m->sseq > s->seen + s->gap) {
				st.gaps += m->sseq - (s->seen + s->gap);
				s->gap = m->sseq - s->seen;
			}
			s->seen++;
		}
	}
	return bad ? -1 : 0;
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

struct msg *make_plan(void)
{
	struct msg *plan = calloc(o.messages ? o.messages : 1, sizeof *plan);
	uint32_t *sseq = calloc(o.streams, sizeof *sseq);
	if (!plan || !sseq) {
		free(plan);
		free(sseq);
		return NULL;
	}
	uint64_t rs = o.seed;
	double span = log((double)o.max / (double)o.min);
	for (uint32_t i = 0; i < o.messages; i++) {
		struct msg *m = &plan[i];
		m->idx = i;
		if (o.sizes == SIZES_LOG) {
			/* Log-uniform: as many messages of 1..10 bytes as of 10 K..100 K. */
			double v = floor((double)o.min * exp(unit(&rs) * (span + log1p(1.0 / o.max))));
			m->len = v < o.min ? o.min : v > o.max ? o.max : (uint32_t)v;
		} else {
			m->len = o.min + (uint32_t)(rng_next(&rs) % (o.max - o.min + 1));
		}
		m->sid = (uint16_t)(rng_next(&rs) % o.streams);
		m->flags = unit(&rs) < o.unordered ? F_UNORDERED : 0;
		m->sseq = (m->flags & F_UNORDERED) ? 0 : sseq[m->sid]++;
	}
	free(sseq);
	return plan;
}
