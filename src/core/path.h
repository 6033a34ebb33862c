/*
 * usctp core: a path (destination transport address) and its RTO and
 * congestion state (RFC 9260 6.3, 7.2, 8.2).
 */
#ifndef USCTP_CORE_PATH_H
#define USCTP_CORE_PATH_H

#include "assoc.h"
#include "pmtu.h"

#define USCTP_MAX_PATHS 8

/* Clock granularity G of RFC 9260 6.3.1 G1: the floor of RTTVAR. */
#define USCTP_CLOCK_GRANULARITY_NS 1000000ull

enum usctp_path_state {
	USCTP_PATH_ACTIVE = 0,
	USCTP_PATH_INACTIVE,
};

/*
 * A path is the pair (local, addr): the peer's transport address and the
 * source address our packets to it carry (RFC 9260 1.3). The local address
 * is chosen once, when known (pathmgr.c, usctp_pm_pick_local), and kept, so
 * the path's RTO and congestion state always describe one route.
 */
struct usctp_path {
	struct usctp_addr addr;
	struct usctp_ipaddr local; /* family 0: not chosen yet, the network picks */
	bool local_learnt;         /* local is where the peer reached us, not a rule's pick */
	bool no_source;            /* none of our addresses the peer knows can reach it
	                            * (another family; an IPv6 link-local destination,
	                            * whose interface we do not know): never sent to */
	enum usctp_path_state state;
	bool confirmed;        /* 5.4: confirmed by a HEARTBEAT ACK or by the handshake */
	uint32_t mtu;          /* largest SCTP packet on this path */
	/* RTO (6.3), all in nanoseconds */
	bool rtt_measured;     /* first measurement done */
	uint64_t srtt, rttvar, rto;
	uint64_t rto_min, rto_max;
	/* congestion control (7.2), in bytes */
	uint32_t cwnd, ssthresh, partial_bytes_acked;
	uint32_t flight_size;  /* bytes outstanding (sent, not acked, not marked for rtx) on this path */
	uint32_t error_count;  /* 8.2 */
	uint64_t last_send;    /* time of the last DATA sent (idle detection, 7.2.1) */
	uint64_t hb_due;       /* next heartbeat (or probe) time; USCTP_TIME_NEVER: none */
	bool hb_outstanding;   /* a HEARTBEAT waits for its ACK until hb_timeout_at */
	uint64_t hb_timeout_at;
	bool hb_send;          /* a HEARTBEAT for this path goes out on the next write */
	bool hb_nonce_valid;   /* hb_nonce is the last one sent and not yet answered */
	uint8_t hb_nonce[8];
	void *cc_state;        /* for congestion control algorithms that need more */
	uint32_t idle_rtos;    /* 7.2.1: idle-period cwnd reductions applied since last_send */
	bool sent_data;        /* last_send is meaningful */
	/* Per-path settings (SCTP_PEER_ADDR_PARAMS), from the config at creation */
	uint32_t hb_interval_ms; /* HB.interval */
	bool hb_enabled;         /* idle heartbeats (inactive / unconfirmed paths are probed anyway) */
	uint32_t max_retrans;    /* Path.Max.Retrans */
	struct usctp_pmtu pmtu;  /* packet-size fallback (pmtu.h) */
};

/* Initialise a path with the config's RTO bounds and the cc's initial window
 * (cc NULL: c->cc, else usctp_cc_rfc9260). */
void usctp_path_init(struct usctp_path *p, const struct usctp_addr *addr, const struct usctp_assoc_config *c,
		     const struct usctp_cc_ops *cc);

/* 6.3.1: feed one RTT measurement (ns); updates srtt, rttvar and rto (clamped
 * to [rto_min, rto_max]; RTTVAR never below USCTP_CLOCK_GRANULARITY_NS). */
void usctp_path_rtt_update(struct usctp_path *p, uint64_t rtt);
/* 6.3.3 E2: double the RTO, up to rto_max. */
void usctp_path_backoff(struct usctp_path *p);

#endif
