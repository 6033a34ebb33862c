/*
 * usctp core: graceful shutdown (RFC 9260 9.2) and abort (9.1).
 */
#include <stdlib.h>
#include <string.h>

#include "assoc_internal.h"

static void start_t2(struct usctp_assoc *a, uint64_t now)
{
	usctp_timer_start(&a->t2, now, usctp_assoc_rto(a));
}

int usctp_assoc_shutdown(struct usctp_assoc *a, uint64_t now)
{
	if (a->dead)
		return USCTP_ERR_STATE;
	switch (a->state) {
	case USCTP_COOKIE_WAIT:
	case USCTP_COOKIE_ECHOED:
		/* Close once up, after the queued data: the user asked for a graceful end. */
		a->pending_shutdown = true;
		return 0;
	case USCTP_ESTABLISHED:
		a->state = USCTP_SHUTDOWN_PENDING;
		usctp_sd_progress(a, now);
		return 0;
	default:
		return 0; /* already shutting down */
	}
}

/* Move the shutdown on when the send side has drained (9.2). */
void usctp_sd_progress(struct usctp_assoc *a, uint64_t now)
{
	if (a->dead || !a->tx || !usctp_tx_idle(a->tx))
		return;
	if (a->state == USCTP_SHUTDOWN_PENDING) {
		a->state = USCTP_SHUTDOWN_SENT;
		a->send_shutdown = true;
		a->sack_now = false; /* the SHUTDOWN carries the cumulative ack */
		usctp_timer_stop(&a->sack_timer);
		start_t2(a, now);
		usctp_timer_start(&a->t5, now, (uint64_t)a->cfg.shutdown_guard_ms * USCTP_NS_PER_MS);
	} else if (a->state == USCTP_SHUTDOWN_RECEIVED) {
		a->state = USCTP_SHUTDOWN_ACK_SENT;
		a->send_shutdown_ack = true;
		start_t2(a, now);
	}
}

void usctp_sd_on_shutdown(struct usctp_assoc *a, const struct usctp_chunk *c, uint64_t now)
{
	uint32_t cum;
	if (usctp_shutdown_parse(c, &cum) < 0) {
		a->stats.malformed++;
		return;
	}
	switch (a->state) {
	case USCTP_ESTABLISHED:
	case USCTP_SHUTDOWN_PENDING:
		a->state = USCTP_SHUTDOWN_RECEIVED;
		usctp_ev_push(a, USCTP_EV_SHUTDOWN);
		break;
	case USCTP_SHUTDOWN_RECEIVED:
		break;
	case USCTP_SHUTDOWN_SENT:
		/* Both sides closing: answer with SHUTDOWN ACK at once (9.2). */
		a->state = USCTP_SHUTDOWN_ACK_SENT;
		a->send_shutdown = false;
		a->send_shutdown_ack = true;
		start_t2(a, now);
		return;
	default:
		return;
	}
	struct usctp_sack_result res;
	if (a->tx && usctp_tx_on_cum_ack(a->tx, cum, a->paths, a->num_paths, now, &res) == 0 &&
	    !res.ignored) {
		for (unsigned i = 0; i < a->num_paths; i++)
			if (!usctp_tx_has_outstanding(a->tx, i))
				usctp_timer_stop(&a->t3[i]);
	}
}

void usctp_sd_on_shutdown_ack(struct usctp_assoc *a, uint64_t now)
{
	(void)now;
	if (a->state != USCTP_SHUTDOWN_SENT && a->state != USCTP_SHUTDOWN_ACK_SENT)
		return;
	uint8_t sc[4];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, sc, sizeof(sc));
	usctp_build_shutdown_complete(&w, false);
	usctp_assoc_queue_pkt(a, a->peer_vtag, sc, w.len);
	usctp_ev_push(a, USCTP_EV_SHUTDOWN_COMPLETE);
	usctp_assoc_terminate(a);
}

void usctp_sd_on_shutdown_complete(struct usctp_assoc *a, uint64_t now)
{
	(void)now;
	if (a->state != USCTP_SHUTDOWN_ACK_SENT)
		return;
	usctp_ev_push(a, USCTP_EV_SHUTDOWN_COMPLETE);
	usctp_assoc_terminate(a);
}

void usctp_sd_on_abort(struct usctp_assoc *a, const struct usctp_chunk *c)
{
	const uint8_t *causes = c->value;
	size_t len = c->value_len;
	if (usctp_causes_validate(causes, len) < 0)
		len = 0; /* still an abort; the causes are just unreadable */
	bool setup = a->state == USCTP_COOKIE_WAIT || a->state == USCTP_COOKIE_ECHOED;
	usctp_ev_push_causes(a, setup ? USCTP_EV_CANT_START : USCTP_EV_COMM_LOST, causes, len);
	usctp_assoc_terminate(a);
}

void usctp_sd_abort_with(struct usctp_assoc *a, const uint8_t *causes, size_t len)
{
	if (a->peer_vtag) {
		uint8_t *chunk = malloc(len + 4);
		if (chunk) {
			struct usctp_wbuf w;
			usctp_wbuf_init(&w, chunk, len + 4);
			if (usctp_build_abort(&w, false, causes, len) == 0)
				usctp_assoc_queue_pkt(a, a->peer_vtag, chunk, w.len);
			free(chunk);
		}
	}
	usctp_assoc_terminate(a);
}

int usctp_assoc_abort(struct usctp_assoc *a, const void *reason, size_t len, uint64_t now)
{
	(void)now;
	if (a->dead)
		return USCTP_ERR_STATE;
	size_t room = a->cfg.mtu - USCTP_COMMON_HDR_LEN - USCTP_CHUNK_HDR_LEN - USCTP_CAUSE_HDR_LEN;
	if (len > room)
		len = room & ~(size_t)3; /* the reason is informative: cut it to fit one packet */
	uint8_t *cause = malloc(usctp_pad4(len) + USCTP_CAUSE_HDR_LEN);
	if (!cause)
		return USCTP_ERR_NOMEM;
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, cause, usctp_pad4(len) + USCTP_CAUSE_HDR_LEN);
	usctp_build_cause(&w, USCTP_CAUSE_USER_ABORT, reason, len);
	usctp_sd_abort_with(a, w.buf, w.len);
	free(cause);
	return 0;
}

void usctp_sd_on_t2(struct usctp_assoc *a, uint64_t now)
{
	unsigned pi = usctp_pm_data_path(a); /* where the SHUTDOWN went */
	usctp_pm_path_error(a, pi);
	if (++a->error_count > a->cfg.assoc_max_retrans) {
		usctp_ev_push(a, USCTP_EV_COMM_LOST);
		usctp_assoc_terminate(a);
		return;
	}
	usctp_path_backoff(&a->paths[pi]);
	if (a->state == USCTP_SHUTDOWN_SENT)
		a->send_shutdown = true;
	else if (a->state == USCTP_SHUTDOWN_ACK_SENT)
		a->send_shutdown_ack = true;
	else
		return;
	start_t2(a, now);
}

void usctp_sd_on_t5(struct usctp_assoc *a, uint64_t now)
{
	(void)now;
	/* 9.2: the peer never finished the shutdown: abort. */
	usctp_ev_push(a, USCTP_EV_COMM_LOST);
	usctp_sd_abort_with(a, NULL, 0);
}
