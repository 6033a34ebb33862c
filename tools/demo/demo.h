/*
 * usctp-demo's parts: the two endpoints (tools/demo/peer.c), each run in its
 * own forked process with its own usctp runtime, and the orchestrator
 * (tools/usctp-demo.c) that starts them and the impairment relay between
 * them and prints the summary.
 */
#ifndef USCTP_TOOLS_DEMO_H
#define USCTP_TOOLS_DEMO_H

#include <stdint.h>

#include "usctp.h"

#define DEMO_STREAMS 8
#define DEMO_MAX_MSG 16384
#define DEMO_SCTP_PORT 5001 /* SCTP port: each runtime has its own UDP port, so fixed is fine */

struct demo_cfg {
	uint64_t messages;
	uint64_t seed;
	uint16_t server_udp, client_udp, relay_udp;
	double deadline; /* tool_now() time by which a peer gives up */
};

/* What one endpoint reports back to the orchestrator through a pipe. */
struct demo_result {
	int ok;	       /* everything delivered, verified and closed gracefully */
	int port_busy; /* usctp_init failed with EADDRINUSE: try another port */
	char why[200]; /* first failure, in plain words */
	uint64_t msgs_out, bytes_out, msgs_in, bytes_in, unordered_in;
	int have_stats, graceful;
	struct usctp_stats st;
	double elapsed;			  /* seconds from association up to last echo */
	double rtt_min, rtt_med, rtt_max; /* client: send -> echo back, seconds */
};

/* Message i of a run: its stream, whether unordered, its length (1..16 KiB). */
struct demo_msg {
	uint16_t stream;
	int unordered;
	uint32_t len;
	uint64_t key; /* fills the payload */
};

void demo_msg_spec(uint64_t seed, uint64_t i, struct demo_msg *m);
void demo_msg_fill(const struct demo_msg *m, uint8_t *buf);

/* Run one endpoint; fill *r. ready_fd (server): a byte is written once it listens. */
void demo_server(const struct demo_cfg *c, int ready_fd, struct demo_result *r);
void demo_client(const struct demo_cfg *c, struct demo_result *r);

#endif
