/*
 * Which associations a socket option acts on: the association id rules of
 * RFC 6458 7.2, shared by the option files (opts*.c).
 *
 * A set with an association id acts on what the id names: SCTP_FUTURE_ASSOC
 * the socket's template for associations set up later, SCTP_CURRENT_ASSOC
 * every existing association, SCTP_ALL_ASSOC both, another id that
 * association; on a one-to-one socket the id is ignored and both its
 * association and the template change. Socket-level options without an id
 * (SCTP_NODELAY, SO_SNDBUF, SO_RCVBUF) act as SCTP_ALL_ASSOC.
 *
 * A get reads one association's live values, or the template
 * (SCTP_FUTURE_ASSOC, or no association yet); SCTP_CURRENT_ASSOC and
 * SCTP_ALL_ASSOC name no single value and are EINVAL in a get.
 *
 * A changed association is serviced at once, so what the change releases
 * (a HEARTBEAT on demand, a window update, held data) goes out and its
 * timer follows the new values.
 */
#include <string.h>

#include "opts_internal.h"

struct usctp_sassoc *usctp_opt_target(struct usctp_sock *s, sctp_assoc_t id)
{
	if (s->type == SOCK_STREAM)
		return usctp_sock_the_assoc(s);
	if (id <= SCTP_ALL_ASSOC)
		return NULL;
	return usctp_sock_find_assoc(s, id);
}

/* -EINVAL for a one-to-many socket naming an association that is not there (FreeBSD). */
int usctp_opt_check_id(struct usctp_sock *s, sctp_assoc_t id)
{
	if (s->type == SOCK_SEQPACKET && id > SCTP_ALL_ASSOC && !usctp_sock_find_assoc(s, id))
		return -EINVAL;
	return 0;
}

int usctp_opt_scope_of(struct usctp_sock *s, sctp_assoc_t id, struct usctp_opt_scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (s->type == SOCK_STREAM) {
		sc->tmpl = sc->all = true;
		return 0;
	}
	switch (id) {
	case SCTP_FUTURE_ASSOC:
		sc->tmpl = true;
		return 0;
	case SCTP_CURRENT_ASSOC:
		sc->all = true;
		return 0;
	case SCTP_ALL_ASSOC:
		sc->tmpl = sc->all = true;
		return 0;
	default:
		sc->one = usctp_sock_find_assoc(s, id);
		return sc->one && sc->one->a ? 0 : -EINVAL;
	}
}

/* sa, or the first live association after it (only sa itself for a scope of one). */
static struct usctp_sassoc *live(struct usctp_sassoc *sa, const struct usctp_opt_scope *sc)
{
	for (; sa && !sa->a; sa = sc->one ? NULL : sa->next)
		;
	return sa;
}

/* The live associations of a scope (under s->lock, which stays held). */
struct usctp_sassoc *usctp_opt_first_target(struct usctp_sock *s, const struct usctp_opt_scope *sc)
{
	return live(sc->one ? sc->one : sc->all ? s->assocs : NULL, sc);
}

struct usctp_sassoc *usctp_opt_next_target(struct usctp_sassoc *sa, const struct usctp_opt_scope *sc)
{
	return sc->one ? NULL : live(sa->next, sc);
}

/* Service the associations a set changed, so that packets it released go
 * out and timers are re-armed. Servicing drops the lock to send, and
 * associations may go meanwhile: a walk that loses its place restarts
 * (servicing twice is harmless), within a bound. */
void usctp_opt_service_scope(struct usctp_sock *s, const struct usctp_opt_scope *sc)
{
	if (sc->one) {
		if (sc->one->a)
			usctp_sa_service_all(s, sc->one);
		return;
	}
	if (!sc->all)
		return;
	unsigned bound = 2 * s->nassocs + 8;
	struct usctp_sassoc *sa = s->assocs;
	for (unsigned n = 0; sa && n < bound; n++) {
		usctp_sa_ref(sa);
		if (sa->a)
			usctp_sa_service_all(s, sa);
		struct usctp_sassoc *next = atomic_load(&sa->s) == s && sa->a ? sa->next : s->assocs;
		usctp_sa_unref(sa); /* may free a deleted sa; s stays (our caller holds a reference) */
		sa = next;
	}
}

/* The association a get with id reads, or NULL for the template. RFC 6458
 * 7.2: SCTP_CURRENT_ASSOC and SCTP_ALL_ASSOC are EINVAL in a get. */
int usctp_opt_get_target(struct usctp_sock *s, sctp_assoc_t id, struct usctp_sassoc **out)
{
	*out = NULL;
	if (s->type == SOCK_STREAM) {
		struct usctp_sassoc *sa = usctp_sock_the_assoc(s);
		if (sa && sa->a && !s->listening)
			*out = sa;
		return 0;
	}
	if (id == SCTP_FUTURE_ASSOC)
		return 0;
	if (id == SCTP_CURRENT_ASSOC || id == SCTP_ALL_ASSOC)
		return -EINVAL;
	struct usctp_sassoc *sa = usctp_sock_find_assoc(s, id);
	if (!sa || !sa->a)
		return -EINVAL;
	*out = sa;
	return 0;
}
