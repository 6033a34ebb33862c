/* Helpers shared by the tests: a seeded PRNG, file loading, hex dumps. */
#ifndef USCTP_TESTUTIL_H
#define USCTP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* splitmix64-seeded xoshiro256**: fast, reproducible from one 64-bit seed. */
struct tu_rng {
	uint64_t s[4];
};
void tu_rng_seed(struct tu_rng *r, uint64_t seed);
uint64_t tu_rng_next(struct tu_rng *r);
/* Uniform in [0, n). */
uint64_t tu_rng_below(struct tu_rng *r, uint64_t n);
/* True with probability p (0..1). */
int tu_rng_chance(struct tu_rng *r, double p);
void tu_rng_fill(struct tu_rng *r, void *buf, size_t len);
/* A usctp_random_fn over a struct tu_rng (ctx). */
void tu_random_fn(void *ctx, void *buf, size_t len);

/* Read a whole file under tests/data (malloc'd, *len set); NULL on error. */
uint8_t *tu_load_data(const char *name, size_t *len);

/* Print buf as hex to stderr with a label (for failure messages). */
void tu_hexdump(const char *label, const void *buf, size_t len);

/* Seed for randomized tests: USCTP_SEED from the environment, else def. */
uint64_t tu_seed(uint64_t def);

#endif
