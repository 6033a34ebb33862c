/*
 * Builders for the packet header, the chunks of RFC 9260, FORWARD TSN
 * (RFC 3758), PAD (RFC 4820) and the INIT / INIT ACK parameters.
 * Each appends one whole padded unit or nothing.
 */
#include <string.h>

#include "wbuf.h"

int usctp_wbuf_put_unit(struct usctp_wbuf *w, uint8_t b0, uint8_t b1, const struct usctp_wpart *parts,
			unsigned nparts)
{
	size_t len = USCTP_CHUNK_HDR_LEN, padded;
	uint8_t *p;
	unsigned i;

	for (i = 0; i < nparts; i++) {
		if (parts[i].len > UINT16_MAX)
			return USCTP_ERR_INVALID;
		len += parts[i].len;
	}
	if (len > UINT16_MAX)
		return USCTP_ERR_INVALID;
	padded = usctp_pad4(len);
	if (w->len > w->cap || padded > usctp_wbuf_room(w))
		return USCTP_ERR_NOBUF;

	p = w->buf + w->len;
	p[0] = b0;
	p[1] = b1;
	usctp_put16(p + 2, (uint16_t)len);
	p += USCTP_CHUNK_HDR_LEN;
	for (i = 0; i < nparts; i++) {
		if (parts[i].len > 0)
			memcpy(p, parts[i].p, parts[i].len);
		p += parts[i].len;
	}
	memset(p, 0, padded - len);
	w->len += padded;
	return 0;
}

int usctp_build_hdr(struct usctp_wbuf *w, uint16_t src_port, uint16_t dst_port, uint32_t vtag)
{
	int rc;

	if (w->len > w->cap)
		return USCTP_ERR_NOBUF;
	rc = usctp_hdr_build(w->buf + w->len, usctp_wbuf_room(w), src_port, dst_port, vtag);
	if (rc == 0)
		w->len += USCTP_COMMON_HDR_LEN;
	return rc;
}

void usctp_build_finish(struct usctp_wbuf *w)
{
	usctp_pkt_set_checksum(w->buf, w->len);
}

int usctp_build_chunk(struct usctp_wbuf *w, uint8_t type, uint8_t flags, const void *value, size_t value_len)
{
	struct usctp_wpart v = {value, value_len};

	return usctp_wbuf_put_unit(w, type, flags, &v, 1);
}

int usctp_build_data(struct usctp_wbuf *w, uint8_t flags, uint32_t tsn, uint16_t sid, uint16_t ssn,
		     uint32_t ppid, const void *payload, size_t len)
{
	uint8_t fixed[12];
	struct usctp_wpart parts[2] = {{fixed, sizeof(fixed)}, {payload, len}};

	/* A DATA chunk without user data is a protocol error (RFC 9260 6.2). */
	if (len == 0)
		return USCTP_ERR_INVALID;
	usctp_put32(fixed, tsn);
	usctp_put16(fixed + 4, sid);
	usctp_put16(fixed + 6, ssn);
	usctp_put32(fixed + 8, ppid);
	return usctp_wbuf_put_unit(w, USCTP_CHUNK_DATA, flags, parts, 2);
}

/*
 * RFC 9260 3.2: a chunk's length counts the padding of every parameter but the
 * last (the chunk's own padding stands in for it). Given a run of padded TLVs
 * as the builders make them, return its length without the last one's padding;
 * input that does not parse as TLVs is returned whole.
 */
static size_t tlvs_unpadded_len(const uint8_t *p, size_t len)
{
	size_t off = 0, end = len;
	while (off + USCTP_PARAM_HDR_LEN <= len) {
		size_t l = usctp_get16(p + off + 2);
		if (l < USCTP_PARAM_HDR_LEN || off + l > len)
			return len;
		end = off + l;
		off += usctp_pad4(l);
	}
	return off >= len ? end : len;
}

int usctp_build_init(struct usctp_wbuf *w, uint8_t type, uint32_t init_tag, uint32_t a_rwnd, uint16_t os,
		     uint16_t mis, uint32_t initial_tsn, const void *params, size_t params_len)
{
	uint8_t fixed[16];
	struct usctp_wpart parts[2] = {{fixed, sizeof(fixed)}, {params, params_len}};

	if (type != USCTP_CHUNK_INIT && type != USCTP_CHUNK_INIT_ACK)
		return USCTP_ERR_INVALID;
	usctp_put32(fixed, init_tag);
	usctp_put32(fixed + 4, a_rwnd);
	usctp_put16(fixed + 8, os);
	usctp_put16(fixed + 10, mis);
	usctp_put32(fixed + 12, initial_tsn);
	parts[1].len = tlvs_unpadded_len(params, params_len);
	return usctp_wbuf_put_unit(w, type, 0, parts, 2);
}

int usctp_build_sack(struct usctp_wbuf *w, uint32_t cum_tsn, uint32_t a_rwnd,
		     const struct usctp_gap_block *gaps, unsigned num_gaps, const uint32_t *dups,
		     unsigned num_dups)
{
	uint8_t fixed[12];
	struct usctp_wpart part = {fixed, sizeof(fixed)};
	size_t len, i;
	uint8_t *p;
	int rc;

	if (num_gaps > UINT16_MAX || num_dups > UINT16_MAX)
		return USCTP_ERR_INVALID;
	usctp_put32(fixed, cum_tsn);
	usctp_put32(fixed + 4, a_rwnd);
	usctp_put16(fixed + 8, (uint16_t)num_gaps);
	usctp_put16(fixed + 10, (uint16_t)num_dups);
	len = 16 + 4 * ((size_t)num_gaps + num_dups);
	if (len > UINT16_MAX)
		return USCTP_ERR_INVALID;
	if (w->len > w->cap || len > usctp_wbuf_room(w))
		return USCTP_ERR_NOBUF;
	/* Reserve the whole chunk with the fixed part, then encode the lists in place. */
	p = w->buf + w->len;
	rc = usctp_wbuf_put_unit(w, USCTP_CHUNK_SACK, 0, &part, 1);
	if (rc < 0)
		return rc;
	usctp_put16(p + 2, (uint16_t)len);
	p += 16;
	for (i = 0; i < num_gaps; i++, p += 4) {
		usctp_put16(p, gaps[i].start);
		usctp_put16(p + 2, gaps[i].end);
	}
	for (i = 0; i < num_dups; i++, p += 4)
		usctp_put32(p, dups[i]);
	w->len += len - 16;
	return 0;
}

int usctp_build_heartbeat(struct usctp_wbuf *w, uint8_t type, const void *info, size_t len)
{
	uint8_t ph[4];
	struct usctp_wpart parts[2] = {{ph, sizeof(ph)}, {info, len}};

	if (type != USCTP_CHUNK_HEARTBEAT && type != USCTP_CHUNK_HEARTBEAT_ACK)
		return USCTP_ERR_INVALID;
	if (len > UINT16_MAX - 2 * USCTP_PARAM_HDR_LEN)
		return USCTP_ERR_INVALID;
	usctp_put16(ph, USCTP_PARAM_HEARTBEAT_INFO);
	usctp_put16(ph + 2, (uint16_t)(USCTP_PARAM_HDR_LEN + len));
	/* The parameter is the last thing in the chunk, so the chunk's padding pads it too. */
	return usctp_wbuf_put_unit(w, type, 0, parts, 2);
}

int usctp_build_abort(struct usctp_wbuf *w, bool t_bit, const void *causes, size_t len)
{
	return usctp_build_chunk(w, USCTP_CHUNK_ABORT, t_bit ? USCTP_FLAG_T : 0, causes,
				 tlvs_unpadded_len(causes, len));
}

int usctp_build_error(struct usctp_wbuf *w, const void *causes, size_t len)
{
	return usctp_build_chunk(w, USCTP_CHUNK_ERROR, 0, causes, tlvs_unpadded_len(causes, len));
}

int usctp_build_shutdown(struct usctp_wbuf *w, uint32_t cum_tsn)
{
	uint8_t v[4];

	usctp_put32(v, cum_tsn);
	return usctp_build_chunk(w, USCTP_CHUNK_SHUTDOWN, 0, v, sizeof(v));
}

int usctp_build_shutdown_ack(struct usctp_wbuf *w)
{
	return usctp_build_chunk(w, USCTP_CHUNK_SHUTDOWN_ACK, 0, NULL, 0);
}

int usctp_build_shutdown_complete(struct usctp_wbuf *w, bool t_bit)
{
	return usctp_build_chunk(w, USCTP_CHUNK_SHUTDOWN_COMPLETE, t_bit ? USCTP_FLAG_T : 0, NULL, 0);
}

int usctp_build_cookie_echo(struct usctp_wbuf *w, const void *cookie, size_t len)
{
	if (len == 0)
		return USCTP_ERR_INVALID;
	return usctp_build_chunk(w, USCTP_CHUNK_COOKIE_ECHO, 0, cookie, len);
}

int usctp_build_cookie_ack(struct usctp_wbuf *w)
{
	return usctp_build_chunk(w, USCTP_CHUNK_COOKIE_ACK, 0, NULL, 0);
}

int usctp_build_fwd_tsn(struct usctp_wbuf *w, uint32_t new_cum_tsn, const uint16_t *sids,
			const uint16_t *ssns, unsigned n)
{
	uint8_t fixed[4];
	struct usctp_wpart part = {fixed, sizeof(fixed)};
	size_t len = 8 + 4 * (size_t)n, i;
	uint8_t *p;
	int rc;

	if (n > UINT16_MAX || len > UINT16_MAX)
		return USCTP_ERR_INVALID;
	if (w->len > w->cap || len > usctp_wbuf_room(w))
		return USCTP_ERR_NOBUF;
	usctp_put32(fixed, new_cum_tsn);
	p = w->buf + w->len;
	rc = usctp_wbuf_put_unit(w, USCTP_CHUNK_FORWARD_TSN, 0, &part, 1);
	if (rc < 0)
		return rc;
	usctp_put16(p + 2, (uint16_t)len);
	p += 8;
	for (i = 0; i < n; i++, p += 4) {
		usctp_put16(p, sids[i]);
		usctp_put16(p + 2, ssns[i]);
	}
	w->len += len - 8;
	return 0;
}

int usctp_build_pad(struct usctp_wbuf *w, size_t len)
{
	struct usctp_wpart part = {NULL, 0};
	size_t padded = usctp_pad4(len);
	uint8_t *p;
	int rc;

	if (len < USCTP_CHUNK_HDR_LEN || len > UINT16_MAX)
		return USCTP_ERR_INVALID;
	if (w->len > w->cap || padded > usctp_wbuf_room(w))
		return USCTP_ERR_NOBUF;
	p = w->buf + w->len;
	rc = usctp_wbuf_put_unit(w, USCTP_CHUNK_PAD, 0, &part, 1);
	if (rc < 0)
		return rc;
	usctp_put16(p + 2, (uint16_t)len);
	memset(p + USCTP_CHUNK_HDR_LEN, 0, padded - USCTP_CHUNK_HDR_LEN);
	w->len += padded - USCTP_CHUNK_HDR_LEN;
	return 0;
}

/* ---- parameters ---- */

int usctp_build_param(struct usctp_wbuf *w, uint16_t type, const void *value, size_t len)
{
	struct usctp_wpart v = {value, len};

	return usctp_wbuf_put_tlv(w, type, &v, 1);
}

int usctp_build_param_ipaddr(struct usctp_wbuf *w, const struct usctp_ipaddr *a)
{
	if (a->family == 4)
		return usctp_build_param(w, USCTP_PARAM_IPV4, a->bytes, 4);
	if (a->family == 6)
		return usctp_build_param(w, USCTP_PARAM_IPV6, a->bytes, 16);
	return USCTP_ERR_INVALID;
}

int usctp_build_param_cookie_preservative(struct usctp_wbuf *w, uint32_t increment_ms)
{
	return usctp_build_param_u32(w, USCTP_PARAM_COOKIE_PRESERVATIVE, increment_ms);
}

int usctp_build_param_supported_addr_types(struct usctp_wbuf *w, bool ipv4, bool ipv6)
{
	uint8_t v[4];
	size_t n = 0;

	if (ipv4) {
		usctp_put16(v + n, USCTP_PARAM_IPV4);
		n += 2;
	}
	if (ipv6) {
		usctp_put16(v + n, USCTP_PARAM_IPV6);
		n += 2;
	}
	if (n == 0)
		return USCTP_ERR_INVALID;
	return usctp_build_param(w, USCTP_PARAM_SUPPORTED_ADDR_TYPES, v, n);
}

int usctp_build_param_supported_ext(struct usctp_wbuf *w, const uint8_t *types, size_t n)
{
	return usctp_build_param(w, USCTP_PARAM_SUPPORTED_EXTENSIONS, types, n);
}

int usctp_build_param_u32(struct usctp_wbuf *w, uint16_t type, uint32_t v)
{
	uint8_t b[4];

	usctp_put32(b, v);
	return usctp_build_param(w, type, b, sizeof(b));
}

int usctp_build_param_unrecognized(struct usctp_wbuf *w, const uint8_t *tlv, size_t len)
{
	return usctp_build_param(w, USCTP_PARAM_UNRECOGNIZED, tlv, len);
}
