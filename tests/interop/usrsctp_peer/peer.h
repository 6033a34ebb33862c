/*
 * usrsctp_peer (see main.c for what it is): the pieces shared by its files,
 * util.c, msg.c, sock.c, server.c and client.c.
 */
#ifndef USCTP_USRSCTP_PEER_H
#define USCTP_USRSCTP_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <usrsctp.h>

#define HDR 16
#define MAX_MSG 65536
#define MAX_STREAMS 1024
#define MAX_ASSOCS 16
#define PPID_BASE 0xa5a50000u
#define F_UNORDERED 1

enum role { ROLE_NONE, ROLE_SERVER, ROLE_CLIENT };
enum mode { MODE_ECHO, MODE_DISCARD };
enum end { END_CLOSE, END_EOF, END_ABORT, END_ABORT_FLAG };

struct opts {
	enum role role;
	enum mode mode;
	enum end end;
	int one_to_many;
	uint16_t udp_port, remote_udp_port, sctp_port;
	const char *host; /* client: server address; server: bind address */
	uint32_t messages, min, max, streams, pr_ttl_ms, assocs;
	long long expect; /* server: messages expected in total, -1 unknown */
	double unordered;
	uint64_t seed;
	unsigned timeout_s;
	uint32_t rto_min, rto_initial, rto_max; /* ms; 0: usrsctp's defaults */
	uint32_t linger_ms;
	int verbose;
	int expect_abort; /* server: associations must end by ABORT, not SHUTDOWN */
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

/* What one recvv call gave: data (possibly part of a message) or a notification. */
struct rx {
	ssize_t n; /* >0 bytes, 0 EOF, -1 error (errno), -2 would block */
	int flags;
	struct sctp_rcvinfo ri;
	int have_ri;
};

/* util.c: the run's options, counters and clock; failures are counted. */
extern struct opts o;
extern struct stats st;
extern uint64_t t_start;
extern int family; /* AF_INET or AF_INET6, from --host */
uint64_t now_ms(void);
void sleep_us(unsigned us);
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* msg.c: the message format and its verification. */
void build(uint8_t *buf, const struct msg *m);
int check_msg(const uint8_t *buf, size_t len, const struct sctp_rcvinfo *ri, int have_ri, struct msg *m);

/* sock.c: usrsctp plumbing. */
void setopt(struct socket *s, int level, int name, const void *v, socklen_t len, const char *what);
void sock_setup(struct socket *s);
socklen_t make_addr(struct sockaddr_storage *ss, const char *host, uint16_t port);
struct rx receive(struct socket *s, uint8_t *buf, size_t cap);
/* The sac_state of an association change, NOTE_PEER_SHUTDOWN, or 0 for others. */
#define NOTE_PEER_SHUTDOWN 0x100
int notification(const uint8_t *buf, size_t len, sctp_assoc_t *id);
/* Sends one whole message: 1 sent, 0 would block, -1 error (errno). */
int send_msg(struct socket *s, const uint8_t *buf, size_t len, uint16_t sid, uint32_t ppid, int unordered,
	     sctp_assoc_t id, uint32_t ttl_ms);

/* server.c, client.c: each returns 0 when the run could be judged (see st). */
int run_server(void);
int run_client(void);

#endif
