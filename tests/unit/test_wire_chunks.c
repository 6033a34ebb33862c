/*
 * Wire layer, chunks: every chunk of RFC 9260 and FORWARD TSN round-trips
 * through its builder, the chunk iterator and its typed parser; each typed
 * parser rejects its malformed forms with the exact error code.
 */
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

struct pk {
	uint8_t buf[512];
	struct usctp_wbuf w;
};

static void pk_start(struct pk *p)
{
	memset(p->buf, 0xcc, sizeof(p->buf));
	usctp_wbuf_init(&p->w, p->buf, sizeof(p->buf));
	assert_int_equal(usctp_build_hdr(&p->w, 1, 2, 3), 0);
}

/* The packet is valid, holds exactly one chunk, of this type; return it. */
static struct usctp_chunk pk_only_chunk(struct pk *p, uint8_t type)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c, end;

	usctp_build_finish(&p->w);
	assert_int_equal(p->w.len % 4, 0);
	assert_int_equal(usctp_pkt_verify_checksum(p->buf, p->w.len), 0);
	assert_int_equal(usctp_pkt_validate(p->buf, p->w.len), 1);
	usctp_chunk_iter_init(&it, p->buf, p->w.len);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(usctp_chunk_next(&it, &end), 0);
	assert_int_equal(c.type, type);
	return c;
}

/* A chunk view over hand-written bytes (as the iterator would produce it). */
static struct usctp_chunk raw_chunk(const uint8_t *b, size_t len)
{
	struct usctp_chunk c;

	c.type = b[0];
	c.flags = b[1];
	c.length = (uint16_t)len;
	c.raw = b;
	c.value = b + 4;
	c.value_len = len - 4;
	return c;
}

static void data_round_trips_with_flags_and_payload(void **state)
{
	struct pk p;
	struct usctp_chunk c;
	struct usctp_data_chunk d;
	const uint8_t flags = USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E | USCTP_DATA_FLAG_U | USCTP_DATA_FLAG_I;

	for (size_t n = 1; n <= 9; n++) {
		pk_start(&p);
		assert_int_equal(
		    usctp_build_data(&p.w, flags, 0xfffffffe, 7, 0xbeef, 0x01020304, "abcdefghi", n), 0);
		assert_int_equal(p.w.len, 12 + usctp_pad4(16 + n));
		c = pk_only_chunk(&p, USCTP_CHUNK_DATA);
		assert_int_equal(c.length, 16 + n);
		assert_int_equal(usctp_data_parse(&c, &d), 0);
		assert_int_equal(d.flags, flags);
		assert_int_equal(d.tsn, 0xfffffffe);
		assert_int_equal(d.sid, 7);
		assert_int_equal(d.ssn, 0xbeef);
		assert_int_equal(d.ppid, 0x01020304);
		assert_int_equal(d.payload_len, n);
		assert_memory_equal(d.payload, "abcdefghi", n);
		/* padding bytes are zero */
		for (size_t i = 12 + 16 + n; i < p.w.len; i++)
			assert_int_equal(p.buf[i], 0);
	}
}

static void data_without_payload_is_bad_value_with_tsn_filled(void **state)
{
	static const uint8_t b[16] = {0, 3, 0, 16, 0, 0, 0, 42, 0, 1, 0, 2, 0, 0, 0, 0};
	struct usctp_chunk c = raw_chunk(b, sizeof(b));
	struct usctp_data_chunk d;
	struct usctp_wbuf w;
	uint8_t out[64];

	assert_int_equal(usctp_data_parse(&c, &d), USCTP_ERR_BAD_VALUE);
	assert_int_equal(d.tsn, 42);
	c = raw_chunk(b, 15);
	assert_int_equal(usctp_data_parse(&c, &d), USCTP_ERR_BAD_LENGTH);
	usctp_wbuf_init(&w, out, sizeof(out));
	assert_int_equal(usctp_build_data(&w, 0, 1, 2, 3, 4, "", 0), USCTP_ERR_INVALID);
	assert_int_equal(w.len, 0);
}

static void init_and_init_ack_round_trip(void **state)
{
	static const uint8_t params[12] = {0x00, 0x07, 0x00, 0x09, 'c', 'o', 'o', 'k', 'y', 0, 0, 0};
	const uint8_t types[2] = {USCTP_CHUNK_INIT, USCTP_CHUNK_INIT_ACK};

	for (int k = 0; k < 2; k++) {
		struct pk p;
		struct usctp_chunk c;
		struct usctp_init_chunk ic;

		pk_start(&p);
		assert_int_equal(usctp_build_init(&p.w, types[k], 0xcafef00d, 65536, 3, 5, 0x10000000, params,
						  sizeof(params)),
				 0);
		c = pk_only_chunk(&p, types[k]);
		assert_int_equal(usctp_init_parse(&c, &ic), 0);
		assert_int_equal(ic.init_tag, 0xcafef00d);
		assert_int_equal(ic.a_rwnd, 65536);
		assert_int_equal(ic.num_ostreams, 3);
		assert_int_equal(ic.num_istreams, 5);
		assert_int_equal(ic.initial_tsn, 0x10000000);
		/* the last parameter's padding is the chunk's, not counted (RFC 9260 3.2) */
		assert_int_equal(ic.params_len, 9);
		assert_memory_equal(ic.params, params, 9);
	}
}

static void init_rejects_zero_tag_zero_streams_and_bad_params(void **state)
{
	uint8_t b[32] = {1, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0x10, 0, 0, 1, 0, 1, 0, 0, 0, 1};
	struct usctp_chunk c;
	struct usctp_init_chunk ic;
	struct usctp_wbuf w;

	c = raw_chunk(b, 20);
	assert_int_equal(usctp_init_parse(&c, &ic), 0);
	b[7] = 0; /* Initiate Tag 0 */
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_BAD_VALUE);
	assert_int_equal(ic.num_ostreams, 1); /* still filled for the ABORT */
	b[7] = 1;
	b[13] = 0; /* OS 0 */
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_BAD_VALUE);
	b[13] = 1;
	b[15] = 0; /* MIS 0 */
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_BAD_VALUE);
	b[15] = 1;
	c = raw_chunk(b, 19);
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_BAD_LENGTH);

	/* parameter area: a zero-length parameter, a truncated one, a short one */
	memcpy(b + 20, "\x00\x05\x00\x00", 4);
	c = raw_chunk(b, 24);
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_ZERO_LENGTH);
	memcpy(b + 20, "\x00\x05\x00\x08\xc0\x00", 6);
	c = raw_chunk(b, 26);
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_TRUNCATED);
	memcpy(b + 20, "\x00\x05\x00\x02", 4);
	c = raw_chunk(b, 24);
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_BAD_LENGTH);
	memcpy(b + 20, "\x00\x05", 2);
	c = raw_chunk(b, 22);
	assert_int_equal(usctp_init_parse(&c, &ic), USCTP_ERR_TRUNCATED);

	usctp_wbuf_init(&w, b, sizeof(b));
	assert_int_equal(usctp_build_init(&w, USCTP_CHUNK_DATA, 1, 1, 1, 1, 1, NULL, 0), USCTP_ERR_INVALID);
}

static void sack_round_trips_gaps_and_dups(void **state)
{
	const struct usctp_gap_block gaps[3] = {{2, 3}, {5, 9}, {11, 0xffff}};
	const uint32_t dups[2] = {0xdeadbeef, 17};

	for (unsigned ng = 0; ng <= 3; ng++) {
		for (unsigned nd = 0; nd <= 2; nd++) {
			struct pk p;
			struct usctp_chunk c;
			struct usctp_sack_chunk s;
			struct usctp_gap_block g;

			pk_start(&p);
			assert_int_equal(usctp_build_sack(&p.w, 1000, 4096, gaps, ng, dups, nd), 0);
			c = pk_only_chunk(&p, USCTP_CHUNK_SACK);
			assert_int_equal(c.length, 16 + 4 * (ng + nd));
			assert_int_equal(usctp_sack_parse(&c, &s), 0);
			assert_int_equal(s.cum_tsn, 1000);
			assert_int_equal(s.a_rwnd, 4096);
			assert_int_equal(s.num_gaps, ng);
			assert_int_equal(s.num_dups, nd);
			for (unsigned i = 0; i < ng; i++) {
				g = usctp_sack_gap(&s, i);
				assert_int_equal(g.start, gaps[i].start);
				assert_int_equal(g.end, gaps[i].end);
			}
			for (unsigned i = 0; i < nd; i++)
				assert_int_equal(usctp_sack_dup(&s, i), dups[i]);
			/* out-of-range indexes read nothing */
			g = usctp_sack_gap(&s, ng);
			assert_int_equal(g.start, 0);
			assert_int_equal(usctp_sack_dup(&s, nd), 0);
		}
	}
}

static void sack_with_counts_not_matching_length_is_misaligned(void **state)
{
	uint8_t b[28] = {3, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0x10, 0, 0, 1, 0, 1};
	struct usctp_chunk c;
	struct usctp_sack_chunk s;

	c = raw_chunk(b, 24); /* 1 gap + 1 dup: exact */
	assert_int_equal(usctp_sack_parse(&c, &s), 0);
	b[13] = 2; /* 2 gaps + 1 dup claimed, 2 entries present */
	assert_int_equal(usctp_sack_parse(&c, &s), USCTP_ERR_MISALIGNED);
	b[13] = 0; /* 0 gaps + 1 dup: one entry too many */
	assert_int_equal(usctp_sack_parse(&c, &s), USCTP_ERR_MISALIGNED);
	b[13] = 1;
	c = raw_chunk(b, 22); /* partial entry */
	assert_int_equal(usctp_sack_parse(&c, &s), USCTP_ERR_MISALIGNED);
	b[10] = b[11] = b[12] = b[13] = b[14] = b[15] = 0xff; /* huge counts */
	c = raw_chunk(b, 24);
	assert_int_equal(usctp_sack_parse(&c, &s), USCTP_ERR_MISALIGNED);
	c = raw_chunk(b, 15);
	assert_int_equal(usctp_sack_parse(&c, &s), USCTP_ERR_BAD_LENGTH);
}

static void heartbeat_and_ack_round_trip_info(void **state)
{
	const uint8_t types[2] = {USCTP_CHUNK_HEARTBEAT, USCTP_CHUNK_HEARTBEAT_ACK};

	for (int k = 0; k < 2; k++) {
		for (size_t n = 0; n <= 6; n++) {
			struct pk p;
			struct usctp_chunk c;
			struct usctp_heartbeat_chunk h;

			pk_start(&p);
			assert_int_equal(usctp_build_heartbeat(&p.w, types[k], "infoXY", n), 0);
			c = pk_only_chunk(&p, types[k]);
			assert_int_equal(c.length, 8 + n);
			assert_int_equal(usctp_heartbeat_parse(&c, &h), 0);
			assert_int_equal(h.info_len, n);
			assert_memory_equal(h.info, "infoXY", n);
		}
	}
}

static void heartbeat_rejects_missing_wrong_or_overlong_info(void **state)
{
	struct usctp_chunk c;
	struct usctp_heartbeat_chunk h;
	struct usctp_wbuf w;
	uint8_t out[32];

	c = raw_chunk((const uint8_t *)"\x04\x00\x00\x04", 4);
	assert_int_equal(usctp_heartbeat_parse(&c, &h), USCTP_ERR_BAD_LENGTH);
	c = raw_chunk((const uint8_t *)"\x04\x00\x00\x08\x00\x02\x00\x04", 8);
	assert_int_equal(usctp_heartbeat_parse(&c, &h), USCTP_ERR_BAD_VALUE);
	c = raw_chunk((const uint8_t *)"\x04\x00\x00\x0a\x00\x01\x00\x08\x01\x02", 10);
	assert_int_equal(usctp_heartbeat_parse(&c, &h), USCTP_ERR_TRUNCATED);
	c = raw_chunk((const uint8_t *)"\x04\x00\x00\x08\x00\x01\x00\x00", 8);
	assert_int_equal(usctp_heartbeat_parse(&c, &h), USCTP_ERR_ZERO_LENGTH);
	usctp_wbuf_init(&w, out, sizeof(out));
	assert_int_equal(usctp_build_heartbeat(&w, USCTP_CHUNK_DATA, "x", 1), USCTP_ERR_INVALID);
}

static void abort_and_error_round_trip_causes_and_t_bit(void **state)
{
	uint8_t cb[64];
	struct usctp_wbuf cw;

	usctp_wbuf_init(&cw, cb, sizeof(cb));
	assert_int_equal(usctp_build_cause_invalid_stream(&cw, 9), 0);
	assert_int_equal(usctp_build_cause_user_abort(&cw, "bye", 3), 0);

	for (int k = 0; k < 3; k++) {
		struct pk p;
		struct usctp_chunk c;
		struct usctp_tlv_iter it;
		struct usctp_tlv t;
		uint16_t sid;
		uint8_t type = k == 2 ? USCTP_CHUNK_ERROR : USCTP_CHUNK_ABORT;

		pk_start(&p);
		if (k == 2)
			assert_int_equal(usctp_build_error(&p.w, cb, cw.len), 0);
		else
			assert_int_equal(usctp_build_abort(&p.w, k == 1, cb, cw.len), 0);
		c = pk_only_chunk(&p, type);
		assert_int_equal(c.flags, k == 1 ? USCTP_FLAG_T : 0);
		assert_int_equal(usctp_causes_validate(c.value, c.value_len), 0);
		usctp_tlv_iter_init(&it, c.value, c.value_len);
		assert_int_equal(usctp_tlv_next(&it, &t), 1);
		assert_int_equal(t.type, USCTP_CAUSE_INVALID_STREAM);
		assert_int_equal(usctp_cause_invalid_stream(&t, &sid), 0);
		assert_int_equal(sid, 9);
		assert_int_equal(usctp_tlv_next(&it, &t), 1);
		assert_int_equal(t.type, USCTP_CAUSE_USER_ABORT);
		assert_int_equal(t.value_len, 3);
		assert_memory_equal(t.value, "bye", 3);
		assert_int_equal(usctp_tlv_next(&it, &t), 0);
	}
}

static void empty_abort_is_valid(void **state)
{
	struct pk p;
	struct usctp_chunk c;

	pk_start(&p);
	assert_int_equal(usctp_build_abort(&p.w, false, NULL, 0), 0);
	c = pk_only_chunk(&p, USCTP_CHUNK_ABORT);
	assert_int_equal(c.value_len, 0);
	assert_int_equal(usctp_causes_validate(c.value, c.value_len), 0);
}

static void shutdown_family_round_trips(void **state)
{
	struct pk p;
	struct usctp_chunk c;
	uint32_t cum;

	pk_start(&p);
	assert_int_equal(usctp_build_shutdown(&p.w, 0x87654321), 0);
	c = pk_only_chunk(&p, USCTP_CHUNK_SHUTDOWN);
	assert_int_equal(usctp_shutdown_parse(&c, &cum), 0);
	assert_int_equal(cum, 0x87654321);
	c = raw_chunk((const uint8_t *)"\x07\x00\x00\x07\x00\x00\x00", 7);
	assert_int_equal(usctp_shutdown_parse(&c, &cum), USCTP_ERR_BAD_LENGTH);

	pk_start(&p);
	assert_int_equal(usctp_build_shutdown_ack(&p.w), 0);
	c = pk_only_chunk(&p, USCTP_CHUNK_SHUTDOWN_ACK);
	assert_int_equal(c.length, 4);

	for (int t = 0; t < 2; t++) {
		pk_start(&p);
		assert_int_equal(usctp_build_shutdown_complete(&p.w, t), 0);
		c = pk_only_chunk(&p, USCTP_CHUNK_SHUTDOWN_COMPLETE);
		assert_int_equal(c.flags, t ? USCTP_FLAG_T : 0);
		assert_int_equal(c.length, 4);
	}
}

static void cookie_echo_and_ack_round_trip(void **state)
{
	struct pk p;
	struct usctp_chunk c;
	const uint8_t *ck;
	size_t n;
	struct usctp_wbuf w;
	uint8_t out[16];

	pk_start(&p);
	assert_int_equal(usctp_build_cookie_echo(&p.w, "0123456789", 10), 0);
	c = pk_only_chunk(&p, USCTP_CHUNK_COOKIE_ECHO);
	assert_int_equal(usctp_cookie_echo_parse(&c, &ck, &n), 0);
	assert_int_equal(n, 10);
	assert_memory_equal(ck, "0123456789", 10);
	c = raw_chunk((const uint8_t *)"\x0a\x00\x00\x04", 4);
	assert_int_equal(usctp_cookie_echo_parse(&c, &ck, &n), USCTP_ERR_BAD_LENGTH);
	usctp_wbuf_init(&w, out, sizeof(out));
	assert_int_equal(usctp_build_cookie_echo(&w, NULL, 0), USCTP_ERR_INVALID);

	pk_start(&p);
	assert_int_equal(usctp_build_cookie_ack(&p.w), 0);
	c = pk_only_chunk(&p, USCTP_CHUNK_COOKIE_ACK);
	assert_int_equal(c.length, 4);
}

static void fwd_tsn_round_trips_streams(void **state)
{
	const uint16_t sids[3] = {1, 2, 0xffff}, ssns[3] = {10, 0, 7};

	for (unsigned n = 0; n <= 3; n++) {
		struct pk p;
		struct usctp_chunk c;
		struct usctp_fwd_tsn_chunk f;
		uint16_t sid, ssn;

		pk_start(&p);
		assert_int_equal(usctp_build_fwd_tsn(&p.w, 0x7fffffff, sids, ssns, n), 0);
		c = pk_only_chunk(&p, USCTP_CHUNK_FORWARD_TSN);
		assert_int_equal(usctp_fwd_tsn_parse(&c, &f), 0);
		assert_int_equal(f.new_cum_tsn, 0x7fffffff);
		assert_int_equal(f.num_streams, n);
		for (unsigned i = 0; i < n; i++) {
			usctp_fwd_tsn_stream(&f, i, &sid, &ssn);
			assert_int_equal(sid, sids[i]);
			assert_int_equal(ssn, ssns[i]);
		}
		usctp_fwd_tsn_stream(&f, n, &sid, &ssn);
		assert_int_equal(sid, 0);
		assert_int_equal(ssn, 0);
	}
}

static void fwd_tsn_with_partial_stream_entry_is_misaligned(void **state)
{
	static const uint8_t b[16] = {0xc0, 0, 0, 14, 0, 0, 0, 5, 0, 1, 0, 2, 0, 3, 0, 0};
	struct usctp_chunk c;
	struct usctp_fwd_tsn_chunk f;

	c = raw_chunk(b, 12);
	assert_int_equal(usctp_fwd_tsn_parse(&c, &f), 0);
	assert_int_equal(f.num_streams, 1);
	for (size_t len = 9; len <= 15; len++) {
		if (len == 12)
			continue;
		c = raw_chunk(b, len);
		assert_int_equal(usctp_fwd_tsn_parse(&c, &f), USCTP_ERR_MISALIGNED);
	}
	c = raw_chunk(b, 7);
	assert_int_equal(usctp_fwd_tsn_parse(&c, &f), USCTP_ERR_BAD_LENGTH);
}

static void pad_and_generic_chunks_round_trip(void **state)
{
	struct pk p;
	struct usctp_chunk c;
	struct usctp_wbuf w;
	uint8_t out[16];

	for (size_t n = 4; n <= 9; n++) {
		pk_start(&p);
		assert_int_equal(usctp_build_pad(&p.w, n), 0);
		c = pk_only_chunk(&p, USCTP_CHUNK_PAD);
		assert_int_equal(c.length, n);
		for (size_t i = 0; i < c.value_len; i++)
			assert_int_equal(c.value[i], 0);
		assert_int_equal(p.w.len, 12 + usctp_pad4(n));
	}
	usctp_wbuf_init(&w, out, sizeof(out));
	assert_int_equal(usctp_build_pad(&w, 3), USCTP_ERR_INVALID);

	pk_start(&p);
	assert_int_equal(usctp_build_chunk(&p.w, 0xbf, 0x5a, "xyz", 3), 0);
	c = pk_only_chunk(&p, 0xbf);
	assert_int_equal(c.flags, 0x5a);
	assert_int_equal(c.length, 7);
	assert_memory_equal(c.value, "xyz", 3);
	assert_int_equal(p.buf[12 + 7], 0);
}

static void bundled_chunks_iterate_in_order(void **state)
{
	struct pk p;
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	const uint8_t expect[4] = {USCTP_CHUNK_COOKIE_ECHO, USCTP_CHUNK_DATA, USCTP_CHUNK_DATA,
				   USCTP_CHUNK_SACK};

	pk_start(&p);
	assert_int_equal(usctp_build_cookie_echo(&p.w, "c", 1), 0);
	assert_int_equal(usctp_build_data(&p.w, 3, 1, 0, 0, 0, "a", 1), 0);
	assert_int_equal(usctp_build_data(&p.w, 3, 2, 0, 1, 0, "bb", 2), 0);
	assert_int_equal(usctp_build_sack(&p.w, 5, 6, NULL, 0, NULL, 0), 0);
	usctp_build_finish(&p.w);
	assert_int_equal(usctp_pkt_validate(p.buf, p.w.len), 4);
	usctp_chunk_iter_init(&it, p.buf, p.w.len);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(usctp_chunk_next(&it, &c), 1);
		assert_int_equal(c.type, expect[i]);
	}
	assert_int_equal(usctp_chunk_next(&it, &c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(data_round_trips_with_flags_and_payload),
	    cmocka_unit_test(data_without_payload_is_bad_value_with_tsn_filled),
	    cmocka_unit_test(init_and_init_ack_round_trip),
	    cmocka_unit_test(init_rejects_zero_tag_zero_streams_and_bad_params),
	    cmocka_unit_test(sack_round_trips_gaps_and_dups),
	    cmocka_unit_test(sack_with_counts_not_matching_length_is_misaligned),
	    cmocka_unit_test(heartbeat_and_ack_round_trip_info),
	    cmocka_unit_test(heartbeat_rejects_missing_wrong_or_overlong_info),
	    cmocka_unit_test(abort_and_error_round_trip_causes_and_t_bit),
	    cmocka_unit_test(empty_abort_is_valid),
	    cmocka_unit_test(shutdown_family_round_trips),
	    cmocka_unit_test(cookie_echo_and_ack_round_trip),
	    cmocka_unit_test(fwd_tsn_round_trips_streams),
	    cmocka_unit_test(fwd_tsn_with_partial_stream_entry_is_misaligned),
	    cmocka_unit_test(pad_and_generic_chunks_round_trip),
	    cmocka_unit_test(bundled_chunks_iterate_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
