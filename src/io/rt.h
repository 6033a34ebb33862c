/*
 * usctp runtime: the UDP encapsulation sockets (RFC 6951), the I/O thread and
 * timers on real time.
 *
 * This layer moves datagrams and runs the clock; it knows no SCTP rules. The
 * sockets layer registers a handler (usctp_rt_start) and gets every received
 * datagram, in batches, on the I/O thread.
 *
 * Threads: the I/O thread calls handler->input and timer fire functions with
 * no runtime lock held. Every other function here is safe from any thread.
 * No lock in this layer is ever held across a system call.
 */
#ifndef USCTP_IO_RT_H
#define USCTP_IO_RT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Largest UDP payload we ever receive (IPv4 loopback allows 65507). */
#define USCTP_RT_MAX_DGRAM 65536

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t usctp_now(void);

/* A local IP address: where a datagram arrived, or the source a packet is
 * sent from. AF_UNSPEC: unknown / the kernel picks by its routes. */
struct usctp_srcaddr {
	sa_family_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* One received datagram (a view into the runtime's receive buffers, valid
 * only during the input call). */
struct usctp_dgram {
	const uint8_t *data;
	size_t len;
	struct sockaddr_storage from; /* sockaddr_in or sockaddr_in6 */
	struct usctp_srcaddr to;      /* our address it was sent to (IP_PKTINFO) */
};

struct usctp_rt_handler {
	/* On the I/O thread, no runtime lock held: a batch of datagrams. */
	void (*input)(const struct usctp_dgram *d, unsigned n, uint64_t now);
	/* From usctp_rt_stop, before the thread stops and the UDP sockets
	 * close, so the upper layer can still send (e.g. ABORTs). */
	void (*teardown)(void);
};

/*
 * Start the runtime if it is not running: open and bind the UDP sockets on
 * port (0: USCTP_UDP_PORT from the environment, else 9899), start the I/O
 * thread. Returns 0, -EBUSY if running on another explicit port, or -errno.
 */
int usctp_rt_start(const struct usctp_rt_handler *h, uint16_t port);
/* Stop the runtime (handler->teardown first); no-op when stopped. */
void usctp_rt_stop(void);
bool usctp_rt_running(void);
/* The bound local UDP port (0 when stopped). */
uint16_t usctp_rt_port(void);
/* True if the runtime has a socket for this family (AF_INET6 may be absent). */
bool usctp_rt_has_family(int family);
/*
 * The source address the kernel's routes pick towards dst (a connected UDP
 * socket's local address; no packet is sent). Returns 0, or -errno (e.g.
 * -ENETUNREACH). A few system calls: for path setup, not per packet.
 */
int usctp_rt_route_src(const struct sockaddr_storage *dst, struct usctp_srcaddr *src);

/* ------------------------------------------------------------------ */
/* Timers: an intrusive min-heap ordered by due time.                  */
/* ------------------------------------------------------------------ */
struct usctp_timer {
	uint64_t due; /* USCTP_TIME_NEVER (UINT64_MAX) when not armed */
	size_t idx;   /* position in the heap, SIZE_MAX when not in it */
	/* Called on the I/O thread under the heap lock when the timer is
	 * popped: take a reference on the owner so it survives until fire. */
	void (*hold)(struct usctp_timer *t);
	/* Called on the I/O thread with no runtime lock held; must drop the
	 * reference taken by hold. */
	void (*fire)(struct usctp_timer *t, uint64_t now);
};
void usctp_timer_init(struct usctp_timer *t, void (*hold)(struct usctp_timer *),
		      void (*fire)(struct usctp_timer *, uint64_t));
/*
 * Arm (or re-arm) t for due (UINT64_MAX disarms). Returns true when the I/O
 * thread must be woken (the earliest due time moved earlier): then call
 * usctp_rt_kick once no lock is held.
 */
bool usctp_timer_set(struct usctp_timer *t, uint64_t due);
/* Wake the I/O thread (re-arm its timer). Safe from any thread. */
void usctp_rt_kick(void);

/* ------------------------------------------------------------------ */
/* Sending: a batch of packets, flushed with sendmmsg.                 */
/* ------------------------------------------------------------------ */
#define USCTP_TXB_MAX 32
#define USCTP_TXB_BYTES (256 * 1024)

struct usctp_txpkt {
	size_t off, len;
	struct sockaddr_storage to;
	struct usctp_srcaddr src; /* AF_UNSPEC: the kernel picks */
};
struct usctp_txbatch {
	unsigned n;
	size_t used;
	uint8_t *buf; /* USCTP_TXB_BYTES */
	struct usctp_txpkt pkts[USCTP_TXB_MAX];
	struct usctp_txbatch *next; /* pool link */
};

/* Borrow a batch from the pool (allocated on first need, reused after). */
struct usctp_txbatch *usctp_txb_get(void);
void usctp_txb_put(struct usctp_txbatch *b);
/* Room for one packet of up to cap bytes, or NULL when the batch is full
 * (flush, then retry). */
uint8_t *usctp_txb_reserve(struct usctp_txbatch *b, size_t cap);
/* Commit the reserved packet of len bytes for to, sent from src (NULL or
 * AF_UNSPEC: from the address the kernel's routes pick). */
void usctp_txb_commit(struct usctp_txbatch *b, size_t len, const struct sockaddr_storage *to,
		      const struct usctp_srcaddr *src);
/* Send every packet in the batch (drops on error, as IP would) and empty it. */
void usctp_txb_flush(struct usctp_txbatch *b);

#endif
