/* The relay's command line: parsing, validation and --help. */
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

void relay_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s --listen [ADDR:]PORT --target HOST:PORT [impairments] [options]\n"
		"\n"
		"Relays UDP datagrams (e.g. SCTP over UDP, RFC 6951) between one client and a\n"
		"target, impairing both directions. The client is whoever sends the first\n"
		"datagram to the listen port; datagrams from other sources are counted (stray)\n"
		"and dropped. Replies from the target go back to that client.\n"
		"\n"
		"Addresses:\n"
		"  -l, --listen [ADDR:]PORT   where clients send (ADDR default 127.0.0.1;\n"
		"                             IPv6 as [::1]:PORT)\n"
		"  -t, --target HOST:PORT     where datagrams go (IPv6 as [::1]:PORT)\n"
		"\n"
		"Impairments (rates in percent, 0..100; times in milliseconds). Each applies\n"
		"to both directions; add -c2s (client to target) or -s2c (target to client)\n"
		"for one direction only, e.g. --drop-s2c 10:\n"
		"  --drop PCT        drop the datagram\n"
		"  --dup PCT         send it twice (the copy gets its own delay)\n"
		"  --reorder PCT     hold it back by --reorder-delay so later ones overtake it\n"
		"  --corrupt PCT     flip bits of one random byte\n"
		"  --delay MS        delay every datagram\n"
		"  --jitter MS       add a uniform random -MS..+MS to the delay (may reorder)\n"
		"  --reorder-delay MS  extra delay of a reordered datagram (default 20)\n"
		"  --blackhole START_MS:DURATION_MS\n"
		"                    drop everything in that window, counted from start\n"
		"                    (repeatable, up to %d). SIGUSR1 toggles a black hole too.\n"
		"\n"
		"Other options:\n"
		"  --seed N            seed of the random decisions (default 1); the same seed\n"
		"                      and options give the same pattern per direction\n"
		"  --queue N           delay queue slots (default %d, max %d); a datagram\n"
		"                      that finds it full is dropped (queue_full)\n"
		"  --stats-interval MS also print the counters every MS (default: only at exit)\n"
		"  --duration MS       exit by itself after MS (default: run until a signal)\n"
		"  -h, --help          this text\n"
		"\n"
		"Counters go to standard output at exit (SIGINT, SIGTERM or --duration), one\n"
		"line per direction; messages go to standard error, including a line\n"
		"'usctp-relay: ready ...' once the listen socket is bound.\n"
		"\n"
		"Exit status: 0 stopped normally; 1 I/O error; 2 bad option or value;\n"
		"3 cannot bind the listen address (e.g. port in use); 4 bad or unknown host.\n"
		"\n"
		"Examples:\n"
		"  # usrsctp or usctp peer on UDP 9899; clients use port 9900 instead\n"
		"  %s --listen 9900 --target 127.0.0.1:9899 --drop 5 --dup 1 --reorder 2\n"
		"  # 50 ms +- 10 ms each way, a 3 s outage after 2 s, counters every second\n"
		"  %s -l 9900 -t 127.0.0.1:9899 --delay 50 --jitter 10 \\\n"
		"      --blackhole 2000:3000 --stats-interval 1000\n"
		"  # loss only towards the client, IPv6\n"
		"  %s -l [::1]:9900 -t [::1]:9899 --drop-s2c 20 --seed 42\n",
		prog, RELAY_MAX_BLACKHOLES, RELAY_DEFAULT_QUEUE, RELAY_MAX_QUEUE, prog, prog, prog);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_rate(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	if (*end == '%')
		end++;
	if (*end || !isfinite(v) || v < 0 || v > 100)
		return -1;
	*out = v / 100.0;
	return 0;
}

/* Splits "[v6]:port", "host:port" or (if allow_bare) "port". */
static int split_hostport(char *s, int allow_bare, const char **host, const char **port)
{
	if (s[0] == '[') {
		char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		*close = 0;
		*host = s + 1;
		*port = close + 2;
		return 0;
	}
	char *colon = strrchr(s, ':');
	if (!colon) {
		if (!allow_bare)
			return -1;
		*host = NULL;
		*port = s;
		return 0;
	}
	if (strchr(s, ':') != colon)
		return -1; /* a bare IPv6 address needs brackets */
	*colon = 0;
	*host = s;
	*port = colon + 1;
	return 0;
}

/* Returns 0, RELAY_EXIT_USAGE or RELAY_EXIT_RESOLVE. */
static int resolve(const char *what, const char *arg, int allow_bare, struct sockaddr_storage *ss,
		   socklen_t *len, char *text, size_t text_len, FILE *err)
{
	char buf[256];
	const char *host, *port;
	uint64_t p;
	if (strlen(arg) >= sizeof buf) {
		fprintf(err, "usctp-relay: %s: too long\n", what);
		return RELAY_EXIT_USAGE;
	}
	strcpy(buf, arg);
	if (split_hostport(buf, allow_bare, &host, &port) < 0) {
		fprintf(err, "usctp-relay: %s '%s': expected %sHOST:PORT or [IPV6]:PORT\n", what, arg,
			allow_bare ? "PORT, " : "");
		return RELAY_EXIT_USAGE;
	}
	if (parse_u64(port, 65535, &p) < 0 || p == 0) {
		fprintf(err, "usctp-relay: %s '%s': bad port (1..65535)\n", what, arg);
		return RELAY_EXIT_USAGE;
	}
	if (!host)
		host = "127.0.0.1";
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0 || !res) {
		fprintf(err, "usctp-relay: %s '%s': %s\n", what, arg, gai_strerror(rc));
		return RELAY_EXIT_RESOLVE;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	char h[INET6_ADDRSTRLEN] = "?";
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, h, sizeof h);
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr, h, sizeof h);
	snprintf(text, text_len, ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", h, (unsigned)p);
	return 0;
}

enum {
	O_SEED = 256,
	O_REORDER_DELAY,
	O_BLACKHOLE,
	O_QUEUE,
	O_STATS,
	O_DURATION,
	O_IMPAIR = 512 /* + kind * 3 + variant (0 both, 1 c2s, 2 s2c) */
};

static const char *const kinds[] = {"drop", "dup", "reorder", "corrupt", "delay", "jitter"};
#define N_KINDS 6

static int set_impair(struct relay_opts *o, int code, const char *arg, FILE *err)
{
	int kind = (code - O_IMPAIR) / 3, variant = (code - O_IMPAIR) % 3;
	double rate = 0;
	uint64_t ms = 0;
	if (kind < 4) {
		if (parse_rate(arg, &rate) < 0) {
			fprintf(err, "usctp-relay: --%s '%s': bad rate (a percentage, 0..100)\n", kinds[kind],
				arg);
			return RELAY_EXIT_USAGE;
		}
	} else if (parse_u64(arg, 3600000, &ms) < 0) {
		fprintf(err, "usctp-relay: --%s '%s': bad time (milliseconds, 0..3600000)\n", kinds[kind],
			arg);
		return RELAY_EXIT_USAGE;
	}
	for (int d = 0; d < 2; d++) {
		if (variant != 0 && variant - 1 != d)
			continue;
		struct relay_impair *im = &o->imp[d];
		switch (kind) {
		case 0:
			im->drop = rate;
			break;
		case 1:
			im->dup = rate;
			break;
		case 2:
			im->reorder = rate;
			break;
		case 3:
			im->corrupt = rate;
			break;
		case 4:
			im->delay_ms = (uint32_t)ms;
			break;
		default:
			im->jitter_ms = (uint32_t)ms;
			break;
		}
	}
	return 0;
}

static int parse_window(const char *arg, struct relay_window *w)
{
	char buf[64];
	if (strlen(arg) >= sizeof buf)
		return -1;
	strcpy(buf, arg);
	char *colon = strchr(buf, ':');
	if (!colon)
		return -1;
	*colon = 0;
	if (parse_u64(buf, UINT32_MAX, &w->start_ms) < 0 ||
	    parse_u64(colon + 1, UINT32_MAX, &w->dur_ms) < 0 || w->dur_ms == 0)
		return -1;
	return 0;
}

int relay_parse(int argc, char **argv, struct relay_opts *o, FILE *err)
{
	static char names[N_KINDS * 3][24];
	struct option longopts[N_KINDS * 3 + 10];
	int n = 0;
	for (int k = 0; k < N_KINDS; k++)
		for (int v = 0; v < 3; v++) {
			snprintf(names[k * 3 + v], sizeof names[0], "%s%s", kinds[k],
				 v == 0	  ? ""
				 : v == 1 ? "-c2s"
					  : "-s2c");
			longopts[n++] =
			    (struct option){names[k * 3 + v], required_argument, NULL, O_IMPAIR + k * 3 + v};
		}
	longopts[n++] = (struct option){"listen", required_argument, NULL, 'l'};
	longopts[n++] = (struct option){"target", required_argument, NULL, 't'};
	longopts[n++] = (struct option){"seed", required_argument, NULL, O_SEED};
	longopts[n++] = (struct option){"reorder-delay", required_argument, NULL, O_REORDER_DELAY};
	longopts[n++] = (struct option){"blackhole", required_argument, NULL, O_BLACKHOLE};
	longopts[n++] = (struct option){"queue", required_argument, NULL, O_QUEUE};
	longopts[n++] = (struct option){"stats-interval", required_argument, NULL, O_STATS};
	longopts[n++] = (struct option){"duration", required_argument, NULL, O_DURATION};
	longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[n] = (struct option){0, 0, 0, 0};

	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->reorder_ms = 20;
	o->queue_slots = RELAY_DEFAULT_QUEUE;
	const char *listen = NULL, *target = NULL;
	uint64_t v;
	int c, rc, idx = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:t:h", longopts, &idx)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'h':
			relay_usage(stdout, argv[0]);
			return -1;
		case O_SEED:
			if (parse_u64(optarg, UINT64_MAX, &o->seed) < 0)
				goto bad_value;
			break;
		case O_REORDER_DELAY:
			if (parse_u64(optarg, 3600000, &v) < 0)
				goto bad_value;
			o->reorder_ms = (uint32_t)v;
			break;
		case O_BLACKHOLE:
			if (o->n_bh == RELAY_MAX_BLACKHOLES) {
				fprintf(err, "usctp-relay: at most %d --blackhole windows\n",
					RELAY_MAX_BLACKHOLES);
				return RELAY_EXIT_USAGE;
			}
			if (parse_window(optarg, &o->bh[o->n_bh]) < 0) {
				fprintf(err,
					"usctp-relay: --blackhole '%s': expected START_MS:DURATION_MS "
					"(duration > 0)\n",
					optarg);
				return RELAY_EXIT_USAGE;
			}
			o->n_bh++;
			break;
		case O_QUEUE:
			if (parse_u64(optarg, RELAY_MAX_QUEUE, &v) < 0 || v == 0)
				goto bad_value;
			o->queue_slots = (uint32_t)v;
			break;
		case O_STATS:
			if (parse_u64(optarg, 3600000, &v) < 0)
				goto bad_value;
			o->stats_ms = (uint32_t)v;
			break;
		case O_DURATION:
			if (parse_u64(optarg, UINT32_MAX, &o->duration_ms) < 0)
				goto bad_value;
			break;
		case ':':
			fprintf(err, "usctp-relay: %s needs a value (see --help)\n", argv[optind - 1]);
			return RELAY_EXIT_USAGE;
		case '?':
			fprintf(err, "usctp-relay: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return RELAY_EXIT_USAGE;
		default:
			if (c >= O_IMPAIR && c < O_IMPAIR + N_KINDS * 3) {
				if ((rc = set_impair(o, c, optarg, err)) != 0)
					return rc;
				break;
			}
			return RELAY_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(err, "usctp-relay: unexpected argument '%s' (see --help)\n", argv[optind]);
		return RELAY_EXIT_USAGE;
	}
	if (!listen || !target) {
		fprintf(err, "usctp-relay: --listen and --target are required (see --help)\n");
		return RELAY_EXIT_USAGE;
	}
	if ((rc = resolve("--listen", listen, 1, &o->listen, &o->listen_len, o->listen_text,
			  sizeof o->listen_text, err)) != 0)
		return rc;
	if ((rc = resolve("--target", target, 0, &o->target, &o->target_len, o->target_text,
			  sizeof o->target_text, err)) != 0)
		return rc;
	return 0;

bad_value:
	fprintf(err, "usctp-relay: --%s '%s': bad value (see --help)\n", idx >= 0 ? longopts[idx].name : "?",
		optarg);
	return RELAY_EXIT_USAGE;
}
