/*
 * libFuzzer target: the whole wire parser over one arbitrary SCTP packet.
 *
 * Beyond "did not crash", it is a round-trip oracle: every chunk a typed
 * parser accepts is rebuilt with the matching builder into a bounded buffer,
 * re-parsed, and must give the same fields (__builtin_trap() otherwise). The
 * packet itself, when it validates, is rebuilt chunk by chunk and must
 * checksum, validate and iterate to the same chunks. Builders are also
 * checked to write nothing when one byte short of room.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/wire.h"

#define CHECK(c)                                                                                             \
	do {                                                                                                 \
		if (!(c))                                                                                    \
			__builtin_trap();                                                                    \
	} while (0)

/*
 * A rebuilt TLV list equals the parsed one but for the last TLV's padding:
 * RFC 9260 3.2 counts every parameter's padding in the chunk length except
 * the last one's, and our builders write it that way, while input may have
 * counted it.
 */
static int same_but_last_padding(const uint8_t *in, size_t in_len, const uint8_t *out, size_t out_len)
{
	return out_len <= in_len && in_len - out_len < 4 && memcmp(in, out, out_len) == 0;
}

#define MAX_INPUT 65536
/* Room for a header and the largest chunk (16-bit length, padded). */
#define OUT_CAP (USCTP_COMMON_HDR_LEN + 65536 + 64)

static uint8_t out[OUT_CAP];
static uint8_t pbuf[OUT_CAP];
static struct usctp_gap_block gaps[16384];
static uint32_t dups[16384];
static uint16_t sids[16384], ssns[16384], u16s[32768];

/* A chunk view must describe bytes inside [base, base + len). */
static void check_view(const struct usctp_chunk *c, const uint8_t *base, size_t len)
{
	CHECK(c->raw >= base && c->raw + USCTP_CHUNK_HDR_LEN <= base + len);
	CHECK(c->value == c->raw + USCTP_CHUNK_HDR_LEN);
	CHECK(c->value + c->value_len <= base + len);
	CHECK(c->length == c->value_len + USCTP_CHUNK_HDR_LEN);
	CHECK(c->type == c->raw[0] && c->flags == c->raw[1] && usctp_get16(c->raw + 2) == c->length);
	CHECK(c->length >= usctp_chunk_min_len(c->type));
	CHECK(usctp_chunk_type_name(c->type) != NULL);
}

static void check_tlv_view(const struct usctp_tlv *t, const uint8_t *base, size_t len)
{
	CHECK(t->raw >= base && t->raw + USCTP_PARAM_HDR_LEN <= base + len);
	CHECK(t->value == t->raw + 4 && t->value + t->value_len <= base + len);
	CHECK(t->length == t->value_len + 4 && usctp_get16(t->raw) == t->type);
}

/* Start a rebuilt packet in out[]. */
static void begin(struct usctp_wbuf *w)
{
	usctp_wbuf_init(w, out, sizeof out);
	CHECK(usctp_build_hdr(w, 5000, 5001, 0x01020304) == 0);
	CHECK(w->len == USCTP_COMMON_HDR_LEN);
}

/* The rebuilt packet in out[] must hold exactly one chunk: return it. */
static struct usctp_chunk reparse_one(const struct usctp_wbuf *w)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c, extra;
	CHECK(w->len % 4 == 0);
	usctp_chunk_iter_init(&it, w->buf, w->len);
	CHECK(usctp_chunk_next(&it, &c) == 1);
	check_view(&c, w->buf, w->len);
	CHECK(usctp_chunk_next(&it, &extra) == 0);
	CHECK(usctp_pkt_validate(w->buf, w->len) == 1);
	return c;
}

static void round_trip_data(const struct usctp_chunk *c)
{
	struct usctp_data_chunk d, d2;
	struct usctp_wbuf w;
	if (usctp_data_parse(c, &d) != 0)
		return;
	CHECK(d.payload == c->value + 12 && d.payload_len == c->value_len - 12 && d.payload_len > 0);
	begin(&w);
	CHECK(usctp_build_data(&w, d.flags, d.tsn, d.sid, d.ssn, d.ppid, d.payload, d.payload_len) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == USCTP_CHUNK_DATA);
	CHECK(usctp_data_parse(&r, &d2) == 0);
	CHECK(d2.flags == d.flags && d2.tsn == d.tsn && d2.sid == d.sid && d2.ssn == d.ssn &&
	      d2.ppid == d.ppid);
	CHECK(d2.payload_len == d.payload_len && memcmp(d2.payload, d.payload, d.payload_len) == 0);
}

static bool same_init_params(const struct usctp_init_params *a, const struct usctp_init_params *b)
{
	if (a->num_addrs != b->num_addrs)
		return false;
	for (unsigned i = 0; i < a->num_addrs; i++) {
		if (a->addrs[i].family != b->addrs[i].family)
			return false;
		if (memcmp(a->addrs[i].bytes, b->addrs[i].bytes, a->addrs[i].family == 4 ? 4 : 16) != 0)
			return false;
	}
	if ((a->cookie == NULL) != (b->cookie == NULL) || a->cookie_len != b->cookie_len ||
	    (a->cookie && memcmp(a->cookie, b->cookie, a->cookie_len) != 0))
		return false;
	if (a->cookie_preservative_ms != b->cookie_preservative_ms)
		return false;
	if (a->has_host_name != b->has_host_name ||
	    (a->has_host_name && (a->host_name_len != b->host_name_len ||
				  memcmp(a->host_name, b->host_name, a->host_name_len) != 0)))
		return false;
	if (a->supports_ipv4 != b->supports_ipv4 || a->supports_ipv6 != b->supports_ipv6)
		return false;
	if (a->ecn_capable != b->ecn_capable || a->forward_tsn != b->forward_tsn)
		return false;
	if ((a->extensions == NULL) != (b->extensions == NULL) || a->num_extensions != b->num_extensions ||
	    (a->extensions && memcmp(a->extensions, b->extensions, a->num_extensions) != 0))
		return false;
	if (a->has_adaptation != b->has_adaptation || a->adaptation_ind != b->adaptation_ind)
		return false;
	if (a->zero_checksum != b->zero_checksum || a->zero_checksum_edmid != b->zero_checksum_edmid)
		return false;
	return true;
}

/* Encode the digest back into parameters (what the builders can express). */
static void build_params(struct usctp_wbuf *pw, const struct usctp_init_params *ip)
{
	for (unsigned i = 0; i < ip->num_addrs; i++)
		CHECK(usctp_build_param_ipaddr(pw, &ip->addrs[i]) == 0);
	if (ip->cookie)
		CHECK(usctp_build_param(pw, USCTP_PARAM_STATE_COOKIE, ip->cookie, ip->cookie_len) == 0);
	if (ip->cookie_preservative_ms)
		CHECK(usctp_build_param_cookie_preservative(pw, ip->cookie_preservative_ms) == 0);
	if (ip->has_host_name)
		CHECK(usctp_build_param(pw, USCTP_PARAM_HOST_NAME, ip->host_name, ip->host_name_len) == 0);
	if (ip->supports_ipv4 || ip->supports_ipv6)
		CHECK(usctp_build_param_supported_addr_types(pw, ip->supports_ipv4, ip->supports_ipv6) == 0);
	if (ip->ecn_capable)
		CHECK(usctp_build_param(pw, USCTP_PARAM_ECN_CAPABLE, NULL, 0) == 0);
	if (ip->forward_tsn)
		CHECK(usctp_build_param(pw, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0) == 0);
	if (ip->extensions)
		CHECK(usctp_build_param_supported_ext(pw, ip->extensions, ip->num_extensions) == 0);
	if (ip->has_adaptation)
		CHECK(usctp_build_param_u32(pw, USCTP_PARAM_ADAPTATION_LAYER, ip->adaptation_ind) == 0);
	if (ip->zero_checksum)
		CHECK(usctp_build_param_u32(pw, USCTP_PARAM_ZERO_CHECKSUM, ip->zero_checksum_edmid) == 0);
}

/* The reportable unknown parameters: inside the area, and wrappable. */
static void check_unrecognized(const struct usctp_init_params *ip, const uint8_t *params, size_t len)
{
	CHECK(ip->num_unrecognized <= USCTP_MAX_UNRECOGNIZED);
	for (unsigned i = 0; i < ip->num_unrecognized; i++) {
		const uint8_t *t = ip->unrecognized[i];
		uint16_t tl = ip->unrecognized_len[i];
		CHECK(t >= params && tl >= 4 && t + tl <= params + len && usctp_get16(t + 2) == tl);
		uint16_t type = usctp_get16(t);
		CHECK(!usctp_param_type_known(type) && (usctp_param_unknown_action(type) & 1));
		struct usctp_wbuf pw;
		usctp_wbuf_init(&pw, pbuf, sizeof pbuf);
		CHECK(usctp_build_param_unrecognized(&pw, t, tl) == 0);
		struct usctp_tlv_iter it;
		struct usctp_tlv v;
		usctp_tlv_iter_init(&it, pw.buf, pw.len);
		CHECK(usctp_tlv_next(&it, &v) == 1);
		CHECK(v.type == USCTP_PARAM_UNRECOGNIZED && v.value_len == tl && memcmp(v.value, t, tl) == 0);
		CHECK(usctp_tlv_next(&it, &v) == 0);
	}
	if (ip->num_unrecognized == 0)
		return;
	/* All of them in one Unrecognized Parameters cause: they come back in order. */
	struct usctp_wbuf cw;
	usctp_wbuf_init(&cw, pbuf, sizeof pbuf);
	int rc = usctp_build_cause_unrecognized_params(&cw, ip->unrecognized, ip->unrecognized_len,
						       ip->num_unrecognized);
	if (rc == USCTP_ERR_INVALID)
		return; /* the sum exceeds one TLV's 16-bit length */
	CHECK(rc == 0);
	CHECK(usctp_causes_validate(cw.buf, cw.len) == 0);
	struct usctp_tlv_iter it, inner;
	struct usctp_tlv cause, p;
	usctp_tlv_iter_init(&it, cw.buf, cw.len);
	CHECK(usctp_tlv_next(&it, &cause) == 1 && cause.type == USCTP_CAUSE_UNRECOGNIZED_PARAMS);
	usctp_tlv_iter_init(&inner, cause.value, cause.value_len);
	for (unsigned i = 0; i < ip->num_unrecognized; i++) {
		CHECK(usctp_tlv_next(&inner, &p) == 1);
		CHECK(p.length == ip->unrecognized_len[i] &&
		      memcmp(p.raw, ip->unrecognized[i], p.length) == 0);
	}
	CHECK(usctp_tlv_next(&inner, &p) == 0);
}

static void round_trip_init(const struct usctp_chunk *c)
{
	struct usctp_init_chunk ic, ic2;
	struct usctp_wbuf w, pw;
	if (usctp_init_parse(c, &ic) != 0)
		return;
	CHECK(ic.params == c->value + 16 && ic.params_len == c->value_len - 16);
	begin(&w);
	CHECK(usctp_build_init(&w, c->type, ic.init_tag, ic.a_rwnd, ic.num_ostreams, ic.num_istreams,
			       ic.initial_tsn, ic.params, ic.params_len) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == c->type && usctp_init_parse(&r, &ic2) == 0);
	CHECK(ic2.init_tag == ic.init_tag && ic2.a_rwnd == ic.a_rwnd && ic2.num_ostreams == ic.num_ostreams &&
	      ic2.num_istreams == ic.num_istreams && ic2.initial_tsn == ic.initial_tsn);
	CHECK(same_but_last_padding(ic.params, ic.params_len, ic2.params, ic2.params_len));

	static struct usctp_init_params ip, ip2;
	if (usctp_init_params_parse(ic.params, ic.params_len, &ip) != 0)
		return;
	CHECK(ip.num_addrs <= USCTP_MAX_ADDR_PARAMS && (ip.num_extensions == 0 || ip.extensions));
	for (unsigned i = 0; i < ip.num_addrs; i++)
		CHECK(ip.addrs[i].family == 4 || ip.addrs[i].family == 6);
	if (ip.cookie)
		CHECK(ip.cookie >= ic.params && ip.cookie + ip.cookie_len <= ic.params + ic.params_len);
	if (ip.extensions)
		CHECK(ip.extensions >= ic.params &&
		      ip.extensions + ip.num_extensions <= ic.params + ic.params_len);
	for (unsigned t = 0; t < 256; t++)
		(void)usctp_init_params_has_ext(&ip, (uint8_t)t);
	check_unrecognized(&ip, ic.params, ic.params_len);

	usctp_wbuf_init(&pw, pbuf, sizeof pbuf);
	build_params(&pw, &ip);
	begin(&w);
	CHECK(usctp_build_init(&w, c->type, ic.init_tag, ic.a_rwnd, ic.num_ostreams, ic.num_istreams,
			       ic.initial_tsn, pw.buf, pw.len) == 0);
	r = reparse_one(&w);
	CHECK(usctp_init_parse(&r, &ic2) == 0);
	CHECK(usctp_init_params_parse(ic2.params, ic2.params_len, &ip2) == 0);
	CHECK(!ip2.stop && ip2.num_unrecognized == 0);
	CHECK(same_init_params(&ip, &ip2));
}

static void round_trip_sack(const struct usctp_chunk *c)
{
	struct usctp_sack_chunk s, s2;
	struct usctp_wbuf w;
	if (usctp_sack_parse(c, &s) != 0)
		return;
	CHECK(16 + 4 * ((size_t)s.num_gaps + s.num_dups) <= c->length);
	CHECK(s.gaps >= c->value && s.dups + 4 * (size_t)s.num_dups <= c->value + c->value_len);
	for (unsigned i = 0; i < s.num_gaps; i++)
		gaps[i] = usctp_sack_gap(&s, i);
	for (unsigned i = 0; i < s.num_dups; i++)
		dups[i] = usctp_sack_dup(&s, i);
	begin(&w);
	CHECK(usctp_build_sack(&w, s.cum_tsn, s.a_rwnd, gaps, s.num_gaps, dups, s.num_dups) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == USCTP_CHUNK_SACK && usctp_sack_parse(&r, &s2) == 0);
	CHECK(s2.cum_tsn == s.cum_tsn && s2.a_rwnd == s.a_rwnd && s2.num_gaps == s.num_gaps &&
	      s2.num_dups == s.num_dups);
	for (unsigned i = 0; i < s.num_gaps; i++) {
		struct usctp_gap_block g = usctp_sack_gap(&s2, i);
		CHECK(g.start == gaps[i].start && g.end == gaps[i].end);
	}
	for (unsigned i = 0; i < s.num_dups; i++)
		CHECK(usctp_sack_dup(&s2, i) == dups[i]);
}

static void round_trip_heartbeat(const struct usctp_chunk *c)
{
	struct usctp_heartbeat_chunk hb, hb2;
	struct usctp_wbuf w;
	if (usctp_heartbeat_parse(c, &hb) != 0)
		return;
	CHECK(hb.info >= c->value && hb.info + hb.info_len <= c->value + c->value_len);
	begin(&w);
	CHECK(usctp_build_heartbeat(&w, c->type, hb.info, hb.info_len) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == c->type && usctp_heartbeat_parse(&r, &hb2) == 0);
	CHECK(hb2.info_len == hb.info_len && memcmp(hb2.info, hb.info, hb.info_len) == 0);
}

static void round_trip_shutdown(const struct usctp_chunk *c)
{
	uint32_t cum, cum2;
	struct usctp_wbuf w;
	if (usctp_shutdown_parse(c, &cum) != 0)
		return;
	begin(&w);
	CHECK(usctp_build_shutdown(&w, cum) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == USCTP_CHUNK_SHUTDOWN && usctp_shutdown_parse(&r, &cum2) == 0 && cum2 == cum);
}

static void round_trip_cookie_echo(const struct usctp_chunk *c)
{
	const uint8_t *ck, *ck2;
	size_t n, n2;
	struct usctp_wbuf w;
	if (usctp_cookie_echo_parse(c, &ck, &n) != 0)
		return;
	CHECK(ck >= c->value && ck + n <= c->value + c->value_len && n > 0);
	begin(&w);
	CHECK(usctp_build_cookie_echo(&w, ck, n) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == USCTP_CHUNK_COOKIE_ECHO && usctp_cookie_echo_parse(&r, &ck2, &n2) == 0);
	CHECK(n2 == n && memcmp(ck2, ck, n) == 0);
}

static void round_trip_fwd_tsn(const struct usctp_chunk *c)
{
	struct usctp_fwd_tsn_chunk f, f2;
	struct usctp_wbuf w;
	if (usctp_fwd_tsn_parse(c, &f) != 0)
		return;
	CHECK(f.num_streams <= 16384 && 8 + 4 * (size_t)f.num_streams <= c->length);
	for (unsigned i = 0; i < f.num_streams; i++)
		usctp_fwd_tsn_stream(&f, i, &sids[i], &ssns[i]);
	begin(&w);
	CHECK(usctp_build_fwd_tsn(&w, f.new_cum_tsn, sids, ssns, f.num_streams) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == USCTP_CHUNK_FORWARD_TSN && usctp_fwd_tsn_parse(&r, &f2) == 0);
	CHECK(f2.new_cum_tsn == f.new_cum_tsn && f2.num_streams == f.num_streams);
	for (unsigned i = 0; i < f.num_streams; i++) {
		uint16_t sid, ssn;
		usctp_fwd_tsn_stream(&f2, i, &sid, &ssn);
		CHECK(sid == sids[i] && ssn == ssns[i]);
	}
}

/* The one cause TLV in pbuf[0..len). */
static struct usctp_tlv one_cause(const struct usctp_wbuf *cw)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t, extra;
	usctp_tlv_iter_init(&it, cw->buf, cw->len);
	CHECK(usctp_tlv_next(&it, &t) == 1);
	CHECK(usctp_tlv_next(&it, &extra) == 0);
	return t;
}

static void round_trip_cause(const struct usctp_tlv *t)
{
	struct usctp_wbuf cw;
	usctp_wbuf_init(&cw, pbuf, sizeof pbuf);
	switch (t->type) {
	case USCTP_CAUSE_INVALID_STREAM: {
		uint16_t sid, sid2;
		if (usctp_cause_invalid_stream(t, &sid) != 0)
			return;
		CHECK(usctp_build_cause_invalid_stream(&cw, sid) == 0);
		struct usctp_tlv r = one_cause(&cw);
		CHECK(usctp_cause_invalid_stream(&r, &sid2) == 0 && sid2 == sid);
		break;
	}
	case USCTP_CAUSE_STALE_COOKIE: {
		uint32_t us, us2;
		if (usctp_cause_stale_cookie(t, &us) != 0)
			return;
		CHECK(usctp_build_cause_stale_cookie(&cw, us) == 0);
		struct usctp_tlv r = one_cause(&cw);
		CHECK(usctp_cause_stale_cookie(&r, &us2) == 0 && us2 == us);
		break;
	}
	case USCTP_CAUSE_NO_USER_DATA: {
		uint32_t tsn, tsn2;
		if (usctp_cause_no_user_data(t, &tsn) != 0)
			return;
		CHECK(usctp_build_cause_no_user_data(&cw, tsn) == 0);
		struct usctp_tlv r = one_cause(&cw);
		CHECK(usctp_cause_no_user_data(&r, &tsn2) == 0 && tsn2 == tsn);
		break;
	}
	case USCTP_CAUSE_MISSING_PARAM: {
		unsigned n, n2;
		const uint8_t *types, *types2;
		if (usctp_cause_missing_params(t, &n, &types) != 0)
			return;
		CHECK(types >= t->value && types + 2 * (size_t)n <= t->value + t->value_len);
		CHECK(n <= sizeof u16s / sizeof u16s[0]);
		for (unsigned i = 0; i < n; i++)
			u16s[i] = usctp_get16(types + 2 * i);
		CHECK(usctp_build_cause_missing_params(&cw, u16s, n) == 0);
		struct usctp_tlv r = one_cause(&cw);
		CHECK(usctp_cause_missing_params(&r, &n2, &types2) == 0 && n2 == n);
		CHECK(memcmp(types2, types, 2 * (size_t)n) == 0);
		break;
	}
	default: {
		/* Opaque info: the generic cause builder must give it back. */
		CHECK(usctp_build_cause(&cw, t->type, t->value, t->value_len) == 0);
		struct usctp_tlv r = one_cause(&cw);
		CHECK(r.type == t->type && r.value_len == t->value_len &&
		      memcmp(r.value, t->value, t->value_len) == 0);
		break;
	}
	}
}

static void round_trip_causes(const struct usctp_chunk *c)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t;
	struct usctp_wbuf w;
	int valid = usctp_causes_validate(c->value, c->value_len);
	int rc;
	usctp_tlv_iter_init(&it, c->value, c->value_len);
	/* Each TLV consumes at least 4 bytes: the bound is never reached. */
	for (size_t n = 0; n <= c->value_len / 4; n++) {
		rc = usctp_tlv_next(&it, &t);
		if (rc <= 0)
			break;
		check_tlv_view(&t, c->value, c->value_len);
		round_trip_cause(&t);
	}
	if (valid != 0)
		return;
	begin(&w);
	if (c->type == USCTP_CHUNK_ABORT)
		CHECK(usctp_build_abort(&w, c->flags & USCTP_FLAG_T, c->value, c->value_len) == 0);
	else
		CHECK(usctp_build_error(&w, c->value, c->value_len) == 0);
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == c->type &&
	      (r.flags & USCTP_FLAG_T) == (c->type == USCTP_CHUNK_ABORT ? c->flags & USCTP_FLAG_T : 0));
	CHECK(same_but_last_padding(c->value, c->value_len, r.value, r.value_len));
	CHECK(usctp_causes_validate(r.value, r.value_len) == 0);
}

/* Chunks without a value: the builders give back the type and the T bit. */
static void round_trip_empty(const struct usctp_chunk *c)
{
	struct usctp_wbuf w;
	begin(&w);
	switch (c->type) {
	case USCTP_CHUNK_SHUTDOWN_ACK:
		CHECK(usctp_build_shutdown_ack(&w) == 0);
		break;
	case USCTP_CHUNK_COOKIE_ACK:
		CHECK(usctp_build_cookie_ack(&w) == 0);
		break;
	case USCTP_CHUNK_SHUTDOWN_COMPLETE:
		CHECK(usctp_build_shutdown_complete(&w, c->flags & USCTP_FLAG_T) == 0);
		break;
	case USCTP_CHUNK_PAD:
		CHECK(usctp_build_pad(&w, c->length) == 0);
		break;
	default:
		return;
	}
	struct usctp_chunk r = reparse_one(&w);
	CHECK(r.type == c->type);
	if (c->type == USCTP_CHUNK_SHUTDOWN_COMPLETE)
		CHECK((r.flags & USCTP_FLAG_T) == (c->flags & USCTP_FLAG_T));
	if (c->type == USCTP_CHUNK_PAD)
		CHECK(r.length == c->length);
	else
		CHECK(r.value_len == 0);
}

static void check_chunk(const struct usctp_chunk *c)
{
	switch (c->type) {
	case USCTP_CHUNK_DATA:
		round_trip_data(c);
		break;
	case USCTP_CHUNK_INIT:
	case USCTP_CHUNK_INIT_ACK:
		round_trip_init(c);
		break;
	case USCTP_CHUNK_SACK:
		round_trip_sack(c);
		break;
	case USCTP_CHUNK_HEARTBEAT:
	case USCTP_CHUNK_HEARTBEAT_ACK:
		round_trip_heartbeat(c);
		break;
	case USCTP_CHUNK_SHUTDOWN:
		round_trip_shutdown(c);
		break;
	case USCTP_CHUNK_COOKIE_ECHO:
		round_trip_cookie_echo(c);
		break;
	case USCTP_CHUNK_FORWARD_TSN:
		round_trip_fwd_tsn(c);
		break;
	case USCTP_CHUNK_ABORT:
	case USCTP_CHUNK_ERROR:
		round_trip_causes(c);
		break;
	default:
		round_trip_empty(c);
		break;
	}
	if (!usctp_chunk_type_known(c->type)) {
		/* What we would report: the whole chunk, in an Unrecognized Chunk Type cause. */
		struct usctp_wbuf cw;
		usctp_wbuf_init(&cw, pbuf, sizeof pbuf);
		CHECK(usctp_build_cause_unrecognized_chunk(&cw, c->raw, c->length) == 0);
		struct usctp_tlv r = one_cause(&cw);
		CHECK(r.type == USCTP_CAUSE_UNRECOGNIZED_CHUNK && r.value_len == c->length &&
		      memcmp(r.value, c->raw, c->length) == 0);
	}
}

/* A builder one byte short of room writes nothing (checked on a generic chunk). */
static void check_bounded_build(const struct usctp_chunk *c)
{
	struct usctp_wbuf w;
	size_t need = USCTP_COMMON_HDR_LEN + usctp_pad4(c->length);
	memset(out, 0xA5, need);
	usctp_wbuf_init(&w, out, need - 1);
	CHECK(usctp_build_hdr(&w, 1, 2, 3) == 0);
	CHECK(usctp_build_chunk(&w, c->type, c->flags, c->value, c->value_len) == USCTP_ERR_NOBUF);
	CHECK(w.len == USCTP_COMMON_HDR_LEN);
	for (size_t i = USCTP_COMMON_HDR_LEN; i < need; i++)
		CHECK(out[i] == 0xA5);
}

/* A valid packet rebuilt chunk by chunk checksums, validates and iterates the same. */
static void round_trip_packet(const uint8_t *data, size_t size, const struct usctp_common_hdr *h, int nchunks)
{
	struct usctp_wbuf w;
	struct usctp_chunk_iter a, b;
	struct usctp_chunk ca, cb;
	usctp_wbuf_init(&w, out, sizeof out);
	CHECK(usctp_build_hdr(&w, h->src_port, h->dst_port, h->vtag) == 0);
	usctp_chunk_iter_init(&a, data, size);
	for (int i = 0; i < nchunks; i++) {
		CHECK(usctp_chunk_next(&a, &ca) == 1);
		CHECK(usctp_build_chunk(&w, ca.type, ca.flags, ca.value, ca.value_len) == 0);
	}
	CHECK(usctp_chunk_next(&a, &ca) == 0);
	CHECK(w.len <= size + 3);
	usctp_build_finish(&w);
	CHECK(usctp_pkt_verify_checksum(w.buf, w.len) == 0);
	CHECK(usctp_pkt_validate(w.buf, w.len) == nchunks);
	struct usctp_common_hdr h2;
	CHECK(usctp_hdr_parse(w.buf, w.len, &h2) == 0);
	CHECK(h2.src_port == h->src_port && h2.dst_port == h->dst_port && h2.vtag == h->vtag);
	usctp_chunk_iter_init(&a, data, size);
	usctp_chunk_iter_init(&b, w.buf, w.len);
	for (int i = 0; i < nchunks; i++) {
		CHECK(usctp_chunk_next(&a, &ca) == 1 && usctp_chunk_next(&b, &cb) == 1);
		CHECK(ca.type == cb.type && ca.flags == cb.flags && ca.length == cb.length);
		CHECK(memcmp(ca.value, cb.value, ca.value_len) == 0);
	}
	CHECK(usctp_chunk_next(&b, &cb) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usctp_common_hdr h;
	if (size > MAX_INPUT)
		return 0;
	int hrc = usctp_hdr_parse(data, size, &h);
	int crc = usctp_pkt_verify_checksum(data, size);
	int nchunks = usctp_pkt_validate(data, size);
	if (hrc != 0) {
		CHECK(size < USCTP_COMMON_HDR_LEN && nchunks < 0);
		return 0;
	}
	CHECK(crc == 0 || crc == USCTP_ERR_BAD_CHECKSUM);

	/* Setting the checksum makes it verify; on a verified packet it changes nothing. */
	memcpy(out, data, size);
	usctp_pkt_set_checksum(out, size);
	CHECK(usctp_pkt_verify_checksum(out, size) == 0);
	if (crc == 0)
		CHECK(memcmp(out, data, size) == 0);

	/* Every chunk the iterator yields, valid packet or not. */
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	int rc = 0, n = 0;
	usctp_chunk_iter_init(&it, data, size);
	for (size_t guard = 0; guard <= size / 4; guard++) {
		rc = usctp_chunk_next(&it, &c);
		if (rc <= 0)
			break;
		n++;
		check_view(&c, data, size);
		check_chunk(&c);
		check_bounded_build(&c);
	}
	CHECK(rc <= 0); /* the guard is never what stops the loop */
	if (nchunks >= 0) {
		CHECK(rc == 0 && n == nchunks);
		round_trip_packet(data, size, &h, nchunks);
	}
	return 0;
}
