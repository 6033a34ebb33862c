/*
 * usctp internal error codes.
 *
 * The wire and core layers return 0 (or a non-negative count) on success and a
 * negative USCTP_ERR_* on failure. Only src/sock/ turns these into -1/errno.
 */
#ifndef USCTP_COMMON_ERR_H
#define USCTP_COMMON_ERR_H

enum usctp_err {
	USCTP_OK = 0,
	/* --- wire: malformed input --- */
	USCTP_ERR_TRUNCATED = -1,      /* buffer shorter than a header or a declared length */
	USCTP_ERR_BAD_LENGTH = -2,     /* length field below the minimum for its type */
	USCTP_ERR_ZERO_LENGTH = -3,    /* chunk or parameter length 0 (would loop) */
	USCTP_ERR_BAD_PADDING = -4,    /* padding missing where more data follows */
	USCTP_ERR_BAD_CHECKSUM = -5,   /* CRC32c mismatch */
	USCTP_ERR_BAD_BUNDLING = -6,   /* INIT / INIT ACK / SHUTDOWN COMPLETE bundled */
	USCTP_ERR_BAD_VALUE = -7,      /* a field holds a value the RFC forbids */
	USCTP_ERR_MISALIGNED = -8,     /* a sub-field does not fit its declared layout */
	USCTP_ERR_NOBUF = -9,          /* output buffer too small (nothing written) */
	/* --- core: protocol and resource errors --- */
	USCTP_ERR_NOMEM = -20,         /* allocation failed or configured limit reached */
	USCTP_ERR_INVALID = -21,       /* invalid argument from the caller */
	USCTP_ERR_STATE = -22,         /* operation not allowed in the current state */
	USCTP_ERR_BAD_STREAM = -23,    /* stream id >= negotiated number of streams */
	USCTP_ERR_MSGSIZE = -24,       /* message larger than the send buffer allows */
	USCTP_ERR_WOULDBLOCK = -25,    /* no room right now; retry later */
	USCTP_ERR_CLOSED = -26,        /* association is shutting down / can send no more */
	USCTP_ERR_ABORTED = -27,       /* association was aborted */
	USCTP_ERR_NOT_FOUND = -28,     /* no such association / address / object */
	USCTP_ERR_NO_PATH = -29,       /* no reachable destination */
	USCTP_ERR_AUTH = -30,          /* authentication (e.g. cookie MAC) failed */
	USCTP_ERR_STALE = -31,         /* a cookie's lifetime has expired */
	USCTP_ERR_PROTO = -32,         /* protocol violation by the peer */
};

/* A short, stable, human-readable name for an error code ("truncated", ...). */
const char *usctp_strerror(int err);

#endif
