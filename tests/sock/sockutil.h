/* Helpers for the socket tests (tests/sock/lib_sockutil.c). */
#ifndef USCTP_TESTS_SOCKUTIL_H
#define USCTP_TESTS_SOCKUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* A UDP port free on both IPv4 and IPv6 right now (the kernel picks it). */
uint16_t su_free_udp_port(void);
/* Monotonic milliseconds. */
uint64_t su_ms(void);
/* Fill a sockaddr for 127.0.0.1 or ::1 (family AF_INET / AF_INET6) and port. */
socklen_t su_loopback(int family, uint16_t port, struct sockaddr_storage *ss);
/* poll(fd, events) with a timeout in ms; returns revents (0 on timeout). */
short su_poll(int fd, short events, int timeout_ms);

#include "usctp.h"

/* Start the runtime on a fresh UDP port; returns it. */
uint16_t su_start(void);
/* Make fd's future associations use remote UDP port (the same process's
 * runtime, in one-process tests). */
void su_encaps(int fd, uint16_t udp_port);
/* A one-to-one listener on loopback (family) with an ephemeral SCTP port;
 * *port gets it. */
int su_listener(int family, int type, uint16_t *port);
/* Subscribe fd to one notification type. */
void su_subscribe(int fd, uint16_t type);
/* sctp_recvmsg with a poll timeout first: -2 on timeout. */
ssize_t su_recv(int fd, void *buf, size_t len, struct sctp_sndrcvinfo *si, int *flags, int timeout_ms);
/* Receive until a notification of this type arrives (data is skipped);
 * returns its length or -1 on timeout. */
ssize_t su_wait_notification(int fd, uint16_t type, void *buf, size_t len, int timeout_ms);
/* How many times a thread began to block on fd, ever (0 if fd is not a
 * usctp socket). */
uint64_t su_waits(int fd);
/* Wait (bounded) until a thread blocks on fd after `since` waits had begun:
 * it is then inside a usctp call on fd, waiting. True if it did. */
bool su_blocked_after(int fd, uint64_t since, int timeout_ms);
#endif
