/*
 * usctp-relay: an impairment relay for SCTP over UDP (or any UDP traffic).
 * Shared declarations of the relay's three parts: options (opts.c), the
 * bounded delay queue (queue.c) and the event loop (tools/usctp-relay.c).
 */
#ifndef USCTP_RELAY_H
#define USCTP_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/* Exit statuses, documented in --help and docs/interop.md. */
#define RELAY_EXIT_OK 0	     /* stopped by SIGINT/SIGTERM or --duration */
#define RELAY_EXIT_RUNTIME 1 /* an I/O error the relay cannot go on after */
#define RELAY_EXIT_USAGE 2   /* bad option or value (rate, port, window...) */
#define RELAY_EXIT_BIND 3    /* cannot bind the listen address (e.g. in use) */
#define RELAY_EXIT_RESOLVE 4 /* cannot resolve or parse a host */

#define RELAY_C2S 0 /* client -> target */
#define RELAY_S2C 1 /* target -> client */

#define RELAY_MAX_BLACKHOLES 16
#define RELAY_MAX_DGRAM 65536
#define RELAY_DEFAULT_QUEUE 512
#define RELAY_MAX_QUEUE 65536

/* Impairments of one direction; probabilities are in [0, 1]. */
struct relay_impair {
	double drop, dup, reorder, corrupt;
	uint32_t delay_ms, jitter_ms;
};

struct relay_window {
	uint64_t start_ms, dur_ms;
};

struct relay_opts {
	struct sockaddr_storage listen, target;
	socklen_t listen_len, target_len;
	char listen_text[96], target_text[96];
	struct relay_impair imp[2];
	uint32_t reorder_ms; /* extra delay that makes a packet late */
	uint64_t seed;
	struct relay_window bh[RELAY_MAX_BLACKHOLES];
	int n_bh;
	uint32_t queue_slots;
	uint32_t stats_ms;    /* 0: counters only on exit */
	uint64_t duration_ms; /* 0: run until a signal */
};

/*
 * Parses argv into o. Returns 0 to run, -1 when --help was printed (exit 0),
 * or a RELAY_EXIT_* status after printing the reason to err.
 */
int relay_parse(int argc, char **argv, struct relay_opts *o, FILE *err);
void relay_usage(FILE *out, const char *prog);

/*
 * The delay queue: a fixed number of slots, each holding one datagram up to
 * RELAY_MAX_DGRAM bytes (buffers allocated on first use, then reused), in a
 * binary heap ordered by due time, then by arrival (stable for equal times).
 */
struct relay_pkt {
	uint64_t due_ns, seq;
	int dir;
	size_t len;
	uint8_t *buf;
};

struct relay_queue {
	struct relay_pkt *slots; /* cap entries; heap[] indexes them */
	uint32_t *heap, *free_list;
	uint32_t cap, n, n_free;
	uint64_t next_seq;
};

int relay_queue_init(struct relay_queue *q, uint32_t cap);
void relay_queue_free(struct relay_queue *q);
/* Copies the datagram in; returns 0, or -1 when the queue is full. */
int relay_queue_push(struct relay_queue *q, int dir, const void *data, size_t len, uint64_t due_ns);
/* The earliest packet, or NULL when empty. */
const struct relay_pkt *relay_queue_peek(const struct relay_queue *q);
void relay_queue_pop(struct relay_queue *q);

#endif
