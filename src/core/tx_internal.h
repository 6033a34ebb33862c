/*
 * usctp core, send side: the state shared by tx.c (queues, transmission),
 * tx_sack.c (acknowledgements, retransmission marking) and tx_pr.c (PR-SCTP,
 * failed messages). Not an API: only these files include it.
 */
#ifndef USCTP_CORE_TX_INTERNAL_H
#define USCTP_CORE_TX_INTERNAL_H

#include "tx.h"

#define TX_NONE UINT32_MAX

/* Serial number arithmetic (RFC 9260 1.6, RFC 1982) on 32-bit TSNs. */
static inline bool tsn_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool tsn_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool tsn_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool tsn_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}
static inline bool ssn_gt(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) > 0;
}

/* A user message from enqueue until it is acknowledged or reported failed. */
struct tx_msg {
	struct tx_msg *next, *prev;	    /* in its stream's queue (while in_queue) */
	struct tx_msg *all_next, *all_prev; /* every live message, in enqueue order */
	struct tx_msg *fail_next;	    /* in the failed queue */
	struct usctp_msg *m;
	struct usctp_send_params params;
	uint64_t expires; /* TTL policy: absolute time; USCTP_TIME_NEVER otherwise */
	uint32_t len;
	uint32_t sent_off;   /* bytes already cut into chunks */
	uint32_t chunks;     /* chunk records alive for this message */
	uint32_t unreleased; /* bytes still counted against sndbuf */
	uint16_t ssn;
	bool in_queue;	/* still (partly) unsent, on its stream's queue */
	bool in_failed; /* on the failed queue, not yet popped */
	bool abandoned; /* abandoned or failed: never sent again */
	bool reported;	/* given to the failed queue (once only) */
	bool ever_sent;
};

/* One DATA chunk that has a TSN: a slice of a message. */
struct tx_chunk {
	struct tx_chunk *next; /* outstanding list (TSN order) or free list */
	struct tx_msg *msg;
	uint32_t renege_seq; /* sack_seq of the SACK that last reneged it */
	uint64_t sent_at;
	uint32_t tsn;
	uint32_t off, len;
	uint16_t sid, ssn;
	uint8_t flags; /* B / E / U */
	uint8_t path;
	uint8_t miss;	/* miss indications (7.2.4) */
	uint8_t nsent;	/* transmissions, saturating */
	bool acked;	/* gap-acked (may be reneged) */
	bool in_flight; /* counted in flight sizes */
	bool rtx;	/* marked for retransmission */
	bool fast;	/* marked by fast retransmit (goes first, ignoring cwnd) */
	bool fr_done;	/* fast retransmitted once: not again (7.2.4 5) */
	bool abandoned;
	bool released; /* its bytes no longer count against sndbuf */
};

struct tx_stream {
	struct tx_msg *head, *tail;
	uint32_t sched_next; /* next stream in the round-robin ring queue */
	uint16_t next_ssn;
	bool scheduled; /* on the scheduler queue, or the current stream */
};

struct tx_slab {
	struct tx_slab *next;
};

struct usctp_tx {
	struct usctp_tx_config cfg;
	const struct usctp_cc_ops *cc;
	bool streams_known;
	bool pr_sctp;
	uint32_t nstreams; /* allocated entries of streams[] */
	struct tx_stream *streams;
	uint32_t sched_head, sched_tail;
	uint32_t cur_sid; /* stream whose head message is being cut; TX_NONE */

	struct tx_msg *all_head, *all_tail;
	struct tx_msg *fail_head, *fail_tail;

	struct tx_chunk *out_head, *out_tail; /* sent, not cumulatively acked; TSN order */
	uint32_t out_count;
	struct tx_chunk *free_chunks;
	struct tx_msg *free_msgs; /* message records kept for reuse (linked by next) */
	uint32_t num_free_msgs;
	struct tx_slab *slabs;

	uint32_t next_tsn;
	uint32_t cum_acked; /* Cumulative TSN Ack Point */
	uint32_t adv_ack;   /* Advanced.Peer.Ack.Point (RFC 3758) */
	/* TTL messages alive, and a cache of their earliest expiry (get_expiry
	 * asks for it after every event; recomputed lazily when stale). */
	uint32_t ttl_count;
	uint64_t ttl_next;
	bool ttl_dirty;
	uint32_t sack_seq; /* SACKs processed (tags per-SACK chunk state) */
	bool fwd_pending;  /* a FORWARD TSN should go out (C3, A5); cleared when built */
	/* The last FORWARD TSN built: the ack point it was built for and the
	 * new cum TSN it carried (short of that point when streams did not
	 * fit). A SACK makes another due only when it has something new. */
	uint32_t fwd_sent_adv, fwd_sent_cum;
	uint64_t fwd_sent_at, fwd_wait; /* usctp_tx_fwd_tsn_sent */
	uint32_t peer_rwnd;
	uint32_t buffered;		     /* bytes against sndbuf: queued + unacknowledged */
	uint32_t unsent;		     /* bytes of queued messages not yet cut into chunks */
	uint32_t queued_msgs;		     /* messages with unsent bytes */
	uint32_t num_rtx;		     /* chunks marked for retransmission */
	uint32_t path_out[USCTP_MAX_PATHS];  /* chunks neither acked nor abandoned, per path */
	uint32_t num_gap_acked;		     /* chunks on the outstanding list acked by gap blocks */
	uint32_t flight[USCTP_MAX_PATHS];    /* chunk bytes in flight per path */
	uint32_t flight_payload;	     /* payload bytes in flight, all paths */
	uint32_t burst_cap[USCTP_MAX_PATHS]; /* 6.1 D: flight limit for this burst */
	uint64_t burst_now[USCTP_MAX_PATHS]; /* time the burst started */
	bool burst_reset[USCTP_MAX_PATHS];   /* new ack clock: recompute the cap */
	bool in_fr;			     /* fast recovery (7.2.4) */
	uint32_t fr_exit;
	bool fr_bypass; /* one packet of fast retransmissions may ignore cwnd */
	bool any_rtx;
	uint64_t zwp_at;       /* 6.1 A: next zero window probe allowed (0: window not closed) */
	uint64_t zwp_ivl;      /* its interval: one RTO, doubling */
	uint32_t default_path; /* routing of new data (usctp_tx_set_routes) */
	uint32_t override_mask;
	uint64_t last_rtx_at; /* for Karn's rule */
	struct usctp_tx_counters ctr;
};

static inline uint32_t tx_chunk_size(uint32_t len)
{
	return USCTP_DATA_HDR_LEN + (uint32_t)usctp_pad4(len);
}

/* tx.c */
struct tx_chunk *tx_chunk_alloc(struct usctp_tx *tx);
void tx_chunk_free(struct usctp_tx *tx, struct tx_chunk *c);
void tx_msg_put(struct usctp_tx *tx, struct tx_msg *mm); /* free if nothing holds it */
void tx_queue_remove(struct usctp_tx *tx, struct tx_msg *mm);
void tx_release(struct usctp_tx *tx, struct tx_msg *mm, uint32_t bytes);
void tx_leave_flight(struct usctp_tx *tx, struct tx_chunk *c);
/* The message will never be sent again (abandoned, failed or about to be freed). */
void tx_msg_dead(struct usctp_tx *tx, struct tx_msg *mm);

/* tx_sack.c */
/* Mark for retransmission (or abandon under the RTX policy). Returns true if marked. */
bool tx_mark_rtx(struct usctp_tx *tx, struct tx_chunk *c, bool fast);

/* tx_pr.c */
void tx_abandon(struct usctp_tx *tx, struct tx_msg *mm);
void tx_fail_push(struct usctp_tx *tx, struct tx_msg *mm);
bool tx_pr_expired(const struct usctp_tx *tx, const struct tx_msg *mm, uint64_t now);
bool tx_advance_ack_point(struct usctp_tx *tx);

#endif
