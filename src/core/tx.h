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
 *
 * Units: cwnd, ssthresh, flight sizes and Max.Burst count DATA chunk bytes
 * (16-byte header and padding included), as PMDCS does (RFC 9260 7.2); the
 * peer's rwnd and sndbuf count user payload bytes. Paths are named by their
 * index (< USCTP_MAX_PATHS); the caller passes the same index and struct
 * every time. Implementation: tx.c (queues, scheduler, transmission),
 * tx_sack.c (acks, fast retransmit, T3), tx_pr.c (PR-SCTP, failed messages).
 */
#ifndef USCTP_CORE_TX_H
#define USCTP_CORE_TX_H

#include "assoc.h"
#include "path.h"

struct usctp_tx;

struct usctp_tx_config {
	uint32_t initial_tsn;
	uint16_t num_ostreams;     /* negotiated outbound streams; 0: not known yet (set later) */
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
/* The a_rwnd of INIT / INIT ACK (until then the window is unbounded). */
void usctp_tx_set_peer_rwnd(struct usctp_tx *tx, uint32_t a_rwnd);
/* Without peer support nothing is ever abandoned (policies are ignored). */
void usctp_tx_set_pr_sctp(struct usctp_tx *tx, bool peer_supports);

/* Queue a message (takes its own reference on m). Errors: INVALID (empty
 * message), BAD_STREAM, MSGSIZE (> sndbuf), WOULDBLOCK (no room now), NOMEM.
 * A BUF-policy message first abandons older BUF-policy messages while the
 * buffered bytes are >= its pr_value; if they still are, the message itself
 * is abandoned unsent (only with PR-SCTP on; sctp_send(3)). */
int usctp_tx_enqueue(struct usctp_tx *tx, const struct usctp_send_params *p, struct usctp_msg *m,
		     uint64_t now);
size_t usctp_tx_send_space(const struct usctp_tx *tx);

/*
 * Append DATA chunks for path p to w, as many as the room in w, the path's
 * cwnd, the peer's rwnd (one chunk may go into a zero window when nothing is
 * in flight: the zero window probe, 6.1 A, delayed by usctp_tx_zwp_expiry) and Nagle-like bundling (unless
 * nodelay, a packet is not sent part-full while data is in flight and the
 * queue holds less than a full packet) allow. Chunks marked for
 * retransmission go first (6.3.3 E3 / 7.2.4). max_payload is the largest
 * DATA payload that fits one packet (the fragmentation point).
 *
 * Returns the number of DATA chunks appended (0: nothing may be sent now).
 * Sets *t3_start when the path's T3-rtx timer must be (re)started: data was
 * sent and nothing was outstanding on the path before, or the earliest
 * outstanding chunk on it was retransmitted (6.1) — the caller owns the
 * timer. Max.Burst (6.1 D) limits new data per transmission opportunity: a
 * new value of now, or the first fill after a SACK. Returns INVALID for a
 * bad path_idx (>= USCTP_MAX_PATHS).
 */
int usctp_tx_fill(struct usctp_tx *tx, struct usctp_wbuf *w, unsigned path_idx, struct usctp_path *p,
		  size_t max_payload, uint64_t now, bool *t3_start);

/*
 * Routing of new data (RFC 9260 6.4, SCTP_ADDR_OVER): a message whose
 * params.path names a path in override_mask goes to that path, every other
 * message to default_path; usctp_tx_fill on a path sends only the new data
 * routed to it (retransmissions go wherever the caller fills). Until set:
 * default 0, no overrides.
 */
void usctp_tx_set_routes(struct usctp_tx *tx, unsigned default_path, uint32_t override_mask);
/* The path the next new DATA chunk is routed to, or -1 when no new data waits. */
int usctp_tx_next_path(struct usctp_tx *tx);
/* When the next zero window probe may go (6.1 A: one RTO after the peer's
 * window was found closed with nothing in flight, then at doubling
 * intervals up to rto_max), USCTP_TIME_NEVER if none waits. The caller
 * wakes up then and fills. */
uint64_t usctp_tx_zwp_expiry(const struct usctp_tx *tx);
/* Chunks marked for retransmission. */
uint32_t usctp_tx_rtx_chunks(const struct usctp_tx *tx);

/* Live settings: SCTP_NODELAY (the next fill follows it) and the send
 * buffer (a smaller one than what is buffered only blocks new messages
 * until acknowledgements drain it). */
void usctp_tx_set_nodelay(struct usctp_tx *tx, bool nodelay);
void usctp_tx_set_sndbuf(struct usctp_tx *tx, uint32_t sndbuf);
/* Size (header and padding included) of the first chunk marked for
 * retransmission, 0 if none: a packet must have room for it. */
uint32_t usctp_tx_rtx_head_size(const struct usctp_tx *tx);

/* Result of a SACK. */
/* The tx does NOT update the RTO: the caller feeds rtt to
 * usctp_path_rtt_update(&paths[rtt_path], rtt) and clears error counters. The
 * caller (re)starts T3 on acked_paths that still have outstanding data, makes
 * sure T3 runs on every path in outstanding_paths (reneged data may need it)
 * and stops it on the others. */
struct usctp_sack_result {
	bool cum_advanced;       /* the cumulative TSN ack moved forward */
	uint32_t bytes_acked;    /* newly acknowledged user payload bytes (cum + gaps) */
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
/* Process a SACK (6.2.1, 7.2.1-7.2.4); updates paths' cc and flight sizes.
 * paths[] is indexed by the path_idx given to usctp_tx_fill. Returns 0 (also
 * for an ignored stale SACK), or PROTO (res->ignored set, state unchanged)
 * when the cum TSN acknowledges TSNs never sent. */
int usctp_tx_on_sack(struct usctp_tx *tx, const struct usctp_sack_chunk *s, struct usctp_path *paths,
		     unsigned num_paths, uint64_t now, struct usctp_sack_result *res);
/* Cumulative TSN ack carried by a SHUTDOWN (acts as a SACK without gaps). */
int usctp_tx_on_cum_ack(struct usctp_tx *tx, uint32_t cum_tsn, struct usctp_path *paths,
			unsigned num_paths, uint64_t now, struct usctp_sack_result *res);

/*
 * T3-rtx expired on path path_idx (6.3.3 E1-E3): cc on_timeout, mark every
 * chunk outstanding on it for retransmission (its bytes leave the flight;
 * RTX-policy messages over their limit are abandoned instead). The caller
 * backs off the RTO, restarts the timer and may call usctp_tx_pr_check.
 * After it, usctp_tx_fill sends one packet (cwnd = 1 PMDCS) of the marked
 * chunks, in TSN order, on whichever path the caller fills.
 */
void usctp_tx_on_t3(struct usctp_tx *tx, unsigned path_idx, struct usctp_path *p, uint64_t now);

/* Move chunks outstanding on a failed path to be retransmitted elsewhere
 * (marks them; no cc change; the next usctp_tx_fill on another path sends them). */
void usctp_tx_reroute(struct usctp_tx *tx, unsigned from_path);

/* Data sent on the path is neither acknowledged nor abandoned (in flight or
 * marked for retransmission): T3 must run (O(1)). */
bool usctp_tx_has_outstanding(const struct usctp_tx *tx, unsigned path_idx);
/* Nothing queued and nothing outstanding (graceful shutdown may proceed). */
bool usctp_tx_idle(const struct usctp_tx *tx);
/* Something could be sent now if cwnd / rwnd allowed. */
bool usctp_tx_has_pending(const struct usctp_tx *tx);
uint32_t usctp_tx_next_tsn(const struct usctp_tx *tx);
uint32_t usctp_tx_cum_acked(const struct usctp_tx *tx);
/* Bytes counted against sndbuf: queued plus sent and not yet acknowledged. */
uint32_t usctp_tx_queued_bytes(const struct usctp_tx *tx);
/* Chunks with a TSN above the cum ack (gap-acked and abandoned ones included). */
uint32_t usctp_tx_outstanding_chunks(const struct usctp_tx *tx);
/* Chunks marked for retransmission plus messages not yet fully sent. */
uint32_t usctp_tx_pending_chunks(const struct usctp_tx *tx);
/* Bytes (DATA chunk header and padding included) in flight on a path. The
 * tx is the authority: it copies this into path->flight_size whenever it is
 * handed that path (fill, SACK, T3); after calls without paths (pr_check,
 * reroute) the association copies it (usctp_assoc_sync_flight). */
uint32_t usctp_tx_path_flight(const struct usctp_tx *tx, unsigned path_idx);
/* Our view of the peer's receive window (6.2.1). */
uint32_t usctp_tx_peer_rwnd(const struct usctp_tx *tx);

/* PR-SCTP: abandon expired / over-limit messages (TTL, BUF, RTX policies);
 * returns 1 if the advanced peer ack point moved (a FORWARD TSN is due). */
int usctp_tx_pr_check(struct usctp_tx *tx, uint64_t now);
/* Earliest TTL expiry of a live message (USCTP_TIME_NEVER if none or PR-SCTP
 * is off). Cheap: cached. */
uint64_t usctp_tx_pr_next_expiry(const struct usctp_tx *tx);
/* Append a FORWARD TSN for the advanced peer ack point (only if it is ahead of
 * the cum ack): 1 appended, 0 not due, NOBUF no room. The new cum TSN may
 * stop short of the ack point when too many streams would need naming. */
int usctp_tx_build_fwd_tsn(struct usctp_tx *tx, struct usctp_wbuf *w);
/* A FORWARD TSN should be sent now: the ack point moved, or a SACK or T3
 * expiry found the peer still behind it (RFC 3758 C3, A5). Cleared by
 * usctp_tx_build_fwd_tsn, so a write loop sends it once per occasion. */
bool usctp_tx_fwd_tsn_due(const struct usctp_tx *tx);
/* The FORWARD TSN just built left at now on a path whose round trip takes
 * up to rtt (ns): a SACK still behind it that arrives rtt or more later was
 * sent after it should have arrived, so it was lost: due again at once
 * rather than at the next T3 (0: only T3 repeats it). Once per
 * occasion: SACKs sooner than that, sent before it arrived, repeat nothing. */
void usctp_tx_fwd_tsn_sent(struct usctp_tx *tx, uint64_t now, uint64_t rtt);
/* Abandoned TSNs the peer has not yet acknowledged: keep a T3-rtx timer
 * running while this is true (C5), even if usctp_tx_has_outstanding is false
 * everywhere (abandoned chunks are not outstanding); its expiry (usctp_tx_on_t3
 * on any path) makes the FORWARD TSN due again. */
bool usctp_tx_fwd_tsn_outstanding(const struct usctp_tx *tx);

/* Messages that failed (abandoned, or failed by usctp_tx_fail_all), in
 * order; the caller turns each into a SEND_FAILED event. */
struct usctp_failed_msg {
	struct usctp_msg *msg; /* reference passed to the caller */
	struct usctp_send_params params;
	bool sent;
};
/* 1 and *out filled (the caller owns out->msg's reference), or 0. */
int usctp_tx_pop_failed(struct usctp_tx *tx, struct usctp_failed_msg *out);
/* The association is gone: every queued or unacknowledged message fails. */
void usctp_tx_fail_all(struct usctp_tx *tx);

/* Counters. */
struct usctp_tx_counters {
	uint64_t data_chunks_out, retransmits, fast_retransmits, user_msgs_out, bytes_out, abandoned;
};
const struct usctp_tx_counters *usctp_tx_counters(const struct usctp_tx *tx);

#endif
