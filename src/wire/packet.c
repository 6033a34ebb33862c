/*
 * The SCTP packet: common header, checksum, chunk iteration and the
 * packet-level structural rules (RFC 9260 3.1, 3.2, 6.10, appendix A).
 */
#include <string.h>

#include "crc32c.h"
#include "wire.h"

int usctp_hdr_parse(const uint8_t *pkt, size_t len, struct usctp_common_hdr *out)
{
	if (len < USCTP_COMMON_HDR_LEN)
		return USCTP_ERR_TRUNCATED;
	out->src_port = usctp_get16(pkt);
	out->dst_port = usctp_get16(pkt + 2);
	out->vtag = usctp_get32(pkt + 4);
	out->checksum = usctp_get32(pkt + 8);
	return 0;
}

int usctp_hdr_build(uint8_t *pkt, size_t cap, uint16_t src_port, uint16_t dst_port, uint32_t vtag)
{
	if (cap < USCTP_COMMON_HDR_LEN)
		return USCTP_ERR_NOBUF;
	usctp_put16(pkt, src_port);
	usctp_put16(pkt + 2, dst_port);
	usctp_put32(pkt + 4, vtag);
	usctp_put32(pkt + 8, 0);
	return 0;
}

/*
 * CRC32c over the packet with the checksum field read as zero. The packet is
 * not modified: the header is copied so verification works on const input.
 */
static uint32_t pkt_crc(const uint8_t *pkt, size_t len)
{
	uint8_t hdr[USCTP_COMMON_HDR_LEN];

	memcpy(hdr, pkt, 8);
	memset(hdr + 8, 0, 4);
	return usctp_crc32c(usctp_crc32c(0, hdr, sizeof(hdr)), pkt + USCTP_COMMON_HDR_LEN,
			    len - USCTP_COMMON_HDR_LEN);
}

/*
 * RFC 9260 appendix A maps the reflected CRC's x^31..x^24 coefficients to
 * byte 0, which for the usual LSB-first software CRC means the low byte of
 * the result goes first: the value is stored little-endian.
 */
void usctp_pkt_set_checksum(uint8_t *pkt, size_t len)
{
	uint32_t crc;

	if (len < USCTP_COMMON_HDR_LEN)
		return;
	crc = pkt_crc(pkt, len);
	pkt[8] = (uint8_t)crc;
	pkt[9] = (uint8_t)(crc >> 8);
	pkt[10] = (uint8_t)(crc >> 16);
	pkt[11] = (uint8_t)(crc >> 24);
}

int usctp_pkt_verify_checksum(const uint8_t *pkt, size_t len)
{
	uint32_t crc, stored;

	if (len < USCTP_COMMON_HDR_LEN)
		return USCTP_ERR_TRUNCATED;
	crc = pkt_crc(pkt, len);
	stored = (uint32_t)pkt[8] | ((uint32_t)pkt[9] << 8) | ((uint32_t)pkt[10] << 16) |
		 ((uint32_t)pkt[11] << 24);
	return crc == stored ? 0 : USCTP_ERR_BAD_CHECKSUM;
}

void usctp_chunk_iter_init(struct usctp_chunk_iter *it, const uint8_t *pkt, size_t len)
{
	if (len < USCTP_COMMON_HDR_LEN) {
		/* No header: p == NULL marks a packet that is truncated from the start. */
		it->p = NULL;
		it->left = 0;
		return;
	}
	it->p = pkt + USCTP_COMMON_HDR_LEN;
	it->left = len - USCTP_COMMON_HDR_LEN;
}

int usctp_chunk_next(struct usctp_chunk_iter *it, struct usctp_chunk *out)
{
	size_t clen, padded;

	if (it->p == NULL)
		return USCTP_ERR_TRUNCATED;
	if (it->left == 0)
		return 0;
	if (it->left < USCTP_CHUNK_HDR_LEN)
		return USCTP_ERR_TRUNCATED;
	clen = usctp_get16(it->p + 2);
	if (clen == 0)
		return USCTP_ERR_ZERO_LENGTH;
	if (clen < USCTP_CHUNK_HDR_LEN || clen < usctp_chunk_min_len(it->p[0]))
		return USCTP_ERR_BAD_LENGTH;
	if (clen > it->left)
		return USCTP_ERR_TRUNCATED;
	padded = usctp_pad4(clen);
	/* The last chunk may end the packet without padding; any other must be padded. */
	if (it->left != clen && it->left < padded)
		return USCTP_ERR_BAD_PADDING;

	out->type = it->p[0];
	out->flags = it->p[1];
	out->length = (uint16_t)clen;
	out->raw = it->p;
	out->value = it->p + USCTP_CHUNK_HDR_LEN;
	out->value_len = clen - USCTP_CHUNK_HDR_LEN;

	if (it->left == clen)
		padded = clen;
	it->p += padded;
	it->left -= padded;
	return 1;
}

int usctp_pkt_validate(const uint8_t *pkt, size_t len)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	bool alone = false;
	int n = 0, rc;

	if (len < USCTP_COMMON_HDR_LEN)
		return USCTP_ERR_TRUNCATED;
	usctp_chunk_iter_init(&it, pkt, len);
	/* Each step consumes >= 4 bytes, so this ends after at most len / 4 steps. */
	while ((rc = usctp_chunk_next(&it, &c)) > 0) {
		if (usctp_chunk_must_be_alone(c.type))
			alone = true;
		n++;
	}
	if (rc < 0)
		return rc;
	if (alone && n > 1)
		return USCTP_ERR_BAD_BUNDLING;
	return n;
}

bool usctp_pkt_has_chunk(const uint8_t *pkt, size_t len, uint8_t type)
{
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, pkt, len);
	while (usctp_chunk_next(&it, &c) == 1)
		if (c.type == type)
			return true;
	return false;
}
