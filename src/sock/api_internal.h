/* Internal to src/sock: helpers shared by the API files. */
#ifndef USCTP_SOCK_API_INTERNAL_H
#define USCTP_SOCK_API_INTERNAL_H

#include "sock.h"

/* O_NONBLOCK on the user's descriptor, read with F_GETFL on every call. */
bool usctp_api_nonblock(int fd);
/* Monotonic ms deadline for a timeout in ms (0: none). */
uint64_t usctp_api_deadline(uint64_t timeo_ms);
/* sizeof the sockaddr for its family, 0 if unknown. */
size_t usctp_api_sa_len(const struct sockaddr *sa);
/* Create an association of s (locked) to the packed addresses (the first is
 * the primary; all must share the SCTP port). Returns 0 or -errno. */
int usctp_api_new_assoc(struct usctp_sock *s, const struct sockaddr *addrs, int n, struct usctp_sassoc **out);

/* ---- opts_pr.c: SCTP_PR_SUPPORTED (RFC 7496 4.5), under s->lock ---- */
/* advertise: the template bit (s->o.pr_sctp). Return 0 or -EINVAL. */
int usctp_opt_pr_supported_set(struct usctp_sock *s, bool *advertise, const void *val, socklen_t optlen);
int usctp_opt_pr_supported_get(struct usctp_sock *s, bool advertise, void *val, socklen_t *optlen);

#endif
