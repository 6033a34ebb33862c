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
		fprintf(stderr, "usrsctp_peer: setsockopt %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

void sock_setup(struct socket *s)
{
	int on = 1;
	setopt(s, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on, "SCTP_RECVRCVINFO");
	setopt(s, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on, "SCTP_NODELAY");
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
	im.sinit_num_ostreams = (uint16_t)(o.streams > 10 ? o.streams : 10);
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
	socklen_t fromlen = sizeof from, rilen = sizeof r.ri;
	unsigned int infotype = 0;
	r.n = usrsctp_recvv(s, buf, cap, (struct sockaddr *)&from, &fromlen, &r.ri, &rilen, &infotype,
			    &r.flags);
	if (r.n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
		r.n = -2;
	r.have_ri = infotype == SCTP_RECVV_RCVINFO;
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
