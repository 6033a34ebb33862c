/*
 * SCTP_REMOTE_UDP_ENCAPS_PORT (RFC 6951 6.1): the UDP port the peer's
 * packets go to. Per address of an association (FreeBSD's per-path port),
 * per association, or the socket's for future associations; a wildcard
 * sue_address (any family) means no address, as in FreeBSD and usrsctp.
 */
#include <netinet/in.h>
#include <string.h>

#include "opts_internal.h"

int usctp_opt_encaps_set(struct usctp_sock *s, const struct sctp_udpencaps *u)
{
	struct usctp_sockopts *o = &s->o;
	uint16_t port = ntohs(u->sue_port);
	struct usctp_sassoc *sa = usctp_opt_target(s, u->sue_assoc_id);
	if (s->type == SOCK_SEQPACKET && u->sue_assoc_id > SCTP_ALL_ASSOC && !sa)
		return -EINVAL;
	struct usctp_addr a;
	uint16_t sctp_port;
	/* A wildcard address (any family) means no address, as in
	 * FreeBSD and usrsctp: the association's or socket's port. */
	bool has_addr = usctp_addr_from_sa((const struct sockaddr *)&u->sue_address, sizeof(u->sue_address),
					   &a, &sctp_port) == 0 &&
			!usctp_ip_is_any(&a.ip);
	if (sa && (s->type == SOCK_SEQPACKET || sa->a)) {
		if (!has_addr) {
			sa->port_override = port;
			return 0;
		}
		/* One address of the association (FreeBSD's per-path port). */
		unsigned i;
		for (i = 0; i < sa->naddr_ports; i++)
			if (memcmp(&sa->addr_ports[i].ip, &a.ip, sizeof(a.ip)) == 0)
				break;
		if (i == USCTP_MAX_ADDR_PARAMS)
			return -ENOMEM;
		sa->addr_ports[i].ip = a.ip;
		sa->addr_ports[i].port = port;
		if (i == sa->naddr_ports)
			sa->naddr_ports++;
		return 0;
	}
	if (has_addr)
		return -EINVAL; /* an address needs its association */
	o->encaps_port = port;
	return 0;
}

int usctp_opt_encaps_get(struct usctp_sock *s, struct sctp_udpencaps *u)
{
	const struct usctp_sockopts *o = &s->o;
	struct usctp_sassoc *sa = usctp_opt_target(s, u->sue_assoc_id);
	if (s->type == SOCK_SEQPACKET && u->sue_assoc_id > SCTP_ALL_ASSOC && !sa)
		return -EINVAL;
	uint16_t port = o->encaps_port;
	if (sa && sa->a) {
		/* The port in use for the given address, else the primary's. */
		struct usctp_addr a;
		uint16_t sctp_port;
		struct usctp_assoc_status cs;
		usctp_assoc_get_status(sa->a, &cs);
		struct usctp_path_status ps;
		bool found = false;
		if (usctp_addr_from_sa((const struct sockaddr *)&u->sue_address, sizeof(u->sue_address), &a,
				       &sctp_port) == 0 &&
		    !usctp_ip_is_any(&a.ip)) {
			for (unsigned i = 0; i < cs.num_paths && !found; i++)
				found = usctp_assoc_path_status(sa->a, i, &ps) == 0 &&
					memcmp(&ps.addr.ip, &a.ip, sizeof(a.ip)) == 0;
			if (!found)
				return -EINVAL;
		} else {
			found = usctp_assoc_path_status(sa->a, (unsigned)(cs.primary < 0 ? 0 : cs.primary),
							&ps) == 0;
		}
		if (found)
			port = usctp_sa_udp_port(sa, &ps.addr);
	} else if (sa && sa->port_override) {
		port = sa->port_override;
	}
	u->sue_port = htons(port);
	return 0;
}
