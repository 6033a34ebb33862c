/* usrsctp_peer: the client: seeded traffic, echo verification, and the chosen way to end. */
#define _GNU_SOURCE
#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int wait_up(struct socket *s, uint64_t deadline)
{
	static uint8_t buf[4096];
	while (now_ms() < deadline) {
		struct rx r = receive(s, buf, sizeof buf);
		if (r.n > 0 && (r.flags & MSG_NOTIFICATION)) {
			sctp_assoc_t id;
			int state = notification(buf, (size_t)r.n, &id);
			if (state == SCTP_COMM_UP) {
				st.assocs_up++;
				return 0;
			}
			if (state == SCTP_CANT_STR_ASSOC || state == SCTP_COMM_LOST) {
				fail("association could not be established");
				return -1;
			}
			continue;
		}
		if (r.n == -2) {
			sleep_us(1000);
			continue;
		}
		fail("while connecting: recv returned %zd (%s)", r.n, strerror(errno));
		return -1;
	}
	fail("association not up in time");
	return -1;
}

/* The client's receive side: echoes being reassembled and checked. */
struct echoes {
	const struct msg *plan;
	uint8_t *seen;
	uint64_t last_rx;
	size_t have;
	uint8_t in[MAX_MSG + 64];
};

static void check_echo(struct echoes *e, const struct rx *r)
{
	struct msg m;
	st.received++;
	st.bytes_received += e->have;
	if (check_msg(e->in, e->have, &r->ri, &m) < 0)
		return;
	const struct msg *p = m.idx < o.messages ? &e->plan[m.idx] : NULL;
	if (!p || m.len != p->len || m.sid != p->sid || m.flags != p->flags) {
		fail("echo of message %u does not match what was sent", m.idx);
	} else if (e->seen[m.idx]++) {
		st.duplicates++;
		fail("message %u echoed twice", m.idx);
	}
}

/*
 * Reads what is there. Returns 1 on progress, 0 when nothing was there, -1
 * when the association ended: *how is then the association change state, 0
 * for EOF, or -1 for an error (errno).
 */
static int take_echo(struct socket *s, struct echoes *e, int *how)
{
	struct rx r = receive(s, e->in + e->have, sizeof e->in - e->have);
	if (r.n == -2)
		return 0;
	if (r.n > 0 && (r.flags & MSG_NOTIFICATION)) {
		sctp_assoc_t id;
		int state = notification(e->in + e->have, (size_t)r.n, &id);
		if (state == SCTP_COMM_LOST || state == SCTP_SHUTDOWN_COMP || state == SCTP_CANT_STR_ASSOC) {
			*how = state;
			return -1;
		}
		return 1;
	}
	if (r.n <= 0) {
		*how = r.n == 0 ? 0 : -1;
		return -1;
	}
	e->last_rx = now_ms();
	e->have += (size_t)r.n;
	if (!(r.flags & MSG_EOR)) {
		if (e->have >= sizeof e->in) {
			fail("echo larger than %d bytes", MAX_MSG);
			e->have = 0;
		}
		return 1;
	}
	check_echo(e, &r);
	e->have = 0;
	return 1;
}

/* Waits (bounded) for our SHUTDOWN to complete; late echoes still count. */
static void wait_shutdown(struct socket *s, struct echoes *e, uint64_t deadline)
{
	while (now_ms() < deadline) {
		int how = 0, got = take_echo(s, e, &how);
		if (got == 0)
			sleep_us(1000);
		if (got >= 0)
			continue;
		if (how != SCTP_SHUTDOWN_COMP && how != 0)
			fail("during shutdown: association ended (%d: %s)", how,
			     how < 0 ? strerror(errno) : "");
		return;
	}
	fail("shutdown did not complete in time");
}

/* Waits (bounded) for the server to end the association, as --end says it will. */
static void wait_peer_end(struct socket *s, struct echoes *e, uint64_t deadline)
{
	while (now_ms() < deadline) {
		int how = 0, got = take_echo(s, e, &how);
		if (got == 0)
			sleep_us(1000);
		if (got >= 0)
			continue;
		int aborted =
		    how == SCTP_COMM_LOST || (how < 0 && (errno == ECONNRESET || errno == ECONNABORTED));
		int graceful = how == SCTP_SHUTDOWN_COMP || how == 0;
		st.aborted += aborted;
		if (o.end == END_PEER_ABORT && !aborted)
			fail("the server was to abort; the association ended otherwise (%d)", how);
		if (o.end == END_PEER_EOF && !graceful)
			fail("the server was to shut down gracefully; the association ended otherwise (%d: "
			     "%s)",
			     how, how < 0 ? strerror(errno) : "");
		if (o.end == END_PEER_EOF)
			wait_gone(s, 3000); /* SHUTDOWN ACK sent: closing now races in usrsctp */
		return;
	}
	fail("the server did not end the association in time");
}

int run_client(void)
{
	uint64_t deadline = t_start + (uint64_t)o.timeout_s * 1000u;
	struct msg *plan = make_plan();
	uint8_t *seen = calloc(o.messages ? o.messages : 1, 1);
	static uint8_t out[MAX_MSG];
	static struct echoes e;
	int rc = 0;
	struct socket *s = NULL;
	if (!plan || !seen) {
		fprintf(stderr, "%s: out of memory\n", peer_name);
		rc = 1;
		goto out;
	}

	s = usrsctp_socket(family, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	if (!s) {
		perror("usrsctp_socket");
		rc = 1;
		goto out;
	}
	sock_setup(s);
	usrsctp_set_non_blocking(s, 1);
	struct sockaddr_storage ss[MAX_HOSTS];
	if (o.n_local || o.local_port) {
		/* Our addresses (multi-homing: several), all with one port. */
		uint8_t packed[MAX_HOSTS * sizeof(struct sockaddr_storage)];
		size_t off = 0;
		int n = o.n_local ? o.n_local : 1;
		for (int i = 0; i < n; i++) {
			socklen_t l = make_addr(&ss[i],
						o.n_local	     ? o.local[i]
						: family == AF_INET6 ? "::"
								     : "0.0.0.0",
						o.local_port);
			memcpy(packed + off, &ss[i], l);
			off += l;
		}
		if (usrsctp_bindx(s, (struct sockaddr *)packed, n, SCTP_BINDX_ADD_ADDR) < 0) {
			fail("bindx: %s", strerror(errno));
			goto out;
		}
	}
	uint8_t packed[MAX_HOSTS * sizeof(struct sockaddr_storage)];
	size_t off = 0;
	for (int i = 0; i < o.n_host; i++) {
		socklen_t l = make_addr(&ss[i], o.host[i], o.sctp_port);
		memcpy(packed + off, &ss[i], l);
		off += l;
	}
	if (usrsctp_connectx(s, (struct sockaddr *)packed, o.n_host, NULL) < 0 && errno != EINPROGRESS) {
		fail("connect %s port %u: %s", o.host[0], o.sctp_port, strerror(errno));
		goto out;
	}
	if (wait_up(s, deadline) < 0)
		goto out;
	info("association up");

	uint32_t next = 0;
	uint64_t next_at = 0;
	uint64_t all_sent_at = 0;
	e.plan = plan;
	e.seen = seen;
	e.last_rx = now_ms();
	int expect_echo = o.mode == MODE_ECHO, lost = 0;
	/* Under PR-SCTP an echo may never come: stop waiting after a quiet spell. */
	uint64_t quiet_ms = 2000 + 4 * (uint64_t)o.pr_ttl_ms;
	while (now_ms() < deadline && !lost) {
		int progress = 0;
		if (next < o.messages && (!o.pace_us || now_ms() * 1000u >= next_at)) {
			const struct msg *m = &plan[next];
			build(out, m);
			int r = send_msg(s, out, m->len, m->sid, msg_ppid(m->idx), m->flags & F_UNORDERED, 0,
					 o.pr_ttl_ms);
			if (r < 0) {
				fail("usrsctp_sendv: %s", strerror(errno));
				break;
			}
			if (r > 0) {
				st.sent++;
				st.bytes_sent += m->len;
				next++;
				progress = 1;
				next_at = now_ms() * 1000u + o.pace_us;
				if (next == o.messages)
					all_sent_at = now_ms();
			}
		}
		if (next == o.messages) {
			if (!expect_echo || st.received == o.messages)
				break;
			if (o.pr_ttl_ms &&
			    now_ms() - (e.last_rx > all_sent_at ? e.last_rx : all_sent_at) > quiet_ms)
				break;
		}
		int how = 0, got = take_echo(s, &e, &how);
		if (got < 0) {
			fail("association ended early (%d: %s)", how, how < 0 ? strerror(errno) : "");
			lost = 1;
		}
		progress |= got > 0;
		if (!progress)
			sleep_us(300);
	}
	if (next < o.messages)
		fail("sent only %u of %u messages", next, o.messages);

	if (!lost) {
		if (o.end == END_PEER_EOF || o.end == END_PEER_ABORT) {
			wait_peer_end(s, &e, deadline);
		} else if (o.end == END_ABORT) {
			struct linger lg = {.l_onoff = 1, .l_linger = 0};
			setopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg, "SO_LINGER");
		} else if (o.end == END_ABORT_FLAG) {
			struct sctp_sndinfo si;
			memset(&si, 0, sizeof si);
			si.snd_flags = SCTP_ABORT;
			if (usrsctp_sendv(s, out, 0, NULL, 0, &si, sizeof si, SCTP_SENDV_SNDINFO, 0) < 0)
				fail("SCTP_ABORT: %s", strerror(errno));
		} else {
			int r;
			quiet_to_stragglers();
			if (o.end == END_EOF) {
				struct sctp_sndinfo si;
				memset(&si, 0, sizeof si);
				si.snd_flags = SCTP_EOF;
				r = (int)usrsctp_sendv(s, out, 0, NULL, 0, &si, sizeof si, SCTP_SENDV_SNDINFO,
						       0);
			} else {
				/*
				 * close: the same SHUTDOWN on the wire, but we let it finish
				 * before usrsctp_close(). Closing while the association is
				 * still shutting down races inside usrsctp 0.9.5 (a double
				 * free between usrsctp_close and its input thread, seen
				 * under ASan).
				 */
				r = usrsctp_shutdown(s, SHUT_WR);
			}
			if (r < 0)
				fail("%s: %s", o.end == END_EOF ? "SCTP_EOF" : "shutdown", strerror(errno));
			else
				wait_shutdown(s, &e, deadline);
		}
	}
	usrsctp_close(s);
	s = NULL;
	st.assocs_done++;
	if (expect_echo) {
		for (uint32_t i = 0; i < o.messages; i++)
			st.missing += !seen[i];
		if (st.missing && !o.pr_ttl_ms)
			fail("%llu echoes missing", (unsigned long long)st.missing);
		if (st.gaps && !o.pr_ttl_ms)
			fail("%llu ordered echoes skipped", (unsigned long long)st.gaps);
	}
out:
	if (s)
		usrsctp_close(s);
	free(plan);
	free(seen);
	return rc;
}
