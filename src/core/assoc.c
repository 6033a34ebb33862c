/*
 * usctp core: the association's skeleton: creation, packet dispatch with the
 * verification tag rules (RFC 9260 8.5, 8.5.1), packet assembly
 * (usctp_assoc_write_pkt), timers as values, status.
 *
 * The procedures live in their own files: handshake.c (5.1, 5.2),
 * shutdown.c (9.1, 9.2), data.c (6.x glue to tx/rx), endpoint.c (8.4).
 */
#include <stdlib.h>
#include <string.h>

#include "assoc_internal.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                               */
/* ------------------------------------------------------------------ */

void usctp_assoc_random(struct usctp_assoc *a, void *buf, size_t len)
{
	a->cfg.random(a->cfg.random_ctx, buf, len);
}

/* 5.3.1: tags are random and never 0. */
uint32_t usctp_assoc_random_tag(struct usctp_assoc *a)
{
	uint32_t v = 0;
	for (int i = 0; i < 16 && v == 0; i++)
		usctp_assoc_random(a, &v, sizeof(v));
	return v ? v : 1;
}

struct usctp_cookie_key *usctp_assoc_key(struct usctp_assoc *a)
{
	return a->own_key;
}

/* The RTO of the path control chunks (INIT, SHUTDOWN...) go to. */
uint64_t usctp_assoc_rto(const struct usctp_assoc *a)
{
	if (!a->num_paths)
		return (uint64_t)a->cfg.rto_initial_ms * USCTP_NS_PER_MS;
	return a->paths[usctp_pm_data_path(a)].rto;
}

int usctp_assoc_add_path(struct usctp_assoc *a, const struct usctp_addr *addr)
{
	for (unsigned i = 0; i < a->num_paths; i++)
		if (usctp_addr_eq(&a->paths[i].addr, addr))
			return (int)i;
	if (a->num_paths >= USCTP_MAX_PATHS)
		return USCTP_ERR_NOMEM;
	unsigned i = a->num_paths++;
	struct usctp_path *p = &a->paths[i];
	usctp_path_init(p, addr, &a->cfg, a->cfg.cc);
	p->hb_interval_ms = a->def_hb_interval_ms;
	p->hb_enabled = a->def_hb_enabled;
	p->max_retrans = a->def_path_max_retrans;
	p->mtu = a->def_mtu;
	usctp_timer_stop(&a->t3[i]);
	usctp_pm_pick_local(a, i);
	return (int)i;
}

int usctp_assoc_find_path_ip(const struct usctp_assoc *a, const struct usctp_ipaddr *ip)
{
	for (unsigned i = 0; i < a->num_paths; i++)
		if (usctp_ip_eq(&a->paths[i].addr.ip, ip))
			return (int)i;
	return USCTP_ERR_NOT_FOUND;
}

int usctp_assoc_queue_pkt(struct usctp_assoc *a, uint32_t vtag, const uint8_t *chunks, size_t len)
{
	return usctp_assoc_queue_pkt_to(a, vtag, chunks, len, -1);
}

int usctp_assoc_queue_pkt_to(struct usctp_assoc *a, uint32_t vtag, const uint8_t *chunks, size_t len,
			     int path)
{
	if (a->pend_count == USCTP_PENDING_PKTS || len + USCTP_COMMON_HDR_LEN > a->cfg.mtu)
		return USCTP_ERR_NOBUF;
	uint8_t *b = malloc(len + USCTP_COMMON_HDR_LEN);
	if (!b)
		return USCTP_ERR_NOMEM;
	usctp_hdr_build(b, USCTP_COMMON_HDR_LEN, a->cfg.local_port, a->cfg.peer_port, vtag);
	memcpy(b + USCTP_COMMON_HDR_LEN, chunks, len);
	usctp_pkt_set_checksum(b, len + USCTP_COMMON_HDR_LEN);
	unsigned i = (a->pend_head + a->pend_count) % USCTP_PENDING_PKTS;
	a->pend[i].buf = b;
	a->pend[i].len = len + USCTP_COMMON_HDR_LEN;
	a->pend[i].path = path;
	a->pend_count++;
	return 0;
}

int usctp_assoc_queue_ctl(struct usctp_assoc *a, const uint8_t *chunk, size_t len)
{
	len = usctp_pad4(len);
	if (a->ctl_len + len > a->ctl_cap)
		return USCTP_ERR_NOBUF;
	memcpy(a->ctl + a->ctl_len, chunk, len);
	a->ctl_len += len;
	return 0;
}

void usctp_assoc_stop_timers(struct usctp_assoc *a)
{
	usctp_timer_stop(&a->t1);
	usctp_timer_stop(&a->t2);
	usctp_timer_stop(&a->t5);
	usctp_timer_stop(&a->sack_timer);
	for (unsigned i = 0; i < USCTP_MAX_PATHS; i++)
		usctp_timer_stop(&a->t3[i]);
}

void usctp_assoc_sync_flight(struct usctp_assoc *a)
{
	for (unsigned i = 0; a->tx && i < a->num_paths; i++)
		a->paths[i].flight_size = usctp_tx_path_flight(a->tx, i);
}

void usctp_assoc_drain_failed(struct usctp_assoc *a)
{
	if (!a->tx)
		return;
	/* Abandonment (pr_check, reroute) changes flights without seeing the
	 * paths: every caller of this passes here, so refresh them too. */
	usctp_assoc_sync_flight(a);
	struct usctp_failed_msg f;
	for (int guard = 0; guard < 1 << 20 && usctp_tx_pop_failed(a->tx, &f) > 0; guard++) {
		struct usctp_event *e = usctp_ev_push(a, USCTP_EV_SEND_FAILED);
		if (!e) {
			usctp_msg_unref(f.msg);
			continue;
		}
		e->msg = f.msg;
		e->context = f.params.context;
		e->ppid = f.params.ppid;
		e->sid = f.params.sid;
		e->send_flags = f.params.flags;
		e->sent = f.sent;
	}
}

/*
 * No fragment will come now: partial deliveries end, or the one the user has
 * begun would hold back (interleave levels 0 and 1) the complete messages
 * queued behind it, which stay readable after the end: the peer saw them
 * acknowledged and reports them to nobody.
 */
void usctp_assoc_abort_partial_deliveries(struct usctp_assoc *a)
{
	uint16_t sid;
	uint32_t ssn;
	int rc;
	for (int guard = 0; guard < 1 << 20 && (rc = usctp_rx_abort_partial(a->rx, &sid, &ssn)) >= 0;
	     guard++) {
		if (rc == 0)
			continue; /* the user saw none of it */
		struct usctp_event *e = usctp_ev_push(a, USCTP_EV_PARTIAL_DELIVERY_ABORTED);
		if (e) {
			e->pd_sid = sid;
			e->pd_ssn = ssn;
		}
	}
}

void usctp_assoc_terminate(struct usctp_assoc *a)
{
	if (a->tx) {
		usctp_tx_fail_all(a->tx);
		usctp_assoc_drain_failed(a);
	}
	if (a->rx)
		usctp_assoc_abort_partial_deliveries(a);
	usctp_assoc_stop_timers(a);
	a->state = USCTP_CLOSED;
	a->dead = true;
	a->send_init = a->send_cookie_echo = a->send_cookie_ack = false;
	a->send_shutdown = a->send_shutdown_ack = a->sack_now = false;
	a->ctl_len = 0;
}

/* ------------------------------------------------------------------ */
/* Lifecycle                                                             */
/* ------------------------------------------------------------------ */

struct usctp_assoc *usctp_assoc_alloc(const struct usctp_assoc_config *c, uint64_t now)
{
	if (!c || c->mtu < 128 || !c->num_ostreams || !c->max_instreams)
		return NULL;
	struct usctp_assoc *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->cfg = *c;
	if (!a->cfg.cc)
		a->cfg.cc = &usctp_cc_rfc9260;
	if (!a->cfg.random)
		a->cfg.random = usctp_random_default;
	if (!a->cfg.sack_freq)
		a->cfg.sack_freq = 2; /* unset: the RFC's default */
	if (a->cfg.sack_delay_ms > 500)
		a->cfg.sack_delay_ms = 500; /* 6.2: MUST NOT be more than 500 ms */
	if (!a->cfg.rcvbuf)
		a->cfg.rcvbuf = 64 * 1024;
	if (!a->cfg.shutdown_guard_ms)
		a->cfg.shutdown_guard_ms = 5 * a->cfg.rto_max_ms;
	if (a->cfg.cookie_key) {
		/* Shared with the endpoint and its other associations: hold a
		 * reference, the endpoint may go before we do. */
		a->own_key = usctp_cookie_key_ref(a->cfg.cookie_key);
	} else {
		a->own_key = usctp_cookie_key_new(a->cfg.random, a->cfg.random_ctx,
						  (uint64_t)3600 * 1000 * USCTP_NS_PER_MS, now);
		if (!a->own_key)
			goto fail;
	}
	a->ctl_cap = a->cfg.mtu;
	a->ctl = malloc(a->ctl_cap);
	if (!a->ctl)
		goto fail;
	usctp_assoc_stop_timers(a);
	a->def_hb_interval_ms = a->cfg.hb_interval_ms;
	a->def_hb_enabled = a->cfg.hb_interval_ms != 0;
	a->def_path_max_retrans = a->cfg.path_max_retrans;
	a->def_mtu = a->cfg.mtu;
	a->state = USCTP_CLOSED;
	a->rtx_avoid = -1;
	a->reply_path = -1;
	return a;
fail:
	usctp_cookie_key_del(a->own_key);
	free(a);
	return NULL;
}

static struct usctp_tx *new_tx(struct usctp_assoc *a, uint32_t itsn, uint16_t os)
{
	struct usctp_tx_config tc = {
	    .initial_tsn = itsn,
	    .num_ostreams = os,
	    .sndbuf = a->cfg.sndbuf,
	    .max_burst = a->cfg.max_burst,
	    .nodelay = a->cfg.nodelay,
	    .cc = a->cfg.cc,
	};
	return usctp_tx_new(&tc);
}

/* A fresh send side (passive open, restart). */
int usctp_assoc_reset_tx(struct usctp_assoc *a, uint32_t itsn, uint16_t os)
{
	struct usctp_tx *t = new_tx(a, itsn, os);
	if (!t)
		return USCTP_ERR_NOMEM;
	if (a->tx)
		usctp_tx_del(a->tx);
	a->tx = t;
	return 0;
}

struct usctp_assoc *usctp_assoc_new(const struct usctp_assoc_config *c, const struct usctp_addr *peer,
				    uint64_t now)
{
	if (!peer)
		return NULL;
	struct usctp_assoc *a = usctp_assoc_alloc(c, now);
	if (!a)
		return NULL;
	usctp_assoc_add_path(a, peer);
	a->paths[0].confirmed = true; /* 5.4 rule 1: given by the user */
	a->my_vtag = usctp_assoc_random_tag(a);
	usctp_assoc_random(a, &a->my_itsn, sizeof(a->my_itsn));
	a->tx = new_tx(a, a->my_itsn, a->cfg.num_ostreams);
	if (!a->tx) {
		usctp_assoc_del(a);
		return NULL;
	}
	/* Active open starts at once: the INIT goes out on the next write. */
	a->state = USCTP_COOKIE_WAIT;
	a->send_init = true;
	a->hs_sent = now;
	usctp_timer_start(&a->t1, now, usctp_assoc_rto(a));
	return a;
}

int usctp_assoc_add_peer_addr(struct usctp_assoc *a, const struct usctp_addr *peer)
{
	if (!peer || a->dead)
		return USCTP_ERR_INVALID;
	unsigned before = a->num_paths;
	int r = usctp_assoc_add_path(a, peer);
	if (r < 0)
		return r;
	if ((unsigned)r < before)
		return 0; /* known already */
	if (a->state == USCTP_COOKIE_WAIT) {
		a->paths[r].confirmed = true; /* 5.4 rule 1: given for the INIT */
	} else if (a->state >= USCTP_ESTABLISHED) {
		/* Not announced by the peer: probed before any data goes there. */
		usctp_pm_event(a, (unsigned)r, USCTP_ADDR_ADDED);
		usctp_hb_path_added(a, (unsigned)r, a->probe_next);
	}
	return 0;
}

/* usctp_assoc_new already started the handshake; connect only confirms it. */
int usctp_assoc_connect(struct usctp_assoc *a, uint64_t now)
{
	(void)now;
	if (a->state == USCTP_COOKIE_WAIT || a->state == USCTP_COOKIE_ECHOED)
		return 0;
	return USCTP_ERR_STATE;
}

void usctp_assoc_del(struct usctp_assoc *a)
{
	if (!a)
		return;
	if (a->tx)
		usctp_tx_del(a->tx);
	if (a->rx)
		usctp_rx_del(a->rx);
	usctp_ev_free_all(a);
	for (unsigned i = 0; i < a->pend_count; i++)
		free(a->pend[(a->pend_head + i) % USCTP_PENDING_PKTS].buf);
	free(a->peer_cookie);
	free(a->ctl);
	usctp_cookie_key_del(a->own_key);
	free(a);
}

enum usctp_state usctp_assoc_state(const struct usctp_assoc *a)
{
	return a->state;
}
bool usctp_assoc_is_dead(const struct usctp_assoc *a)
{
	return a->dead;
}
uint32_t usctp_assoc_local_vtag(const struct usctp_assoc *a)
{
	return a->my_vtag;
}

/* ------------------------------------------------------------------ */
/* Receiving                                                              */
/* ------------------------------------------------------------------ */

static void report_unknown(struct usctp_assoc *a, const struct usctp_chunk *c)
{
	if (!a->peer_vtag)
		return;
	size_t clen = c->length;
	size_t need = USCTP_CHUNK_HDR_LEN + USCTP_CAUSE_HDR_LEN + usctp_pad4(clen);
	if (need > a->ctl_cap - a->ctl_len)
		return; /* too big to report in one packet: reporting is best effort */
	uint8_t *cause = malloc(usctp_pad4(clen) + USCTP_CAUSE_HDR_LEN);
	uint8_t *chunk = malloc(need);
	if (cause && chunk) {
		struct usctp_wbuf cw, w;
		usctp_wbuf_init(&cw, cause, usctp_pad4(clen) + USCTP_CAUSE_HDR_LEN);
		usctp_wbuf_init(&w, chunk, need);
		if (usctp_build_cause_unrecognized_chunk(&cw, c->raw, clen) == 0 &&
		    usctp_build_error(&w, cw.buf, cw.len) == 0)
			usctp_assoc_queue_ctl(a, w.buf, w.len);
	}
	free(cause);
	free(chunk);
}

static void on_error_chunk(struct usctp_assoc *a, const struct usctp_chunk *c, uint64_t now)
{
	if (usctp_causes_validate(c->value, c->value_len) < 0) {
		a->stats.malformed++;
		return;
	}
	if (a->state == USCTP_COOKIE_ECHOED) {
		struct usctp_tlv_iter it;
		struct usctp_tlv t;
		usctp_tlv_iter_init(&it, c->value, c->value_len);
		while (usctp_tlv_next(&it, &t) == 1) {
			uint32_t st;
			if (t.type == USCTP_CAUSE_STALE_COOKIE && usctp_cause_stale_cookie(&t, &st) == 0) {
				usctp_hs_on_stale_cookie(a, st, now);
				return;
			}
		}
	}
	usctp_ev_push_causes(a, USCTP_EV_REMOTE_ERROR, c->value, c->value_len);
}

static void on_heartbeat(struct usctp_assoc *a, const struct usctp_chunk *c, const struct usctp_addr *from)
{
	struct usctp_heartbeat_chunk hb;
	if (usctp_heartbeat_parse(c, &hb) < 0) {
		a->stats.malformed++;
		return;
	}
	size_t need = USCTP_CHUNK_HDR_LEN + USCTP_PARAM_HDR_LEN + usctp_pad4(hb.info_len);
	int pi = from ? usctp_assoc_find_path_ip(a, &from->ip) : -1;
	if (pi >= 0 && (unsigned)pi != usctp_pm_data_path(a) && a->peer_vtag &&
	    need + USCTP_COMMON_HDR_LEN <= a->cfg.mtu) {
		/* 6.4: the ACK goes back to where the HEARTBEAT came from (also
		 * to an unconfirmed address, 5.4), so it measures that path; on
		 * the data path it is bundled like any control chunk. */
		uint8_t *tmp = malloc(need);
		if (!tmp)
			return;
		struct usctp_wbuf w;
		usctp_wbuf_init(&w, tmp, need);
		if (usctp_build_heartbeat(&w, USCTP_CHUNK_HEARTBEAT_ACK, hb.info, hb.info_len) == 0)
			usctp_assoc_queue_pkt_to(a, a->peer_vtag, tmp, w.len, pi);
		free(tmp);
		return;
	}
	if (need > a->ctl_cap - a->ctl_len)
		return;
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, a->ctl + a->ctl_len, a->ctl_cap - a->ctl_len);
	if (usctp_build_heartbeat(&w, USCTP_CHUNK_HEARTBEAT_ACK, hb.info, hb.info_len) == 0)
		a->ctl_len += w.len;
}

void usctp_assoc_process_chunks(struct usctp_assoc *a, const struct usctp_addr *from, const uint8_t *pkt,
				size_t len, size_t off, uint64_t now)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	bool had_data = false, immediate = false;

	if (from && a->peer_vtag) {
		/* RFC 6951 5.4: the peer's UDP port is learnt per address from
		 * what arrives (only from packets that passed the tag checks). */
		int pi = usctp_assoc_find_path_ip(a, &from->ip);
		if (pi >= 0)
			a->paths[pi].addr.udp_port = from->udp_port;
	}
	usctp_chunk_iter_init(&it, pkt, len);
	while (!a->dead && usctp_chunk_next(&it, &c) == 1) {
		if (c.raw < pkt + off)
			continue;
		switch (c.type) {
		case USCTP_CHUNK_DATA:
			if (!a->rx || a->state == USCTP_COOKIE_WAIT || a->state == USCTP_COOKIE_ECHOED)
				break; /* no association yet to take it */
			if (!had_data && from)
				a->reply_path = usctp_assoc_find_path_ip(a, &from->ip);
			had_data = true;
			if (usctp_data_on_data(a, &c, &immediate))
				return;
			break;
		case USCTP_CHUNK_INIT_ACK:
			usctp_hs_on_init_ack(a, from, &c, now);
			break;
		case USCTP_CHUNK_SACK:
			usctp_data_on_sack(a, &c, now);
			break;
		case USCTP_CHUNK_HEARTBEAT:
			on_heartbeat(a, &c, from);
			break;
		case USCTP_CHUNK_HEARTBEAT_ACK:
			usctp_hb_on_ack(a, &c, now);
			break;
		case USCTP_CHUNK_ABORT:
			usctp_sd_on_abort(a, &c);
			return;
		case USCTP_CHUNK_SHUTDOWN:
			usctp_sd_on_shutdown(a, &c, now);
			break;
		case USCTP_CHUNK_SHUTDOWN_ACK:
			usctp_sd_on_shutdown_ack(a, now);
			break;
		case USCTP_CHUNK_ERROR:
			on_error_chunk(a, &c, now);
			break;
		case USCTP_CHUNK_COOKIE_ECHO:
			break; /* only meaningful as the first chunk (read_pkt) */
		case USCTP_CHUNK_COOKIE_ACK:
			usctp_hs_on_cookie_ack(a, now);
			break;
		case USCTP_CHUNK_SHUTDOWN_COMPLETE:
			usctp_sd_on_shutdown_complete(a, now);
			return;
		case USCTP_CHUNK_PAD:
			break;
		case USCTP_CHUNK_FORWARD_TSN:
			if (a->peer_pr_sctp && a->rx) {
				usctp_data_on_fwd_tsn(a, &c);
				had_data = true;
				immediate = true;
				break;
			}
			/* not negotiated: unknown to this association */
			__attribute__((fallthrough));
		default: {
			enum usctp_unknown_action act = usctp_chunk_unknown_action(c.type);
			if (act == USCTP_ACT_STOP_REPORT || act == USCTP_ACT_SKIP_REPORT)
				report_unknown(a, &c);
			if (act == USCTP_ACT_STOP || act == USCTP_ACT_STOP_REPORT)
				goto done;
			break;
		}
		}
	}
done:
	if (a->dead)
		return;
	usctp_data_after_packet(a, had_data, immediate, now);
	usctp_sd_progress(a, now);
	usctp_assoc_drain_failed(a);
}

static int drop(struct usctp_assoc *a, int why)
{
	a->stats.pkts_dropped++;
	return why;
}

int usctp_assoc_read_pkt(struct usctp_assoc *a, const struct usctp_addr *from, const uint8_t *pkt, size_t len,
			 uint64_t now)
{
	return usctp_assoc_read_pkt_at(a, from, NULL, pkt, len, now);
}

int usctp_assoc_read_pkt_at(struct usctp_assoc *a, const struct usctp_addr *from,
			    const struct usctp_ipaddr *to, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct usctp_common_hdr h;
	struct usctp_chunk_iter it;
	struct usctp_chunk c0;

	a->stats.pkts_in++;
	if (a->dead)
		return drop(a, USCTP_ERR_STATE);
	if (a->cfg.verify_checksum && usctp_pkt_verify_checksum(pkt, len) < 0) {
		a->stats.bad_checksum++;
		return drop(a, USCTP_ERR_BAD_CHECKSUM);
	}
	int n = usctp_pkt_validate(pkt, len);
	if (n < 0) {
		a->stats.malformed++;
		return drop(a, n);
	}
	if (n == 0 || usctp_hdr_parse(pkt, len, &h) < 0)
		return drop(a, USCTP_ERR_TRUNCATED);
	if (h.dst_port != a->cfg.local_port || h.src_port != a->cfg.peer_port)
		return drop(a, USCTP_ERR_NOT_FOUND);
	usctp_chunk_iter_init(&it, pkt, len);
	if (usctp_chunk_next(&it, &c0) != 1)
		return drop(a, USCTP_ERR_TRUNCATED);

	switch (c0.type) {
	case USCTP_CHUNK_INIT:
		/* 8.5.1 A: an INIT travels with tag 0. */
		if (h.vtag != 0) {
			a->stats.bad_vtag++;
			return drop(a, USCTP_ERR_PROTO);
		}
		usctp_hs_on_init(a, from, &c0, now);
		return 0;
	case USCTP_CHUNK_COOKIE_ECHO:
		/* 8.5.1 D: checked against the tag inside the cookie. */
		if (usctp_hs_on_cookie_echo(a, from, &h, &c0, now) == 1) {
			usctp_assoc_learn_local(a, from, to);
			usctp_assoc_process_chunks(a, from, pkt, len,
						   (size_t)(c0.raw - pkt) + usctp_pad4(c0.length), now);
		}
		return 0;
	case USCTP_CHUNK_ABORT:
	case USCTP_CHUNK_SHUTDOWN_COMPLETE: {
		/* 8.5.1 B, C: T bit set means the sender reflected our peer's tag. */
		bool ok = (c0.flags & USCTP_FLAG_T) ? (a->peer_vtag != 0 && h.vtag == a->peer_vtag)
						    : h.vtag == a->my_vtag;
		if (!ok) {
			a->stats.bad_vtag++;
			return drop(a, USCTP_ERR_PROTO);
		}
		break;
	}
	default:
		/* 8.5.1 E: SHUTDOWN ACK during setup is out of the blue (8.4 rule 5). */
		if ((a->state == USCTP_COOKIE_WAIT || a->state == USCTP_COOKIE_ECHOED) &&
		    usctp_pkt_has_chunk(pkt, len, USCTP_CHUNK_SHUTDOWN_ACK)) {
			uint8_t sc[4];
			struct usctp_wbuf w;
			usctp_wbuf_init(&w, sc, sizeof(sc));
			usctp_build_shutdown_complete(&w, true);
			usctp_assoc_queue_pkt(a, h.vtag, sc, w.len);
			return 0;
		}
		if (h.vtag != a->my_vtag) {
			a->stats.bad_vtag++;
			return drop(a, USCTP_ERR_PROTO);
		}
		break;
	}
	/* Tags checked: the packet is the peer's, and so is its route. */
	usctp_assoc_learn_local(a, from, to);
	usctp_assoc_process_chunks(a, from, pkt, len, USCTP_COMMON_HDR_LEN, now);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sending                                                                */
/* ------------------------------------------------------------------ */

/* Move as many whole prebuilt control chunks as fit into w. */
static void flush_ctl(struct usctp_assoc *a, struct usctp_wbuf *w)
{
	size_t off = 0;
	while (off + USCTP_CHUNK_HDR_LEN <= a->ctl_len) {
		size_t clen = usctp_pad4(usctp_get16(a->ctl + off + 2));
		if (clen < USCTP_CHUNK_HDR_LEN || clen > usctp_wbuf_room(w))
			break;
		memcpy(w->buf + w->len, a->ctl + off, clen);
		w->len += clen;
		off += clen;
	}
	memmove(a->ctl, a->ctl + off, a->ctl_len - off);
	a->ctl_len -= off;
}

static void add_sack(struct usctp_assoc *a, struct usctp_wbuf *w)
{
	if (usctp_rx_build_sack(a->rx, w) < 0)
		return;
	a->last_adv_rwnd = usctp_rx_a_rwnd(a->rx);
	a->sack_now = false;
	a->data_pkts_unacked = 0;
	usctp_timer_stop(&a->sack_timer);
	a->stats.sacks_out++;
}

/* Returns whether DATA went into the packet. */
static bool add_data(struct usctp_assoc *a, struct usctp_wbuf *w, unsigned pi, size_t mtu, uint64_t now)
{
	bool t3_start = false;
	size_t max_payload = usctp_assoc_frag_point(a, mtu);
	int n = usctp_tx_fill(a->tx, w, pi, &a->paths[pi], max_payload, now, &t3_start);
	if (n <= 0)
		return false;
	a->sent_data_since_dry = true;
	if (usctp_tx_rtx_chunks(a->tx) == 0)
		a->rtx_avoid = -1;
	/* 6.3.2 R1 */
	if (t3_start || !usctp_timer_running(&a->t3[pi]))
		usctp_timer_start(&a->t3[pi], now, a->paths[pi].rto);
	return true;
}

size_t usctp_assoc_write_pkt(struct usctp_assoc *a, uint8_t *buf, size_t cap, uint64_t now,
			     struct usctp_tx_info *tx)
{
	struct usctp_wbuf w;
	unsigned pi = (unsigned)a->primary;

	if (a->state >= USCTP_ESTABLISHED && a->num_paths) {
		/* 6.4: retransmissions to an alternate, new data to its route
		 * (primary, active alternate, or the message's own address). */
		usctp_pm_update_routes(a);
		pi = usctp_pm_data_path(a);
		if (a->tx && !a->dead) {
			int np;
			if (usctp_tx_rtx_chunks(a->tx))
				pi = usctp_pm_rtx_path(a);
			else if (usctp_data_can_send(a) && (np = usctp_tx_next_path(a->tx)) >= 0)
				pi = (unsigned)np;
			else if (a->sack_now && a->reply_path >= 0 &&
				 (unsigned)a->reply_path < a->num_paths &&
				 usctp_pm_usable(&a->paths[a->reply_path]))
				pi = (unsigned)a->reply_path; /* 6.4: reply where the DATA came from */
		}
	}
	if (tx)
		usctp_pm_tx_info(a, pi, tx);
	if (a->pend_count) {
		struct usctp_pending_pkt *p = &a->pend[a->pend_head];
		if (tx && p->path >= 0 && (unsigned)p->path < a->num_paths)
			usctp_pm_tx_info(a, (unsigned)p->path, tx);
		size_t n = p->len <= cap ? p->len : 0;
		if (n)
			memcpy(buf, p->buf, n);
		free(p->buf);
		a->pend_head = (a->pend_head + 1) % USCTP_PENDING_PKTS;
		a->pend_count--;
		if (n)
			a->stats.pkts_out++;
		return n;
	}
	if (a->dead || a->num_paths == 0)
		return 0;
	size_t hn = usctp_hb_write(a, buf, cap, now, tx);
	if (hn)
		return hn;
	usctp_pmtu_tick(&a->paths[pi], now);
	size_t mtu = a->cfg.mtu;
	if (a->paths[pi].mtu && a->paths[pi].mtu < mtu)
		mtu = a->paths[pi].mtu;
	/* A chunk cut before the path MTU shrank is retransmitted whole, in a
	 * packet as large as the association's own bound allows, and alone:
	 * that packet is already larger than the path is known to carry. */
	size_t oversize = 0;
	if (a->tx) {
		size_t rh = usctp_tx_rtx_head_size(a->tx) + USCTP_COMMON_HDR_LEN;
		if (rh > mtu && rh <= a->cfg.mtu && rh <= cap)
			oversize = rh;
	}
	if (cap < mtu)
		mtu = cap;
	if (mtu < USCTP_COMMON_HDR_LEN + USCTP_DATA_HDR_LEN + 4)
		return 0;

	if (a->send_init) {
		usctp_wbuf_init(&w, buf, mtu);
		usctp_build_hdr(&w, a->cfg.local_port, a->cfg.peer_port, 0);
		if (usctp_hs_build_init(a, &w) < 0)
			return 0;
		a->send_init = false;
		usctp_build_finish(&w);
		a->stats.pkts_out++;
		return w.len;
	}
	if (a->state == USCTP_COOKIE_WAIT || a->state == USCTP_CLOSED)
		return 0;

	bool data_ok = usctp_data_can_send(a);
	if (oversize && data_ok && !a->send_cookie_echo && a->state >= USCTP_ESTABLISHED) {
		usctp_wbuf_init(&w, buf, oversize);
		usctp_build_hdr(&w, a->cfg.local_port, a->cfg.peer_port, a->peer_vtag);
		if (add_data(a, &w, pi, oversize, now)) {
			usctp_pmtu_on_data_sent(&a->paths[pi], a->cfg.mtu_base, w.len);
			usctp_build_finish(&w);
			a->stats.pkts_out++;
			return w.len;
		}
		/* The window holds it back: control chunks still go, at the
		 * path's size. */
	}
	usctp_wbuf_init(&w, buf, mtu);
	usctp_build_hdr(&w, a->cfg.local_port, a->cfg.peer_port, a->peer_vtag);
	if (a->send_cookie_echo) {
		/* 5.1 D: first in the packet; DATA may ride along, nothing else until the ACK. */
		if (usctp_build_cookie_echo(&w, a->peer_cookie, a->peer_cookie_len) < 0)
			return 0;
		a->send_cookie_echo = false;
		data_ok = true;
	} else if (a->state == USCTP_COOKIE_ECHOED) {
		return 0;
	}
	if (a->send_cookie_ack && usctp_build_cookie_ack(&w) == 0)
		a->send_cookie_ack = false;
	if (a->rx && (a->sack_now || (usctp_timer_running(&a->sack_timer) && data_ok && a->tx &&
				      usctp_tx_has_pending(a->tx))))
		add_sack(a, &w);
	flush_ctl(a, &w);
	if (a->send_shutdown && a->rx && usctp_build_shutdown(&w, usctp_rx_cum_tsn(a->rx)) == 0)
		a->send_shutdown = false;
	if (a->send_shutdown_ack && usctp_build_shutdown_ack(&w) == 0)
		a->send_shutdown_ack = false;
	if (a->tx && a->peer_pr_sctp && usctp_tx_fwd_tsn_due(a->tx)) {
		size_t before = w.len;
		usctp_tx_build_fwd_tsn(a->tx, &w);
		/* RFC 3758 A5: T3 guards the FORWARD TSN like data. */
		if (w.len > before) {
			const struct usctp_path *fp = &a->paths[pi];
			usctp_tx_fwd_tsn_sent(a->tx, now,
					      fp->rtt_measured ? fp->srtt + 4 * fp->rttvar : fp->rto);
			a->fwd_path = pi;
			if (!usctp_timer_running(&a->t3[pi]))
				usctp_timer_start(&a->t3[pi], now, a->paths[pi].rto);
		}
	}
	bool has_data = data_ok && a->tx && add_data(a, &w, pi, mtu, now);
	if (w.len <= USCTP_COMMON_HDR_LEN)
		return 0;
	if (has_data)
		usctp_pmtu_on_data_sent(&a->paths[pi], a->cfg.mtu_base, w.len);
	usctp_build_finish(&w);
	a->stats.pkts_out++;
	return w.len;
}

/* ------------------------------------------------------------------ */
/* Timers                                                                 */
/* ------------------------------------------------------------------ */

uint64_t usctp_assoc_get_expiry(const struct usctp_assoc *a)
{
	if (a->dead)
		return USCTP_TIME_NEVER;
	uint64_t t = a->t1.deadline;
	t = usctp_time_min(t, a->t2.deadline);
	t = usctp_time_min(t, a->t5.deadline);
	t = usctp_time_min(t, a->sack_timer.deadline);
	for (unsigned i = 0; i < a->num_paths; i++)
		t = usctp_time_min(t, a->t3[i].deadline);
	if (a->tx && a->state >= USCTP_ESTABLISHED)
		t = usctp_time_min(t, usctp_tx_pr_next_expiry(a->tx));
	t = usctp_time_min(t, usctp_hb_expiry(a));
	if (a->tx && usctp_data_can_send(a))
		t = usctp_time_min(t, usctp_tx_zwp_expiry(a->tx));
	return t;
}

void usctp_assoc_handle_expiry(struct usctp_assoc *a, uint64_t now)
{
	if (a->dead)
		return;
	if (usctp_timer_due(&a->t1, now)) {
		usctp_timer_stop(&a->t1);
		usctp_hs_on_t1(a, now);
	}
	for (unsigned i = 0; i < a->num_paths && !a->dead; i++) {
		if (usctp_timer_due(&a->t3[i], now)) {
			usctp_timer_stop(&a->t3[i]);
			usctp_data_on_t3(a, i, now);
		}
	}
	if (!a->dead && usctp_timer_due(&a->sack_timer, now)) {
		usctp_timer_stop(&a->sack_timer);
		usctp_data_on_sack_timer(a, now);
	}
	if (!a->dead && usctp_timer_due(&a->t2, now)) {
		usctp_timer_stop(&a->t2);
		usctp_sd_on_t2(a, now);
	}
	if (!a->dead && usctp_timer_due(&a->t5, now)) {
		usctp_timer_stop(&a->t5);
		usctp_sd_on_t5(a, now);
	}
	if (!a->dead && a->tx && a->state >= USCTP_ESTABLISHED && usctp_tx_pr_next_expiry(a->tx) <= now)
		usctp_tx_pr_check(a->tx, now);
	if (!a->dead && usctp_hb_expiry(a) <= now)
		usctp_hb_on_timer(a, now);
	if (a->dead)
		return;
	usctp_assoc_drain_failed(a);
	usctp_sd_progress(a, now);
}

/* ------------------------------------------------------------------ */
/* Introspection                                                          */
/* ------------------------------------------------------------------ */

void usctp_assoc_get_status(const struct usctp_assoc *a, struct usctp_assoc_status *st)
{
	memset(st, 0, sizeof(*st));
	st->state = a->state;
	st->my_vtag = a->my_vtag;
	st->peer_vtag = a->peer_vtag;
	st->instreams = a->in_streams;
	st->outstreams = a->out_streams;
	st->peer_pr_sctp = a->peer_pr_sctp;
	st->primary = a->primary;
	st->num_paths = a->num_paths;
	size_t mtu = a->cfg.mtu;
	if (a->num_paths && a->paths[a->primary].mtu && a->paths[a->primary].mtu < mtu)
		mtu = a->paths[a->primary].mtu;
	st->frag_point = (uint32_t)usctp_assoc_frag_point(a, mtu);
	if (a->tx) {
		st->unacked_chunks = usctp_tx_outstanding_chunks(a->tx);
		st->pending_chunks = usctp_tx_pending_chunks(a->tx);
		st->queued_bytes = usctp_tx_queued_bytes(a->tx);
	}
	st->peer_rwnd = a->peer_rwnd;
	if (a->rx) {
		st->local_rwnd = usctp_rx_a_rwnd(a->rx);
		st->readable_bytes = usctp_rx_readable_bytes(a->rx);
	} else {
		st->local_rwnd = a->cfg.rcvbuf;
	}
}

const struct usctp_assoc_stats *usctp_assoc_stats(const struct usctp_assoc *a)
{
	struct usctp_assoc *m = (struct usctp_assoc *)a; /* refresh the counters tx keeps */
	if (a->tx) {
		const struct usctp_tx_counters *c = usctp_tx_counters(a->tx);
		m->stats.data_chunks_out = c->data_chunks_out;
		m->stats.retransmits = c->retransmits;
		m->stats.fast_retransmits = c->fast_retransmits;
		m->stats.user_msgs_out = c->user_msgs_out;
		m->stats.bytes_out = c->bytes_out;
		m->stats.abandoned = c->abandoned;
	}
	return &a->stats;
}

int usctp_assoc_path_status(const struct usctp_assoc *a, unsigned idx, struct usctp_path_status *ps)
{
	if (idx >= a->num_paths)
		return USCTP_ERR_NOT_FOUND;
	const struct usctp_path *p = &a->paths[idx];
	memset(ps, 0, sizeof(*ps));
	ps->addr = p->addr;
	ps->local = p->local;
	ps->mtu_adapts = a->cfg.mtu_base && !p->pmtu.fixed;
	ps->active = p->state == USCTP_PATH_ACTIVE && !p->no_source;
	ps->confirmed = p->confirmed;
	ps->cwnd = p->cwnd;
	ps->ssthresh = p->ssthresh;
	ps->flight = p->flight_size;
	ps->mtu = p->mtu;
	ps->srtt_ms = (uint32_t)(p->srtt / USCTP_NS_PER_MS);
	ps->rttvar_ms = (uint32_t)(p->rttvar / USCTP_NS_PER_MS);
	ps->rto_ms = (uint32_t)(p->rto / USCTP_NS_PER_MS);
	ps->error_count = p->error_count;
	ps->hb_interval_ms = p->hb_interval_ms;
	ps->hb_enabled = p->hb_enabled;
	ps->path_max_retrans = p->max_retrans;
	return 0;
}
