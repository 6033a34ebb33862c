/*
 * Packet tracing at the UDP edge: the pcap capture (USCTP_PCAP,
 * usctp_pcap_open) and the per-packet log lines (USCTP_DEBUG=3).
 *
 * The runtime calls usctp_trace_pkt for every SCTP packet it sends or
 * receives, but only when usctp_trace_on() says so: one relaxed load and one
 * branch when both are off.
 */
#ifndef USCTP_IO_TRACE_H
#define USCTP_IO_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rt.h"

/* Bit 0: a pcap file is open; bit 1: USCTP_DEBUG >= 3. */
extern atomic_uint usctp_trace_flags;

static inline bool usctp_trace_on(void)
{
	return __builtin_expect(atomic_load_explicit(&usctp_trace_flags, memory_order_relaxed) != 0, 0);
}

/* A packet (the UDP payload: an SCTP packet) went out to peer (tx) or came
 * in from peer (!tx); local is our address (source or arrival), NULL or
 * AF_UNSPEC if unknown (then the route towards peer tells). Safe from any
 * thread. */
void usctp_trace_pkt(bool tx, const uint8_t *pkt, size_t len, const struct sockaddr_storage *peer,
		     const struct usctp_srcaddr *local);

/* At runtime start: open USCTP_PCAP if set (and nothing is open), and
 * switch packet logging on for USCTP_DEBUG >= 3. */
void usctp_trace_rt_start(void);
/* At runtime stop: packet logging off (a USCTP_PCAP capture stays open). */
void usctp_trace_rt_stop(void);

#endif
