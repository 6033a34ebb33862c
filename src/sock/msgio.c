/*
 * The sockets API, part two: sending and receiving messages
 * (sctp_sendmsg, sctp_send, sctp_sendx, sctp_recvmsg).
 *
 * A message is copied once, into a refcounted usctp_msg (the copy the API
 * forces: the caller's buffer is theirs again when we return); SCTP_SENDALL
 * shares that one copy among all associations.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

/*
 * A message no send buffer can hold fails with EMSGSIZE before we copy it:
 * SO_SNDBUF is capped at 64 MiB (opts.c), so a larger message can never be
 * queued, and copying a huge one only to refuse it would be wasteful.
 */
#define MSG_MAX_LEN (64u << 20)

/*
 * Test hooks (tests/sock/test_send_*.c declare them extern; not part of the
 * public API): msgio_allocs counts message copies made by the send calls (so
 * a test can see that SCTP_SENDALL makes exactly one), and while
 * msgio_fail_allocs is positive each copy fails as if malloc had, which is
 * how the tests reach ENOBUFS without exhausting the machine's memory.
 */
_Atomic unsigned long usctp_test_msgio_allocs;
_Atomic int usctp_test_msgio_fail_allocs;

static struct usctp_msg *msg_copy(const void *data, size_t len)
{
	int f = atomic_load(&usctp_test_msgio_fail_allocs);
	while (f > 0) {
		if (atomic_compare_exchange_weak(&usctp_test_msgio_fail_allocs, &f, f - 1))
			return NULL;
	}
	struct usctp_msg *m = usctp_msg_new(data, len);
	if (m)
		atomic_fetch_add(&usctp_test_msgio_allocs, 1);
	return m;
}

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
	    /* sctp_send(3): the PPID goes to the wire "without regard to byte
	     * order", i.e. its bytes as they are in memory; the core encodes a
	     * number in network order, so hand it the number those bytes are. */
	    .ppid = ntohl(si->sinfo_ppid),
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
				if (e == USCTP_ERR_NOMEM)
					return -ENOBUFS; /* sctp_send(3)'s name for it */
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
	int i = usctp_assoc_find_path(sa->a, &a);
	return i < 0 ? -1 : i;
}

/*
 * Can s reach the first of addrs at all? An IPv4 socket cannot reach an IPv6
 * host, and no socket can reach a family the runtime has no UDP socket for:
 * sctp_send(3) calls that EHOSTUNREACH. 0 or -EHOSTUNREACH.
 */
static int reachable(const struct usctp_sock *s, const struct sockaddr *addr)
{
	struct usctp_addr a;
	uint16_t port;
	size_t len = usctp_api_sa_len(addr);
	if (!len || usctp_addr_from_sa(addr, (socklen_t)len, &a, &port) < 0)
		return 0; /* malformed: usctp_api_new_assoc says EINVAL */
	if (a.ip.family == 6 && s->family == AF_INET)
		return -EHOSTUNREACH;
	if (!usctp_rt_has_family(a.ip.family == 6 ? AF_INET6 : AF_INET))
		return -EHOSTUNREACH;
	return 0;
}

/* SCTP_SENDALL (one-to-many): one copy, m, for every established
 * association. Each gets the message or the call reports the first error. */
static int send_all(struct usctp_sock *s, const struct sctp_sndrcvinfo *si, struct usctp_msg *m, bool nb,
		    uint64_t deadline)
{
	/* Collect first: sending may drop the lock (usctp_sa_service_all). */
	struct usctp_sassoc **v = malloc((s->nassocs ? s->nassocs : 1) * sizeof(*v));
	if (!v)
		return -ENOBUFS;
	unsigned n = 0;
	for (struct usctp_sassoc *x = s->assocs; x && n < s->nassocs; x = x->next) {
		if (x->a && x->up) {
			usctp_sa_ref(x);
			v[n++] = x;
		}
	}
	struct sctp_sndrcvinfo one = *si;
	one.sinfo_flags &= (uint16_t)~SCTP_SENDALL;
	int r = 0;
	for (unsigned i = 0; i < n; i++) {
		if (atomic_load(&v[i]->s) == s && v[i]->a) {
			v[i]->last_io = usctp_now();
			int e = send_one(s, v[i], &one, m, v[i]->prim_path, nb, deadline);
			if (e < 0 && !r)
				r = e;
		}
		usctp_sa_unref(v[i]);
	}
	free(v);
	return r;
}

/* The association a one-to-many send goes to (sctp_send(3): the id has
 * priority, else the first address finds it), set up implicitly when an
 * address has none. 0 and *out, or -errno. */
static int find_or_setup(struct usctp_sock *s, const struct sctp_sndrcvinfo *si, const struct sockaddr *addrs,
			 int naddrs, struct usctp_sassoc **out)
{
	struct usctp_sassoc *sa = NULL;
	if (si->sinfo_assoc_id > SCTP_ALL_ASSOC)
		sa = usctp_sock_find_assoc(s, si->sinfo_assoc_id);
	if (!sa && naddrs > 0) {
		struct usctp_addr a;
		uint16_t port;
		size_t alen = usctp_api_sa_len(addrs);
		if (alen && usctp_addr_from_sa(addrs, (socklen_t)alen, &a, &port) == 0) {
			a.udp_port = port;
			sa = usctp_sock_find_peer(s, &a);
			/* Any of an association's peer addresses finds it, not only
			 * the primary (SCTP_ADDR_OVER names another one). */
			for (struct usctp_sassoc *x = s->assocs; x && !sa; x = x->next)
				if (x->a && x->pport == port && path_of(x, addrs) >= 0)
					sa = x;
		}
		if (!sa && !(si->sinfo_flags & SCTP_ABORT)) {
			/* Implicit setup (RFC 6458 3.1.1), with every address given
			 * (sctp_sendx): the message waits in the new association
			 * until it is established. */
			int r = reachable(s, addrs);
			if (r == 0)
				r = usctp_api_new_assoc(s, addrs, naddrs, &sa);
			if (r < 0)
				return r == -ENOMEM ? -ENOBUFS : r;
		}
	}
	if (!sa)
		return -ENOENT; /* no id, no address, or SCTP_ABORT on nothing */
	*out = sa;
	return 0;
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
	if (len > MSG_MAX_LEN) {
		usctp_sock_unref(s);
		return usctp_fail(EMSGSIZE);
	}
	bool nb = usctp_api_nonblock(sd);
	/* The one copy the API forces, made before taking the lock. */
	struct usctp_msg *m = msg_copy(msg, len);
	if (!m) {
		usctp_sock_unref(s);
		return usctp_fail(ENOBUFS);
	}
	pthread_mutex_lock(&s->lock);
	struct sctp_sndrcvinfo si = sinfo ? *sinfo : s->o.defsend;
	uint64_t deadline = usctp_api_deadline(s->sndtimeo_ms);
	struct usctp_sassoc *sa = NULL;
	if (s->closed) {
		r = -EBADF;
	} else if (s->type == SOCK_STREAM) {
		/* sinfo_assoc_id and the address are ignored: there is one
		 * association (SCTP_SENDALL too means just that one). */
		sa = usctp_sock_the_assoc(s);
		if (s->wr_shut)
			r = -EPIPE;
		else if (s->so_error && (!sa || !sa->a)) {
			r = -s->so_error;
			s->so_error = 0;
		} else if (!sa || !sa->a || s->listening)
			r = s->ever_connected ? -EPIPE : -ENOTCONN;
	} else if (si.sinfo_flags & SCTP_SENDALL) {
		r = send_all(s, &si, m, nb, deadline);
	} else {
		r = find_or_setup(s, &si, addrs, naddrs, &sa);
	}
	if (!r && sa) {
		int path = sa->prim_path;
		if ((si.sinfo_flags & SCTP_ADDR_OVER) && naddrs > 0) {
			int p = path_of(sa, addrs);
			if (p >= 0)
				path = p;
		}
		usctp_sa_ref(sa);
		sa->last_io = usctp_now(); /* SCTP_AUTOCLOSE counts from the last data */
		r = send_one(s, sa, &si, m, path, nb, deadline);
		usctp_sa_unref(sa);
		/* One-to-one: an error this call reported (an ABORT arrived while
		 * it waited) is not reported again by the next call. */
		if (r < 0 && s->type == SOCK_STREAM && s->so_error == -r)
			s->so_error = 0;
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
	/* The address array must be there: sctp_send(3) calls a bad one EFAULT. */
	if (addrcnt <= 0 || !addrs)
		return usctp_fail(EFAULT);
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

/*
 * Notifications and data are queued apart, notifications read first. But a
 * notification that ends an association (the peer's SHUTDOWN, SHUTDOWN
 * COMPLETE, COMM_LOST) comes after every byte the association received: the
 * peer sent that data before it shut down, so an application must not learn
 * of the end before it has read the data (sctp_send(3): SCTP_EOF's message
 * arrives, then the shutdown). If that association still has data to read,
 * move it to the front of the readable queue and return true. Under s->lock.
 */
static bool ends_after_data(struct usctp_sock *s, const struct usctp_notif *n)
{
	const struct sctp_tlv *h = (const void *)n->data;
	if (n->off || n->len < sizeof(struct sctp_tlv))
		return false;
	bool ends = h->sn_type == SCTP_SHUTDOWN_EVENT;
	if (h->sn_type == SCTP_ASSOC_CHANGE && n->len >= sizeof(struct sctp_assoc_change)) {
		uint16_t st = ((const struct sctp_assoc_change *)(const void *)n->data)->sac_state;
		ends = st == SCTP_COMM_LOST || st == SCTP_SHUTDOWN_COMP;
	}
	if (!ends)
		return false;
	struct usctp_sassoc *sa = usctp_sock_find_assoc(s, n->assoc_id);
	if (!sa || !sa->in_rq)
		return false;
	if (s->rq_head != sa && !s->rq_head->partial) {
		/* Unlink sa and put it first (a half-read message of another
		 * association stays first: pieces never interleave). */
		struct usctp_sassoc *prev = s->rq_head;
		while (prev && prev->rq_next != sa)
			prev = prev->rq_next;
		if (!prev)
			return false;
		prev->rq_next = sa->rq_next;
		if (s->rq_tail == sa)
			s->rq_tail = prev;
		sa->rq_next = s->rq_head;
		s->rq_head = sa;
	}
	return true;
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
		if (n && ends_after_data(s, n))
			n = NULL; /* its association's data first */
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
				sinfo->sinfo_ppid = htonl(info.ppid); /* the wire's bytes */
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
