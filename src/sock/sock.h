/*
 * usctp sockets layer, internal: sockets, their associations, and the glue
 * between the core (src/core), the runtime (src/io) and the public API.
 *
 * Threads and locks (see docs/design.md):
 * - Every socket has one mutex, s->lock. All socket and association state,
 *   and every call into the core for its associations, happen under it.
 * - The I/O thread delivers packets and fires timers: it finds the
 *   association (demux lock, briefly), takes the socket lock, calls the core,
 *   collects packets into a batch, releases the lock, then sends.
 * - User threads do the same for their calls. Blocking calls wait on s->cond.
 * - No lock is held across a system call or user code; lock order is
 *   socket lock -> (demux lock | registry lock | timer heap lock), never the
 *   other way round.
 */
#ifndef USCTP_SOCK_SOCK_H
#define USCTP_SOCK_SOCK_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "usctp.h"
#include "core/assoc.h"
#include "core/endpoint.h"
#include "io/rt.h"

struct usctp_sock;

/* A queued notification (the bytes sctp_recvmsg returns) */
struct usctp_notif {
	struct usctp_notif *next;
	size_t len, off; /* off: bytes already returned (a short read) */
	sctp_assoc_t assoc_id;
	_Alignas(16) uint8_t data[]; /* notifications hold sockaddr_storage */
};

struct usctp_nq {
	struct usctp_notif *head, *tail;
};

/* A demux hash entry: one per peer IP address of an association. */
struct usctp_demux_ent {
	struct usctp_demux_ent *hnext;
	struct usctp_sassoc *sa;
	struct usctp_ipaddr ip;
	bool hashed;
};

/* One association of a socket. */
struct usctp_sassoc {
	_Atomic(struct usctp_sock *) s; /* owner (changes at accept / peeloff) */
	atomic_int refs;
	struct usctp_assoc *a; /* NULL once deleted */
	sctp_assoc_t id;
	struct usctp_sassoc *prev, *next; /* in s->assocs */
	struct usctp_sassoc *rq_next;	  /* in s's readable queue */
	bool in_rq;
	struct usctp_sassoc *aq_next; /* in a one-to-one listener's accept queue */
	bool in_aq;
	bool up;	    /* COMM_UP seen */
	bool partial;	    /* a message is partly read */
	bool shutdown_rcvd; /* peer sent SHUTDOWN: EOF after the data */
	bool peer_started;  /* created from the peer's INIT: learn its UDP port */
	int error;	    /* errno to report once the association failed */
	struct usctp_timer timer;
	struct usctp_addr peer; /* demux key: primary peer address, udp_port as first used */
	/* SCTP_REMOTE_UDP_ENCAPS_PORT on the association (0: none) and on its addresses */
	uint16_t port_override;
	struct {
		struct usctp_ipaddr ip;
		uint16_t port;
	} addr_ports[USCTP_MAX_ADDR_PARAMS];
	unsigned naddr_ports;
	int prim_path; /* SCTP_PRIMARY_ADDR: the path data goes to (-1: the core's primary) */
	/* our tag, for demux among candidates (read under the demux lock only) */
	_Atomic uint32_t local_vtag;
	uint32_t mtu;
	uint16_t lport, pport;
	struct usctp_demux_ent ents[USCTP_MAX_ADDR_PARAMS]; /* ents[0]: the primary peer address */
	unsigned nents;
	struct usctp_nq early; /* notifications before accept (one-to-one) */
	uint64_t last_io;      /* for SCTP_AUTOCLOSE */
};

/* Socket options that are templates for new associations. */
struct usctp_sockopts {
	struct sctp_initmsg initmsg;
	struct sctp_sndrcvinfo defsend;
	uint32_t events; /* bit n: notification type n is on */
	bool nodelay;
	uint32_t autoclose_s;
	struct linger linger;
	uint16_t encaps_port; /* remote UDP port for new associations (host order, 0: 9899) */
	uint32_t rcvbuf, sndbuf;
	uint32_t maxseg; /* 0: path limit */
	uint32_t rto_initial, rto_min, rto_max;
	uint32_t cookie_life_ms;
	uint16_t asocmaxrxt, pathmaxrxt;
	uint32_t hbinterval_ms;
	bool hb_enabled;
	uint32_t adaptation_ind;
	bool has_adaptation;
	bool pr_sctp; /* SCTP_PR_SUPPORTED: advertise Forward-TSN-Supported (default on) */
	uint32_t pathmtu; /* SPP_PMTUD_DISABLE spp_pathmtu for future associations: largest SCTP packet (0: by route) */
};

struct usctp_sock {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_int refs;
	int ufd;  /* the user's descriptor (-1 once closed) */
	int lfd;  /* the library's end of the socketpair */
	int type; /* SOCK_STREAM (one-to-one) or SOCK_SEQPACKET (one-to-many) */
	int family;
	/* state */
	bool bound, listening, closed, connecting;
	bool wr_shut, rd_shut;
	int so_error;	     /* one-to-one: error to report once */
	bool ever_connected; /* one-to-one: had an association (EOF vs ENOTCONN) */
	int waiters;	     /* threads in pthread_cond_wait */
	uint64_t waits;	     /* waits begun, ever (lets tests see a thread block again) */
	dev_t dev;	     /* identity of the user's end, to notice a close() behind our back */
	ino_t ino;
	int ufd_lib; /* the library's own dup of the user's end: readiness goes through it */
	uint64_t rcvtimeo_ms, sndtimeo_ms; /* SO_RCVTIMEO / SO_SNDTIMEO (0: none) */
	uint16_t lport;
	struct usctp_ipaddr laddrs[USCTP_MAX_ADDR_PARAMS];
	unsigned nladdrs; /* 0: wildcard */
	struct usctp_sockopts o;
	struct usctp_cookie_key *cookie_key;
	/* associations */
	struct usctp_sassoc *assocs;
	unsigned nassocs;
	sctp_assoc_t next_id;
	struct usctp_sassoc *rq_head, *rq_tail; /* readable associations, round robin */
	struct usctp_sassoc *aq_head, *aq_tail; /* one-to-one listener: ready to accept */
	unsigned aq_len, backlog;
	struct usctp_nq nq;
	/* readiness of ufd (see signal.c) */
	bool rd_applied, wr_applied, sig_busy;
	/* registry */
	struct usctp_sock *all_prev, *all_next;
};

/* ---- registry.c: descriptors, lifetimes, ports ---- */
/* Make a socket with its socketpair; registered in the fd table. */
int usctp_sock_create(int family, int type, struct usctp_sock **out);
/* Look up a descriptor: 0 and a reference, or -EBADF / -ENOTSOCK. */
int usctp_sock_get(int fd, struct usctp_sock **out);
void usctp_sock_ref(struct usctp_sock *s);
void usctp_sock_unref(struct usctp_sock *s);
/* Remove the descriptor from the table and close it unless the user did
 * already (the socket lives on while its associations shut down). */
void usctp_sock_unlink_fd(struct usctp_sock *s, bool close_fd);
/* usctp_close's work; fd_gone: the user closed the descriptor with close(). */
int usctp_sock_close(struct usctp_sock *s, bool fd_gone);
/* Bind s to port (0: pick a free one). Under s->lock. -EADDRINUSE. */
int usctp_port_bind(struct usctp_sock *s, uint16_t port);
void usctp_port_release(struct usctp_sock *s);
/* The socket owning port (referenced), or NULL. */
struct usctp_sock *usctp_port_owner(uint16_t port);
/* Call fn on every live socket (referenced during the call, no lock held). */
void usctp_sock_foreach(void (*fn)(struct usctp_sock *s));
/* Free the registry tables (runtime stop). */
void usctp_registry_reset(void);

/* ---- demux.c: (local port, peer port, peer address) -> association ---- */
void usctp_demux_add(struct usctp_sassoc *sa);
/* Hash every peer address the core now knows for sa (after COMM_UP). */
void usctp_demux_add_paths(struct usctp_sassoc *sa);
void usctp_demux_del(struct usctp_sassoc *sa);
/* Was an association (lport, pport, peer ip) with our tag vtag deleted a
 * moment ago? Its stragglers are dropped, not answered (demux.c). */
bool usctp_demux_recently_closed(uint16_t lport, uint16_t pport, const struct usctp_ipaddr *ip, uint32_t vtag,
				 uint64_t now);
/* Forget them (runtime stop). */
void usctp_demux_reset(void);
/* Referenced association for a packet, or NULL. vtag picks among several. */
struct usctp_sassoc *usctp_demux_find(uint16_t lport, uint16_t pport, const struct usctp_addr *from,
				      uint32_t vtag);

/* ---- assoc.c: association wrappers and their servicing ---- */
void usctp_sa_ref(struct usctp_sassoc *sa);
void usctp_sa_unref(struct usctp_sassoc *sa);
/* Lock the socket that owns sa now (it may move at accept / peeloff);
 * returns it referenced and locked. */
struct usctp_sock *usctp_sa_lock(struct usctp_sassoc *sa);
/* Wrap a new core association in s (under s->lock). */
struct usctp_sassoc *usctp_sa_new(struct usctp_sock *s, struct usctp_assoc *a, const struct usctp_addr *peer,
				  uint16_t pport, uint32_t mtu);
/* Build the association config for s (under s->lock). */
void usctp_sock_assoc_config(struct usctp_sock *s, struct usctp_assoc_config *c,
			     const struct usctp_ipaddr *peer);

/*
 * Drive sa after anything happened to it (under s->lock): write its packets
 * into b, turn its events into notifications and state, re-arm its timer,
 * queue it as readable, and delete it once dead. Returns 1 when b filled up
 * and more packets wait (flush b without the lock, then call again), else 0.
 * *kick is set when the I/O thread must re-arm its timer.
 */
int usctp_sa_service(struct usctp_sassoc *sa, struct usctp_txbatch *b, bool *kick);
/* Service sa completely from a thread holding s->lock: flushes need the lock
 * dropped, so this unlocks and relocks s around each flush. */
void usctp_sa_service_all(struct usctp_sock *s, struct usctp_sassoc *sa);
/* The UDP port to send to dst: SCTP_REMOTE_UDP_ENCAPS_PORT on the address,
 * else on the association, else what the core learnt (RFC 6951 5.4). */
uint16_t usctp_sa_udp_port(const struct usctp_sassoc *sa, const struct usctp_addr *dst);
/* Remove sa from its socket and the demux and delete the core association. */
void usctp_sa_destroy(struct usctp_sassoc *sa);
struct usctp_sassoc *usctp_sock_find_assoc(struct usctp_sock *s, sctp_assoc_t id);
struct usctp_sassoc *usctp_sock_find_peer(struct usctp_sock *s, const struct usctp_addr *peer);
/* The socket's only association (one-to-one), or NULL. */
struct usctp_sassoc *usctp_sock_the_assoc(struct usctp_sock *s);
/* After changing state under s->lock: wake waiters (call under the lock). */
void usctp_sock_wake(struct usctp_sock *s);
/* Set when this thread armed a timer earlier than the I/O thread's: the
 * kick (a system call) waits for usctp_sock_signal, which runs unlocked. */
extern _Thread_local bool usctp_kick_pending;
/* Deliver a pending kick (no lock held). */
void usctp_kick_flush(void);
/* Readiness of ufd: recompute and apply; also delivers a pending kick of the
 * I/O thread. Call WITHOUT s->lock. */
void usctp_sock_signal(struct usctp_sock *s);
/* Wait on s->cond (under s->lock) until woken or deadline_ms (monotonic
 * ms, 0: none). Returns false on timeout. */
bool usctp_sock_wait(struct usctp_sock *s, uint64_t deadline_ms);

/* ---- notify.c ---- */
/* Turn a core event into a queued notification if s subscribed to it. */
void usctp_notify_event(struct usctp_sock *s, struct usctp_sassoc *sa, const struct usctp_event *ev);
void usctp_nq_push(struct usctp_nq *q, struct usctp_notif *n);
struct usctp_notif *usctp_nq_pop(struct usctp_nq *q);
void usctp_nq_clear(struct usctp_nq *q);
void usctp_nq_move(struct usctp_nq *to, struct usctp_nq *from);
bool usctp_events_on(const struct usctp_sock *s, uint16_t type);

/* ---- diag.c ---- */
/* The RFC 6458 state constant (SCTP_STATUS sstat_state) for a core state. */
int32_t usctp_sstat_state(enum usctp_state st);

/* ---- addr.c ---- */
/* sockaddr -> usctp_addr (udp_port: the port to use for it). -EINVAL / -EAFNOSUPPORT. */
int usctp_addr_from_sa(const struct sockaddr *sa, socklen_t len, struct usctp_addr *out, uint16_t *sctp_port);
/* usctp_addr + SCTP port -> sockaddr of family (v4 mapped into v6 if needed). */
socklen_t usctp_addr_to_sa(const struct usctp_addr *a, uint16_t sctp_port, struct sockaddr_storage *ss);
/* usctp_addr -> UDP destination */
void usctp_addr_to_udp(const struct usctp_addr *a, struct sockaddr_storage *ss);
/* From a received datagram's source. */
void usctp_addr_from_udp(const struct sockaddr_storage *ss, struct usctp_addr *out);
/* Bytes a packed sockaddr of this address takes. */
size_t usctp_addr_sa_len(const struct usctp_ipaddr *ip);
/* The core's IP address <-> the runtime's local address (family 0 <-> AF_UNSPEC). */
void usctp_ip_to_src(const struct usctp_ipaddr *ip, struct usctp_srcaddr *out);
void usctp_ip_from_src(const struct usctp_srcaddr *in, struct usctp_ipaddr *out);
/* usctp_assoc_config.route_src: the kernel's source address towards dst. */
int usctp_addr_route_src(void *ctx, const struct usctp_ipaddr *dst, struct usctp_ipaddr *src);

/* ---- glue.c ---- */
/* Make sure the runtime runs (first use). */
int usctp_glue_start(void);
/* Current errno for a USCTP_ERR_* */
int usctp_err_to_errno(int err);

/* Helpers for the API: set errno and return -1. */
static inline int usctp_fail(int e)
{
	errno = e;
	return -1;
}

#endif
