/*
 * usctp core: a path's packet size falls back to a base size when data sent
 * in larger packets is lost to a T3-rtx timeout, and goes back up later.
 *
 * This is the third black-hole indicator of RFC 8899 4.3 ("excessive loss of
 * data sent with a specific packet size", as PLPMTUD does for TCP, RFC 4821)
 * without probe packets. It only acts on paths whose packet size exceeds the
 * base: by default loopback, where the route allows 64 KiB datagrams but a
 * peer's UDP socket buffer (about 208 KiB by default) holds three of them.
 * A burst of such datagrams then overflows it, and with a few huge packets in
 * flight there are not enough later packets to trigger fast retransmit: every
 * loss costs a T3 timeout (RTO.Min 1 s). At the base size the same losses are
 * repaired by fast retransmit.
 *
 * A fixed path MTU (SPP_PMTUD_DISABLE) never changes.
 */
#ifndef USCTP_CORE_PMTU_H
#define USCTP_CORE_PMTU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The larger size is tried again this long after the first fallback, and
 * twice as long after each further one, up to RFC 8899's PMTU_RAISE_TIMER. */
#define USCTP_PMTU_RAISE_FIRST_NS (30ull * 1000000000ull)
#define USCTP_PMTU_RAISE_MAX_NS (600ull * 1000000000ull)

struct usctp_pmtu {
	uint32_t restore;   /* size to go back to at raise_at; 0: not fallen back */
	uint64_t raise_at;  /* ns */
	uint64_t raise_ivl; /* ns; 0 until the first fallback */
	bool big_sent;	    /* a DATA packet larger than the base left since the last fallback */
	bool fixed;	    /* SPP_PMTUD_DISABLE: the size is the user's */
};

struct usctp_path;

/* A packet of len bytes carrying DATA left on path p. */
void usctp_pmtu_on_data_sent(struct usctp_path *p, uint32_t base, size_t len);
/* T3-rtx expired on p with data outstanding. When p's size exceeds base (0:
 * no fallback), the path is not fixed and packets larger than base carried
 * data since the last fallback, p->mtu becomes base and true is returned. */
bool usctp_pmtu_on_t3(struct usctp_path *p, uint32_t base, uint64_t now);
/* Before building a packet for p: back to the larger size once due. */
void usctp_pmtu_tick(struct usctp_path *p, uint64_t now);
/* SPP_PMTUD_DISABLE: p's size is mtu from now on. */
void usctp_pmtu_fix(struct usctp_path *p, uint32_t mtu);

#endif
