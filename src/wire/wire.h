/*
 * usctp wire layer: SCTP packet, chunk, parameter and error-cause codecs.
 *
 * Pure functions over caller-owned buffers. Parsers return views (pointers
 * into the input) and never allocate; builders append into a struct usctp_wbuf
 * and never write past its capacity. Everything is in host byte order in the
 * structs and network byte order on the wire.
 *
 * Return convention: 0 (or a non-negative count) on success, a negative
 * USCTP_ERR_* (src/common/err.h) on failure.
 */
#ifndef USCTP_WIRE_H
#define USCTP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

/* ------------------------------------------------------------------ */
/* Constants                                                           */
/* ------------------------------------------------------------------ */

#define USCTP_COMMON_HDR_LEN 12
#define USCTP_CHUNK_HDR_LEN 4
#define USCTP_PARAM_HDR_LEN 4
#define USCTP_CAUSE_HDR_LEN 4
#define USCTP_DATA_HDR_LEN 16 /* chunk header + TSN, SID, SSN, PPID */
#define USCTP_INIT_FIXED_LEN 20 /* chunk header + 16 bytes of fixed fields */

/* Chunk types (RFC 9260 3.2, RFC 3758, RFC 4895, RFC 5061, RFC 6525, RFC 8260, RFC 4820). */
enum usctp_chunk_type {
	USCTP_CHUNK_DATA = 0,
	USCTP_CHUNK_INIT = 1,
	USCTP_CHUNK_INIT_ACK = 2,
	USCTP_CHUNK_SACK = 3,
	USCTP_CHUNK_HEARTBEAT = 4,
	USCTP_CHUNK_HEARTBEAT_ACK = 5,
	USCTP_CHUNK_ABORT = 6,
	USCTP_CHUNK_SHUTDOWN = 7,
	USCTP_CHUNK_SHUTDOWN_ACK = 8,
	USCTP_CHUNK_ERROR = 9,
	USCTP_CHUNK_COOKIE_ECHO = 10,
	USCTP_CHUNK_COOKIE_ACK = 11,
	USCTP_CHUNK_ECNE = 12,
	USCTP_CHUNK_CWR = 13,
	USCTP_CHUNK_SHUTDOWN_COMPLETE = 14,
	USCTP_CHUNK_AUTH = 15,
	USCTP_CHUNK_I_DATA = 64,
	USCTP_CHUNK_ASCONF_ACK = 128,
	USCTP_CHUNK_RECONFIG = 130,
	USCTP_CHUNK_PAD = 132,
	USCTP_CHUNK_FORWARD_TSN = 192,
	USCTP_CHUNK_ASCONF = 193,
	USCTP_CHUNK_I_FORWARD_TSN = 194,
};

/* Chunk flags. */
#define USCTP_DATA_FLAG_E 0x01 /* last fragment */
#define USCTP_DATA_FLAG_B 0x02 /* first fragment */
#define USCTP_DATA_FLAG_U 0x04 /* unordered */
#define USCTP_DATA_FLAG_I 0x08 /* immediate SACK requested (RFC 7053) */
#define USCTP_FLAG_T 0x01 /* ABORT / SHUTDOWN COMPLETE: tag reflected */

/* Parameter types (RFC 9260 3.3.2/3.3.3, RFC 3758, RFC 5061, RFC 4895, RFC 4820). */
enum usctp_param_type {
	USCTP_PARAM_HEARTBEAT_INFO = 1,
	USCTP_PARAM_IPV4 = 5,
	USCTP_PARAM_IPV6 = 6,
	USCTP_PARAM_STATE_COOKIE = 7,
	USCTP_PARAM_UNRECOGNIZED = 8,
	USCTP_PARAM_COOKIE_PRESERVATIVE = 9,
	USCTP_PARAM_HOST_NAME = 11,
	USCTP_PARAM_SUPPORTED_ADDR_TYPES = 12,
	USCTP_PARAM_ECN_CAPABLE = 0x8000,
	USCTP_PARAM_ZERO_CHECKSUM = 0x8001,
	USCTP_PARAM_RANDOM = 0x8002,
	USCTP_PARAM_CHUNK_LIST = 0x8003,
	USCTP_PARAM_HMAC_ALGO = 0x8004,
	USCTP_PARAM_PADDING = 0x8005,
	USCTP_PARAM_SUPPORTED_EXTENSIONS = 0x8008,
	USCTP_PARAM_FORWARD_TSN_SUPPORTED = 0xC000,
	USCTP_PARAM_ADAPTATION_LAYER = 0xC006,
};

/* Error cause codes (RFC 9260 3.3.10). */
enum usctp_cause_code {
	USCTP_CAUSE_INVALID_STREAM = 1,
	USCTP_CAUSE_MISSING_PARAM = 2,
	USCTP_CAUSE_STALE_COOKIE = 3,
	USCTP_CAUSE_OUT_OF_RESOURCE = 4,
	USCTP_CAUSE_UNRESOLVABLE_ADDR = 5,
	USCTP_CAUSE_UNRECOGNIZED_CHUNK = 6,
	USCTP_CAUSE_INVALID_MANDATORY_PARAM = 7,
	USCTP_CAUSE_UNRECOGNIZED_PARAMS = 8,
	USCTP_CAUSE_NO_USER_DATA = 9,
	USCTP_CAUSE_COOKIE_WHILE_SHUTDOWN = 10,
	USCTP_CAUSE_RESTART_NEW_ADDRS = 11,
	USCTP_CAUSE_USER_ABORT = 12,
	USCTP_CAUSE_PROTOCOL_VIOLATION = 13,
};

/* ------------------------------------------------------------------ */
/* Rules the core needs                                                */
/* ------------------------------------------------------------------ */

/* Padding: lengths are padded to a multiple of 4. */
static inline size_t usctp_pad4(size_t len) { return (len + 3u) & ~(size_t)3u; }

/*
 * Action for an unrecognized chunk type, from its two high bits (RFC 9260 3.2):
 *   00 stop processing, discard packet
 *   01 stop processing, discard packet, report in ERROR (Unrecognized Chunk Type)
 *   10 skip this chunk and continue
 *   11 skip this chunk, continue, report in ERROR (Unrecognized Chunk Type)
 */
enum usctp_unknown_action {
	USCTP_ACT_STOP = 0,
	USCTP_ACT_STOP_REPORT = 1,
	USCTP_ACT_SKIP = 2,
	USCTP_ACT_SKIP_REPORT = 3,
};
static inline enum usctp_unknown_action usctp_chunk_unknown_action(uint8_t type)
{
	return (enum usctp_unknown_action)(type >> 6);
}
/*
 * Same for parameters (RFC 9260 3.2.1), from the two high bits of the 16-bit
 * type: 00 stop and discard, 01 stop, discard and report (Unrecognized
 * Parameter), 10 skip, 11 skip and report.
 */
static inline enum usctp_unknown_action usctp_param_unknown_action(uint16_t type)
{
	return (enum usctp_unknown_action)(type >> 14);
}

/*
 * True if this stack understands the chunk / parameter type. Chunks: DATA to
 * COOKIE ACK, SHUTDOWN COMPLETE, FORWARD TSN, PAD (RFC 4820, ignored).
 * Parameters: those of RFC 9260 3.3.2/3.3.3 except the reserved 10, ECN
 * Capable, Zero Checksum, Padding, Supported Extensions,
 * Forward-TSN-Supported, Adaptation Layer Indication. (AUTH, ASCONF,
 * RE-CONFIG, I-DATA, ECNE/CWR are not "known": they follow the action bits.)
 */
bool usctp_chunk_type_known(uint8_t type);
bool usctp_param_type_known(uint16_t type);

/*
 * Minimum total chunk length (header included) for a known chunk type;
 * 4 for unknown types. A chunk shorter than this is malformed.
 */
size_t usctp_chunk_min_len(uint8_t type);

/* Chunks that MUST NOT be bundled with any other chunk (INIT, INIT ACK, SHUTDOWN COMPLETE). */
static inline bool usctp_chunk_must_be_alone(uint8_t type)
{
	return type == USCTP_CHUNK_INIT || type == USCTP_CHUNK_INIT_ACK ||
	       type == USCTP_CHUNK_SHUTDOWN_COMPLETE;
}

/* "DATA", "INIT", ..., or "UNKNOWN". */
const char *usctp_chunk_type_name(uint8_t type);

/* ------------------------------------------------------------------ */
/* Byte order helpers (unaligned safe)                                 */
/* ------------------------------------------------------------------ */

static inline uint16_t usctp_get16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t usctp_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void usctp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void usctp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------------------ */
/* Common header and whole packet                                      */
/* ------------------------------------------------------------------ */

struct usctp_common_hdr {
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t vtag;
	uint32_t checksum; /* as found on the wire (host order of the 32-bit field) */
};

/* Parse the 12-byte common header. USCTP_ERR_TRUNCATED if len < 12. */
int usctp_hdr_parse(const uint8_t *pkt, size_t len, struct usctp_common_hdr *out);
/* Write the common header with a zero checksum. USCTP_ERR_NOBUF if cap < 12. */
int usctp_hdr_build(uint8_t *pkt, size_t cap, uint16_t src_port, uint16_t dst_port, uint32_t vtag);

/* Compute the CRC32c over the packet (checksum field taken as 0) and store it. */
void usctp_pkt_set_checksum(uint8_t *pkt, size_t len);
/* 0 if the stored checksum matches, USCTP_ERR_BAD_CHECKSUM otherwise (or TRUNCATED). */
int usctp_pkt_verify_checksum(const uint8_t *pkt, size_t len);

/*
 * Validate a whole packet's structure: header present, every chunk's length
 * >= 4 and >= its type's minimum, chunks padded and within bounds, and the
 * bundling rules (INIT, INIT ACK and SHUTDOWN COMPLETE alone). Does not check
 * the checksum. Returns the number of chunks on success (0 for a packet that
 * is only a common header: the caller decides what to do with it); else
 * TRUNCATED, ZERO_LENGTH, BAD_LENGTH, BAD_PADDING or BAD_BUNDLING.
 */
int usctp_pkt_validate(const uint8_t *pkt, size_t len);

/* ------------------------------------------------------------------ */
/* Chunk iteration                                                      */
/* ------------------------------------------------------------------ */

/* A view of one chunk inside a packet. */
struct usctp_chunk {
	uint8_t type;
	uint8_t flags;
	uint16_t length;      /* the chunk length field (header included, padding excluded) */
	const uint8_t *raw;   /* start of the chunk header */
	const uint8_t *value; /* raw + 4 */
	size_t value_len;     /* length - 4 */
};

struct usctp_chunk_iter {
	const uint8_t *p;
	size_t left;
};

/* Start iterating the chunks after the common header. */
void usctp_chunk_iter_init(struct usctp_chunk_iter *it, const uint8_t *pkt, size_t len);
/*
 * Next chunk: 1 and *out filled, 0 at the clean end, negative on malformed
 * input (TRUNCATED, ZERO_LENGTH, BAD_LENGTH for below-minimum, BAD_PADDING when
 * the padding of a non-last chunk is cut short). After an error the iterator
 * stays at the error.
 */
int usctp_chunk_next(struct usctp_chunk_iter *it, struct usctp_chunk *out);
/* Whether a chunk of type is among the packet's well-formed leading chunks. */
bool usctp_pkt_has_chunk(const uint8_t *pkt, size_t len, uint8_t type);

/* ------------------------------------------------------------------ */
/* Parameter / error-cause iteration (TLVs inside a chunk's value)     */
/* ------------------------------------------------------------------ */

struct usctp_tlv {
	uint16_t type;        /* parameter type or cause code */
	uint16_t length;      /* length field (header included, padding excluded) */
	const uint8_t *raw;   /* start of the TLV header */
	const uint8_t *value; /* raw + 4 */
	size_t value_len;     /* length - 4 */
};

struct usctp_tlv_iter {
	const uint8_t *p;
	size_t left;
};

void usctp_tlv_iter_init(struct usctp_tlv_iter *it, const uint8_t *buf, size_t len);
/*
 * Next TLV: 1 and *out filled, 0 at the end, negative on malformed input
 * (TRUNCATED, ZERO_LENGTH when length is 0, BAD_LENGTH when length is 1..3,
 * BAD_PADDING). The last TLV may omit its padding. After an error the
 * iterator stays at the error.
 */
int usctp_tlv_next(struct usctp_tlv_iter *it, struct usctp_tlv *out);

/* ------------------------------------------------------------------ */
/* Addresses as carried in parameters                                   */
/* ------------------------------------------------------------------ */

/* An IP address value (no port). family is 4 or 6. */
struct usctp_ipaddr {
	uint8_t family; /* 4 or 6 */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
};
/* Same family and the family's bytes. */
bool usctp_ip_eq(const struct usctp_ipaddr *a, const struct usctp_ipaddr *b);
/* 0.0.0.0 or :: (INADDR_ANY, in6addr_any). */
bool usctp_ip_is_any(const struct usctp_ipaddr *ip);
/* 127.0.0.0/8 or ::1. */
bool usctp_ip_is_loopback(const struct usctp_ipaddr *ip);
/* Not multicast, not the IPv4 limited broadcast, not unspecified (RFC 9260
 * 8.4 rule 1: out-of-the-blue packets to or from anything else are dropped;
 * such addresses in INIT / INIT ACK never become paths). */
bool usctp_ip_is_unicast(const struct usctp_ipaddr *ip);

/* ------------------------------------------------------------------ */
/* Typed chunk views                                                    */
/* ------------------------------------------------------------------ */

struct usctp_data_chunk {
	uint8_t flags; /* USCTP_DATA_FLAG_* */
	uint32_t tsn;
	uint16_t sid;
	uint16_t ssn;
	uint32_t ppid; /* exactly the 4 bytes on the wire, read as big-endian */
	const uint8_t *payload;
	size_t payload_len; /* > 0 for a valid DATA chunk */
};
/*
 * BAD_LENGTH if < 16 bytes; BAD_VALUE (No User Data) if payload is empty, in
 * which case *out is still filled so the caller has the TSN for the cause.
 */
int usctp_data_parse(const struct usctp_chunk *c, struct usctp_data_chunk *out);

/* INIT and INIT ACK share this layout. */
struct usctp_init_chunk {
	uint32_t init_tag;
	uint32_t a_rwnd;
	uint16_t num_ostreams;
	uint16_t num_istreams;
	uint32_t initial_tsn;
	const uint8_t *params; /* variable-length parameters (iterate with usctp_tlv_*) */
	size_t params_len;
};
/*
 * Parse the fixed part and check the parameter area is well formed. A zero
 * Initiate Tag or zero stream counts are reported as BAD_VALUE (the caller
 * answers with ABORT per RFC 9260 3.3.2); *out is filled all the same.
 * Errors: BAD_LENGTH (< 20 bytes), the usctp_tlv_next codes for the
 * parameter area, BAD_VALUE.
 */
int usctp_init_parse(const struct usctp_chunk *c, struct usctp_init_chunk *out);

/*
 * Digest of the parameters of an INIT / INIT ACK, for the core. Unknown
 * parameters are collected by action: *stop is set if one with action 00/01
 * was met; reportable ones (01/11) are listed in unrecognized[] (pointers to
 * their raw TLVs) for an Unrecognized Parameter error / parameter.
 */
#define USCTP_MAX_ADDR_PARAMS 16
#define USCTP_MAX_UNRECOGNIZED 8
struct usctp_init_params {
	struct usctp_ipaddr addrs[USCTP_MAX_ADDR_PARAMS];
	unsigned num_addrs;
	bool addrs_overflow;          /* more addresses than fit */
	const uint8_t *cookie;        /* State Cookie value (INIT ACK) */
	size_t cookie_len;
	uint32_t cookie_preservative_ms; /* 0 if absent */
	bool has_host_name;           /* Host Name Address present (we answer Unresolvable Address) */
	const uint8_t *host_name;
	size_t host_name_len;
	bool has_supported_addr_types;
	bool supports_ipv4, supports_ipv6; /* from Supported Address Types, if present */
	bool ecn_capable;
	bool forward_tsn;             /* Forward-TSN-Supported (RFC 3758) */
	const uint8_t *extensions;    /* Supported Extensions: list of chunk types */
	size_t num_extensions;
	bool has_adaptation;
	uint32_t adaptation_ind;
	bool zero_checksum;
	uint32_t zero_checksum_edmid;
	bool stop;                    /* an unknown parameter with action 00/01 was met */
	const uint8_t *unrecognized[USCTP_MAX_UNRECOGNIZED]; /* raw TLVs to report */
	uint16_t unrecognized_len[USCTP_MAX_UNRECOGNIZED];   /* their lengths (unpadded) */
	unsigned num_unrecognized;
	bool unrecognized_overflow; /* more reportable unknown parameters than fit */
};
/*
 * Parse the parameters of an INIT / INIT ACK. Returns 0 (also when an unknown
 * parameter said stop: see ->stop); the usctp_tlv_next codes for a malformed
 * parameter area; BAD_LENGTH for a known parameter of the wrong size (IPv4
 * value 4 bytes, IPv6 16, Cookie Preservative 4, ECN Capable and
 * Forward-TSN-Supported 0, Adaptation and Zero Checksum 4, Supported Address
 * Types a non-empty even length, State Cookie and Host Name non-empty). The
 * first State Cookie wins; addresses past USCTP_MAX_ADDR_PARAMS set
 * addrs_overflow. Pointers in *out point into params.
 */
int usctp_init_params_parse(const uint8_t *params, size_t len, struct usctp_init_params *out);
/* True if the Supported Extensions list names chunk type t. */
bool usctp_init_params_has_ext(const struct usctp_init_params *p, uint8_t t);

struct usctp_gap_block {
	uint16_t start; /* offsets from the cumulative TSN ack */
	uint16_t end;
};
struct usctp_sack_chunk {
	uint32_t cum_tsn;
	uint32_t a_rwnd;
	uint16_t num_gaps;
	uint16_t num_dups;
	const uint8_t *gaps; /* num_gaps * 4 bytes */
	const uint8_t *dups; /* num_dups * 4 bytes */
};
/* BAD_LENGTH if < 16 bytes; MISALIGNED if the counts do not match the chunk length. */
int usctp_sack_parse(const struct usctp_chunk *c, struct usctp_sack_chunk *out);
/* i-th gap block / duplicate TSN; zero past the parsed counts. */
struct usctp_gap_block usctp_sack_gap(const struct usctp_sack_chunk *s, unsigned i);
uint32_t usctp_sack_dup(const struct usctp_sack_chunk *s, unsigned i);

/* HEARTBEAT / HEARTBEAT ACK: the Heartbeat Info parameter's value. */
struct usctp_heartbeat_chunk {
	const uint8_t *info;
	size_t info_len;
};
/* BAD_LENGTH if no room for the parameter header, usctp_tlv_next codes, BAD_VALUE if not Heartbeat Info. */
int usctp_heartbeat_parse(const struct usctp_chunk *c, struct usctp_heartbeat_chunk *out);

/* SHUTDOWN: the cumulative TSN ack. BAD_LENGTH if < 8 bytes (a longer one is accepted). */
int usctp_shutdown_parse(const struct usctp_chunk *c, uint32_t *cum_tsn);

/* COOKIE ECHO: the cookie bytes (the whole chunk value). BAD_LENGTH if empty. */
int usctp_cookie_echo_parse(const struct usctp_chunk *c, const uint8_t **cookie, size_t *len);

/*
 * ABORT and ERROR: iterate the causes with usctp_tlv_* over c->value.
 * usctp_causes_validate checks every cause in an ABORT / ERROR value: the TLV layout (codes of
 * usctp_tlv_next) and, per code, the info length: BAD_LENGTH if a fixed-size
 * cause has the wrong size, MISALIGNED if a Missing Mandatory Parameter count
 * does not match its length. Unknown codes are accepted with any length.
 */
int usctp_causes_validate(const uint8_t *causes, size_t len);

/* FORWARD TSN (RFC 3758 3.2). */
struct usctp_fwd_tsn_chunk {
	uint32_t new_cum_tsn;
	unsigned num_streams;
	const uint8_t *streams; /* num_streams * 4 bytes: (sid, ssn) */
};
/* BAD_LENGTH if < 8 bytes; MISALIGNED if a stream entry is partial. */
int usctp_fwd_tsn_parse(const struct usctp_chunk *c, struct usctp_fwd_tsn_chunk *out);
/* i-th (sid, ssn); 0, 0 past num_streams. */
void usctp_fwd_tsn_stream(const struct usctp_fwd_tsn_chunk *f, unsigned i, uint16_t *sid, uint16_t *ssn);

/* Typed error-cause views. */
struct usctp_cause {
	uint16_t code;
	const uint8_t *info; /* cause-specific information */
	size_t info_len;
};
/* Decode fixed-size fields of well-known causes (returns BAD_LENGTH if too short). */
int usctp_cause_invalid_stream(const struct usctp_tlv *t, uint16_t *sid);
int usctp_cause_stale_cookie(const struct usctp_tlv *t, uint32_t *staleness_us);
int usctp_cause_missing_params(const struct usctp_tlv *t, unsigned *count, const uint8_t **types);
/* No User Data: the TSN of the empty DATA chunk. */
int usctp_cause_no_user_data(const struct usctp_tlv *t, uint32_t *tsn);

/* ------------------------------------------------------------------ */
/* Builders                                                              */
/* ------------------------------------------------------------------ */

/*
 * A bounded output buffer. Builders append one whole chunk (padded) or
 * nothing: on overflow they return USCTP_ERR_NOBUF and leave len unchanged
 * (and write no byte). Padding is written as zeros. A unit whose length
 * would not fit its 16-bit length field, or arguments the RFC forbids for a
 * builder (a DATA with no payload, an empty COOKIE ECHO, a PAD < 4, an
 * address family other than 4 / 6, neither address type, a HEARTBEAT
 * builder given another type), give USCTP_ERR_INVALID.
 */
struct usctp_wbuf {
	uint8_t *buf;
	size_t cap;
	size_t len;
};
static inline void usctp_wbuf_init(struct usctp_wbuf *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
}
static inline size_t usctp_wbuf_room(const struct usctp_wbuf *w) { return w->cap - w->len; }

/* Start a packet: common header with zero checksum. */
int usctp_build_hdr(struct usctp_wbuf *w, uint16_t src_port, uint16_t dst_port, uint32_t vtag);
/* Finish a packet: compute and store the checksum over w->buf[0..len). */
void usctp_build_finish(struct usctp_wbuf *w);

/* Generic: a chunk with an opaque value. */
int usctp_build_chunk(struct usctp_wbuf *w, uint8_t type, uint8_t flags, const void *value, size_t value_len);

int usctp_build_data(struct usctp_wbuf *w, uint8_t flags, uint32_t tsn, uint16_t sid, uint16_t ssn,
		     uint32_t ppid, const void *payload, size_t len);

/*
 * INIT / INIT ACK: fixed part plus the caller's already-encoded parameters
 * (built with the parameter builders below into a separate wbuf).
 */
int usctp_build_init(struct usctp_wbuf *w, uint8_t type, uint32_t init_tag, uint32_t a_rwnd,
		     uint16_t os, uint16_t mis, uint32_t initial_tsn, const void *params, size_t params_len);

int usctp_build_sack(struct usctp_wbuf *w, uint32_t cum_tsn, uint32_t a_rwnd,
		     const struct usctp_gap_block *gaps, unsigned num_gaps, const uint32_t *dups,
		     unsigned num_dups);
/* HEARTBEAT (type 4) or HEARTBEAT ACK (type 5) with a Heartbeat Info parameter. */
int usctp_build_heartbeat(struct usctp_wbuf *w, uint8_t type, const void *info, size_t len);
/* ABORT / ERROR with already-encoded causes (cause builders below). */
int usctp_build_abort(struct usctp_wbuf *w, bool t_bit, const void *causes, size_t len);
int usctp_build_error(struct usctp_wbuf *w, const void *causes, size_t len);
int usctp_build_shutdown(struct usctp_wbuf *w, uint32_t cum_tsn);
int usctp_build_shutdown_ack(struct usctp_wbuf *w);
int usctp_build_shutdown_complete(struct usctp_wbuf *w, bool t_bit);
int usctp_build_cookie_echo(struct usctp_wbuf *w, const void *cookie, size_t len);
int usctp_build_cookie_ack(struct usctp_wbuf *w);
int usctp_build_fwd_tsn(struct usctp_wbuf *w, uint32_t new_cum_tsn, const uint16_t *sids,
			const uint16_t *ssns, unsigned n);
/* PAD chunk (RFC 4820) of total length len (>= 4). */
int usctp_build_pad(struct usctp_wbuf *w, size_t len);

/* Parameters (append a padded TLV). */
int usctp_build_param(struct usctp_wbuf *w, uint16_t type, const void *value, size_t len);
int usctp_build_param_ipaddr(struct usctp_wbuf *w, const struct usctp_ipaddr *a);
int usctp_build_param_cookie_preservative(struct usctp_wbuf *w, uint32_t increment_ms);
int usctp_build_param_supported_addr_types(struct usctp_wbuf *w, bool ipv4, bool ipv6);
int usctp_build_param_supported_ext(struct usctp_wbuf *w, const uint8_t *types, size_t n);
int usctp_build_param_u32(struct usctp_wbuf *w, uint16_t type, uint32_t v); /* adaptation, zero checksum */
/* Unrecognized Parameter (type 8, in INIT ACK): wraps one unknown parameter's raw TLV (len >= 4). */
int usctp_build_param_unrecognized(struct usctp_wbuf *w, const uint8_t *tlv, size_t len);

/* Error causes (append a padded TLV). */
int usctp_build_cause(struct usctp_wbuf *w, uint16_t code, const void *info, size_t len);
int usctp_build_cause_invalid_stream(struct usctp_wbuf *w, uint16_t sid);
int usctp_build_cause_missing_params(struct usctp_wbuf *w, const uint16_t *types, unsigned n);
int usctp_build_cause_stale_cookie(struct usctp_wbuf *w, uint32_t staleness_us);
int usctp_build_cause_no_user_data(struct usctp_wbuf *w, uint32_t tsn);
/* Unrecognized Chunk Type: the whole offending chunk (header included). */
int usctp_build_cause_unrecognized_chunk(struct usctp_wbuf *w, const uint8_t *chunk, size_t len);
/* Out of Resource, Invalid Mandatory Parameter, Cookie Received While Shutting Down: no info. */
int usctp_build_cause_out_of_resource(struct usctp_wbuf *w);
int usctp_build_cause_invalid_mandatory_param(struct usctp_wbuf *w);
int usctp_build_cause_cookie_while_shutdown(struct usctp_wbuf *w);
/* Unresolvable Address: the offending address parameter's raw TLV (len >= 4, e.g. a Host Name Address). */
int usctp_build_cause_unresolvable_addr(struct usctp_wbuf *w, const uint8_t *addr_tlv, size_t len);
/*
 * Unrecognized Parameters: n (1..USCTP_MAX_UNRECOGNIZED) raw parameter TLVs,
 * each padded inside the cause; takes usctp_init_params.unrecognized[] and
 * unrecognized_len[] directly. INVALID if n is out of range or a len < 4.
 */
int usctp_build_cause_unrecognized_params(struct usctp_wbuf *w, const uint8_t *const *tlvs,
					  const uint16_t *lens, unsigned n);
/* Restart of an Association with New Addresses: the new addresses as IPv4/IPv6 parameters (n <= 16). */
int usctp_build_cause_restart_new_addrs(struct usctp_wbuf *w, const struct usctp_ipaddr *addrs, unsigned n);
/* User-Initiated Abort: the upper layer's reason, opaque (may be empty). */
int usctp_build_cause_user_abort(struct usctp_wbuf *w, const void *reason, size_t len);
/* Protocol Violation: additional information, opaque (may be empty). */
int usctp_build_cause_protocol_violation(struct usctp_wbuf *w, const void *info, size_t len);

#endif
