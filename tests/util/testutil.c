#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void tu_rng_seed(struct tu_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t tu_rng_next(struct tu_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t tu_rng_below(struct tu_rng *r, uint64_t n) { return n ? tu_rng_next(r) % n : 0; }

int tu_rng_chance(struct tu_rng *r, double p)
{
	return (double)(tu_rng_next(r) >> 11) * (1.0 / 9007199254740992.0) < p;
}

void tu_rng_fill(struct tu_rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		uint64_t v = tu_rng_next(r);
		for (int i = 0; i < 8 && len; i++, len--, v >>= 8)
			*p++ = (uint8_t)v;
	}
}

void tu_random_fn(void *ctx, void *buf, size_t len) { tu_rng_fill(ctx, buf, len); }

uint8_t *tu_load_data(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", USCTP_TEST_DATA_DIR, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0) {
		fclose(f);
		return NULL;
	}
	long n = ftell(f);
	rewind(f);
	uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		*len = (size_t)(n > 0 ? n : 0);
	return buf;
}

void tu_hexdump(const char *label, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	fprintf(stderr, "%s (%zu bytes):", label, len);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", (i % 16) ? " " : "\n  ", p[i]);
	fprintf(stderr, "\n");
}

uint64_t tu_seed(uint64_t def)
{
	const char *s = getenv("USCTP_SEED");
	return s ? strtoull(s, NULL, 0) : def;
}
