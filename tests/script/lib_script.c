/* The scripted-test harness: see lib_script.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib_script.h"

void scr_init(struct scr *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	tu_rng_seed(&s->rng, seed);
	s->now = SCR_T0;
	usctp_assoc_config_default(&s->cfg);
	s->cfg.local_port = SCR_LOCAL_PORT;
	s->cfg.peer_port = SCR_PEER_PORT;
	s->cfg.random = tu_random_fn;
	s->cfg.random_ctx = &s->rng;
	/* Scripts assert every timer; heartbeats only where a test turns them on. */
	s->cfg.hb_interval_ms = 0;
	s->key = usctp_cookie_key_new(tu_random_fn, &s->rng, 3600ull * 1000 * USCTP_NS_PER_MS, s->now);
	s->cfg.cookie_key = s->key;
	s->peer.ip.family = 4;
	s->peer.ip.bytes[0] = 10;
	s->peer.ip.bytes[3] = 2;
	s->peer.udp_port = 9899;
	s->peer_tag = 0x11223344;
	s->peer_tsn = 1000;
	s->peer_rwnd = 100000;
	s->peer_os = 10;
	s->peer_mis = 10;
}

void scr_free(struct scr *s)
{
	if (s->a) {
		scr_drain_events(s);
		usctp_assoc_del(s->a);
	}
	usctp_cookie_key_del(s->key);
	s->a = NULL;
}

void scr_begin(struct usctp_wbuf *w, uint8_t *buf, size_t cap, uint32_t vtag)
{
	usctp_wbuf_init(w, buf, cap);
	assert_int_equal(usctp_build_hdr(w, SCR_PEER_PORT, SCR_LOCAL_PORT, vtag), 0);
}

int scr_feed(struct scr *s, struct usctp_wbuf *w)
{
	usctp_build_finish(w);
	return usctp_assoc_read_pkt(s->a, &s->peer, w->buf, w->len, s->now);
}

int scr_feed_chunk(struct scr *s, uint32_t vtag, uint8_t type, uint8_t flags, const void *val, size_t len)
{
	uint8_t buf[SCR_PKT_MAX];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), vtag);
	assert_int_equal(usctp_build_chunk(&w, type, flags, val, len), 0);
	return scr_feed(s, &w);
}

int scr_feed_data(struct scr *s, uint32_t tsn, uint16_t sid, uint16_t ssn, uint8_t flags, const void *p,
		  size_t len)
{
	uint8_t buf[SCR_PKT_MAX];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), s->our_tag);
	assert_int_equal(usctp_build_data(&w, flags, tsn, sid, ssn, 0, p, len), 0);
	return scr_feed(s, &w);
}

int scr_feed_sack(struct scr *s, uint32_t cum, uint32_t rwnd, const struct usctp_gap_block *gaps,
		  unsigned ngaps)
{
	uint8_t buf[SCR_PKT_MAX];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), s->our_tag);
	assert_int_equal(usctp_build_sack(&w, cum, rwnd, gaps, ngaps, NULL, 0), 0);
	return scr_feed(s, &w);
}

unsigned scr_flush(struct scr *s)
{
	s->nout = 0;
	for (unsigned i = 0; i < SCR_MAX_OUT; i++) {
		struct usctp_tx_info ti;
		size_t n = usctp_assoc_write_pkt(s->a, s->out[i].b, SCR_PKT_MAX, s->now, &ti);
		if (!n)
			break;
		assert_true(n <= s->cfg.mtu);
		assert_int_equal(usctp_pkt_verify_checksum(s->out[i].b, n), 0);
		assert_true(usctp_pkt_validate(s->out[i].b, n) > 0);
		struct usctp_common_hdr h;
		usctp_hdr_parse(s->out[i].b, n, &h);
		assert_int_equal(h.src_port, SCR_LOCAL_PORT);
		assert_int_equal(h.dst_port, SCR_PEER_PORT);
		s->out[i].len = n;
		s->out[i].ti = ti;
		s->nout++;
	}
	return s->nout;
}

void scr_expect_npkts(struct scr *s, unsigned n)
{
	unsigned got = scr_flush(s);
	if (got != n) {
		for (unsigned i = 0; i < got; i++)
			tu_hexdump("packet", s->out[i].b, s->out[i].len);
	}
	assert_int_equal(got, n);
}

unsigned scr_nchunks(const struct scr_pkt *p)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	unsigned n = 0;
	usctp_chunk_iter_init(&it, p->b, p->len);
	while (usctp_chunk_next(&it, &c) == 1)
		n++;
	return n;
}

struct usctp_chunk scr_chunk(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, p->b, p->len);
	for (unsigned k = 0; k <= i; k++)
		assert_int_equal(usctp_chunk_next(&it, &c), 1);
	return c;
}

uint32_t scr_vtag(const struct scr_pkt *p)
{
	return usctp_get32(p->b + 4);
}

void scr_assert_types(const struct scr_pkt *p, ...)
{
	va_list ap;
	va_start(ap, p);
	unsigned i = 0;
	for (;;) {
		int t = va_arg(ap, int);
		if (t < 0)
			break;
		struct usctp_chunk c = scr_chunk(p, i++);
		if (c.type != t)
			fprintf(stderr, "chunk %u: type %u, expected %d\n", i - 1, c.type, t);
		assert_int_equal(c.type, t);
	}
	va_end(ap);
	assert_int_equal(scr_nchunks(p), i);
}

uint64_t scr_expiry(struct scr *s)
{
	return usctp_assoc_get_expiry(s->a);
}

void scr_run_until(struct scr *s, uint64_t t)
{
	for (int guard = 0; guard < 10000; guard++) {
		uint64_t e = usctp_assoc_get_expiry(s->a);
		if (e > t)
			break;
		if (e > s->now)
			s->now = e;
		usctp_assoc_handle_expiry(s->a, s->now);
	}
	if (t > s->now)
		s->now = t;
}

void scr_advance(struct scr *s, uint64_t dt)
{
	scr_run_until(s, s->now + dt);
}

struct usctp_event scr_pop_event(struct scr *s, enum usctp_event_type type)
{
	struct usctp_event ev;
	memset(&ev, 0, sizeof(ev));
	int got = usctp_assoc_next_event(s->a, &ev);
	if (!got)
		fprintf(stderr, "no event, expected %d\n", type);
	assert_int_equal(got, 1);
	if (ev.type != type)
		fprintf(stderr, "event %d, expected %d\n", ev.type, type);
	assert_int_equal(ev.type, type);
	return ev;
}

void scr_expect_event(struct scr *s, enum usctp_event_type type)
{
	struct usctp_event ev = scr_pop_event(s, type);
	usctp_event_clear(&ev);
}

void scr_expect_no_event(struct scr *s)
{
	struct usctp_event ev;
	int got = usctp_assoc_next_event(s->a, &ev);
	if (got) {
		fprintf(stderr, "unexpected event %d\n", ev.type);
		usctp_event_clear(&ev);
	}
	assert_int_equal(got, 0);
}

void scr_drain_events(struct scr *s)
{
	struct usctp_event ev;
	for (int i = 0; i < 100000 && usctp_assoc_next_event(s->a, &ev); i++)
		usctp_event_clear(&ev);
}

size_t scr_build_init(struct scr *s, uint8_t *buf, size_t cap, uint32_t tag, uint32_t itsn,
		      const void *params, size_t plen)
{
	struct usctp_wbuf w;
	scr_begin(&w, buf, cap, 0);
	assert_int_equal(usctp_build_init(&w, USCTP_CHUNK_INIT, tag, s->peer_rwnd, s->peer_os, s->peer_mis,
					  itsn, params, plen),
			 0);
	usctp_build_finish(&w);
	return w.len;
}

void scr_connect(struct scr *s)
{
	s->a = usctp_assoc_new(&s->cfg, &s->peer, s->now);
	assert_non_null(s->a);
	scr_expect_npkts(s, 1);
	scr_assert_types(&s->out[0], USCTP_CHUNK_INIT, -1);
	assert_int_equal(scr_vtag(&s->out[0]), 0);
	struct usctp_init_chunk init;
	struct usctp_chunk c = scr_chunk(&s->out[0], 0);
	assert_int_equal(usctp_init_parse(&c, &init), 0);
	s->our_tag = init.init_tag;
	s->our_itsn = init.initial_tsn;
	assert_int_equal(s->our_tag, usctp_assoc_local_vtag(s->a));

	/* INIT ACK with an opaque cookie. */
	uint8_t buf[SCR_PKT_MAX], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "COOKIE-0123456789", 17);
	scr_begin(&w, buf, sizeof(buf), s->our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s->peer_tag, s->peer_rwnd, s->peer_os, s->peer_mis,
			 s->peer_tsn, p.buf, p.len);
	s->now += MS(10);
	assert_int_equal(scr_feed(s, &w), 0);
	assert_int_equal(usctp_assoc_state(s->a), USCTP_COOKIE_ECHOED);
	scr_expect_npkts(s, 1);
	scr_assert_types(&s->out[0], USCTP_CHUNK_COOKIE_ECHO, -1);
	assert_int_equal(scr_vtag(&s->out[0]), s->peer_tag);
	c = scr_chunk(&s->out[0], 0);
	assert_int_equal(c.value_len, 17);
	assert_memory_equal(c.value, "COOKIE-0123456789", 17);

	s->now += MS(10);
	assert_int_equal(scr_feed_chunk(s, s->our_tag, USCTP_CHUNK_COOKIE_ACK, 0, NULL, 0), 0);
	assert_int_equal(usctp_assoc_state(s->a), USCTP_ESTABLISHED);
	struct usctp_event ev = scr_pop_event(s, USCTP_EV_COMM_UP);
	assert_int_equal(ev.outbound_streams,
			 s->cfg.num_ostreams < s->peer_mis ? s->cfg.num_ostreams : s->peer_mis);
	usctp_event_clear(&ev);
	scr_expect_no_event(s);
	scr_expect_npkts(s, 0);
}

void scr_accept(struct scr *s)
{
	scr_accept_after(s, MS(10));
}

void scr_accept_after(struct scr *s, uint64_t echo_delay)
{
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen = 0;
	struct usctp_assoc *na = NULL;
	size_t n =
	    scr_build_init(s, in, sizeof(in), s->peer_tag, s->peer_tsn, s->init_params, s->init_params_len);
	assert_int_equal(usctp_endpoint_handle_ootb(&s->cfg, true, &s->peer, in, n, s->now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_REPLY);
	assert_null(na);
	assert_int_equal(usctp_get32(reply + 4), s->peer_tag);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(c.type, USCTP_CHUNK_INIT_ACK);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	assert_int_equal(usctp_init_parse(&c, &ia), 0);
	assert_int_equal(usctp_init_params_parse(ia.params, ia.params_len, &ip), 0);
	assert_non_null(ip.cookie);
	s->our_tag = ia.init_tag;
	s->our_itsn = ia.initial_tsn;

	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), s->our_tag);
	assert_int_equal(usctp_build_cookie_echo(&w, ip.cookie, ip.cookie_len), 0);
	usctp_build_finish(&w);
	s->now += echo_delay;
	assert_int_equal(usctp_endpoint_handle_ootb(&s->cfg, true, &s->peer, w.buf, w.len, s->now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_NEW_ASSOC);
	assert_non_null(na);
	s->a = na;
	assert_int_equal(usctp_assoc_state(s->a), USCTP_ESTABLISHED);
	assert_int_equal(usctp_assoc_local_vtag(s->a), s->our_tag);
	scr_expect_npkts(s, 1);
	scr_assert_types(&s->out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	assert_int_equal(scr_vtag(&s->out[0]), s->peer_tag);
	scr_expect_event(s, USCTP_EV_COMM_UP);
	scr_expect_no_event(s);
}

int scr_send_msg(struct scr *s, uint16_t sid, const void *data, size_t len)
{
	struct usctp_send_params p = {.sid = sid, .ppid = 0, .path = -1};
	struct usctp_msg *m = usctp_msg_new(data, len);
	assert_non_null(m);
	int r = usctp_assoc_send(s->a, &p, m, s->now);
	usctp_msg_unref(m);
	return r;
}

uint16_t scr_first_cause(const struct usctp_chunk *c)
{
	assert_true(c->value_len >= 4);
	return usctp_get16(c->value);
}

struct usctp_ipaddr scr_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct usctp_ipaddr ip;
	memset(&ip, 0, sizeof(ip));
	ip.family = 4;
	ip.bytes[0] = a;
	ip.bytes[1] = b;
	ip.bytes[2] = c;
	ip.bytes[3] = d;
	return ip;
}

struct usctp_ipaddr scr_ip6(uint8_t first, uint8_t last)
{
	struct usctp_ipaddr ip;
	memset(&ip, 0, sizeof(ip));
	ip.family = 6;
	ip.bytes[0] = first;
	ip.bytes[15] = last;
	return ip;
}
