/*
 * usctp core: what an endpoint does with a packet that belongs to no
 * association (RFC 9260 5.1, 5.1.3, 8.4).
 *
 * A listening endpoint keeps no state for an association before the COOKIE
 * ECHO: an INIT is answered with an INIT ACK whose State Cookie carries
 * everything (authenticated with the cookie key), and a valid COOKIE ECHO
 * creates the association. Out-of-the-blue packets get the answers of 8.4.
 */
#ifndef USCTP_CORE_ENDPOINT_H
#define USCTP_CORE_ENDPOINT_H

#include "assoc.h"

enum usctp_ootb_result {
	USCTP_OOTB_DROP = 0,   /* nothing to send, nothing created */
	USCTP_OOTB_REPLY,      /* *reply_len bytes in reply: send them back to from */
	USCTP_OOTB_NEW_ASSOC,  /* *new_assoc created (and may have packets to write) */
};

/*
 * Handle a packet for which the caller found no association.
 *
 * cfg is the listener's association template (ports: local_port is used, the
 * peer port is taken from the packet); listening is false when no endpoint
 * listens on the destination port (then only the OOTB answers of 8.4 apply).
 * reply must hold at least cfg->mtu bytes.
 *
 * Returns a usctp_ootb_result (>= 0) or a negative USCTP_ERR_* explaining a
 * drop (bad checksum, malformed, stale cookie answered with an ERROR is
 * USCTP_OOTB_REPLY, not an error).
 */
int usctp_endpoint_handle_ootb(const struct usctp_assoc_config *cfg, bool listening,
			       const struct usctp_addr *from, const uint8_t *pkt, size_t len,
			       uint64_t now, uint8_t *reply, size_t reply_cap, size_t *reply_len,
			       struct usctp_assoc **new_assoc);

#endif
