/*
 * CRC32c (Castagnoli), as SCTP uses it (RFC 9260 appendix A / RFC 3309).
 *
 * usctp_crc32c() picks the fastest implementation at run time (the SSE4.2
 * CRC32 instruction where the CPU has it, else a portable slicing table).
 */
#ifndef USCTP_WIRE_CRC32C_H
#define USCTP_WIRE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC32c of buf[0..len), continuing from crc (pass 0 to start). The result is
 * the finished CRC (pre- and post-inverted), so calls chain:
 * usctp_crc32c(usctp_crc32c(0, a, n), b, m) == usctp_crc32c(0, ab, n + m).
 */
uint32_t usctp_crc32c(uint32_t crc, const void *buf, size_t len);

/* The portable implementation, always available (for tests and cross-checks). */
uint32_t usctp_crc32c_sw(uint32_t crc, const void *buf, size_t len);

/* The hardware implementation, or NULL if this CPU lacks it. */
typedef uint32_t (*usctp_crc32c_fn)(uint32_t crc, const void *buf, size_t len);
usctp_crc32c_fn usctp_crc32c_hw(void);

/* "sse4.2" or "portable": what usctp_crc32c() uses. */
const char *usctp_crc32c_impl(void);

#endif
