/*
 * Wire layer, parameters: the TLV iterator, every INIT / INIT ACK parameter
 * round-tripping through its builder and usctp_init_params_parse, per-type
 * length checks, and unknown parameters handled by their action bits.
 */
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

struct pb {
	uint8_t buf[1024];
	struct usctp_wbuf w;
};

static void pb_start(struct pb *p)
{
	memset(p->buf, 0xcc, sizeof(p->buf));
	usctp_wbuf_init(&p->w, p->buf, sizeof(p->buf));
}

static int tlv_first_error(const uint8_t *b, size_t len, int *count)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t;
	int rc, i;

	*count = 0;
	usctp_tlv_iter_init(&it, b, len);
	for (i = 0; i < 64; i++) {
		rc = usctp_tlv_next(&it, &t);
		if (rc <= 0)
			return rc;
		(*count)++;
	}
	fail();
	return 0;
}

static void tlv_iter_rejects_each_malformation_precisely(void **state)
{
	int n;

	assert_int_equal(tlv_first_error(NULL, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(tlv_first_error((const uint8_t *)"\x80\x00\x00\x04\xc0\x00\x00\x04", 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(tlv_first_error((const uint8_t *)"\x80\x00\x00\x04\xc0", 5, &n),
			 USCTP_ERR_TRUNCATED);
	assert_int_equal(n, 1);
	assert_int_equal(tlv_first_error((const uint8_t *)"\x80\x00\x00\x00", 4, &n), USCTP_ERR_ZERO_LENGTH);
	assert_int_equal(tlv_first_error((const uint8_t *)"\x80\x00\x00\x03", 4, &n), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(tlv_first_error((const uint8_t *)"\x00\x07\x00\x09\x01\x02\x03\x04", 8, &n),
			 USCTP_ERR_TRUNCATED);
	/* last TLV may omit padding; a non-last one may not */
	assert_int_equal(tlv_first_error((const uint8_t *)"\x00\x07\x00\x05\x01", 5, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tlv_first_error((const uint8_t *)"\x00\x07\x00\x05\x01\x00", 6, &n),
			 USCTP_ERR_BAD_PADDING);
	assert_int_equal(
	    tlv_first_error((const uint8_t *)"\x00\x07\x00\x05\x01\x00\x00\x00\x80\x00\x00\x04", 12, &n), 0);
	assert_int_equal(n, 2);
}

static void every_init_parameter_round_trips(void **state)
{
	struct pb p;
	struct usctp_init_params ip;
	struct usctp_ipaddr v4 = {.family = 4, .bytes = {10, 1, 2, 3}};
	struct usctp_ipaddr v6 = {.family = 6,
				  .bytes = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
	const uint8_t ext[3] = {USCTP_CHUNK_FORWARD_TSN, USCTP_CHUNK_RECONFIG, USCTP_CHUNK_I_DATA};

	pb_start(&p);
	assert_int_equal(usctp_build_param_ipaddr(&p.w, &v4), 0);
	assert_int_equal(usctp_build_param_ipaddr(&p.w, &v6), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_STATE_COOKIE, "cookie!", 7), 0);
	assert_int_equal(usctp_build_param_cookie_preservative(&p.w, 5000), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_HOST_NAME, "example.org", 12), 0);
	assert_int_equal(usctp_build_param_supported_addr_types(&p.w, true, true), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_ECN_CAPABLE, NULL, 0), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0), 0);
	assert_int_equal(usctp_build_param_supported_ext(&p.w, ext, 3), 0);
	assert_int_equal(usctp_build_param_u32(&p.w, USCTP_PARAM_ADAPTATION_LAYER, 0x01020304), 0);
	assert_int_equal(usctp_build_param_u32(&p.w, USCTP_PARAM_ZERO_CHECKSUM, 1), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_HEARTBEAT_INFO, "hb", 2), 0);
	assert_int_equal(usctp_build_param_unrecognized(&p.w, (const uint8_t *)"\xc0\x10\x00\x04", 4), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_PADDING, "\0\0\0\0\0", 5), 0);
	assert_int_equal(p.w.len % 4, 0);

	assert_int_equal(usctp_init_params_parse(p.buf, p.w.len, &ip), 0);
	assert_int_equal(ip.num_addrs, 2);
	assert_false(ip.addrs_overflow);
	assert_int_equal(ip.addrs[0].family, 4);
	assert_memory_equal(ip.addrs[0].bytes, v4.bytes, 4);
	assert_int_equal(ip.addrs[1].family, 6);
	assert_memory_equal(ip.addrs[1].bytes, v6.bytes, 16);
	assert_int_equal(ip.cookie_len, 7);
	assert_memory_equal(ip.cookie, "cookie!", 7);
	assert_int_equal(ip.cookie_preservative_ms, 5000);
	assert_true(ip.has_host_name);
	assert_int_equal(ip.host_name_len, 12);
	assert_string_equal((const char *)ip.host_name, "example.org");
	assert_true(ip.has_supported_addr_types);
	assert_true(ip.supports_ipv4);
	assert_true(ip.supports_ipv6);
	assert_true(ip.ecn_capable);
	assert_true(ip.forward_tsn);
	assert_int_equal(ip.num_extensions, 3);
	assert_true(usctp_init_params_has_ext(&ip, USCTP_CHUNK_RECONFIG));
	assert_true(usctp_init_params_has_ext(&ip, USCTP_CHUNK_I_DATA));
	assert_false(usctp_init_params_has_ext(&ip, USCTP_CHUNK_ASCONF));
	assert_true(ip.has_adaptation);
	assert_int_equal(ip.adaptation_ind, 0x01020304);
	assert_true(ip.zero_checksum);
	assert_int_equal(ip.zero_checksum_edmid, 1);
	assert_false(ip.stop);
	assert_int_equal(ip.num_unrecognized, 0);
}

static void empty_parameter_list_digests_to_defaults(void **state)
{
	struct usctp_init_params ip;

	memset(&ip, 0xff, sizeof(ip));
	assert_int_equal(usctp_init_params_parse(NULL, 0, &ip), 0);
	assert_int_equal(ip.num_addrs, 0);
	assert_null(ip.cookie);
	assert_false(ip.has_supported_addr_types);
	assert_false(usctp_init_params_has_ext(&ip, USCTP_CHUNK_FORWARD_TSN));
	assert_false(ip.stop);
}

static int parse_one(uint16_t type, const void *value, size_t len)
{
	struct pb p;
	struct usctp_init_params ip;

	pb_start(&p);
	assert_int_equal(usctp_build_param(&p.w, type, value, len), 0);
	return usctp_init_params_parse(p.buf, p.w.len, &ip);
}

static void each_fixed_size_parameter_checks_its_length(void **state)
{
	static const uint8_t z[20];
	struct {
		uint16_t type;
		size_t ok;
	} fixed[] = {
	    {USCTP_PARAM_IPV4, 4},
	    {USCTP_PARAM_IPV6, 16},
	    {USCTP_PARAM_COOKIE_PRESERVATIVE, 4},
	    {USCTP_PARAM_ECN_CAPABLE, 0},
	    {USCTP_PARAM_FORWARD_TSN_SUPPORTED, 0},
	    {USCTP_PARAM_ADAPTATION_LAYER, 4},
	    {USCTP_PARAM_ZERO_CHECKSUM, 4},
	};

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		for (size_t len = 0; len <= 20; len++) {
			int want = len == fixed[i].ok ? 0 : USCTP_ERR_BAD_LENGTH;

			assert_int_equal(parse_one(fixed[i].type, z, len), want);
		}
	}
	/* Supported Address Types: a non-empty list of 16-bit values */
	assert_int_equal(parse_one(USCTP_PARAM_SUPPORTED_ADDR_TYPES, z, 0), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(parse_one(USCTP_PARAM_SUPPORTED_ADDR_TYPES, "\x00\x05\x00", 3),
			 USCTP_ERR_BAD_LENGTH);
	assert_int_equal(parse_one(USCTP_PARAM_SUPPORTED_ADDR_TYPES, "\x00\x0b", 2), 0);
	/* State Cookie and Host Name may not be empty */
	assert_int_equal(parse_one(USCTP_PARAM_STATE_COOKIE, z, 0), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(parse_one(USCTP_PARAM_HOST_NAME, z, 0), USCTP_ERR_BAD_LENGTH);
	/* variable ones of any length */
	assert_int_equal(parse_one(USCTP_PARAM_SUPPORTED_EXTENSIONS, z, 0), 0);
	assert_int_equal(parse_one(USCTP_PARAM_HEARTBEAT_INFO, z, 0), 0);
}

static void malformed_parameter_area_is_reported(void **state)
{
	struct usctp_init_params ip;

	assert_int_equal(usctp_init_params_parse((const uint8_t *)"\x00\x05\x00\x08\x01", 5, &ip),
			 USCTP_ERR_TRUNCATED);
	assert_int_equal(usctp_init_params_parse((const uint8_t *)"\x00\x05\x00\x00", 4, &ip),
			 USCTP_ERR_ZERO_LENGTH);
	assert_int_equal(usctp_init_params_parse((const uint8_t *)"\x00\x0c\x00\x06\x00\x05\x00", 7, &ip),
			 USCTP_ERR_BAD_PADDING);
}

static void supported_address_types_ignores_unknown_types(void **state)
{
	struct usctp_init_params ip;

	assert_int_equal(usctp_init_params_parse((const uint8_t *)"\x00\x0c\x00\x08\x00\x0b\x00\x06", 8, &ip),
			 0);
	assert_true(ip.has_supported_addr_types);
	assert_false(ip.supports_ipv4);
	assert_true(ip.supports_ipv6);
}

static void unknown_parameters_follow_their_action_bits(void **state)
{
	struct pb p;
	struct usctp_init_params ip;

	/* 10: skip silently; 11: skip and report; processing continues */
	pb_start(&p);
	assert_int_equal(usctp_build_param(&p.w, 0x8123, "a", 1), 0);
	assert_int_equal(usctp_build_param(&p.w, 0xc123, "bcd", 3), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_ECN_CAPABLE, NULL, 0), 0);
	assert_int_equal(usctp_init_params_parse(p.buf, p.w.len, &ip), 0);
	assert_false(ip.stop);
	assert_true(ip.ecn_capable);
	assert_int_equal(ip.num_unrecognized, 1);
	assert_ptr_equal(ip.unrecognized[0], p.buf + 8);
	assert_int_equal(ip.unrecognized_len[0], 7);

	/* 00: stop, no report; later parameters are not processed */
	pb_start(&p);
	assert_int_equal(usctp_build_param(&p.w, 0xc124, NULL, 0), 0);
	assert_int_equal(usctp_build_param(&p.w, 0x0123, NULL, 0), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_ECN_CAPABLE, NULL, 0), 0);
	assert_int_equal(usctp_init_params_parse(p.buf, p.w.len, &ip), 0);
	assert_true(ip.stop);
	assert_false(ip.ecn_capable);
	assert_int_equal(ip.num_unrecognized, 1);
	assert_ptr_equal(ip.unrecognized[0], p.buf);

	/* 01: stop and report */
	pb_start(&p);
	assert_int_equal(usctp_build_param(&p.w, 0x4001, "zz", 2), 0);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0), 0);
	assert_int_equal(usctp_init_params_parse(p.buf, p.w.len, &ip), 0);
	assert_true(ip.stop);
	assert_false(ip.forward_tsn);
	assert_int_equal(ip.num_unrecognized, 1);
	assert_int_equal(ip.unrecognized_len[0], 6);

	/* known-to-IANA but unsupported here (AUTH's RANDOM, 0x8002): skipped silently */
	pb_start(&p);
	assert_int_equal(usctp_build_param(&p.w, USCTP_PARAM_RANDOM, "0123456789abcdef0123456789abcdef", 32),
			 0);
	assert_int_equal(usctp_init_params_parse(p.buf, p.w.len, &ip), 0);
	assert_false(ip.stop);
	assert_int_equal(ip.num_unrecognized, 0);
}

static void too_many_addresses_or_unknowns_set_overflow(void **state)
{
	struct pb p;
	struct usctp_init_params ip;
	struct usctp_ipaddr a = {.family = 4};

	pb_start(&p);
	for (unsigned i = 0; i < USCTP_MAX_ADDR_PARAMS + 2; i++) {
		a.bytes[3] = (uint8_t)i;
		assert_int_equal(usctp_build_param_ipaddr(&p.w, &a), 0);
	}
	for (unsigned i = 0; i < USCTP_MAX_UNRECOGNIZED + 1; i++)
		assert_int_equal(usctp_build_param(&p.w, (uint16_t)(0xc100 + i), NULL, 0), 0);
	assert_int_equal(usctp_init_params_parse(p.buf, p.w.len, &ip), 0);
	assert_int_equal(ip.num_addrs, USCTP_MAX_ADDR_PARAMS);
	assert_true(ip.addrs_overflow);
	assert_int_equal(ip.addrs[USCTP_MAX_ADDR_PARAMS - 1].bytes[3], USCTP_MAX_ADDR_PARAMS - 1);
	assert_int_equal(ip.num_unrecognized, USCTP_MAX_UNRECOGNIZED);
	assert_true(ip.unrecognized_overflow);
}

static void parameter_builders_reject_bad_arguments(void **state)
{
	struct pb p;
	struct usctp_ipaddr bad = {.family = 5};

	pb_start(&p);
	assert_int_equal(usctp_build_param_ipaddr(&p.w, &bad), USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_param_supported_addr_types(&p.w, false, false), USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_param(&p.w, 1, p.buf, 65532), USCTP_ERR_INVALID);
	assert_int_equal(p.w.len, 0);
	assert_int_equal(p.buf[0], 0xcc);
}

static void parameter_type_predicates(void **state)
{
	const uint16_t known[] = {1, 5, 6, 7, 8, 9, 11, 12, 0x8000, 0x8001, 0x8005, 0x8008, 0xc000, 0xc006};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_true(usctp_param_type_known(known[i]));
	assert_false(usctp_param_type_known(0));
	assert_false(usctp_param_type_known(10)); /* IPv4 ... (reserved) */
	assert_false(usctp_param_type_known(USCTP_PARAM_RANDOM));
	assert_false(usctp_param_type_known(0xffff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tlv_iter_rejects_each_malformation_precisely),
	    cmocka_unit_test(every_init_parameter_round_trips),
	    cmocka_unit_test(empty_parameter_list_digests_to_defaults),
	    cmocka_unit_test(each_fixed_size_parameter_checks_its_length),
	    cmocka_unit_test(malformed_parameter_area_is_reported),
	    cmocka_unit_test(supported_address_types_ignores_unknown_types),
	    cmocka_unit_test(unknown_parameters_follow_their_action_bits),
	    cmocka_unit_test(too_many_addresses_or_unknowns_set_overflow),
	    cmocka_unit_test(parameter_builders_reject_bad_arguments),
	    cmocka_unit_test(parameter_type_predicates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
