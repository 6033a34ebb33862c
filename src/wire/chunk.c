/*
 * Chunk types: what we know of each (name, minimum length) and the typed
 * parsers of the chunks of RFC 9260 and FORWARD TSN (RFC 3758).
 *
 * The parsers take a chunk view produced by usctp_chunk_next(), so c->value
 * holds c->value_len readable bytes; they only check what is specific to
 * the type.
 */
#include "wire.h"

bool usctp_chunk_type_known(uint8_t type)
{
	switch (type) {
	case USCTP_CHUNK_DATA:
	case USCTP_CHUNK_INIT:
	case USCTP_CHUNK_INIT_ACK:
	case USCTP_CHUNK_SACK:
	case USCTP_CHUNK_HEARTBEAT:
	case USCTP_CHUNK_HEARTBEAT_ACK:
	case USCTP_CHUNK_ABORT:
	case USCTP_CHUNK_SHUTDOWN:
	case USCTP_CHUNK_SHUTDOWN_ACK:
	case USCTP_CHUNK_ERROR:
	case USCTP_CHUNK_COOKIE_ECHO:
	case USCTP_CHUNK_COOKIE_ACK:
	case USCTP_CHUNK_SHUTDOWN_COMPLETE:
	case USCTP_CHUNK_PAD: /* RFC 4820: understood by ignoring it */
	case USCTP_CHUNK_FORWARD_TSN:
		return true;
	default:
		return false;
	}
}

size_t usctp_chunk_min_len(uint8_t type)
{
	switch (type) {
	case USCTP_CHUNK_DATA:
		return USCTP_DATA_HDR_LEN;
	case USCTP_CHUNK_INIT:
	case USCTP_CHUNK_INIT_ACK:
		return USCTP_INIT_FIXED_LEN;
	case USCTP_CHUNK_SACK:
		return 16; /* cum TSN, a_rwnd, gap and dup counts */
	case USCTP_CHUNK_HEARTBEAT:
	case USCTP_CHUNK_HEARTBEAT_ACK:
		return 8; /* the Heartbeat Info parameter header is mandatory */
	case USCTP_CHUNK_SHUTDOWN:
	case USCTP_CHUNK_ECNE:
	case USCTP_CHUNK_CWR:
	case USCTP_CHUNK_FORWARD_TSN:
	case USCTP_CHUNK_I_FORWARD_TSN:
	case USCTP_CHUNK_ASCONF:
	case USCTP_CHUNK_ASCONF_ACK:
	case USCTP_CHUNK_AUTH:
	case USCTP_CHUNK_RECONFIG:
		return 8;
	case USCTP_CHUNK_I_DATA:
		return 20;
	default:
		return USCTP_CHUNK_HDR_LEN;
	}
}

const char *usctp_chunk_type_name(uint8_t type)
{
	switch (type) {
	case USCTP_CHUNK_DATA:
		return "DATA";
	case USCTP_CHUNK_INIT:
		return "INIT";
	case USCTP_CHUNK_INIT_ACK:
		return "INIT ACK";
	case USCTP_CHUNK_SACK:
		return "SACK";
	case USCTP_CHUNK_HEARTBEAT:
		return "HEARTBEAT";
	case USCTP_CHUNK_HEARTBEAT_ACK:
		return "HEARTBEAT ACK";
	case USCTP_CHUNK_ABORT:
		return "ABORT";
	case USCTP_CHUNK_SHUTDOWN:
		return "SHUTDOWN";
	case USCTP_CHUNK_SHUTDOWN_ACK:
		return "SHUTDOWN ACK";
	case USCTP_CHUNK_ERROR:
		return "ERROR";
	case USCTP_CHUNK_COOKIE_ECHO:
		return "COOKIE ECHO";
	case USCTP_CHUNK_COOKIE_ACK:
		return "COOKIE ACK";
	case USCTP_CHUNK_ECNE:
		return "ECNE";
	case USCTP_CHUNK_CWR:
		return "CWR";
	case USCTP_CHUNK_SHUTDOWN_COMPLETE:
		return "SHUTDOWN COMPLETE";
	case USCTP_CHUNK_AUTH:
		return "AUTH";
	case USCTP_CHUNK_I_DATA:
		return "I-DATA";
	case USCTP_CHUNK_ASCONF_ACK:
		return "ASCONF ACK";
	case USCTP_CHUNK_RECONFIG:
		return "RE-CONFIG";
	case USCTP_CHUNK_PAD:
		return "PAD";
	case USCTP_CHUNK_FORWARD_TSN:
		return "FORWARD TSN";
	case USCTP_CHUNK_ASCONF:
		return "ASCONF";
	case USCTP_CHUNK_I_FORWARD_TSN:
		return "I-FORWARD TSN";
	default:
		return "UNKNOWN";
	}
}

int usctp_data_parse(const struct usctp_chunk *c, struct usctp_data_chunk *out)
{
	if (c->value_len < USCTP_DATA_HDR_LEN - USCTP_CHUNK_HDR_LEN)
		return USCTP_ERR_BAD_LENGTH;
	out->flags = c->flags;
	out->tsn = usctp_get32(c->value);
	out->sid = usctp_get16(c->value + 4);
	out->ssn = usctp_get16(c->value + 6);
	out->ppid = usctp_get32(c->value + 8);
	out->payload = c->value + 12;
	out->payload_len = c->value_len - 12;
	/* Fields are filled first: the caller needs the TSN for the No User Data cause. */
	return out->payload_len == 0 ? USCTP_ERR_BAD_VALUE : 0;
}

int usctp_init_parse(const struct usctp_chunk *c, struct usctp_init_chunk *out)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t;
	int rc;

	if (c->value_len < USCTP_INIT_FIXED_LEN - USCTP_CHUNK_HDR_LEN)
		return USCTP_ERR_BAD_LENGTH;
	out->init_tag = usctp_get32(c->value);
	out->a_rwnd = usctp_get32(c->value + 4);
	out->num_ostreams = usctp_get16(c->value + 8);
	out->num_istreams = usctp_get16(c->value + 10);
	out->initial_tsn = usctp_get32(c->value + 12);
	out->params = c->value + 16;
	out->params_len = c->value_len - 16;

	usctp_tlv_iter_init(&it, out->params, out->params_len);
	while ((rc = usctp_tlv_next(&it, &t)) > 0)
		;
	if (rc < 0)
		return rc;
	if (out->init_tag == 0 || out->num_ostreams == 0 || out->num_istreams == 0)
		return USCTP_ERR_BAD_VALUE;
	return 0;
}

int usctp_sack_parse(const struct usctp_chunk *c, struct usctp_sack_chunk *out)
{
	size_t need;

	if (c->value_len < 12)
		return USCTP_ERR_BAD_LENGTH;
	out->cum_tsn = usctp_get32(c->value);
	out->a_rwnd = usctp_get32(c->value + 4);
	out->num_gaps = usctp_get16(c->value + 8);
	out->num_dups = usctp_get16(c->value + 10);
	need = 12 + 4 * ((size_t)out->num_gaps + out->num_dups);
	if (need != c->value_len)
		return USCTP_ERR_MISALIGNED;
	out->gaps = c->value + 12;
	out->dups = out->gaps + 4 * (size_t)out->num_gaps;
	return 0;
}

struct usctp_gap_block usctp_sack_gap(const struct usctp_sack_chunk *s, unsigned i)
{
	struct usctp_gap_block g = {0, 0};

	if (i < s->num_gaps) {
		g.start = usctp_get16(s->gaps + 4 * (size_t)i);
		g.end = usctp_get16(s->gaps + 4 * (size_t)i + 2);
	}
	return g;
}

uint32_t usctp_sack_dup(const struct usctp_sack_chunk *s, unsigned i)
{
	return i < s->num_dups ? usctp_get32(s->dups + 4 * (size_t)i) : 0;
}

/*
 * The chunk carries one Heartbeat Info parameter (RFC 9260 3.3.5); the
 * sender's info is opaque to us and echoed back as is.
 */
int usctp_heartbeat_parse(const struct usctp_chunk *c, struct usctp_heartbeat_chunk *out)
{
	struct usctp_tlv_iter it;
	struct usctp_tlv t;
	int rc;

	if (c->value_len < USCTP_PARAM_HDR_LEN)
		return USCTP_ERR_BAD_LENGTH;
	usctp_tlv_iter_init(&it, c->value, c->value_len);
	rc = usctp_tlv_next(&it, &t);
	if (rc < 0)
		return rc;
	if (t.type != USCTP_PARAM_HEARTBEAT_INFO)
		return USCTP_ERR_BAD_VALUE;
	out->info = t.value;
	out->info_len = t.value_len;
	return 0;
}

/* SHUTDOWN is 8 bytes; longer ones are accepted and the excess ignored. */
int usctp_shutdown_parse(const struct usctp_chunk *c, uint32_t *cum_tsn)
{
	if (c->value_len < 4)
		return USCTP_ERR_BAD_LENGTH;
	*cum_tsn = usctp_get32(c->value);
	return 0;
}

/* An empty cookie can never be valid; say so here rather than in the MAC check. */
int usctp_cookie_echo_parse(const struct usctp_chunk *c, const uint8_t **cookie, size_t *len)
{
	if (c->value_len == 0)
		return USCTP_ERR_BAD_LENGTH;
	*cookie = c->value;
	*len = c->value_len;
	return 0;
}

int usctp_fwd_tsn_parse(const struct usctp_chunk *c, struct usctp_fwd_tsn_chunk *out)
{
	if (c->value_len < 4)
		return USCTP_ERR_BAD_LENGTH;
	if ((c->value_len - 4) % 4 != 0)
		return USCTP_ERR_MISALIGNED;
	out->new_cum_tsn = usctp_get32(c->value);
	out->num_streams = (unsigned)((c->value_len - 4) / 4);
	out->streams = c->value + 4;
	return 0;
}

void usctp_fwd_tsn_stream(const struct usctp_fwd_tsn_chunk *f, unsigned i, uint16_t *sid, uint16_t *ssn)
{
	if (i >= f->num_streams) {
		*sid = 0;
		*ssn = 0;
		return;
	}
	*sid = usctp_get16(f->streams + 4 * (size_t)i);
	*ssn = usctp_get16(f->streams + 4 * (size_t)i + 2);
}
