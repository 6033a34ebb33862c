/*
 * usctp core: packets for no association (RFC 9260 5.1, 8.4). Stateless
 * until a valid COOKIE ECHO: an INIT is answered from the packet alone.
 */
#include <string.h>

#include "assoc_internal.h"

/* A reply packet holding one chunk, tag vtag. */
static int reply1(const struct usctp_assoc_config *cfg, const struct usctp_common_hdr *h, uint32_t vtag,
		  const uint8_t *chunk, size_t clen, uint8_t *reply, size_t cap, size_t *reply_len)
{
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, reply, cap);
	if (usctp_build_hdr(&w, cfg->local_port, h->src_port, vtag) < 0 || usctp_wbuf_room(&w) < clen)
		return USCTP_ERR_NOBUF;
	memcpy(w.buf + w.len, chunk, clen);
	w.len += clen;
	usctp_build_finish(&w);
	*reply_len = w.len;
	return USCTP_OOTB_REPLY;
}

static int reply_abort(const struct usctp_assoc_config *cfg, const struct usctp_common_hdr *h, uint32_t vtag,
		       bool t, const uint8_t *causes, size_t clen, uint8_t *reply, size_t cap,
		       size_t *reply_len)
{
	uint8_t chunk[512];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, chunk, sizeof(chunk));
	if (usctp_build_abort(&w, t, causes, clen) < 0)
		return USCTP_ERR_NOBUF;
	return reply1(cfg, h, vtag, chunk, w.len, reply, cap, reply_len);
}

static int on_init(const struct usctp_assoc_config *cfg, bool listening, const struct usctp_addr *from,
		   const struct usctp_common_hdr *h, const struct usctp_chunk *c, uint64_t now,
		   uint8_t *reply, size_t cap, size_t *reply_len)
{
	struct usctp_init_chunk init;
	struct usctp_init_params ip;
	if (h->vtag != 0)
		return USCTP_OOTB_DROP; /* 8.5.1 A */
	int r = usctp_init_parse(c, &init);
	if (r == USCTP_ERR_BAD_VALUE) {
		if (c->value_len < 4 || usctp_get32(c->value) == 0)
			return USCTP_OOTB_DROP; /* 3.3.2: zero Initiate Tag */
		return reply_abort(cfg, h, usctp_get32(c->value), false, NULL, 0, reply, cap, reply_len);
	}
	if (r < 0)
		return r;
	r = usctp_init_params_parse(init.params, init.params_len, &ip);
	if (r < 0)
		return r;
	if (!listening || !cfg->cookie_key)
		return reply_abort(cfg, h, init.init_tag, false, NULL, 0, reply, cap, reply_len);
	if (ip.has_host_name) {
		uint8_t param[260], cause[268];
		struct usctp_wbuf pw, cw;
		size_t hl = ip.host_name_len > 252 ? 252 : ip.host_name_len;
		usctp_wbuf_init(&pw, param, sizeof(param));
		usctp_wbuf_init(&cw, cause, sizeof(cause));
		usctp_build_param(&pw, USCTP_PARAM_HOST_NAME, ip.host_name, hl);
		usctp_build_cause(&cw, USCTP_CAUSE_UNRESOLVABLE_ADDR, pw.buf, pw.len);
		return reply_abort(cfg, h, init.init_tag, false, cw.buf, cw.len, reply, cap, reply_len);
	}
	usctp_random_fn rnd = cfg->random ? cfg->random : usctp_random_default;
	uint32_t tag = 0, itsn;
	for (int i = 0; i < 16 && tag == 0; i++)
		rnd(cfg->random_ctx, &tag, sizeof(tag));
	if (!tag)
		tag = 1;
	rnd(cfg->random_ctx, &itsn, sizeof(itsn));
	size_t lim = cap < cfg->mtu ? cap : cfg->mtu;
	r = usctp_hs_answer_init(cfg, cfg->cookie_key, rnd, cfg->random_ctx, from, h->src_port, &init, &ip,
				 tag, itsn, 0, 0, now, reply, lim);
	if (r < 0)
		return r;
	*reply_len = (size_t)r;
	return USCTP_OOTB_REPLY;
}

static int on_cookie_echo(const struct usctp_assoc_config *cfg, const struct usctp_addr *from,
			  const struct usctp_common_hdr *h, const struct usctp_chunk *c, const uint8_t *pkt,
			  size_t len, uint64_t now, uint8_t *reply, size_t cap, size_t *reply_len,
			  struct usctp_assoc **new_assoc)
{
	struct usctp_cookie ck;
	const uint8_t *cb;
	size_t clen;
	int r = usctp_cookie_echo_parse(c, &cb, &clen);
	if (r < 0)
		return r;
	r = usctp_cookie_read(cfg->cookie_key, cb, clen, now, &ck);
	if (r < 0)
		return r; /* 5.1.5 step 2: silently discarded */
	if (h->vtag != ck.my_vtag || ck.local_port != cfg->local_port || ck.peer_port != h->src_port)
		return USCTP_OOTB_DROP;
	uint64_t stale = usctp_cookie_staleness_us(&ck, now);
	if (stale) {
		uint8_t chunk[12];
		size_t n = usctp_cookie_stale_error(chunk, stale);
		return reply1(cfg, h, ck.peer_vtag, chunk, n, reply, cap, reply_len);
	}
	if (!new_assoc)
		return USCTP_ERR_INVALID;
	struct usctp_assoc_config c2 = *cfg;
	c2.peer_port = h->src_port;
	struct usctp_assoc *a = usctp_assoc_alloc(&c2, now);
	if (!a)
		return USCTP_ERR_NOMEM;
	if (usctp_hs_setup_from_cookie(a, &ck, from) < 0) {
		usctp_assoc_del(a);
		return USCTP_ERR_NOMEM;
	}
	/* 6.3.1: the round trip from our INIT ACK to this COOKIE ECHO is a
	 * measurement (the cookie says when the INIT ACK left), so the first
	 * RTO is not RTO.Initial. A COOKIE ECHO the peer had to send again
	 * would carry its T1-cookie wait (Karn): only a sample shorter than
	 * RTO.Initial is taken. */
	int fi = usctp_assoc_find_path_ip(a, &from->ip);
	if (fi >= 0 && now >= ck.created &&
	    now - ck.created < (uint64_t)cfg->rto_initial_ms * USCTP_NS_PER_MS)
		usctp_path_rtt_update(&a->paths[fi], now - ck.created);
	a->send_cookie_ack = true;
	usctp_hs_establish(a, now);
	/* DATA bundled behind the COOKIE ECHO belongs to the new association. */
	usctp_assoc_process_chunks(a, from, pkt, len, (size_t)(c->raw - pkt) + usctp_pad4(c->length), now);
	*new_assoc = a;
	return USCTP_OOTB_NEW_ASSOC;
}

int usctp_endpoint_handle_ootb(const struct usctp_assoc_config *cfg, bool listening,
			       const struct usctp_addr *from, const uint8_t *pkt, size_t len, uint64_t now,
			       uint8_t *reply, size_t reply_cap, size_t *reply_len,
			       struct usctp_assoc **new_assoc)
{
	struct usctp_common_hdr h;
	struct usctp_chunk_iter it;
	struct usctp_chunk c, first;
	bool has_shutdown_ack = false, silent = false;

	*reply_len = 0;
	if (new_assoc)
		*new_assoc = NULL;
	if (cfg->verify_checksum && usctp_pkt_verify_checksum(pkt, len) < 0)
		return USCTP_ERR_BAD_CHECKSUM;
	int n = usctp_pkt_validate(pkt, len);
	if (n < 0)
		return n;
	if (n == 0 || usctp_hdr_parse(pkt, len, &h) < 0)
		return USCTP_OOTB_DROP;
	usctp_chunk_iter_init(&it, pkt, len);
	if (usctp_chunk_next(&it, &first) != 1)
		return USCTP_OOTB_DROP;
	c = first;
	do {
		switch (c.type) {
		case USCTP_CHUNK_ABORT:
			return USCTP_OOTB_DROP; /* 8.4 rule 2 */
		case USCTP_CHUNK_SHUTDOWN_ACK:
			has_shutdown_ack = true;
			break;
		case USCTP_CHUNK_SHUTDOWN_COMPLETE:
		case USCTP_CHUNK_COOKIE_ACK:
		case USCTP_CHUNK_ERROR:
			silent = true;
			break;
		default:
			break;
		}
	} while (usctp_chunk_next(&it, &c) == 1);

	if (first.type == USCTP_CHUNK_INIT) /* rule 3 */
		return on_init(cfg, listening, from, &h, &first, now, reply, reply_cap, reply_len);
	if (first.type == USCTP_CHUNK_COOKIE_ECHO && listening && cfg->cookie_key) /* rule 4 */
		return on_cookie_echo(cfg, from, &h, &first, pkt, len, now, reply, reply_cap, reply_len,
				      new_assoc);
	if (has_shutdown_ack) { /* rule 5 */
		uint8_t sc[4];
		struct usctp_wbuf w;
		usctp_wbuf_init(&w, sc, sizeof(sc));
		usctp_build_shutdown_complete(&w, true);
		return reply1(cfg, &h, h.vtag, sc, w.len, reply, reply_cap, reply_len);
	}
	if (silent) /* rules 6, 7 */
		return USCTP_OOTB_DROP;
	/* rule 8 */
	return reply_abort(cfg, &h, h.vtag, true, NULL, 0, reply, reply_cap, reply_len);
}
