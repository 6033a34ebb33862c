/*
 * usctp core, send side: SACK processing (RFC 9260 6.2.1), fast retransmit
 * and fast recovery (7.2.4), T3-rtx expiry (6.3.3) and rerouting.
 */
#include <string.h>

#include "tx_internal.h"

bool tx_mark_rtx(struct usctp_tx *tx, struct tx_chunk *c, bool fast)
{
	if (c->rtx || c->abandoned || c->acked)
		return false;
	struct tx_msg *mm = c->msg;
	/* RTX policy: at most pr_value retransmissions after the first send. */
	if (tx->pr_sctp && mm->params.pr_policy == USCTP_PR_RTX && c->nsent > mm->params.pr_value) {
		tx_abandon(tx, mm);
		return false;
	}
	tx_leave_flight(tx, c);
	/* 6.2.1 C: its bytes return to the peer's window. */
	tx->peer_rwnd = tx->peer_rwnd > UINT32_MAX - c->len ? UINT32_MAX : tx->peer_rwnd + c->len;
	c->rtx = true;
	c->fast = fast;
	tx->num_rtx++;
	return true;
}

static void sync_paths(struct usctp_tx *tx, struct usctp_path *paths, unsigned num_paths)
{
	for (unsigned i = 0; i < num_paths && i < USCTP_MAX_PATHS; i++)
		paths[i].flight_size = tx->flight[i];
}

/* Walks sorted gap blocks alongside the TSN-ordered list: is off covered? */
struct gap_cursor {
	const struct usctp_sack_chunk *s;
	unsigned i;
	uint32_t prev_end; /* ill-ordered or overlapping blocks are ignored */
	struct usctp_gap_block cur;
	bool have;
};

static void gap_advance(struct gap_cursor *g)
{
	g->have = false;
	while (g->i < g->s->num_gaps) {
		struct usctp_gap_block b = usctp_sack_gap(g->s, g->i++);
		if (b.start == 0 || b.start > b.end || b.start <= g->prev_end)
			continue;
		g->prev_end = b.end;
		g->cur = b;
		g->have = true;
		return;
	}
}

static bool gap_covers(struct gap_cursor *g, uint32_t off)
{
	while (g->have && off > g->cur.end)
		gap_advance(g);
	return g->have && off >= g->cur.start && off <= g->cur.end;
}

/* One miss indication (7.2.4); the third marks the chunk for fast retransmit. */
static void count_miss(struct usctp_tx *tx, struct tx_chunk *c, uint32_t *fast_paths, unsigned *fast_count)
{
	if (c->acked || c->abandoned || c->rtx || c->fr_done)
		return;
	if (c->miss < UINT8_MAX)
		c->miss++;
	if (c->miss < 3)
		return;
	uint8_t path = c->path;
	if (tx_mark_rtx(tx, c, true)) {
		c->fr_done = true;
		*fast_paths |= 1u << path;
		(*fast_count)++;
	}
}

/*
 * A chunk newly acknowledged (by the cumulative ack or a gap block): credit
 * its bytes to its path, track the highest newly acked TSN (HTNA, 7.2.4) and
 * take an RTT sample if Karn's rule (6.3.1 C5) allows one: never from a
 * retransmitted chunk, nor from one sent before a retransmission.
 */
static void credit_acked(struct usctp_tx *tx, const struct tx_chunk *c, uint32_t *acked_bytes,
			 struct usctp_sack_result *res, uint32_t *htna, bool *htna_valid, uint64_t now)
{
	tx->path_out[c->path]--;
	acked_bytes[c->path] += tx_chunk_size(c->len);
	res->bytes_acked += c->len;
	res->acked_paths |= 1u << c->path;
	*htna = c->tsn;
	*htna_valid = true;
	if (c->nsent == 1 && !(tx->any_rtx && c->sent_at < tx->last_rtx_at)) {
		res->rtt_valid = true;
		res->rtt_path = c->path;
		res->rtt = now - c->sent_at;
	}
}

static int on_ack(struct usctp_tx *tx, const struct usctp_sack_chunk *s, bool has_rwnd, uint32_t cum,
		  struct usctp_path *paths, unsigned num_paths, uint64_t now, struct usctp_sack_result *res)
{
	memset(res, 0, sizeof(*res));
	/* 6.2.1 D i: an older cum TSN means an out-of-order SACK. */
	if (tsn_lt(cum, tx->cum_acked)) {
		res->ignored = true;
		return 0;
	}
	/* Acknowledging TSNs never sent: a protocol violation; keep our state. */
	if (tsn_ge(cum, tx->next_tsn)) {
		res->ignored = true;
		return USCTP_ERR_PROTO;
	}
	if (num_paths > USCTP_MAX_PATHS)
		num_paths = USCTP_MAX_PATHS;
	uint32_t flight_before[USCTP_MAX_PATHS];
	uint32_t acked_bytes[USCTP_MAX_PATHS] = {0};
	memcpy(flight_before, tx->flight, sizeof(flight_before));
	bool was_in_fr = tx->in_fr;
	uint32_t fast_paths = 0;
	unsigned fast_count = 0;
	tx->sack_seq++;
	uint32_t old_cum = tx->cum_acked;
	bool htna_valid = false, highest_gap_valid = false;
	uint32_t htna = 0, highest_gap = 0;

	/* Cumulative acknowledgement: free everything up to cum. */
	while (tx->out_head && tsn_le(tx->out_head->tsn, cum)) {
		struct tx_chunk *c = tx->out_head;
		tx->out_head = c->next;
		if (!tx->out_head)
			tx->out_tail = NULL;
		tx->out_count--;
		if (c->acked)
			tx->num_gap_acked--;
		if (!c->acked && !c->abandoned) /* RFC 3758 A2: abandoned chunks credit nothing */
			credit_acked(tx, c, acked_bytes, res, &htna, &htna_valid, now);
		tx_leave_flight(tx, c);
		if (c->rtx) {
			c->rtx = false;
			tx->num_rtx--;
		}
		if (!c->released) {
			c->released = true;
			tx_release(tx, c->msg, c->len);
		}
		tx_chunk_free(tx, c);
	}
	tx->cum_acked = cum;
	res->cum_advanced = tsn_gt(cum, old_cum);

	/* Gap blocks: newly acked chunks, and reneging (6.2.1 D iii). */
	struct gap_cursor g = {.s = s};
	if (s)
		gap_advance(&g);
	/* Without gap blocks now or before, there is nothing to walk. */
	struct tx_chunk *walk = (g.have || tx->num_gap_acked) ? tx->out_head : NULL;
	for (struct tx_chunk *c = walk; c; c = c->next) {
		uint32_t off = c->tsn - cum;
		bool covered = s && off <= UINT16_MAX && gap_covers(&g, off);
		if (covered) {
			highest_gap = c->tsn;
			highest_gap_valid = true;
			if (c->acked)
				continue;
			c->acked = true;
			tx->num_gap_acked++;
			tx_leave_flight(tx, c);
			if (c->rtx) {
				c->rtx = false;
				tx->num_rtx--;
			}
			if (c->abandoned)
				continue;
			credit_acked(tx, c, acked_bytes, res, &htna, &htna_valid, now);
		} else if (c->acked) {
			/* The receiver dropped data it had gap-acked: outstanding
			 * again, one miss indication (counted below). */
			c->acked = false;
			tx->num_gap_acked--;
			if (!c->abandoned) {
				tx->path_out[c->path]++;
				c->in_flight = true;
				tx->flight[c->path] += tx_chunk_size(c->len);
				tx->flight_payload += c->len;
				c->renege_seq = tx->sack_seq; /* 6.2.1 D iii: one miss, now */
				count_miss(tx, c, &fast_paths, &fast_count);
			}
		}
	}

	/* 7.2.4 miss indications, HTNA rule; in fast recovery with the cum ack
	 * advancing, every TSN reported missing counts. */
	bool fr_limit_all = was_in_fr && res->cum_advanced;
	uint32_t limit = fr_limit_all ? highest_gap : htna;
	bool limit_valid = fr_limit_all ? highest_gap_valid : htna_valid;
	if (limit_valid)
		for (struct tx_chunk *c = tx->out_head; c && tsn_lt(c->tsn, limit); c = c->next)
			if (c->renege_seq != tx->sack_seq)
				count_miss(tx, c, &fast_paths, &fast_count);

	/* 6.2.1 D iv: leave fast recovery once the exit point is acked. */
	if (tx->in_fr && tsn_ge(cum, tx->fr_exit))
		tx->in_fr = false;

	/* 7.2.4 Note: window growth first, then the loss reaction. */
	for (unsigned i = 0; i < num_paths; i++)
		if (acked_bytes[i])
			tx->cc->on_ack(&paths[i], acked_bytes[i], res->cum_advanced, flight_before[i],
				       was_in_fr);
	if (fast_count) {
		res->fast_rtx = true;
		tx->ctr.fast_retransmits += fast_count;
		if (!tx->in_fr) {
			for (unsigned i = 0; i < num_paths; i++)
				if (fast_paths & (1u << i))
					tx->cc->on_fast_rtx(&paths[i], paths[i].mtu);
			tx->in_fr = true;
			tx->fr_exit = tx->next_tsn - 1;
			tx->fr_bypass = true;
		}
	}

	/* 6.2.1 D ii */
	uint32_t a_rwnd = has_rwnd ? s->a_rwnd : tx->peer_rwnd + tx->flight_payload;
	tx->peer_rwnd = a_rwnd > tx->flight_payload ? a_rwnd - tx->flight_payload : 0;

	uint32_t all_paths = num_paths ? (uint32_t)((1ull << num_paths) - 1) : 0;
	for (const struct tx_chunk *c = tx->out_head; c && res->outstanding_paths != all_paths; c = c->next)
		if (!c->acked && !c->abandoned)
			res->outstanding_paths |= 1u << c->path;
	res->all_acked = res->outstanding_paths == 0;
	if (res->all_acked) /* 7.2.2: all data acked resets partial_bytes_acked */
		for (unsigned i = 0; i < num_paths; i++)
			paths[i].partial_bytes_acked = 0;

	/* RFC 3758 C1-C3 */
	uint32_t old_adv = tx->adv_ack;
	if (tsn_gt(cum, tx->adv_ack))
		tx->adv_ack = cum;
	tx_advance_ack_point(tx);
	/* C3 asks for a FORWARD TSN after every SACK that lags the ack point,
	 * but SACKs that left before our FORWARD TSN arrived say nothing new:
	 * one per advance of the ack point, and the next part of one that
	 * stopped short once the peer has caught up with it; again when a
	 * SACK sent after it should have arrived still lags (lost, see
	 * usctp_tx_fwd_tsn_sent), else on T3 (A5, usctp_tx_on_t3). */
	if (tsn_gt(tx->adv_ack, cum) &&
	    (tsn_gt(tx->adv_ack, tx->fwd_sent_adv) ||
	     (tsn_lt(tx->fwd_sent_cum, tx->fwd_sent_adv) && tsn_ge(cum, tx->fwd_sent_cum)) ||
	     (tsn_lt(cum, tx->fwd_sent_cum) && tx->fwd_wait && now - tx->fwd_sent_at >= tx->fwd_wait)))
		tx->fwd_pending = true;
	res->new_fwd_tsn = tsn_gt(tx->adv_ack, old_adv) && tsn_gt(tx->adv_ack, cum);

	for (unsigned i = 0; i < USCTP_MAX_PATHS; i++)
		tx->burst_reset[i] = true;
	sync_paths(tx, paths, num_paths);
	return 0;
}

int usctp_tx_on_sack(struct usctp_tx *tx, const struct usctp_sack_chunk *s, struct usctp_path *paths,
		     unsigned num_paths, uint64_t now, struct usctp_sack_result *res)
{
	if (!s)
		return USCTP_ERR_INVALID;
	return on_ack(tx, s, true, s->cum_tsn, paths, num_paths, now, res);
}

int usctp_tx_on_cum_ack(struct usctp_tx *tx, uint32_t cum_tsn, struct usctp_path *paths, unsigned num_paths,
			uint64_t now, struct usctp_sack_result *res)
{
	return on_ack(tx, NULL, false, cum_tsn, paths, num_paths, now, res);
}

void usctp_tx_on_t3(struct usctp_tx *tx, unsigned path_idx, struct usctp_path *p, uint64_t now)
{
	if (path_idx >= USCTP_MAX_PATHS || !p)
		return;
	tx->cc->on_timeout(p, p->mtu);				/* E1 */
	for (struct tx_chunk *c = tx->out_head; c; c = c->next) /* E3 */
		if (c->path == path_idx && c->in_flight)
			tx_mark_rtx(tx, c, false);
	tx->burst_reset[path_idx] = true;
	if (tsn_gt(tx->adv_ack, tx->cum_acked))
		tx->fwd_pending = true; /* RFC 3758 A5 */
	p->flight_size = tx->flight[path_idx];
}

void usctp_tx_reroute(struct usctp_tx *tx, unsigned from_path)
{
	for (struct tx_chunk *c = tx->out_head; c; c = c->next)
		if (c->path == from_path && c->in_flight)
			tx_mark_rtx(tx, c, false);
}
