/*
 * usctp core: one SCTP association as a sans-I/O state machine (RFC 9260).
 *
 * Bytes and a clock in, bytes, timers and events out. No sockets, threads or
 * clocks in here: the caller passes the current time (nanoseconds on any
 * monotonic clock) to every call that needs it.
 *
 * The driving loop, whoever the caller is (the I/O thread, the simulator, a
 * DTLS transport):
 *
 *   on packet:  usctp_assoc_read_pkt(a, &from, pkt, len, now);
 *   on timer:   if (now >= usctp_assoc_get_expiry(a)) usctp_assoc_handle_expiry(a, now);
 *   then:       while ((n = usctp_assoc_write_pkt(a, buf, sizeof buf, now, &tx)) > 0) send(buf, n, tx.dst);
 *               while (usctp_assoc_next_event(a, &ev)) ...;
 *               arm a timer for usctp_assoc_get_expiry(a).
 *
 * Threading: an association is not thread safe; the caller serializes calls.
 * No callbacks: nothing in the core calls user code, so the caller never
 * holds a lock across user code because of us.
 */
#ifndef USCTP_CORE_ASSOC_H
#define USCTP_CORE_ASSOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../wire/wire.h"

struct usctp_assoc;

#define USCTP_TIME_NEVER UINT64_MAX
#define USCTP_NS_PER_MS 1000000ull

/* A transport address of a path: IP address plus the UDP encapsulation port
 * (0 when the packets are not carried over UDP, e.g. over DTLS). */
struct usctp_addr {
	struct usctp_ipaddr ip;
	uint16_t udp_port; /* host order */
};
bool usctp_addr_eq(const struct usctp_addr *a, const struct usctp_addr *b);

/* Source of randomness (tags, TSNs, nonces). The simulator passes a seeded
 * generator; production code uses OpenSSL's RAND_bytes (usctp_random_default). */
typedef void (*usctp_random_fn)(void *ctx, void *buf, size_t len);
void usctp_random_default(void *ctx, void *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Cookie key: the secret that authenticates state cookies.           */
/* Shared by an endpoint and all of its associations.                   */
/* ------------------------------------------------------------------ */
struct usctp_cookie_key;
/* rotate_ns: how often the secret changes; the previous one stays valid for
 * one more period so cookies in flight still verify. */
struct usctp_cookie_key *usctp_cookie_key_new(usctp_random_fn rnd, void *rnd_ctx, uint64_t rotate_ns,
					      uint64_t now);
/* Keys are reference counted: an association made with a key holds a
 * reference, so the endpoint may drop its own (usctp_cookie_key_del) first.
 * A key may be used by associations on different threads: it locks itself. */
struct usctp_cookie_key *usctp_cookie_key_ref(struct usctp_cookie_key *k);
void usctp_cookie_key_del(struct usctp_cookie_key *k); /* drops one reference */

/* ------------------------------------------------------------------ */
/* Congestion control: a table of functions, so others can plug in.    */
/* ------------------------------------------------------------------ */
struct usctp_path;
struct usctp_cc_ops {
	const char *name;
	void (*init)(struct usctp_path *p, uint32_t mtu);            /* set initial cwnd/ssthresh */
	void (*on_ack)(struct usctp_path *p, uint32_t bytes_acked, bool cum_advanced,
		       uint32_t flight_before, bool in_fast_recovery); /* 7.2.1 / 7.2.2 */
	void (*on_fast_rtx)(struct usctp_path *p, uint32_t mtu);      /* 7.2.3 loss by fast retransmit */
	void (*on_timeout)(struct usctp_path *p, uint32_t mtu);       /* 7.2.3 loss by T3-rtx */
	void (*on_idle)(struct usctp_path *p, uint32_t mtu);          /* 7.2.1 idle restart */
};
extern const struct usctp_cc_ops usctp_cc_rfc9260; /* the default */

/* ------------------------------------------------------------------ */
/* Configuration                                                         */
/* ------------------------------------------------------------------ */
struct usctp_assoc_config {
	uint16_t local_port;      /* SCTP ports */
	uint16_t peer_port;
	uint16_t num_ostreams;    /* requested outbound streams (OS) */
	uint16_t max_instreams;   /* accepted inbound streams (MIS) */
	uint32_t rcvbuf;          /* receive buffer: a_rwnd and the bound on buffered rx data */
	uint32_t sndbuf;          /* bound on queued + unacknowledged send bytes */
	uint32_t max_reasm;       /* bound on bytes held in reassembly (0: rcvbuf) */
	uint32_t pd_point;        /* partial delivery starts when a message holds this much (0: rcvbuf/2) */
	int frag_interleave;      /* RFC 6458 SCTP_FRAGMENT_INTERLEAVE level: 0, 1 (default) or 2 */
	uint32_t mtu;             /* largest SCTP packet (common header included) we send */
	uint32_t mtu_base;        /* 0: mtu is fixed; else a path larger than this falls back to it when
	                           * data in larger packets is lost to T3 (src/core/pmtu.h) */
	uint32_t rto_initial_ms, rto_min_ms, rto_max_ms;
	uint32_t max_init_retrans;  /* Max.Init.Retransmits */
	uint32_t assoc_max_retrans; /* Association.Max.Retrans */
	uint32_t path_max_retrans;  /* Path.Max.Retrans */
	uint32_t valid_cookie_life_ms;
	uint32_t hb_interval_ms;  /* 0: heartbeats off */
	uint32_t sack_delay_ms;   /* delayed SACK timeout (<= 500, default 200) */
	uint32_t sack_freq;       /* SACK at least every Nth packet (default 2) */
	uint32_t max_burst;       /* Max.Burst (default 4) */
	uint32_t shutdown_guard_ms; /* T5 (default 5 * rto_max) */
	bool nodelay;             /* SCTP_NODELAY: do not wait to bundle small messages */
	bool pr_sctp;             /* advertise Forward-TSN-Supported */
	bool has_adaptation;
	uint32_t adaptation_ind;
	bool verify_checksum;     /* false only when another layer guarantees integrity */
	const struct usctp_cc_ops *cc; /* NULL: usctp_cc_rfc9260 */
	struct usctp_cookie_key *cookie_key; /* required to answer INITs */
	usctp_random_fn random;   /* NULL: usctp_random_default */
	void *random_ctx;
	/* Local addresses to announce in INIT / INIT ACK (none: the peer uses the
	 * packet's source address). */
	struct usctp_ipaddr local_addrs[USCTP_MAX_ADDR_PARAMS];
	unsigned num_local_addrs;
	/* Optional: the source address the network's routes pick towards dst
	 * (0 and *src filled, or negative). Only consulted when a new path has
	 * more than one local address to choose from (see usctp_path_status
	 * .local); NULL: the first fitting local address. */
	int (*route_src)(void *ctx, const struct usctp_ipaddr *dst, struct usctp_ipaddr *src);
	void *route_ctx;
};
/* RFC 9260 section 16 defaults, 64 KiB buffers, 10 streams, mtu 1200. */
void usctp_assoc_config_default(struct usctp_assoc_config *c);

/* ------------------------------------------------------------------ */
/* States (RFC 9260 section 4)                                          */
/* ------------------------------------------------------------------ */
enum usctp_state {
	USCTP_CLOSED = 0,
	USCTP_COOKIE_WAIT,
	USCTP_COOKIE_ECHOED,
	USCTP_ESTABLISHED,
	USCTP_SHUTDOWN_PENDING,
	USCTP_SHUTDOWN_SENT,
	USCTP_SHUTDOWN_RECEIVED,
	USCTP_SHUTDOWN_ACK_SENT,
};
const char *usctp_state_name(enum usctp_state s);

/* ------------------------------------------------------------------ */
/* Events for the user                                                   */
/* ------------------------------------------------------------------ */
enum usctp_event_type {
	USCTP_EV_COMM_UP = 1,        /* association established */
	USCTP_EV_COMM_LOST,          /* aborted by the peer or failed (error counter) */
	/* The peer restarted (RFC 9260 5.2.4 A): the send queue was failed
	 * (SEND_FAILED first). Complete messages received before it stay
	 * readable ahead of the new incarnation's (their sid / ssn / tsn are
	 * the old numbering); a message partly read and never to complete gets
	 * PARTIAL_DELIVERY_ABORTED before. RESTART itself is held back until
	 * those old messages have been read, or until another event is pushed,
	 * so it separates the two incarnations' data. */
	USCTP_EV_RESTART,
	USCTP_EV_SHUTDOWN_COMPLETE,  /* graceful close finished */
	USCTP_EV_CANT_START,         /* setup failed (Max.Init.Retransmits, or ABORT during setup) */
	USCTP_EV_SHUTDOWN,           /* the peer sent SHUTDOWN: no more data will arrive */
	USCTP_EV_PEER_ADDR_CHANGE,   /* a path changed state (see addr_state, addr) */
	USCTP_EV_REMOTE_ERROR,       /* an ERROR chunk arrived (cause code + raw causes) */
	USCTP_EV_SEND_FAILED,        /* a message was abandoned or could not be delivered */
	USCTP_EV_ADAPTATION,         /* the peer announced an adaptation layer indication */
	USCTP_EV_PARTIAL_DELIVERY_ABORTED,
	USCTP_EV_SENDER_DRY,         /* nothing queued or in flight */
};

/* PEER_ADDR_CHANGE: AVAILABLE when a failed path answers a HEARTBEAT again;
 * UNREACHABLE past Path.Max.Retrans errors (T3, heartbeat timeouts); ADDED
 * for every peer address but the primary right after COMM_UP (learnt from
 * INIT / INIT ACK or given before), and for usctp_assoc_add_peer_addr once
 * established; CONFIRMED when an unconfirmed address answers its probe;
 * MADE_PRIMARY on usctp_assoc_set_primary. REMOVED is never sent (no ASCONF). */
enum usctp_addr_state {
	USCTP_ADDR_AVAILABLE = 1,
	USCTP_ADDR_UNREACHABLE,
	USCTP_ADDR_REMOVED,
	USCTP_ADDR_ADDED,
	USCTP_ADDR_MADE_PRIMARY,
	USCTP_ADDR_CONFIRMED,
};

struct usctp_msg; /* an outbound message (refcounted, see below) */

struct usctp_event {
	enum usctp_event_type type;
	uint16_t error;            /* COMM_LOST / CANT_START / REMOTE_ERROR: first cause code, if any */
	/* COMM_UP / RESTART: negotiated streams */
	uint16_t outbound_streams, inbound_streams;
	/* COMM_LOST / CANT_START / REMOTE_ERROR: the ABORT / ERROR causes (owned by
	 * the event; freed by usctp_event_clear) */
	uint8_t *causes;
	size_t causes_len;
	/* PEER_ADDR_CHANGE */
	struct usctp_addr addr;
	enum usctp_addr_state addr_state;
	/* SEND_FAILED: the message's user fields and data; sent = was it ever transmitted */
	uint32_t context, ppid;
	uint16_t sid;
	uint16_t send_flags;
	bool sent;
	struct usctp_msg *msg;     /* reference owned by the event (data = usctp_msg_data) */
	/* ADAPTATION */
	uint32_t adaptation_ind;
	/* PARTIAL_DELIVERY_ABORTED */
	uint16_t pd_sid;
	uint32_t pd_ssn;
};
void usctp_event_clear(struct usctp_event *ev);

/* ------------------------------------------------------------------ */
/* Outbound messages                                                     */
/* ------------------------------------------------------------------ */

/* A message's payload, refcounted so that SCTP_SENDALL shares one copy. */
struct usctp_msg *usctp_msg_new(const void *data, size_t len);
struct usctp_msg *usctp_msg_ref(struct usctp_msg *m);
void usctp_msg_unref(struct usctp_msg *m);
const uint8_t *usctp_msg_data(const struct usctp_msg *m);
size_t usctp_msg_len(const struct usctp_msg *m);

/* PR-SCTP policies, with the values of sctp_send(3). */
#define USCTP_PR_NONE 0
#define USCTP_PR_TTL 1 /* pr_value: milliseconds of lifetime */
#define USCTP_PR_BUF 2 /* pr_value: bytes allowed on the outbound queue */
#define USCTP_PR_RTX 3 /* pr_value: retransmissions allowed */

#define USCTP_SEND_UNORDERED 0x0400 /* same value as SCTP_UNORDERED */
#define USCTP_SEND_EOF 0x0100       /* queue, then shut down gracefully */

struct usctp_send_params {
	uint16_t sid;
	uint32_t ppid;        /* passed through untouched */
	uint16_t flags;       /* USCTP_SEND_* */
	uint8_t pr_policy;    /* USCTP_PR_* */
	uint32_t pr_value;
	uint32_t context;     /* returned in SEND_FAILED */
	int path;             /* -1: primary; else a peer address index (SCTP_ADDR_OVER), honoured
	                       * while that path is confirmed and active (else the primary's route;
	                       * never an unconfirmed address, RFC 9260 5.4) */
};

/*
 * Queue one message. Fails, leaving nothing queued, with MSGSIZE (larger than
 * sndbuf), WOULDBLOCK (no room now), BAD_STREAM, CLOSED (shutdown started) or
 * STATE (not yet or no longer able to send). Messages queued in COOKIE_WAIT /
 * COOKIE_ECHOED are sent once established. Takes its own reference on m.
 */
int usctp_assoc_send(struct usctp_assoc *a, const struct usctp_send_params *p, struct usctp_msg *m,
		     uint64_t now);
/* Bytes that can be queued right now without WOULDBLOCK. */
size_t usctp_assoc_send_space(const struct usctp_assoc *a);

/* ------------------------------------------------------------------ */
/* Inbound messages                                                       */
/* ------------------------------------------------------------------ */
struct usctp_rcvinfo {
	uint16_t sid;
	uint16_t ssn;
	uint16_t flags;   /* USCTP_SEND_UNORDERED if it came unordered */
	uint32_t ppid;
	uint32_t tsn;     /* TSN of the message's first fragment */
	uint32_t cumtsn;  /* our cumulative TSN at delivery */
};

/*
 * Copy the next deliverable message (or the rest of a partly read one) into
 * buf. Returns the byte count (>= 0), sets *eor when the message's last byte
 * has been returned, and fills *info. WOULDBLOCK when nothing is readable.
 * A message larger than cap is returned over several calls. A message larger
 * than pd_point may be returned before it has fully arrived (partial delivery).
 */
int64_t usctp_assoc_recv(struct usctp_assoc *a, void *buf, size_t cap, struct usctp_rcvinfo *info,
			 bool *eor, uint64_t now);
bool usctp_assoc_readable(const struct usctp_assoc *a);

/* ------------------------------------------------------------------ */
/* Lifecycle                                                             */
/* ------------------------------------------------------------------ */

/* Active open: create the association and start the handshake at once (the
 * INIT goes out on the next usctp_assoc_write_pkt; T1-init runs from now).
 * More peer addresses may be added with usctp_assoc_add_peer_addr: before the
 * handshake completes they count as confirmed (given by the user, RFC 9260
 * 5.4 rule 1); once established they are probed by HEARTBEAT before any data
 * goes there. Addresses the peer lists in its INIT ACK (and the INIT ACK's
 * source) become paths too, unconfirmed until they answer a HEARTBEAT.
 * usctp_assoc_connect only confirms the handshake is under way (0 while in
 * COOKIE-WAIT / COOKIE-ECHOED, STATE otherwise): calling it is optional.
 *
 * Events: a local usctp_assoc_abort reports no COMM_LOST to its own caller
 * (only SEND_FAILED for the messages it drops). A dead association keeps its
 * received data readable and its last packets (ABORT, SHUTDOWN COMPLETE)
 * writable; packets for it after that are out of the blue: give them to
 * usctp_endpoint_handle_ootb (8.4), e.g. to answer a repeated SHUTDOWN ACK. */
struct usctp_assoc *usctp_assoc_new(const struct usctp_assoc_config *c, const struct usctp_addr *peer,
				    uint64_t now);
int usctp_assoc_add_peer_addr(struct usctp_assoc *a, const struct usctp_addr *peer);
int usctp_assoc_connect(struct usctp_assoc *a, uint64_t now);
void usctp_assoc_del(struct usctp_assoc *a);

/* Graceful shutdown (SHUTDOWN PENDING until all data is acknowledged). */
int usctp_assoc_shutdown(struct usctp_assoc *a, uint64_t now);
/* Abort now, with a User-Initiated Abort cause carrying reason (may be empty). */
int usctp_assoc_abort(struct usctp_assoc *a, const void *reason, size_t len, uint64_t now);

enum usctp_state usctp_assoc_state(const struct usctp_assoc *a);
/* True once the association is gone (closed, aborted, failed): free it after draining events. */
bool usctp_assoc_is_dead(const struct usctp_assoc *a);

/* ------------------------------------------------------------------ */
/* Packets and timers                                                     */
/* ------------------------------------------------------------------ */

/*
 * Feed one received SCTP packet (common header onwards). Malformed, badly
 * checksummed or wrongly tagged packets are dropped and counted; answered
 * where the RFC says so. Returns 0, or a negative code that only reports
 * why a packet was dropped (the association stays consistent either way).
 */
int usctp_assoc_read_pkt(struct usctp_assoc *a, const struct usctp_addr *from, const uint8_t *pkt,
			 size_t len, uint64_t now);
/*
 * The same, also saying which of our addresses the packet was sent to (to:
 * NULL if unknown). A path's source address (usctp_tx_info.src) is learnt
 * from this: when the association announced no addresses (bound to the
 * wildcard), the address the peer reached it at is the one the peer knows,
 * and every packet should come from it (RFC 9260 1.3, "Primary Path").
 */
int usctp_assoc_read_pkt_at(struct usctp_assoc *a, const struct usctp_addr *from,
			    const struct usctp_ipaddr *to, const uint8_t *pkt, size_t len, uint64_t now);

/* Packets from the peer address from reach us at our address to (family 0:
 * unknown): what usctp_assoc_read_pkt_at learns from a packet, for an
 * association made from a packet already read (the COOKIE ECHO that
 * usctp_endpoint_handle_ootb turned into it). */
void usctp_assoc_learn_local(struct usctp_assoc *a, const struct usctp_addr *from,
			     const struct usctp_ipaddr *to);

struct usctp_tx_info {
	struct usctp_addr dst; /* udp_port: the port learnt for that address (RFC 6951 5.4) */
	struct usctp_ipaddr src; /* source address; family 0: not chosen, the network picks */
	int path; /* peer address index */
};
/* Produce the next packet to send into buf (cap >= mtu). Returns its length,
 * or 0 when there is nothing to send now. */
size_t usctp_assoc_write_pkt(struct usctp_assoc *a, uint8_t *buf, size_t cap, uint64_t now,
			     struct usctp_tx_info *tx);

/* Earliest time a timer is due (USCTP_TIME_NEVER if none). */
uint64_t usctp_assoc_get_expiry(const struct usctp_assoc *a);
/* Run every timer due at or before now. */
void usctp_assoc_handle_expiry(struct usctp_assoc *a, uint64_t now);

/* Pop the next event: 1 and *ev filled (call usctp_event_clear after), or 0. */
int usctp_assoc_next_event(struct usctp_assoc *a, struct usctp_event *ev);

/* ------------------------------------------------------------------ */
/* Introspection                                                          */
/* ------------------------------------------------------------------ */
struct usctp_assoc_stats {
	uint64_t pkts_in, pkts_out, pkts_dropped;
	uint64_t bad_checksum, bad_vtag, malformed;
	uint64_t data_chunks_in, data_chunks_out, dup_tsns_in;
	uint64_t data_chunks_dropped; /* refused for lack of receive buffer (not acknowledged) */
	uint64_t user_msgs_in, user_msgs_out, bytes_in, bytes_out;
	uint64_t retransmits, fast_retransmits, t3_timeouts, t1_timeouts;
	uint64_t sacks_in, sacks_out, abandoned;
	uint64_t pmtu_fallbacks; /* a path fell back to cfg.mtu_base (pmtu.h) */
};
struct usctp_path_status {
	struct usctp_addr addr;
	struct usctp_ipaddr local; /* our address packets to addr come from (family 0: not chosen) */
	bool active, confirmed;
	uint32_t cwnd, ssthresh, flight, mtu;
	bool mtu_adapts;           /* mtu may fall back and return (pmtu.h); false: fixed */
	uint32_t srtt_ms, rttvar_ms, rto_ms;
	uint32_t error_count;
	/* its SCTP_PEER_ADDR_PARAMS settings (usctp_assoc_set_path_params) */
	uint32_t hb_interval_ms;
	bool hb_enabled;
	uint32_t path_max_retrans;
};
struct usctp_assoc_status {
	enum usctp_state state;
	uint32_t my_vtag, peer_vtag;
	uint32_t peer_rwnd, local_rwnd;
	uint32_t unacked_chunks, pending_chunks;
	uint32_t queued_bytes;   /* accepted from the user, not yet acknowledged */
	uint32_t readable_bytes;
	uint16_t instreams, outstreams;
	uint32_t frag_point;     /* largest DATA payload per packet */
	bool peer_pr_sctp;
	int primary;             /* index of the primary path */
	unsigned num_paths;
};
void usctp_assoc_get_status(const struct usctp_assoc *a, struct usctp_assoc_status *st);
const struct usctp_assoc_stats *usctp_assoc_stats(const struct usctp_assoc *a);
int usctp_assoc_path_status(const struct usctp_assoc *a, unsigned idx, struct usctp_path_status *ps);
/* Peer address index of addr (compared by IP address; the UDP port is
 * learnt per path from arriving packets), or NOT_FOUND. For SCTP_ADDR_OVER
 * (usctp_send_params.path) and SCTP_PRIMARY_ADDR. */
int usctp_assoc_find_path(const struct usctp_assoc *a, const struct usctp_addr *addr);
/* Make path idx the primary (RFC 9260 6.4): new data goes there whenever it
 * is active and confirmed. Emits PEER_ADDR_CHANGE / MADE_PRIMARY.
 * NOT_FOUND for a bad index, STATE once dead. */
int usctp_assoc_set_primary(struct usctp_assoc *a, unsigned idx);

/* ------------------------------------------------------------------ */
/* Live settings: socket options applied to a running association       */
/* ------------------------------------------------------------------ */

/* The values an association runs with now (the config's, as changed by the
 * setters below). */
struct usctp_assoc_params {
	uint32_t rto_initial_ms, rto_min_ms, rto_max_ms;
	uint32_t assoc_max_retrans;
	bool nodelay;
	uint32_t maxseg; /* 0: no bound but the path MTU */
	uint32_t sndbuf, rcvbuf;
};
void usctp_assoc_get_params(const struct usctp_assoc *a, struct usctp_assoc_params *p);

/* SCTP_RTOINFO. 0 leaves a value unchanged. INVALID (nothing changed) if
 * the result has min > max or min == 0. Every path's RTO is clamped into
 * [min, max] at once (running timers keep their deadline; the next start
 * uses the new RTO); initial applies to paths added later and to paths with
 * no RTT measurement and no timeout yet. */
int usctp_assoc_set_rto(struct usctp_assoc *a, uint32_t initial_ms, uint32_t min_ms, uint32_t max_ms);

/* SCTP_PEER_ADDR_PARAMS for path path_idx, or every path (-1; also the
 * default for paths added later). Each value may be left unchanged:
 * hb_interval_ms USCTP_PARAM_KEEP (0 is a valid interval: RTO + jitter
 * only), hb_enabled -1 (0 SPP_HB_DISABLE, 1 SPP_HB_ENABLE), path_max_retrans
 * 0, mtu 0. An idle heartbeat is rescheduled from now (one HB.interval +
 * RTO ahead) when the interval or the switch changes. mtu (the fixed path
 * MTU, SCTP packet size; SPP_PMTUD_DISABLE) is at least 128 (else INVALID);
 * data not yet cut into chunks follows it at once, chunks already cut are
 * retransmitted whole. NOT_FOUND for a bad path_idx. */
#define USCTP_PARAM_KEEP UINT32_MAX
int usctp_assoc_set_path_params(struct usctp_assoc *a, int path_idx, uint32_t hb_interval_ms, int hb_enabled,
				uint32_t path_max_retrans, uint32_t mtu, uint64_t now);

/* SCTP_PEER_ADDR_PARAMS with SPP_HB_DEMAND: a HEARTBEAT to path path_idx
 * goes out on the next write (whatever the heartbeat setting), timed out
 * after one RTO like any other. NOT_FOUND, or STATE when not established. */
int usctp_assoc_heartbeat_now(struct usctp_assoc *a, int path_idx, uint64_t now);

/* SCTP_ASSOCINFO sasoc_asocmaxrxt: Association.Max.Retrans (0: unchanged). */
int usctp_assoc_set_max_retrans(struct usctp_assoc *a, uint32_t max_retrans);

/* SCTP_NODELAY: false lets a small message wait (while data is in flight)
 * to be bundled with the next; the next write follows the new value. */
int usctp_assoc_set_nodelay(struct usctp_assoc *a, bool nodelay);

/* SCTP_MAXSEG: bound on the user data per DATA chunk (the fragmentation
 * point is min(this, path MTU - 28)); 0 removes the bound. Applies to data
 * not yet cut into chunks. INVALID below USCTP_MIN_MAXSEG. */
#define USCTP_MIN_MAXSEG 64
int usctp_assoc_set_maxseg(struct usctp_assoc *a, uint32_t bytes);

/* SO_SNDBUF: bound on queued + unacknowledged bytes. Any size > 0: below
 * what is buffered now, sends block until acknowledgements drain it.
 * INVALID for 0. */
int usctp_assoc_set_sndbuf(struct usctp_assoc *a, uint32_t bytes);

/* SO_RCVBUF: grow the receive buffer; the window opens at once (a window
 * update goes out on the next write if the opening is worth one, 6.2).
 * INVALID if smaller than now (shrinking would renege on window already
 * advertised). */
int usctp_assoc_set_rcvbuf(struct usctp_assoc *a, uint32_t bytes);

/* Our own verification tag (what the peer puts in packets to us). */
uint32_t usctp_assoc_local_vtag(const struct usctp_assoc *a);

#endif
