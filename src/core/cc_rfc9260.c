/*
 * usctp core: the congestion control of RFC 9260 section 7.2.
 *
 * All windows are in bytes of DATA chunks (header and padding included), the
 * unit of PMDCS, the largest DATA chunk that fits a packet: mtu minus the
 * common header.
 */
#include "path.h"

static uint32_t pmdcs(uint32_t mtu)
{
	return mtu > USCTP_COMMON_HDR_LEN ? mtu - USCTP_COMMON_HDR_LEN : 1;
}
static uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}
static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}
static uint32_t sat_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* 7.2.1: initial cwnd min(4 * PMDCS, max(2 * PMDCS, 4404 (IPv4) / 4344 (IPv6))),
 * ssthresh arbitrarily high. */
static void cc_init(struct usctp_path *p, uint32_t mtu)
{
	uint32_t m = pmdcs(mtu);
	uint32_t k = p->addr.ip.family == 6 ? 4344 : 4404;
	p->cwnd = min32(4 * m, max32(2 * m, k));
	p->ssthresh = UINT32_MAX;
	p->partial_bytes_acked = 0;
}

static void cc_on_ack(struct usctp_path *p, uint32_t bytes_acked, bool cum_advanced, uint32_t flight_before,
		      bool in_fast_recovery)
{
	uint32_t m = pmdcs(p->mtu);
	if (p->cwnd <= p->ssthresh) {
		/* 7.2.1: only when the window was fully used, outside fast
		 * recovery, and (as for TCP) only on a cumulative advance, by at
		 * most min(bytes acked, L * PMDCS) with L = 1. "Fully used":
		 * not even one more full-sized chunk would have fitted; a
		 * strict flight >= cwnd would never hold after T3 (cwnd = 1
		 * PMDCS, chunks smaller than that, one packet in flight) and
		 * the window would stay at 1 PMDCS. */
		if (cum_advanced && !in_fast_recovery && (uint64_t)flight_before + m > p->cwnd)
			p->cwnd = sat_add(p->cwnd, min32(bytes_acked, m));
		return;
	}
	/* 7.2.2: partial_bytes_acked counts one cwnd of acked bytes per increase. */
	p->partial_bytes_acked = sat_add(p->partial_bytes_acked, bytes_acked);
	if (p->partial_bytes_acked >= p->cwnd && flight_before >= p->cwnd) {
		p->partial_bytes_acked -= p->cwnd;
		p->cwnd = sat_add(p->cwnd, m);
	} else if (p->partial_bytes_acked > p->cwnd && flight_before < p->cwnd) {
		p->partial_bytes_acked = p->cwnd;
	}
}

/* 7.2.3, loss found by SACK: halve, but not below 4 PMDCS. */
static void cc_on_fast_rtx(struct usctp_path *p, uint32_t mtu)
{
	p->ssthresh = max32(p->cwnd / 2, 4 * pmdcs(mtu));
	p->cwnd = p->ssthresh;
	p->partial_bytes_acked = 0;
}

/* 7.2.3, loss found by T3-rtx: back to one PMDCS (slow start). */
static void cc_on_timeout(struct usctp_path *p, uint32_t mtu)
{
	p->ssthresh = max32(p->cwnd / 2, 4 * pmdcs(mtu));
	p->cwnd = pmdcs(mtu);
	p->partial_bytes_acked = 0;
}

/*
 * 7.2.1 / 7.2.2, one RTO without sending on the path: cwnd = max(cwnd / 2,
 * 4 * PMDCS); ssthresh = cwnd before the first adjustment. The rule is meant
 * to decay a stale window, so it never raises cwnd (the max() alone would
 * lift a window that is already below 4 PMDCS).
 */
static void cc_on_idle(struct usctp_path *p, uint32_t mtu)
{
	if (p->idle_rtos == 0)
		p->ssthresh = p->cwnd;
	p->cwnd = min32(p->cwnd, max32(p->cwnd / 2, 4 * pmdcs(mtu)));
}

const struct usctp_cc_ops usctp_cc_rfc9260 = {
    .name = "rfc9260",
    .init = cc_init,
    .on_ack = cc_on_ack,
    .on_fast_rtx = cc_on_fast_rtx,
    .on_timeout = cc_on_timeout,
    .on_idle = cc_on_idle,
};
