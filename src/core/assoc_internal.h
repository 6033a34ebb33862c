/*
 * usctp core: the association's private state, shared by the files that
 * implement its procedures (assoc.c dispatch and packets, handshake.c,
 * cookie.c, shutdown.c, data.c, events.c, endpoint.c).
 */
#ifndef USCTP_CORE_ASSOC_INTERNAL_H
#define USCTP_CORE_ASSOC_INTERNAL_H

#include "assoc.h"
#include "endpoint.h"
#include "path.h"
#include "rx.h"
#include "timer.h"
#include "tx.h"

/* ------------------------------------------------------------------ */
/* State cookie (cookie.c)                                              */
/* ------------------------------------------------------------------ */

/* Everything needed to build the association from a COOKIE ECHO. "my" is
 * the side that made the cookie (the INIT ACK sender). */
struct usctp_cookie {
	uint64_t created; /* ns, on the maker's clock */
	uint32_t lifetime_ms;
	uint32_t my_vtag, peer_vtag;
	uint32_t my_itsn, peer_itsn;
	uint32_t peer_rwnd;
	uint16_t peer_os, peer_mis; /* from the INIT */
	uint16_t my_os, my_mis;	    /* what the INIT ACK announced */
	uint16_t local_port, peer_port;
	uint32_t local_tie, peer_tie;
	bool peer_fwd_tsn;
	bool peer_has_adaptation;
	uint32_t peer_adaptation;
	struct usctp_addr src; /* source of the INIT */
	struct usctp_ipaddr addrs[USCTP_MAX_ADDR_PARAMS];
	unsigned num_addrs;
};

#define USCTP_COOKIE_MAC_LEN 32
#define USCTP_COOKIE_FIXED_LEN 80
#define USCTP_COOKIE_MAX_LEN (USCTP_COOKIE_FIXED_LEN + 17 * USCTP_MAX_ADDR_PARAMS + USCTP_COOKIE_MAC_LEN)

/* Serialize and sign. Returns the cookie length or NOBUF. */
int usctp_cookie_write(struct usctp_cookie_key *k, const struct usctp_cookie *c, uint64_t now, uint8_t *out,
		       size_t cap);
/* Verify the MAC (AUTH on mismatch, MALFORMED-ish BAD_LENGTH on bad size)
 * and decode. Does not judge the lifetime. */
int usctp_cookie_read(struct usctp_cookie_key *k, const uint8_t *in, size_t len, uint64_t now,
		      struct usctp_cookie *c);
/* Staleness in microseconds (0 if still valid). */
uint64_t usctp_cookie_staleness_us(const struct usctp_cookie *c, uint64_t now);
/* An ERROR chunk with a Stale Cookie cause (5.2.6) into out; returns its length (12). */
size_t usctp_cookie_stale_error(uint8_t out[12], uint64_t staleness_us);

/* ------------------------------------------------------------------ */
/* The association                                                        */
/* ------------------------------------------------------------------ */

#define USCTP_PENDING_PKTS 4

/* A whole packet prepared out of the normal assembly (replies with another
 * tag, ABORT, SHUTDOWN COMPLETE, INIT ACK). */
struct usctp_pending_pkt {
	uint8_t *buf;
	size_t len;
	int path; /* destination path, or -1: wherever the next packet goes */
};

struct usctp_assoc {
	struct usctp_assoc_config cfg;
	struct usctp_cookie_key *own_key; /* a reference to cfg.cookie_key, or our own key */
	enum usctp_state state;
	bool dead;
	bool pending_shutdown; /* shutdown asked before establishment */

	uint32_t my_vtag, peer_vtag;
	uint32_t my_itsn, peer_itsn;
	uint32_t local_tie, peer_tie; /* 5.2.2 tie-tags (random, 0 until needed) */
	uint16_t out_streams, in_streams;
	uint32_t peer_rwnd; /* last a_rwnd heard (INIT, SACK) */
	bool peer_pr_sctp;
	bool peer_has_adaptation;
	uint32_t peer_adaptation;

	struct usctp_path paths[USCTP_MAX_PATHS];
	unsigned num_paths;
	int primary;	   /* the user's primary path (6.4); data follows it while it is usable */
	int rtx_avoid;	   /* path whose T3 expired: its retransmissions go elsewhere (6.4.1); -1 */
	unsigned fwd_path; /* path the last FORWARD TSN went to (its T3 guards it) */
	struct usctp_ipaddr seen_local; /* announced none: the address the peer reached us at */
	int reply_path;	   /* 6.4: source of the last DATA, where a lone SACK goes; -1 */
	/* SCTP_PEER_ADDR_PARAMS given for all paths: what new paths start with */
	uint32_t def_hb_interval_ms, def_path_max_retrans, def_mtu;
	bool def_hb_enabled;
	uint32_t maxseg;     /* SCTP_MAXSEG: bound on DATA payload per chunk, 0: none */
	uint64_t probe_next; /* 5.4 HB.Max.Burst: next time an unconfirmed path may be probed */

	struct usctp_tx *tx;
	struct usctp_rx *rx;

	/* Handshake */
	uint8_t *peer_cookie; /* echoed in COOKIE ECHO */
	size_t peer_cookie_len;
	uint32_t preservative_ms;
	unsigned init_retrans; /* T1 retransmissions so far */
	bool hs_retransmitted; /* Karn: no RTT sample from a retransmitted INIT / COOKIE ECHO */
	bool hs_rtt_taken;
	uint64_t hs_sent; /* when the last INIT / COOKIE ECHO left */

	/* Things to put in the next packet */
	bool send_init, send_cookie_echo, send_cookie_ack;
	bool send_shutdown, send_shutdown_ack;
	bool sack_now;
	uint8_t *ctl; /* prebuilt control chunks (ERROR, HEARTBEAT ACK), in order */
	size_t ctl_len, ctl_cap;
	struct usctp_pending_pkt pend[USCTP_PENDING_PKTS];
	unsigned pend_head, pend_count;

	/* Delayed SACK */
	unsigned data_pkts_unacked;
	uint32_t last_adv_rwnd; /* the window the peer believes: last a_rwnd sent minus DATA since */
	bool sent_data_since_dry;

	/* Timers */
	struct usctp_timer t1, t2, t5, sack_timer;
	struct usctp_timer t3[USCTP_MAX_PATHS];
	uint32_t error_count; /* 8.1 association error counter */

	/* Events */
	struct usctp_event *ev;
	unsigned ev_head, ev_count, ev_cap;
	/* RESTART events held back while the old incarnation they close still
	 * has messages to read (oldest first): each is pushed once the user
	 * has read what came before it, or before any other event. */
	struct {
		uint16_t outbound_streams, inbound_streams;
		uint32_t until; /* due when usctp_rx_old_done reaches it */
	} restart_ev[USCTP_RX_MAX_OLD + 1];
	unsigned nrestart_ev;

	struct usctp_assoc_stats stats;
};

/* assoc.c */
struct usctp_assoc *usctp_assoc_alloc(const struct usctp_assoc_config *c, uint64_t now);
void usctp_assoc_random(struct usctp_assoc *a, void *buf, size_t len);
uint32_t usctp_assoc_random_tag(struct usctp_assoc *a);
struct usctp_cookie_key *usctp_assoc_key(struct usctp_assoc *a);
/* Process chunks of a packet starting at byte offset off (after the common header). */
void usctp_assoc_process_chunks(struct usctp_assoc *a, const struct usctp_addr *from, const uint8_t *pkt,
				size_t len, size_t off, uint64_t now);
int usctp_assoc_add_path(struct usctp_assoc *a, const struct usctp_addr *addr);
int usctp_assoc_find_path_ip(const struct usctp_assoc *a, const struct usctp_ipaddr *ip);
/* Queue a whole packet (header + chunks in body) with vtag. */
int usctp_assoc_queue_pkt(struct usctp_assoc *a, uint32_t vtag, const uint8_t *chunks, size_t len);
/* The same, to a given path (-1: as usctp_assoc_queue_pkt). */
int usctp_assoc_queue_pkt_to(struct usctp_assoc *a, uint32_t vtag, const uint8_t *chunks, size_t len,
			     int path);
/* Append a prebuilt control chunk to the next packet. */
int usctp_assoc_queue_ctl(struct usctp_assoc *a, const uint8_t *chunk, size_t len);
void usctp_assoc_stop_timers(struct usctp_assoc *a);
int usctp_assoc_reset_tx(struct usctp_assoc *a, uint32_t itsn, uint16_t os);
/* The association is gone: fail all data, stop timers, CLOSED. */
void usctp_assoc_terminate(struct usctp_assoc *a);
/* End every partial delivery of a->rx (none can complete any more):
 * PARTIAL_DELIVERY_ABORTED for each the user had read part of. */
void usctp_assoc_abort_partial_deliveries(struct usctp_assoc *a);
/* Turn failed messages into SEND_FAILED events; refresh path flight sizes. */
void usctp_assoc_drain_failed(struct usctp_assoc *a);
void usctp_assoc_sync_flight(struct usctp_assoc *a);
uint64_t usctp_assoc_rto(const struct usctp_assoc *a);

/* settings.c */
/* Largest DATA payload per chunk for a packet of mtu bytes (maxseg applied). */
size_t usctp_assoc_frag_point(const struct usctp_assoc *a, size_t mtu);
/* The window may have opened enough for a window update SACK (6.2). */
void usctp_assoc_check_window_update(struct usctp_assoc *a);

/* pathmgr.c: path selection and state (RFC 9260 5.4, 6.4, 8.2) */
/* Usable for data: active and confirmed. */
bool usctp_pm_usable(const struct usctp_path *p);
/* Where new data goes: the primary while usable, else an active alternate. */
unsigned usctp_pm_data_path(const struct usctp_assoc *a);
/* Where retransmissions go: an active path other than rtx_avoid if any. */
unsigned usctp_pm_rtx_path(const struct usctp_assoc *a);
/* Tell the tx the default path and which per-message overrides may be honoured. */
void usctp_pm_update_routes(struct usctp_assoc *a);
void usctp_pm_event(struct usctp_assoc *a, unsigned idx, enum usctp_addr_state st);
/* A counted error on path idx (T3 or heartbeat timeout): mark it inactive past Path.Max.Retrans. */
void usctp_pm_path_error(struct usctp_assoc *a, unsigned idx);
/* The path answered (HEARTBEAT ACK): errors cleared, active again. */
void usctp_pm_path_alive(struct usctp_assoc *a, unsigned idx);
/* Choose path idx's source address if it has none and one can be chosen. */
void usctp_pm_pick_local(struct usctp_assoc *a, unsigned idx);
/* Fill a packet's addresses for path idx. */
void usctp_pm_tx_info(const struct usctp_assoc *a, unsigned idx, struct usctp_tx_info *tx);

/* heartbeat.c (RFC 9260 8.3, 5.4) */
/* Establishment: probe unconfirmed paths, heartbeat idle confirmed ones. */
void usctp_hb_start(struct usctp_assoc *a, uint64_t now);
/* A path was added after establishment. */
void usctp_hb_path_added(struct usctp_assoc *a, unsigned idx, uint64_t now);
uint64_t usctp_hb_expiry(const struct usctp_assoc *a);
void usctp_hb_on_timer(struct usctp_assoc *a, uint64_t now);
void usctp_hb_on_ack(struct usctp_assoc *a, const struct usctp_chunk *c, uint64_t now);
/* HB.interval or the heartbeat switch of path idx changed: reschedule. */
void usctp_hb_settings_changed(struct usctp_assoc *a, unsigned idx, uint64_t now);
/* SPP_HB_DEMAND: a HEARTBEAT to path idx on the next write. STATE before
 * establishment or once shutting down past SHUTDOWN-ACK-SENT. */
int usctp_hb_demand(struct usctp_assoc *a, unsigned idx, uint64_t now);
/* A HEARTBEAT packet due for some path: written into buf (returns its length, 0: none). */
size_t usctp_hb_write(struct usctp_assoc *a, uint8_t *buf, size_t cap, uint64_t now,
		      struct usctp_tx_info *tx);

/* events.c */
struct usctp_event *usctp_ev_push(struct usctp_assoc *a, enum usctp_event_type type);
void usctp_ev_push_causes(struct usctp_assoc *a, enum usctp_event_type type, const uint8_t *causes,
			  size_t len);
void usctp_ev_free_all(struct usctp_assoc *a);
/* A RESTART to report once the old incarnations' messages now in a->rx are
 * read (see restart_ev); call after usctp_rx_inherit, then
 * usctp_ev_restarts_due. */
void usctp_ev_defer_restart(struct usctp_assoc *a, uint16_t os, uint16_t is);
/* Push the held-back RESTARTs now due: all of them if all, else those whose
 * old incarnations have been read (usctp_rx_old_done). */
void usctp_ev_restarts_due(struct usctp_assoc *a, bool all);

/* handshake.c */
int usctp_hs_build_init(struct usctp_assoc *a, struct usctp_wbuf *w);
void usctp_hs_on_init(struct usctp_assoc *a, const struct usctp_addr *from, const struct usctp_chunk *c,
		      uint64_t now);
int usctp_hs_on_init_ack(struct usctp_assoc *a, const struct usctp_addr *from, const struct usctp_chunk *c,
			 uint64_t now);
/* Returns 1 to continue with the packet's next chunks, 0 to discard the rest. */
int usctp_hs_on_cookie_echo(struct usctp_assoc *a, const struct usctp_addr *from,
			    const struct usctp_common_hdr *h, const struct usctp_chunk *c, uint64_t now);
void usctp_hs_on_cookie_ack(struct usctp_assoc *a, uint64_t now);
void usctp_hs_on_stale_cookie(struct usctp_assoc *a, uint32_t staleness_us, uint64_t now);
void usctp_hs_on_t1(struct usctp_assoc *a, uint64_t now);
/* Build an INIT ACK answering init (parsed) into a pending packet. */
int usctp_hs_answer_init(const struct usctp_assoc_config *cfg, struct usctp_cookie_key *key,
			 usctp_random_fn rnd, void *rnd_ctx, const struct usctp_addr *from,
			 uint16_t peer_port, const struct usctp_init_chunk *init,
			 const struct usctp_init_params *ip, uint32_t my_vtag, uint32_t my_itsn,
			 uint32_t local_tie, uint32_t peer_tie, uint64_t now, uint8_t *out, size_t cap);
/* Build the association described by a valid cookie (passive open or restart). */
void usctp_hs_establish(struct usctp_assoc *a, uint64_t now);
int usctp_hs_setup_from_cookie(struct usctp_assoc *a, const struct usctp_cookie *ck,
			       const struct usctp_addr *from);

/* shutdown.c */
void usctp_sd_on_shutdown(struct usctp_assoc *a, const struct usctp_chunk *c, uint64_t now);
void usctp_sd_on_shutdown_ack(struct usctp_assoc *a, uint64_t now);
void usctp_sd_on_shutdown_complete(struct usctp_assoc *a, uint64_t now);
void usctp_sd_on_abort(struct usctp_assoc *a, const struct usctp_chunk *c);
void usctp_sd_progress(struct usctp_assoc *a, uint64_t now);
void usctp_sd_on_t2(struct usctp_assoc *a, uint64_t now);
void usctp_sd_on_t5(struct usctp_assoc *a, uint64_t now);
/* Send an ABORT (T bit clear, peer's tag) carrying causes and terminate. */
void usctp_sd_abort_with(struct usctp_assoc *a, const uint8_t *causes, size_t len);

/* data.c */
/* Returns 0, or 1 if the association was aborted (stop processing). */
int usctp_data_on_data(struct usctp_assoc *a, const struct usctp_chunk *c, bool *immediate);
void usctp_data_on_sack(struct usctp_assoc *a, const struct usctp_chunk *c, uint64_t now);
void usctp_data_on_fwd_tsn(struct usctp_assoc *a, const struct usctp_chunk *c);
void usctp_data_after_packet(struct usctp_assoc *a, bool had_data, bool immediate, uint64_t now);
void usctp_data_on_t3(struct usctp_assoc *a, unsigned path, uint64_t now);
void usctp_data_on_sack_timer(struct usctp_assoc *a, uint64_t now);
bool usctp_data_can_send(const struct usctp_assoc *a);

#endif
