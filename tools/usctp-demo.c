/*
 * usctp-demo: a server and a client on loopback exchange messages over eight
 * streams, ordered and unordered, through an impairment relay that loses
 * packets, and a summary says what happened.
 *
 * Three processes, because a process has one usctp runtime (one UDP port):
 * the server and the client (tools/demo/peer.c, forked from here) and
 * usctp-relay (exec'd from next to this binary) in between. This process
 * starts them, enforces one deadline, collects their reports through pipes
 * and the relay's counters from its standard output, and prints the summary.
 * The children die with it (PR_SET_PDEATHSIG) and are killed on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo/demo.h"
#include "toolutil.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

struct opts {
	uint64_t messages, seed;
	double loss; /* percent */
	double timeout;
	const char *relay;
};

struct relay_dir {
	uint64_t rx, tx, dropped;
};

struct child {
	pid_t pid;
	int fd; /* result pipe (peers) or stdout (relay) */
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: usctp-demo [--messages N] [--loss PERCENT] [--seed S] [--timeout SEC]\n"
		     "                  [--relay PATH]\n"
		     "\n"
		     "A usctp server and client on loopback, in two processes, exchange N messages\n"
		     "over 8 streams (a quarter of them unordered, 1 byte to 16 KiB each) through\n"
		     "usctp-relay, which drops PERCENT of the packets in each direction. The server\n"
		     "checks every message and echoes it; the client checks every echo; then the\n"
		     "client shuts the association down gracefully. A summary follows: messages and\n"
		     "bytes each way, packets lost and retransmissions, round-trip times,\n"
		     "throughput, and a verdict.\n"
		     "\n"
		     "  -n, --messages N   messages to send (default 1000)\n"
		     "  -l, --loss PCT     packet loss of the relay, each direction, 0..50 (default 2)\n"
		     "  -s, --seed S       seed of the message mix and of the loss pattern (default 1)\n"
		     "  -t, --timeout SEC  give up after SEC seconds (default 50)\n"
		     "      --relay PATH   the usctp-relay binary (default: next to usctp-demo)\n"
		     "  -h, --help         this text\n"
		     "\n"
		     "Timers are tuned for loopback: RTO 50 ms to 1 s (RFC 9260's default minimum is 1 s).\n"
		     "UDP ports are chosen by the kernel, so runs can go on in parallel.\n"
		     "\n"
		     "Exit status: 0 every message delivered and verified both ways and the\n"
		     "association closed gracefully; 1 anything else; 2 bad option.\n"
		     "\n"
		     "Example:\n"
		     "  usctp-demo --messages 2000 --loss 5 --seed 7\n");
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {{"messages", required_argument, NULL, 'n'},
					   {"loss", required_argument, NULL, 'l'},
					   {"seed", required_argument, NULL, 's'},
					   {"timeout", required_argument, NULL, 't'},
					   {"relay", required_argument, NULL, 'r'},
					   {"help", no_argument, NULL, 'h'},
					   {NULL, 0, NULL, 0}};
	*o = (struct opts){.messages = 1000, .seed = 1, .loss = 2, .timeout = 50};
	int ch;
	while ((ch = getopt_long(argc, argv, "n:l:s:t:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'n':
			o->messages = tool_parse_uint(optarg, 1, 10000000, "--messages");
			break;
		case 'l': {
			char *end;
			o->loss = strtod(optarg, &end);
			if (end == optarg || *end || !(o->loss >= 0 && o->loss <= 50))
				tool_usage_error("--loss: a percentage from 0 to 50, not '%s'", optarg);
			break;
		}
		case 's':
			o->seed = tool_parse_uint(optarg, 0, UINT64_MAX, "--seed");
			break;
		case 't':
			o->timeout = tool_parse_seconds(optarg, "--timeout");
			if (o->timeout < 1)
				tool_usage_error("--timeout: at least 1 second");
			break;
		case 'r':
			o->relay = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			tool_usage_error("unknown option");
		}
	}
	if (optind < argc)
		tool_usage_error("unexpected argument '%s'", argv[optind]);
}

/* A free UDP port, picked by the kernel. Another program may take it before
 * we bind it again: the callers retry with a new one when that happens. */
static uint16_t free_udp_port(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	uint16_t port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(EXIT_FAILED);
}

static void stop(struct child *c, int sig)
{
	if (c->pid > 0) {
		kill(c->pid, sig);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

/* Reads exactly len bytes from fd before deadline. Returns 0 or -1. */
static int read_full(int fd, void *buf, size_t len, double deadline)
{
	size_t got = 0;
	while (got < len) {
		double left = deadline - tool_now();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) < 0)
			return -1;
		if (!p.revents)
			continue;
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The relay                                                           */
/* ------------------------------------------------------------------ */

static const char *relay_path(const struct opts *o)
{
	static char path[PATH_MAX];
	if (o->relay)
		return o->relay;
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n <= 0)
		return "usctp-relay";
	path[n] = 0;
	char *dir = dirname(path);
	memmove(path, dir, strlen(dir) + 1);
	strcat(path, "/usctp-relay");
	return path;
}

/*
 * Starts the relay on relay_udp towards the server and waits for its "ready"
 * line. Returns 0, 1 when the port was taken (try another), -1 on failure.
 */
static int start_relay(const struct opts *o, const struct demo_cfg *c, struct child *rl, double deadline)
{
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		perror("usctp-demo: pipe");
		return -1;
	}
	char listen[32], target[32], loss[32], seed[32];
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", c->relay_udp);
	snprintf(target, sizeof(target), "127.0.0.1:%u", c->server_udp);
	snprintf(loss, sizeof(loss), "%g", o->loss);
	snprintf(seed, sizeof(seed), "%" PRIu64, o->seed);
	const char *path = relay_path(o);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("usctp-demo: fork");
		return -1;
	}
	if (pid == 0) {
		die_with_parent();
		dup2(out[1], 1);
		dup2(err[1], 2);
		execl(path, "usctp-relay", "--listen", listen, "--target", target, "--drop", loss, "--seed",
		      seed, "--queue", "4096", (char *)NULL);
		fprintf(stderr, "usctp-demo: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	rl->pid = pid;
	rl->fd = out[0];
	/* Wait for "usctp-relay: ready" on its stderr, or its exit. */
	char line[512] = "";
	size_t len = 0;
	int rc = -1;
	while (len < sizeof(line) - 1) {
		ssize_t n;
		if (read_full(err[0], line + len, 1, deadline) < 0)
			break;
		n = 1;
		len += (size_t)n;
		line[len] = 0;
		if (strstr(line, "usctp-relay: ready")) {
			rc = 0;
			break;
		}
	}
	close(err[0]);
	if (rc == 0)
		return 0;
	int status = 0;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	rl->pid = 0;
	close(rl->fd);
	rl->fd = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		return 1; /* RELAY_EXIT_BIND */
	fprintf(stderr, "usctp-demo: the relay (%s) did not start:\n%s", path, line);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		fprintf(stderr, "usctp-demo: build it (it is tools/usctp-relay) or pass --relay PATH\n");
	return -1;
}

/* Stops the relay and reads its two counter lines. */
static int relay_counters(struct child *rl, struct relay_dir d[2], double deadline)
{
	char text[2048];
	size_t len = 0;
	kill(rl->pid, SIGTERM);
	while (len < sizeof(text) - 1) {
		if (read_full(rl->fd, text + len, 1, deadline) < 0)
			break; /* EOF: it exited */
		len++;
	}
	text[len] = 0;
	stop(rl, SIGKILL);
	int found = 0;
	for (int i = 0; i < 2; i++) {
		const char *p = strstr(text, i ? "s2c rx=" : "c2s rx=");
		unsigned long long rx, tx, dr;
		if (p && sscanf(p + 4, "rx=%llu tx=%llu dropped=%llu", &rx, &tx, &dr) == 3) {
			d[i] = (struct relay_dir){rx, tx, dr};
			found++;
		}
	}
	return found == 2 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* The peers                                                           */
/* ------------------------------------------------------------------ */

/* Forks a peer (server when ready_w >= 0) that writes its result to a pipe. */
static int start_peer(const struct demo_cfg *c, int is_server, int ready_w, struct child *ch)
{
	int res[2];
	if (pipe2(res, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (pid == 0) {
		static struct demo_result r;
		die_with_parent();
		close(res[0]);
		if (is_server)
			demo_server(c, ready_w, &r);
		else
			demo_client(c, &r);
		ssize_t n = write(res[1], &r, sizeof(r));
		_exit(n == (ssize_t)sizeof(r) ? 0 : EXIT_FAILED);
	}
	close(res[1]);
	ch->pid = pid;
	ch->fd = res[0];
	return 0;
}

static int collect(struct child *ch, struct demo_result *r, const char *who, double deadline)
{
	if (read_full(ch->fd, r, sizeof(*r), deadline) == 0) {
		stop(ch, 0);
		return 0;
	}
	memset(r, 0, sizeof(*r));
	snprintf(r->why, sizeof(r->why), "%s: %s", who,
		 tool_now() >= deadline ? "no result before the deadline (killed)" : "died without a result");
	stop(ch, SIGKILL);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The summary                                                         */
/* ------------------------------------------------------------------ */

static void human_bytes(uint64_t b, char *out, size_t len)
{
	if (b >= 10u << 20)
		snprintf(out, len, "%.1f MiB", (double)b / (1 << 20));
	else if (b >= 10u << 10)
		snprintf(out, len, "%.1f KiB", (double)b / (1 << 10));
	else
		snprintf(out, len, "%" PRIu64 " bytes", b);
}

static void print_way(const char *what, const struct demo_result *tx, const struct demo_result *rx)
{
	char b[32];
	human_bytes(tx->bytes_out, b, sizeof(b));
	printf("  %-18s %" PRIu64 " messages sent (%s), %" PRIu64 " received and verified (%" PRIu64
	       " of them unordered)\n",
	       what, tx->msgs_out, b, rx->msgs_in, rx->unordered_in);
}

static void print_summary(const struct opts *o, const struct demo_result *cl, const struct demo_result *sv,
			  const struct relay_dir rd[2], int have_relay, double wall)
{
	printf("\nSummary\n");
	print_way("client -> server:", cl, sv);
	print_way("server -> client:", sv, cl);
	if (have_relay) {
		printf("  lost by the relay: %" PRIu64 " of %" PRIu64 " packets client -> server, %" PRIu64
		       " of %" PRIu64 " server -> client (%g %% loss asked)\n",
		       rd[0].dropped, rd[0].rx, rd[1].dropped, rd[1].rx, o->loss);
	} else {
		printf("  lost by the relay: unknown (no counters from the relay)\n");
	}
	if (cl->have_stats && sv->have_stats) {
		printf("  retransmitted:     client %" PRIu64 " DATA chunks (%" PRIu64 " fast, %" PRIu64
		       " timeouts), server %" PRIu64 " (%" PRIu64 " fast, %" PRIu64 " timeouts)\n",
		       cl->st.retransmits, cl->st.fast_retransmits, cl->st.t3_timeouts, sv->st.retransmits,
		       sv->st.fast_retransmits, sv->st.t3_timeouts);
		printf("  packets:           client sent %" PRIu64 ", received %" PRIu64
		       "; server sent %" PRIu64 ", received %" PRIu64 "\n",
		       cl->st.pkts_out, cl->st.pkts_in, sv->st.pkts_out, sv->st.pkts_in);
		char srtt[32];
		if (cl->st.srtt_ms)
			snprintf(srtt, sizeof(srtt), "%u ms", cl->st.srtt_ms);
		else
			snprintf(srtt, sizeof(srtt), "under 1 ms");
		printf("  round trip:        SCTP's smoothed RTT %s (RTO %u ms); message echo min %.2f ms, "
		       "median %.2f ms, max %.1f ms\n",
		       srtt, cl->st.rto_ms, cl->rtt_min * 1e3, cl->rtt_med * 1e3, cl->rtt_max * 1e3);
	}
	if (cl->elapsed > 0) {
		double mb = (double)(cl->bytes_out + cl->bytes_in) / (1 << 20);
		printf("  throughput:        %.1f MiB/s both ways together (%.2f s of exchange)\n",
		       mb / cl->elapsed, cl->elapsed);
	}
	printf("  shutdown:          %s\n", cl->graceful ? "graceful (SHUTDOWN COMPLETE)" : "not graceful");
	printf("  wall time:         %.2f s\n", wall);
}

int main(int argc, char **argv)
{
	tool_name = "usctp-demo";
	struct opts o;
	parse(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	double t0 = tool_now();
	double deadline = t0 + o.timeout;
	struct demo_cfg c = {.messages = o.messages, .seed = o.seed, .deadline = deadline - 2};
	struct child rl = {.fd = -1}, sv = {.fd = -1}, cl = {.fd = -1};
	struct demo_result rs, rc;
	struct relay_dir rd[2];
	memset(&rs, 0, sizeof(rs));
	memset(&rc, 0, sizeof(rc));
	memset(rd, 0, sizeof(rd));
	int failed = 0;

	printf("usctp-demo: %" PRIu64 " messages over %d streams (25 %% unordered, 1 B to 16 KiB), "
	       "%g %% loss each way, seed %" PRIu64 "\n",
	       o.messages, DEMO_STREAMS, o.loss, o.seed);

	/* The server, on a kernel-chosen port (again if someone took it meanwhile). */
	int ready[2] = {-1, -1};
	for (int attempt = 0; attempt < 5 && !sv.pid; attempt++) {
		if (pipe2(ready, O_CLOEXEC) < 0) {
			perror("usctp-demo: pipe");
			return EXIT_FAILED;
		}
		c.server_udp = free_udp_port();
		if (!c.server_udp || start_peer(&c, 1, ready[1], &sv) < 0) {
			perror("usctp-demo: server");
			return EXIT_FAILED;
		}
		close(ready[1]);
		char one;
		int up = read_full(ready[0], &one, 1, deadline) == 0;
		close(ready[0]);
		if (!up) {
			collect(&sv, &rs, "server", deadline);
			if (rs.port_busy) {
				memset(&rs, 0, sizeof(rs));
				continue;
			}
			fprintf(stderr, "usctp-demo: the server did not start: %s\n", rs.why);
			return EXIT_FAILED;
		}
	}
	if (!sv.pid) {
		fprintf(stderr, "usctp-demo: no free UDP port for the server\n");
		return EXIT_FAILED;
	}
	printf("  server:  usctp on UDP port %u, SCTP port %d (pid %d)\n", c.server_udp, DEMO_SCTP_PORT,
	       (int)sv.pid);

	int r = 1;
	for (int attempt = 0; attempt < 5 && r == 1; attempt++) {
		c.relay_udp = free_udp_port();
		r = c.relay_udp ? start_relay(&o, &c, &rl, deadline) : -1;
	}
	if (r != 0) {
		stop(&sv, SIGKILL);
		fprintf(stderr, "usctp-demo: no relay, no demo\n");
		return EXIT_FAILED;
	}
	printf("  relay:   UDP port %u -> %u, dropping %g %% each way (pid %d)\n", c.relay_udp, c.server_udp,
	       o.loss, (int)rl.pid);

	/* The client: if its port is taken meanwhile, it reports so before connecting. */
	for (int attempt = 0; attempt < 5; attempt++) {
		c.client_udp = free_udp_port();
		if (!c.client_udp || start_peer(&c, 0, -1, &cl) < 0) {
			snprintf(rc.why, sizeof(rc.why), "client: cannot start");
			failed = 1;
			break;
		}
		if (attempt == 0)
			printf("  client:  usctp on UDP port %u, connecting through the relay (pid %d)\n",
			       c.client_udp, (int)cl.pid);
		fflush(stdout);
		/* Whichever ends first: a server that fails early stops the client too. */
		struct pollfd p[2] = {{.fd = cl.fd, .events = POLLIN}, {.fd = sv.fd, .events = POLLIN}};
		double left = deadline - tool_now();
		if (left > 0)
			poll(p, 2, (int)(left * 1000) + 1);
		if (!p[0].revents && p[1].revents) {
			if (collect(&sv, &rs, "server", deadline) < 0 || !rs.ok) {
				failed = 1;
				stop(&cl, SIGKILL);
				snprintf(rc.why, sizeof(rc.why), "client: stopped after the server failed");
				break;
			}
		}
		failed = collect(&cl, &rc, "client", deadline) < 0 || !rc.ok;
		if (!rc.port_busy)
			break;
	}
	if (sv.pid) {
		/* The server ends when the client has shut down; if the client failed, stop it. */
		if (failed) {
			stop(&sv, SIGKILL);
			if (!rs.why[0])
				snprintf(rs.why, sizeof(rs.why), "server: stopped after the client failed");
		} else if (collect(&sv, &rs, "server", deadline) < 0 || !rs.ok) {
			failed = 1;
		}
	}
	int have_relay = relay_counters(&rl, rd, tool_now() + 3) == 0;
	double wall = tool_now() - t0;

	print_summary(&o, &rc, &rs, rd, have_relay, wall);
	int ok =
	    !failed && rc.ok && rs.ok && rc.msgs_in == o.messages && rs.msgs_in == o.messages && rc.graceful;
	if (ok) {
		printf("\nVERDICT: PASS: all %" PRIu64 " messages (%" PRIu64
		       " bytes) arrived intact and in order both ways",
		       o.messages, rc.bytes_out);
		if (have_relay && rd[0].dropped + rd[1].dropped)
			printf(", %" PRIu64 " lost packets recovered", rd[0].dropped + rd[1].dropped);
		printf(", closed gracefully.\n");
		return 0;
	}
	/* The cause first: a peer stopped because the other failed is the consequence. */
	const char *first = rc.why, *second = rs.why;
	if (!first[0] || strstr(first, "stopped after")) {
		first = rs.why;
		second = rc.why;
	}
	printf("\nVERDICT: FAIL: %s\n", first[0] ? first : second[0] ? second : "incomplete exchange");
	if (first[0] && second[0])
		printf("         (also %s)\n", second);
	return EXIT_FAILED;
}
