/*
 * usctp core, send side: PR-SCTP (RFC 3758 3.5, sctp_send(3) TTL / BUF / RTX
 * policies, RFC 7496) and the failed-message queue.
 */
#include "tx_internal.h"

#define TX_FWD_MAX_STREAMS 128

bool tx_pr_expired(const struct usctp_tx *tx, const struct tx_msg *mm, uint64_t now)
{
	return tx->pr_sctp && mm->params.pr_policy == USCTP_PR_TTL && now >= mm->expires;
}

void tx_fail_push(struct usctp_tx *tx, struct tx_msg *mm)
{
	if (mm->reported)
		return;
	mm->reported = true;
	mm->in_failed = true;
	mm->fail_next = NULL;
	if (tx->fail_tail)
		tx->fail_tail->fail_next = mm;
	else
		tx->fail_head = mm;
	tx->fail_tail = mm;
}

/* C2: move the ack point over abandoned chunks that follow it. */
bool tx_advance_ack_point(struct usctp_tx *tx)
{
	uint32_t old = tx->adv_ack;
	for (const struct tx_chunk *c = tx->out_head; c; c = c->next) {
		if (tsn_le(c->tsn, tx->adv_ack))
			continue;
		if (!c->abandoned || c->tsn != tx->adv_ack + 1)
			break;
		tx->adv_ack = c->tsn;
	}
	if (tx->adv_ack != old)
		tx->fwd_pending = true;
	return tx->adv_ack != old;
}

/*
 * A message abandoned after some fragments went out: its unsent rest takes
 * one TSN that is never sent, abandoned at once. The FORWARD TSN then always
 * moves the peer's cumulative TSN past something it never received, so the
 * peer processes it and skips the stream even when it already holds (and
 * has acknowledged) every fragment that was sent; without it the message's
 * missing end would block its ordered stream, or its unordered fragments
 * would sit in the reassembly queue, for ever.
 */
static void reserve_end(struct usctp_tx *tx, struct tx_msg *mm)
{
	struct tx_chunk *c = tx_chunk_alloc(tx);
	if (!c)
		return; /* no memory: the peer may keep a stuck stream, nothing worse */
	c->msg = mm;
	c->tsn = tx->next_tsn++;
	c->off = mm->sent_off;
	c->len = 0;
	c->sid = mm->params.sid;
	c->ssn = (mm->params.flags & USCTP_SEND_UNORDERED) ? 0 : mm->ssn;
	c->flags = (uint8_t)(USCTP_DATA_FLAG_E |
			     ((mm->params.flags & USCTP_SEND_UNORDERED) ? USCTP_DATA_FLAG_U : 0));
	c->abandoned = true;
	c->released = true;
	mm->chunks++;
	if (tx->out_tail)
		tx->out_tail->next = c;
	else
		tx->out_head = c;
	tx->out_tail = c;
	tx->out_count++;
}

/*
 * A2/A3: every chunk of the message is abandoned together: out of the
 * flight, never retransmitted, treated as acked for the ack point. Unsent
 * fragments never get a TSN.
 */
void tx_abandon(struct usctp_tx *tx, struct tx_msg *mm)
{
	if (mm->abandoned)
		return;
	tx_msg_dead(tx, mm);
	tx->ctr.abandoned++;
	tx_release(tx, mm, mm->len - mm->sent_off);
	if (mm->chunks) {
		for (struct tx_chunk *c = tx->out_head; c; c = c->next) {
			if (c->msg != mm || c->abandoned)
				continue;
			if (!c->acked)
				tx->path_out[c->path]--;
			c->abandoned = true;
			tx_leave_flight(tx, c);
			if (c->rtx) {
				c->rtx = false;
				c->fast = false;
				tx->num_rtx--;
			}
			if (!c->released) {
				c->released = true;
				tx_release(tx, mm, c->len);
			}
		}
	}
	if (mm->sent_off > 0 && mm->sent_off < mm->len)
		reserve_end(tx, mm);
	tx_fail_push(tx, mm);	 /* holds mm until popped */
	tx_queue_remove(tx, mm); /* a partly sent message sends no more */
	tx_advance_ack_point(tx);
}

int usctp_tx_pr_check(struct usctp_tx *tx, uint64_t now)
{
	if (!tx->pr_sctp || usctp_tx_pr_next_expiry(tx) > now)
		return 0;
	uint32_t old = tx->adv_ack;
	struct tx_msg *mm = tx->all_head;
	while (mm) {
		struct tx_msg *n = mm->all_next;
		if (!mm->abandoned && tx_pr_expired(tx, mm, now))
			tx_abandon(tx, mm);
		mm = n;
	}
	return tsn_gt(tx->adv_ack, old) ? 1 : 0;
}

uint64_t usctp_tx_pr_next_expiry(const struct usctp_tx *tx)
{
	uint64_t t = USCTP_TIME_NEVER;
	if (!tx->pr_sctp || tx->ttl_count == 0)
		return t;
	if (!tx->ttl_dirty)
		return tx->ttl_next;
	for (const struct tx_msg *mm = tx->all_head; mm; mm = mm->all_next)
		if (!mm->abandoned && mm->params.pr_policy == USCTP_PR_TTL && mm->expires < t)
			t = mm->expires;
	/* A cache, not state: refreshing it through a const pointer is safe
	 * (no tx is ever defined const). */
	struct usctp_tx *w = (struct usctp_tx *)tx;
	w->ttl_next = t;
	w->ttl_dirty = false;
	return t;
}

bool usctp_tx_fwd_tsn_due(const struct usctp_tx *tx)
{
	return tx->fwd_pending && tsn_gt(tx->adv_ack, tx->cum_acked);
}

bool usctp_tx_fwd_tsn_outstanding(const struct usctp_tx *tx)
{
	return tsn_gt(tx->adv_ack, tx->cum_acked);
}

void usctp_tx_fwd_tsn_sent(struct usctp_tx *tx, uint64_t now, uint64_t rtt)
{
	tx->fwd_sent_at = now;
	tx->fwd_wait = rtt;
}

int usctp_tx_build_fwd_tsn(struct usctp_tx *tx, struct usctp_wbuf *w)
{
	if (!usctp_tx_fwd_tsn_due(tx))
		return 0;
	/* C4: each ordered stream once, with its highest skipped SSN. */
	uint16_t sids[TX_FWD_MAX_STREAMS], ssns[TX_FWD_MAX_STREAMS];
	unsigned n = 0;
	size_t room = usctp_wbuf_room(w);
	if (room < 8)
		return USCTP_ERR_NOBUF;
	size_t max = (room - 8) / 4;
	if (max > TX_FWD_MAX_STREAMS)
		max = TX_FWD_MAX_STREAMS;
	uint32_t new_cum = tx->cum_acked;
	for (const struct tx_chunk *c = tx->out_head; c && tsn_le(c->tsn, tx->adv_ack); c = c->next) {
		if (!(c->flags & USCTP_DATA_FLAG_U)) {
			unsigned i = 0;
			while (i < n && sids[i] != c->sid)
				i++;
			if (i == n) {
				if (n == max)
					break; /* no room to name this stream: stop before it */
				sids[n] = c->sid;
				ssns[n] = c->ssn;
				n++;
			} else if (ssn_gt(c->ssn, ssns[i])) {
				ssns[i] = c->ssn;
			}
		}
		new_cum = c->tsn;
	}
	if (new_cum == tx->cum_acked)
		return USCTP_ERR_NOBUF;
	int r = usctp_build_fwd_tsn(w, new_cum, sids, ssns, n);
	if (r < 0)
		return r;
	tx->fwd_pending = false; /* again on an advance, or on T3 if still needed */
	tx->fwd_sent_adv = tx->adv_ack;
	tx->fwd_sent_cum = new_cum;
	return 1;
}

int usctp_tx_pop_failed(struct usctp_tx *tx, struct usctp_failed_msg *out)
{
	struct tx_msg *mm = tx->fail_head;
	if (!mm)
		return 0;
	tx->fail_head = mm->fail_next;
	if (!tx->fail_head)
		tx->fail_tail = NULL;
	out->msg = usctp_msg_ref(mm->m);
	out->params = mm->params;
	out->sent = mm->ever_sent;
	mm->in_failed = false;
	tx_msg_put(tx, mm);
	return 1;
}

void usctp_tx_fail_all(struct usctp_tx *tx)
{
	struct tx_msg *mm = tx->all_head;
	while (mm) {
		struct tx_msg *n = mm->all_next;
		if (!mm->reported)
			tx_fail_push(tx, mm);
		tx_msg_dead(tx, mm);
		tx_release(tx, mm, mm->unreleased);
		tx_queue_remove(tx, mm);
		mm = n;
	}
	struct tx_chunk *c = tx->out_head;
	tx->out_head = tx->out_tail = NULL;
	tx->out_count = 0;
	tx->num_rtx = 0;
	while (c) {
		struct tx_chunk *n = c->next;
		c->in_flight = false;
		tx_chunk_free(tx, c);
		c = n;
	}
	for (unsigned i = 0; i < USCTP_MAX_PATHS; i++)
		tx->flight[i] = tx->path_out[i] = 0;
	tx->flight_payload = 0;
	tx->in_fr = false;
	tx->adv_ack = tx->cum_acked;
	tx->fwd_pending = false;
	tx->fwd_sent_adv = tx->fwd_sent_cum = tx->adv_ack;
	tx->num_gap_acked = 0;
}
