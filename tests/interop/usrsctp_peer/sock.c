/* usrsctp_peer: usrsctp plumbing: socket options, addresses, receive, notifications, send. */
#define _GNU_SOURCE
#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void setopt(struct socket *s, int level, int name, const void *v, socklen_t len, const char *what)
{
	if (usrsctp_setsockopt(s, level, name, v, len) < 0) {
		fprintf(stderr, "%s: setsockopt %s: %s\n", peer_name, what, strerror(errno));
		exit(1);
	}
}

void sock_setup(struct socket *s)
{
	int on = 1;
	setopt(s, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on, "SCTP_RECVRCVINFO");
	setopt(s, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on, "SCTP_NODELAY");
	/* Room for whole messages of up to MAX_MSG bytes, several at a time. */
	int buf = 4 * MAX_MSG;
	setopt(s, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf, "SO_SNDBUF");
	setopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf, "SO_RCVBUF");
	struct sctp_event ev;
	uint16_t types[] = {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		memset(&ev, 0, sizeof ev);
		ev.se_assoc_id = SCTP_FUTURE_ASSOC;
		ev.se_type = types[i];
		ev.se_on = 1;
		setopt(s, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev, "SCTP_EVENT");
	}
	struct sctp_initmsg im;
	memset(&im, 0, sizeof im);
	/* The server echoes on whatever stream the client used. */
	im.sinit_num_ostreams = (uint16_t)(o.role == ROLE_SERVER ? MAX_STREAMS
					   : o.streams > 10	 ? o.streams
								 : 10);
	im.sinit_max_instreams = MAX_STREAMS;
	im.sinit_max_attempts = 5;
	im.sinit_max_init_timeo = (uint16_t)(o.rto_max > 65535 ? 65535 : o.rto_max);
	setopt(s, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im, "SCTP_INITMSG");
	if (o.rto_max) {
		/* Short timers keep lossy tests quick (INIT and data retransmissions). */
		struct sctp_rtoinfo rto;
		memset(&rto, 0, sizeof rto);
		rto.srto_assoc_id = SCTP_FUTURE_ASSOC;
		rto.srto_initial = o.rto_initial;
		rto.srto_min = o.rto_min;
		rto.srto_max = o.rto_max;
		setopt(s, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto, "SCTP_RTOINFO");
	}
	if (o.hb_ms || o.mtu) {
		/* Multi-homing: notice a dead path quickly (heartbeats, 2 retransmissions). */
		struct sctp_paddrparams pp;
		memset(&pp, 0, sizeof pp);
		pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
		/* The wildcard address (all paths): on an accepted socket family 0 is refused. */
		pp.spp_address.ss_family = (sa_family_t)family;
		if (o.hb_ms) {
			pp.spp_hbinterval = o.hb_ms;
			pp.spp_pathmaxrxt = 2;
			pp.spp_flags = SPP_HB_ENABLE;
		}
		if (o.mtu) {
			pp.spp_pathmtu = o.mtu;
			pp.spp_flags |= SPP_PMTUD_DISABLE;
		}
		setopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof pp, "SCTP_PEER_ADDR_PARAMS");
	}
	if (o.remote_udp_port) {
		/* RFC 6951: the peer's UDP port. Wildcard address: applies to every path. */
		struct sctp_udpencaps enc;
		memset(&enc, 0, sizeof enc);
		enc.sue_address.ss_family = (sa_family_t)family;
		enc.sue_port = htons(o.remote_udp_port);
		setopt(s, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc,
		       "SCTP_REMOTE_UDP_ENCAPS_PORT");
	}
}

socklen_t make_addr(struct sockaddr_storage *ss, const char *host, uint16_t port)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, host, &s6->sin6_addr);
		return sizeof *s6;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	inet_pton(AF_INET, host, &s4->sin_addr);
	return sizeof *s4;
}

struct rx receive(struct socket *s, uint8_t *buf, size_t cap)
{
	struct rx r;
	memset(&r, 0, sizeof r);
	struct sockaddr_storage from;
	struct sctp_rcvinfo ri;
	socklen_t fromlen = sizeof from, rilen = sizeof ri;
	unsigned int infotype = 0;
	memset(&ri, 0, sizeof ri);
	r.n =
	    usrsctp_recvv(s, buf, cap, (struct sockaddr *)&from, &fromlen, &ri, &rilen, &infotype, &r.flags);
	if (r.n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
		r.n = -2;
	if (infotype == SCTP_RECVV_RCVINFO) {
		r.ri.valid = 1;
		r.ri.assoc = (uint32_t)ri.rcv_assoc_id;
		r.ri.ppid = ri.rcv_ppid;
		r.ri.sid = ri.rcv_sid;
		r.ri.unordered = !!(ri.rcv_flags & SCTP_UNORDERED);
	}
	return r;
}

/* Returns the sac_state of an association change, 0 for other notifications. */
int notification(const uint8_t *buf, size_t len, sctp_assoc_t *id)
{
	const union sctp_notification *n = (const void *)buf;
	if (len < sizeof n->sn_header)
		return 0;
	if (n->sn_header.sn_type == SCTP_ASSOC_CHANGE && len >= sizeof n->sn_assoc_change) {
		*id = n->sn_assoc_change.sac_assoc_id;
		info("assoc change: state %u", n->sn_assoc_change.sac_state);
		return n->sn_assoc_change.sac_state;
	}
	if (n->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
		info("shutdown event");
		return NOTE_PEER_SHUTDOWN;
	}
	return 0;
}

/* Sends one whole message; returns 1 sent, 0 would block, -1 error. */
int send_msg(struct socket *s, const uint8_t *buf, size_t len, uint16_t sid, uint32_t ppid, int unordered,
	     sctp_assoc_t id, uint32_t ttl_ms)
{
	struct sctp_sendv_spa spa;
	memset(&spa, 0, sizeof spa);
	spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
	spa.sendv_sndinfo.snd_sid = sid;
	spa.sendv_sndinfo.snd_ppid = ppid;
	spa.sendv_sndinfo.snd_flags = unordered ? SCTP_UNORDERED : 0;
	spa.sendv_sndinfo.snd_assoc_id = id;
	if (ttl_ms) {
		spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
		spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
		spa.sendv_prinfo.pr_value = ttl_ms;
	}
	ssize_t n = usrsctp_sendv(s, buf, len, NULL, 0, &spa, sizeof spa, SCTP_SENDV_SPA, 0);
	if (n == (ssize_t)len)
		return 1;
	if (n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN || errno == ENOBUFS))
		return 0;
	if (n >= 0)
		errno = EMSGSIZE; /* a partial send: whole messages were asked for */
	return -1;
}

void wait_drained(struct socket *s, sctp_assoc_t id, uint64_t max_ms)
{
	for (uint64_t end = now_ms() + max_ms; now_ms() < end;) {
		struct sctp_status ss;
		socklen_t len = sizeof ss;
		memset(&ss, 0, sizeof ss);
		ss.sstat_assoc_id = id;
		if (usrsctp_getsockopt(s, IPPROTO_SCTP, SCTP_STATUS, &ss, &len) < 0 ||
		    (ss.sstat_unackdata == 0 && ss.sstat_penddata == 0))
			return;
		sleep_us(2000);
	}
}

/*
 * The side that sends SHUTDOWN deletes its association first (when it sends
 * SHUTDOWN COMPLETE), while the relay may still hold back or duplicate
 * packets of it. Such a straggler is then out of the blue here and usrsctp
 * answers it with an ABORT with the T bit (RFC 9260 8.4 rule 8, a SHOULD).
 * If our SHUTDOWN COMPLETE was lost, or is overtaken by that ABORT, the peer
 * is still in SHUTDOWN-ACK-SENT and accepts the ABORT (8.5.1 B): its
 * association ends by an abort although everything was delivered. With
 * sctp_blackhole 2 usrsctp drops such packets silently; it still answers a
 * retransmitted SHUTDOWN ACK with SHUTDOWN COMPLETE (8.4 rule 5), which is
 * all the peer needs from us then. Global to the stack, and set before the
 * SHUTDOWN: a straggler may arrive right after our SHUTDOWN COMPLETE.
 */
void quiet_to_stragglers(void)
{
	if (usrsctp_sysctl_set_sctp_blackhole(2) != 0)
		fail("sctp_blackhole: %s", strerror(errno));
}

/*
 * After EOF the association may still be finishing its SHUTDOWN. Closing it
 * then races inside usrsctp 0.9.5 (a double free between usrsctp_close and
 * its input thread), so wait (bounded) until it is gone.
 */
void wait_gone(struct socket *c, uint64_t max_ms)
{
	uint64_t end = now_ms() + max_ms;
	while (now_ms() < end) {
		struct sctp_status ss;
		socklen_t len = sizeof ss;
		memset(&ss, 0, sizeof ss);
		if (usrsctp_getsockopt(c, IPPROTO_SCTP, SCTP_STATUS, &ss, &len) < 0 ||
		    ss.sstat_state == SCTP_CLOSED)
			return;
		sleep_us(5000);
	}
}
