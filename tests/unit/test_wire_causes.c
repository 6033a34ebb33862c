/*
 * Wire layer, error causes (RFC 9260 3.3.10): all 13 causes round-trip
 * through their builders and usctp_causes_validate; malformed causes are
 * rejected with the exact code.
 */
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

struct cb {
	uint8_t buf[512];
	struct usctp_wbuf w;
};

static void cb_start(struct cb *c)
{
	memset(c->buf, 0xcc, sizeof(c->buf));
	usctp_wbuf_init(&c->w, c->buf, sizeof(c->buf));
}

/* The buffer holds exactly one valid cause of this code: return it. */
static struct usctp_tlv only_cause(struct cb *c, uint16_t code)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t, end;

	assert_int_equal(c->w.len % 4, 0);
	assert_int_equal(usctp_causes_validate(c->buf, c->w.len), 0);
	usctp_tlv_iter_init(&it, c->buf, c->w.len);
	assert_int_equal(usctp_tlv_next(&it, &t), 1);
	assert_int_equal(usctp_tlv_next(&it, &end), 0);
	assert_int_equal(t.type, code);
	for (size_t i = t.length; i < c->w.len; i++)
		assert_int_equal(c->buf[i], 0); /* padding */
	return t;
}

static void invalid_stream_stale_cookie_no_user_data_round_trip(void **state)
{
	struct cb c;
	struct usctp_tlv t;
	uint16_t sid;
	uint32_t v;

	cb_start(&c);
	assert_int_equal(usctp_build_cause_invalid_stream(&c.w, 0xabcd), 0);
	t = only_cause(&c, USCTP_CAUSE_INVALID_STREAM);
	assert_int_equal(t.length, 8);
	assert_int_equal(usctp_cause_invalid_stream(&t, &sid), 0);
	assert_int_equal(sid, 0xabcd);
	assert_int_equal(usctp_get16(t.value + 2), 0); /* reserved */

	cb_start(&c);
	assert_int_equal(usctp_build_cause_stale_cookie(&c.w, 123456789), 0);
	t = only_cause(&c, USCTP_CAUSE_STALE_COOKIE);
	assert_int_equal(usctp_cause_stale_cookie(&t, &v), 0);
	assert_int_equal(v, 123456789);

	cb_start(&c);
	assert_int_equal(usctp_build_cause_no_user_data(&c.w, 0xfeedface), 0);
	t = only_cause(&c, USCTP_CAUSE_NO_USER_DATA);
	assert_int_equal(usctp_cause_no_user_data(&t, &v), 0);
	assert_int_equal(v, 0xfeedface);
}

static void missing_params_round_trips_odd_and_even_counts(void **state)
{
	const uint16_t types[3] = {USCTP_PARAM_STATE_COOKIE, USCTP_PARAM_IPV4, 0x8008};

	for (unsigned n = 0; n <= 3; n++) {
		struct cb c;
		struct usctp_tlv t;
		unsigned count;
		const uint8_t *list;

		cb_start(&c);
		assert_int_equal(usctp_build_cause_missing_params(&c.w, types, n), 0);
		t = only_cause(&c, USCTP_CAUSE_MISSING_PARAM);
		assert_int_equal(t.length, 8 + 2 * n);
		assert_int_equal(c.w.len, usctp_pad4(8 + 2 * n));
		assert_int_equal(usctp_cause_missing_params(&t, &count, &list), 0);
		assert_int_equal(count, n);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(usctp_get16(list + 2 * i), types[i]);
	}
}

static void causes_without_info_round_trip(void **state)
{
	struct {
		int (*build)(struct usctp_wbuf *);
		uint16_t code;
	} cases[] = {
	    {usctp_build_cause_out_of_resource, USCTP_CAUSE_OUT_OF_RESOURCE},
	    {usctp_build_cause_invalid_mandatory_param, USCTP_CAUSE_INVALID_MANDATORY_PARAM},
	    {usctp_build_cause_cookie_while_shutdown, USCTP_CAUSE_COOKIE_WHILE_SHUTDOWN},
	};

	for (size_t i = 0; i < 3; i++) {
		struct cb c;
		struct usctp_tlv t;

		cb_start(&c);
		assert_int_equal(cases[i].build(&c.w), 0);
		t = only_cause(&c, cases[i].code);
		assert_int_equal(t.length, 4);
	}
}

static void unresolvable_address_carries_the_address_parameter(void **state)
{
	struct cb c, hn;
	struct usctp_tlv t, inner;
	struct usctp_tlv_iter it;

	cb_start(&hn);
	assert_int_equal(usctp_build_param(&hn.w, USCTP_PARAM_HOST_NAME, "h.example", 10), 0);
	cb_start(&c);
	assert_int_equal(usctp_build_cause_unresolvable_addr(&c.w, hn.buf, 14), 0);
	t = only_cause(&c, USCTP_CAUSE_UNRESOLVABLE_ADDR);
	usctp_tlv_iter_init(&it, t.value, t.value_len);
	assert_int_equal(usctp_tlv_next(&it, &inner), 1);
	assert_int_equal(inner.type, USCTP_PARAM_HOST_NAME);
	assert_string_equal((const char *)inner.value, "h.example");
	assert_int_equal(usctp_build_cause_unresolvable_addr(&c.w, hn.buf, 3), USCTP_ERR_INVALID);
}

static void unrecognized_chunk_carries_the_whole_chunk(void **state)
{
	struct cb c;
	struct usctp_tlv t;
	static const uint8_t chunk[7] = {0xff, 0x01, 0x00, 0x07, 'a', 'b', 'c'};

	cb_start(&c);
	assert_int_equal(usctp_build_cause_unrecognized_chunk(&c.w, chunk, sizeof(chunk)), 0);
	t = only_cause(&c, USCTP_CAUSE_UNRECOGNIZED_CHUNK);
	assert_int_equal(t.value_len, 7);
	assert_memory_equal(t.value, chunk, 7);
	assert_int_equal(usctp_build_cause_unrecognized_chunk(&c.w, chunk, 3), USCTP_ERR_INVALID);
}

static void unrecognized_params_round_trip_from_init_digest(void **state)
{
	struct cb params, c;
	struct usctp_init_params ip;
	struct usctp_tlv t, inner;
	struct usctp_tlv_iter it;

	cb_start(&params);
	assert_int_equal(usctp_build_param(&params.w, 0xc111, "x", 1), 0);
	assert_int_equal(usctp_build_param(&params.w, 0xc222, "yyyy", 4), 0);
	assert_int_equal(usctp_build_param(&params.w, 0xc333, "zz", 2), 0);
	assert_int_equal(usctp_init_params_parse(params.buf, params.w.len, &ip), 0);
	assert_int_equal(ip.num_unrecognized, 3);

	cb_start(&c);
	assert_int_equal(usctp_build_cause_unrecognized_params(&c.w, ip.unrecognized, ip.unrecognized_len,
							       ip.num_unrecognized),
			 0);
	t = only_cause(&c, USCTP_CAUSE_UNRECOGNIZED_PARAMS);
	/* inner TLVs padded between, the last one's padding is the cause's */
	assert_int_equal(t.length, 4 + 8 + 8 + 6);
	assert_memory_equal(t.value, params.buf, params.w.len - 2);
	usctp_tlv_iter_init(&it, t.value, t.value_len);
	assert_int_equal(usctp_tlv_next(&it, &inner), 1);
	assert_int_equal(inner.type, 0xc111);
	assert_int_equal(usctp_tlv_next(&it, &inner), 1);
	assert_int_equal(inner.type, 0xc222);
	assert_int_equal(usctp_tlv_next(&it, &inner), 1);
	assert_int_equal(inner.type, 0xc333);
	assert_int_equal(usctp_tlv_next(&it, &inner), 0);

	assert_int_equal(usctp_build_cause_unrecognized_params(&c.w, ip.unrecognized, ip.unrecognized_len, 0),
			 USCTP_ERR_INVALID);
}

static void restart_new_addrs_lists_address_parameters(void **state)
{
	struct usctp_ipaddr a[2] = {{.family = 4, .bytes = {1, 2, 3, 4}},
				    {.family = 6, .bytes = {0xfe, 0x80, [15] = 1}}};
	struct usctp_init_params ip;
	struct cb c;
	struct usctp_tlv t;

	cb_start(&c);
	assert_int_equal(usctp_build_cause_restart_new_addrs(&c.w, a, 2), 0);
	t = only_cause(&c, USCTP_CAUSE_RESTART_NEW_ADDRS);
	assert_int_equal(t.length, 4 + 8 + 20);
	/* the info is a parameter list: the INIT digest reads it back */
	assert_int_equal(usctp_init_params_parse(t.value, t.value_len, &ip), 0);
	assert_int_equal(ip.num_addrs, 2);
	assert_memory_equal(ip.addrs[0].bytes, a[0].bytes, 4);
	assert_memory_equal(ip.addrs[1].bytes, a[1].bytes, 16);

	a[1].family = 7;
	assert_int_equal(usctp_build_cause_restart_new_addrs(&c.w, a, 2), USCTP_ERR_INVALID);
}

static void user_abort_and_protocol_violation_carry_opaque_info(void **state)
{
	for (size_t n = 0; n <= 5; n++) {
		struct cb c;
		struct usctp_tlv t;

		cb_start(&c);
		assert_int_equal(usctp_build_cause_user_abort(&c.w, "reason", n), 0);
		t = only_cause(&c, USCTP_CAUSE_USER_ABORT);
		assert_int_equal(t.value_len, n);
		assert_memory_equal(t.value, "reason", n);

		cb_start(&c);
		assert_int_equal(usctp_build_cause_protocol_violation(&c.w, "violat", n), 0);
		t = only_cause(&c, USCTP_CAUSE_PROTOCOL_VIOLATION);
		assert_int_equal(t.value_len, n);
		assert_memory_equal(t.value, "violat", n);
	}
}

static int validate_one(uint16_t code, const void *info, size_t len)
{
	struct cb c;

	cb_start(&c);
	assert_int_equal(usctp_build_cause(&c.w, code, info, len), 0);
	return usctp_causes_validate(c.buf, c.w.len);
}

static void validate_checks_each_cause_layout(void **state)
{
	static const uint8_t z[16];

	/* fixed 4-byte info */
	const uint16_t four[] = {USCTP_CAUSE_INVALID_STREAM, USCTP_CAUSE_STALE_COOKIE,
				 USCTP_CAUSE_NO_USER_DATA};
	for (size_t i = 0; i < 3; i++)
		for (size_t len = 0; len <= 8; len++)
			assert_int_equal(validate_one(four[i], z, len), len == 4 ? 0 : USCTP_ERR_BAD_LENGTH);
	/* no info */
	const uint16_t none[] = {USCTP_CAUSE_OUT_OF_RESOURCE, USCTP_CAUSE_INVALID_MANDATORY_PARAM,
				 USCTP_CAUSE_COOKIE_WHILE_SHUTDOWN};
	for (size_t i = 0; i < 3; i++)
		for (size_t len = 0; len <= 4; len++)
			assert_int_equal(validate_one(none[i], z, len), len == 0 ? 0 : USCTP_ERR_BAD_LENGTH);
	/* at least a TLV / chunk header */
	const uint16_t hdr[] = {USCTP_CAUSE_UNRESOLVABLE_ADDR, USCTP_CAUSE_UNRECOGNIZED_CHUNK,
				USCTP_CAUSE_UNRECOGNIZED_PARAMS};
	for (size_t i = 0; i < 3; i++)
		for (size_t len = 0; len <= 8; len++)
			assert_int_equal(validate_one(hdr[i], z, len), len >= 4 ? 0 : USCTP_ERR_BAD_LENGTH);
	/* Missing Mandatory Parameter: count must match */
	assert_int_equal(validate_one(USCTP_CAUSE_MISSING_PARAM, z, 3), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(validate_one(USCTP_CAUSE_MISSING_PARAM, "\0\0\0\x02\0\x07", 6),
			 USCTP_ERR_MISALIGNED);
	assert_int_equal(validate_one(USCTP_CAUSE_MISSING_PARAM, "\0\0\0\x01\0\x07", 6), 0);
	assert_int_equal(validate_one(USCTP_CAUSE_MISSING_PARAM, "\xff\xff\xff\xff\0\x07", 6),
			 USCTP_ERR_MISALIGNED);
	/* opaque and unknown codes */
	assert_int_equal(validate_one(USCTP_CAUSE_USER_ABORT, z, 0), 0);
	assert_int_equal(validate_one(USCTP_CAUSE_RESTART_NEW_ADDRS, z, 3), 0);
	assert_int_equal(validate_one(0x1234, z, 5), 0);
	/* TLV-level errors come through */
	assert_int_equal(usctp_causes_validate((const uint8_t *)"\x00\x0c\x00\x00", 4),
			 USCTP_ERR_ZERO_LENGTH);
	assert_int_equal(usctp_causes_validate((const uint8_t *)"\x00\x0c\x00\x09", 4), USCTP_ERR_TRUNCATED);
}

static void cause_decoders_reject_short_info(void **state)
{
	struct usctp_tlv t = {.type = 1, .length = 6, .value = (const uint8_t *)"\x00\x01", .value_len = 2};
	uint16_t sid;
	uint32_t v;
	unsigned n;
	const uint8_t *types;

	assert_int_equal(usctp_cause_invalid_stream(&t, &sid), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(usctp_cause_stale_cookie(&t, &v), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(usctp_cause_no_user_data(&t, &v), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(usctp_cause_missing_params(&t, &n, &types), USCTP_ERR_BAD_LENGTH);
	t.value = (const uint8_t *)"\x00\x00\x00\x03\x00\x07\x00\x09";
	t.value_len = 8;
	assert_int_equal(usctp_cause_missing_params(&t, &n, &types), USCTP_ERR_MISALIGNED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(invalid_stream_stale_cookie_no_user_data_round_trip),
	    cmocka_unit_test(missing_params_round_trips_odd_and_even_counts),
	    cmocka_unit_test(causes_without_info_round_trip),
	    cmocka_unit_test(unresolvable_address_carries_the_address_parameter),
	    cmocka_unit_test(unrecognized_chunk_carries_the_whole_chunk),
	    cmocka_unit_test(unrecognized_params_round_trip_from_init_digest),
	    cmocka_unit_test(restart_new_addrs_lists_address_parameters),
	    cmocka_unit_test(user_abort_and_protocol_violation_carry_opaque_info),
	    cmocka_unit_test(validate_checks_each_cause_layout),
	    cmocka_unit_test(cause_decoders_reject_short_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
