/* Helpers for the send-side tests (test_tx_*.c): a tx with one or two paths,
 * sending, filling packets and feeding SACKs built with the wire builders. */
#ifndef USCTP_TEST_TX_HELPERS_H
#define USCTP_TEST_TX_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/tx.h"

#define TH_MTU 1200u
#define TH_PMDCS (TH_MTU - 12u)
#define TH_MS USCTP_NS_PER_MS
#define TH_MAXCH 64

struct th {
	struct usctp_tx *tx;
	struct usctp_path paths[2];
	struct usctp_assoc_config cfg;
	uint8_t pkt[TH_MTU];
	size_t pkt_len;
	/* the DATA chunks of the last filled packet */
	unsigned n;
	struct usctp_data_chunk d[TH_MAXCH];
	bool t3;
};

static inline void th_init(struct th *h, uint32_t initial_tsn, uint16_t nos, uint32_t sndbuf,
			   uint32_t max_burst, bool nodelay)
{
	memset(h, 0, sizeof(*h));
	h->cfg.mtu = TH_MTU;
	h->cfg.rto_initial_ms = 1000;
	h->cfg.rto_min_ms = 1000;
	h->cfg.rto_max_ms = 60000;
	struct usctp_addr a = {.ip = {.family = 4, .bytes = {10, 0, 0, 1}}, .udp_port = 9899};
	usctp_path_init(&h->paths[0], &a, &h->cfg, &usctp_cc_rfc9260);
	a.ip.bytes[3] = 2;
	usctp_path_init(&h->paths[1], &a, &h->cfg, &usctp_cc_rfc9260);
	struct usctp_tx_config tc = {
	    .initial_tsn = initial_tsn,
	    .num_ostreams = nos,
	    .sndbuf = sndbuf,
	    .max_burst = max_burst,
	    .nodelay = nodelay,
	    .cc = &usctp_cc_rfc9260,
	};
	h->tx = usctp_tx_new(&tc);
	assert_non_null(h->tx);
	usctp_tx_set_peer_rwnd(h->tx, 1u << 20);
}

static inline void th_free(struct th *h)
{
	struct usctp_failed_msg f;
	for (int i = 0; i < 100000 && usctp_tx_pop_failed(h->tx, &f) == 1; i++)
		usctp_msg_unref(f.msg);
	usctp_tx_del(h->tx);
}

/* Queue len bytes (byte i = i & 0xff) with the given parameters. */
static inline int th_send_pr(struct th *h, uint16_t sid, size_t len, uint16_t flags, uint8_t policy,
			     uint32_t value, uint64_t now)
{
	uint8_t *b = malloc(len ? len : 1);
	assert_non_null(b);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)i;
	struct usctp_msg *m = usctp_msg_new(b, len);
	free(b);
	assert_non_null(m);
	struct usctp_send_params p = {.sid = sid,
				      .ppid = 0xdeadbeef,
				      .flags = flags,
				      .pr_policy = policy,
				      .pr_value = value,
				      .context = 7,
				      .path = -1};
	int r = usctp_tx_enqueue(h->tx, &p, m, now);
	usctp_msg_unref(m);
	return r;
}

static inline int th_send(struct th *h, uint16_t sid, size_t len, uint64_t now)
{
	return th_send_pr(h, sid, len, 0, USCTP_PR_NONE, 0, now);
}

/* Fill one packet for path idx; parse its DATA chunks into h->d. */
static inline int th_fill(struct th *h, unsigned idx, size_t max_payload, uint64_t now)
{
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, h->pkt, sizeof(h->pkt));
	assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
	int r = usctp_tx_fill(h->tx, &w, idx, &h->paths[idx], max_payload, now, &h->t3);
	h->pkt_len = w.len;
	h->n = 0;
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, h->pkt, w.len);
	while (h->n < TH_MAXCH && usctp_chunk_next(&it, &c) == 1) {
		assert_int_equal(c.type, USCTP_CHUNK_DATA);
		assert_int_equal(usctp_data_parse(&c, &h->d[h->n]), 0);
		h->n++;
	}
	if (r >= 0)
		assert_int_equal((unsigned)r, h->n);
	return r;
}

/* Fill packets until nothing more goes out (bounded); returns DATA chunks sent. */
static inline unsigned th_fill_all(struct th *h, unsigned idx, size_t max_payload, uint64_t now)
{
	unsigned total = 0;
	for (int i = 0; i < 1000; i++) {
		int r = th_fill(h, idx, max_payload, now);
		assert_true(r >= 0);
		if (r == 0)
			break;
		total += (unsigned)r;
	}
	return total;
}

/* Build a SACK on the wire, parse it back, and give it to the tx. gaps: pairs (start, end). */
static inline int th_sack(struct th *h, uint32_t cum, uint32_t a_rwnd, const uint16_t (*gaps)[2],
			  unsigned ngaps, uint64_t now, struct usctp_sack_result *res)
{
	struct usctp_gap_block g[32];
	assert_true(ngaps <= 32);
	for (unsigned i = 0; i < ngaps; i++) {
		g[i].start = gaps[i][0];
		g[i].end = gaps[i][1];
	}
	uint8_t buf[512];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, sizeof(buf));
	assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
	assert_int_equal(usctp_build_sack(&w, cum, a_rwnd, g, ngaps, NULL, 0), 0);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, buf, w.len);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	struct usctp_sack_chunk s;
	assert_int_equal(usctp_sack_parse(&c, &s), 0);
	return usctp_tx_on_sack(h->tx, &s, h->paths, 2, now, res);
}

#endif
