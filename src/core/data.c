/*
 * usctp core: the data path glue between the association and its send (tx)
 * and receive (rx) sides: DATA and SACK chunks, delayed SACK (6.2), window
 * updates, T3-rtx rules R1-R3 and expiry (6.3.2, 6.3.3), error counters
 * (8.1, 8.2), PR-SCTP FORWARD TSN (RFC 3758).
 */
#include <string.h>

#include "assoc_internal.h"

/* A FORWARD TSN the peer has not acknowledged yet (RFC 3758 A5). */
static bool awaiting_fwd(const struct usctp_assoc *a)
{
	return a->peer_pr_sctp && a->tx && usctp_tx_fwd_tsn_outstanding(a->tx);
}

bool usctp_data_can_send(const struct usctp_assoc *a)
{
	return !a->dead && (a->state == USCTP_ESTABLISHED || a->state == USCTP_SHUTDOWN_PENDING ||
			    a->state == USCTP_SHUTDOWN_RECEIVED);
}

int usctp_assoc_send(struct usctp_assoc *a, const struct usctp_send_params *p, struct usctp_msg *m,
		     uint64_t now)
{
	if (a->dead || !a->tx || a->state == USCTP_CLOSED)
		return USCTP_ERR_STATE;
	if (a->state >= USCTP_SHUTDOWN_PENDING || a->pending_shutdown)
		return USCTP_ERR_CLOSED;
	bool eof = p && (p->flags & USCTP_SEND_EOF);
	if (eof && (!m || usctp_msg_len(m) == 0))
		return usctp_assoc_shutdown(a, now);
	if (!p || !m)
		return USCTP_ERR_INVALID;
	if (a->state == USCTP_ESTABLISHED && p->sid >= a->out_streams)
		return USCTP_ERR_BAD_STREAM;
	struct usctp_send_params q = *p;
	q.flags &= (uint16_t)~USCTP_SEND_EOF;
	int r = usctp_tx_enqueue(a->tx, &q, m, now);
	if (r < 0)
		return r;
	a->stats.user_msgs_out++;
	usctp_tx_pr_check(a->tx, now); /* PR_BUF may abandon older messages */
	usctp_assoc_drain_failed(a);
	if (eof)
		usctp_assoc_shutdown(a, now);
	return 0;
}

size_t usctp_assoc_send_space(const struct usctp_assoc *a)
{
	if (!a->tx || a->dead || a->state >= USCTP_SHUTDOWN_PENDING || a->pending_shutdown)
		return 0;
	return usctp_tx_send_space(a->tx);
}

int64_t usctp_assoc_recv(struct usctp_assoc *a, void *buf, size_t cap, struct usctp_rcvinfo *info, bool *eor,
			 uint64_t now)
{
	(void)now;
	if (!a->rx)
		return USCTP_ERR_WOULDBLOCK;
	bool e = false;
	int64_t n = usctp_rx_read(a->rx, buf, cap, info, &e);
	if (eor)
		*eor = e;
	if (n < 0)
		return n;
	a->stats.bytes_in += (uint64_t)n;
	if (e)
		a->stats.user_msgs_in++;
	if (a->nrestart_ev)
		usctp_ev_restarts_due(a, false); /* an old incarnation read to its end */
	usctp_assoc_check_window_update(a);
	return n;
}

bool usctp_assoc_readable(const struct usctp_assoc *a)
{
	return a->rx && usctp_rx_readable(a->rx);
}

int usctp_data_on_data(struct usctp_assoc *a, const struct usctp_chunk *c, bool *immediate)
{
	struct usctp_data_chunk d;
	int r = usctp_data_parse(c, &d);
	if (r == USCTP_ERR_BAD_VALUE) {
		/* 6.2: DATA without user data: ABORT with No User Data. */
		uint8_t cause[8];
		struct usctp_wbuf w;
		usctp_wbuf_init(&w, cause, sizeof(cause));
		usctp_build_cause_no_user_data(&w, c->value_len >= 4 ? usctp_get32(c->value) : 0);
		usctp_ev_push_causes(a, USCTP_EV_COMM_LOST, w.buf, w.len);
		usctp_sd_abort_with(a, w.buf, w.len);
		return 1;
	}
	if (r < 0) {
		a->stats.malformed++;
		return 0;
	}
	a->stats.data_chunks_in++;
	if (d.flags & USCTP_DATA_FLAG_I)
		*immediate = true;
	r = usctp_rx_data(a->rx, &d);
	switch (r) {
	case USCTP_RX_NEW:
		/* The peer counts what it sent against the window we last
		 * advertised (6.2.1 B): that is the window it believes in until
		 * our next SACK, and what a read must open significantly for a
		 * window update (usctp_assoc_check_window_update). */
		a->last_adv_rwnd =
		    a->last_adv_rwnd > d.payload_len ? a->last_adv_rwnd - (uint32_t)d.payload_len : 0;
		break;
	case USCTP_RX_DUP:
		a->stats.dup_tsns_in++;
		*immediate = true;
		break;
	case USCTP_RX_BAD_STREAM: {
		uint8_t cause[8], chunk[12];
		struct usctp_wbuf cw, w;
		usctp_wbuf_init(&cw, cause, sizeof(cause));
		usctp_wbuf_init(&w, chunk, sizeof(chunk));
		usctp_build_cause_invalid_stream(&cw, d.sid);
		usctp_build_error(&w, cw.buf, cw.len);
		usctp_assoc_queue_ctl(a, chunk, w.len);
		*immediate = true;
		break;
	}
	default: /* dropped for lack of room, or out of memory: tell the peer our window now */
		a->stats.data_chunks_dropped++;
		*immediate = true;
		break;
	}
	return 0;
}

void usctp_data_after_packet(struct usctp_assoc *a, bool had_data, bool immediate, uint64_t now)
{
	if (!had_data || !a->rx || a->dead)
		return;
	if (a->state == USCTP_SHUTDOWN_SENT) {
		/* 9.2: each packet with DATA is answered with SACK + SHUTDOWN, T2 restarted. */
		a->sack_now = true;
		a->send_shutdown = true;
		usctp_timer_start(&a->t2, now, usctp_assoc_rto(a));
		return;
	}
	a->data_pkts_unacked++;
	if (immediate || usctp_rx_has_gaps(a->rx) || usctp_rx_has_dups(a->rx) ||
	    a->data_pkts_unacked >= a->cfg.sack_freq || a->cfg.sack_delay_ms == 0) {
		a->sack_now = true;
		return;
	}
	if (!usctp_timer_running(&a->sack_timer))
		usctp_timer_start(&a->sack_timer, now, (uint64_t)a->cfg.sack_delay_ms * USCTP_NS_PER_MS);
}

void usctp_data_on_sack_timer(struct usctp_assoc *a, uint64_t now)
{
	(void)now;
	if (a->rx)
		a->sack_now = true;
}

void usctp_data_on_sack(struct usctp_assoc *a, const struct usctp_chunk *c, uint64_t now)
{
	struct usctp_sack_chunk s;
	struct usctp_sack_result res;
	if (!a->tx || a->state < USCTP_ESTABLISHED)
		return;
	if (usctp_sack_parse(c, &s) < 0) {
		a->stats.malformed++;
		return;
	}
	a->stats.sacks_in++;
	memset(&res, 0, sizeof(res));
	if (usctp_tx_on_sack(a->tx, &s, a->paths, a->num_paths, now, &res) < 0 || res.ignored)
		return;
	a->peer_rwnd = s.a_rwnd;
	if (res.rtt_valid && res.rtt_path < a->num_paths)
		usctp_path_rtt_update(&a->paths[res.rtt_path], res.rtt);
	if (res.bytes_acked || res.cum_advanced) {
		/* 8.1, 8.2: an acknowledgement proves the peer and path alive;
		 * so does a cum ack moved over abandoned TSNs only (it answers
		 * the FORWARD TSN, whose T3 expiries counted as errors). */
		a->error_count = 0;
		for (unsigned i = 0; i < a->num_paths; i++)
			if (res.acked_paths & (1u << i))
				a->paths[i].error_count = 0;
		if (!res.bytes_acked && a->fwd_path < a->num_paths)
			a->paths[a->fwd_path].error_count = 0;
	}
	for (unsigned i = 0; i < a->num_paths; i++) {
		if (!usctp_tx_has_outstanding(a->tx, i) && !(i == a->fwd_path && awaiting_fwd(a)))
			usctp_timer_stop(&a->t3[i]); /* R2 */
		else if (res.cum_advanced && (res.acked_paths & (1u << i)))
			usctp_timer_start(&a->t3[i], now, a->paths[i].rto); /* R3 */
	}
	if (res.all_acked && usctp_tx_idle(a->tx) && a->sent_data_since_dry) {
		a->sent_data_since_dry = false;
		usctp_ev_push(a, USCTP_EV_SENDER_DRY);
	}
	usctp_tx_pr_check(a->tx, now);
}

void usctp_data_on_fwd_tsn(struct usctp_assoc *a, const struct usctp_chunk *c)
{
	struct usctp_fwd_tsn_chunk f;
	if (usctp_fwd_tsn_parse(c, &f) < 0) {
		a->stats.malformed++;
		return;
	}
	uint16_t sid = 0;
	uint32_t ssn = 0;
	if (usctp_rx_forward_tsn(a->rx, &f, &sid, &ssn) == 1) {
		struct usctp_event *e = usctp_ev_push(a, USCTP_EV_PARTIAL_DELIVERY_ABORTED);
		if (e) {
			e->pd_sid = sid;
			e->pd_ssn = ssn;
		}
	}
}

void usctp_data_on_t3(struct usctp_assoc *a, unsigned pi, uint64_t now)
{
	struct usctp_path *p = &a->paths[pi];
	if (!usctp_tx_has_outstanding(a->tx, pi) && !(pi == a->fwd_path && awaiting_fwd(a)))
		return;
	a->stats.t3_timeouts++;
	/* Before E1, so that cwnd restarts at one packet of the new size. */
	if (usctp_pmtu_on_t3(p, a->cfg.mtu_base, now))
		a->stats.pmtu_fallbacks++;
	usctp_tx_on_t3(a->tx, pi, p, now);
	usctp_path_backoff(p); /* E2 */
	/* 6.4.1: what was outstanding here is retransmitted on an alternate. */
	a->rtx_avoid = (int)pi;
	if (a->state >= USCTP_ESTABLISHED) {
		usctp_pm_path_error(a, pi);
		if (++a->error_count > a->cfg.assoc_max_retrans) {
			/* 8.1: the peer is unreachable; no ABORT, it would not arrive. */
			usctp_ev_push(a, USCTP_EV_COMM_LOST);
			usctp_assoc_terminate(a);
			return;
		}
	}
	/* E3: retransmissions go out on the next write, which restarts T3 (R1). */
	if (usctp_tx_pr_check(a->tx, now) > 0)
		(void)0; /* the FORWARD TSN is picked up by write_pkt */
	usctp_assoc_drain_failed(a);
}
