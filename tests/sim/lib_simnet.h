/*
 * A discrete-event network simulator on one virtual clock, for tests.
 *
 * Two nodes, each holding at most one usctp association (node 0 is the
 * client, made with usctp_assoc_new + connect; node 1 the server, whose
 * association is made by usctp_endpoint_handle_ootb from the first packets).
 * One link per direction with seeded impairments: loss, reordering,
 * duplication, bit corruption, delay + jitter, a bandwidth limit with a
 * bounded queue (tail drop) and a black-hole window. Everything random comes
 * from the seed, so a run is fully determined by it.
 *
 * The run loop jumps the clock to the next event (a packet delivery, an
 * association timer or an application wake-up), feeds the association,
 * drains its packets into the links and its events into the application.
 */
#ifndef USCTP_TESTS_SIMNET_H
#define USCTP_TESTS_SIMNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/assoc.h"
#include "core/endpoint.h"
#include "testutil.h"

#define SIM_NS_PER_MS 1000000ull
#define SIM_NS_PER_S 1000000000ull
#define SIM_MAX_PKT 9216

/* Impairments of one direction. Probabilities are 0..1. */
struct sim_link_cfg {
	double loss;
	double dup;		     /* a second copy, delivered a little later */
	double reorder;		     /* fraction of packets held back... */
	uint64_t reorder_max_ns;     /* ...by a random extra delay up to this */
	double corrupt;		     /* flip 1..3 random bits */
	uint64_t delay_ns;	     /* fixed one-way delay */
	uint64_t jitter_ns;	     /* plus uniform [0, jitter] */
	uint64_t bw_bps;	     /* bits per second; 0: unlimited */
	uint32_t queue_bytes;	     /* bottleneck queue bound (tail drop); 0: 64 KiB */
	uint64_t blackhole_start_ns; /* drop everything sent in [start, end) */
	uint64_t blackhole_end_ns;
};

struct sim_link_stats {
	uint64_t sent, delivered, lost, tail_dropped, blackholed, duplicated, corrupted;
};

struct sim;

/* What a node does with the packets and events of its association: the test's
 * application model. Every hook is optional. */
struct sim_app_ops {
	/* One event popped from the node's association (cleared after return). */
	void (*on_event)(struct sim *s, int node, const struct usctp_event *ev, void *ctx);
	/* Called after every step that touched the node: read and send here. */
	void (*on_step)(struct sim *s, int node, void *ctx);
	/* A new association appeared on the node (server side). */
	void (*on_new_assoc)(struct sim *s, int node, void *ctx);
};

struct sim_node {
	struct usctp_assoc *assoc;     /* NULL before accept / after it is freed */
	struct usctp_assoc_config cfg; /* server: the listener's template */
	struct usctp_addr addr;
	struct tu_rng core_rng; /* randomness given to the core */
	bool listening;		/* answers INIT (server until it accepted) */
	bool accept_once;	/* stop listening after the first association */
	unsigned assocs_made;
	uint64_t wake_at; /* application wake-up (USCTP_TIME_NEVER: none) */
	/* Packets carrying a flipped bit that the core nevertheless accepted. */
	uint64_t corrupt_delivered, corrupt_accepted, corrupt_undetectable;
	uint64_t ootb_in, ootb_replies;
	struct usctp_assoc_status last_status; /* snapshot taken before the assoc is freed */
	struct usctp_assoc_stats last_stats;
	bool had_assoc;
};

/* Raw delivery hook (the simulator's own unit tests replace the default,
 * which feeds the node's association). */
typedef void (*sim_deliver_fn)(struct sim *s, int node, const uint8_t *pkt, size_t len, bool corrupted,
			       void *ctx);

struct sim_ev; /* a packet in flight */

struct sim {
	uint64_t seed;
	uint64_t now;
	struct tu_rng net_rng;
	struct sim_ev **heap;
	size_t heap_len, heap_cap;
	uint64_t ev_seq; /* tie-break: equal times pop in insertion order */
	struct sim_node node[2];
	struct sim_link_cfg link[2]; /* link[i]: from node i to node 1 - i */
	struct sim_link_stats lstats[2];
	uint64_t busy_until[2]; /* bandwidth: when the link's queue drains */
	uint64_t trace_hash;	/* FNV-1a over every packet sent and delivered */
	uint64_t steps;
	uint64_t max_time_ns, max_steps;
	struct usctp_cookie_key *cookie_key;
	struct tu_rng key_rng;
	const struct sim_app_ops *app;
	void *app_ctx;
	sim_deliver_fn deliver;
	void *deliver_ctx;
	bool verbose;	   /* print every packet (USCTP_SIM_VERBOSE=1) */
	bool quiet;	   /* print nothing (expected failures) */
	bool both_connect; /* node 1 connects too, at the same time (INIT collision, RFC 9260 5.2) */
};

/* Set up two nodes with default configs (the caller may then edit
 * s->node[i].cfg and s->link[i] before sim_start). Addresses 10.0.0.1 and
 * 10.0.0.2, UDP port 9899, SCTP ports 5001 -> 5002. */
void sim_init(struct sim *s, uint64_t seed);
/* Create the cookie key and the client association (connect at now). 0 or < 0. */
int sim_start(struct sim *s);
/* The client crashes (its association is freed without a word to the peer)
 * and connects again from the same address and ports. 0 or < 0. */
int sim_restart_client(struct sim *s);
/* Free everything: associations (drained), packets in flight, the key. */
void sim_free(struct sim *s);

/* Put a packet on link `from` -> 1 - from at s->now, applying impairments. */
void sim_link_send(struct sim *s, int from, const uint8_t *pkt, size_t len);

/* Earliest next thing to happen (USCTP_TIME_NEVER: nothing). */
uint64_t sim_next_time(const struct sim *s);
/*
 * Advance to the next event and process it. Returns 1 if a step was taken,
 * 0 if nothing is scheduled, -1 if the time or step limit was hit.
 */
int sim_step(struct sim *s);
/*
 * Step until done(s, ctx) is true (returns 0), nothing is left to do (1) or
 * a limit is hit (-1).
 */
int sim_run(struct sim *s, bool (*done)(struct sim *s, void *ctx), void *ctx);

/* Feed the node's association: drain its packets into the link and its
 * events into the app, free it once dead. Call after any user call on it. */
void sim_service(struct sim *s, int node);

/* Print the seed, the clock, the links and both associations' status. */
void sim_dump(const struct sim *s, const char *why);

/* A profile of impairments by name, applied to both directions. */
enum sim_profile {
	SIM_CLEAN = 0,
	SIM_LOSSY, /* loss 1..20 % */
	SIM_REORDER,
	SIM_DUP,
	SIM_CORRUPT,
	SIM_JITTER,	/* delay + jitter */
	SIM_BANDWIDTH,	/* bandwidth limit with a small queue */
	SIM_MIXED,	/* a bit of everything */
	SIM_BOTTLENECK, /* clean 10 Mbit/s, 40 ms RTT, a queue of about two BDPs */
	SIM_NUM_PROFILES
};
const char *sim_profile_name(enum sim_profile p);
/* Draw the profile's parameters from the net rng into both links. */
void sim_apply_profile(struct sim *s, enum sim_profile p);

#endif
