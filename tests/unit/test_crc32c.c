/*
 * CRC32c: known vectors (RFC 3720 appendix B.4, the "123456789" check value),
 * chaining, every small length at every alignment against a bit-at-a-time
 * reference, and a seeded cross-check of the hardware against the portable
 * implementation.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/crc32c.h"

/* Each implementation under test, by name; hw is skipped if the CPU lacks it. */
struct impl {
	const char *name;
	usctp_crc32c_fn fn;
};

static size_t impls(struct impl out[3])
{
	size_t n = 0;
	out[n++] = (struct impl){"portable", usctp_crc32c_sw};
	out[n++] = (struct impl){"dispatch", usctp_crc32c};
	usctp_crc32c_fn hw = usctp_crc32c_hw();
	if (hw)
		out[n++] = (struct impl){"sse4.2", hw};
	return n;
}

/* Bit-at-a-time reference, written straight from the definition. */
static uint32_t ref_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return ~crc;
}

static void assert_all_impls(const uint8_t *buf, size_t len, uint32_t want)
{
	struct impl im[3];
	size_t n = impls(im);
	for (size_t i = 0; i < n; i++) {
		uint32_t got = im[i].fn(0, buf, len);
		if (got != want)
			fprintf(stderr, "%s: len %zu got %08x want %08x\n", im[i].name, len, got, want);
		assert_int_equal(got, want);
	}
}

static void *first_use_worker(void *arg)
{
	uint32_t *res = arg;
	res[0] = usctp_crc32c(0, "123456789", 9);
	res[1] = usctp_crc32c_sw(0, "123456789", 9);
	return NULL;
}

/* Runs first: the tables and the dispatch are set up once even when racing
 * (TSan checks the "thread-safely" part). */
static void concurrent_first_use_gives_the_check_value(void **state)
{
	enum { N = 4 };
	pthread_t th[N];
	uint32_t res[N][2];
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&th[i], NULL, first_use_worker, res[i]), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(res[i][0], 0xE3069283u);
		assert_int_equal(res[i][1], 0xE3069283u);
	}
}

/* RFC 3720 B.4 gives the CRC as the bytes sent, least significant first. */
static void rfc3720_vector_32_zero_bytes(void **state)
{
	uint8_t b[32];
	memset(b, 0, sizeof b);
	assert_all_impls(b, sizeof b, 0x8A9136AAu);
}

static void rfc3720_vector_32_ff_bytes(void **state)
{
	uint8_t b[32];
	memset(b, 0xff, sizeof b);
	assert_all_impls(b, sizeof b, 0x62A8AB43u);
}

static void rfc3720_vector_ascending_bytes(void **state)
{
	uint8_t b[32];
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)i;
	assert_all_impls(b, sizeof b, 0x46DD794Eu);
}

static void rfc3720_vector_descending_bytes(void **state)
{
	uint8_t b[32];
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)(31 - i);
	assert_all_impls(b, sizeof b, 0x113FDB5Cu);
}

static void rfc3720_vector_iscsi_read_pdu(void **state)
{
	static const uint8_t pdu[48] = {
	    0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
	    0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	assert_all_impls(pdu, sizeof pdu, 0xD9963A56u);
}

static void check_value_of_123456789_is_e3069283(void **state)
{
	assert_all_impls((const uint8_t *)"123456789", 9, 0xE3069283u);
	assert_int_equal(ref_crc32c(0, (const uint8_t *)"123456789", 9), 0xE3069283u);
}

static void empty_buffer_leaves_crc_unchanged(void **state)
{
	struct impl im[3];
	size_t n = impls(im);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(im[i].fn(0, NULL, 0), 0);
		assert_int_equal(im[i].fn(0xE3069283u, "", 0), 0xE3069283u);
	}
}

static void chained_calls_equal_one_call_at_every_split(void **state)
{
	struct tu_rng r;
	tu_rng_seed(&r, tu_seed(1));
	static uint8_t buf[20000];
	tu_rng_fill(&r, buf, sizeof buf);
	struct impl im[3];
	size_t n = impls(im);
	/* Splits cover the 3-way block thresholds of the hardware version too. */
	static const size_t lens[] = {9, 64, 383, 384, 385, 1500, 12288, 12289, 20000};
	for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
		size_t len = lens[l];
		uint32_t whole = ref_crc32c(0, buf, len);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(im[i].fn(0, buf, len), whole);
			for (size_t cut = 0; cut <= len; cut += (len < 400 ? 1 : 97)) {
				uint32_t c = im[i].fn(im[i].fn(0, buf, cut), buf + cut, len - cut);
				assert_int_equal(c, whole);
			}
		}
	}
}

static void every_length_to_300_at_every_offset_matches_reference(void **state)
{
	struct tu_rng r;
	tu_rng_seed(&r, tu_seed(2));
	uint8_t buf[300 + 16];
	tu_rng_fill(&r, buf, sizeof buf);
	struct impl im[3];
	size_t n = impls(im);
	for (size_t off = 0; off < 16; off++) {
		for (size_t len = 0; len <= 300; len++) {
			uint32_t want = ref_crc32c(0, buf + off, len);
			for (size_t i = 0; i < n; i++) {
				uint32_t got = im[i].fn(0, buf + off, len);
				if (got != want)
					fprintf(stderr, "%s off %zu len %zu\n", im[i].name, off, len);
				assert_int_equal(got, want);
			}
		}
	}
}

static void hardware_matches_portable_on_random_buffers(void **state)
{
	usctp_crc32c_fn hw = usctp_crc32c_hw();
	if (!hw) {
		skip();
		return;
	}
	uint64_t seed = tu_seed(0xC0FFEE);
	fprintf(stderr, "seed %llu (USCTP_SEED to replay)\n", (unsigned long long)seed);
	struct tu_rng r;
	tu_rng_seed(&r, seed);
	enum { MAX = 70000 };
	uint8_t *buf = malloc(MAX + 8);
	assert_non_null(buf);
	for (int iter = 0; iter < 2000; iter++) {
		size_t len =
		    tu_rng_chance(&r, 0.5) ? (size_t)tu_rng_below(&r, 2048) : (size_t)tu_rng_below(&r, MAX);
		size_t off = (size_t)tu_rng_below(&r, 8);
		uint32_t init = (uint32_t)tu_rng_next(&r);
		tu_rng_fill(&r, buf + off, len);
		uint32_t a = hw(init, buf + off, len);
		uint32_t b = usctp_crc32c_sw(init, buf + off, len);
		if (a != b)
			fprintf(stderr, "iter %d len %zu off %zu init %08x: hw %08x sw %08x\n", iter, len,
				off, init, a, b);
		assert_int_equal(a, b);
	}
	/* And one large buffer against the bit-level reference. */
	tu_rng_fill(&r, buf, MAX);
	assert_int_equal(hw(0, buf, MAX), ref_crc32c(0, buf, MAX));
	free(buf);
}

static void dispatch_reports_the_implementation_it_uses(void **state)
{
	const char *impl = usctp_crc32c_impl();
	if (usctp_crc32c_hw())
		assert_string_equal(impl, "sse4.2");
	else
		assert_string_equal(impl, "portable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(concurrent_first_use_gives_the_check_value),
	    cmocka_unit_test(rfc3720_vector_32_zero_bytes),
	    cmocka_unit_test(rfc3720_vector_32_ff_bytes),
	    cmocka_unit_test(rfc3720_vector_ascending_bytes),
	    cmocka_unit_test(rfc3720_vector_descending_bytes),
	    cmocka_unit_test(rfc3720_vector_iscsi_read_pdu),
	    cmocka_unit_test(check_value_of_123456789_is_e3069283),
	    cmocka_unit_test(empty_buffer_leaves_crc_unchanged),
	    cmocka_unit_test(chained_calls_equal_one_call_at_every_split),
	    cmocka_unit_test(every_length_to_300_at_every_offset_matches_reference),
	    cmocka_unit_test(hardware_matches_portable_on_random_buffers),
	    cmocka_unit_test(dispatch_reports_the_implementation_it_uses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
