/* Interop peers: the command line (the same for both stacks), the watchdog, the summary line. */
#define _GNU_SOURCE
#include "peer_common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	static const char msg[] = "interop peer: watchdog: timed out, result=timeout\n";
	ssize_t r = write(2, msg, sizeof msg - 1);
	(void)r;
	_exit(3);
}

void watchdog(unsigned s)
{
	signal(SIGALRM, on_alarm);
	alarm(s);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s --server|--client --udp-port P [options]\n"
		"An SCTP test peer over UDP encapsulation (RFC 6951), with real CRC32c.\n"
		"  --server | --client        role\n"
		"  --udp-port P               local UDP encapsulation port (one per process)\n"
		"  --remote-udp-port P        the peer's UDP port (client: required; server:\n"
		"                             default learned from incoming packets)\n"
		"  --host ADDR                client: server address; server: bind address\n"
		"                             (default 127.0.0.1; ::1 for IPv6); twice: two\n"
		"                             addresses (multi-homing), the first is primary\n"
		"  --local ADDR               client: bind this address (twice: multi-homing)\n"
		"  --port N                   SCTP port (default 5001)\n"
		"  --local-port N             client: bind this SCTP port (default: ephemeral)\n"
		"  --echo | --discard         server: echo every message (same stream, PPID,\n"
		"                             unordered flag) or only verify; client: expect\n"
		"                             echoes or not (default --echo)\n"
		"  --one-to-many              server: one SOCK_SEQPACKET socket\n"
		"  --assocs K                 server: serve K associations, then exit (default 1,\n"
		"                             at most %d)\n"
		"  --expect N                 server: N messages must arrive in total\n"
		"  --expect-abort             associations must end by ABORT (else by SHUTDOWN)\n"
		"  --server-abort N           server: after N messages echoed and acknowledged,\n"
		"                             abort (SO_LINGER 0 + close, or SCTP_ABORT on\n"
		"                             one-to-many); client: --end peer-abort\n"
		"  --server-eof N             server: after N messages echoed, send SCTP_EOF\n"
		"                             (the server starts the SHUTDOWN); client: --end\n"
		"                             peer-eof\n"
		"  --messages N               client: messages to send (default 100)\n"
		"  --min B --max B            client: message sizes (default 16..1200, 1..%d;\n"
		"                             messages under 16 bytes carry no header: the\n"
		"                             PPID says which they are)\n"
		"  --sizes uniform|log        client: size distribution (default uniform)\n"
		"  --streams S                client: streams used (default 1, max %d)\n"
		"  --unordered PCT            client: share of unordered messages (default 0)\n"
		"  --seed N                   client: seed of sizes, streams, order (default 1)\n"
		"  --pace US                  client: pause US microseconds between sends\n"
		"  --pr-ttl MS                PR-SCTP TTL on every send (server: on echoes);\n"
		"                             lost and skipped messages are then allowed\n"
		"  --end close|eof|abort|abort-flag\n"
		"                             client: how to finish: shutdown(SHUT_WR), or an\n"
		"                             SCTP_EOF send, then wait for SHUTDOWN COMPLETE and\n"
		"                             close(); SO_LINGER 0 + close();\n"
		"                             SCTP_ABORT flag (default close); peer-eof,\n"
		"                             peer-abort: wait for the server to end it so\n"
		"  --rto MIN:INITIAL:MAX      retransmission timeouts in ms (default: the\n"
		"                             stack's); short ones keep lossy runs quick\n"
		"  --hb MS                    heartbeat interval in ms\n"
		"  --mtu B                    fixed path MTU (path MTU discovery off)\n"
		"  --linger MS                keep the stack running MS after the end, to answer\n"
		"                             the peer's retransmissions (default 0)\n"
		"  --timeout S                give up after S seconds (default 30)\n"
		"  -v, --verbose\n"
		"Prints one key=value summary line; exits 0 only if everything was verified\n"
		"(1 verification failure, 2 bad arguments, 3 watchdog timeout).\n",
		prog, MAX_ASSOCS, MAX_MSG, MAX_STREAMS);
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

static int addr_family(const char *h)
{
	struct in6_addr a6;
	struct in_addr a4;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return AF_INET6;
	return -1;
}

int parse_args(int argc, char **argv)
{
	static const struct option lo[] = {{"server", no_argument, NULL, 'S'},
					   {"client", no_argument, NULL, 'C'},
					   {"udp-port", required_argument, NULL, 'u'},
					   {"remote-udp-port", required_argument, NULL, 'r'},
					   {"host", required_argument, NULL, 'H'},
					   {"port", required_argument, NULL, 'p'},
					   {"echo", no_argument, NULL, 'e'},
					   {"discard", no_argument, NULL, 'd'},
					   {"one-to-many", no_argument, NULL, 'M'},
					   {"assocs", required_argument, NULL, 'A'},
					   {"expect", required_argument, NULL, 'E'},
					   {"messages", required_argument, NULL, 'n'},
					   {"min", required_argument, NULL, 'm'},
					   {"max", required_argument, NULL, 'x'},
					   {"streams", required_argument, NULL, 's'},
					   {"unordered", required_argument, NULL, 'U'},
					   {"seed", required_argument, NULL, 'z'},
					   {"pr-ttl", required_argument, NULL, 'T'},
					   {"end", required_argument, NULL, 'X'},
					   {"timeout", required_argument, NULL, 't'},
					   {"verbose", no_argument, NULL, 'v'},
					   {"expect-abort", no_argument, NULL, 'B'},
					   {"rto", required_argument, NULL, 'R'},
					   {"linger", required_argument, NULL, 'L'},
					   {"sizes", required_argument, NULL, 'Z'},
					   {"local", required_argument, NULL, 'l'},
					   {"pace", required_argument, NULL, 'P'},
					   {"hb", required_argument, NULL, 'b'},
					   {"mtu", required_argument, NULL, 'N'},
					   {"local-port", required_argument, NULL, 'O'},
					   {"server-abort", required_argument, NULL, 'a'},
					   {"server-eof", required_argument, NULL, 'F'},
					   {"help", no_argument, NULL, 'h'},
					   {0, 0, 0, 0}};
	o.mode = MODE_ECHO;
	o.sctp_port = 5001;
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
		case 'P':
			if (num(optarg, 1000000, &v) < 0)
				goto bad;
			o.pace_us = (uint32_t)v;
			break;
		case 'O':
			if (num(optarg, 65535, &v) < 0)
				goto bad;
			o.local_port = (uint16_t)v;
			break;
		case 'N':
			if (num(optarg, 65535, &v) < 0 || (v && v < 576))
				goto bad;
			o.mtu = (uint32_t)v;
			break;
		case 'b':
			if (num(optarg, 600000, &v) < 0)
				goto bad;
			o.hb_ms = (uint32_t)v;
			break;
		case 'B':
			o.expect_abort = 1;
			break;
		case 'a':
			if (num(optarg, 10000000, &v) < 0 || !v)
				goto bad;
			o.abort_first = 1;
			o.expect = (long long)v;
			o.expect_abort = 1;
			break;
		case 'F':
			if (num(optarg, 10000000, &v) < 0 || !v)
				goto bad;
			o.eof_first = 1;
			o.expect = (long long)v;
			break;
		case 'M':
			o.one_to_many = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'H':
			if (o.n_host == MAX_HOSTS)
				goto bad;
			o.host[o.n_host++] = optarg;
			break;
		case 'l':
			if (o.n_local == MAX_HOSTS)
				goto bad;
			o.local[o.n_local++] = optarg;
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
			else if (!strcmp(optarg, "peer-eof"))
				o.end = END_PEER_EOF;
			else if (!strcmp(optarg, "peer-abort"))
				o.end = END_PEER_ABORT;
			else
				goto bad;
			break;
		case 'Z':
			if (!strcmp(optarg, "uniform"))
				o.sizes = SIZES_UNIFORM;
			else if (!strcmp(optarg, "log"))
				o.sizes = SIZES_LOG;
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
	if (!o.n_host)
		o.host[o.n_host++] = "127.0.0.1";
	if (optind < argc || o.role == ROLE_NONE || !o.udp_port || o.min < 1 || o.max < o.min ||
	    o.max > MAX_MSG || (o.role == ROLE_CLIENT && !o.remote_udp_port) ||
	    (o.role == ROLE_CLIENT && o.one_to_many)) {
		fprintf(stderr, "%s: missing or inconsistent arguments (see --help)\n", peer_name);
		return -1;
	}
	family = addr_family(o.host[0]);
	for (int i = 0; i < o.n_host + o.n_local; i++) {
		const char *h = i < o.n_host ? o.host[i] : o.local[i - o.n_host];
		if (addr_family(h) < 0 || addr_family(h) != family) {
			fprintf(stderr, "%s: '%s': not a numeric address of one family\n", peer_name, h);
			return -1;
		}
	}
	return 0;
bad:
	fprintf(stderr, "%s: bad option or value near '%s' (see --help)\n", peer_name,
		optind > 1 ? argv[optind - 1] : "?");
	return -1;
}

int summary(int rc)
{
	int ok = rc == 0 && st.errors == 0 && st.order_violations == 0 && st.duplicates == 0;
	printf("%s: role=%s mode=%s result=%s sent=%llu received=%llu bytes_sent=%llu "
	       "bytes_received=%llu errors=%llu order_violations=%llu duplicates=%llu "
	       "missing=%llu gaps=%llu assocs_up=%llu assocs_done=%llu aborted=%llu "
	       "elapsed_ms=%llu\n",
	       peer_name, o.role == ROLE_SERVER ? "server" : "client",
	       o.mode == MODE_ECHO ? "echo" : "discard", ok ? "ok" : "fail", (unsigned long long)st.sent,
	       (unsigned long long)st.received, (unsigned long long)st.bytes_sent,
	       (unsigned long long)st.bytes_received, (unsigned long long)st.errors,
	       (unsigned long long)st.order_violations, (unsigned long long)st.duplicates,
	       (unsigned long long)st.missing, (unsigned long long)st.gaps, (unsigned long long)st.assocs_up,
	       (unsigned long long)st.assocs_done, (unsigned long long)st.aborted,
	       (unsigned long long)(now_ms() - t_start));
	fflush(stdout);
	return ok ? 0 : 1;
}
