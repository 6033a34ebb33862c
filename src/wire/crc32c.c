/*
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), RFC 9260 appendix A.
 *
 * Two implementations of the same function:
 *  - portable: slicing-by-8 tables (8 x 256 words, built once);
 *  - x86-64 SSE4.2: the CRC32 instruction on 8-byte words. The instruction
 *    has a latency of about 3 cycles but a throughput of 1 per cycle, so long
 *    buffers are cut into three consecutive blocks processed by three
 *    independent dependency chains, whose CRCs are then combined with a
 *    "shift by n zero bytes" operator (a multiplication by x^(8n) mod P,
 *    done with four table look-ups).
 *
 * Internally the CRC "register" (raw state) is kept without the pre- and
 * post-inversion; the public functions invert on entry and exit, which is
 * what makes calls chain (see crc32c.h).
 */
#include "crc32c.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#define POLY 0x82F63B78u

/* Slicing-by-8 tables: sw_tab[0] is the classic byte table; sw_tab[k][b] is
 * the CRC of byte b followed by k zero bytes. */
static uint32_t sw_tab[8][256];

/* Shift operators for the 3-way interleave: long_tab shifts the raw state
 * over LONG_BLOCK zero bytes, short_tab over SHORT_BLOCK zero bytes. */
#define LONG_BLOCK 4096
#define SHORT_BLOCK 128
static uint32_t long_tab[4][256];
static uint32_t short_tab[4][256];

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* a * b mod P in the reflected representation (bit 31 is x^0). */
static uint32_t gf_mul(uint32_t a, uint32_t b)
{
	uint32_t prod = 0;
	for (int i = 0; i < 32; i++) {
		if (a & (0x80000000u >> i))
			prod ^= b;
		b = (b & 1) ? (b >> 1) ^ POLY : b >> 1;
	}
	return prod;
}

/* x^(8n) mod P: the operator for appending n zero bytes to a raw state. */
static uint32_t x_pow_8n(size_t n)
{
	uint32_t result = 0x80000000u;	  /* x^0 */
	uint32_t base = 0x80000000u >> 8; /* x^8 */
	while (n) {
		if (n & 1)
			result = gf_mul(result, base);
		base = gf_mul(base, base);
		n >>= 1;
	}
	return result;
}

static void build_shift_table(uint32_t tab[4][256], size_t nbytes)
{
	uint32_t op = x_pow_8n(nbytes);
	for (int k = 0; k < 4; k++)
		for (uint32_t b = 0; b < 256; b++)
			tab[k][b] = gf_mul(op, b << (8 * k));
}

static void build_tables(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;
		for (int i = 0; i < 8; i++)
			c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
		sw_tab[0][b] = c;
	}
	for (int k = 1; k < 8; k++)
		for (int b = 0; b < 256; b++)
			sw_tab[k][b] = (sw_tab[k - 1][b] >> 8) ^ sw_tab[0][sw_tab[k - 1][b] & 0xff];
	build_shift_table(long_tab, LONG_BLOCK);
	build_shift_table(short_tab, SHORT_BLOCK);
}

static void tables_init(void)
{
	pthread_once(&tables_once, build_tables);
}

/* Little-endian 64-bit load from any alignment. */
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Raw-state slicing-by-8 (tables must be built). */
static uint32_t sw_raw(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len >= 8) {
		uint64_t w = load_le64(p) ^ crc;
		uint32_t lo = (uint32_t)w, hi = (uint32_t)(w >> 32);
		crc = sw_tab[7][lo & 0xff] ^ sw_tab[6][(lo >> 8) & 0xff] ^ sw_tab[5][(lo >> 16) & 0xff] ^
		      sw_tab[4][lo >> 24] ^ sw_tab[3][hi & 0xff] ^ sw_tab[2][(hi >> 8) & 0xff] ^
		      sw_tab[1][(hi >> 16) & 0xff] ^ sw_tab[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ sw_tab[0][(crc ^ *p++) & 0xff];
	return crc;
}

static uint32_t sw_finished(uint32_t crc, const void *buf, size_t len)
{
	return ~sw_raw(~crc, buf, len);
}

uint32_t usctp_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
	tables_init();
	return sw_finished(crc, buf, len);
}

#if defined(__x86_64__)

static inline uint32_t shift_raw(const uint32_t tab[4][256], uint32_t crc)
{
	return tab[0][crc & 0xff] ^ tab[1][(crc >> 8) & 0xff] ^ tab[2][(crc >> 16) & 0xff] ^
	       tab[3][crc >> 24];
}

__attribute__((target("sse4.2"))) static inline uint64_t hw_u64(uint64_t crc, const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return _mm_crc32_u64(crc, w);
}

/*
 * Three interleaved chains over blocks of blk bytes while at least 3 * blk
 * remain. Stream 0 continues crc; streams 1 and 2 start from 0 and are folded
 * in afterwards: crc(A B C) = shift(shift(crc(A)) ^ crc0(B)) ^ crc0(C).
 */
__attribute__((target("sse4.2"))) static uint32_t hw_3way(uint32_t crc, const uint8_t **pp, size_t *lenp,
							  size_t blk, const uint32_t tab[4][256])
{
	const uint8_t *p = *pp;
	size_t len = *lenp;
	while (len >= 3 * blk) {
		uint64_t c0 = crc, c1 = 0, c2 = 0;
		const uint8_t *end = p + blk;
		do {
			c0 = hw_u64(c0, p);
			c1 = hw_u64(c1, p + blk);
			c2 = hw_u64(c2, p + 2 * blk);
			p += 8;
		} while (p < end);
		crc = shift_raw(tab, shift_raw(tab, (uint32_t)c0) ^ (uint32_t)c1) ^ (uint32_t)c2;
		p += 2 * blk;
		len -= 3 * blk;
	}
	*pp = p;
	*lenp = len;
	return crc;
}

__attribute__((target("sse4.2"))) static uint32_t hw_finished(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = ~crc;

	if (len >= 3 * SHORT_BLOCK) {
		/* Align to 8 so the word loads in the hot loop do not split cache lines. */
		while (((uintptr_t)p & 7) && len) {
			c = _mm_crc32_u8(c, *p++);
			len--;
		}
		c = hw_3way(c, &p, &len, LONG_BLOCK, long_tab);
		c = hw_3way(c, &p, &len, SHORT_BLOCK, short_tab);
	}
	uint64_t c64 = c;
	while (len >= 8) {
		c64 = hw_u64(c64, p);
		p += 8;
		len -= 8;
	}
	c = (uint32_t)c64;
	if (len >= 4) {
		uint32_t w;
		memcpy(&w, p, sizeof w);
		c = _mm_crc32_u32(c, w);
		p += 4;
		len -= 4;
	}
	while (len--)
		c = _mm_crc32_u8(c, *p++);
	return ~c;
}

usctp_crc32c_fn usctp_crc32c_hw(void)
{
	__builtin_cpu_init(); /* idempotent; needed if we run before libgcc's constructor */
	if (!__builtin_cpu_supports("sse4.2"))
		return NULL;
	tables_init(); /* the shift tables; done before the pointer escapes */
	return hw_finished;
}

#else

usctp_crc32c_fn usctp_crc32c_hw(void)
{
	return NULL;
}

#endif

/* The chosen implementation; published with release after the tables are built. */
static _Atomic(usctp_crc32c_fn) chosen;

static usctp_crc32c_fn choose(void)
{
	usctp_crc32c_fn f = atomic_load_explicit(&chosen, memory_order_acquire);
	if (f)
		return f;
	tables_init();
	f = usctp_crc32c_hw();
	if (!f)
		f = sw_finished;
	atomic_store_explicit(&chosen, f, memory_order_release);
	return f;
}

uint32_t usctp_crc32c(uint32_t crc, const void *buf, size_t len)
{
	return choose()(crc, buf, len);
}

const char *usctp_crc32c_impl(void)
{
	return choose() == sw_finished ? "portable" : "sse4.2";
}
