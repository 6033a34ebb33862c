/*
 * usctp core, send side: per-stream send queues, fragmentation at transmit
 * time, TSN assignment, the outstanding (sent, unacknowledged) list, SACK
 * processing with gap blocks, retransmission marking (T3-rtx and fast
 * retransmit), RTT sampling with Karn's rule, congestion control hooks,
 * receiver-window flow control, and PR-SCTP abandonment with the advanced
 * peer ack point (RFC 9260 6.1-6.3, 6.10, 7.2; RFC 3758 3.5; RFC 7496).
 *
 * No allocation per chunk: a message is one refcounted buffer; chunks are
 * slices of it described by small records taken from a free list.
 */
#ifndef USCTP_CORE_TX_H
#define USCTP_CORE_TX_H

#include "assoc.h"
#include "path.h"

struct usctp_tx;

struct usctp_tx_config {
	uint32_t initial_tsn;
	uint16_t num_ostreams;     /* negotiated outbound streams (may be set later) */
	uint32_t sndbuf;
	uint32_t max_burst;
	bool nodelay;
	const struct usctp_cc_ops *cc;
};

struct usctp_tx *usctp_tx_new(const struct usctp_tx_config *cfg);
void usctp_tx_del(struct usctp_tx *tx);

/* Set once the handshake has negotiated them (messages queued before on
 * streams that do not exist then fail as SEND_FAILED). */
void usctp_tx_set_streams(struct usctp_tx *tx, uint16_t num_ostreams);
void usctp_tx_set_peer_rwnd(struct usctp_tx *tx, uint32_t a_rwnd);
void usctp_tx_set_pr_sctp(struct usctp_tx *tx, bool peer_supports);

/* Queue a message (see usctp_assoc_send for the errors). */
int usctp_tx_enqueue(struct usctp_tx *tx, const struct usctp_send_params *p, struct usctp_msg *m,
		     uint64_t now);
size_t usctp_tx_send_space(const struct usctp_tx *tx);

/*
 * Append DATA chunks for path p to w, as many as the room in w, the path's
 * cwnd, the peer's rwnd (one chunk may go into a zero window when nothing is
 * in flight: the zero window probe, 6.1 A) and Nagle-like bundling (unless
 * nodelay, a packet is not sent part-full while data is in flight and the
 * queue holds less than a full packet) allow. Chunks marked for
 * retransmission go first (6.3.3 E3 / 7.2.4). max_payload is the largest
 * DATA payload that fits one packet (the fragmentation point).
 *
 * Returns the number of DATA chunks appended (0: nothing may be sent now).
 * *rtx_only set: only retransmissions were sent. Sets *t3_start when the
 * path's T3-rtx timer must be started (it was not running and data is now
 * outstanding on it) — the caller owns the timer.
 */
int usctp_tx_fill(struct usctp_tx *tx, struct usctp_wbuf *w, unsigned path_idx, struct usctp_path *p,
		  size_t max_payload, uint64_t now, bool *t3_start);

/* Result of a SACK. */
struct usctp_sack_result {
	bool cum_advanced;       /* the cumulative TSN ack moved forward */
	uint32_t bytes_acked;    /* newly acknowledged bytes (cum + gaps) */
	bool rtt_valid;          /* an RTT sample was taken (Karn's rule respected) */
	unsigned rtt_path;
	uint64_t rtt;            /* ns */
	bool fast_rtx;           /* chunks were marked for fast retransmit */
	uint32_t outstanding_paths; /* bitmask: paths that still have data outstanding */
	uint32_t acked_paths;    /* bitmask: paths whose outstanding data was acked (restart T3) */
	bool all_acked;          /* nothing outstanding any more */
	bool new_fwd_tsn;        /* the advanced peer ack point moved: send FORWARD TSN */
	bool ignored;            /* stale SACK (cum TSN older than ours), ignored */
};
/* Process a SACK (6.2.1, 7.2.1-7.2.4); updates paths' cc and flight sizes. */
int usctp_tx_on_sack(struct usctp_tx *tx, const struct usctp_sack_chunk *s, struct usctp_path *paths,
		     unsigned num_paths, uint64_t now, struct usctp_sack_result *res);
/* Cumulative TSN ack carried by a SHUTDOWN (acts as a SACK without gaps). */
int usctp_tx_on_cum_ack(struct usctp_tx *tx, uint32_t cum_tsn, struct usctp_path *paths,
			unsigned num_paths, uint64_t now, struct usctp_sack_result *res);

/*
 * T3-rtx expired on path path_idx (6.3.3 E1-E3): cc on_timeout, mark every
 * chunk outstanding on it for retransmission (its bytes leave the flight).
 * The caller backs off the RTO and restarts the timer.
 */
void usctp_tx_on_t3(struct usctp_tx *tx, unsigned path_idx, struct usctp_path *p, uint64_t now);

/* Move chunks outstanding on a failed path to be retransmitted elsewhere. */
void usctp_tx_reroute(struct usctp_tx *tx, unsigned from_path);

bool usctp_tx_has_outstanding(const struct usctp_tx *tx, unsigned path_idx);
/* Nothing queued and nothing outstanding (graceful shutdown may proceed). */
bool usctp_tx_idle(const struct usctp_tx *tx);
/* Something could be sent now if cwnd / rwnd allowed. */
bool usctp_tx_has_pending(const struct usctp_tx *tx);
uint32_t usctp_tx_next_tsn(const struct usctp_tx *tx);
uint32_t usctp_tx_cum_acked(const struct usctp_tx *tx);
uint32_t usctp_tx_queued_bytes(const struct usctp_tx *tx);
uint32_t usctp_tx_outstanding_chunks(const struct usctp_tx *tx);
uint32_t usctp_tx_pending_chunks(const struct usctp_tx *tx);

/* PR-SCTP: abandon expired / over-limit messages (TTL, BUF, RTX policies);
 * returns 1 if the advanced peer ack point moved (a FORWARD TSN is due). */
int usctp_tx_pr_check(struct usctp_tx *tx, uint64_t now);
/* Earliest TTL expiry of a queued message (USCTP_TIME_NEVER if none). */
uint64_t usctp_tx_pr_next_expiry(const struct usctp_tx *tx);
/* Append a FORWARD TSN for the advanced peer ack point (only if it is ahead of the cum ack). */
int usctp_tx_build_fwd_tsn(struct usctp_tx *tx, struct usctp_wbuf *w);
bool usctp_tx_fwd_tsn_due(const struct usctp_tx *tx);

/* Messages that failed (abandoned, or failed by usctp_tx_fail_all), in
 * order; the caller turns each into a SEND_FAILED event. */
struct usctp_failed_msg {
	struct usctp_msg *msg; /* reference passed to the caller */
	struct usctp_send_params params;
	bool sent;
};
int usctp_tx_pop_failed(struct usctp_tx *tx, struct usctp_failed_msg *out);
/* The association is gone: every queued or unacknowledged message fails. */
void usctp_tx_fail_all(struct usctp_tx *tx);

/* Counters. */
struct usctp_tx_counters {
	uint64_t data_chunks_out, retransmits, fast_retransmits, user_msgs_out, bytes_out, abandoned;
};
const struct usctp_tx_counters *usctp_tx_counters(const struct usctp_tx *tx);

#endif
