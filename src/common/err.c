#include "err.h"

const char *usctp_strerror(int err)
{
	switch (err) {
	case USCTP_OK: return "ok";
	case USCTP_ERR_TRUNCATED: return "truncated";
	case USCTP_ERR_BAD_LENGTH: return "bad length";
	case USCTP_ERR_ZERO_LENGTH: return "zero length";
	case USCTP_ERR_BAD_PADDING: return "bad padding";
	case USCTP_ERR_BAD_CHECKSUM: return "bad checksum";
	case USCTP_ERR_BAD_BUNDLING: return "bad bundling";
	case USCTP_ERR_BAD_VALUE: return "bad value";
	case USCTP_ERR_MISALIGNED: return "misaligned";
	case USCTP_ERR_NOBUF: return "output buffer too small";
	case USCTP_ERR_NOMEM: return "out of memory";
	case USCTP_ERR_INVALID: return "invalid argument";
	case USCTP_ERR_STATE: return "wrong state";
	case USCTP_ERR_BAD_STREAM: return "bad stream";
	case USCTP_ERR_MSGSIZE: return "message too large";
	case USCTP_ERR_WOULDBLOCK: return "would block";
	case USCTP_ERR_CLOSED: return "closed";
	case USCTP_ERR_ABORTED: return "aborted";
	case USCTP_ERR_NOT_FOUND: return "not found";
	case USCTP_ERR_NO_PATH: return "no path";
	case USCTP_ERR_AUTH: return "authentication failed";
	case USCTP_ERR_STALE: return "stale";
	case USCTP_ERR_PROTO: return "protocol violation";
	}
	return "unknown error";
}
