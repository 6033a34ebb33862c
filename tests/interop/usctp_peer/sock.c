/* usctp_peer: usctp plumbing: socket options, addresses, receive, notifications, send. */
#define _GNU_SOURCE
#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

void setopt(int sd, int level, int name, const void *v, socklen_t len, const char *what)
{
	if (usctp_setsockopt(sd, level, name, v, len) < 0) {
		fprintf(stderr, "%s: setsockopt %s: %s\n", peer_name, what, strerror(errno));
		exit(1);
	}
}

void sock_setup(int sd)
{
	int on = 1;
	setopt(sd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on, "SCTP_NODELAY");
	/* Room for whole messages of up to MAX_MSG bytes, several at a time. */
	int buf = 4 * MAX_MSG;
	setopt(sd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf, "SO_SNDBUF");
	setopt(sd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf, "SO_RCVBUF");
	uint16_t types[] = {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		struct sctp_event ev;
		memset(&ev, 0, sizeof ev);
		ev.se_assoc_id = SCTP_FUTURE_ASSOC;
		ev.se_type = types[i];
		ev.se_on = 1;
		setopt(sd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev, "SCTP_EVENT");
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
	setopt(sd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im, "SCTP_INITMSG");
	if (o.rto_max) {
		struct sctp_rtoinfo rto;
		memset(&rto, 0, sizeof rto);
		rto.srto_assoc_id = SCTP_FUTURE_ASSOC;
		rto.srto_initial = o.rto_initial;
		rto.srto_min = o.rto_min;
		rto.srto_max = o.rto_max;
		setopt(sd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto, "SCTP_RTOINFO");
	}
	if (o.hb_ms || o.mtu) {
		/* Multi-homing: notice a dead path quickly (heartbeats, 2 retransmissions). */
		struct sctp_paddrparams pp;
		memset(&pp, 0, sizeof pp);
		pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
		if (o.hb_ms) {
			pp.spp_hbinterval = o.hb_ms;
			pp.spp_pathmaxrxt = 2;
			pp.spp_flags = SPP_HB_ENABLE;
		}
		if (o.mtu) {
			pp.spp_pathmtu = o.mtu;
			pp.spp_flags |= SPP_PMTUD_DISABLE;
		}
		setopt(sd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof pp, "SCTP_PEER_ADDR_PARAMS");
	}
	if (o.remote_udp_port) {
		/*
		 * No address (family 0): the whole association. usctp rejects the
		 * wildcard address usrsctp_peer passes (EINVAL), see docs/interop.md.
		 */
		struct sctp_udpencaps enc;
		memset(&enc, 0, sizeof enc);
		enc.sue_port = htons(o.remote_udp_port);
		setopt(sd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc,
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

int pack_addrs(uint8_t *out, const char *const *hosts, int n, uint16_t port)
{
	size_t off = 0;
	for (int i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t l = make_addr(&ss, hosts[i], port);
		memcpy(out + off, &ss, l);
		off += l;
	}
	return n;
}

struct rx receive(int sd, uint8_t *buf, size_t cap)
{
	struct rx r;
	struct sctp_sndrcvinfo si;
	memset(&r, 0, sizeof r);
	memset(&si, 0, sizeof si);
	r.n = sctp_recvmsg(sd, buf, cap, NULL, NULL, &si, &r.flags);
	if (r.n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
		r.n = -2;
	if (r.n > 0 && !(r.flags & MSG_NOTIFICATION)) {
		r.ri.valid = 1;
		r.ri.assoc = si.sinfo_assoc_id;
		r.ri.ppid = si.sinfo_ppid;
		r.ri.sid = si.sinfo_stream;
		r.ri.unordered = !!(si.sinfo_flags & SCTP_UNORDERED);
	}
	return r;
}

int notification(const uint8_t *buf, size_t len, sctp_assoc_t *id)
{
	union sctp_notification n;
	memset(&n, 0, sizeof n);
	memcpy(&n, buf, len < sizeof n ? len : sizeof n);
	if (len < sizeof n.sn_header)
		return 0;
	if (n.sn_header.sn_type == SCTP_ASSOC_CHANGE && len >= sizeof n.sn_assoc_change) {
		*id = n.sn_assoc_change.sac_assoc_id;
		info("assoc %u change: state %u", *id, n.sn_assoc_change.sac_state);
		return n.sn_assoc_change.sac_state;
	}
	if (n.sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
		info("shutdown event");
		return NOTE_PEER_SHUTDOWN;
	}
	return 0;
}

int send_msg(int sd, const uint8_t *buf, size_t len, uint16_t sid, uint32_t ppid, int unordered,
	     sctp_assoc_t id, uint32_t ttl_ms)
{
	struct sctp_sndrcvinfo si;
	memset(&si, 0, sizeof si);
	si.sinfo_stream = sid;
	si.sinfo_ppid = ppid;
	si.sinfo_flags = unordered ? SCTP_UNORDERED : 0;
	si.sinfo_assoc_id = id;
	if (ttl_ms) {
		si.sinfo_flags |= SCTP_PR_SCTP_TTL;
		si.sinfo_timetolive = ttl_ms;
	}
	ssize_t n = sctp_send(sd, buf, len, &si, 0);
	if (n == (ssize_t)len)
		return 1;
	if (n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN || errno == ENOBUFS))
		return 0;
	if (n >= 0)
		errno = EMSGSIZE; /* a partial send: whole messages were asked for */
	return -1;
}

int send_flags(int sd, sctp_assoc_t id, uint16_t flags)
{
	struct sctp_sndrcvinfo si;
	memset(&si, 0, sizeof si);
	si.sinfo_flags = flags;
	si.sinfo_assoc_id = id;
	return sctp_send(sd, "", 0, &si, 0) < 0 ? -1 : 0;
}

void wait_drained(int sd, sctp_assoc_t id, uint64_t max_ms)
{
	for (uint64_t end = now_ms() + max_ms; now_ms() < end;) {
		struct sctp_status ss;
		socklen_t len = sizeof ss;
		memset(&ss, 0, sizeof ss);
		ss.sstat_assoc_id = id;
		if (usctp_getsockopt(sd, IPPROTO_SCTP, SCTP_STATUS, &ss, &len) < 0 ||
		    (ss.sstat_unackdata == 0 && ss.sstat_penddata == 0))
			return;
		sleep_us(2000);
	}
}

void wait_io(int sd, int out, int ms)
{
	struct pollfd p = {.fd = sd, .events = (short)(POLLIN | (out ? POLLOUT : 0))};
	poll(&p, 1, ms);
}

void wait_gone(int sd, uint64_t max_ms)
{
	for (uint64_t end = now_ms() + max_ms; now_ms() < end;) {
		struct sctp_status ss;
		socklen_t len = sizeof ss;
		memset(&ss, 0, sizeof ss);
		if (usctp_getsockopt(sd, IPPROTO_SCTP, SCTP_STATUS, &ss, &len) < 0 ||
		    ss.sstat_state == SCTP_CLOSED)
			return;
		sleep_us(2000);
	}
}
