/*
 * SCTP_PR_SUPPORTED (RFC 7496 section 4.5, struct sctp_assoc_value): whether
 * a socket's future associations advertise Forward-TSN-Supported (RFC 3758),
 * and, on an existing association, whether PR-SCTP was negotiated. The
 * PR-SCTP policies of sctp_send(3) only take effect when both ends advertise
 * it; otherwise the core sends every message reliably.
 *
 * The template bit itself lives in the socket options (the caller passes it
 * in); the sockets layer copies it into usctp_assoc_config.pr_sctp for every
 * association it creates, including the stateless INIT ACK of a listener.
 */
#include "api_internal.h"

/*
 * The association an SCTP_PR_SUPPORTED call names, in *out (NULL: the
 * socket's template, i.e. future associations). One-to-one sockets ignore
 * the id; one-to-many ones take SCTP_FUTURE_ASSOC or an existing id, and
 * SCTP_CURRENT_ASSOC / SCTP_ALL_ASSOC are errors (RFC 7496 4.5).
 * Returns 0 or -EINVAL.
 */
static int pr_target(struct usctp_sock *s, sctp_assoc_t id, struct usctp_sassoc **out)
{
	*out = NULL;
	if (s->type == SOCK_STREAM) {
		*out = usctp_sock_the_assoc(s);
		return 0;
	}
	if (id == SCTP_FUTURE_ASSOC)
		return 0;
	if (id <= SCTP_ALL_ASSOC)
		return -EINVAL;
	*out = usctp_sock_find_assoc(s, id);
	return *out ? 0 : -EINVAL;
}

/*
 * setsockopt(SCTP_PR_SUPPORTED), under s->lock. advertise: the template bit.
 * An association that exists has negotiated already: -EINVAL, as FreeBSD.
 * Returns 0, -EINVAL.
 */
int usctp_opt_pr_supported_set(struct usctp_sock *s, bool *advertise, const void *val, socklen_t optlen)
{
	if (optlen < (socklen_t)sizeof(struct sctp_assoc_value))
		return -EINVAL;
	const struct sctp_assoc_value *v = val;
	struct usctp_sassoc *sa;
	int r = pr_target(s, v->assoc_id, &sa);
	if (r < 0)
		return r;
	if (sa && sa->a)
		return -EINVAL;
	*advertise = v->assoc_value != 0;
	return 0;
}

/*
 * getsockopt(SCTP_PR_SUPPORTED), under s->lock. On an association past its
 * handshake: whether both ends support PR-SCTP; before that, and with no
 * association, what the socket advertises. Returns 0, -EINVAL.
 */
int usctp_opt_pr_supported_get(struct usctp_sock *s, bool advertise, void *val, socklen_t *optlen)
{
	if (*optlen < (socklen_t)sizeof(struct sctp_assoc_value))
		return -EINVAL;
	struct sctp_assoc_value *v = val;
	struct usctp_sassoc *sa;
	int r = pr_target(s, v->assoc_id, &sa);
	if (r < 0)
		return r;
	*optlen = sizeof(*v);
	v->assoc_value = advertise;
	if (sa && sa->a) {
		struct usctp_assoc_status st;
		usctp_assoc_get_status(sa->a, &st);
		if (st.state >= USCTP_ESTABLISHED)
			v->assoc_value = st.peer_pr_sctp;
		v->assoc_id = sa->id;
	}
	return 0;
}
