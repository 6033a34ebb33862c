/*
 * The sockets API, part two: sending and receiving messages
 * (sctp_sendmsg, sctp_send, sctp_sendx, sctp_recvmsg).
 *
 * A message is copied once, into a refcounted usctp_msg (the copy the API
 * forces: the caller's buffer is theirs again when we return); SCTP_SENDALL
 * shares that one copy among all associations.
 */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

static int send_one(struct usctp_sock *s, struct usctp_sassoc *sa, const struct sctp_sndrcvinfo *si,
		    struct usctp_msg *m, int path, bool nb, uint64_t deadline)
{
	uint16_t flags = si->sinfo_flags;
	uint64_t now = usctp_now();
	if (flags & SCTP_ABORT) {
		int e = usctp_assoc_abort(sa->a, usctp_msg_data(m), usctp_msg_len(m), now);
		usctp_sa_service_all(s, sa);
		return e < 0 ? -usctp_err_to_errno(e) : 0;
	}
	if ((flags & SCTP_EOF) && usctp_msg_len(m) == 0) {
		int e = usctp_assoc_shutdown(sa->a, now);
		usctp_sa_service_all(s, sa);
		return e < 0 && e != USCTP_ERR_CLOSED ? -usctp_err_to_errno(e) : 0;
	}
	struct usctp_send_params p = {
	    .sid = si->sinfo_stream,
	    .ppid = si->sinfo_ppid,
	    .flags = (uint16_t)(flags & (SCTP_UNORDERED | SCTP_EOF)),
	    .pr_policy = (uint8_t)PR_SCTP_POLICY(flags),
	    .pr_value = si->sinfo_timetolive,
	    .context = si->sinfo_context,
	    .path = path,
	};
	if (p.pr_policy > USCTP_PR_RTX)
		return -EINVAL;
	for (;;) {
		if (s->closed)
			return -EBADF;
		if (!sa->a)
			return -(sa->error ? sa->error : ECONNRESET);
		int e = usctp_assoc_send(sa->a, &p, m, usctp_now());
		if (e != USCTP_ERR_WOULDBLOCK) {
			if (e < 0) {
				if (e == USCTP_ERR_STATE)
					return sa->error ? -sa->error : -ENOTCONN;
				return -usctp_err_to_errno(e);
			}
			break;
		}
		if (nb)
			return -EAGAIN;
		if (!usctp_sock_wait(s, deadline))
			return -EAGAIN;
	}
	usctp_sa_service_all(s, sa);
	return 0;
}

/* The path index of addr among sa's peer addresses, or -1. */
static int path_of(struct usctp_sassoc *sa, const struct sockaddr *addr)
{
	struct usctp_addr a;
	uint16_t port;
	size_t len = addr ? usctp_api_sa_len(addr) : 0;
	if (!len || !sa->a || usctp_addr_from_sa(addr, (socklen_t)len, &a, &port) < 0)
		return -1;
	struct usctp_assoc_status st;
	usctp_assoc_get_status(sa->a, &st);
	for (unsigned i = 0; i < st.num_paths; i++) {
		struct usctp_path_status ps;
		if (usctp_assoc_path_status(sa->a, i, &ps) == 0 && ps.addr.ip.family == a.ip.family &&
		    memcmp(ps.addr.ip.bytes, a.ip.bytes, 16) == 0)
			return (int)i;
	}
	return -1;
}

static ssize_t do_send(int sd, const void *msg, size_t len, const struct sockaddr *addrs, int naddrs,
		       const struct sctp_sndrcvinfo *sinfo)
{
	if (!msg && len)
		return usctp_fail(EFAULT);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	bool nb = usctp_api_nonblock(sd);
	/* Allocate and copy before taking the lock. */
	struct usctp_msg *m = usctp_msg_new(msg, len);
	if (!m) {
		usctp_sock_unref(s);
		return usctp_fail(ENOMEM);
	}
	pthread_mutex_lock(&s->lock);
	struct sctp_sndrcvinfo si = sinfo ? *sinfo : s->o.defsend;
	uint64_t deadline = usctp_api_deadline(s->sndtimeo_ms);
	struct usctp_sassoc *sa = NULL;
	if (s->closed) {
		r = -EBADF;
	} else if (s->type == SOCK_STREAM) {
		sa = usctp_sock_the_assoc(s);
		if (s->wr_shut)
			r = -EPIPE;
		else if (s->so_error && (!sa || !sa->a)) {
			r = -s->so_error;
			s->so_error = 0;
		} else if (!sa || !sa->a || s->listening)
			r = s->ever_connected ? -EPIPE : -ENOTCONN;
	} else if (si.sinfo_flags & SCTP_SENDALL) {
		/* One copy for every association (sctp_send(3)). */
		unsigned n = 0;
		for (struct usctp_sassoc *x = s->assocs; x; x = x->next)
			n++;
		struct usctp_sassoc *v[n ? n : 1];
		n = 0;
		for (struct usctp_sassoc *x = s->assocs; x; x = x->next) {
			if (x->a && x->up) {
				usctp_sa_ref(x);
				v[n++] = x;
			}
		}
		struct sctp_sndrcvinfo one = si;
		one.sinfo_flags &= (uint16_t)~SCTP_SENDALL;
		for (unsigned i = 0; i < n; i++) {
			if (atomic_load(&v[i]->s) == s && v[i]->a) {
				int e = send_one(s, v[i], &one, m, -1, nb, deadline);
				if (e < 0 && !r)
					r = e;
			}
			usctp_sa_unref(v[i]);
		}
		sa = NULL;
		if (!r)
			r = 1; /* done */
	} else {
		if (si.sinfo_assoc_id > SCTP_ALL_ASSOC)
			sa = usctp_sock_find_assoc(s, si.sinfo_assoc_id);
		if (!sa && naddrs > 0) {
			struct usctp_addr a;
			uint16_t port;
			size_t alen = usctp_api_sa_len(addrs);
			if (alen && usctp_addr_from_sa(addrs, (socklen_t)alen, &a, &port) == 0) {
				a.udp_port = port;
				sa = usctp_sock_find_peer(s, &a);
			}
			if (!sa && !(si.sinfo_flags & SCTP_ABORT)) {
				/* Implicit setup (RFC 6458 3.1.1): the message waits in
				 * the new association until it is established. */
				r = usctp_api_new_assoc(s, addrs, naddrs, &sa);
			}
		}
		if (!r && !sa)
			r = -ENOENT;
	}
	if (!r && sa) {
		int path = sa->prim_path;
		if ((si.sinfo_flags & SCTP_ADDR_OVER) && naddrs > 0)
			path = path_of(sa, addrs);
		usctp_sa_ref(sa);
		sa->last_io = usctp_now(); /* SCTP_AUTOCLOSE counts from the last data */
		r = send_one(s, sa, &si, m, path, nb, deadline);
		usctp_sa_unref(sa);
	}
	pthread_mutex_unlock(&s->lock);
	usctp_msg_unref(m);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	if (r < 0)
		return usctp_fail(-r);
	return (ssize_t)len;
}

ssize_t sctp_sendmsg(int sd, const void *msg, size_t len, const struct sockaddr *to, socklen_t tolen,
		     uint32_t ppid, uint32_t flags, uint16_t stream_no, uint32_t timetolive, uint32_t context)
{
	struct sctp_sndrcvinfo si;
	memset(&si, 0, sizeof(si));
	si.sinfo_ppid = ppid;
	si.sinfo_flags = (uint16_t)flags;
	si.sinfo_stream = stream_no;
	si.sinfo_timetolive = timetolive;
	si.sinfo_context = context;
	if (to && tolen < (socklen_t)usctp_api_sa_len(to))
		return usctp_fail(EINVAL);
	return do_send(sd, msg, len, to, to ? 1 : 0, &si);
}

ssize_t sctp_send(int sd, const void *msg, size_t len, const struct sctp_sndrcvinfo *sinfo, int flags)
{
	(void)flags; /* sendmsg(2) flags: "generally ignored by SCTP" */
	return do_send(sd, msg, len, NULL, 0, sinfo);
}

ssize_t sctp_sendx(int sd, const void *msg, size_t len, struct sockaddr *addrs, int addrcnt,
		   const struct sctp_sndrcvinfo *sinfo, int flags)
{
	(void)flags;
	if (addrcnt < 0 || (addrcnt > 0 && !addrs))
		return usctp_fail(EINVAL);
	return do_send(sd, msg, len, addrs, addrcnt, sinfo);
}

static void fill_from(struct sockaddr *from, socklen_t *fromlen, const struct usctp_sassoc *sa)
{
	if (!from || !fromlen)
		return;
	struct sockaddr_storage ss;
	socklen_t len = usctp_addr_to_sa(&sa->peer, sa->pport, &ss);
	memcpy(from, &ss, *fromlen < len ? *fromlen : len);
	*fromlen = len;
}

ssize_t sctp_recvmsg(int sd, void *msg, size_t len, struct sockaddr *from, socklen_t *fromlen,
		     struct sctp_sndrcvinfo *sinfo, int *msg_flags)
{
	if (!msg && len)
		return usctp_fail(EFAULT);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	bool nb = usctp_api_nonblock(sd);
	ssize_t ret = -1;
	int err = 0;
	int flags = 0;
	pthread_mutex_lock(&s->lock);
	uint64_t deadline = usctp_api_deadline(s->rcvtimeo_ms);
	for (;;) {
		if (s->closed) {
			err = EBADF;
			break;
		}
		struct usctp_notif *n = s->nq.head;
		if (n) {
			size_t k = n->len - n->off < len ? n->len - n->off : len;
			memcpy(msg, n->data + n->off, k);
			n->off += k;
			flags = MSG_NOTIFICATION;
			if (n->off == n->len) {
				flags |= MSG_EOR;
				usctp_nq_pop(&s->nq);
			}
			if (sinfo) {
				memset(sinfo, 0, sizeof(*sinfo));
				sinfo->sinfo_assoc_id = n->assoc_id;
			}
			struct usctp_sassoc *sa = usctp_sock_find_assoc(s, n->assoc_id);
			if (sa)
				fill_from(from, fromlen, sa);
			else if (fromlen)
				*fromlen = 0;
			if (n->off == n->len)
				free(n);
			ret = (ssize_t)k;
			break;
		}
		struct usctp_sassoc *sa = s->rq_head;
		if (sa) {
			struct usctp_rcvinfo info;
			bool eor = false;
			int64_t got = sa->a ? usctp_assoc_recv(sa->a, msg, len, &info, &eor, usctp_now())
					    : USCTP_ERR_WOULDBLOCK;
			/* Off the head; back at the tail if more is readable, or at
			 * the head while a message is half read (no interleaving). */
			s->rq_head = sa->rq_next;
			if (!s->rq_head)
				s->rq_tail = NULL;
			sa->in_rq = false;
			sa->rq_next = NULL;
			if (got < 0) {
				if (sa->a)
					usctp_sa_service_all(s, sa);
				continue;
			}
			sa->partial = !eor;
			if (sa->a && usctp_assoc_readable(sa->a)) {
				sa->in_rq = true;
				if (sa->partial) {
					sa->rq_next = s->rq_head;
					s->rq_head = sa;
					if (!s->rq_tail)
						s->rq_tail = sa;
				} else {
					if (s->rq_tail)
						s->rq_tail->rq_next = sa;
					else
						s->rq_head = sa;
					s->rq_tail = sa;
				}
			}
			flags = eor ? MSG_EOR : 0;
			if (sinfo) {
				memset(sinfo, 0, sizeof(*sinfo));
				sinfo->sinfo_stream = info.sid;
				sinfo->sinfo_ssn = info.ssn;
				sinfo->sinfo_flags = info.flags & USCTP_SEND_UNORDERED ? SCTP_UNORDERED : 0;
				sinfo->sinfo_ppid = info.ppid;
				sinfo->sinfo_tsn = info.tsn;
				sinfo->sinfo_cumtsn = info.cumtsn;
				sinfo->sinfo_assoc_id = sa->id;
			}
			fill_from(from, fromlen, sa);
			ret = (ssize_t)got;
			sa->last_io = usctp_now();
			/* Reading opens the window: the core may owe a SACK; and a
			 * dead association is freed once drained. */
			usctp_sa_ref(sa);
			usctp_sa_service_all(s, sa);
			usctp_sa_unref(sa);
			break;
		}
		if (s->type == SOCK_STREAM && !s->listening) {
			struct usctp_sassoc *the = usctp_sock_the_assoc(s);
			if (s->so_error) {
				err = s->so_error;
				s->so_error = 0;
				break;
			}
			if (s->ever_connected && (!the || !the->a || the->shutdown_rcvd)) {
				ret = 0; /* EOF */
				break;
			}
			if (!s->ever_connected && !s->connecting) {
				err = ENOTCONN;
				break;
			}
		}
		if (s->rd_shut) {
			ret = 0;
			break;
		}
		if (nb) {
			err = EAGAIN;
			break;
		}
		if (!usctp_sock_wait(s, deadline)) {
			err = EAGAIN;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	if (err)
		return usctp_fail(err);
	if (msg_flags)
		*msg_flags = flags;
	return ret;
}
