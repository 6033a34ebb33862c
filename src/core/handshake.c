/*
 * usctp core: association setup (RFC 9260 5.1-5.3) and the unexpected
 * INIT / INIT ACK / COOKIE ECHO / COOKIE ACK cases of 5.2.
 */
#include <stdlib.h>
#include <string.h>

#include "assoc_internal.h"
#include "endpoint.h"

static uint16_t min16(uint16_t x, uint16_t y)
{
	return x < y ? x : y;
}

/* Queue a packet holding one ABORT (T bit clear) with the given tag. */
static void queue_abort(struct usctp_assoc *a, uint32_t vtag, const uint8_t *causes, size_t len)
{
	uint8_t buf[512];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, sizeof(buf));
	if (usctp_build_abort(&w, false, causes, len) == 0)
		usctp_assoc_queue_pkt(a, vtag, buf, w.len);
}

static size_t cause_unresolvable(const struct usctp_init_params *ip, uint8_t *buf, size_t cap)
{
	/* 3.3.10.5: the unresolvable address parameter, whole. */
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, cap);
	size_t hlen = ip->host_name_len;
	if (hlen + 8 > cap)
		hlen = 0;
	uint8_t param[4 + 256];
	struct usctp_wbuf pw;
	usctp_wbuf_init(&pw, param, sizeof(param));
	if (hlen > 252)
		hlen = 252;
	usctp_build_param(&pw, USCTP_PARAM_HOST_NAME, ip->host_name, hlen);
	usctp_build_cause(&w, USCTP_CAUSE_UNRESOLVABLE_ADDR, pw.buf, pw.len);
	return w.len;
}

/* INIT parameters common to INIT and INIT ACK: our addresses, PR-SCTP, adaptation. */
static int build_common_params(const struct usctp_assoc_config *cfg, struct usctp_wbuf *p)
{
	int r = 0;
	for (unsigned i = 0; i < cfg->num_local_addrs && i < USCTP_MAX_ADDR_PARAMS && r == 0; i++)
		r = usctp_build_param_ipaddr(p, &cfg->local_addrs[i]);
	if (cfg->pr_sctp && r == 0) {
		uint8_t ext[1] = {USCTP_CHUNK_FORWARD_TSN};
		r = usctp_build_param(p, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0);
		if (r == 0)
			r = usctp_build_param_supported_ext(p, ext, 1);
	}
	if (cfg->has_adaptation && r == 0)
		r = usctp_build_param_u32(p, USCTP_PARAM_ADAPTATION_LAYER, cfg->adaptation_ind);
	return r;
}

int usctp_hs_build_init(struct usctp_assoc *a, struct usctp_wbuf *w)
{
	uint8_t pb[24 * USCTP_MAX_ADDR_PARAMS + 64];
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	if (build_common_params(&a->cfg, &p) < 0 ||
	    usctp_build_param_supported_addr_types(&p, true, true) < 0)
		return USCTP_ERR_NOBUF;
	if (a->preservative_ms && usctp_build_param_cookie_preservative(&p, a->preservative_ms) < 0)
		return USCTP_ERR_NOBUF;
	return usctp_build_init(w, USCTP_CHUNK_INIT, a->my_vtag, a->cfg.rcvbuf, a->cfg.num_ostreams,
				a->cfg.max_instreams, a->my_itsn, p.buf, p.len);
}

int usctp_hs_answer_init(const struct usctp_assoc_config *cfg, struct usctp_cookie_key *key,
			 usctp_random_fn rnd, void *rnd_ctx, const struct usctp_addr *from,
			 uint16_t peer_port, const struct usctp_init_chunk *init,
			 const struct usctp_init_params *ip, uint32_t my_vtag, uint32_t my_itsn,
			 uint32_t local_tie, uint32_t peer_tie, uint64_t now, uint8_t *out, size_t cap)
{
	(void)rnd;
	(void)rnd_ctx;
	struct usctp_cookie ck = {0};
	uint32_t pres = ip->cookie_preservative_ms;
	if (pres > cfg->valid_cookie_life_ms)
		pres = cfg->valid_cookie_life_ms; /* bound the replay window we grant */
	ck.created = now;
	ck.lifetime_ms = cfg->valid_cookie_life_ms + pres;
	ck.my_vtag = my_vtag;
	ck.peer_vtag = init->init_tag;
	ck.my_itsn = my_itsn;
	ck.peer_itsn = init->initial_tsn;
	ck.peer_rwnd = init->a_rwnd;
	ck.peer_os = init->num_ostreams;
	ck.peer_mis = init->num_istreams;
	ck.my_os = min16(cfg->num_ostreams, init->num_istreams);
	ck.my_mis = cfg->max_instreams;
	ck.local_port = cfg->local_port;
	ck.peer_port = peer_port;
	ck.local_tie = local_tie;
	ck.peer_tie = peer_tie;
	ck.peer_fwd_tsn = ip->forward_tsn;
	ck.peer_has_adaptation = ip->has_adaptation;
	ck.peer_adaptation = ip->adaptation_ind;
	ck.src = *from;
	ck.num_addrs = ip->num_addrs > USCTP_MAX_ADDR_PARAMS ? USCTP_MAX_ADDR_PARAMS : ip->num_addrs;
	memcpy(ck.addrs, ip->addrs, sizeof(ck.addrs[0]) * ck.num_addrs);

	uint8_t cookie[USCTP_COOKIE_MAX_LEN];
	int clen = usctp_cookie_write(key, &ck, now, cookie, sizeof(cookie));
	if (clen < 0)
		return clen;
	uint8_t pb[USCTP_COOKIE_MAX_LEN + 24 * USCTP_MAX_ADDR_PARAMS + 64 + 8 * 260];
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	int r = usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, cookie, (size_t)clen);
	if (r == 0)
		r = build_common_params(cfg, &p);
	/* 3.2.1: report unrecognized parameters whose action bits ask for it. */
	for (unsigned i = 0; i < ip->num_unrecognized && r == 0; i++)
		if (usctp_build_param(&p, USCTP_PARAM_UNRECOGNIZED, ip->unrecognized[i],
				      ip->unrecognized_len[i]) < 0)
			break;
	if (r < 0)
		return r;
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, out, cap);
	r = usctp_build_hdr(&w, cfg->local_port, peer_port, init->init_tag);
	if (r == 0)
		r = usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, my_vtag, cfg->rcvbuf, ck.my_os,
				     cfg->max_instreams, my_itsn, p.buf, p.len);
	if (r < 0)
		return r;
	usctp_build_finish(&w);
	return (int)w.len;
}

/* Addresses of an INIT (and its source) that the association does not have.
 * Builds the Restart With New Addresses cause into buf; returns its length. */
static size_t new_addresses(struct usctp_assoc *a, const struct usctp_addr *src,
			    const struct usctp_ipaddr *addrs, unsigned n, uint8_t *buf, size_t cap)
{
	uint8_t info[24 * (USCTP_MAX_ADDR_PARAMS + 1)];
	struct usctp_wbuf iw;
	usctp_wbuf_init(&iw, info, sizeof(info));
	bool found = false;
	if (usctp_assoc_find_path_ip(a, &src->ip) < 0) {
		found = true;
		usctp_build_param_ipaddr(&iw, &src->ip);
	}
	for (unsigned i = 0; i < n; i++) {
		if (usctp_assoc_find_path_ip(a, &addrs[i]) < 0) {
			found = true;
			usctp_build_param_ipaddr(&iw, &addrs[i]);
		}
	}
	if (!found)
		return 0;
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, buf, cap);
	usctp_build_cause(&w, USCTP_CAUSE_RESTART_NEW_ADDRS, iw.buf, iw.len);
	return w.len ? w.len : 1;
}

static void ensure_tie_tags(struct usctp_assoc *a)
{
	/* RFC 9260 5.2.2: random, non-zero, stable for the life of the TCB. */
	if (!a->local_tie)
		a->local_tie = usctp_assoc_random_tag(a);
	if (!a->peer_tie)
		a->peer_tie = usctp_assoc_random_tag(a);
}

void usctp_hs_on_init(struct usctp_assoc *a, const struct usctp_addr *from, const struct usctp_chunk *c,
		      uint64_t now)
{
	struct usctp_init_chunk init;
	struct usctp_init_params ip;
	uint8_t causes[512];
	int r = usctp_init_parse(c, &init);
	if (r == USCTP_ERR_BAD_VALUE && c->value_len >= 4 && usctp_get32(c->value) != 0) {
		/* 3.3.2: zero stream counts: ABORT with the Initiate Tag, state untouched. */
		queue_abort(a, usctp_get32(c->value), NULL, 0);
		return;
	}
	if (r < 0 || usctp_init_params_parse(init.params, init.params_len, &ip) < 0) {
		a->stats.malformed++;
		a->stats.pkts_dropped++;
		return;
	}
	if (ip.has_host_name) {
		size_t n = cause_unresolvable(&ip, causes, sizeof(causes));
		queue_abort(a, init.init_tag, causes, n);
		return;
	}
	uint32_t tag = a->my_vtag, itsn = a->my_itsn, lt = 0, pt = 0;
	switch (a->state) {
	case USCTP_CLOSED:
		return;
	case USCTP_SHUTDOWN_ACK_SENT:
		/* 9.2: the SHUTDOWN COMPLETE was probably lost. */
		a->send_shutdown_ack = true;
		return;
	case USCTP_COOKIE_WAIT:
		break; /* 5.2.1: same tag, no tie-tags */
	default: {
		size_t n = new_addresses(a, from, ip.addrs, ip.num_addrs, causes, sizeof(causes));
		if (n) {
			queue_abort(a, init.init_tag, causes, n > 1 ? n : 0);
			return;
		}
		ensure_tie_tags(a);
		lt = a->local_tie;
		pt = a->peer_tie;
		if (a->state != USCTP_COOKIE_ECHOED) {
			/* 5.2.2: a fresh tag and TSN for the would-be new association. */
			tag = usctp_assoc_random_tag(a);
			usctp_assoc_random(a, &itsn, sizeof(itsn));
		}
		break;
	}
	}
	/* Should this INIT lead to a restart, the messages not yet read stay
	 * (usctp_rx_inherit) and hold their room: offer no more window than
	 * is left now, but not under the 1500 bytes an INIT ACK must offer
	 * (3.3.3; a chunk past the window is then dropped, 6.2). */
	struct usctp_assoc_config cfg = a->cfg;
	if (a->rx && a->state >= USCTP_ESTABLISHED) {
		uint32_t w = usctp_rx_a_rwnd(a->rx);
		if (w < 1500)
			w = 1500;
		if (w < cfg.rcvbuf)
			cfg.rcvbuf = w;
	}
	uint8_t *pkt = malloc(a->cfg.mtu);
	if (!pkt)
		return;
	int len = usctp_hs_answer_init(&cfg, usctp_assoc_key(a), a->cfg.random, a->cfg.random_ctx, from,
				       a->cfg.peer_port, &init, &ip, tag, itsn, lt, pt, now, pkt, a->cfg.mtu);
	if (len > USCTP_COMMON_HDR_LEN)
		usctp_assoc_queue_pkt(a, init.init_tag, pkt + USCTP_COMMON_HDR_LEN,
				      (size_t)len - USCTP_COMMON_HDR_LEN);
	free(pkt);
}

static void setup_failed(struct usctp_assoc *a, uint32_t vtag, const uint8_t *causes, size_t len)
{
	if (vtag)
		queue_abort(a, vtag, causes, len);
	usctp_ev_push_causes(a, USCTP_EV_CANT_START, causes, len);
	usctp_assoc_terminate(a);
}

static void add_peer_addrs(struct usctp_assoc *a, const struct usctp_ipaddr *addrs, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n; i++) {
		if (usctp_assoc_find_path_ip(a, &addrs[i]) >= 0 || !usctp_ip_is_unicast(&addrs[i]))
			continue; /* known, or never a destination of ours */
		struct usctp_addr ad = {.ip = addrs[i], .udp_port = port};
		usctp_assoc_add_path(a, &ad);
	}
}

static int make_rx(struct usctp_assoc *a)
{
	if (a->rx)
		usctp_rx_del(a->rx);
	a->rx = usctp_rx_new(a->peer_itsn, a->in_streams, a->cfg.rcvbuf, a->cfg.pd_point);
	if (!a->rx)
		return USCTP_ERR_NOMEM;
	usctp_rx_set_max_reasm(a->rx, a->cfg.max_reasm);
	usctp_rx_set_frag_interleave(a->rx, a->cfg.frag_interleave);
	a->last_adv_rwnd = usctp_rx_a_rwnd(a->rx);
	a->data_pkts_unacked = 0;
	return 0;
}

static void apply_peer(struct usctp_assoc *a)
{
	usctp_tx_set_streams(a->tx, a->out_streams);
	usctp_tx_set_peer_rwnd(a->tx, a->peer_rwnd);
	usctp_tx_set_pr_sctp(a->tx, a->peer_pr_sctp);
}

int usctp_hs_on_init_ack(struct usctp_assoc *a, const struct usctp_addr *from, const struct usctp_chunk *c,
			 uint64_t now)
{
	struct usctp_init_chunk init;
	struct usctp_init_params ip;
	uint8_t causes[512];
	(void)from;
	if (a->state != USCTP_COOKIE_WAIT)
		return 0; /* 5.2.3 */
	int r = usctp_init_parse(c, &init);
	if (r == USCTP_ERR_BAD_VALUE) {
		/* 3.3.3: zero tag or streams: give up on this association. */
		setup_failed(a, 0, NULL, 0);
		return 0;
	}
	if (r < 0 || usctp_init_params_parse(init.params, init.params_len, &ip) < 0) {
		a->stats.malformed++;
		return 0;
	}
	if (ip.has_host_name) {
		size_t n = cause_unresolvable(&ip, causes, sizeof(causes));
		setup_failed(a, init.init_tag, causes, n);
		return 0;
	}
	if (!ip.cookie || !ip.cookie_len) {
		uint16_t t = USCTP_PARAM_STATE_COOKIE;
		struct usctp_wbuf w;
		usctp_wbuf_init(&w, causes, sizeof(causes));
		usctp_build_cause_missing_params(&w, &t, 1);
		setup_failed(a, init.init_tag, causes, w.len);
		return 0;
	}
	unsigned pi = (unsigned)a->primary;
	if (!a->hs_retransmitted && now >= a->hs_sent) {
		usctp_path_rtt_update(&a->paths[pi], now - a->hs_sent);
		a->hs_rtt_taken = true;
	}
	a->peer_vtag = init.init_tag;
	a->peer_itsn = init.initial_tsn;
	a->peer_rwnd = init.a_rwnd;
	a->out_streams = min16(a->cfg.num_ostreams, init.num_istreams);
	a->in_streams = min16(a->cfg.max_instreams, init.num_ostreams);
	a->peer_pr_sctp = a->cfg.pr_sctp && ip.forward_tsn;
	a->peer_has_adaptation = ip.has_adaptation;
	a->peer_adaptation = ip.adaptation_ind;
	if (make_rx(a) < 0) {
		setup_failed(a, init.init_tag, NULL, 0);
		return 0;
	}
	apply_peer(a);
	/* 5.1.2 B: the listed addresses plus the INIT ACK's source. */
	add_peer_addrs(a, ip.addrs, ip.num_addrs, a->paths[0].addr.udp_port);
	if (from)
		add_peer_addrs(a, &from->ip, 1, from->udp_port);
	uint8_t *ck = malloc(ip.cookie_len);
	if (!ck) {
		setup_failed(a, init.init_tag, NULL, 0);
		return 0;
	}
	memcpy(ck, ip.cookie, ip.cookie_len);
	free(a->peer_cookie);
	a->peer_cookie = ck;
	a->peer_cookie_len = ip.cookie_len;
	if (ip.num_unrecognized) {
		/* Reported in an ERROR that rides behind the COOKIE ECHO (5.1 C). */
		uint8_t info[512];
		struct usctp_wbuf iw, w;
		usctp_wbuf_init(&iw, info, sizeof(info));
		for (unsigned i = 0; i < ip.num_unrecognized; i++)
			usctp_build_param(&iw, usctp_get16(ip.unrecognized[i]), ip.unrecognized[i] + 4,
					  ip.unrecognized_len[i] >= 4 ? ip.unrecognized_len[i] - 4u : 0);
		uint8_t cb[520], eb[528];
		usctp_wbuf_init(&w, cb, sizeof(cb));
		if (usctp_build_cause(&w, USCTP_CAUSE_UNRECOGNIZED_PARAMS, iw.buf, iw.len) == 0) {
			struct usctp_wbuf ew;
			usctp_wbuf_init(&ew, eb, sizeof(eb));
			if (usctp_build_error(&ew, w.buf, w.len) == 0)
				usctp_assoc_queue_ctl(a, ew.buf, ew.len);
		}
	}
	a->paths[pi].confirmed = true;
	a->state = USCTP_COOKIE_ECHOED;
	a->send_cookie_echo = true;
	a->init_retrans = 0;
	a->hs_retransmitted = false;
	a->hs_sent = now;
	usctp_timer_start(&a->t1, now, usctp_assoc_rto(a));
	return 0;
}

void usctp_hs_establish(struct usctp_assoc *a, uint64_t now)
{
	usctp_timer_stop(&a->t1);
	a->state = USCTP_ESTABLISHED;
	a->error_count = 0;
	a->paths[a->primary].confirmed = true;
	free(a->peer_cookie);
	a->peer_cookie = NULL;
	a->peer_cookie_len = 0;
	a->send_cookie_echo = false;
	struct usctp_event *e = usctp_ev_push(a, USCTP_EV_COMM_UP);
	if (e) {
		e->outbound_streams = a->out_streams;
		e->inbound_streams = a->in_streams;
	}
	/* The peer's other addresses, reported after COMM_UP; the unconfirmed
	 * ones are probed before data goes there (5.4). */
	for (unsigned i = 0; i < a->num_paths; i++)
		if (i != (unsigned)a->primary)
			usctp_pm_event(a, i, USCTP_ADDR_ADDED);
	usctp_hb_start(a, now);
	if (a->peer_has_adaptation) {
		e = usctp_ev_push(a, USCTP_EV_ADAPTATION);
		if (e)
			e->adaptation_ind = a->peer_adaptation;
	}
	if (a->pending_shutdown) {
		a->pending_shutdown = false;
		usctp_assoc_shutdown(a, now);
	}
}

int usctp_hs_setup_from_cookie(struct usctp_assoc *a, const struct usctp_cookie *ck,
			       const struct usctp_addr *from)
{
	a->my_vtag = ck->my_vtag;
	a->peer_vtag = ck->peer_vtag;
	a->my_itsn = ck->my_itsn;
	a->peer_itsn = ck->peer_itsn;
	a->peer_rwnd = ck->peer_rwnd;
	a->out_streams = min16(ck->my_os, ck->peer_mis);
	a->in_streams = min16(ck->peer_os, ck->my_mis);
	a->peer_pr_sctp = a->cfg.pr_sctp && ck->peer_fwd_tsn;
	a->peer_has_adaptation = ck->peer_has_adaptation;
	a->peer_adaptation = ck->peer_adaptation;
	a->local_tie = a->peer_tie = 0;
	if (usctp_assoc_reset_tx(a, a->my_itsn, a->out_streams) < 0 || make_rx(a) < 0)
		return USCTP_ERR_NOMEM;
	apply_peer(a);
	if (a->num_paths == 0) {
		usctp_assoc_add_path(a, from);
	} else {
		/* 5.2.4 A: congestion state starts over (confirmations stay:
		 * a restart brings no new addresses). */
		for (unsigned i = 0; i < a->num_paths; i++) {
			struct usctp_addr ad = a->paths[i].addr;
			bool conf = a->paths[i].confirmed;
			struct usctp_ipaddr local = a->paths[i].local;
			bool learnt = a->paths[i].local_learnt;
			usctp_path_init(&a->paths[i], &ad, &a->cfg, a->cfg.cc);
			a->paths[i].confirmed = conf;
			a->paths[i].local = local;
			a->paths[i].local_learnt = learnt;
		}
	}
	/* 5.1.2 B: the INIT's addresses plus its source. */
	add_peer_addrs(a, ck->addrs, ck->num_addrs, from->udp_port);
	add_peer_addrs(a, &ck->src.ip, 1, from->udp_port);
	int fi = usctp_assoc_find_path_ip(a, &from->ip);
	if (fi >= 0)
		a->paths[fi].confirmed = true;
	a->rtx_avoid = -1;
	return 0;
}

static void restart(struct usctp_assoc *a, const struct usctp_cookie *ck, const struct usctp_addr *from,
		    uint64_t now)
{
	usctp_tx_fail_all(a->tx);
	usctp_assoc_drain_failed(a);
	usctp_assoc_stop_timers(a);
	a->ctl_len = 0;
	a->send_shutdown = a->send_shutdown_ack = a->sack_now = false;
	/*
	 * The old incarnation's receive side: the messages the user began and
	 * that can no longer complete are reported (before RESTART); its
	 * complete messages were acknowledged, so the peer counts them as
	 * delivered: the new rx keeps them readable, ahead of the new data,
	 * and the RESTART is held back until they are read (or until another
	 * event comes), so that it separates the two incarnations' data.
	 */
	struct usctp_rx *old = a->rx;
	if (old)
		usctp_assoc_abort_partial_deliveries(a);
	a->rx = NULL;
	if (usctp_hs_setup_from_cookie(a, ck, from) < 0) {
		if (!a->rx)
			a->rx = old; /* still readable after the end */
		else
			usctp_rx_inherit(a->rx, old);
		usctp_ev_push(a, USCTP_EV_COMM_LOST);
		usctp_assoc_terminate(a);
		return;
	}
	usctp_rx_inherit(a->rx, old);
	a->last_adv_rwnd = usctp_rx_a_rwnd(a->rx);
	a->state = USCTP_ESTABLISHED;
	a->error_count = 0;
	usctp_ev_defer_restart(a, a->out_streams, a->in_streams);
	usctp_ev_restarts_due(a, false);
	a->send_cookie_ack = true;
	usctp_hb_start(a, now);
}

int usctp_hs_on_cookie_echo(struct usctp_assoc *a, const struct usctp_addr *from,
			    const struct usctp_common_hdr *h, const struct usctp_chunk *c, uint64_t now)
{
	struct usctp_cookie ck;
	const uint8_t *cb;
	size_t clen;
	if (a->state == USCTP_CLOSED || usctp_cookie_echo_parse(c, &cb, &clen) < 0)
		return 0;
	if (usctp_cookie_read(usctp_assoc_key(a), cb, clen, now, &ck) < 0) {
		a->stats.pkts_dropped++; /* 5.1.5: a bad MAC is discarded silently */
		return 0;
	}
	if (h->vtag != ck.my_vtag || ck.local_port != a->cfg.local_port || ck.peer_port != a->cfg.peer_port) {
		a->stats.bad_vtag++;
		a->stats.pkts_dropped++;
		return 0;
	}
	bool lm = ck.my_vtag == a->my_vtag;
	bool pm = a->peer_vtag != 0 && ck.peer_vtag == a->peer_vtag;
	uint64_t stale = usctp_cookie_staleness_us(&ck, now);
	if (stale && !(lm && pm)) {
		uint8_t chunk[12];
		size_t n = usctp_cookie_stale_error(chunk, stale);
		usctp_assoc_queue_pkt(a, ck.peer_vtag, chunk, n);
		return 0;
	}
	bool ties = a->local_tie && ck.local_tie == a->local_tie && ck.peer_tie == a->peer_tie;
	if (!lm && !pm && ties) { /* (A) the peer restarted */
		if (a->state == USCTP_SHUTDOWN_ACK_SENT) {
			uint8_t cause[4], chunk[8];
			struct usctp_wbuf cw, w;
			usctp_wbuf_init(&cw, cause, sizeof(cause));
			usctp_wbuf_init(&w, chunk, sizeof(chunk));
			usctp_build_cause(&cw, USCTP_CAUSE_COOKIE_WHILE_SHUTDOWN, NULL, 0);
			usctp_build_error(&w, cw.buf, cw.len);
			a->send_shutdown_ack = true;
			usctp_assoc_queue_ctl(a, chunk, w.len);
			return 0;
		}
		uint8_t causes[512];
		size_t n = new_addresses(a, from, ck.addrs, ck.num_addrs, causes, sizeof(causes));
		if (n) { /* 5.2.4.1 / 5.2.2: no restart with new addresses */
			queue_abort(a, ck.peer_vtag, causes, n > 1 ? n : 0);
			return 0;
		}
		restart(a, &ck, from, now);
		return a->dead ? 0 : 1;
	}
	if (lm && !pm) { /* (B) collision: the peer picked a new tag */
		a->peer_vtag = ck.peer_vtag;
		usctp_timer_stop(&a->t1);
		if (a->state == USCTP_COOKIE_WAIT || a->state == USCTP_COOKIE_ECHOED) {
			a->peer_itsn = ck.peer_itsn;
			a->peer_rwnd = ck.peer_rwnd;
			a->out_streams = min16(ck.my_os, ck.peer_mis);
			a->in_streams = min16(ck.peer_os, ck.my_mis);
			a->peer_pr_sctp = a->cfg.pr_sctp && ck.peer_fwd_tsn;
			a->peer_has_adaptation = ck.peer_has_adaptation;
			a->peer_adaptation = ck.peer_adaptation;
			if (make_rx(a) < 0) {
				usctp_ev_push(a, USCTP_EV_CANT_START);
				usctp_assoc_terminate(a);
				return 0;
			}
			apply_peer(a);
			add_peer_addrs(a, ck.addrs, ck.num_addrs, from->udp_port);
			usctp_hs_establish(a, now);
		}
		a->send_cookie_ack = true;
		return 1;
	}
	if (!lm && pm && ck.local_tie == 0 && ck.peer_tie == 0)
		return 0; /* (C) our old cookie arrived late */
	if (lm && pm) {	  /* (D) */
		if (a->state == USCTP_COOKIE_ECHOED)
			usctp_hs_establish(a, now);
		usctp_timer_stop(&a->t1);
		a->send_cookie_ack = true;
		return 1;
	}
	return 0;
}

void usctp_hs_on_cookie_ack(struct usctp_assoc *a, uint64_t now)
{
	if (a->state != USCTP_COOKIE_ECHOED)
		return; /* 5.2.5 */
	if (!a->hs_rtt_taken && !a->hs_retransmitted && now >= a->hs_sent)
		usctp_path_rtt_update(&a->paths[a->primary], now - a->hs_sent);
	usctp_hs_establish(a, now);
}

void usctp_hs_on_stale_cookie(struct usctp_assoc *a, uint32_t staleness_us, uint64_t now)
{
	(void)staleness_us;
	usctp_timer_stop(&a->t1);
	if (++a->init_retrans > a->cfg.max_init_retrans) {
		usctp_ev_push(a, USCTP_EV_CANT_START);
		usctp_assoc_terminate(a);
		return;
	}
	/* 5.2.6 option 3: ask for the measured round trip plus at most 1 s more. */
	uint64_t rtt = now > a->hs_sent ? now - a->hs_sent : 0;
	a->preservative_ms = (uint32_t)((rtt + USCTP_NS_PER_MS - 1) / USCTP_NS_PER_MS) + 1000;
	free(a->peer_cookie);
	a->peer_cookie = NULL;
	a->peer_cookie_len = 0;
	if (a->rx) {
		usctp_rx_del(a->rx);
		a->rx = NULL;
	}
	a->peer_vtag = 0;
	a->ctl_len = 0;
	a->send_cookie_echo = false;
	a->state = USCTP_COOKIE_WAIT;
	a->send_init = true;
	a->hs_retransmitted = true;
	a->hs_sent = now;
	usctp_timer_start(&a->t1, now, usctp_assoc_rto(a));
}

void usctp_hs_on_t1(struct usctp_assoc *a, uint64_t now)
{
	a->stats.t1_timeouts++;
	if (++a->init_retrans > a->cfg.max_init_retrans) {
		usctp_ev_push(a, USCTP_EV_CANT_START);
		usctp_assoc_terminate(a);
		return;
	}
	usctp_path_backoff(&a->paths[a->primary]);
	a->hs_retransmitted = true;
	a->hs_sent = now;
	if (a->state == USCTP_COOKIE_WAIT)
		a->send_init = true;
	else if (a->state == USCTP_COOKIE_ECHOED)
		a->send_cookie_echo = true;
	usctp_timer_start(&a->t1, now, usctp_assoc_rto(a));
}
