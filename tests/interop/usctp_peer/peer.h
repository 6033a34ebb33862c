/*
 * usctp_peer: the interop test peer on usctp, written only against
 * include/usctp.h. Command line, message format, verification and summary
 * are ../common/'s, shared with usrsctp_peer, so a scenario runs with either
 * stack on either side (docs/interop.md).
 */
#ifndef USCTP_INTEROP_USCTP_PEER_H
#define USCTP_INTEROP_USCTP_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <usctp.h>

#include "../common/peer_common.h"

/* What one sctp_recvmsg call gave: data (possibly part of a message) or a notification. */
struct rx {
	ssize_t n; /* >0 bytes, 0 EOF, -1 error (errno), -2 would block */
	int flags;
	struct rinfo ri;
};

#define NOTE_PEER_SHUTDOWN 0x100

/* sock.c */
void setopt(int sd, int level, int name, const void *v, socklen_t len, const char *what);
void sock_setup(int sd);
socklen_t make_addr(struct sockaddr_storage *ss, const char *host, uint16_t port);
/* Packs n addresses for sctp_bindx / sctp_connectx; returns the count. */
int pack_addrs(uint8_t *out, const char *const *hosts, int n, uint16_t port);
struct rx receive(int sd, uint8_t *buf, size_t cap);
/* The sac_state of an association change, NOTE_PEER_SHUTDOWN, or 0 for others. */
int notification(const uint8_t *buf, size_t len, sctp_assoc_t *id);
/* Sends one whole message: 1 sent, 0 would block, -1 error (errno). */
int send_msg(int sd, const uint8_t *buf, size_t len, uint16_t sid, uint32_t ppid, int unordered,
	     sctp_assoc_t id, uint32_t ttl_ms);
/* Sends an empty message with flags (SCTP_EOF, SCTP_ABORT). */
int send_flags(int sd, sctp_assoc_t id, uint16_t flags);
/* Waits (bounded) until everything sent on id is acknowledged. */
void wait_drained(int sd, sctp_assoc_t id, uint64_t max_ms);
/* Waits up to ms for sd to become readable (or writable too, if out). */
void wait_io(int sd, int out, int ms);

/*
 * Waits (bounded) until the one-to-one socket's association is gone: a
 * graceful end must finish before usctp_finish, which aborts what is left.
 */
void wait_gone(int sd, uint64_t max_ms);

int run_server(void);
int run_client(void);

#endif
