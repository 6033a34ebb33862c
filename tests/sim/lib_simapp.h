/*
 * The application model of the simulated-network tests: each node sends a
 * planned list of messages (each with a unique id carried in the PPID and a
 * payload derived from that id, so every byte can be checked), reads
 * everything it can, and checks each delivery against the sender's log:
 * exactly once, intact, on the right stream, ordered streams in order.
 */
#ifndef USCTP_TESTS_SIMAPP_H
#define USCTP_TESTS_SIMAPP_H

#include "lib_simnet.h"

enum simapp_shutdown {
	SIMAPP_SHUT_NONE = 0, /* stop once everything is delivered */
	SIMAPP_SHUT_CALL,     /* node 0 calls usctp_assoc_shutdown after its last send */
	SIMAPP_SHUT_EOF,      /* node 0 sends its last message with USCTP_SEND_EOF */
};

struct simapp_scenario {
	enum sim_profile profile;
	unsigned msgs[2]; /* messages sent by node 0 and node 1 */
	bool big;	  /* a few messages larger than the receiver's rcvbuf */
	enum simapp_shutdown shutdown;
	bool blackhole;
	bool restart; /* once all is delivered the client crashes and reconnects; then again */
	bool abort;   /* node 0 calls usctp_assoc_abort part-way through its messages */
	bool idle;    /* with blackhole: the lights go out once everything is delivered */
	unsigned idle_hours;
	/* without blackhole: stay up this long once everything is delivered */ /* both links go dark for
										   longer than the
										   association survives */
	uint64_t max_time_ns; /* 0: 1 hour of virtual time */
	int closer;	      /* the node that shuts down (0 or 1) */
	uint32_t read_budget; /* slow reader: bytes per read_every_ms (0: read everything at once) */
	uint32_t read_every_ms;
	bool no_checksum;	  /* harness self-test only: the cores do not verify the CRC32c */
	bool random_config;	  /* draw buffers, MTU, streams, RTO, SACK and burst settings from the seed */
	bool pr;		  /* PR-SCTP: some messages with RTX or TTL policies */
	bool both_connect;	  /* both nodes connect at once (INIT collision) */
	uint32_t fixed_len;	  /* every message this long (0: a mix of sizes) */
	uint64_t min_goodput_bps; /* node 0's bytes / (last delivery - COMM_UP) must reach this */
	bool quiet;		  /* do not print the failure dump (expected failures) */
	uint32_t mtu, mtu_base;	  /* both nodes' cfg.mtu (0: the default) and cfg.mtu_base */
	uint32_t rcvbuf;	  /* both nodes' cfg.rcvbuf (0: the default) */
	const struct sim_link_cfg *link[2]; /* link[i]: node i -> 1 - i (NULL: the profile's) */
	uint32_t send_burst;	  /* paced senders: send_burst messages every send_every_ms (0: no pacing) */
	uint32_t send_every_ms;
};

struct simapp_result {
	uint64_t trace_hash;
	uint64_t now, steps;
	uint64_t corrupt_delivered, corrupt_accepted;
	unsigned delivered[2], failed[2]; /* per sending node */
	unsigned interleaved_same_sid;
	unsigned pd_aborts;
	uint64_t goodput_bps;	      /* node 0 to node 1, from COMM_UP to the last delivery */
	unsigned aborted_after_close; /* peer ended by an ABORT racing SHUTDOWN COMPLETE */
	unsigned interleaved;	      /* pieces of one message read between pieces of another */
	uint64_t t3_timeouts[2], pmtu_fallbacks[2]; /* per node */
};

/*
 * Run one scenario with one seed. Returns true if every property held; on
 * failure prints why, the seed, how to replay it and both associations.
 */
bool simapp_run(uint64_t seed, const struct simapp_scenario *sc, struct simapp_result *res);

/*
 * Run seeds first..first+count-1 (USCTP_SIM_SCALE=n: n times as many, for soak
 * runs; or only USCTP_SEED when it is set and within first..first+999),
 * printing one summary line. Returns the number of failed seeds.
 */
unsigned simapp_run_seeds(const char *name, uint64_t first, unsigned count, const struct simapp_scenario *sc);

#endif
