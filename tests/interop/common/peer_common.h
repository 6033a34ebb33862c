/*
 * The interop test peers' shared part: options, counters, the message format
 * and its verification, the client's plan, the summary line. Nothing here
 * knows an SCTP stack: usrsctp_peer/ (on usrsctp) and usctp_peer/ (on usctp)
 * add their own socket code, so both parse and verify identically.
 */
#ifndef USCTP_INTEROP_PEER_COMMON_H
#define USCTP_INTEROP_PEER_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HDR 16
#define MAX_MSG 262144
#define MAX_STREAMS 1024
#define MAX_ASSOCS 64
#define PPID_BASE 0xa5a50000u
#define F_UNORDERED 1

enum role { ROLE_NONE, ROLE_SERVER, ROLE_CLIENT };
enum mode { MODE_ECHO, MODE_DISCARD };
enum end { END_CLOSE, END_EOF, END_ABORT, END_ABORT_FLAG, END_PEER_EOF, END_PEER_ABORT };
enum sizes { SIZES_UNIFORM, SIZES_LOG };

#define MAX_HOSTS 2

struct opts {
	enum role role;
	enum mode mode;
	enum end end;
	enum sizes sizes;
	int one_to_many;
	uint16_t udp_port, remote_udp_port, sctp_port, local_port;
	/* client: the server's addresses; server: bind addresses (first is primary) */
	const char *host[MAX_HOSTS];
	const char *local[MAX_HOSTS]; /* client: local addresses to bind (multi-homing) */
	int n_host, n_local;
	uint32_t messages, min, max, streams, pr_ttl_ms, assocs;
	long long expect; /* server: messages expected in total, -1 unknown */
	double unordered;
	uint64_t seed;
	unsigned timeout_s;
	uint32_t rto_min, rto_initial, rto_max; /* ms; 0: the stack's defaults */
	uint32_t linger_ms;
	uint32_t pace_us; /* client: pause between sends (multi-homing: a long transfer) */
	uint32_t hb_ms;	  /* heartbeat interval, 0: the stack's default */
	uint32_t mtu;	  /* fixed path MTU, 0: the stack's choice */
	int verbose;
	int expect_abort; /* server: associations must end by ABORT, not SHUTDOWN */
	int abort_first;  /* server: abort each association after o.expect messages */
	int eof_first;	  /* server: shut each association down after o.expect messages */
};

struct stats {
	uint64_t sent, received, bytes_sent, bytes_received;
	uint64_t errors, order_violations, duplicates, missing, gaps;
	uint64_t assocs_up, assocs_done, aborted;
};

struct msg {
	uint32_t idx, len, sseq;
	uint16_t sid;
	uint8_t flags;
};

/* What the stack said about a received message. */
struct rinfo {
	uint32_t assoc;
	uint32_t ppid; /* network order, as on the wire */
	uint16_t sid;
	int unordered;
	int valid;
};

extern const char *peer_name; /* "usrsctp_peer" or "usctp_peer", set by each main.c */
extern struct opts o;
extern struct stats st;
extern uint64_t t_start;
extern int family; /* AF_INET or AF_INET6, from --host */

/* util.c */
uint64_t now_ms(void);
void sleep_us(unsigned us);
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* opts.c: parses argv into o (0, or -1 after a message: exit 2); the summary line. */
int parse_args(int argc, char **argv);
/* Prints the key=value summary; returns the exit status (0 ok, 1 failed). */
int summary(int rc);
/* The watchdog: exit 3 after s seconds whatever happens. */
void watchdog(unsigned s);

/* msg.c */
void build(uint8_t *buf, const struct msg *m);
/*
 * Checks a whole received message: content byte for byte, length, stream,
 * PPID, unordered flag, and per association and stream the order of ordered
 * messages. Messages shorter than HDR carry no header: their index comes
 * from the PPID. Returns 0 if it passes (m filled), -1 after fail().
 */
int check_msg(const uint8_t *buf, size_t len, const struct rinfo *ri, struct msg *m);
/* The client's messages, drawn from o.seed: sizes, streams, unordered share. */
struct msg *make_plan(void);
/* PPID of message idx, network order. */
uint32_t msg_ppid(uint32_t idx);

#endif
