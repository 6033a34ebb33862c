/*
 * TLV iteration (parameters and error causes share the layout) and the
 * digest of INIT / INIT ACK parameters (RFC 9260 3.3.2, 3.3.3).
 */
#include <string.h>

#include "wire.h"

void usctp_tlv_iter_init(struct usctp_tlv_iter *it, const uint8_t *buf, size_t len)
{
	it->p = buf;
	it->left = len;
}

int usctp_tlv_next(struct usctp_tlv_iter *it, struct usctp_tlv *out)
{
	size_t tlen, padded;

	if (it->left == 0)
		return 0;
	if (it->left < USCTP_PARAM_HDR_LEN)
		return USCTP_ERR_TRUNCATED;
	tlen = usctp_get16(it->p + 2);
	if (tlen == 0)
		return USCTP_ERR_ZERO_LENGTH;
	if (tlen < USCTP_PARAM_HDR_LEN)
		return USCTP_ERR_BAD_LENGTH;
	if (tlen > it->left)
		return USCTP_ERR_TRUNCATED;
	padded = usctp_pad4(tlen);
	if (it->left != tlen && it->left < padded)
		return USCTP_ERR_BAD_PADDING;

	out->type = usctp_get16(it->p);
	out->length = (uint16_t)tlen;
	out->raw = it->p;
	out->value = it->p + USCTP_PARAM_HDR_LEN;
	out->value_len = tlen - USCTP_PARAM_HDR_LEN;

	if (it->left == tlen)
		padded = tlen;
	it->p += padded;
	it->left -= padded;
	return 1;
}

bool usctp_param_type_known(uint16_t type)
{
	switch (type) {
	case USCTP_PARAM_HEARTBEAT_INFO:
	case USCTP_PARAM_IPV4:
	case USCTP_PARAM_IPV6:
	case USCTP_PARAM_STATE_COOKIE:
	case USCTP_PARAM_UNRECOGNIZED:
	case USCTP_PARAM_COOKIE_PRESERVATIVE:
	case USCTP_PARAM_HOST_NAME:
	case USCTP_PARAM_SUPPORTED_ADDR_TYPES:
	case USCTP_PARAM_ECN_CAPABLE:
	case USCTP_PARAM_ZERO_CHECKSUM:
	case USCTP_PARAM_PADDING: /* RFC 4820: understood by ignoring it */
	case USCTP_PARAM_SUPPORTED_EXTENSIONS:
	case USCTP_PARAM_FORWARD_TSN_SUPPORTED:
	case USCTP_PARAM_ADAPTATION_LAYER:
		return true;
	default:
		return false;
	}
}

/* Exact value length of fixed-size parameters; -1 for variable ones. */
static int param_fixed_value_len(uint16_t type)
{
	switch (type) {
	case USCTP_PARAM_IPV4:
		return 4;
	case USCTP_PARAM_IPV6:
		return 16;
	case USCTP_PARAM_COOKIE_PRESERVATIVE:
		return 4;
	case USCTP_PARAM_ECN_CAPABLE:
		return 0;
	case USCTP_PARAM_FORWARD_TSN_SUPPORTED:
		return 0;
	case USCTP_PARAM_ADAPTATION_LAYER:
		return 4;
	case USCTP_PARAM_ZERO_CHECKSUM:
		return 4;
	default:
		return -1;
	}
}

static void add_addr(struct usctp_init_params *out, uint8_t family, const uint8_t *bytes, size_t n)
{
	struct usctp_ipaddr *a;

	if (out->num_addrs >= USCTP_MAX_ADDR_PARAMS) {
		out->addrs_overflow = true;
		return;
	}
	a = &out->addrs[out->num_addrs++];
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->bytes, bytes, n);
}

static int parse_addr_types(struct usctp_init_params *out, const struct usctp_tlv *t)
{
	size_t i;

	/* A list of 16-bit types, at least one (RFC 9260 3.3.2.1). */
	if (t->value_len == 0 || t->value_len % 2 != 0)
		return USCTP_ERR_BAD_LENGTH;
	out->has_supported_addr_types = true;
	for (i = 0; i < t->value_len; i += 2) {
		uint16_t at = usctp_get16(t->value + i);

		if (at == USCTP_PARAM_IPV4)
			out->supports_ipv4 = true;
		else if (at == USCTP_PARAM_IPV6)
			out->supports_ipv6 = true;
	}
	return 0;
}

static void note_unknown(struct usctp_init_params *out, const struct usctp_tlv *t)
{
	enum usctp_unknown_action act = usctp_param_unknown_action(t->type);

	if (act == USCTP_ACT_STOP_REPORT || act == USCTP_ACT_SKIP_REPORT) {
		if (out->num_unrecognized < USCTP_MAX_UNRECOGNIZED) {
			out->unrecognized[out->num_unrecognized] = t->raw;
			out->unrecognized_len[out->num_unrecognized] = t->length;
			out->num_unrecognized++;
		} else {
			out->unrecognized_overflow = true;
		}
	}
	if (act == USCTP_ACT_STOP || act == USCTP_ACT_STOP_REPORT)
		out->stop = true;
}

/* One known parameter; its value length has already been checked if fixed. */
static int parse_known(struct usctp_init_params *out, const struct usctp_tlv *t)
{
	switch (t->type) {
	case USCTP_PARAM_IPV4:
		add_addr(out, 4, t->value, 4);
		break;
	case USCTP_PARAM_IPV6:
		add_addr(out, 6, t->value, 16);
		break;
	case USCTP_PARAM_STATE_COOKIE:
		if (t->value_len == 0)
			return USCTP_ERR_BAD_LENGTH;
		if (out->cookie == NULL) {
			out->cookie = t->value;
			out->cookie_len = t->value_len;
		}
		break;
	case USCTP_PARAM_COOKIE_PRESERVATIVE:
		out->cookie_preservative_ms = usctp_get32(t->value);
		break;
	case USCTP_PARAM_HOST_NAME:
		if (t->value_len == 0)
			return USCTP_ERR_BAD_LENGTH;
		out->has_host_name = true;
		out->host_name = t->value;
		out->host_name_len = t->value_len;
		break;
	case USCTP_PARAM_SUPPORTED_ADDR_TYPES:
		return parse_addr_types(out, t);
	case USCTP_PARAM_ECN_CAPABLE:
		out->ecn_capable = true;
		break;
	case USCTP_PARAM_FORWARD_TSN_SUPPORTED:
		out->forward_tsn = true;
		break;
	case USCTP_PARAM_SUPPORTED_EXTENSIONS:
		out->extensions = t->value;
		out->num_extensions = t->value_len;
		break;
	case USCTP_PARAM_ADAPTATION_LAYER:
		out->has_adaptation = true;
		out->adaptation_ind = usctp_get32(t->value);
		break;
	case USCTP_PARAM_ZERO_CHECKSUM:
		out->zero_checksum = true;
		out->zero_checksum_edmid = usctp_get32(t->value);
		break;
	default:
		/* Heartbeat Info, Unrecognized Parameter, Padding: nothing to record here. */
		break;
	}
	return 0;
}

int usctp_init_params_parse(const uint8_t *params, size_t len, struct usctp_init_params *out)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t;
	int rc;

	memset(out, 0, sizeof(*out));
	usctp_tlv_iter_init(&it, params, len);
	/* Each step consumes >= 4 bytes: at most len / 4 iterations. */
	while ((rc = usctp_tlv_next(&it, &t)) > 0) {
		int fixed;

		if (!usctp_param_type_known(t.type)) {
			note_unknown(out, &t);
			if (out->stop)
				return 0; /* 00 / 01: process no further parameter */
			continue;
		}
		fixed = param_fixed_value_len(t.type);
		if (fixed >= 0 && t.value_len != (size_t)fixed)
			return USCTP_ERR_BAD_LENGTH;
		rc = parse_known(out, &t);
		if (rc < 0)
			return rc;
	}
	return rc;
}

bool usctp_init_params_has_ext(const struct usctp_init_params *p, uint8_t t)
{
	return p->extensions != NULL && memchr(p->extensions, t, p->num_extensions) != NULL;
}
