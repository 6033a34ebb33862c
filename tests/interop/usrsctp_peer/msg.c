/* usrsctp_peer: the message format (16-byte header, body derived from the index) and its checks. */
#define _GNU_SOURCE
#include "peer.h"

#include <arpa/inet.h>
#include <string.h>

/* Per association (slot) and stream: the next expected ordered sequence. */
static uint32_t next_sseq[MAX_ASSOCS][MAX_STREAMS];
static sctp_assoc_t slot_id[MAX_ASSOCS];
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

void build(uint8_t *buf, const struct msg *m)
{
	put32(buf, m->idx);
	buf[4] = (uint8_t)(m->sid >> 8);
	buf[5] = (uint8_t)m->sid;
	buf[6] = m->flags;
	buf[7] = 0;
	put32(buf + 8, m->sseq);
	put32(buf + 12, m->len);
	for (size_t k = HDR; k < m->len; k++)
		buf[k] = body_byte(m->idx, k);
}

/* Parses and checks a received message; returns 0 if intact. */
static int parse(const uint8_t *buf, size_t len, struct msg *m)
{
	if (len < HDR)
		return -1;
	m->idx = get32(buf);
	m->sid = (uint16_t)(buf[4] << 8 | buf[5]);
	m->flags = buf[6];
	m->sseq = get32(buf + 8);
	m->len = get32(buf + 12);
	if (m->len != len)
		return -1;
	for (size_t k = HDR; k < len; k++)
		if (buf[k] != body_byte(m->idx, k))
			return -1;
	return 0;
}

static int slot_of(sctp_assoc_t id)
{
	for (int i = 0; i < n_slots; i++)
		if (slot_id[i] == id)
			return i;
	if (n_slots == MAX_ASSOCS)
		return MAX_ASSOCS - 1;
	slot_id[n_slots] = id;
	memset(next_sseq[n_slots], 0, sizeof next_sseq[0]);
	return n_slots++;
}

/* Checks a whole received message (either side). Returns 0 if it passes. */
int check_msg(const uint8_t *buf, size_t len, const struct sctp_rcvinfo *ri, int have_ri, struct msg *m)
{
	if (parse(buf, len, m) < 0) {
		fail("message of %zu bytes is not intact", len);
		return -1;
	}
	if (!have_ri)
		return 0;
	int bad = 0;
	if (ri->rcv_sid != m->sid) {
		fail("message %u: stream %u, sent on %u", m->idx, ri->rcv_sid, m->sid);
		bad = 1;
	}
	if (ri->rcv_ppid != htonl(PPID_BASE ^ m->idx)) {
		fail("message %u: ppid 0x%x", m->idx, ntohl(ri->rcv_ppid));
		bad = 1;
	}
	if (!!(ri->rcv_flags & SCTP_UNORDERED) != !!(m->flags & F_UNORDERED)) {
		fail("message %u: unordered flag %d, sent %d", m->idx, !!(ri->rcv_flags & SCTP_UNORDERED),
		     !!(m->flags & F_UNORDERED));
		bad = 1;
	}
	if (!(m->flags & F_UNORDERED) && m->sid < MAX_STREAMS) {
		uint32_t *next = &next_sseq[slot_of(ri->rcv_assoc_id)][m->sid];
		if (m->sseq < *next) {
			st.order_violations++;
			fail("message %u: stream %u sequence %u after %u", m->idx, m->sid, m->sseq,
			     *next - 1);
			bad = 1;
		} else {
			/* Larger than expected is a gap: only PR-SCTP may abandon messages. */
			st.gaps += m->sseq - *next;
			*next = m->sseq + 1;
		}
	}
	return bad ? -1 : 0;
}
