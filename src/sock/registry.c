/*
 * The socket registry: descriptor -> socket, socket lifetimes (references),
 * and the local SCTP ports in use.
 *
 * A usctp socket is one end of an AF_UNIX socketpair (the user's), so it is a
 * real descriptor; the table maps its number to the socket. The table holds
 * one reference, dropped by usctp_close; every association holds one more,
 * so a closed socket lives on while its associations shut down.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sock.h"

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct usctp_sock **fdtab;
static int fdcap;
static struct usctp_sock *all_head;
/* Port owners: the socket bound to each SCTP port (no reference: a socket
 * clears its entry before it is freed). Accepted and peeled-off sockets
 * share their parent's port without owning it. */
static struct usctp_sock **ports;
static uint16_t next_ephemeral = 49152;

static void set_defaults(struct usctp_sock *s)
{
	struct usctp_sockopts *o = &s->o;
	struct usctp_assoc_config c;
	usctp_assoc_config_default(&c);
	o->initmsg.sinit_num_ostreams = 10;
	o->initmsg.sinit_max_instreams = 2048;
	o->initmsg.sinit_max_attempts = (uint16_t)c.max_init_retrans;
	o->initmsg.sinit_max_init_timeo = (uint16_t)(c.rto_max_ms > 65535 ? 65535 : c.rto_max_ms);
	o->rcvbuf = 1 << 20;
	o->sndbuf = 1 << 20;
	o->rto_initial = c.rto_initial_ms;
	o->rto_min = c.rto_min_ms;
	o->rto_max = c.rto_max_ms;
	o->cookie_life_ms = c.valid_cookie_life_ms;
	o->asocmaxrxt = (uint16_t)c.assoc_max_retrans;
	o->pathmaxrxt = (uint16_t)c.path_max_retrans;
	o->hbinterval_ms = c.hb_interval_ms ? c.hb_interval_ms : 30000;
	o->hb_enabled = c.hb_interval_ms != 0;
	o->pr_sctp = true;
}

int usctp_sock_create(int family, int type, struct usctp_sock **out)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* The smallest send buffer on the user's end: making it unwritable
	 * (see signal.c) then costs a few kilobytes. */
	int small = 1;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	/* The library works on the user's end through its own descriptor, so
	 * it never touches the user's number after usctp_close (or a stray
	 * close()) and can never write into a descriptor that reused it. */
	int lib = fcntl(sv[0], F_DUPFD_CLOEXEC, 0);
	struct usctp_sock *s = lib >= 0 ? calloc(1, sizeof(*s)) : NULL;
	if (!s) {
		int e = lib < 0 ? errno : ENOMEM;
		close(sv[0]);
		close(sv[1]);
		if (lib >= 0)
			close(lib);
		return -e;
	}
	s->ufd_lib = lib;
	struct stat st;
	if (fstat(sv[0], &st) == 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&s->refs, 1); /* the table's */
	s->ufd = sv[0];
	s->lfd = sv[1];
	s->family = family;
	s->type = type;
	s->wr_applied = true; /* a fresh socketpair end is writable */
	s->backlog = 128;
	set_defaults(s);

	pthread_mutex_lock(&reg_lock);
	if (s->ufd >= fdcap) {
		int ncap = fdcap ? fdcap : 256;
		while (ncap <= s->ufd)
			ncap *= 2;
		struct usctp_sock **nt = realloc(fdtab, (size_t)ncap * sizeof(*nt));
		if (!nt) {
			pthread_mutex_unlock(&reg_lock);
			close(sv[0]);
			close(sv[1]);
			close(lib);
			free(s);
			return -ENOMEM;
		}
		memset(nt + fdcap, 0, (size_t)(ncap - fdcap) * sizeof(*nt));
		fdtab = nt;
		fdcap = ncap;
	}
	fdtab[s->ufd] = s;
	s->all_next = all_head;
	if (all_head)
		all_head->all_prev = s;
	all_head = s;
	pthread_mutex_unlock(&reg_lock);
	*out = s;
	return 0;
}

int usctp_sock_get(int fd, struct usctp_sock **out)
{
	pthread_mutex_lock(&reg_lock);
	struct usctp_sock *s = fd >= 0 && fd < fdcap ? fdtab[fd] : NULL;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&reg_lock);
	if (!s)
		return fd >= 0 && fcntl(fd, F_GETFD) >= 0 ? -ENOTSOCK : -EBADF;
	/* The user may have closed the descriptor with close() and the number
	 * been reused: then the socket is closed for them, as close() means. */
	struct stat st;
	int r = fstat(fd, &st);
	if (r < 0 || st.st_dev != s->dev || st.st_ino != s->ino) {
		usctp_sock_close(s, true);
		usctp_sock_unref(s);
		return r < 0 ? -EBADF : -ENOTSOCK;
	}
	*out = s;
	return 0;
}

void usctp_sock_ref(struct usctp_sock *s)
{
	atomic_fetch_add(&s->refs, 1);
}

/* A reference on a socket found through a table that holds none (the port
 * owners, the list of all sockets): fails once the socket is being freed. */
static bool ref_if_live(struct usctp_sock *s)
{
	int r = atomic_load(&s->refs);
	while (r > 0)
		if (atomic_compare_exchange_weak(&s->refs, &r, r + 1))
			return true;
	return false;
}

static void sock_free(struct usctp_sock *s)
{
	pthread_mutex_lock(&reg_lock);
	if (s->all_prev)
		s->all_prev->all_next = s->all_next;
	else if (all_head == s)
		all_head = s->all_next;
	if (s->all_next)
		s->all_next->all_prev = s->all_prev;
	if (ports && s->bound && ports[s->lport] == s)
		ports[s->lport] = NULL;
	pthread_mutex_unlock(&reg_lock);
	usctp_nq_clear(&s->nq);
	if (s->cookie_key)
		usctp_cookie_key_del(s->cookie_key);
	if (s->ufd >= 0)
		close(s->ufd);
	close(s->ufd_lib);
	close(s->lfd);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void usctp_sock_unref(struct usctp_sock *s)
{
	if (atomic_fetch_sub(&s->refs, 1) == 1)
		sock_free(s);
}

void usctp_sock_unlink_fd(struct usctp_sock *s, bool close_fd)
{
	pthread_mutex_lock(&s->lock);
	int fd = s->ufd;
	s->ufd = -1;
	pthread_mutex_unlock(&s->lock);
	if (fd < 0)
		return;
	pthread_mutex_lock(&reg_lock);
	bool owned = fd < fdcap && fdtab[fd] == s;
	if (owned)
		fdtab[fd] = NULL;
	pthread_mutex_unlock(&reg_lock);
	/* The number may be reused once closed: it left the table first. And
	 * it is only ours to close if it is still our socket (a user may have
	 * closed it with close(), and the number been reused since). */
	struct stat st;
	if (close_fd && fstat(fd, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		close(fd);
	if (owned)
		usctp_sock_unref(s);
}

int usctp_port_bind(struct usctp_sock *s, uint16_t port)
{
	int err = 0;
	pthread_mutex_lock(&reg_lock);
	if (!ports) {
		ports = calloc(65536, sizeof(*ports));
		if (!ports) {
			pthread_mutex_unlock(&reg_lock);
			return -ENOMEM;
		}
		/* Start the ephemeral range at a random place, so that two processes on
		 * one host (each with its own runtime) do not hand out the same ports. */
		uint16_t r = 0;
		usctp_random_default(NULL, &r, sizeof(r));
		next_ephemeral = (uint16_t)(49152 + r % 16384);
	}
	if (port == 0) {
		for (unsigned i = 0; i < 16384; i++) {
			uint16_t p = next_ephemeral;
			next_ephemeral = next_ephemeral == 65535 ? 49152 : (uint16_t)(next_ephemeral + 1);
			if (!ports[p]) {
				port = p;
				break;
			}
		}
		if (port == 0)
			err = -EADDRINUSE;
	} else if (ports[port]) {
		err = -EADDRINUSE;
	}
	if (!err) {
		ports[port] = s;
		s->lport = port;
		s->bound = true;
	}
	pthread_mutex_unlock(&reg_lock);
	return err;
}

void usctp_port_release(struct usctp_sock *s)
{
	pthread_mutex_lock(&reg_lock);
	if (ports && s->bound && ports[s->lport] == s)
		ports[s->lport] = NULL;
	pthread_mutex_unlock(&reg_lock);
}

struct usctp_sock *usctp_port_owner(uint16_t port)
{
	pthread_mutex_lock(&reg_lock);
	struct usctp_sock *s = ports ? ports[port] : NULL;
	if (s && !ref_if_live(s))
		s = NULL;
	pthread_mutex_unlock(&reg_lock);
	return s;
}

void usctp_sock_foreach(void (*fn)(struct usctp_sock *s))
{
	pthread_mutex_lock(&reg_lock);
	size_t n = 0;
	for (struct usctp_sock *s = all_head; s; s = s->all_next)
		n++;
	struct usctp_sock **v = n ? malloc(n * sizeof(*v)) : NULL;
	size_t k = 0;
	if (v) {
		for (struct usctp_sock *s = all_head; s; s = s->all_next)
			if (ref_if_live(s))
				v[k++] = s;
	}
	pthread_mutex_unlock(&reg_lock);
	for (size_t i = 0; i < k; i++) {
		fn(v[i]);
		usctp_sock_unref(v[i]);
	}
	free(v);
}

void usctp_registry_reset(void)
{
	pthread_mutex_lock(&reg_lock);
	free(fdtab);
	fdtab = NULL;
	fdcap = 0;
	free(ports);
	ports = NULL;
	pthread_mutex_unlock(&reg_lock);
}
