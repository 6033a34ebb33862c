/*
 * usrsctp_peer (see main.c for what it is): the usrsctp side. Options,
 * message format, verification and summary are shared with usctp_peer in
 * ../common/ so both peers behave identically.
 */
#ifndef USCTP_USRSCTP_PEER_H
#define USCTP_USRSCTP_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <usrsctp.h>

#include "../common/peer_common.h"

/* What one recvv call gave: data (possibly part of a message) or a notification. */
struct rx {
	ssize_t n; /* >0 bytes, 0 EOF, -1 error (errno), -2 would block */
	int flags;
	struct rinfo ri;
};

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
/* Whether everything sent on association id was acknowledged (bounded wait). */
void wait_drained(struct socket *s, sctp_assoc_t id, uint64_t max_ms);

/* Before we send SHUTDOWN: late packets of the association get no ABORT. */
void quiet_to_stragglers(void);

/* Waits (bounded) until the one-to-one socket's association is gone. */
void wait_gone(struct socket *c, uint64_t max_ms);

/* server.c, client.c: each returns 0 when the run could be judged (see st). */
int run_server(void);
int run_client(void);

#endif
