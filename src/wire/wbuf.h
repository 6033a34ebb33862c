/*
 * Internal to src/wire: the one place that appends a TLV-shaped unit (chunk,
 * parameter or error cause) to a struct usctp_wbuf, so the bounds and
 * padding rules of every builder live here.
 */
#ifndef USCTP_WIRE_WBUF_H
#define USCTP_WIRE_WBUF_H

#include "wire.h"

/* One piece of a unit's value. */
struct usctp_wpart {
	const void *p;
	size_t len;
};

/*
 * Append a unit whose first two bytes are b0, b1 (chunk type and flags, or a
 * 16-bit parameter type / cause code), then the 16-bit length (4 + sum of
 * the parts), the parts in order, and zero padding to a multiple of 4.
 * Returns 0; USCTP_ERR_INVALID if the length does not fit 16 bits;
 * USCTP_ERR_NOBUF (nothing written) if the padded unit does not fit.
 */
int usctp_wbuf_put_unit(struct usctp_wbuf *w, uint8_t b0, uint8_t b1, const struct usctp_wpart *parts,
			unsigned nparts);

/* Same with a 16-bit type (parameters and causes). */
static inline int usctp_wbuf_put_tlv(struct usctp_wbuf *w, uint16_t type, const struct usctp_wpart *parts,
				     unsigned nparts)
{
	return usctp_wbuf_put_unit(w, (uint8_t)(type >> 8), (uint8_t)type, parts, nparts);
}

#endif
