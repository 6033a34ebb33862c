/*
 * usctp core, receive side: the set of received TSNs (RFC 9260 6.2, 6.7).
 *
 * The cumulative TSN plus a sorted array of ranges of TSNs received above it,
 * and a bounded list of duplicates for the next SACK. All comparisons are
 * offsets from the cumulative TSN (serial arithmetic, wraparound safe); TSNs
 * more than max_ahead beyond it are refused, which keeps every offset within
 * the 16 bits of a gap ack block. Private to src/core/rx*.c.
 */
#ifndef USCTP_CORE_RX_TSNMAP_H
#define USCTP_CORE_RX_TSNMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../wire/wire.h"

#define USCTP_TSNMAP_MAX_DUPS 32     /* duplicates remembered between SACKs */
#define USCTP_TSNMAP_MAX_RANGES 1024 /* gap ranges held (more are refused) */
#define USCTP_TSNMAP_MAX_AHEAD 65535 /* a gap block offset is 16 bits */

struct usctp_tsn_range {
	uint32_t start, end; /* inclusive, both above cum */
};

struct usctp_tsnmap {
	uint32_t cum;
	uint32_t max_ahead;
	struct usctp_tsn_range *r; /* sorted, disjoint, not adjacent */
	unsigned n, cap;
	uint32_t dups[USCTP_TSNMAP_MAX_DUPS];
	unsigned ndups;
};

enum usctp_tsn_class {
	USCTP_TSN_NEW = 0, /* not received yet, within the window */
	USCTP_TSN_DUP = 1, /* at or below cum, or already in a range */
	USCTP_TSN_FAR = 2, /* beyond cum + max_ahead: refuse without recording */
};

void usctp_tsnmap_init(struct usctp_tsnmap *m, uint32_t cum, uint32_t max_ahead);
void usctp_tsnmap_free(struct usctp_tsnmap *m);
enum usctp_tsn_class usctp_tsnmap_classify(const struct usctp_tsnmap *m, uint32_t tsn);
/* Highest TSN received (cum if no gap). */
uint32_t usctp_tsnmap_highest(const struct usctp_tsnmap *m);
/* Record a NEW tsn (classify first). 0, or NOMEM when the range array is full. */
int usctp_tsnmap_add(struct usctp_tsnmap *m, uint32_t tsn);
/* Remember a duplicate for the next SACK (silently dropped past the bound). */
void usctp_tsnmap_add_dup(struct usctp_tsnmap *m, uint32_t tsn);
/* FORWARD TSN: move cum to new_cum (caller checked it is newer), then further
 * over any range that now touches it. */
void usctp_tsnmap_forward(struct usctp_tsnmap *m, uint32_t new_cum);
/* Fill up to max gap blocks (offsets from cum); returns how many. */
unsigned usctp_tsnmap_gaps(const struct usctp_tsnmap *m, struct usctp_gap_block *out, unsigned max);

/* Serial number arithmetic (RFC 1982) on 32 and 16 bits. */
static inline bool usctp_tsn_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool usctp_tsn_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool usctp_ssn_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) < 0;
}
static inline bool usctp_ssn_le(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) <= 0;
}

#endif
