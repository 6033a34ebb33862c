/*
 * usrsctp_peer: a test peer written against Debian's usrsctp (another SCTP
 * stack), speaking SCTP over UDP (RFC 6951) with real CRC32c checksums. It is
 * the other end of our interop tests: usctp against usrsctp, usrsctp against
 * usrsctp through the impairment relay, and the traffic the capture check
 * dissects. See docs/interop.md and --help.
 *
 * Messages carry a 16-byte header (index, stream, per-stream sequence of
 * ordered messages, length, flags) and a body derived from the index, so
 * either side can verify any message it receives without state shared out of
 * band. The client draws sizes, streams and the unordered share from --seed.
 *
 * Every wait is bounded by --timeout; an alarm backs that up, so the program
 * always ends by itself. Exit status: 0 everything verified, 1 verification
 * or protocol failure, 2 bad arguments, 3 watchdog timeout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <usrsctp.h>

#include "peer.h"

static void on_alarm(int sig)
{
	static const char msg[] = "usrsctp_peer: watchdog: timed out, result=timeout\n";
	ssize_t r = write(2, msg, sizeof msg - 1);
	(void)r;
	_exit(3);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s --server|--client --udp-port P [options]\n"
		"A usrsctp peer over UDP encapsulation (RFC 6951), with real CRC32c.\n"
		"  --server | --client        role\n"
		"  --udp-port P               local UDP encapsulation port (one per process)\n"
		"  --remote-udp-port P        the peer's UDP port (client: required; server:\n"
		"                             default learned from incoming packets)\n"
		"  --host ADDR                client: server address; server: bind address\n"
		"                             (default 127.0.0.1; ::1 for IPv6)\n"
		"  --port N                   SCTP port (default 5001)\n"
		"  --echo | --discard         server: echo every message (same stream, PPID,\n"
		"                             unordered flag) or only verify; client: expect\n"
		"                             echoes or not (default --echo)\n"
		"  --one-to-many              server: one SOCK_SEQPACKET socket\n"
		"  --assocs K                 server: serve K associations, then exit (default 1)\n"
		"  --expect N                 server: N messages must arrive in total\n"
		"  --expect-abort             server: associations must end by ABORT (else\n"
		"                             by SHUTDOWN)\n"
		"  --messages N               client: messages to send (default 100)\n"
		"  --min B --max B            client: message sizes (default 16..1200, min >= 16,\n"
		"                             max <= 65536)\n"
		"  --streams S                client: streams used (default 1, max 1024)\n"
		"  --unordered PCT            client: share of unordered messages (default 0)\n"
		"  --seed N                   client: seed of sizes, streams, order (default 1)\n"
		"  --pr-ttl MS                PR-SCTP TTL on every send (server: on echoes);\n"
		"                             lost and skipped messages are then allowed\n"
		"  --end close|eof|abort|abort-flag\n"
		"                             client: how to finish: shutdown(SHUT_WR), or an\n"
		"                             SCTP_EOF send, then wait for SHUTDOWN COMPLETE and\n"
		"                             close(); SO_LINGER 0 + close();\n"
		"                             SCTP_ABORT flag (default close)\n"
		"  --rto MIN:INITIAL:MAX      retransmission timeouts in ms (default: usrsctp's,\n"
		"                             1000:3000:60000); short ones keep lossy runs quick\n"
		"  --linger MS                keep the stack running MS after the end, to answer\n"
		"                             the peer's retransmissions (default 0)\n"
		"  --timeout S                give up after S seconds (default 30)\n"
		"  -v, --verbose\n"
		"Prints one key=value summary line; exits 0 only if everything was verified\n"
		"(1 verification failure, 2 bad arguments, 3 watchdog timeout).\n",
		prog);
}

static int num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return (errno || *end || *v > max) ? -1 : 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"server", no_argument, NULL, 'S'},		{"client", no_argument, NULL, 'C'},
	    {"udp-port", required_argument, NULL, 'u'}, {"remote-udp-port", required_argument, NULL, 'r'},
	    {"host", required_argument, NULL, 'H'},	{"port", required_argument, NULL, 'p'},
	    {"echo", no_argument, NULL, 'e'},		{"discard", no_argument, NULL, 'd'},
	    {"one-to-many", no_argument, NULL, 'M'},	{"assocs", required_argument, NULL, 'A'},
	    {"expect", required_argument, NULL, 'E'},	{"messages", required_argument, NULL, 'n'},
	    {"min", required_argument, NULL, 'm'},	{"max", required_argument, NULL, 'x'},
	    {"streams", required_argument, NULL, 's'},	{"unordered", required_argument, NULL, 'U'},
	    {"seed", required_argument, NULL, 'z'},	{"pr-ttl", required_argument, NULL, 'T'},
	    {"end", required_argument, NULL, 'X'},	{"timeout", required_argument, NULL, 't'},
	    {"verbose", no_argument, NULL, 'v'},	{"expect-abort", no_argument, NULL, 'B'},
	    {"rto", required_argument, NULL, 'R'},	{"linger", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},		{0, 0, 0, 0}};
	o.mode = MODE_ECHO;
	o.sctp_port = 5001;
	o.host = "127.0.0.1";
	o.messages = 100;
	o.min = 16;
	o.max = 1200;
	o.streams = 1;
	o.assocs = 1;
	o.expect = -1;
	o.seed = 1;
	o.timeout_s = 30;
	unsigned long long v;
	int c;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'S':
			o.role = ROLE_SERVER;
			break;
		case 'C':
			o.role = ROLE_CLIENT;
			break;
		case 'e':
			o.mode = MODE_ECHO;
			break;
		case 'd':
			o.mode = MODE_DISCARD;
			break;
		case 'R': {
			unsigned a, b, c2;
			char tail;
			if (sscanf(optarg, "%u:%u:%u%c", &a, &b, &c2, &tail) != 3 || !a || a > b || b > c2 ||
			    c2 > 600000)
				goto bad;
			o.rto_min = a;
			o.rto_initial = b;
			o.rto_max = c2;
			break;
		}
		case 'L':
			if (num(optarg, 60000, &v) < 0)
				goto bad;
			o.linger_ms = (uint32_t)v;
			break;
		case 'B':
			o.expect_abort = 1;
			break;
		case 'M':
			o.one_to_many = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'H':
			o.host = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		case 'X':
			if (!strcmp(optarg, "close"))
				o.end = END_CLOSE;
			else if (!strcmp(optarg, "eof"))
				o.end = END_EOF;
			else if (!strcmp(optarg, "abort"))
				o.end = END_ABORT;
			else if (!strcmp(optarg, "abort-flag"))
				o.end = END_ABORT_FLAG;
			else
				goto bad;
			break;
		case 'U': {
			char *end;
			o.unordered = strtod(optarg, &end) / 100.0;
			if (*end || !(o.unordered >= 0 && o.unordered <= 1))
				goto bad;
			break;
		}
		default:
			if (c == '?' || !optarg || num(optarg, UINT32_MAX, &v) < 0)
				goto bad;
			switch (c) {
			case 'u':
				o.udp_port = (uint16_t)v;
				if (v > 65535)
					goto bad;
				break;
			case 'r':
				o.remote_udp_port = (uint16_t)v;
				if (v > 65535)
					goto bad;
				break;
			case 'p':
				o.sctp_port = (uint16_t)v;
				if (!v || v > 65535)
					goto bad;
				break;
			case 'A':
				o.assocs = (uint32_t)v;
				if (!v || v > MAX_ASSOCS)
					goto bad;
				break;
			case 'E':
				o.expect = (long long)v;
				break;
			case 'n':
				o.messages = (uint32_t)v;
				if (v > 10000000)
					goto bad;
				break;
			case 'm':
				o.min = (uint32_t)v;
				break;
			case 'x':
				o.max = (uint32_t)v;
				break;
			case 's':
				o.streams = (uint32_t)v;
				if (!v || v > MAX_STREAMS)
					goto bad;
				break;
			case 'z':
				o.seed = v;
				break;
			case 'T':
				o.pr_ttl_ms = (uint32_t)v;
				break;
			case 't':
				o.timeout_s = (unsigned)v;
				if (!v || v > 3600)
					goto bad;
				break;
			default:
				goto bad;
			}
		}
	}
	if (optind < argc || o.role == ROLE_NONE || !o.udp_port || o.min < HDR || o.max < o.min ||
	    o.max > MAX_MSG || (o.role == ROLE_CLIENT && !o.remote_udp_port) ||
	    (o.role == ROLE_CLIENT && o.one_to_many)) {
		fprintf(stderr, "usrsctp_peer: missing or inconsistent arguments (see --help)\n");
		return -1;
	}
	struct in6_addr a6;
	struct in_addr a4;
	if (inet_pton(AF_INET, o.host, &a4) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, o.host, &a6) == 1)
		family = AF_INET6;
	else {
		fprintf(stderr, "usrsctp_peer: --host '%s': not a numeric IPv4/IPv6 address\n", o.host);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "usrsctp_peer: bad option or value near '%s' (see --help)\n",
		optind > 1 ? argv[optind - 1] : "?");
	return -1;
}

int main(int argc, char **argv)
{
	if (parse_args(argc, argv) < 0)
		return 2;
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm(o.timeout_s + 15); /* backs up the deadlines, e.g. a hung usrsctp_finish */
	t_start = now_ms();

	usrsctp_init(o.udp_port, NULL, NULL);
	/* Real CRC32c on every packet, also on loopback (usrsctp skips it there by default). */
	usrsctp_sysctl_set_sctp_no_csum_on_loopback(0);
	usrsctp_sysctl_set_sctp_pr_enable(1);
	usrsctp_sysctl_set_sctp_ecn_enable(1);

	int rc = o.role == ROLE_SERVER ? run_server() : run_client();
	/*
	 * Our last packet (SHUTDOWN COMPLETE) may be lost; a stack that is still
	 * running answers the peer's retransmitted SHUTDOWN ACK, one that exited
	 * cannot, and the peer then aborts after its retransmissions.
	 */
	if (o.linger_ms)
		for (uint64_t end = now_ms() + o.linger_ms; now_ms() < end;)
			sleep_us(20000);
	/*
	 * usrsctp_finish fails while an association lives. A client that closed
	 * gracefully waits (bounded) for its SHUTDOWN to complete, so the server
	 * sees the end even under loss; a server needs nothing more from its peer.
	 */
	uint64_t fin_end = now_ms() + 5000;
	if (o.role == ROLE_CLIENT)
		fin_end = t_start + (uint64_t)o.timeout_s * 1000u + 5000;
	while (usrsctp_finish() != 0 && now_ms() < fin_end)
		sleep_us(20000);

	int ok = rc == 0 && st.errors == 0 && st.order_violations == 0 && st.duplicates == 0;
	printf("usrsctp_peer: role=%s mode=%s result=%s sent=%llu received=%llu bytes_sent=%llu "
	       "bytes_received=%llu errors=%llu order_violations=%llu duplicates=%llu "
	       "missing=%llu gaps=%llu assocs_up=%llu assocs_done=%llu aborted=%llu "
	       "elapsed_ms=%llu\n",
	       o.role == ROLE_SERVER ? "server" : "client", o.mode == MODE_ECHO ? "echo" : "discard",
	       ok ? "ok" : "fail", (unsigned long long)st.sent, (unsigned long long)st.received,
	       (unsigned long long)st.bytes_sent, (unsigned long long)st.bytes_received,
	       (unsigned long long)st.errors, (unsigned long long)st.order_violations,
	       (unsigned long long)st.duplicates, (unsigned long long)st.missing, (unsigned long long)st.gaps,
	       (unsigned long long)st.assocs_up, (unsigned long long)st.assocs_done,
	       (unsigned long long)st.aborted, (unsigned long long)(now_ms() - t_start));
	fflush(stdout);
	return ok ? 0 : 1;
}
