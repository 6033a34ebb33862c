/*
 * The socket options about one association as a whole: its protocol
 * parameters, SCTP_RTOINFO (RFC 6458 8.1.1), SCTP_ASSOCINFO (8.1.2) and
 * SCTP_MAXSEG (8.1.16), each for an association, all of them, or the
 * template by the id rules of opts_scope.c; and SCTP_STATUS (8.2.1).
 */
#include <string.h>

#include "opts_internal.h"

/* Whether SCTP_RTOINFO r keeps 0 < min <= initial <= max over the values in
 * force (a 0 field keeps its value), so that a set never leaves an RTO
 * range the timer code cannot use. */
static bool rto_ok(const struct sctp_rtoinfo *r, uint32_t ini, uint32_t mn, uint32_t mx)
{
	ini = r->srto_initial ? r->srto_initial : ini;
	mn = r->srto_min ? r->srto_min : mn;
	mx = r->srto_max ? r->srto_max : mx;
	return mn > 0 && mn <= ini && ini <= mx;
}

int usctp_opt_rtoinfo_set(struct usctp_sock *s, const struct sctp_rtoinfo *r, struct usctp_opt_scope *sc)
{
	struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	int e = usctp_opt_scope_of(s, r->srto_assoc_id, sc);
	if (e < 0)
		return e;
	/* Every target checked first: a set that fails changes nothing. */
	if (sc->tmpl && !rto_ok(r, o->rto_initial, o->rto_min, o->rto_max))
		return -EINVAL;
	USCTP_OPT_FOR_TARGETS(s, sc, sa)
	{
		struct usctp_assoc_params ap;
		usctp_assoc_get_params(sa->a, &ap);
		if (!rto_ok(r, ap.rto_initial_ms, ap.rto_min_ms, ap.rto_max_ms))
			return -EINVAL;
	}
	USCTP_OPT_FOR_TARGETS(s, sc, sa)
	{
		usctp_assoc_set_rto(sa->a, r->srto_initial, r->srto_min, r->srto_max);
	}
	if (sc->tmpl) {
		o->rto_initial = r->srto_initial ? r->srto_initial : o->rto_initial;
		o->rto_min = r->srto_min ? r->srto_min : o->rto_min;
		o->rto_max = r->srto_max ? r->srto_max : o->rto_max;
	}
	return 0;
}

int usctp_opt_rtoinfo_get(struct usctp_sock *s, struct sctp_rtoinfo *r)
{
	const struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	struct usctp_assoc_params ap;
	int e = usctp_opt_get_target(s, r->srto_assoc_id, &sa);
	if (e < 0)
		return e;
	r->srto_initial = o->rto_initial;
	r->srto_min = o->rto_min;
	r->srto_max = o->rto_max;
	if (sa) {
		usctp_assoc_get_params(sa->a, &ap);
		r->srto_initial = ap.rto_initial_ms;
		r->srto_min = ap.rto_min_ms;
		r->srto_max = ap.rto_max_ms;
	}
	return 0;
}

int usctp_opt_associnfo_set(struct usctp_sock *s, const struct sctp_assocparams *p,
			    struct usctp_opt_scope *sc)
{
	struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	int e = usctp_opt_scope_of(s, p->sasoc_assoc_id, sc);
	if (e < 0)
		return e;
	USCTP_OPT_FOR_TARGETS(s, sc, sa)
	{
		usctp_assoc_set_max_retrans(sa->a, p->sasoc_asocmaxrxt);
	}
	/* The cookie life is the template's only: it matters when an
	 * association is set up. */
	if (sc->tmpl && p->sasoc_asocmaxrxt)
		o->asocmaxrxt = p->sasoc_asocmaxrxt;
	if (sc->tmpl && p->sasoc_cookie_life)
		o->cookie_life_ms = p->sasoc_cookie_life;
	return 0;
}

int usctp_opt_associnfo_get(struct usctp_sock *s, struct sctp_assocparams *p)
{
	const struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	struct usctp_assoc_params ap;
	int e = usctp_opt_get_target(s, p->sasoc_assoc_id, &sa);
	if (e < 0)
		return e;
	p->sasoc_asocmaxrxt = o->asocmaxrxt;
	p->sasoc_cookie_life = o->cookie_life_ms;
	p->sasoc_local_rwnd = o->rcvbuf;
	p->sasoc_peer_rwnd = 0;
	p->sasoc_number_peer_destinations = 0;
	if (sa && sa->a) {
		struct usctp_assoc_status cs;
		usctp_assoc_get_status(sa->a, &cs);
		p->sasoc_peer_rwnd = cs.peer_rwnd;
		p->sasoc_local_rwnd = cs.local_rwnd;
		p->sasoc_number_peer_destinations = (uint16_t)cs.num_paths;
		usctp_assoc_get_params(sa->a, &ap);
		p->sasoc_asocmaxrxt = (uint16_t)(ap.assoc_max_retrans > 65535 ? 65535 : ap.assoc_max_retrans);
	}
	return 0;
}

int usctp_opt_maxseg_set(struct usctp_sock *s, const struct sctp_assoc_value *v, struct usctp_opt_scope *sc)
{
	struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	int e = usctp_opt_scope_of(s, v->assoc_id, sc);
	if (e < 0)
		return e;
	if (v->assoc_value && v->assoc_value < USCTP_MIN_MAXSEG)
		return -EINVAL;
	USCTP_OPT_FOR_TARGETS(s, sc, sa)
	{
		usctp_assoc_set_maxseg(sa->a, v->assoc_value);
	}
	if (sc->tmpl)
		o->maxseg = v->assoc_value;
	return 0;
}

int usctp_opt_maxseg_get(struct usctp_sock *s, struct sctp_assoc_value *v)
{
	const struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa;
	int e = usctp_opt_get_target(s, v->assoc_id, &sa);
	if (e < 0)
		return e;
	v->assoc_value = o->maxseg;
	if (sa) {
		/* The bound in force: min(SCTP_MAXSEG, path MTU - 28). */
		struct usctp_assoc_status cs;
		usctp_assoc_get_status(sa->a, &cs);
		v->assoc_value = cs.frag_point;
	}
	return 0;
}

int usctp_opt_status_get(struct usctp_sock *s, struct sctp_status *st)
{
	struct usctp_sassoc *sa = usctp_opt_target(s, st->sstat_assoc_id);
	if (!sa || !sa->a)
		return -EINVAL;
	struct usctp_assoc_status cs;
	usctp_assoc_get_status(sa->a, &cs);
	memset(st, 0, sizeof(*st));
	st->sstat_assoc_id = sa->id;
	st->sstat_state = usctp_sstat_state(cs.state);
	st->sstat_rwnd = cs.peer_rwnd;
	st->sstat_unackdata = (uint16_t)(cs.unacked_chunks > 65535 ? 65535 : cs.unacked_chunks);
	st->sstat_penddata = (uint16_t)(cs.pending_chunks > 65535 ? 65535 : cs.pending_chunks);
	st->sstat_instrms = cs.instreams;
	st->sstat_outstrms = cs.outstreams;
	st->sstat_fragmentation_point = cs.frag_point;
	usctp_opt_paddrinfo(sa, (unsigned)(cs.primary < 0 ? 0 : cs.primary), &st->sstat_primary);
	return 0;
}
