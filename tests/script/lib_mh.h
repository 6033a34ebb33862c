/*
 * Helpers for the multi-homing and heartbeat scripts: a passive open where
 * the script's INIT announces extra addresses, heartbeat answering.
 * (Header only, static functions: included by test_heartbeat.c and
 * test_multihome.c.)
 */
#ifndef USCTP_LIB_MH_H
#define USCTP_LIB_MH_H

#include <string.h>

#include "lib_script.h"

/* The script's address number i: 10.0.<i>.2 (0 is s->peer). */
static inline struct usctp_addr mh_addr(const struct scr *s, unsigned i)
{
	struct usctp_addr a = s->peer;
	a.ip.bytes[2] = (uint8_t)i;
	return a;
}

/* Passive open from s->peer with n extra addresses announced in the INIT.
 * Leaves the association ESTABLISHED, the COOKIE ACK flushed, COMM_UP and the
 * ADDED events popped (asserted), nothing else pending. */
static inline void mh_accept(struct scr *s, unsigned n)
{
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, s->init_params + s->init_params_len, sizeof(s->init_params) - s->init_params_len);
	for (unsigned i = 1; i <= n; i++) {
		struct usctp_addr a = mh_addr(s, i);
		assert_int_equal(usctp_build_param_ipaddr(&p, &a.ip), 0);
	}
	s->init_params_len += p.len;

	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen = 0;
	struct usctp_assoc *na = NULL;
	size_t len =
	    scr_build_init(s, in, sizeof(in), s->peer_tag, s->peer_tsn, s->init_params, s->init_params_len);
	assert_int_equal(usctp_endpoint_handle_ootb(&s->cfg, true, &s->peer, in, len, s->now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_REPLY);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	assert_int_equal(usctp_init_parse(&c, &ia), 0);
	assert_int_equal(usctp_init_params_parse(ia.params, ia.params_len, &ip), 0);
	s->our_tag = ia.init_tag;
	s->our_itsn = ia.initial_tsn;
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), s->our_tag);
	assert_int_equal(usctp_build_cookie_echo(&w, ip.cookie, ip.cookie_len), 0);
	usctp_build_finish(&w);
	s->now += MS(10);
	assert_int_equal(usctp_endpoint_handle_ootb(&s->cfg, true, &s->peer, w.buf, w.len, s->now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_NEW_ASSOC);
	s->a = na;
	scr_expect_npkts(s, 1);
	scr_assert_types(&s->out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	assert_int_equal(s->out[0].ti.path, 0);
	scr_expect_event(s, USCTP_EV_COMM_UP);
	for (unsigned i = 1; i <= n; i++) {
		struct usctp_event ev = scr_pop_event(s, USCTP_EV_PEER_ADDR_CHANGE);
		assert_int_equal(ev.addr_state, USCTP_ADDR_ADDED);
		struct usctp_addr a = mh_addr(s, i);
		assert_memory_equal(ev.addr.ip.bytes, a.ip.bytes, 4);
		usctp_event_clear(&ev);
	}
	scr_expect_no_event(s);
	struct usctp_assoc_status st;
	usctp_assoc_get_status(s->a, &st);
	assert_int_equal(st.num_paths, n + 1);
}

/* Answer the HEARTBEAT in packet p with a HEARTBEAT ACK echoing its info
 * (flip: corrupt one nonce byte first). Returns read_pkt's result. */
static inline int mh_answer_hb(struct scr *s, const struct scr_pkt *p, bool flip)
{
	struct usctp_chunk c = scr_chunk(p, 0);
	assert_int_equal(c.type, USCTP_CHUNK_HEARTBEAT);
	uint8_t v[256];
	assert_true(c.value_len <= sizeof(v));
	memcpy(v, c.value, c.value_len);
	if (flip)
		v[4 + 4] ^= 0x5a; /* parameter header (4), path index (4), nonce */
	return scr_feed_chunk(s, s->our_tag, USCTP_CHUNK_HEARTBEAT_ACK, 0, v, c.value_len);
}

static inline struct usctp_path_status mh_path(const struct scr *s, unsigned i)
{
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(s->a, i, &ps), 0);
	return ps;
}

/* Expect one PEER_ADDR_CHANGE for the script's address i with state st. */
/* SENDER_DRY events (after each SACK that empties the queue) are skipped. */
static inline void mh_expect_addr_event(struct scr *s, unsigned i, enum usctp_addr_state st)
{
	struct usctp_event ev;
	memset(&ev, 0, sizeof(ev));
	for (int k = 0; k < 64; k++) {
		assert_int_equal(usctp_assoc_next_event(s->a, &ev), 1);
		if (ev.type != USCTP_EV_SENDER_DRY)
			break;
		usctp_event_clear(&ev);
	}
	assert_int_equal(ev.type, USCTP_EV_PEER_ADDR_CHANGE);
	assert_int_equal(ev.addr_state, st);
	struct usctp_addr a = mh_addr(s, i);
	assert_memory_equal(ev.addr.ip.bytes, a.ip.bytes, 4);
	usctp_event_clear(&ev);
}

static inline void mh_expect_no_event(struct scr *s)
{
	struct usctp_event ev;
	for (int k = 0; k < 64 && usctp_assoc_next_event(s->a, &ev) == 1; k++) {
		assert_int_equal(ev.type, USCTP_EV_SENDER_DRY);
		usctp_event_clear(&ev);
	}
}

#endif
