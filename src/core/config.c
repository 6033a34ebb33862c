/*
 * usctp core: configuration defaults (RFC 9260 section 16), state names,
 * address comparison.
 */
#include <string.h>

#include "assoc.h"

void usctp_assoc_config_default(struct usctp_assoc_config *c)
{
	memset(c, 0, sizeof(*c));
	c->num_ostreams = 10;
	c->max_instreams = 10;
	c->rcvbuf = 64 * 1024;
	c->sndbuf = 64 * 1024;
	c->frag_interleave = 1; /* FreeBSD's default: one partial delivery at a time per association */
	c->mtu = 1200;
	c->rto_initial_ms = 1000;
	c->rto_min_ms = 1000;
	c->rto_max_ms = 60000;
	c->max_init_retrans = 8;
	c->assoc_max_retrans = 10;
	c->path_max_retrans = 5;
	c->valid_cookie_life_ms = 60000;
	c->hb_interval_ms = 30000;
	c->sack_delay_ms = 200;
	c->sack_freq = 2;
	c->max_burst = 4;
	c->shutdown_guard_ms = 5 * 60000;
	c->verify_checksum = true;
}

const char *usctp_state_name(enum usctp_state s)
{
	switch (s) {
	case USCTP_CLOSED:
		return "CLOSED";
	case USCTP_COOKIE_WAIT:
		return "COOKIE-WAIT";
	case USCTP_COOKIE_ECHOED:
		return "COOKIE-ECHOED";
	case USCTP_ESTABLISHED:
		return "ESTABLISHED";
	case USCTP_SHUTDOWN_PENDING:
		return "SHUTDOWN-PENDING";
	case USCTP_SHUTDOWN_SENT:
		return "SHUTDOWN-SENT";
	case USCTP_SHUTDOWN_RECEIVED:
		return "SHUTDOWN-RECEIVED";
	case USCTP_SHUTDOWN_ACK_SENT:
		return "SHUTDOWN-ACK-SENT";
	}
	return "UNKNOWN";
}

bool usctp_addr_eq(const struct usctp_addr *a, const struct usctp_addr *b)
{
	return a->udp_port == b->udp_port && usctp_ip_eq(&a->ip, &b->ip);
}
