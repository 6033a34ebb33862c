/*
 * usctp-demo's endpoints, on the public sockets API only. The client sends
 * message i (its stream, flags and bytes derived from the seed and i, its
 * index in the PPID) and the server checks it and echoes it back unchanged;
 * the client checks the echo. Both check every byte, that each message
 * arrives exactly once, with the right stream and ordering flag, and that
 * ordered messages of a stream arrive in the order they were sent.
 */
#define _GNU_SOURCE
#include "demo/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toolutil.h"

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void demo_msg_spec(uint64_t seed, uint64_t i, struct demo_msg *m)
{
	uint64_t h = mix(seed ^ mix(i));
	m->stream = (uint16_t)(h % DEMO_STREAMS);
	m->unordered = ((h >> 8) & 3) == 0; /* 25 % */
	m->len = 1 + (uint32_t)((h >> 16) % DEMO_MAX_MSG);
	/* The extremes always appear. */
	if (i == 0)
		m->len = 1;
	else if (i == 1)
		m->len = DEMO_MAX_MSG;
	m->key = h;
}

void demo_msg_fill(const struct demo_msg *m, uint8_t *buf)
{
	uint64_t x = m->key;
	for (uint32_t k = 0; k < m->len; k++) {
		if ((k & 7) == 0)
			x = mix(x);
		buf[k] = (uint8_t)(x >> ((k & 7) * 8));
	}
}

static void fail(struct demo_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct demo_result *r, const char *fmt, ...)
{
	if (r->why[0])
		return; /* keep the first cause */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->ok = 0;
}

/* Checks arriving messages: once each, right stream, flag, bytes and order. */
struct checker {
	uint64_t n, seed;
	uint8_t *seen;
	int64_t last_ordered[DEMO_STREAMS];
	uint8_t expect[DEMO_MAX_MSG];
};

static int checker_init(struct checker *ck, uint64_t n, uint64_t seed)
{
	ck->n = n;
	ck->seed = seed;
	ck->seen = calloc(n ? n : 1, 1);
	for (int s = 0; s < DEMO_STREAMS; s++)
		ck->last_ordered[s] = -1;
	return ck->seen ? 0 : -1;
}

/* Returns 0, or -1 after recording why in r. */
static int check_msg(struct checker *ck, const struct sctp_sndrcvinfo *si, const uint8_t *buf, size_t len,
		     const char *what, struct demo_result *r)
{
	uint64_t i = si->sinfo_ppid;
	struct demo_msg m;
	if (i >= ck->n) {
		fail(r, "%s: a message with unknown index %llu", what, (unsigned long long)i);
		return -1;
	}
	if (ck->seen[i]) {
		fail(r, "%s: message %llu arrived twice", what, (unsigned long long)i);
		return -1;
	}
	demo_msg_spec(ck->seed, i, &m);
	int unordered = (si->sinfo_flags & SCTP_UNORDERED) != 0;
	if (si->sinfo_stream != m.stream || unordered != m.unordered || len != m.len) {
		fail(r, "%s: message %llu came on stream %u (%s, %zu bytes), sent on %u (%s, %u bytes)", what,
		     (unsigned long long)i, si->sinfo_stream, unordered ? "unordered" : "ordered", len,
		     m.stream, m.unordered ? "unordered" : "ordered", m.len);
		return -1;
	}
	demo_msg_fill(&m, ck->expect);
	if (memcmp(buf, ck->expect, len) != 0) {
		fail(r, "%s: message %llu has wrong bytes", what, (unsigned long long)i);
		return -1;
	}
	if (!m.unordered) {
		if ((int64_t)i < ck->last_ordered[m.stream]) {
			fail(r, "%s: ordered message %llu overtook %lld on stream %u", what,
			     (unsigned long long)i, (long long)ck->last_ordered[m.stream], m.stream);
			return -1;
		}
		ck->last_ordered[m.stream] = (int64_t)i;
	}
	ck->seen[i] = 1;
	r->msgs_in++;
	r->bytes_in += len;
	r->unordered_in += (uint64_t)unordered;
	return 0;
}

static int ms_left(const struct demo_cfg *c)
{
	double left = c->deadline - tool_now();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static int make_socket(struct demo_result *r)
{
	int sd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (sd < 0) {
		fail(r, "socket: %s", strerror(errno));
		return -1;
	}
	/* Loopback RTTs are microseconds: a 50 ms floor instead of RFC 9260's 1 s
	 * lets a lost packet's timeout show in the summary without idling. */
	struct sctp_rtoinfo rto = {.srto_initial = 200, .srto_max = 1000, .srto_min = 50};
	struct sctp_initmsg im = {.sinit_num_ostreams = DEMO_STREAMS,
				  .sinit_max_instreams = DEMO_STREAMS,
				  .sinit_max_attempts = 8,
				  .sinit_max_init_timeo = 1000};
	uint16_t ev[] = {SCTP_ASSOC_CHANGE};
	if (usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) < 0 ||
	    usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)) < 0) {
		fail(r, "setsockopt: %s", strerror(errno));
		usctp_close(sd);
		return -1;
	}
	tool_subscribe(sd, ev, 1);
	return sd;
}

/* Graceful close when all went well (bounded by the deadline), else abort:
 * nothing is left to deliver, and the orchestrator is waiting. */
static void close_sock(const struct demo_cfg *c, int sd, const struct demo_result *r)
{
	int left = ms_left(c) / 1000;
	struct linger lg = {.l_onoff = 1, .l_linger = r->ok ? (left < 1 ? 1 : left > 5 ? 5 : left) : 0};
	usctp_setsockopt(sd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	usctp_close(sd);
}

static int start_runtime(uint16_t port, struct demo_result *r)
{
	if (usctp_init(port) == 0)
		return 0;
	r->port_busy = errno == EADDRINUSE;
	fail(r, "cannot start usctp on UDP port %u: %s", port, strerror(errno));
	return -1;
}

/* A received notification: returns -1 (and why) if the association is lost. */
static int on_notification(const uint8_t *buf, size_t len, const char *who, struct demo_result *r)
{
	const union sctp_notification *n = (const void *)buf;
	if (len < sizeof(struct sctp_assoc_change) || n->sn_header.sn_type != SCTP_ASSOC_CHANGE)
		return 0;
	switch (n->sn_assoc_change.sac_state) {
	case SCTP_SHUTDOWN_COMP:
		r->graceful = 1;
		return 0;
	case SCTP_COMM_LOST:
	case SCTP_CANT_STR_ASSOC:
		fail(r, "%s: the association was lost (error %u)", who, n->sn_assoc_change.sac_error);
		return -1;
	default:
		return 0;
	}
}

/* The association may be gone by the time the peer is done (after
 * SHUTDOWN COMPLETE): keep the last snapshot taken while it lived. */
static void take_stats(int sd, struct demo_result *r)
{
	struct usctp_stats st;
	if (usctp_stats(sd, 0, &st) == 0) {
		r->st = st;
		r->have_stats = 1;
	}
}

/* Reads what is ready. A message is complete on MSG_EOR; *got_eof on EOF. */
struct rxbuf {
	uint8_t data[DEMO_MAX_MSG + 1];
	size_t len;
};

static int receive(int sd, struct rxbuf *rb, struct checker *ck, const char *who, struct demo_result *r,
		   int *got_eof, int *complete, struct sctp_sndrcvinfo *si)
{
	uint8_t note[512];
	int flags = 0;
	*complete = 0;
	uint8_t *dst = rb->data + rb->len;
	size_t room = sizeof(rb->data) - rb->len;
	ssize_t n = sctp_recvmsg(sd, dst, room, NULL, NULL, si, &flags);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		fail(r, "%s: receive: %s", who, strerror(errno));
		return -1;
	}
	if (n == 0 && !(flags & MSG_NOTIFICATION)) {
		*got_eof = 1;
		return 0;
	}
	if (flags & MSG_NOTIFICATION) {
		size_t k = (size_t)n < sizeof(note) ? (size_t)n : sizeof(note);
		memcpy(note, dst, k);
		return on_notification(note, k, who, r);
	}
	rb->len += (size_t)n;
	if (!(flags & MSG_EOR)) {
		if (rb->len > DEMO_MAX_MSG) {
			fail(r, "%s: a message longer than %d bytes", who, DEMO_MAX_MSG);
			return -1;
		}
		return 0;
	}
	*complete = 1;
	if (!ck) {
		fail(r, "%s: data after the exchange was over", who);
		return -1;
	}
	int rc = check_msg(ck, si, rb->data, rb->len, who, r);
	return rc;
}

/* ------------------------------------------------------------------ */

static int serve(const struct demo_cfg *c, int sd, struct checker *ck, struct demo_result *r)
{
	static struct rxbuf rb;
	struct sctp_sndrcvinfo si, echo;
	int eof = 0, pending = 0;
	double t0 = tool_now();
	fcntl(sd, F_SETFL, O_NONBLOCK);
	while (!eof) {
		if (pending) {
			ssize_t n = sctp_send(sd, rb.data, rb.len, &echo, 0);
			if (n >= 0) {
				pending = 0;
				r->msgs_out++;
				r->bytes_out += rb.len;
				rb.len = 0;
				continue;
			}
			if (errno != EAGAIN && errno != EINTR) {
				fail(r, "server: echo: %s", strerror(errno));
				return -1;
			}
		}
		struct pollfd p = {.fd = sd, .events = pending ? POLLOUT : POLLIN};
		int left = ms_left(c);
		if (!left) {
			fail(r, "server: timed out with %llu of %llu messages received",
			     (unsigned long long)r->msgs_in, (unsigned long long)c->messages);
			return -1;
		}
		int woke = poll(&p, 1, left);
		take_stats(sd, r);
		if (woke <= 0 || pending)
			continue;
		for (int burst = 0; burst < 64 && !pending && !eof; burst++) {
			int complete;
			size_t before = rb.len;
			if (receive(sd, &rb, ck, "server", r, &eof, &complete, &si) < 0)
				return -1;
			if (complete) {
				memset(&echo, 0, sizeof(echo));
				echo.sinfo_stream = si.sinfo_stream;
				echo.sinfo_flags = si.sinfo_flags & SCTP_UNORDERED;
				echo.sinfo_ppid = si.sinfo_ppid;
				pending = 1;
			} else if (rb.len == before) {
				break; /* nothing more now, or a notification */
			}
		}
	}
	r->elapsed = tool_now() - t0;
	if (r->msgs_in != c->messages) {
		fail(r, "server: the client closed after %llu of %llu messages",
		     (unsigned long long)r->msgs_in, (unsigned long long)c->messages);
		return -1;
	}
	return 0;
}

void demo_server(const struct demo_cfg *c, int ready_fd, struct demo_result *r)
{
	static struct checker ck;
	memset(r, 0, sizeof(*r));
	r->ok = 1;
	if (start_runtime(c->server_udp, r) < 0)
		return;
	if (checker_init(&ck, c->messages, c->seed) < 0) {
		fail(r, "server: out of memory");
		return;
	}
	int ls = make_socket(r);
	if (ls < 0)
		return;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(DEMO_SCTP_PORT)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (usctp_bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || usctp_listen(ls, 1) < 0) {
		fail(r, "server: bind/listen: %s", strerror(errno));
		usctp_close(ls);
		return;
	}
	char one = 1;
	if (write(ready_fd, &one, 1) != 1) {
		fail(r, "server: cannot tell it is ready");
		usctp_close(ls);
		return;
	}
	struct pollfd p = {.fd = ls, .events = POLLIN};
	int sd = -1;
	if (poll(&p, 1, ms_left(c)) > 0)
		sd = usctp_accept(ls, NULL, NULL);
	if (sd < 0) {
		fail(r, "server: no client came (%s)", errno ? strerror(errno) : "timed out");
		usctp_close(ls);
		free(ck.seen);
		return;
	}
	serve(c, sd, &ck, r);
	take_stats(sd, r);
	close_sock(c, sd, r);
	usctp_close(ls);
	r->graceful = 1; /* the client checks that the shutdown completed */
	free(ck.seen);
	usctp_finish();
}

/* ------------------------------------------------------------------ */

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int exchange(const struct demo_cfg *c, int sd, struct checker *ck, double *sent_at,
		    struct demo_result *r)
{
	static struct rxbuf rb;
	static uint8_t out[DEMO_MAX_MSG];
	struct sctp_sndrcvinfo si;
	struct demo_msg m;
	uint64_t next = 0;
	int eof = 0;
	fcntl(sd, F_SETFL, O_NONBLOCK);
	while (r->msgs_in < c->messages) {
		/* Send what fits, then read what came back. */
		for (int burst = 0; burst < 64 && next < c->messages; burst++) {
			demo_msg_spec(c->seed, next, &m);
			demo_msg_fill(&m, out);
			struct sctp_sndrcvinfo s = {.sinfo_stream = m.stream,
						    .sinfo_flags = m.unordered ? SCTP_UNORDERED : 0,
						    .sinfo_ppid = (uint32_t)next};
			if (sctp_send(sd, out, m.len, &s, 0) < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				fail(r, "client: send: %s", strerror(errno));
				return -1;
			}
			sent_at[next++] = tool_now();
			r->msgs_out++;
			r->bytes_out += m.len;
		}
		struct pollfd p = {.fd = sd, .events = POLLIN | (next < c->messages ? POLLOUT : 0)};
		int left = ms_left(c);
		if (!left) {
			fail(r, "client: timed out with %llu of %llu echoes back",
			     (unsigned long long)r->msgs_in, (unsigned long long)c->messages);
			return -1;
		}
		int woke = poll(&p, 1, left);
		take_stats(sd, r);
		if (woke <= 0 || !(p.revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		for (int burst = 0; burst < 64; burst++) {
			int complete;
			uint64_t before = r->msgs_in;
			size_t had = rb.len;
			if (receive(sd, &rb, ck, "client", r, &eof, &complete, &si) < 0)
				return -1;
			if (eof) {
				fail(r, "client: the server closed early");
				return -1;
			}
			if (complete) {
				rb.len = 0;
				if (r->msgs_in > before)
					sent_at[si.sinfo_ppid] = tool_now() - sent_at[si.sinfo_ppid];
			} else if (rb.len == had) {
				break;
			}
		}
	}
	return 0;
}

/*
 * Non-blocking connect, then wait for writability until the deadline. (This
 * also keeps a lost INIT from stalling: a blocking connect in this tree does
 * not wake the I/O thread to arm the INIT timer; see the report of issue 9.)
 */
static int connect_by_deadline(const struct demo_cfg *c, int sd, struct demo_result *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(DEMO_SCTP_PORT)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fcntl(sd, F_SETFL, O_NONBLOCK);
	if (usctp_connect(sd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS) {
		fail(r, "client: cannot set up the association: %s", strerror(errno));
		return -1;
	}
	int left;
	while ((left = ms_left(c)) > 0) {
		struct pollfd p = {.fd = sd, .events = POLLOUT};
		if (poll(&p, 1, left) <= 0)
			continue;
		int err = 0;
		socklen_t len = sizeof(err);
		if (usctp_getsockopt(sd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			fail(r, "client: cannot set up the association: %s", strerror(err));
			return -1;
		}
		return 0;
	}
	fail(r, "client: cannot set up the association before the deadline");
	return -1;
}

/* Shut down and wait for SHUTDOWN COMPLETE (the ASSOC_CHANGE notification). */
static void shut_down(const struct demo_cfg *c, int sd, struct demo_result *r)
{
	static struct rxbuf rb;
	if (usctp_shutdown(sd, SHUT_WR) < 0) {
		fail(r, "client: shutdown: %s", strerror(errno));
		return;
	}
	double end = tool_now() + 5.0;
	while (!r->graceful && tool_now() < end && ms_left(c)) {
		struct pollfd p = {.fd = sd, .events = POLLIN};
		int woke = poll(&p, 1, 100);
		take_stats(sd, r);
		if (woke <= 0)
			continue;
		int eof = 0, complete;
		struct sctp_sndrcvinfo si;
		rb.len = 0;
		if (receive(sd, &rb, NULL, "client", r, &eof, &complete, &si) < 0 || eof)
			break;
	}
	if (!r->graceful)
		fail(r, "client: the graceful shutdown did not complete");
}

void demo_client(const struct demo_cfg *c, struct demo_result *r)
{
	static struct checker ck;
	memset(r, 0, sizeof(*r));
	r->ok = 1;
	if (start_runtime(c->client_udp, r) < 0)
		return;
	double *rtt = calloc(c->messages ? c->messages : 1, sizeof(*rtt));
	if (checker_init(&ck, c->messages, c->seed) < 0 || !rtt) {
		fail(r, "client: out of memory");
		free(rtt);
		return;
	}
	int sd = make_socket(r);
	if (sd < 0)
		goto out;
	/* Every packet goes to the relay's UDP port; the relay forwards to the server. */
	struct sctp_udpencaps ue = {.sue_assoc_id = SCTP_FUTURE_ASSOC, .sue_port = htons(c->relay_udp)};
	if (usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue)) < 0) {
		fail(r, "client: SCTP_REMOTE_UDP_ENCAPS_PORT: %s", strerror(errno));
		goto out_close;
	}
	if (connect_by_deadline(c, sd, r) < 0)
		goto out_close;
	double t0 = tool_now();
	int rc = exchange(c, sd, &ck, rtt, r);
	r->elapsed = tool_now() - t0;
	take_stats(sd, r);
	if (rc == 0) {
		qsort(rtt, c->messages, sizeof(*rtt), cmp_dbl);
		r->rtt_min = rtt[0];
		r->rtt_med = rtt[c->messages / 2];
		r->rtt_max = rtt[c->messages - 1];
		shut_down(c, sd, r);
	}
out_close:
	close_sock(c, sd, r);
out:
	free(rtt);
	free(ck.seen);
	usctp_finish();
}
