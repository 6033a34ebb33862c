/* usrsctp_peer: the server: accept (one-to-one) or one SOCK_SEQPACKET socket, echo or discard. */
#define _GNU_SOURCE
#include "peer.h"

#include <errno.h>
#include <string.h>

/* Whether the association can still take new data (not shutting down). */
static int established(struct socket *s, sctp_assoc_t id)
{
	struct sctp_status ss;
	socklen_t len = sizeof ss;
	memset(&ss, 0, sizeof ss);
	ss.sstat_assoc_id = id;
	if (usrsctp_getsockopt(s, IPPROTO_SCTP, SCTP_STATUS, &ss, &len) < 0)
		return 0;
	return ss.sstat_state == SCTP_ESTABLISHED;
}

/*
 * Serves one socket until it reports EOF / abort (one-to-one) or until
 * o.assocs associations have ended (one-to-many). Echo sends are retried
 * until accepted, so a full send buffer only pauses reading, unless the
 * association stops taking data (the peer shut down: only allowed under
 * PR-SCTP, where the client may stop waiting for late echoes).
 */
static void serve(struct socket *s, uint64_t deadline)
{
	static uint8_t buf[MAX_MSG + 64];
	size_t have = 0;
	long long here = 0; /* messages echoed on this socket */
	int pending = 0, shut = 0;
	struct rinfo pri = {0};
	size_t plen = 0;
	while (now_ms() < deadline) {
		if (pending) {
			int r =
			    send_msg(s, buf, plen, pri.sid, pri.ppid, pri.unordered, pri.assoc, o.pr_ttl_ms);
			if (r == 0 && established(s, pri.assoc)) {
				sleep_us(500);
				continue;
			}
			if (r == 0)
				errno = ESHUTDOWN; /* blocked for good: the peer is shutting down */
			pending = 0;
			if (r > 0) {
				st.sent++;
				st.bytes_sent += plen;
				if ((o.abort_first || o.eof_first) && ++here == o.expect) {
					/* The server ends it (an ABORT discards what is queued). */
					if (o.abort_first)
						wait_drained(s, pri.assoc, 10000);
					else
						quiet_to_stragglers();
					struct sctp_sndinfo si;
					memset(&si, 0, sizeof si);
					si.snd_flags = o.abort_first ? SCTP_ABORT : SCTP_EOF;
					si.snd_assoc_id = pri.assoc;
					info("server ends the association: %s",
					     o.abort_first ? "ABORT" : "EOF");
					if (usrsctp_sendv(s, buf, 0, NULL, 0, &si, sizeof si,
							  SCTP_SENDV_SNDINFO, 0) < 0)
						fail("%s: %s", o.abort_first ? "SCTP_ABORT" : "SCTP_EOF",
						     strerror(errno));
					if (o.abort_first) {
						st.aborted++;
						st.assocs_done++;
						return;
					}
				}
			} else if (o.pr_ttl_ms) {
				/* The client may give up on late echoes and shut down: allowed. */
				info("echo not sent: %s", strerror(errno));
				st.missing++;
			} else {
				fail("echo: usrsctp_sendv: %s", strerror(errno));
			}
		}
		struct rx r = receive(s, buf + have, sizeof buf - have);
		if (r.n == -2) {
			sleep_us(500);
			continue;
		}
		if (r.n == 0 && !(r.flags & MSG_NOTIFICATION)) {
			info("peer shut down");
			st.assocs_done++;
			return;
		}
		if (r.n < 0) {
			if (errno == ENOTCONN && shut) {
				/* Gone after a graceful SHUTDOWN before we read the EOF. */
				info("peer shut down (association already gone)");
				st.assocs_done++;
			} else if (errno == ECONNRESET || errno == ENOTCONN || errno == ECONNABORTED) {
				info("association aborted: %s", strerror(errno));
				st.aborted++;
				st.assocs_done++;
			} else {
				fail("usrsctp_recvv: %s", strerror(errno));
			}
			return;
		}
		if (r.flags & MSG_NOTIFICATION) {
			sctp_assoc_t id = 0;
			int state = notification(buf + have, (size_t)r.n, &id);
			/* One-to-one sockets report the end by EOF or an error instead. */
			if (!o.one_to_many) {
				shut |= state == NOTE_PEER_SHUTDOWN || state == SCTP_SHUTDOWN_COMP;
				continue;
			}
			st.assocs_up += state == SCTP_COMM_UP;
			st.aborted += state == SCTP_COMM_LOST;
			if (state == SCTP_SHUTDOWN_COMP || state == SCTP_COMM_LOST) {
				st.assocs_done++;
				if (st.assocs_done >= o.assocs)
					return;
			}
			continue;
		}
		have += (size_t)r.n;
		if (!(r.flags & MSG_EOR)) {
			if (have >= sizeof buf) {
				fail("message larger than %d bytes", MAX_MSG);
				have = 0;
			}
			continue;
		}
		struct msg m;
		st.received++;
		st.bytes_received += have;
		check_msg(buf, have, &r.ri, &m);
		if (o.mode == MODE_ECHO) {
			pending = 1;
			pri = r.ri;
			plen = have;
		}
		have = 0;
	}
	fail("timed out serving (received %llu)", (unsigned long long)st.received);
}

int run_server(void)
{
	uint64_t deadline = t_start + (uint64_t)o.timeout_s * 1000u;
	struct socket *l = usrsctp_socket(family, o.one_to_many ? SOCK_SEQPACKET : SOCK_STREAM, IPPROTO_SCTP,
					  NULL, NULL, 0, NULL);
	if (!l) {
		perror("usrsctp_socket");
		return 1;
	}
	sock_setup(l);
	if (o.one_to_many) {
		/* One whole message at a time across associations keeps one buffer enough. */
		int level = 0;
		setopt(l, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &level, sizeof level,
		       "SCTP_FRAGMENT_INTERLEAVE");
	}
	struct sockaddr_storage ss;
	socklen_t sl = make_addr(&ss, o.host[0], o.sctp_port);
	if (usrsctp_bind(l, (struct sockaddr *)&ss, sl) < 0) {
		fprintf(stderr, "%s: bind %s port %u: %s\n", peer_name, o.host[0], o.sctp_port,
			strerror(errno));
		return 1;
	}
	for (int i = 1; i < o.n_host; i++) {
		/* Multi-homing: the other addresses join the first. */
		sl = make_addr(&ss, o.host[i], o.sctp_port);
		if (usrsctp_bindx(l, (struct sockaddr *)&ss, 1, SCTP_BINDX_ADD_ADDR) < 0) {
			fprintf(stderr, "%s: bindx %s: %s\n", peer_name, o.host[i], strerror(errno));
			return 1;
		}
	}
	if (usrsctp_listen(l, 64) < 0) {
		perror("listen");
		return 1;
	}
	usrsctp_set_non_blocking(l, 1);
	fprintf(stderr, "%s: listening on %s port %u (udp %u)%s\n", peer_name, o.host[0], o.sctp_port,
		o.udp_port, o.one_to_many ? " one-to-many" : "");
	if (o.one_to_many) {
		serve(l, deadline);
	} else {
		for (uint32_t a = 0; a < o.assocs && now_ms() < deadline; a++) {
			struct socket *c = NULL;
			while (!c && now_ms() < deadline) {
				c = usrsctp_accept(l, NULL, NULL);
				if (!c) {
					if (errno != EWOULDBLOCK && errno != EAGAIN) {
						fail("accept: %s", strerror(errno));
						break;
					}
					sleep_us(1000);
				}
			}
			if (!c)
				break;
			st.assocs_up++;
			sock_setup(c);
			usrsctp_set_non_blocking(c, 1);
			serve(c, deadline);
			wait_gone(c, 3000);
			usrsctp_close(c);
		}
	}
	usrsctp_close(l);
	if (st.assocs_done < o.assocs)
		fail("%llu of %u associations ended", (unsigned long long)st.assocs_done, o.assocs);
	if (o.expect >= 0 && st.received != (uint64_t)o.expect) {
		if (!o.pr_ttl_ms)
			fail("received %llu messages, expected %lld", (unsigned long long)st.received,
			     o.expect);
		if (st.received < (uint64_t)o.expect)
			st.missing += (uint64_t)o.expect - st.received;
	}
	if (st.gaps && !o.pr_ttl_ms)
		fail("%llu ordered messages skipped without PR-SCTP", (unsigned long long)st.gaps);
	if (o.expect_abort && st.aborted < o.assocs)
		fail("%llu of %u associations ended by ABORT, all should have",
		     (unsigned long long)st.aborted, o.assocs);
	if (!o.expect_abort && st.aborted)
		fail("%llu associations were aborted", (unsigned long long)st.aborted);
	return 0;
}
