/*
 * Wire layer, builders under pressure: for every builder, every capacity
 * from 0 up to the size it needs gives NOBUF, leaves the wbuf length alone
 * and writes no byte at all; the exact size succeeds and writes nothing past
 * it, with the same bytes as an unconstrained build.
 */
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

static const struct usctp_gap_block gaps[2] = {{1, 2}, {4, 4}};
static const uint32_t dups[3] = {1, 2, 3};
static const uint16_t sids[2] = {1, 2}, ssns[2] = {3, 4};
static const uint16_t ptypes[3] = {7, 5, 6};
static const struct usctp_ipaddr v6 = {.family = 6, .bytes = {1, 2, 3}};
static const struct usctp_ipaddr addrs[2] = {{.family = 4, .bytes = {1}}, {.family = 6, .bytes = {2}}};
static const uint8_t tlv_a[5] = {0xc1, 0x00, 0x00, 0x05, 'a'};
static const uint8_t tlv_b[4] = {0xc2, 0x00, 0x00, 0x04};
static const uint8_t *const tlvs[2] = {tlv_a, tlv_b};
static const uint16_t tlv_lens[2] = {5, 4};

static int b_hdr(struct usctp_wbuf *w)
{
	return usctp_build_hdr(w, 1, 2, 3);
}
static int b_chunk(struct usctp_wbuf *w)
{
	return usctp_build_chunk(w, 0xee, 1, "abcde", 5);
}
static int b_data(struct usctp_wbuf *w)
{
	return usctp_build_data(w, 3, 1, 2, 3, 4, "payload", 7);
}
static int b_init(struct usctp_wbuf *w)
{
	return usctp_build_init(w, USCTP_CHUNK_INIT, 1, 2, 3, 4, 5, "\xc0\x00\x00\x04", 4);
}
static int b_sack(struct usctp_wbuf *w)
{
	return usctp_build_sack(w, 1, 2, gaps, 2, dups, 3);
}
static int b_hb(struct usctp_wbuf *w)
{
	return usctp_build_heartbeat(w, USCTP_CHUNK_HEARTBEAT, "info", 5);
}
static int b_abort(struct usctp_wbuf *w)
{
	return usctp_build_abort(w, true, "\x00\x0c\x00\x05x", 5);
}
static int b_error(struct usctp_wbuf *w)
{
	return usctp_build_error(w, "\x00\x0a\x00\x04", 4);
}
static int b_shutdown(struct usctp_wbuf *w)
{
	return usctp_build_shutdown(w, 9);
}
static int b_shutdown_ack(struct usctp_wbuf *w)
{
	return usctp_build_shutdown_ack(w);
}
static int b_shutdown_complete(struct usctp_wbuf *w)
{
	return usctp_build_shutdown_complete(w, false);
}
static int b_cookie_echo(struct usctp_wbuf *w)
{
	return usctp_build_cookie_echo(w, "cookie", 6);
}
static int b_cookie_ack(struct usctp_wbuf *w)
{
	return usctp_build_cookie_ack(w);
}
static int b_fwd_tsn(struct usctp_wbuf *w)
{
	return usctp_build_fwd_tsn(w, 7, sids, ssns, 2);
}
static int b_pad(struct usctp_wbuf *w)
{
	return usctp_build_pad(w, 11);
}
static int b_param(struct usctp_wbuf *w)
{
	return usctp_build_param(w, USCTP_PARAM_STATE_COOKIE, "abc", 3);
}
static int b_param_ip(struct usctp_wbuf *w)
{
	return usctp_build_param_ipaddr(w, &v6);
}
static int b_param_cp(struct usctp_wbuf *w)
{
	return usctp_build_param_cookie_preservative(w, 1);
}
static int b_param_sat(struct usctp_wbuf *w)
{
	return usctp_build_param_supported_addr_types(w, true, false);
}
static int b_param_ext(struct usctp_wbuf *w)
{
	return usctp_build_param_supported_ext(w, (const uint8_t *)"\xc0", 1);
}
static int b_param_u32(struct usctp_wbuf *w)
{
	return usctp_build_param_u32(w, USCTP_PARAM_ADAPTATION_LAYER, 1);
}
static int b_param_unrec(struct usctp_wbuf *w)
{
	return usctp_build_param_unrecognized(w, tlv_a, 5);
}
static int b_cause(struct usctp_wbuf *w)
{
	return usctp_build_cause(w, 0x99, "q", 1);
}
static int b_c_stream(struct usctp_wbuf *w)
{
	return usctp_build_cause_invalid_stream(w, 1);
}
static int b_c_missing(struct usctp_wbuf *w)
{
	return usctp_build_cause_missing_params(w, ptypes, 3);
}
static int b_c_stale(struct usctp_wbuf *w)
{
	return usctp_build_cause_stale_cookie(w, 1);
}
static int b_c_oor(struct usctp_wbuf *w)
{
	return usctp_build_cause_out_of_resource(w);
}
static int b_c_unres(struct usctp_wbuf *w)
{
	return usctp_build_cause_unresolvable_addr(w, tlv_a, 5);
}
static int b_c_unchunk(struct usctp_wbuf *w)
{
	return usctp_build_cause_unrecognized_chunk(w, tlv_a, 5);
}
static int b_c_imp(struct usctp_wbuf *w)
{
	return usctp_build_cause_invalid_mandatory_param(w);
}
static int b_c_unparams(struct usctp_wbuf *w)
{
	return usctp_build_cause_unrecognized_params(w, tlvs, tlv_lens, 2);
}
static int b_c_nud(struct usctp_wbuf *w)
{
	return usctp_build_cause_no_user_data(w, 1);
}
static int b_c_cws(struct usctp_wbuf *w)
{
	return usctp_build_cause_cookie_while_shutdown(w);
}
static int b_c_restart(struct usctp_wbuf *w)
{
	return usctp_build_cause_restart_new_addrs(w, addrs, 2);
}
static int b_c_user(struct usctp_wbuf *w)
{
	return usctp_build_cause_user_abort(w, "why", 3);
}
static int b_c_pv(struct usctp_wbuf *w)
{
	return usctp_build_cause_protocol_violation(w, "bad!!", 5);
}

static const struct {
	const char *name;
	int (*build)(struct usctp_wbuf *);
} builders[] = {
    {"hdr", b_hdr},
    {"chunk", b_chunk},
    {"data", b_data},
    {"init", b_init},
    {"sack", b_sack},
    {"heartbeat", b_hb},
    {"abort", b_abort},
    {"error", b_error},
    {"shutdown", b_shutdown},
    {"shutdown_ack", b_shutdown_ack},
    {"shutdown_complete", b_shutdown_complete},
    {"cookie_echo", b_cookie_echo},
    {"cookie_ack", b_cookie_ack},
    {"fwd_tsn", b_fwd_tsn},
    {"pad", b_pad},
    {"param", b_param},
    {"param_ipaddr", b_param_ip},
    {"param_cookie_preservative", b_param_cp},
    {"param_supported_addr_types", b_param_sat},
    {"param_supported_ext", b_param_ext},
    {"param_u32", b_param_u32},
    {"param_unrecognized", b_param_unrec},
    {"cause", b_cause},
    {"cause_invalid_stream", b_c_stream},
    {"cause_missing_params", b_c_missing},
    {"cause_stale_cookie", b_c_stale},
    {"cause_out_of_resource", b_c_oor},
    {"cause_unresolvable_addr", b_c_unres},
    {"cause_unrecognized_chunk", b_c_unchunk},
    {"cause_invalid_mandatory_param", b_c_imp},
    {"cause_unrecognized_params", b_c_unparams},
    {"cause_no_user_data", b_c_nud},
    {"cause_cookie_while_shutdown", b_c_cws},
    {"cause_restart_new_addrs", b_c_restart},
    {"cause_user_abort", b_c_user},
    {"cause_protocol_violation", b_c_pv},
};

#define SENTINEL 0xa5
#define AREA 256

/* Run one builder at offset `pre` (bytes already in the wbuf) for every capacity. */
static void check_builder(size_t i, size_t pre)
{
	uint8_t ref[AREA], buf[AREA];
	struct usctp_wbuf w;
	size_t need, cap, k;

	memset(ref, SENTINEL, sizeof(ref));
	usctp_wbuf_init(&w, ref, sizeof(ref));
	w.len = pre;
	assert_int_equal(builders[i].build(&w), 0);
	need = w.len - pre;
	assert_true(need > 0 && need % 4 == 0);

	for (cap = 0; cap < pre + need; cap++) {
		memset(buf, SENTINEL, sizeof(buf));
		usctp_wbuf_init(&w, buf, cap);
		w.len = pre < cap ? pre : cap;
		if (pre > cap)
			continue;
		if (builders[i].build(&w) != USCTP_ERR_NOBUF) {
			print_error("%s: cap %zu pre %zu did not give NOBUF\n", builders[i].name, cap, pre);
			fail();
		}
		assert_int_equal(w.len, pre);
		for (k = 0; k < sizeof(buf); k++)
			assert_int_equal(buf[k], SENTINEL);
	}
	memset(buf, SENTINEL, sizeof(buf));
	usctp_wbuf_init(&w, buf, pre + need);
	w.len = pre;
	assert_int_equal(builders[i].build(&w), 0);
	assert_int_equal(w.len, pre + need);
	assert_memory_equal(buf, ref, pre + need);
	for (k = pre + need; k < sizeof(buf); k++)
		assert_int_equal(buf[k], SENTINEL);
}

static void every_builder_gives_nobuf_below_its_size_and_writes_nothing(void **state)
{
	for (size_t i = 0; i < sizeof(builders) / sizeof(builders[0]); i++) {
		check_builder(i, 0);
		check_builder(i, 12);
	}
}

static void a_full_or_corrupt_wbuf_is_refused(void **state)
{
	uint8_t buf[64];
	struct usctp_wbuf w;

	for (size_t i = 0; i < sizeof(builders) / sizeof(builders[0]); i++) {
		usctp_wbuf_init(&w, buf, sizeof(buf));
		w.len = sizeof(buf);
		assert_int_equal(builders[i].build(&w), USCTP_ERR_NOBUF);
		assert_int_equal(w.len, sizeof(buf));
		/* len beyond cap must not wrap the room computation */
		w.len = sizeof(buf) + 4;
		assert_int_equal(builders[i].build(&w), USCTP_ERR_NOBUF);
	}
}

static void lengths_beyond_16_bits_are_invalid(void **state)
{
	static uint8_t big[70000], src[66000];
	struct usctp_wbuf w;
	uint16_t zs[20000] = {0};

	usctp_wbuf_init(&w, big, sizeof(big));
	assert_int_equal(usctp_build_chunk(&w, 0xee, 0, src, 65532), USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_chunk(&w, 0xee, 0, src, 65531), 0);
	assert_int_equal(w.len, 65532 + 4);
	usctp_wbuf_init(&w, big, sizeof(big));
	assert_int_equal(usctp_build_data(&w, 0, 0, 0, 0, 0, src, 65520), USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_heartbeat(&w, USCTP_CHUNK_HEARTBEAT, src, 65528), USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_sack(&w, 0, 0, NULL, 0, (const uint32_t *)(const void *)src, 16380),
			 USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_fwd_tsn(&w, 0, zs, zs, 16382), USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_cause_missing_params(&w, zs, 32764), USCTP_ERR_INVALID);
	assert_int_equal(usctp_build_pad(&w, 65536), USCTP_ERR_INVALID);
	assert_int_equal(w.len, 0);
}

/* RFC 9260 3.2: the chunk length includes the padding of every parameter but the last. */
static void chunk_length_excludes_only_the_last_parameters_padding(void **state)
{
	(void)state;
	uint8_t pbuf[64], cbuf[128];
	struct usctp_wbuf p, c;
	const uint8_t ext[] = {USCTP_CHUNK_FORWARD_TSN}; /* Supported Extensions: length 5 */
	usctp_wbuf_init(&p, pbuf, sizeof pbuf);
	assert_int_equal(usctp_build_param_cookie_preservative(&p, 1000), 0); /* 8 bytes */
	assert_int_equal(usctp_build_param_supported_ext(&p, ext, 1), 0);     /* 5 + 3 padding */
	assert_int_equal(p.len, 16);

	usctp_wbuf_init(&c, cbuf, sizeof cbuf);
	assert_int_equal(usctp_build_init(&c, USCTP_CHUNK_INIT_ACK, 1, 2, 3, 4, 5, pbuf, p.len), 0);
	assert_int_equal(usctp_get16(cbuf + 2), 20 + 8 + 5); /* not 20 + 16 */
	assert_int_equal(c.len, 36);                          /* but padded on the wire */
	assert_int_equal(cbuf[33] | cbuf[34] | cbuf[35], 0);

	/* The same for ABORT / ERROR causes: a cause of odd length last. */
	struct usctp_wbuf k;
	uint8_t kbuf[64];
	usctp_wbuf_init(&k, kbuf, sizeof kbuf);
	assert_int_equal(usctp_build_cause_invalid_stream(&k, 7), 0);    /* 8 bytes */
	assert_int_equal(usctp_build_cause(&k, USCTP_CAUSE_USER_ABORT, "bye", 3), 0); /* 7 + 1 */
	usctp_wbuf_init(&c, cbuf, sizeof cbuf);
	assert_int_equal(usctp_build_abort(&c, false, kbuf, k.len), 0);
	assert_int_equal(usctp_get16(cbuf + 2), 4 + 8 + 7);
	assert_int_equal(c.len, 20);
	usctp_wbuf_init(&c, cbuf, sizeof cbuf);
	assert_int_equal(usctp_build_error(&c, kbuf, k.len), 0);
	assert_int_equal(usctp_get16(cbuf + 2), 4 + 8 + 7);

	/* The parsers accept what the builders make, last parameter unpadded. */
	struct usctp_chunk_iter it;
	struct usctp_chunk ch;
	uint8_t pkt[128] = {0};
	usctp_wbuf_init(&c, pkt, sizeof pkt);
	assert_int_equal(usctp_build_hdr(&c, 1, 2, 3), 0);
	assert_int_equal(usctp_build_init(&c, USCTP_CHUNK_INIT_ACK, 1, 2, 3, 4, 5, pbuf, p.len), 0);
	usctp_chunk_iter_init(&it, pkt, c.len);
	assert_int_equal(usctp_chunk_next(&it, &ch), 1);
	struct usctp_init_chunk ic;
	struct usctp_init_params ip;
	assert_int_equal(usctp_init_parse(&ch, &ic), 0);
	assert_int_equal(usctp_init_params_parse(ic.params, ic.params_len, &ip), 0);
	assert_true(ip.forward_tsn || usctp_init_params_has_ext(&ip, USCTP_CHUNK_FORWARD_TSN));
	assert_int_equal(ip.cookie_preservative_ms, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_builder_gives_nobuf_below_its_size_and_writes_nothing),
	    cmocka_unit_test(a_full_or_corrupt_wbuf_is_refused),
	    cmocka_unit_test(lengths_beyond_16_bits_are_invalid),
	    cmocka_unit_test(chunk_length_excludes_only_the_last_parameters_padding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
