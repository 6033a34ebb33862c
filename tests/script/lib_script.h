/*
 * Packet-level scripted tests, in the spirit of packetdrill: one association
 * (or the endpoint function) driven with exact packets at exact virtual
 * times; the packets, events and timer deadlines that come out are asserted.
 *
 * The test plays the peer by hand ("the script"): it builds every packet it
 * sends with the wire builders and inspects every packet the association
 * writes.
 */
#ifndef USCTP_LIB_SCRIPT_H
#define USCTP_LIB_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "testutil.h"

#include "core/assoc.h"
#include "core/endpoint.h"
#include "wire/wire.h"

#define SCR_LOCAL_PORT 5000
#define SCR_PEER_PORT 5001
#define SCR_MAX_OUT 32
#define SCR_PKT_MAX 2048
#define SCR_T0 (10ull * 1000 * USCTP_NS_PER_MS) /* virtual time starts at 10 s */
#define MS(x) ((uint64_t)(x)*USCTP_NS_PER_MS)

struct scr_pkt {
	uint8_t b[SCR_PKT_MAX];
	size_t len;
	struct usctp_tx_info ti; /* where the association sent it */
};

struct scr {
	struct usctp_assoc_config cfg; /* the association's config (edit before connect/accept) */
	struct usctp_assoc *a;
	struct usctp_cookie_key *key;
	struct tu_rng rng;
	uint64_t now;
	struct usctp_addr peer; /* the script's address */
	uint32_t peer_tag;	/* the script's tag: what the association puts in its packets */
	uint32_t peer_tsn;	/* next TSN the script sends */
	uint32_t peer_rwnd;	/* a_rwnd the script announces */
	uint16_t peer_os, peer_mis;
	uint8_t init_params[256]; /* extra parameters for the script's INIT (scr_accept) */
	size_t init_params_len;
	uint32_t our_tag;		 /* the association's tag */
	uint32_t our_itsn;		 /* the association's initial TSN */
	struct scr_pkt out[SCR_MAX_OUT]; /* packets written by the last scr_flush */
	unsigned nout;
};

void scr_init(struct scr *s, uint64_t seed);
void scr_free(struct scr *s);

/* Packet building (the script's packets). */
void scr_begin(struct usctp_wbuf *w, uint8_t *buf, size_t cap, uint32_t vtag);
/* Finish (checksum) and feed to the association; returns read_pkt's result. */
int scr_feed(struct scr *s, struct usctp_wbuf *w);
/* Build one packet with one chunk (opaque value) and feed it. */
int scr_feed_chunk(struct scr *s, uint32_t vtag, uint8_t type, uint8_t flags, const void *val, size_t len);
int scr_feed_data(struct scr *s, uint32_t tsn, uint16_t sid, uint16_t ssn, uint8_t flags, const void *p,
		  size_t len);
int scr_feed_sack(struct scr *s, uint32_t cum, uint32_t rwnd, const struct usctp_gap_block *gaps,
		  unsigned ngaps);

/* Collect every packet the association has to send now (into s->out). */
unsigned scr_flush(struct scr *s);
/* Flush and assert exactly n packets came out. */
void scr_expect_npkts(struct scr *s, unsigned n);
/* Chunk i of packet p (asserts it exists). */
struct usctp_chunk scr_chunk(const struct scr_pkt *p, unsigned i);
unsigned scr_nchunks(const struct scr_pkt *p);
uint32_t scr_vtag(const struct scr_pkt *p);
/* Assert packet p's chunk types are exactly the list (terminated by -1). */
void scr_assert_types(const struct scr_pkt *p, ...);

/* Time: move to t, running every timer due on the way, in order. */
void scr_run_until(struct scr *s, uint64_t t);
void scr_advance(struct scr *s, uint64_t dt);
uint64_t scr_expiry(struct scr *s);

/* Events: pop the next one and assert its type (returns it; clear it yourself
 * with usctp_event_clear, or use scr_expect_event). */
struct usctp_event scr_pop_event(struct scr *s, enum usctp_event_type type);
void scr_expect_event(struct scr *s, enum usctp_event_type type);
void scr_expect_no_event(struct scr *s);
void scr_drain_events(struct scr *s);

/* Whole handshakes, leaving the association ESTABLISHED and no packets or events pending. */
void scr_connect(struct scr *s); /* the association opens actively */
void scr_accept(struct scr *s);	 /* the association is created by the endpoint from our COOKIE ECHO */
/* scr_accept with the COOKIE ECHO echo_delay after the INIT (scr_accept: 10 ms). */
void scr_accept_after(struct scr *s, uint64_t echo_delay);
/* Build an INIT (script side) with tag / itsn into a packet buffer; returns length. */
size_t scr_build_init(struct scr *s, uint8_t *buf, size_t cap, uint32_t tag, uint32_t itsn,
		      const void *params, size_t plen);

/* Queue a message on the association. */
int scr_send_msg(struct scr *s, uint16_t sid, const void *data, size_t len);

/* First cause code of an ABORT / ERROR chunk. */
uint16_t scr_first_cause(const struct usctp_chunk *c);

/* Address values: a.b.c.d, and an IPv6 address first::last. */
struct usctp_ipaddr scr_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
struct usctp_ipaddr scr_ip6(uint8_t first, uint8_t last);

#endif
