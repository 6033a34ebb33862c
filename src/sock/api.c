/*
 * The sockets API, part one: creating, binding, listening, accepting,
 * connecting, shutting down and closing.
 *
 * Every call: look the descriptor up (EBADF / ENOTSOCK), take the socket
 * lock, work, drop the lock, then update readiness (system calls, so never
 * under the lock). Internal codes become -1 and errno only here.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_internal.h"

bool usctp_api_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_NONBLOCK);
}

uint64_t usctp_api_deadline(uint64_t timeo_ms)
{
	return timeo_ms ? usctp_now() / 1000000u + timeo_ms : 0;
}

int usctp_socket(int domain, int type, int protocol)
{
	if (domain != AF_INET && domain != AF_INET6)
		return usctp_fail(EAFNOSUPPORT);
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (base != SOCK_STREAM && base != SOCK_SEQPACKET)
		return usctp_fail(ESOCKTNOSUPPORT);
	if (protocol != IPPROTO_SCTP && protocol != 0)
		return usctp_fail(EPROTONOSUPPORT);
	int r = usctp_glue_start();
	if (r < 0)
		return usctp_fail(-r);
	struct usctp_sock *s;
	r = usctp_sock_create(domain, base, &s);
	if (r < 0)
		return usctp_fail(-r);
	if (type & SOCK_NONBLOCK)
		fcntl(s->ufd, F_SETFL, O_NONBLOCK);
	return s->ufd;
}

static bool family_ok(const struct usctp_sock *s, const struct usctp_addr *a)
{
	/* An AF_INET6 socket also speaks IPv4 (no IPV6_V6ONLY), as FreeBSD's. */
	return s->family == AF_INET6 || a->ip.family == 4;
}

/* Under s->lock. */
static int bind_locked(struct usctp_sock *s, const struct sockaddr *addr, socklen_t len)
{
	struct usctp_addr a;
	uint16_t port;
	int r = usctp_addr_from_sa(addr, len, &a, &port);
	if (r < 0)
		return r;
	if (!family_ok(s, &a))
		return -EINVAL;
	if (s->bound)
		return -EINVAL;
	r = usctp_port_bind(s, port);
	if (r < 0)
		return r;
	s->nladdrs = 0;
	if (!usctp_ip_is_any(&a.ip))
		s->laddrs[s->nladdrs++] = a.ip;
	return 0;
}

int usctp_bind(int sd, const struct sockaddr *addr, socklen_t addrlen)
{
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	r = bind_locked(s, addr, addrlen);
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

size_t usctp_api_sa_len(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (sa->sa_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

int sctp_bindx(int sd, struct sockaddr *addrs, int addrcnt, int flags)
{
	if (addrcnt <= 0 || !addrs || (flags != SCTP_BINDX_ADD_ADDR && flags != SCTP_BINDX_REM_ADDR))
		return usctp_fail(EINVAL);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	const uint8_t *p = (const uint8_t *)addrs;
	for (int i = 0; i < addrcnt && r == 0; i++) {
		const struct sockaddr *sa = (const struct sockaddr *)p;
		size_t len = usctp_api_sa_len(sa);
		if (!len) {
			r = -EINVAL;
			break;
		}
		p += len;
		struct usctp_addr a;
		uint16_t port;
		r = usctp_addr_from_sa(sa, (socklen_t)len, &a, &port);
		if (r < 0)
			break;
		if (!family_ok(s, &a)) {
			r = -EINVAL;
			break;
		}
		if (flags == SCTP_BINDX_ADD_ADDR) {
			if (!s->bound) {
				r = bind_locked(s, sa, (socklen_t)len);
				continue;
			}
			if (port && port != s->lport) {
				r = -EINVAL;
				break;
			}
			if (usctp_ip_is_any(&a.ip)) {
				s->nladdrs = 0;
				continue;
			}
			if (s->nladdrs == 0 && i == 0 && s->bound) {
				/* Bound to the wildcard: a specific address narrows it. */
			}
			if (s->nladdrs >= USCTP_MAX_ADDR_PARAMS) {
				r = -ENOMEM;
				break;
			}
			s->laddrs[s->nladdrs++] = a.ip;
		} else {
			unsigned k;
			for (k = 0; k < s->nladdrs; k++)
				if (memcmp(&s->laddrs[k], &a.ip, sizeof(a.ip)) == 0)
					break;
			if (k == s->nladdrs) {
				r = -EADDRNOTAVAIL;
				break;
			}
			if (s->nladdrs == 1) {
				r = -EINVAL; /* cannot remove the last address */
				break;
			}
			s->laddrs[k] = s->laddrs[--s->nladdrs];
		}
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

int usctp_listen(int sd, int backlog)
{
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	if (s->type == SOCK_STREAM && (s->assocs || s->connecting))
		r = -EINVAL;
	if (!r && !s->bound)
		r = usctp_port_bind(s, 0);
	if (!r && !s->cookie_key) {
		s->cookie_key =
		    usctp_cookie_key_new(usctp_random_default, NULL, 3600ull * 1000000000ull, usctp_now());
		if (!s->cookie_key)
			r = -ENOMEM;
	}
	if (!r) {
		/* RFC 6458 4.1.3: backlog 0 on a one-to-many socket stops accepting. */
		s->listening = !(s->type == SOCK_SEQPACKET && backlog == 0);
		s->backlog = backlog <= 0 ? 1 : (unsigned)backlog;
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

/*
 * Move sa from s (locked) to the fresh socket ns (not yet visible to anyone
 * else). The I/O thread finds sa's socket through sa->s, switched last.
 */
static void move_assoc(struct usctp_sock *s, struct usctp_sassoc *sa, struct usctp_sock *ns)
{
	if (sa->in_aq) {
		struct usctp_sassoc **pp = &s->aq_head, *prev = NULL;
		while (*pp && *pp != sa) {
			prev = *pp;
			pp = &(*pp)->aq_next;
		}
		if (*pp) {
			*pp = sa->aq_next;
			if (s->aq_tail == sa)
				s->aq_tail = prev;
			s->aq_len--;
		}
		sa->in_aq = false;
	}
	if (sa->in_rq) {
		struct usctp_sassoc **pp = &s->rq_head, *prev = NULL;
		while (*pp && *pp != sa) {
			prev = *pp;
			pp = &(*pp)->rq_next;
		}
		if (*pp) {
			*pp = sa->rq_next;
			if (s->rq_tail == sa)
				s->rq_tail = prev;
		}
		sa->in_rq = false;
	}
	if (sa->prev)
		sa->prev->next = sa->next;
	else
		s->assocs = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	s->nassocs--;
	sa->prev = NULL;
	sa->next = NULL;
	ns->assocs = sa;
	ns->nassocs = 1;
	ns->lport = s->lport;
	ns->bound = true; /* shares the port; the listener stays its owner */
	/* and its addresses: those the association announced */
	memcpy(ns->laddrs, s->laddrs, s->nladdrs * sizeof(s->laddrs[0]));
	ns->nladdrs = s->nladdrs;
	ns->o = s->o;
	ns->ever_connected = true;
	usctp_nq_move(&ns->nq, &sa->early);
	/* Notifications of a one-to-many socket for this association stay
	 * where they are: they were addressed to that socket. */
	if (sa->a && usctp_assoc_readable(sa->a)) {
		sa->in_rq = true;
		sa->rq_next = NULL;
		ns->rq_head = ns->rq_tail = sa;
	}
	usctp_sock_ref(ns);
	atomic_store(&sa->s, ns);
	usctp_sock_unref(s); /* the association's reference; the caller holds another */
}

/* Copy a sockaddr out as accept / getsockname do: cut to the room, full size back. */
static int give_addr(const struct sockaddr_storage *ss, socklen_t len, struct sockaddr *addr, socklen_t *addrlen)
{
	socklen_t n = *addrlen < len ? *addrlen : len;
	memcpy(addr, ss, n);
	*addrlen = len;
	return 0;
}

int usctp_accept(int sd, struct sockaddr *addr, socklen_t *addrlen)
{
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	bool nb = usctp_api_nonblock(sd);
	struct usctp_sock *ns = NULL;
	r = usctp_sock_create(s->family, SOCK_STREAM, &ns);
	if (r < 0) {
		usctp_sock_unref(s);
		return usctp_fail(-r);
	}
	pthread_mutex_lock(&s->lock);
	uint64_t deadline = usctp_api_deadline(s->rcvtimeo_ms);
	struct usctp_sassoc *sa = NULL;
	for (;;) {
		if (s->closed) {
			r = -EBADF;
			break;
		}
		if (s->type != SOCK_STREAM) {
			r = -EOPNOTSUPP;
			break;
		}
		if (!s->listening) {
			r = -EINVAL;
			break;
		}
		if (s->aq_head) {
			sa = s->aq_head;
			break;
		}
		if (nb) {
			r = -EAGAIN;
			break;
		}
		if (!usctp_sock_wait(s, deadline)) {
			r = -EAGAIN;
			break;
		}
	}
	struct sockaddr_storage peer;
	socklen_t plen = 0;
	if (sa) {
		move_assoc(s, sa, ns);
		plen = usctp_addr_to_sa(&sa->peer, sa->pport, &peer);
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	if (!sa) {
		usctp_sock_unlink_fd(ns, true);
		return usctp_fail(-r);
	}
	usctp_sock_signal(ns);
	if (addr && addrlen)
		give_addr(&peer, plen, addr, addrlen);
	return ns->ufd;
}

int usctp_api_new_assoc(struct usctp_sock *s, const struct sockaddr *addrs, int n, struct usctp_sassoc **out)
{
	const uint8_t *p = (const uint8_t *)addrs;
	struct usctp_addr peer;
	uint16_t pport = 0;
	struct usctp_addr more[USCTP_MAX_ADDR_PARAMS];
	int nmore = 0;
	for (int i = 0; i < n; i++) {
		const struct sockaddr *sa = (const struct sockaddr *)p;
		size_t len = usctp_api_sa_len(sa);
		if (!len)
			return -EINVAL;
		p += len;
		struct usctp_addr a;
		uint16_t port;
		int r = usctp_addr_from_sa(sa, (socklen_t)len, &a, &port);
		if (r < 0)
			return r;
		if (!family_ok(s, &a))
			return -EINVAL;
		if (!usctp_rt_has_family(a.ip.family == 6 ? AF_INET6 : AF_INET))
			return -ENETUNREACH;
		if (port == 0)
			return -EINVAL;
		a.udp_port = s->o.encaps_port ? s->o.encaps_port : USCTP_DEFAULT_UDP_PORT;
		if (i == 0) {
			peer = a;
			pport = port;
		} else if (port == pport && nmore < USCTP_MAX_ADDR_PARAMS) {
			more[nmore++] = a;
		}
	}
	if (n <= 0)
		return -EINVAL;
	if (!s->bound) {
		int r = usctp_port_bind(s, 0);
		if (r < 0)
			return r;
	}
	struct usctp_assoc_config cfg;
	usctp_sock_assoc_config(s, &cfg, &peer.ip);
	cfg.peer_port = pport;
	uint64_t now = usctp_now();
	struct usctp_assoc *a = usctp_assoc_new(&cfg, &peer, now);
	if (!a)
		return -ENOMEM;
	for (int i = 0; i < nmore; i++)
		usctp_assoc_add_peer_addr(a, &more[i]);
	int r = usctp_assoc_connect(a, now);
	if (r < 0) {
		usctp_assoc_del(a);
		return -usctp_err_to_errno(r);
	}
	struct usctp_sassoc *sa = usctp_sa_new(s, a, &peer, pport, cfg.mtu);
	if (!sa) {
		usctp_assoc_del(a);
		return -ENOMEM;
	}
	*out = sa;
	return 0;
}

static int do_connect(int sd, const struct sockaddr *addrs, int n, sctp_assoc_t *id)
{
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	bool nb = usctp_api_nonblock(sd);
	pthread_mutex_lock(&s->lock);
	struct usctp_sassoc *sa = NULL;
	if (s->closed)
		r = -EBADF;
	else if (s->listening && s->type == SOCK_STREAM)
		r = -EOPNOTSUPP;
	else if (s->type == SOCK_STREAM && s->connecting)
		r = -EALREADY;
	else if (s->type == SOCK_STREAM && (s->assocs || s->ever_connected))
		r = -EISCONN;
	if (!r && s->type == SOCK_SEQPACKET && n > 0) {
		struct usctp_addr a;
		uint16_t port;
		size_t len = usctp_api_sa_len(addrs);
		if (len && usctp_addr_from_sa(addrs, (socklen_t)len, &a, &port) == 0) {
			a.udp_port = port;
			if (usctp_sock_find_peer(s, &a))
				r = -EISCONN;
		}
	}
	if (!r)
		r = usctp_api_new_assoc(s, addrs, n, &sa);
	if (!r) {
		if (s->type == SOCK_STREAM)
			s->connecting = true;
		if (id)
			*id = sa->id;
		usctp_sa_ref(sa);
		usctp_sa_service_all(s, sa);
		if (nb) {
			r = -EINPROGRESS;
		} else {
			uint64_t deadline = usctp_api_deadline(s->sndtimeo_ms);
			for (;;) {
				if (sa->up) {
					r = 0;
					break;
				}
				if (!sa->a || sa->error) {
					r = -(sa->error ? sa->error : ECONNREFUSED);
					if (s->type == SOCK_STREAM)
						s->so_error = 0; /* reported here */
					break;
				}
				if (s->closed) {
					r = -EBADF;
					break;
				}
				if (!usctp_sock_wait(s, deadline)) {
					r = -ETIMEDOUT;
					break;
				}
			}
		}
		usctp_sa_unref(sa);
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

int usctp_connect(int sd, const struct sockaddr *addr, socklen_t addrlen)
{
	if (!addr || addrlen < (socklen_t)sizeof(struct sockaddr_in) ||
	    (addr->sa_family == AF_INET6 && addrlen < (socklen_t)sizeof(struct sockaddr_in6)))
		return usctp_fail(EINVAL);
	return do_connect(sd, addr, 1, NULL);
}

int sctp_connectx(int sd, const struct sockaddr *addrs, int addrcnt, sctp_assoc_t *id)
{
	if (!addrs || addrcnt <= 0)
		return usctp_fail(EINVAL);
	return do_connect(sd, addrs, addrcnt, id);
}

int usctp_shutdown(int sd, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return usctp_fail(EINVAL);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	struct usctp_sassoc *sa = usctp_sock_the_assoc(s);
	if (s->type != SOCK_STREAM)
		r = -EOPNOTSUPP;
	else if (!sa || !sa->a)
		r = -ENOTCONN;
	if (!r) {
		if (how != SHUT_WR)
			s->rd_shut = true;
		if (how != SHUT_RD) {
			s->wr_shut = true;
			int e = usctp_assoc_shutdown(sa->a, usctp_now());
			if (e < 0 && e != USCTP_ERR_STATE && e != USCTP_ERR_CLOSED)
				r = -usctp_err_to_errno(e);
			usctp_sa_service_all(s, sa);
		}
		usctp_sock_wake(s);
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

/* Does s still have an association that is not finished? (A finished one
 * may linger while it holds unread data: nothing to wait for.) */
static bool any_alive(const struct usctp_sock *s)
{
	for (const struct usctp_sassoc *sa = s->assocs; sa; sa = sa->next)
		if (sa->a && !usctp_assoc_is_dead(sa->a))
			return true;
	return false;
}

int usctp_sock_close(struct usctp_sock *s, bool fd_gone)
{
	pthread_mutex_lock(&s->lock);
	if (s->closed) {
		pthread_mutex_unlock(&s->lock);
		return -EBADF;
	}
	s->closed = true;
	bool abortive = s->o.linger.l_onoff && s->o.linger.l_linger == 0;
	bool was_listener = s->listening;
	s->listening = false;
	uint64_t now = usctp_now();
	/* Collect first: servicing drops the lock to send. */
	unsigned n = 0;
	struct usctp_sassoc **v = s->nassocs ? malloc(s->nassocs * sizeof(*v)) : NULL;
	for (struct usctp_sassoc *sa = s->assocs; sa && v; sa = sa->next) {
		usctp_sa_ref(sa);
		v[n++] = sa;
	}
	for (unsigned i = 0; i < n; i++) {
		struct usctp_sassoc *sa = v[i];
		if (sa->a && atomic_load(&sa->s) == s) {
			/* Unaccepted associations of a listener have no user: abort. */
			if (abortive || (was_listener && s->type == SOCK_STREAM) || !sa->up)
				usctp_assoc_abort(sa->a, NULL, 0, now);
			else
				usctp_assoc_shutdown(sa->a, now);
			usctp_sa_service_all(s, sa);
		}
		usctp_sa_unref(sa);
	}
	free(v);
	usctp_nq_clear(&s->nq);
	usctp_sock_wake(s);
	bool linger_wait = !fd_gone && s->o.linger.l_onoff && s->o.linger.l_linger > 0;
	if (linger_wait) {
		uint64_t deadline = usctp_now() / 1000000u + (uint64_t)s->o.linger.l_linger * 1000u;
		while (any_alive(s) && usctp_sock_wait(s, deadline))
			;
	}
	pthread_mutex_unlock(&s->lock);
	usctp_kick_flush();
	usctp_port_release(s);
	usctp_sock_unlink_fd(s, !fd_gone);
	return 0;
}

int usctp_close(int sd)
{
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	r = usctp_sock_close(s, false);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : 0;
}

int sctp_peeloff(int sd, sctp_assoc_t id)
{
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	if (s->type != SOCK_SEQPACKET) {
		usctp_sock_unref(s);
		return usctp_fail(EOPNOTSUPP);
	}
	struct usctp_sock *ns;
	r = usctp_sock_create(s->family, SOCK_STREAM, &ns);
	if (r < 0) {
		usctp_sock_unref(s);
		return usctp_fail(-r);
	}
	pthread_mutex_lock(&s->lock);
	struct usctp_sassoc *sa = usctp_sock_find_assoc(s, id);
	if (!sa || !sa->a)
		r = -EINVAL;
	else
		move_assoc(s, sa, ns);
	pthread_mutex_unlock(&s->lock);
	usctp_sock_signal(s);
	usctp_sock_unref(s);
	if (r < 0) {
		usctp_sock_unlink_fd(ns, true);
		return usctp_fail(-r);
	}
	usctp_sock_signal(ns);
	return ns->ufd;
}

/* ---- addresses ---- */

static int pack_addrs(const struct usctp_ipaddr *ips, unsigned n, uint16_t port, struct sockaddr **out)
{
	size_t total = 0;
	for (unsigned i = 0; i < n; i++)
		total += usctp_addr_sa_len(&ips[i]);
	uint8_t *buf = calloc(1, total ? total : 1);
	if (!buf)
		return -ENOMEM;
	uint8_t *p = buf;
	for (unsigned i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		struct usctp_addr a = {.ip = ips[i]};
		socklen_t len = usctp_addr_to_sa(&a, port, &ss);
		memcpy(p, &ss, len);
		p += len;
	}
	*out = (struct sockaddr *)buf;
	return (int)n;
}

static struct usctp_sassoc *assoc_for(struct usctp_sock *s, sctp_assoc_t id)
{
	if (s->type == SOCK_STREAM)
		return usctp_sock_the_assoc(s);
	return usctp_sock_find_assoc(s, id);
}

int sctp_getpaddrs(int sd, sctp_assoc_t id, struct sockaddr **addrs)
{
	if (!addrs)
		return usctp_fail(EINVAL);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	struct usctp_sassoc *sa = assoc_for(s, id);
	if (!sa || !sa->a) {
		r = s->type == SOCK_STREAM ? -ENOTCONN : -EINVAL;
	} else {
		struct usctp_assoc_status st;
		usctp_assoc_get_status(sa->a, &st);
		struct usctp_ipaddr ips[USCTP_MAX_ADDR_PARAMS];
		unsigned n = 0;
		for (unsigned i = 0; i < st.num_paths && n < USCTP_MAX_ADDR_PARAMS; i++) {
			struct usctp_path_status ps;
			if (usctp_assoc_path_status(sa->a, i, &ps) == 0)
				ips[n++] = ps.addr.ip;
		}
		if (n == 0)
			ips[n++] = sa->peer.ip;
		r = pack_addrs(ips, n, sa->pport, addrs);
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	return r < 0 ? usctp_fail(-r) : r;
}

void sctp_freepaddrs(struct sockaddr *addrs)
{
	free(addrs);
}
void sctp_freeladdrs(struct sockaddr *addrs)
{
	free(addrs);
}

/* The host's addresses of the families the socket speaks (a wildcard bind). */
static unsigned host_addrs(int family, struct usctp_ipaddr *ips, unsigned max)
{
	struct ifaddrs *ifa = NULL;
	unsigned n = 0;
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (struct ifaddrs *i = ifa; i && n < max; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		int f = i->ifa_addr->sa_family;
		if (f != AF_INET && !(f == AF_INET6 && family == AF_INET6))
			continue;
		if (f == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			continue;
		struct usctp_addr a;
		uint16_t port;
		if (usctp_addr_from_sa(
			i->ifa_addr, f == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6),
			&a, &port) == 0)
			ips[n++] = a.ip;
	}
	freeifaddrs(ifa);
	return n;
}

/* The addresses an association of a wildcard-bound socket sends from (its
 * paths' sources, RFC 9260 1.3); 0 while none is known. Under s->lock. */
static unsigned assoc_locals(struct usctp_sassoc *sa, struct usctp_ipaddr *ips, unsigned cap)
{
	struct usctp_assoc_status st;
	usctp_assoc_get_status(sa->a, &st);
	unsigned n = 0;
	for (unsigned i = 0; i < st.num_paths && n < cap; i++) {
		struct usctp_path_status ps;
		if (usctp_assoc_path_status(sa->a, i, &ps) < 0 || !ps.local.family)
			continue;
		bool seen = false;
		for (unsigned j = 0; j < n && !seen; j++)
			seen = usctp_ip_eq(&ips[j], &ps.local);
		if (!seen)
			ips[n++] = ps.local;
	}
	return n;
}

int sctp_getladdrs(int sd, sctp_assoc_t id, struct sockaddr **addrs)
{
	if (!addrs)
		return usctp_fail(EINVAL);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	struct usctp_ipaddr ips[USCTP_MAX_ADDR_PARAMS];
	unsigned n = s->nladdrs;
	memcpy(ips, s->laddrs, n * sizeof(ips[0]));
	if (n == 0) {
		/* Bound to the wildcard: an association's own addresses are
		 * those its peer knows it by (one-to-one: the connected one). */
		struct usctp_sassoc *sa = (s->type == SOCK_STREAM || id != SCTP_FUTURE_ASSOC) ? assoc_for(s, id) : NULL;
		if (sa && sa->a)
			n = assoc_locals(sa, ips, USCTP_MAX_ADDR_PARAMS);
	}
	bool bound = s->bound;
	uint16_t port = s->lport;
	int family = s->family;
	pthread_mutex_unlock(&s->lock);
	if (!bound)
		r = 0;
	else {
		if (n == 0)
			n = host_addrs(family, ips, USCTP_MAX_ADDR_PARAMS);
		r = pack_addrs(ips, n, port, addrs);
	}
	usctp_sock_unref(s);
	if (r == 0)
		*addrs = NULL;
	return r < 0 ? usctp_fail(-r) : r;
}

int usctp_getsockname(int sd, struct sockaddr *addr, socklen_t *addrlen)
{
	if (!addr || !addrlen)
		return usctp_fail(EFAULT);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	struct usctp_addr a;
	memset(&a, 0, sizeof(a));
	a.ip.family = s->family == AF_INET6 ? 6 : 4;
	if (s->nladdrs) {
		a.ip = s->laddrs[0];
	} else if (s->type == SOCK_STREAM) {
		struct usctp_sassoc *sa = usctp_sock_the_assoc(s);
		struct usctp_ipaddr ip;
		if (sa && sa->a && assoc_locals(sa, &ip, 1) == 1 &&
		    (ip.family == a.ip.family || s->family == AF_INET6))
			a.ip = ip;
	}
	uint16_t port = s->bound ? s->lport : 0;
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	struct sockaddr_storage ss;
	socklen_t len = usctp_addr_to_sa(&a, port, &ss);
	return give_addr(&ss, len, addr, addrlen);
}

int usctp_getpeername(int sd, struct sockaddr *addr, socklen_t *addrlen)
{
	if (!addr || !addrlen)
		return usctp_fail(EFAULT);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	struct usctp_sassoc *sa = s->type == SOCK_STREAM ? usctp_sock_the_assoc(s) : NULL;
	struct usctp_addr peer;
	uint16_t pport = 0;
	bool ok = sa && sa->a && sa->up;
	if (ok) {
		struct usctp_assoc_status st;
		struct usctp_path_status ps;
		usctp_assoc_get_status(sa->a, &st);
		peer = sa->peer;
		if (usctp_assoc_path_status(sa->a, (unsigned)(st.primary < 0 ? 0 : st.primary), &ps) == 0)
			peer = ps.addr;
		pport = sa->pport;
	}
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	if (!ok)
		return usctp_fail(ENOTCONN);
	struct sockaddr_storage ss;
	socklen_t len = usctp_addr_to_sa(&peer, pport, &ss);
	return give_addr(&ss, len, addr, addrlen);
}
