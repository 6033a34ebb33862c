/*
 * Error causes of RFC 9260 3.3.10, as carried in ABORT and ERROR chunks:
 * validation, decoders of the fixed-layout ones, and builders.
 */
#include "wbuf.h"

/*
 * Check one cause's info length against its code's layout. Returns 0,
 * BAD_LENGTH (too short / long for a fixed layout) or MISALIGNED (a count
 * that does not match the length).
 */
static int cause_check(const struct usctp_tlv *t)
{
	size_t n = t->value_len;

	switch (t->type) {
	case USCTP_CAUSE_INVALID_STREAM: /* stream id + reserved */
	case USCTP_CAUSE_STALE_COOKIE:	 /* measure of staleness */
	case USCTP_CAUSE_NO_USER_DATA:	 /* TSN */
		return n == 4 ? 0 : USCTP_ERR_BAD_LENGTH;
	case USCTP_CAUSE_MISSING_PARAM:
		if (n < 4)
			return USCTP_ERR_BAD_LENGTH;
		/* Divide rather than multiply: a 32-bit count must not wrap. */
		return (n - 4) % 2 == 0 && (n - 4) / 2 == usctp_get32(t->value) ? 0 : USCTP_ERR_MISALIGNED;
	case USCTP_CAUSE_OUT_OF_RESOURCE:
	case USCTP_CAUSE_INVALID_MANDATORY_PARAM:
	case USCTP_CAUSE_COOKIE_WHILE_SHUTDOWN:
		return n == 0 ? 0 : USCTP_ERR_BAD_LENGTH;
	case USCTP_CAUSE_UNRESOLVABLE_ADDR:   /* an address parameter TLV */
	case USCTP_CAUSE_UNRECOGNIZED_PARAMS: /* one or more parameter TLVs */
	case USCTP_CAUSE_UNRECOGNIZED_CHUNK:  /* a chunk, header at least */
		return n >= 4 ? 0 : USCTP_ERR_BAD_LENGTH;
	default:
		/* Restart With New Addresses, User-Initiated Abort, Protocol
		 * Violation and unknown codes: any length. */
		return 0;
	}
}

int usctp_causes_validate(const uint8_t *causes, size_t len)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t;
	int rc;

	usctp_tlv_iter_init(&it, causes, len);
	while ((rc = usctp_tlv_next(&it, &t)) > 0) {
		rc = cause_check(&t);
		if (rc < 0)
			return rc;
	}
	return rc;
}

int usctp_cause_invalid_stream(const struct usctp_tlv *t, uint16_t *sid)
{
	if (t->value_len < 4)
		return USCTP_ERR_BAD_LENGTH;
	*sid = usctp_get16(t->value);
	return 0;
}

int usctp_cause_stale_cookie(const struct usctp_tlv *t, uint32_t *staleness_us)
{
	if (t->value_len < 4)
		return USCTP_ERR_BAD_LENGTH;
	*staleness_us = usctp_get32(t->value);
	return 0;
}

int usctp_cause_no_user_data(const struct usctp_tlv *t, uint32_t *tsn)
{
	if (t->value_len < 4)
		return USCTP_ERR_BAD_LENGTH;
	*tsn = usctp_get32(t->value);
	return 0;
}

int usctp_cause_missing_params(const struct usctp_tlv *t, unsigned *count, const uint8_t **types)
{
	uint32_t n;

	if (t->value_len < 4)
		return USCTP_ERR_BAD_LENGTH;
	n = usctp_get32(t->value);
	if (n > (t->value_len - 4) / 2)
		return USCTP_ERR_MISALIGNED;
	*count = n;
	*types = t->value + 4;
	return 0;
}

/* ---- builders ---- */

int usctp_build_cause(struct usctp_wbuf *w, uint16_t code, const void *info, size_t len)
{
	struct usctp_wpart v = {info, len};

	return usctp_wbuf_put_tlv(w, code, &v, 1);
}

int usctp_build_cause_invalid_stream(struct usctp_wbuf *w, uint16_t sid)
{
	uint8_t v[4];

	usctp_put16(v, sid);
	usctp_put16(v + 2, 0); /* reserved */
	return usctp_build_cause(w, USCTP_CAUSE_INVALID_STREAM, v, sizeof(v));
}

int usctp_build_cause_missing_params(struct usctp_wbuf *w, const uint16_t *types, unsigned n)
{
	struct usctp_wpart part;
	uint8_t cnt[4];
	size_t len = 8 + 2 * (size_t)n, padded = usctp_pad4(len), i;
	uint8_t *p;
	int rc;

	if (len > UINT16_MAX)
		return USCTP_ERR_INVALID;
	if (w->len > w->cap || padded > usctp_wbuf_room(w))
		return USCTP_ERR_NOBUF;
	usctp_put32(cnt, n);
	part.p = cnt;
	part.len = sizeof(cnt);
	p = w->buf + w->len;
	rc = usctp_wbuf_put_tlv(w, USCTP_CAUSE_MISSING_PARAM, &part, 1);
	if (rc < 0)
		return rc;
	usctp_put16(p + 2, (uint16_t)len);
	for (i = 0; i < n; i++)
		usctp_put16(p + 8 + 2 * i, types[i]);
	if (padded > len)
		usctp_put16(p + len, 0);
	w->len += padded - 8;
	return 0;
}

int usctp_build_cause_stale_cookie(struct usctp_wbuf *w, uint32_t staleness_us)
{
	uint8_t v[4];

	usctp_put32(v, staleness_us);
	return usctp_build_cause(w, USCTP_CAUSE_STALE_COOKIE, v, sizeof(v));
}

int usctp_build_cause_out_of_resource(struct usctp_wbuf *w)
{
	return usctp_build_cause(w, USCTP_CAUSE_OUT_OF_RESOURCE, NULL, 0);
}

int usctp_build_cause_unresolvable_addr(struct usctp_wbuf *w, const uint8_t *addr_tlv, size_t len)
{
	if (len < USCTP_PARAM_HDR_LEN)
		return USCTP_ERR_INVALID;
	return usctp_build_cause(w, USCTP_CAUSE_UNRESOLVABLE_ADDR, addr_tlv, len);
}

int usctp_build_cause_unrecognized_chunk(struct usctp_wbuf *w, const uint8_t *chunk, size_t len)
{
	if (len < USCTP_CHUNK_HDR_LEN)
		return USCTP_ERR_INVALID;
	return usctp_build_cause(w, USCTP_CAUSE_UNRECOGNIZED_CHUNK, chunk, len);
}

int usctp_build_cause_invalid_mandatory_param(struct usctp_wbuf *w)
{
	return usctp_build_cause(w, USCTP_CAUSE_INVALID_MANDATORY_PARAM, NULL, 0);
}

int usctp_build_cause_unrecognized_params(struct usctp_wbuf *w, const uint8_t *const *tlvs,
					  const uint16_t *lens, unsigned n)
{
	/* Each TLV is padded inside the cause so the next one starts aligned. */
	static const uint8_t zeros[3];
	struct usctp_wpart parts[2 * USCTP_MAX_UNRECOGNIZED];
	unsigned i;

	if (n == 0 || n > USCTP_MAX_UNRECOGNIZED)
		return USCTP_ERR_INVALID;
	for (i = 0; i < n; i++) {
		if (lens[i] < USCTP_PARAM_HDR_LEN)
			return USCTP_ERR_INVALID;
		parts[2 * i].p = tlvs[i];
		parts[2 * i].len = lens[i];
		parts[2 * i + 1].p = zeros;
		parts[2 * i + 1].len = i + 1 < n ? usctp_pad4(lens[i]) - lens[i] : 0;
	}
	return usctp_wbuf_put_tlv(w, USCTP_CAUSE_UNRECOGNIZED_PARAMS, parts, 2 * n);
}

int usctp_build_cause_no_user_data(struct usctp_wbuf *w, uint32_t tsn)
{
	uint8_t v[4];

	usctp_put32(v, tsn);
	return usctp_build_cause(w, USCTP_CAUSE_NO_USER_DATA, v, sizeof(v));
}

int usctp_build_cause_cookie_while_shutdown(struct usctp_wbuf *w)
{
	return usctp_build_cause(w, USCTP_CAUSE_COOKIE_WHILE_SHUTDOWN, NULL, 0);
}

int usctp_build_cause_restart_new_addrs(struct usctp_wbuf *w, const struct usctp_ipaddr *addrs, unsigned n)
{
	struct usctp_wpart parts[2 * USCTP_MAX_ADDR_PARAMS];
	uint8_t hdrs[USCTP_MAX_ADDR_PARAMS][4];
	unsigned i;

	if (n > USCTP_MAX_ADDR_PARAMS)
		return USCTP_ERR_INVALID;
	for (i = 0; i < n; i++) {
		size_t alen;

		if (addrs[i].family == 4)
			alen = 4;
		else if (addrs[i].family == 6)
			alen = 16;
		else
			return USCTP_ERR_INVALID;
		usctp_put16(hdrs[i], addrs[i].family == 4 ? USCTP_PARAM_IPV4 : USCTP_PARAM_IPV6);
		usctp_put16(hdrs[i] + 2, (uint16_t)(USCTP_PARAM_HDR_LEN + alen));
		parts[2 * i].p = hdrs[i];
		parts[2 * i].len = sizeof(hdrs[i]);
		parts[2 * i + 1].p = addrs[i].bytes;
		parts[2 * i + 1].len = alen;
	}
	return usctp_wbuf_put_tlv(w, USCTP_CAUSE_RESTART_NEW_ADDRS, parts, 2 * n);
}

int usctp_build_cause_user_abort(struct usctp_wbuf *w, const void *reason, size_t len)
{
	return usctp_build_cause(w, USCTP_CAUSE_USER_ABORT, reason, len);
}

int usctp_build_cause_protocol_violation(struct usctp_wbuf *w, const void *info, size_t len)
{
	return usctp_build_cause(w, USCTP_CAUSE_PROTOCOL_VIOLATION, info, len);
}
