/*
 * usctp-perf: throughput and latency of SCTP over UDP, in the spirit of
 * iperf and usrsctp's tsctp.
 *
 * The client sets up one association to the server, announces the test in a
 * control message (ppid 'PERF' on stream 0), then either streams data
 * messages (throughput) or sends one message at a time and waits for the
 * server's echo (latency). At the end it sends its counts; the server answers
 * with what it received once it has all of it, so both sides' numbers are in
 * the client's summary and are checked against each other.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toolutil.h"

#define PPID_CTRL 0x50455246u /* "PERF" */
#define CTRL_HELLO 1
#define CTRL_FIN 2
#define CTRL_RESULT 3
#define MODE_THROUGHPUT 0
#define MODE_LATENCY 1
#define MAX_MSG (16u << 20)
#define MAX_LAT_SAMPLES 10000000u

static const char usage[] =
    "Usage: usctp-perf -s [options]            run a server\n"
    "       usctp-perf -c HOST [options]       run a client against HOST\n"
    "\n"
    "Measures SCTP-over-UDP throughput (messages and bytes per second) or latency\n"
    "(round trips of echoed messages). MB is 10^6 bytes.\n"
    "\n"
    "  -s, --server            server: accept clients one after the other\n"
    "  -1, --one-off           server: serve one client, then exit\n"
    "  -c, --client HOST       client: connect to HOST\n"
    "  -p, --port P            SCTP port (default 5001)\n"
    "  -u, --udp-port P        local UDP encapsulation port (default $USCTP_UDP_PORT or 9899)\n"
    "  -r, --remote-udp-port P the peer's UDP encapsulation port (default 9899)\n"
    "  -l, --length SIZE       message size in bytes, k/M suffixes (default 1200)\n"
    "  -t, --time S            run for S seconds (default 10)\n"
    "  -n, --count N           send N messages instead (overrides -t)\n"
    "  -S, --streams N         spread messages over N streams (default 1)\n"
    "  -U, --unordered PCT     send PCT percent of the messages unordered (default 0)\n"
    "  -L, --latency           latency mode: one message at a time, echoed; reports\n"
    "                          round-trip percentiles\n"
    "  -b, --buffer SIZE       SO_SNDBUF and SO_RCVBUF for the association\n"
    "  -i, --interval S        progress line every S seconds (default 1, 0: none)\n"
    "  -w, --timeout S         client: give up setting up after S seconds (default 10)\n"
    "  -4, -6                  IPv4 / IPv6 only\n"
    "  -j, --json              one JSON object on stdout instead of text\n"
    "  -q, --quiet             no progress lines\n"
    "  -h, --help              this help\n"
    "\n"
    "Examples:\n"
    "  usctp-perf -s -u 9900                                   # terminal 1\n"
    "  usctp-perf -c 127.0.0.1 -u 9901 -r 9900 -l 64k -t 5     # terminal 2\n"
    "  usctp-perf -c 127.0.0.1 -u 9901 -r 9900 -S 8 -U 50 -n 100000 --json\n"
    "  usctp-perf -c 127.0.0.1 -u 9901 -r 9900 -L -l 100 -n 10000\n"
    "\n" TOOL_EXIT_HELP;

struct opts {
	bool server, one_off, latency, json, quiet;
	const char *host;
	int family;
	uint16_t port, udp_port, remote_udp_port;
	uint32_t len, streams, unordered_pct, buffer;
	double time_s, interval, timeout;
	uint64_t count;
};

/* Control messages: big-endian u32 fields. */
struct ctrl {
	uint32_t type, mode, len, streams;
	uint32_t msgs_hi, msgs_lo, bytes_hi, bytes_lo, usec_hi, usec_lo;
};

static volatile sig_atomic_t got_signal;
static void on_signal(int sig)
{
	got_signal = sig;
}

static void put64(uint32_t *hi, uint32_t *lo, uint64_t v)
{
	*hi = htonl((uint32_t)(v >> 32));
	*lo = htonl((uint32_t)v);
}
static uint64_t get64(uint32_t hi, uint32_t lo)
{
	return (uint64_t)ntohl(hi) << 32 | ntohl(lo);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {{"server", no_argument, NULL, 's'},
					   {"one-off", no_argument, NULL, '1'},
					   {"client", required_argument, NULL, 'c'},
					   {"port", required_argument, NULL, 'p'},
					   {"udp-port", required_argument, NULL, 'u'},
					   {"remote-udp-port", required_argument, NULL, 'r'},
					   {"length", required_argument, NULL, 'l'},
					   {"time", required_argument, NULL, 't'},
					   {"count", required_argument, NULL, 'n'},
					   {"streams", required_argument, NULL, 'S'},
					   {"unordered", required_argument, NULL, 'U'},
					   {"latency", no_argument, NULL, 'L'},
					   {"buffer", required_argument, NULL, 'b'},
					   {"interval", required_argument, NULL, 'i'},
					   {"timeout", required_argument, NULL, 'w'},
					   {"json", no_argument, NULL, 'j'},
					   {"quiet", no_argument, NULL, 'q'},
					   {"help", no_argument, NULL, 'h'},
					   {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->port = 5001;
	o->len = 1200;
	o->streams = 1;
	o->time_s = 10;
	o->interval = 1;
	o->timeout = 10;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":s1c:p:u:r:l:t:n:S:U:Lb:i:w:46jqh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o->server = true;
			break;
		case '1':
			o->one_off = true;
			break;
		case 'c':
			o->host = optarg;
			break;
		case 'p':
			o->port = (uint16_t)tool_parse_uint(optarg, 1, 65535, "--port");
			break;
		case 'u':
			o->udp_port = (uint16_t)tool_parse_uint(optarg, 1, 65535, "--udp-port");
			break;
		case 'r':
			o->remote_udp_port = (uint16_t)tool_parse_uint(optarg, 1, 65535, "--remote-udp-port");
			break;
		case 'l':
			o->len = (uint32_t)tool_parse_size(optarg, 1, MAX_MSG, "--length");
			break;
		case 't':
			o->time_s = tool_parse_seconds(optarg, "--time");
			break;
		case 'n':
			o->count = tool_parse_uint(optarg, 1, UINT64_MAX / 2, "--count");
			break;
		case 'S':
			o->streams = (uint32_t)tool_parse_uint(optarg, 1, 65535, "--streams");
			break;
		case 'U':
			o->unordered_pct = (uint32_t)tool_parse_uint(optarg, 0, 100, "--unordered");
			break;
		case 'L':
			o->latency = true;
			break;
		case 'b':
			o->buffer = (uint32_t)tool_parse_size(optarg, 4096, 1u << 30, "--buffer");
			break;
		case 'i':
			o->interval = tool_parse_seconds(optarg, "--interval");
			break;
		case 'w':
			o->timeout = tool_parse_seconds(optarg, "--timeout");
			break;
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(TOOL_EXIT_OK);
		case ':':
			tool_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				tool_usage_error("unknown option '-%c'", optopt);
			tool_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		tool_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->server == (o->host != NULL))
		tool_usage_error("give exactly one of -s (server) and -c HOST (client)");
	if (!o->count && !(o->time_s > 0))
		tool_usage_error("give a duration (-t) above 0 or a count (-n)");
	if (o->json)
		o->quiet = true;
}

static void send_all(int sd, const void *buf, size_t len, uint32_t ppid, uint16_t stream, uint32_t flags)
{
	for (;;) {
		if (sctp_sendmsg(sd, buf, len, NULL, 0, htonl(ppid), flags, stream, 0, 0) >= 0)
			return;
		if (errno == EINTR && !got_signal)
			continue;
		tool_die(tool_exit_for_errno(errno), "send: %s", strerror(errno));
	}
}

static void set_buffers(int sd, uint32_t buffer)
{
	if (!buffer)
		return;
	int v = (int)buffer;
	usctp_setsockopt(sd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	usctp_setsockopt(sd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

static const char *role_json(bool server)
{
	return server ? "server" : "client";
}

/* ------------------------------------------------------------------ */
/* Server                                                              */
/* ------------------------------------------------------------------ */

/* Serve one client on sd; returns an exit status. */
static int serve(const struct opts *o, int sd, char *buf, size_t cap)
{
	struct ctrl hello;
	memset(&hello, 0, sizeof(hello));
	bool have_hello = false, have_fin = false;
	uint64_t fin_msgs = 0, msgs = 0, bytes = 0, last_msgs = 0, last_bytes = 0;
	double first = 0, last = 0, next_report = 0, start = tool_now();
	struct usctp_stats st;
	memset(&st, 0, sizeof(st));
	bool in_ctrl = false;
	for (;;) {
		double now = tool_now();
		if (!o->quiet && o->interval > 0 && first > 0 && now >= next_report) {
			double dt = o->interval;
			printf("[server] %7.2f s  %10" PRIu64 " msgs  %9.2f MB/s  %10.0f msgs/s\n",
			       now - first, msgs, (double)(bytes - last_bytes) / dt / 1e6,
			       (double)(msgs - last_msgs) / dt);
			fflush(stdout);
			last_bytes = bytes;
			last_msgs = msgs;
			next_report += o->interval;
		}
		if (got_signal)
			return TOOL_EXIT_FAIL;
		if (have_fin && msgs >= fin_msgs)
			break;
		short rev = 0;
		struct pollfd p = {.fd = sd, .events = POLLIN};
		int pr = poll(&p, 1, 100);
		if (pr < 0 && errno != EINTR)
			tool_die(TOOL_EXIT_FAIL, "poll: %s", strerror(errno));
		rev = pr > 0 ? p.revents : 0;
		if (!rev)
			continue;
		/* Drain what is there before looking at the clock again. */
		for (int k = 0; k < 256; k++) {
			struct sctp_sndrcvinfo si;
			int flags = 0;
			ssize_t r = sctp_recvmsg(sd, buf, cap, NULL, NULL, &si, &flags);
			if (r < 0 && errno == EAGAIN)
				break;
			if (r < 0) {
				tool_warn("receive: %s", strerror(errno));
				return tool_exit_for_errno(errno);
			}
			if (r == 0 && !(flags & MSG_NOTIFICATION)) {
				if (have_hello && !have_fin)
					tool_warn("the client went away before the end of the test");
				return have_fin ? TOOL_EXIT_OK : TOOL_EXIT_ABORTED;
			}
			if (flags & MSG_NOTIFICATION)
				continue;
			if (ntohl(si.sinfo_ppid) == PPID_CTRL || in_ctrl) {
				/* Control messages are small: one piece. */
				in_ctrl = !(flags & MSG_EOR);
				struct ctrl cm;
				if ((size_t)r < sizeof(cm))
					continue;
				memcpy(&cm, buf, sizeof(cm));
				if (ntohl(cm.type) == CTRL_HELLO) {
					hello = cm;
					have_hello = true;
					start = tool_now();
					next_report = start + o->interval;
				} else if (ntohl(cm.type) == CTRL_FIN) {
					have_fin = true;
					fin_msgs = get64(cm.msgs_hi, cm.msgs_lo);
				}
				continue;
			}
			if (first == 0) {
				first = tool_now();
				next_report = first + o->interval;
			}
			bytes += (uint64_t)r;
			if (flags & MSG_EOR) {
				msgs++;
				last = tool_now();
				if (have_hello && ntohl(hello.mode) == MODE_LATENCY)
					send_all(sd, buf, (size_t)r, 0, si.sinfo_stream, 0); /* echo */
			}
			if (usctp_stats(sd, 0, &st) < 0)
				memset(&st, 0, sizeof(st));
			if (p.revents && k == 255)
				break;
		}
		if (!have_hello && tool_now() - start > 3600)
			return TOOL_EXIT_FAIL;
	}
	double dur = last > first ? last - first : 0;
	struct ctrl res;
	memset(&res, 0, sizeof(res));
	res.type = htonl(CTRL_RESULT);
	put64(&res.msgs_hi, &res.msgs_lo, msgs);
	put64(&res.bytes_hi, &res.bytes_lo, bytes);
	put64(&res.usec_hi, &res.usec_lo, (uint64_t)(dur * 1e6));
	usctp_stats(sd, 0, &st);
	send_all(sd, &res, sizeof(res), PPID_CTRL, 0, 0);
	if (o->json) {
		printf("{\"role\":\"%s\",\"mode\":\"%s\",\"msg_size\":%u,\"streams\":%u,\"msgs\":%" PRIu64
		       ",\"bytes\":%" PRIu64 ",\"duration_s\":%.6f,\"mb_per_s\":%.3f,\"msgs_per_s\":%.1f,"
		       "\"client_msgs\":%" PRIu64 ",\"sacks_out\":%" PRIu64 ",\"pkts_in\":%" PRIu64
		       ",\"pkts_out\":%" PRIu64 ",\"pkts_dropped\":%" PRIu64 ",\"dup_tsns_in\":%" PRIu64
		       ",\"data_chunks_in\":%" PRIu64 "}\n",
		       role_json(true), ntohl(hello.mode) == MODE_LATENCY ? "latency" : "throughput",
		       ntohl(hello.len), ntohl(hello.streams), msgs, bytes, dur,
		       dur > 0 ? (double)bytes / dur / 1e6 : 0, dur > 0 ? (double)msgs / dur : 0, fin_msgs,
		       st.sacks_out, st.pkts_in, st.pkts_out, st.pkts_dropped, st.dup_tsns_in,
		       st.data_chunks_in);
	} else {
		printf("[server] received %" PRIu64
		       " msgs, %.3f MB in %.3f s: %.2f MB/s, %.0f msgs/s (client sent "
		       "%" PRIu64 ")\n",
		       msgs, (double)bytes / 1e6, dur, dur > 0 ? (double)bytes / dur / 1e6 : 0,
		       dur > 0 ? (double)msgs / dur : 0, fin_msgs);
	}
	fflush(stdout);
	/* Wait (bounded) for the client to close, so the result gets there. */
	for (int k = 0; k < 100; k++) {
		struct pollfd p = {.fd = sd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		int flags = 0;
		ssize_t r = sctp_recvmsg(sd, buf, cap, NULL, NULL, NULL, &flags);
		if (r <= 0 && !(flags & MSG_NOTIFICATION))
			break;
	}
	return msgs == fin_msgs ? TOOL_EXIT_OK : TOOL_EXIT_CHECK;
}

static int run_server(const struct opts *o)
{
	struct sockaddr_storage ss;
	int fam = o->family == AF_UNSPEC ? AF_INET6 : o->family;
	socklen_t sl = tool_resolve(NULL, o->port, fam, true, &ss);
	int ls = usctp_socket(ss.ss_family, SOCK_STREAM, IPPROTO_SCTP);
	if (ls < 0)
		tool_die(TOOL_EXIT_FAIL, "socket: %s", strerror(errno));
	set_buffers(ls, o->buffer);
	int one = 1;
	usctp_setsockopt(ls, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one));
	struct sctp_initmsg im = {.sinit_num_ostreams = 2048, .sinit_max_instreams = 65535};
	usctp_setsockopt(ls, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
	tool_set_remote_udp_port(ls, o->remote_udp_port);
	if (usctp_bind(ls, (struct sockaddr *)&ss, sl) < 0)
		tool_die(tool_exit_for_errno(errno), "cannot bind SCTP port %u: %s", o->port,
			 strerror(errno));
	if (usctp_listen(ls, 8) < 0)
		tool_die(TOOL_EXIT_FAIL, "listen: %s", strerror(errno));
	/* With --json, on stderr: scripts wait for this line to start clients. */
	if (!o->quiet || o->json)
		fprintf(o->json ? stderr : stdout, "[server] listening on SCTP port %u, UDP port %u\n",
			o->port, usctp_udp_port());
	fflush(NULL);
	size_t cap = MAX_MSG + 64;
	char *buf = malloc(cap);
	if (!buf)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	int rc = TOOL_EXIT_OK;
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		int sd = usctp_accept(ls, (struct sockaddr *)&from, &fl);
		if (sd < 0) {
			if (errno == EINTR && !got_signal)
				continue;
			rc = got_signal ? TOOL_EXIT_OK : TOOL_EXIT_FAIL;
			if (!got_signal)
				tool_warn("accept: %s", strerror(errno));
			break;
		}
		if (!o->quiet) {
			char a[80];
			printf("[server] client %s\n", tool_addr_str((struct sockaddr *)&from, a, sizeof(a)));
			fflush(stdout);
		}
		fcntl(sd, F_SETFL, O_NONBLOCK);
		rc = serve(o, sd, buf, cap);
		tool_close_graceful(sd);
		if (o->one_off || got_signal)
			break;
	}
	free(buf);
	usctp_close(ls);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)ceil(p / 100.0 * (double)n);
	return v[i == 0 ? 0 : i - 1 < n ? i - 1 : n - 1];
}

/* Wait (bounded by timeout_s) for a message of ppid want; returns its length or -1. */
static ssize_t recv_ctrl(int sd, char *buf, size_t cap, double timeout_s)
{
	double end = tool_now() + timeout_s;
	while (tool_now() < end && !got_signal) {
		struct pollfd p = {.fd = sd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		struct sctp_sndrcvinfo si;
		int flags = 0;
		ssize_t r = sctp_recvmsg(sd, buf, cap, NULL, NULL, &si, &flags);
		if (r < 0 && errno == EAGAIN)
			continue;
		if (r <= 0 && !(flags & MSG_NOTIFICATION))
			return -1;
		if (!(flags & MSG_NOTIFICATION) && ntohl(si.sinfo_ppid) == PPID_CTRL)
			return r;
	}
	return -1;
}

static int run_client(const struct opts *o)
{
	struct sockaddr_storage peer;
	socklen_t pl = tool_resolve(o->host, o->port, o->family, false, &peer);
	int sd = usctp_socket(peer.ss_family, SOCK_STREAM, IPPROTO_SCTP);
	if (sd < 0)
		tool_die(TOOL_EXIT_FAIL, "socket: %s", strerror(errno));
	set_buffers(sd, o->buffer);
	int one = 1;
	if (o->latency)
		usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one));
	struct sctp_initmsg im = {.sinit_num_ostreams = (uint16_t)o->streams, .sinit_max_instreams = 65535};
	usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
	tool_set_remote_udp_port(sd, o->remote_udp_port);
	if (o->timeout > 0) {
		struct timeval tv = {.tv_sec = (time_t)o->timeout,
				     .tv_usec =
					 (suseconds_t)((o->timeout - (double)(time_t)o->timeout) * 1e6)};
		usctp_setsockopt(sd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	char a[80];
	tool_addr_str((struct sockaddr *)&peer, a, sizeof(a));
	if (usctp_connect(sd, (struct sockaddr *)&peer, pl) < 0)
		tool_die(tool_exit_for_errno(errno), "cannot connect to %s: %s", a, strerror(errno));
	struct timeval none = {0, 0};
	usctp_setsockopt(sd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none));
	if (!o->quiet) {
		printf("[client] connected to %s: %s, %u-byte messages, %u stream(s), %u%% unordered\n", a,
		       o->latency ? "latency" : "throughput", o->len, o->streams, o->unordered_pct);
		fflush(stdout);
	}
	struct ctrl cm;
	memset(&cm, 0, sizeof(cm));
	cm.type = htonl(CTRL_HELLO);
	cm.mode = htonl(o->latency ? MODE_LATENCY : MODE_THROUGHPUT);
	cm.len = htonl(o->len);
	cm.streams = htonl(o->streams);
	send_all(sd, &cm, sizeof(cm), PPID_CTRL, 0, 0);

	size_t cap = (size_t)o->len + 64 > 65536 ? (size_t)o->len + 64 : 65536;
	char *buf = calloc(1, cap);
	if (!buf)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < o->len; i++)
		buf[i] = (char)('a' + i % 26);
	uint64_t *rtt = NULL;
	size_t nrtt = 0, rtt_cap = 0;
	uint64_t msgs = 0, bytes = 0, last_msgs = 0, last_bytes = 0;
	double start = tool_now(), end = start + o->time_s, next_report = start + o->interval, now = start;
	struct usctp_stats st;
	memset(&st, 0, sizeof(st));
	int rc = TOOL_EXIT_OK;
	while (!got_signal) {
		if (o->count ? msgs >= o->count : now >= end)
			break;
		uint16_t stream = (uint16_t)(msgs % o->streams);
		uint32_t flags = (msgs % 100) < o->unordered_pct ? SCTP_UNORDERED : 0;
		double t0 = o->latency ? tool_now() : 0;
		send_all(sd, buf, o->len, 0, stream, flags);
		msgs++;
		bytes += o->len;
		if (o->latency) {
			/* Wait for the whole echo. */
			size_t got = 0;
			for (int k = 0; k < 1000000 && got < o->len; k++) {
				int fl = 0;
				struct sctp_sndrcvinfo si;
				ssize_t r = sctp_recvmsg(sd, buf, cap, NULL, NULL, &si, &fl);
				if (r <= 0 && !(fl & MSG_NOTIFICATION)) {
					tool_warn("the server went away: %s",
						  r < 0 ? strerror(errno) : "EOF");
					rc = TOOL_EXIT_ABORTED;
					goto out;
				}
				if (!(fl & MSG_NOTIFICATION))
					got += (size_t)r;
			}
			uint64_t us = (uint64_t)((tool_now() - t0) * 1e6);
			if (nrtt == rtt_cap && rtt_cap < MAX_LAT_SAMPLES) {
				rtt_cap = rtt_cap ? rtt_cap * 2 : 4096;
				uint64_t *n = realloc(rtt, rtt_cap * sizeof(*rtt));
				if (!n)
					tool_die(TOOL_EXIT_FAIL, "out of memory");
				rtt = n;
			}
			if (nrtt < rtt_cap)
				rtt[nrtt++] = us;
		}
		now = tool_now();
		if (!o->quiet && o->interval > 0 && now >= next_report) {
			usctp_stats(sd, 0, &st);
			double dt = now - next_report + o->interval;
			printf("[client] %7.2f s  %10" PRIu64
			       " msgs  %9.2f MB/s  %10.0f msgs/s  retrans %" PRIu64 "  srtt %u ms\n",
			       now - start, msgs, (double)(bytes - last_bytes) / dt / 1e6,
			       (double)(msgs - last_msgs) / dt, st.retransmits, st.srtt_ms);
			fflush(stdout);
			last_bytes = bytes;
			last_msgs = msgs;
			next_report = now + o->interval;
		}
	}
	memset(&cm, 0, sizeof(cm));
	cm.type = htonl(CTRL_FIN);
	put64(&cm.msgs_hi, &cm.msgs_lo, msgs);
	put64(&cm.bytes_hi, &cm.bytes_lo, bytes);
	send_all(sd, &cm, sizeof(cm), PPID_CTRL, 0, 0);
	ssize_t r = recv_ctrl(sd, buf, cap, 60);
	double dur = tool_now() - start;
	usctp_stats(sd, 0, &st);
	struct ctrl res;
	memset(&res, 0, sizeof(res));
	bool have_res = r >= (ssize_t)sizeof(res);
	if (have_res)
		memcpy(&res, buf, sizeof(res));
	else {
		tool_warn("no result from the server");
		rc = TOOL_EXIT_ABORTED;
	}
	uint64_t s_msgs = get64(res.msgs_hi, res.msgs_lo), s_bytes = get64(res.bytes_hi, res.bytes_lo);
	double s_dur = (double)get64(res.usec_hi, res.usec_lo) / 1e6;
	if (have_res && (s_msgs != msgs || s_bytes != bytes)) {
		tool_warn("the server received %" PRIu64 " msgs / %" PRIu64 " bytes, we sent %" PRIu64
			  " / %" PRIu64,
			  s_msgs, s_bytes, msgs, bytes);
		rc = TOOL_EXIT_CHECK;
	}
	if (rtt && nrtt)
		qsort(rtt, nrtt, sizeof(*rtt), cmp_u64);
	double mean = 0;
	for (size_t i = 0; i < nrtt; i++)
		mean += (double)rtt[i] / (double)nrtt;
	if (o->json) {
		printf("{\"role\":\"client\",\"mode\":\"%s\",\"msg_size\":%u,\"streams\":%u,\"unordered_"
		       "pct\":%u,"
		       "\"msgs\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"duration_s\":%.6f,\"mb_per_s\":%.3f,"
		       "\"msgs_per_s\":%.1f,\"retransmits\":%" PRIu64 ",\"fast_retransmits\":%" PRIu64
		       ",\"t3_timeouts\":%" PRIu64 ",\"pmtu_fallbacks\":%" PRIu64 ",\"pkts_out\":%" PRIu64
		       ",\"pkts_in\":%" PRIu64
		       ",\"srtt_ms\":%u,"
		       "\"server\":{\"msgs\":%" PRIu64 ",\"bytes\":%" PRIu64
		       ",\"duration_s\":%.6f,\"mb_per_s\":%.3f,"
		       "\"msgs_per_s\":%.1f},\"counts_match\":%s",
		       o->latency ? "latency" : "throughput", o->len, o->streams, o->unordered_pct, msgs,
		       bytes, dur, (double)bytes / dur / 1e6, (double)msgs / dur, st.retransmits,
		       st.fast_retransmits, st.t3_timeouts, st.pmtu_fallbacks, st.pkts_out, st.pkts_in,
		       st.srtt_ms, s_msgs,
		       s_bytes, s_dur, s_dur > 0 ? (double)s_bytes / s_dur / 1e6 : 0,
		       s_dur > 0 ? (double)s_msgs / s_dur : 0,
		       have_res && s_msgs == msgs && s_bytes == bytes ? "true" : "false");
		if (o->latency)
			printf(",\"rtt_us\":{\"samples\":%zu,\"min\":%" PRIu64
			       ",\"mean\":%.1f,\"p50\":%" PRIu64 ",\"p90\":%" PRIu64 ",\"p99\":%" PRIu64
			       ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64 "}",
			       nrtt, nrtt ? rtt[0] : 0, mean, pct(rtt, nrtt, 50), pct(rtt, nrtt, 90),
			       pct(rtt, nrtt, 99), pct(rtt, nrtt, 99.9), nrtt ? rtt[nrtt - 1] : 0);
		printf("}\n");
	} else {
		printf("[client] sent %" PRIu64 " msgs, %.3f MB in %.3f s: %.2f MB/s, %.0f msgs/s\n", msgs,
		       (double)bytes / 1e6, dur, (double)bytes / dur / 1e6, (double)msgs / dur);
		printf("[client] retransmissions %" PRIu64 " (fast %" PRIu64 "), T3 timeouts %" PRIu64
		       " (packet size fallbacks %" PRIu64 "), packets out %" PRIu64 " in %" PRIu64
		       ", srtt %u ms, rto %u ms, path mtu %u\n",
		       st.retransmits, st.fast_retransmits, st.t3_timeouts, st.pmtu_fallbacks, st.pkts_out,
		       st.pkts_in, st.srtt_ms, st.rto_ms, st.mtu);
		if (have_res)
			printf("[server] received %" PRIu64
			       " msgs, %.3f MB in %.3f s: %.2f MB/s, %.0f msgs/s%s\n",
			       s_msgs, (double)s_bytes / 1e6, s_dur,
			       s_dur > 0 ? (double)s_bytes / s_dur / 1e6 : 0,
			       s_dur > 0 ? (double)s_msgs / s_dur : 0,
			       s_msgs == msgs && s_bytes == bytes ? " (all of it)" : " (MISMATCH)");
		if (o->latency && nrtt)
			printf("[client] round trip (us): min %" PRIu64 " mean %.1f p50 %" PRIu64
			       " p90 %" PRIu64 " p99 %" PRIu64 " p99.9 %" PRIu64 " max %" PRIu64
			       " (%zu samples)\n",
			       rtt[0], mean, pct(rtt, nrtt, 50), pct(rtt, nrtt, 90), pct(rtt, nrtt, 99),
			       pct(rtt, nrtt, 99.9), rtt[nrtt - 1], nrtt);
	}
	fflush(stdout);
out:
	free(rtt);
	free(buf);
	tool_close_graceful(sd);
	return rc;
}

int main(int argc, char **argv)
{
	tool_name = "usctp-perf";
	struct opts o;
	parse(argc, argv, &o);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	tool_start_runtime(o.udp_port);
	int rc = o.server ? run_server(&o) : run_client(&o);
	usctp_finish();
	return rc;
}
