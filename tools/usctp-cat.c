/*
 * usctp-cat: netcat for SCTP (over UDP encapsulation, RFC 6951).
 *
 * Connects to or listens for one association (one-to-one, SOCK_STREAM) or
 * several (--seqpacket, one-to-many). Every line of stdin (or every file
 * given with -f) becomes one message; every message received goes to stdout
 * (with --meta, behind a header naming its association, stream and ppid).
 * EOF on stdin shuts the association down gracefully (after -q seconds);
 * the peer's shutdown ends the program too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolutil.h"

#define LINE_MAX_MSG (64 * 1024) /* a longer line goes out as several messages */
#define RX_BUF (256 * 1024)
#define MAX_FILES 64

static const char usage[] =
    "Usage: usctp-cat [options] HOST PORT       connect to HOST's SCTP port PORT\n"
    "       usctp-cat [options] -l [ADDR] PORT  listen on SCTP port PORT\n"
    "\n"
    "netcat for SCTP over UDP (RFC 6951). Each line of stdin (or each file given\n"
    "with -f) is sent as one message; each message received is written to stdout.\n"
    "EOF on stdin shuts the association down gracefully; so does the peer's shutdown.\n"
    "\n"
    "  -l, --listen            wait for the peer (one association, then exit)\n"
    "      --seqpacket         one-to-many socket (SOCK_SEQPACKET): a listener serves\n"
    "                          several peers and sends each line to all of them\n"
    "  -4, -6                  IPv4 / IPv6 only\n"
    "  -s, --stream N          send on stream N (default 0)\n"
    "  -P, --ppid N            payload protocol identifier (default 0)\n"
    "  -U, --unordered         send unordered\n"
    "      --pr-ttl MS         PR-SCTP: abandon a message not sent within MS ms\n"
    "      --pr-rtx N          PR-SCTP: abandon a message after N retransmissions\n"
    "  -u, --udp-port P        local UDP encapsulation port (default $USCTP_UDP_PORT or 9899)\n"
    "  -r, --remote-udp-port P the peer's UDP encapsulation port (default 9899)\n"
    "  -f, --file PATH         send the file as one message (repeatable), then EOF\n"
    "  -d, --no-stdin          do not read stdin (receive only)\n"
    "  -q, --quit-after-eof S  after EOF on stdin, wait S seconds (receiving) before\n"
    "                          the graceful shutdown (default 0)\n"
    "  -w, --timeout S         give up setting up the association after S seconds\n"
    "  -m, --meta              print '[assoc A stream S ppid P] ' before each message\n"
    "  -v, --verbose           notifications and association counters on stderr\n"
    "  -h, --help              this help\n"
    "\n"
    "Environment: USCTP_UDP_PORT (local UDP port), USCTP_DEBUG=1..3 (library log on\n"
    "stderr), USCTP_PCAP=file.pcap (capture every packet for Wireshark/tshark).\n"
    "\n"
    "Examples:\n"
    "  usctp-cat -u 9900 -l 5000 > received.txt           # terminal 1\n"
    "  usctp-cat -u 9901 -r 9900 localhost 5000 < file.txt # terminal 2\n"
    "  usctp-cat -u 9901 -r 9900 -f image.png -d localhost 5000\n"
    "  usctp-cat -v --meta -u 9900 --seqpacket -l 5000     # chat server\n"
    "  USCTP_PCAP=/tmp/s.pcap usctp-cat -r 9900 -u 9901 ::1 5000; tshark -r /tmp/s.pcap\n"
    "\n" TOOL_EXIT_HELP;

struct opts {
	bool listen, seqpacket, unordered, no_stdin, meta, verbose;
	int family;
	uint16_t stream;
	uint32_t ppid;
	uint32_t pr_policy, pr_value;
	uint16_t udp_port, remote_udp_port;
	const char *files[MAX_FILES];
	unsigned nfiles;
	double quit_after, timeout;
	const char *host;
	uint16_t port;
};

static volatile sig_atomic_t got_signal;
static void on_signal(int sig)
{
	got_signal = sig;
}

static void parse(int argc, char **argv, struct opts *o)
{
	enum { OPT_SEQPACKET = 256, OPT_PRTTL, OPT_PRRTX };
	static const struct option lo[] = {{"listen", no_argument, NULL, 'l'},
					   {"seqpacket", no_argument, NULL, OPT_SEQPACKET},
					   {"stream", required_argument, NULL, 's'},
					   {"ppid", required_argument, NULL, 'P'},
					   {"unordered", no_argument, NULL, 'U'},
					   {"pr-ttl", required_argument, NULL, OPT_PRTTL},
					   {"pr-rtx", required_argument, NULL, OPT_PRRTX},
					   {"udp-port", required_argument, NULL, 'u'},
					   {"remote-udp-port", required_argument, NULL, 'r'},
					   {"file", required_argument, NULL, 'f'},
					   {"no-stdin", no_argument, NULL, 'd'},
					   {"quit-after-eof", required_argument, NULL, 'q'},
					   {"timeout", required_argument, NULL, 'w'},
					   {"meta", no_argument, NULL, 'm'},
					   {"verbose", no_argument, NULL, 'v'},
					   {"help", no_argument, NULL, 'h'},
					   {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":l46s:P:Uu:r:f:dq:w:mvh", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = true;
			break;
		case OPT_SEQPACKET:
			o->seqpacket = true;
			break;
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 's':
			o->stream = (uint16_t)tool_parse_uint(optarg, 0, 65534, "--stream");
			break;
		case 'P':
			o->ppid = (uint32_t)tool_parse_uint(optarg, 0, UINT32_MAX, "--ppid");
			break;
		case 'U':
			o->unordered = true;
			break;
		case OPT_PRTTL:
			o->pr_policy = SCTP_PR_SCTP_TTL;
			o->pr_value = (uint32_t)tool_parse_uint(optarg, 1, UINT32_MAX, "--pr-ttl");
			break;
		case OPT_PRRTX:
			o->pr_policy = SCTP_PR_SCTP_RTX;
			o->pr_value = (uint32_t)tool_parse_uint(optarg, 0, UINT32_MAX, "--pr-rtx");
			break;
		case 'u':
			o->udp_port = (uint16_t)tool_parse_uint(optarg, 1, 65535, "--udp-port");
			break;
		case 'r':
			o->remote_udp_port = (uint16_t)tool_parse_uint(optarg, 1, 65535, "--remote-udp-port");
			break;
		case 'f':
			if (o->nfiles == MAX_FILES)
				tool_usage_error("at most %d files", MAX_FILES);
			o->files[o->nfiles++] = optarg;
			break;
		case 'd':
			o->no_stdin = true;
			break;
		case 'q':
			o->quit_after = tool_parse_seconds(optarg, "--quit-after-eof");
			break;
		case 'w':
			o->timeout = tool_parse_seconds(optarg, "--timeout");
			break;
		case 'm':
			o->meta = true;
			break;
		case 'v':
			o->verbose = true;
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
	int rest = argc - optind;
	if (o->listen) {
		if (rest < 1 || rest > 2)
			tool_usage_error("listen mode needs [ADDR] PORT");
		o->host = rest == 2 ? argv[optind] : NULL;
		o->port = (uint16_t)tool_parse_uint(argv[argc - 1], 1, 65535, "PORT");
	} else {
		if (rest != 2)
			tool_usage_error(rest < 2 ? "missing HOST and PORT" : "too many arguments");
		o->host = argv[optind];
		o->port = (uint16_t)tool_parse_uint(argv[optind + 1], 1, 65535, "PORT");
	}
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			tool_die(TOOL_EXIT_FAIL, "write to stdout: %s", strerror(errno));
		p += w;
		len -= (size_t)w;
	}
}

struct cat {
	struct opts o;
	int sd;
	struct sockaddr_storage peer; /* client: where to send */
	socklen_t peerlen;
	sctp_assoc_t last_id; /* one-to-many: the latest association seen */
	unsigned nassocs;     /* one-to-many: associations up now */
	bool ever_up;
	bool in_msg; /* a message is partly written */
	bool stdin_eof, shut_sent, done;
	double shut_at; /* when to shut down after stdin EOF */
	int exit_code;
	struct usctp_stats last_stats;
	bool have_stats;
	char line[LINE_MAX_MSG];
	size_t line_len;
};

static void send_msg(struct cat *c, const void *buf, size_t len)
{
	uint32_t flags = (c->o.unordered ? SCTP_UNORDERED : 0) | c->o.pr_policy;
	const struct sockaddr *to = NULL;
	socklen_t tolen = 0;
	if (c->o.seqpacket && c->o.listen) {
		if (c->nassocs == 0) {
			tool_warn("no association yet: line dropped");
			return;
		}
		flags |= SCTP_SENDALL;
	} else if (c->o.seqpacket) {
		to = (const struct sockaddr *)&c->peer;
		tolen = c->peerlen;
	}
	for (;;) {
		ssize_t r = sctp_sendmsg(c->sd, buf, len, to, tolen, htonl(c->o.ppid), flags, c->o.stream,
					 c->o.pr_value, 0);
		if (r >= 0)
			return;
		if (errno == EINTR && !got_signal)
			continue;
		if (errno == EMSGSIZE)
			tool_die(TOOL_EXIT_FAIL, "message of %zu bytes is larger than the send buffer", len);
		tool_die(tool_exit_for_errno(errno), "send: %s", strerror(errno));
	}
}

static void send_files(struct cat *c)
{
	for (unsigned i = 0; i < c->o.nfiles; i++) {
		int fd = open(c->o.files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			tool_die(TOOL_EXIT_FAIL, "%s: %s", c->o.files[i], strerror(errno));
		struct stat st;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			tool_die(TOOL_EXIT_FAIL, "%s: not a regular file", c->o.files[i]);
		size_t len = (size_t)st.st_size;
		char *buf = malloc(len ? len : 1);
		if (!buf)
			tool_die(TOOL_EXIT_FAIL, "%s: out of memory", c->o.files[i]);
		size_t got = 0;
		while (got < len) {
			ssize_t r = read(fd, buf + got, len - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				tool_die(TOOL_EXIT_FAIL, "%s: read: %s", c->o.files[i],
					 r < 0 ? strerror(errno) : "short");
			got += (size_t)r;
		}
		close(fd);
		send_msg(c, buf, len);
		free(buf);
	}
}

static void start_shutdown(struct cat *c)
{
	if (c->shut_sent)
		return;
	c->shut_sent = true;
	if (!c->o.seqpacket) {
		if (usctp_shutdown(c->sd, SHUT_WR) < 0 && errno != ENOTCONN)
			tool_die(tool_exit_for_errno(errno), "shutdown: %s", strerror(errno));
		return;
	}
	if (c->nassocs == 0) {
		c->done = true;
		return;
	}
	/* One-to-many: SCTP_EOF with no data shuts the association(s) down. */
	struct sctp_sndrcvinfo si;
	memset(&si, 0, sizeof(si));
	si.sinfo_flags = SCTP_EOF | (c->o.listen ? SCTP_SENDALL : 0);
	si.sinfo_assoc_id = c->o.listen ? 0 : c->last_id;
	if (sctp_send(c->sd, NULL, 0, &si, 0) < 0 && errno != ENOENT)
		tool_warn("shutdown: %s", strerror(errno));
}

static void on_stdin(struct cat *c)
{
	ssize_t r = read(STDIN_FILENO, c->line + c->line_len, sizeof(c->line) - c->line_len);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		if (c->line_len)
			send_msg(c, c->line, c->line_len); /* a last line without newline */
		c->line_len = 0;
		c->stdin_eof = true;
		c->shut_at = tool_now() + c->o.quit_after;
		return;
	}
	c->line_len += (size_t)r;
	size_t start = 0;
	for (size_t i = c->line_len - (size_t)r; i < c->line_len; i++) {
		if (c->line[i] == '\n') {
			send_msg(c, c->line + start, i + 1 - start);
			start = i + 1;
		}
	}
	if (start == 0 && c->line_len == sizeof(c->line)) {
		send_msg(c, c->line, c->line_len); /* an over-long line: send what we have */
		c->line_len = 0;
		return;
	}
	memmove(c->line, c->line + start, c->line_len - start);
	c->line_len -= start;
}

static void snapshot(struct cat *c, sctp_assoc_t id)
{
	if (c->o.verbose && usctp_stats(c->sd, id, &c->last_stats) == 0)
		c->have_stats = true;
}

static void on_notification(struct cat *c, const void *buf, size_t len)
{
	const union sctp_notification *n = buf;
	if (c->o.verbose)
		tool_print_notification(stderr, buf, len);
	if (n->sn_header.sn_type == SCTP_SHUTDOWN_EVENT)
		snapshot(c, n->sn_shutdown_event.sse_assoc_id);
	if (n->sn_header.sn_type != SCTP_ASSOC_CHANGE)
		return;
	const struct sctp_assoc_change *ac = &n->sn_assoc_change;
	switch (ac->sac_state) {
	case SCTP_COMM_UP:
	case SCTP_RESTART:
		if (ac->sac_state == SCTP_COMM_UP)
			c->nassocs++;
		c->ever_up = true;
		c->last_id = ac->sac_assoc_id;
		break;
	case SCTP_COMM_LOST:
	case SCTP_CANT_STR_ASSOC:
	case SCTP_SHUTDOWN_COMP:
		if (ac->sac_state != SCTP_CANT_STR_ASSOC && c->nassocs)
			c->nassocs--;
		if (ac->sac_state == SCTP_COMM_LOST)
			c->exit_code = TOOL_EXIT_ABORTED;
		if (ac->sac_state == SCTP_CANT_STR_ASSOC)
			c->exit_code = TOOL_EXIT_REFUSED;
		/* A one-to-many client ends with its association; a listener
		 * ends when it has shut everything down after stdin EOF. */
		if (c->o.seqpacket && (!c->o.listen || c->shut_sent) && c->nassocs == 0)
			c->done = true;
		break;
	default:
		break;
	}
}

static void on_socket(struct cat *c)
{
	static char buf[RX_BUF];
	struct sctp_sndrcvinfo si;
	int flags = 0;
	memset(&si, 0, sizeof(si));
	ssize_t r = sctp_recvmsg(c->sd, buf, sizeof(buf), NULL, NULL, &si, &flags);
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		c->exit_code = tool_exit_for_errno(errno);
		if (c->o.verbose || c->exit_code != TOOL_EXIT_OK)
			tool_warn("receive: %s", strerror(errno));
		c->done = true;
		return;
	}
	if (r == 0 && !(flags & MSG_NOTIFICATION)) {
		c->done = true; /* one-to-one: the association ended gracefully */
		return;
	}
	if (flags & MSG_NOTIFICATION) {
		on_notification(c, buf, (size_t)r);
		return;
	}
	if (c->o.meta && !c->in_msg) {
		char hdr[96];
		int n = snprintf(hdr, sizeof(hdr), "[assoc %u stream %u ppid %u%s] ",
				 (unsigned)si.sinfo_assoc_id, si.sinfo_stream, ntohl(si.sinfo_ppid),
				 si.sinfo_flags & SCTP_UNORDERED ? " unordered" : "");
		write_all(STDOUT_FILENO, hdr, (size_t)n);
	}
	write_all(STDOUT_FILENO, buf, (size_t)r);
	c->in_msg = !(flags & MSG_EOR);
	if (c->o.seqpacket && c->o.listen)
		c->last_id = si.sinfo_assoc_id;
	snapshot(c, si.sinfo_assoc_id);
}

static int make_socket(int family, int type)
{
	int sd = usctp_socket(family, type, IPPROTO_SCTP);
	if (sd < 0)
		tool_die(TOOL_EXIT_FAIL, "socket: %s", strerror(errno));
	/* Interactive lines must not wait for the previous one's SACK (a
	 * template: set before the association exists). */
	int one = 1;
	usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one));
	return sd;
}

static void setup(struct cat *c)
{
	int type = c->o.seqpacket ? SOCK_SEQPACKET : SOCK_STREAM;
	if (c->o.listen) {
		struct sockaddr_storage ss;
		int fam = c->o.family == AF_UNSPEC && !c->o.host ? AF_INET6 : c->o.family;
		socklen_t len = tool_resolve(c->o.host, c->o.port, fam, true, &ss);
		int sd = make_socket(ss.ss_family, type);
		if (usctp_bind(sd, (struct sockaddr *)&ss, len) < 0) {
			char a[80];
			tool_die(tool_exit_for_errno(errno), "cannot bind SCTP %s: %s",
				 tool_addr_str((struct sockaddr *)&ss, a, sizeof(a)), strerror(errno));
		}
		if (usctp_listen(sd, 4) < 0)
			tool_die(TOOL_EXIT_FAIL, "listen: %s", strerror(errno));
		tool_set_remote_udp_port(sd, c->o.remote_udp_port);
		if (c->o.verbose) {
			uint16_t ev = SCTP_ASSOC_CHANGE;
			tool_subscribe(sd, &ev, 1);
			tool_warn("listening on SCTP port %u, UDP port %u", c->o.port, usctp_udp_port());
		}
		if (c->o.seqpacket) {
			c->sd = sd;
			return;
		}
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		int a;
		do
			a = usctp_accept(sd, (struct sockaddr *)&from, &flen);
		while (a < 0 && errno == EINTR && !got_signal);
		if (a < 0)
			tool_die(got_signal ? TOOL_EXIT_OK : TOOL_EXIT_FAIL, "accept: %s", strerror(errno));
		if (c->o.verbose) {
			char s[80];
			tool_warn("association from %s",
				  tool_addr_str((struct sockaddr *)&from, s, sizeof(s)));
		}
		usctp_close(sd);
		c->sd = a;
		c->ever_up = true;
		return;
	}
	c->peerlen = tool_resolve(c->o.host, c->o.port, c->o.family, false, &c->peer);
	int sd = make_socket(c->peer.ss_family, type);
	tool_set_remote_udp_port(sd, c->o.remote_udp_port);
	struct sctp_initmsg im = {.sinit_num_ostreams =
				      (uint16_t)(c->o.stream + 1 > 10 ? c->o.stream + 1 : 10)};
	usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
	if (c->o.timeout > 0) {
		struct timeval tv = {.tv_sec = (time_t)c->o.timeout,
				     .tv_usec =
					 (suseconds_t)((c->o.timeout - (double)(time_t)c->o.timeout) * 1e6)};
		usctp_setsockopt(sd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	c->sd = sd;
	char a[80];
	tool_addr_str((struct sockaddr *)&c->peer, a, sizeof(a));
	if (!c->o.seqpacket) {
		if (usctp_connect(sd, (struct sockaddr *)&c->peer, c->peerlen) < 0)
			tool_die(tool_exit_for_errno(errno), "cannot connect to %s: %s", a, strerror(errno));
		c->ever_up = true;
	} else {
		/* One-to-many: the association is set up by the first message;
		 * set it up now so that errors show before stdin is read. */
		sctp_assoc_t id = 0;
		if (sctp_connectx(sd, (struct sockaddr *)&c->peer, 1, &id) < 0)
			tool_die(tool_exit_for_errno(errno), "cannot connect to %s: %s", a, strerror(errno));
		c->last_id = id;
		c->nassocs = 1;
		c->ever_up = true;
	}
	if (c->o.verbose)
		tool_warn("connected to %s (UDP port %u)", a, usctp_udp_port());
}

int main(int argc, char **argv)
{
	tool_name = "usctp-cat";
	static struct cat c;
	parse(argc, argv, &c.o);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	tool_start_runtime(c.o.udp_port);
	/* The association must see COMM_UP/SHUTDOWN_COMP on one-to-many sockets
	 * to know when to end; -v prints all the others too. */
	static const uint16_t all[] = {SCTP_ASSOC_CHANGE,	   SCTP_PEER_ADDR_CHANGE,
				       SCTP_REMOTE_ERROR,	   SCTP_SHUTDOWN_EVENT,
				       SCTP_SEND_FAILED_EVENT,	   SCTP_ADAPTATION_INDICATION,
				       SCTP_PARTIAL_DELIVERY_EVENT};
	setup(&c);
	if (c.o.verbose)
		tool_subscribe(c.sd, all, sizeof(all) / sizeof(all[0]));
	else if (c.o.seqpacket)
		tool_subscribe(c.sd, all, 1);

	if (c.o.nfiles) {
		send_files(&c);
		c.stdin_eof = true; /* files replace stdin */
		c.shut_at = tool_now() + c.o.quit_after;
	} else if (c.o.no_stdin) {
		c.stdin_eof = true;
		c.shut_at = -1; /* never: wait for the peer */
	}
	while (!c.done) {
		if (got_signal) {
			if (c.shut_sent)
				break; /* a second signal: stop waiting */
			got_signal = 0;
			c.stdin_eof = true;
			c.shut_at = 0;
		}
		if (c.stdin_eof && c.shut_at >= 0 && tool_now() >= c.shut_at)
			start_shutdown(&c);
		if (c.done)
			break;
		struct pollfd p[2] = {{.fd = c.sd, .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
		nfds_t np = c.stdin_eof ? 1 : 2;
		int to = -1;
		if (c.stdin_eof && !c.shut_sent && c.shut_at >= 0)
			to = (int)((c.shut_at - tool_now()) * 1000) + 1;
		int n = poll(p, np, to < 0 ? -1 : to);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			tool_die(TOOL_EXIT_FAIL, "poll: %s", strerror(errno));
		}
		if (p[0].revents)
			on_socket(&c);
		if (np > 1 && p[1].revents && !c.done)
			on_stdin(&c);
		if (!c.done)
			snapshot(&c, c.last_id); /* the counters outlive the association only here */
	}
	if (c.o.verbose && c.have_stats)
		tool_print_stats(stderr, &c.last_stats);
	tool_close_graceful(c.sd);
	usctp_finish();
	return c.exit_code;
}
