/*
 * Internal to the socket options files (src/sock/opts*.c), all called under
 * s->lock: which associations an option acts on (opts_scope.c), and the
 * options that opts.c's dispatch hands to a file of their own, after it has
 * checked optlen (and, for a get, set *optlen).
 */
#ifndef USCTP_SOCK_OPTS_INTERNAL_H
#define USCTP_SOCK_OPTS_INTERNAL_H

#include "api_internal.h"

/* ---- opts_scope.c: the association id rules of RFC 6458 7.2 ---- */

/* What a set with an association id acts on. */
struct usctp_opt_scope {
	bool tmpl;		  /* the template for future associations */
	bool all;		  /* every association of the socket */
	struct usctp_sassoc *one; /* or just this one */
};

/* The association an id names: one-to-one, the socket's (the id ignored);
 * one-to-many, that id's, or NULL for the FUTURE/CURRENT/ALL constants. */
struct usctp_sassoc *usctp_opt_target(struct usctp_sock *s, sctp_assoc_t id);
/* -EINVAL for a one-to-many socket naming an association that is not there (FreeBSD). */
int usctp_opt_check_id(struct usctp_sock *s, sctp_assoc_t id);
/* The scope of a set with id, in *sc. Returns 0, or -EINVAL for an id that
 * names no live association. */
int usctp_opt_scope_of(struct usctp_sock *s, sctp_assoc_t id, struct usctp_opt_scope *sc);
/* The live associations of a scope, in order (s->lock stays held). */
struct usctp_sassoc *usctp_opt_first_target(struct usctp_sock *s, const struct usctp_opt_scope *sc);
struct usctp_sassoc *usctp_opt_next_target(struct usctp_sassoc *sa, const struct usctp_opt_scope *sc);
#define USCTP_OPT_FOR_TARGETS(s, sc, sa)                                                                     \
	for (sa = usctp_opt_first_target(s, sc); sa; sa = usctp_opt_next_target(sa, sc))
/* Service the associations a set changed (drops and retakes s->lock). */
void usctp_opt_service_scope(struct usctp_sock *s, const struct usctp_opt_scope *sc);
/* The association a get with id reads, in *out (NULL: the template).
 * Returns 0 or -EINVAL (CURRENT/ALL, or no such live association). */
int usctp_opt_get_target(struct usctp_sock *s, sctp_assoc_t id, struct usctp_sassoc **out);

/* ---- opts_assoc.c: the options about one association as a whole ---- */

/* SCTP_RTOINFO, SCTP_ASSOCINFO, SCTP_MAXSEG. sc: what the set changed, to
 * service. Return 0 or -EINVAL. */
int usctp_opt_rtoinfo_set(struct usctp_sock *s, const struct sctp_rtoinfo *r, struct usctp_opt_scope *sc);
int usctp_opt_rtoinfo_get(struct usctp_sock *s, struct sctp_rtoinfo *r);
int usctp_opt_associnfo_set(struct usctp_sock *s, const struct sctp_assocparams *p,
			    struct usctp_opt_scope *sc);
int usctp_opt_associnfo_get(struct usctp_sock *s, struct sctp_assocparams *p);
int usctp_opt_maxseg_set(struct usctp_sock *s, const struct sctp_assoc_value *v, struct usctp_opt_scope *sc);
int usctp_opt_maxseg_get(struct usctp_sock *s, struct sctp_assoc_value *v);
/* SCTP_STATUS. Returns 0 or -EINVAL. */
int usctp_opt_status_get(struct usctp_sock *s, struct sctp_status *st);

/* ---- opts_paddr.c: the options about one peer address ---- */

/* SCTP_PEER_ADDR_PARAMS. sc: what the set changed, to service. Return 0 or -errno. */
int usctp_opt_paddrparams_set(struct usctp_sock *s, const struct sctp_paddrparams *p,
			      struct usctp_opt_scope *sc);
int usctp_opt_paddrparams_get(struct usctp_sock *s, struct sctp_paddrparams *p);
/* SCTP_PRIMARY_ADDR. Return 0, -EINVAL, or (set) -EADDRNOTAVAIL. */
int usctp_opt_primary_set(struct usctp_sock *s, const struct sctp_setprim *p);
int usctp_opt_primary_get(struct usctp_sock *s, struct sctp_setprim *p);
/* SCTP_GET_PEER_ADDR_INFO. Returns 0 or -EINVAL. */
int usctp_opt_peer_addr_info_get(struct usctp_sock *s, struct sctp_paddrinfo *pi);
/* Path idx of sa as an sctp_paddrinfo (SCTP_STATUS's primary, too). */
void usctp_opt_paddrinfo(struct usctp_sassoc *sa, unsigned idx, struct sctp_paddrinfo *pi);

/* ---- opts_encaps.c: SCTP_REMOTE_UDP_ENCAPS_PORT (RFC 6951 6.1) ---- */

/* Return 0, -EINVAL, or (set) -ENOMEM when the per-address table is full. */
int usctp_opt_encaps_set(struct usctp_sock *s, const struct sctp_udpencaps *u);
int usctp_opt_encaps_get(struct usctp_sock *s, struct sctp_udpencaps *u);

#endif
