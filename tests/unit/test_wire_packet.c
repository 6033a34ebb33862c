/*
 * Wire layer, packet level: common header, checksum, chunk iteration,
 * structural validation and bundling rules, a hand-checked INIT packet, and
 * random garbage through the iterators.
 */
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

/*
 * An INIT written by hand from the RFC 9260 3.3.2 layout: ports 5000 ->
 * 5001, vtag 0, Initiate Tag 0x12345678, a_rwnd 131072, OS 10, MIS 65535,
 * initial TSN 0xaabbccdd; IPv4 192.0.2.1, Supported Address Types {IPv4},
 * Forward-TSN-Supported, Supported Extensions {FORWARD TSN}, ECN Capable.
 * The checksum d8 3d 76 97 was computed with an independent bit-at-a-time
 * CRC32c (reflected 0x82F63B78; it gives 0xE3069283 for "123456789" and
 * aa 36 91 8a for 32 zero bytes, the RFC 3720 B.4 vector) and stored
 * low byte first as RFC 9260 appendix A lays it out.
 */
static const uint8_t init_pkt[64] = {
    0x13, 0x88, 0x13, 0x89, 0x00, 0x00, 0x00, 0x00, 0xd8, 0x3d, 0x76, 0x97, /* common header */
    0x01, 0x00, 0x00, 0x34, 0x12, 0x34, 0x56, 0x78, 0x00, 0x02, 0x00, 0x00, /* INIT */
    0x00, 0x0a, 0xff, 0xff, 0xaa, 0xbb, 0xcc, 0xdd, 0x00, 0x05, 0x00, 0x08,
    0xc0, 0x00, 0x02, 0x01,			    /* IPv4 address */
    0x00, 0x0c, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00, /* supported address types */
    0xc0, 0x00, 0x00, 0x04,			    /* Forward-TSN-Supported */
    0x80, 0x08, 0x00, 0x05, 0xc0, 0x00, 0x00, 0x00, /* supported extensions */
    0x80, 0x00, 0x00, 0x04,			    /* ECN capable */
};

static void known_init_packet_verifies_and_parses(void **state)
{
	struct usctp_common_hdr h;
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	struct usctp_init_chunk ic;
	struct usctp_init_params ip;

	assert_int_equal(usctp_pkt_verify_checksum(init_pkt, sizeof(init_pkt)), 0);
	assert_int_equal(usctp_pkt_validate(init_pkt, sizeof(init_pkt)), 1);
	assert_int_equal(usctp_hdr_parse(init_pkt, sizeof(init_pkt), &h), 0);
	assert_int_equal(h.src_port, 5000);
	assert_int_equal(h.dst_port, 5001);
	assert_int_equal(h.vtag, 0);
	assert_int_equal(h.checksum, 0xd83d7697u);

	usctp_chunk_iter_init(&it, init_pkt, sizeof(init_pkt));
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(c.type, USCTP_CHUNK_INIT);
	assert_int_equal(c.length, 52);
	assert_int_equal(usctp_init_parse(&c, &ic), 0);
	assert_int_equal(ic.init_tag, 0x12345678u);
	assert_int_equal(ic.a_rwnd, 131072);
	assert_int_equal(ic.num_ostreams, 10);
	assert_int_equal(ic.num_istreams, 65535);
	assert_int_equal(ic.initial_tsn, 0xaabbccddu);
	assert_int_equal(usctp_init_params_parse(ic.params, ic.params_len, &ip), 0);
	assert_int_equal(ip.num_addrs, 1);
	assert_int_equal(ip.addrs[0].family, 4);
	assert_memory_equal(ip.addrs[0].bytes, "\xc0\x00\x02\x01", 4);
	assert_true(ip.has_supported_addr_types);
	assert_true(ip.supports_ipv4);
	assert_false(ip.supports_ipv6);
	assert_true(ip.forward_tsn);
	assert_true(ip.ecn_capable);
	assert_true(usctp_init_params_has_ext(&ip, USCTP_CHUNK_FORWARD_TSN));
	assert_false(usctp_init_params_has_ext(&ip, USCTP_CHUNK_RECONFIG));
	assert_false(ip.stop);
	assert_int_equal(ip.num_unrecognized, 0);
	assert_int_equal(usctp_chunk_next(&it, &c), 0);
}

static void builders_reproduce_known_init_packet(void **state)
{
	uint8_t pbuf[64], out[128];
	struct usctp_wbuf p, w;
	struct usctp_ipaddr a = {.family = 4, .bytes = {192, 0, 2, 1}};
	const uint8_t ext[1] = {USCTP_CHUNK_FORWARD_TSN};

	usctp_wbuf_init(&p, pbuf, sizeof(pbuf));
	assert_int_equal(usctp_build_param_ipaddr(&p, &a), 0);
	assert_int_equal(usctp_build_param_supported_addr_types(&p, true, false), 0);
	assert_int_equal(usctp_build_param(&p, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0), 0);
	assert_int_equal(usctp_build_param_supported_ext(&p, ext, 1), 0);
	assert_int_equal(usctp_build_param(&p, USCTP_PARAM_ECN_CAPABLE, NULL, 0), 0);

	usctp_wbuf_init(&w, out, sizeof(out));
	assert_int_equal(usctp_build_hdr(&w, 5000, 5001, 0), 0);
	assert_int_equal(
	    usctp_build_init(&w, USCTP_CHUNK_INIT, 0x12345678, 131072, 10, 65535, 0xaabbccdd, pbuf, p.len),
	    0);
	usctp_build_finish(&w);
	assert_int_equal(w.len, sizeof(init_pkt));
	assert_memory_equal(out, init_pkt, sizeof(init_pkt));
}

static void checksum_detects_any_single_bit_flip(void **state)
{
	uint8_t pkt[64];
	size_t bit;

	for (bit = 0; bit < 8 * sizeof(pkt); bit++) {
		memcpy(pkt, init_pkt, sizeof(pkt));
		pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(usctp_pkt_verify_checksum(pkt, sizeof(pkt)), USCTP_ERR_BAD_CHECKSUM);
	}
}

static void checksum_set_then_verify_and_truncated(void **state)
{
	uint8_t pkt[64];

	memcpy(pkt, init_pkt, sizeof(pkt));
	memset(pkt + 8, 0x55, 4);
	assert_int_equal(usctp_pkt_verify_checksum(pkt, sizeof(pkt)), USCTP_ERR_BAD_CHECKSUM);
	usctp_pkt_set_checksum(pkt, sizeof(pkt));
	assert_memory_equal(pkt, init_pkt, sizeof(pkt));
	assert_int_equal(usctp_pkt_verify_checksum(pkt, 11), USCTP_ERR_TRUNCATED);
	assert_int_equal(usctp_pkt_verify_checksum(pkt, 0), USCTP_ERR_TRUNCATED);
}

static void header_parse_and_build_round_trip(void **state)
{
	uint8_t b[12];
	struct usctp_common_hdr h;

	memset(b, 0xee, sizeof(b));
	assert_int_equal(usctp_hdr_build(b, 11, 1, 2, 3), USCTP_ERR_NOBUF);
	assert_int_equal(b[0], 0xee);
	assert_int_equal(usctp_hdr_build(b, 12, 0xabcd, 0x1234, 0xdeadbeef), 0);
	assert_int_equal(usctp_hdr_parse(b, 11, &h), USCTP_ERR_TRUNCATED);
	assert_int_equal(usctp_hdr_parse(b, 12, &h), 0);
	assert_int_equal(h.src_port, 0xabcd);
	assert_int_equal(h.dst_port, 0x1234);
	assert_int_equal(h.vtag, 0xdeadbeef);
	assert_int_equal(h.checksum, 0);
}

/* A packet: 12-byte header then the given chunk bytes. */
static size_t mkpkt(uint8_t *pkt, const uint8_t *chunks, size_t n)
{
	memset(pkt, 0, 12);
	memcpy(pkt + 12, chunks, n);
	return 12 + n;
}

static int first_error(const uint8_t *chunks, size_t n)
{
	uint8_t pkt[256];
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	size_t len = mkpkt(pkt, chunks, n);
	int rc, i;

	usctp_chunk_iter_init(&it, pkt, len);
	for (i = 0; i < 64; i++) {
		rc = usctp_chunk_next(&it, &c);
		if (rc <= 0)
			return rc;
	}
	fail();
	return 0;
}

static void chunk_iter_rejects_each_malformation_precisely(void **state)
{
	/* clean: COOKIE ACK then SHUTDOWN ACK */
	assert_int_equal(first_error((const uint8_t *)"\x0b\x00\x00\x04\x08\x00\x00\x04", 8), 0);
	/* a trailing partial header */
	assert_int_equal(first_error((const uint8_t *)"\x0b\x00\x00\x04\x08\x00", 6), USCTP_ERR_TRUNCATED);
	/* zero length */
	assert_int_equal(first_error((const uint8_t *)"\x0b\x00\x00\x00", 4), USCTP_ERR_ZERO_LENGTH);
	/* length 1..3 */
	assert_int_equal(first_error((const uint8_t *)"\x0b\x00\x00\x03", 4), USCTP_ERR_BAD_LENGTH);
	/* length beyond the buffer */
	assert_int_equal(first_error((const uint8_t *)"\x0b\x00\x00\x08\x00\x00", 6), USCTP_ERR_TRUNCATED);
	/* below the type's minimum: SHUTDOWN of 4, SACK of 12, DATA of 12, INIT of 16 */
	assert_int_equal(first_error((const uint8_t *)"\x07\x00\x00\x04", 4), USCTP_ERR_BAD_LENGTH);
	assert_int_equal(first_error((const uint8_t *)"\x03\x00\x00\x0c\0\0\0\0\0\0\0\0", 12),
			 USCTP_ERR_BAD_LENGTH);
	assert_int_equal(first_error((const uint8_t *)"\x00\x03\x00\x0c\0\0\0\0\0\0\0\0", 12),
			 USCTP_ERR_BAD_LENGTH);
	assert_int_equal(first_error((const uint8_t *)"\x01\x00\x00\x10\0\0\0\0\0\0\0\0\0\0\0\0", 16),
			 USCTP_ERR_BAD_LENGTH);
	/* unpadded last chunk is fine; a non-last one with its padding cut short is not */
	assert_int_equal(first_error((const uint8_t *)"\xfe\x00\x00\x05\x01", 5), 0);
	assert_int_equal(first_error((const uint8_t *)"\xfe\x00\x00\x05\x01\x00", 6), USCTP_ERR_BAD_PADDING);
	assert_int_equal(first_error((const uint8_t *)"\xfe\x00\x00\x05\x01\x00\x00", 7),
			 USCTP_ERR_BAD_PADDING);
	assert_int_equal(first_error((const uint8_t *)"\xfe\x00\x00\x05\x01\x00\x00\x00", 8), 0);
}

static void chunk_iter_without_header_is_truncated_and_stays_at_error(void **state)
{
	uint8_t pkt[16] = {0};
	struct usctp_chunk_iter it;
	struct usctp_chunk c;

	usctp_chunk_iter_init(&it, pkt, 11);
	assert_int_equal(usctp_chunk_next(&it, &c), USCTP_ERR_TRUNCATED);
	assert_int_equal(usctp_chunk_next(&it, &c), USCTP_ERR_TRUNCATED);
	usctp_chunk_iter_init(&it, pkt, 12);
	assert_int_equal(usctp_chunk_next(&it, &c), 0);
	/* 12 + zero-length chunk: the error repeats */
	usctp_chunk_iter_init(&it, pkt, 16);
	assert_int_equal(usctp_chunk_next(&it, &c), USCTP_ERR_ZERO_LENGTH);
	assert_int_equal(usctp_chunk_next(&it, &c), USCTP_ERR_ZERO_LENGTH);
}

static void chunk_view_fields_are_exact(void **state)
{
	uint8_t pkt[64];
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	size_t len = mkpkt(pkt, (const uint8_t *)"\x06\x01\x00\x06\xaa\xbb\x00\x00\x0b\x00\x00\x04", 12);

	usctp_chunk_iter_init(&it, pkt, len);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(c.type, USCTP_CHUNK_ABORT);
	assert_int_equal(c.flags, USCTP_FLAG_T);
	assert_int_equal(c.length, 6);
	assert_ptr_equal(c.raw, pkt + 12);
	assert_ptr_equal(c.value, pkt + 16);
	assert_int_equal(c.value_len, 2);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_ptr_equal(c.raw, pkt + 20);
	assert_int_equal(c.type, USCTP_CHUNK_COOKIE_ACK);
	assert_int_equal(usctp_chunk_next(&it, &c), 0);
}

static void validate_counts_chunks_and_enforces_bundling(void **state)
{
	uint8_t pkt[128] = {0};
	size_t len;
	static const uint8_t init[20] = {1, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0x10, 0, 0, 1, 0, 1, 0, 0, 0, 1};
	static const uint8_t initack[20] = {2, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0x10, 0, 0, 1, 0, 1, 0, 0, 0, 1};
	static const uint8_t sc[4] = {14, 0, 0, 4};
	static const uint8_t ca[4] = {11, 0, 0, 4};
	uint8_t two[64];

	assert_int_equal(usctp_pkt_validate(pkt, 5), USCTP_ERR_TRUNCATED);
	len = mkpkt(pkt, init, sizeof(init));
	assert_int_equal(usctp_pkt_validate(pkt, len), 1);
	len = mkpkt(pkt, sc, sizeof(sc));
	assert_int_equal(usctp_pkt_validate(pkt, len), 1);
	len = mkpkt(pkt, ca, 0);
	assert_int_equal(usctp_pkt_validate(pkt, len), 0);

	/* each must-be-alone chunk, before or after another chunk */
	const uint8_t *alone[3] = {init, initack, sc};
	size_t alone_len[3] = {20, 20, 4};
	for (int i = 0; i < 3; i++) {
		memcpy(two, alone[i], alone_len[i]);
		memcpy(two + alone_len[i], ca, 4);
		len = mkpkt(pkt, two, alone_len[i] + 4);
		assert_int_equal(usctp_pkt_validate(pkt, len), USCTP_ERR_BAD_BUNDLING);
		memcpy(two, ca, 4);
		memcpy(two + 4, alone[i], alone_len[i]);
		len = mkpkt(pkt, two, alone_len[i] + 4);
		assert_int_equal(usctp_pkt_validate(pkt, len), USCTP_ERR_BAD_BUNDLING);
	}
	/* two SHUTDOWN COMPLETE are bundled too */
	memcpy(two, sc, 4);
	memcpy(two + 4, sc, 4);
	len = mkpkt(pkt, two, 8);
	assert_int_equal(usctp_pkt_validate(pkt, len), USCTP_ERR_BAD_BUNDLING);
	/* ordinary bundling is fine: COOKIE ACK + SHUTDOWN ACK + unknown */
	len = mkpkt(pkt, (const uint8_t *)"\x0b\x00\x00\x04\x08\x00\x00\x04\xff\x00\x00\x04", 12);
	assert_int_equal(usctp_pkt_validate(pkt, len), 3);
	/* structural errors win over counting */
	len = mkpkt(pkt, (const uint8_t *)"\x0b\x00\x00\x04\x08\x00\x00\x00", 8);
	assert_int_equal(usctp_pkt_validate(pkt, len), USCTP_ERR_ZERO_LENGTH);
}

static void chunk_rules_names_and_action_bits(void **state)
{
	assert_int_equal(usctp_chunk_unknown_action(0x3f), USCTP_ACT_STOP);
	assert_int_equal(usctp_chunk_unknown_action(0x40), USCTP_ACT_STOP_REPORT);
	assert_int_equal(usctp_chunk_unknown_action(0x80), USCTP_ACT_SKIP);
	assert_int_equal(usctp_chunk_unknown_action(0xc1), USCTP_ACT_SKIP_REPORT);
	assert_int_equal(usctp_param_unknown_action(0x3fff), USCTP_ACT_STOP);
	assert_int_equal(usctp_param_unknown_action(0x4000), USCTP_ACT_STOP_REPORT);
	assert_int_equal(usctp_param_unknown_action(0x8000), USCTP_ACT_SKIP);
	assert_int_equal(usctp_param_unknown_action(0xc006), USCTP_ACT_SKIP_REPORT);

	for (unsigned t = 0; t <= 11; t++)
		assert_true(usctp_chunk_type_known((uint8_t)t));
	assert_true(usctp_chunk_type_known(USCTP_CHUNK_SHUTDOWN_COMPLETE));
	assert_true(usctp_chunk_type_known(USCTP_CHUNK_FORWARD_TSN));
	assert_false(usctp_chunk_type_known(USCTP_CHUNK_AUTH));
	assert_false(usctp_chunk_type_known(0xff));

	assert_true(usctp_chunk_must_be_alone(USCTP_CHUNK_INIT));
	assert_true(usctp_chunk_must_be_alone(USCTP_CHUNK_INIT_ACK));
	assert_true(usctp_chunk_must_be_alone(USCTP_CHUNK_SHUTDOWN_COMPLETE));
	assert_false(usctp_chunk_must_be_alone(USCTP_CHUNK_COOKIE_ECHO));

	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_DATA), 16);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_INIT), 20);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_INIT_ACK), 20);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_SACK), 16);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_HEARTBEAT), 8);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_HEARTBEAT_ACK), 8);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_ABORT), 4);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_SHUTDOWN), 8);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_SHUTDOWN_ACK), 4);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_ERROR), 4);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_COOKIE_ECHO), 4);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_COOKIE_ACK), 4);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_SHUTDOWN_COMPLETE), 4);
	assert_int_equal(usctp_chunk_min_len(USCTP_CHUNK_FORWARD_TSN), 8);
	assert_int_equal(usctp_chunk_min_len(0xfe), 4);

	assert_string_equal(usctp_chunk_type_name(USCTP_CHUNK_DATA), "DATA");
	assert_string_equal(usctp_chunk_type_name(USCTP_CHUNK_INIT_ACK), "INIT ACK");
	assert_string_equal(usctp_chunk_type_name(USCTP_CHUNK_SHUTDOWN_COMPLETE), "SHUTDOWN COMPLETE");
	assert_string_equal(usctp_chunk_type_name(USCTP_CHUNK_FORWARD_TSN), "FORWARD TSN");
	assert_string_equal(usctp_chunk_type_name(0xfe), "UNKNOWN");
	assert_int_equal(usctp_pad4(0), 0);
	assert_int_equal(usctp_pad4(5), 8);
	assert_int_equal(usctp_pad4(8), 8);
}

/*
 * Random and mutated buffers through every iterator and typed parser. Each
 * buffer is a fresh heap allocation of its exact length, so ASan reports any
 * read past it; the iteration bound proves termination.
 */
static void parse_all(const uint8_t *pkt, size_t len)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	int rc, steps = 0;

	(void)usctp_pkt_validate(pkt, len);
	(void)usctp_pkt_verify_checksum(pkt, len);
	usctp_chunk_iter_init(&it, pkt, len);
	while ((rc = usctp_chunk_next(&it, &c)) > 0) {
		union {
			struct usctp_data_chunk d;
			struct usctp_init_chunk i;
			struct usctp_sack_chunk s;
			struct usctp_heartbeat_chunk h;
			struct usctp_fwd_tsn_chunk f;
		} u;
		struct usctp_init_params ip;
		struct usctp_tlv_iter ti;
		struct usctp_tlv t;
		const uint8_t *ck;
		size_t cl;
		uint32_t v32;
		uint16_t a, b;
		unsigned k, tl = 0;

		assert_true(++steps <= (int)(len / 4) + 1);
		assert_true(c.raw >= pkt + 12 && c.value + c.value_len <= pkt + len);
		(void)usctp_data_parse(&c, &u.d);
		if (usctp_init_parse(&c, &u.i) >= 0 || usctp_init_parse(&c, &u.i) == USCTP_ERR_BAD_VALUE) {
			if (usctp_init_params_parse(u.i.params, u.i.params_len, &ip) == 0)
				for (k = 0; k < ip.num_unrecognized; k++)
					assert_true(ip.unrecognized[k] + ip.unrecognized_len[k] <= pkt + len);
		}
		if (usctp_sack_parse(&c, &u.s) == 0) {
			for (k = 0; k < u.s.num_gaps; k++)
				(void)usctp_sack_gap(&u.s, k);
			for (k = 0; k < u.s.num_dups; k++)
				(void)usctp_sack_dup(&u.s, k);
		}
		(void)usctp_heartbeat_parse(&c, &u.h);
		(void)usctp_shutdown_parse(&c, &v32);
		(void)usctp_cookie_echo_parse(&c, &ck, &cl);
		if (usctp_fwd_tsn_parse(&c, &u.f) == 0)
			for (k = 0; k < u.f.num_streams; k++)
				usctp_fwd_tsn_stream(&u.f, k, &a, &b);
		(void)usctp_causes_validate(c.value, c.value_len);
		usctp_tlv_iter_init(&ti, c.value, c.value_len);
		while (usctp_tlv_next(&ti, &t) > 0) {
			unsigned cnt;
			const uint8_t *types;

			assert_true(++tl <= c.value_len / 4 + 1);
			assert_true(t.value + t.value_len <= c.value + c.value_len);
			(void)usctp_cause_invalid_stream(&t, &a);
			(void)usctp_cause_stale_cookie(&t, &v32);
			(void)usctp_cause_no_user_data(&t, &v32);
			if (usctp_cause_missing_params(&t, &cnt, &types) == 0)
				assert_true(types + 2 * (size_t)cnt <= t.value + t.value_len);
		}
	}
	assert_true(rc <= 0);
}

/* A valid packet bundling most chunk kinds, with parameters and causes inside. */
static size_t build_rich(uint8_t *buf, size_t cap, uint8_t *cbuf, size_t ccap)
{
	struct usctp_wbuf w, cw;
	const struct usctp_gap_block g[2] = {{2, 3}, {5, 5}};
	const uint32_t d[1] = {7};
	const uint16_t sid[2] = {1, 2}, ssn[2] = {3, 4};
	const uint16_t miss[1] = {USCTP_PARAM_STATE_COOKIE};

	usctp_wbuf_init(&cw, cbuf, ccap);
	assert_int_equal(usctp_build_cause_invalid_stream(&cw, 3), 0);
	assert_int_equal(usctp_build_cause_missing_params(&cw, miss, 1), 0);
	assert_int_equal(usctp_build_cause_stale_cookie(&cw, 9), 0);
	assert_int_equal(usctp_build_cause_no_user_data(&cw, 9), 0);
	usctp_wbuf_init(&w, buf, cap);
	assert_int_equal(usctp_build_hdr(&w, 1, 2, 3), 0);
	assert_int_equal(usctp_build_data(&w, 3, 1, 2, 3, 4, "abc", 3), 0);
	assert_int_equal(usctp_build_sack(&w, 1, 2, g, 2, d, 1), 0);
	assert_int_equal(usctp_build_heartbeat(&w, USCTP_CHUNK_HEARTBEAT, "hb", 2), 0);
	assert_int_equal(usctp_build_error(&w, cbuf, cw.len), 0);
	assert_int_equal(usctp_build_fwd_tsn(&w, 5, sid, ssn, 2), 0);
	assert_int_equal(usctp_build_shutdown(&w, 5), 0);
	assert_int_equal(usctp_build_cookie_echo(&w, "ck", 2), 0);
	usctp_build_finish(&w);
	assert_int_equal(usctp_pkt_validate(buf, w.len), 7);
	return w.len;
}

static void random_garbage_never_reads_out_of_bounds(void **state)
{
	struct tu_rng r;
	uint64_t seed = tu_seed(0x5c7b);
	int round;

	uint8_t rich[200], causes[64];
	size_t rich_len = build_rich(rich, sizeof(rich), causes, sizeof(causes));

	print_message("seed %llu\n", (unsigned long long)seed);
	tu_rng_seed(&r, seed);
	for (round = 0; round < 20000; round++) {
		size_t len = (size_t)tu_rng_below(&r, 200);
		uint8_t *pkt = test_malloc(len ? len : 1);

		if (round % 2 == 0 || len < 12) {
			tu_rng_fill(&r, pkt, len);
			/* Bias lengths toward small plausible values so parsing goes deep. */
			for (size_t i = 12; i + 4 <= len; i += 4)
				if (tu_rng_chance(&r, 0.5))
					pkt[i + 2] = 0, pkt[i + 3] = (uint8_t)tu_rng_below(&r, 64);
		} else {
			const uint8_t *seedpkt = round % 4 == 1 ? init_pkt : rich;
			size_t seedlen = round % 4 == 1 ? sizeof(init_pkt) : rich_len;
			size_t n = len < seedlen ? len : seedlen;

			/* Mutate a valid packet: a few random byte changes. */
			memset(pkt, 0, len);
			memcpy(pkt, seedpkt, n);
			for (int k = 0; k < 3; k++)
				pkt[tu_rng_below(&r, len)] = (uint8_t)tu_rng_next(&r);
		}
		parse_all(pkt, len);
		test_free(pkt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(known_init_packet_verifies_and_parses),
	    cmocka_unit_test(builders_reproduce_known_init_packet),
	    cmocka_unit_test(checksum_detects_any_single_bit_flip),
	    cmocka_unit_test(checksum_set_then_verify_and_truncated),
	    cmocka_unit_test(header_parse_and_build_round_trip),
	    cmocka_unit_test(chunk_iter_rejects_each_malformation_precisely),
	    cmocka_unit_test(chunk_iter_without_header_is_truncated_and_stays_at_error),
	    cmocka_unit_test(chunk_view_fields_are_exact),
	    cmocka_unit_test(validate_counts_chunks_and_enforces_bundling),
	    cmocka_unit_test(chunk_rules_names_and_action_bits),
	    cmocka_unit_test(random_garbage_never_reads_out_of_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
