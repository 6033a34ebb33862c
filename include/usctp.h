/*
 * usctp: SCTP in user space, over UDP encapsulation (RFC 6951).
 *
 * The one public header: the SCTP sockets API of RFC 6458 and FreeBSD's
 * sctp_send(3), with the standard names (sctp_send, sctp_sendx, ...) and
 * usctp_-prefixed calls where a libc name would clash (usctp_socket, ...).
 */
#ifndef USCTP_H
#define USCTP_H

#ifdef __cplusplus
extern "C" {
#endif

#define USCTP_VERSION_MAJOR 0
#define USCTP_VERSION_MINOR 1
#define USCTP_VERSION_PATCH 0

/* The library's version as "major.minor.patch". */
const char *usctp_version(void);

#ifdef __cplusplus
}
#endif

#endif
