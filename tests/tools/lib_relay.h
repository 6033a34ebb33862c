/*
 * Helpers for the relay tests: run the real usctp-relay binary as a child
 * process on loopback, and plain UDP sockets to talk through it.
 */
#ifndef USCTP_TEST_LIB_RELAY_H
#define USCTP_TEST_LIB_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rl_proc {
	pid_t pid;
	int out_fd; /* the child's stdout and stderr */
	char out[65536];
	size_t out_len;
	int status; /* exit status once stopped, 128+signal if killed */
};

/* The usctp-relay binary: $USCTP_RELAY, else found next to the build tree. */
const char *rl_relay_path(void);

/* A port base unlikely to clash with other tests: 20000 + (pid % 2500) * 4; use base..base+3. */
uint16_t rl_base_port(void);

/*
 * Starts the relay with args (NULL-terminated, without argv[0]) and waits up to
 * 3 s for its ready line. Returns 0 when ready; -1 if it exited (p->status set)
 * or did not get ready (then it is killed).
 */
int rl_start(struct rl_proc *p, const char *const *args);

/* SIGTERM, collect the output, reap. Returns the exit status. */
int rl_stop(struct rl_proc *p);

/* Runs the relay to completion (killed after timeout_ms). Returns the exit status. */
int rl_run(struct rl_proc *p, const char *const *args, int timeout_ms);

/* The counter name of direction dir ("c2s"/"s2c") in the last counters line; -1 if absent. */
long long rl_counter(const struct rl_proc *p, const char *dir, const char *name);

/* A UDP socket bound to 127.0.0.1:port (0: any port), with a large receive buffer. */
int rl_udp(uint16_t port);
/* Sends to 127.0.0.1:port. Returns 0 on success. */
int rl_send(int fd, uint16_t port, const void *buf, size_t len);
/* Receives one datagram within timeout_ms. Returns its length, or -1 on timeout. */
ssize_t rl_recv(int fd, void *buf, size_t cap, int timeout_ms, uint16_t *from_port);

/*
 * Test datagrams: seq in the first 4 bytes, then a pattern derived from seq,
 * 20..1219 bytes long. rl_dgram fills buf (>= 1220 bytes) and returns the
 * length; rl_dgram_check returns the seq of an intact one, or -1.
 */
size_t rl_dgram(uint8_t *buf, uint32_t seq);
long rl_dgram_check(const uint8_t *buf, size_t len);

/*
 * Sends datagrams 0..n-1 from cli to 127.0.0.1:lport, draining srv as it
 * goes (paced, so no socket buffer overflows), then waits until settle_ms
 * pass with nothing arriving. counts[seq] counts intact arrivals; returns how
 * many arrivals were not intact test datagrams (corrupted).
 */
int rl_pump(int cli, uint16_t lport, int srv, uint32_t n, int *counts, int settle_ms);

/* Starts "--listen lport --target 127.0.0.1:sport" plus extra args. */
int rl_start_pair(struct rl_proc *p, uint16_t lport, uint16_t sport, const char *const *extra);

/* Monotonic milliseconds. */
uint64_t rl_now_ms(void);
void rl_sleep_ms(unsigned ms);

#endif
