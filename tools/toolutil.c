/* Helpers shared by the command-line tools (see toolutil.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "toolutil.h"

const char *tool_name = "usctp";

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tool_die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(code);
}

void tool_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void tool_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", tool_name);
	exit(TOOL_EXIT_USAGE);
}

uint64_t tool_parse_uint(const char *s, uint64_t min, uint64_t max, const char *name)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		tool_usage_error("%s: '%s' is not a number", name, s ? s : "");
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		tool_usage_error("%s: '%s' is not a number", name, s);
	if (v < min || v > max)
		tool_usage_error("%s: %llu is out of range [%" PRIu64 ", %" PRIu64 "]", name, v, min, max);
	return v;
}

uint64_t tool_parse_size(const char *s, uint64_t min, uint64_t max, const char *name)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		tool_usage_error("%s: '%s' is not a size", name, s ? s : "");
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mul = 1;
	if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024ull * 1024 * 1024, end++;
	if (errno || *end || end == s)
		tool_usage_error("%s: '%s' is not a size (e.g. 1200, 64k, 1M)", name, s);
	if (v > max / mul || v * mul < min || v * mul > max)
		tool_usage_error("%s: %s is out of range [%" PRIu64 ", %" PRIu64 "]", name, s, min, max);
	return v * mul;
}

double tool_parse_seconds(const char *s, const char *name)
{
	char *end;
	errno = 0;
	double v = s ? strtod(s, &end) : NAN;
	if (!s || errno || *end || end == s || !(v >= 0) || v > 1e7)
		tool_usage_error("%s: '%s' is not a number of seconds", name, s ? s : "");
	return v;
}

socklen_t tool_resolve(const char *host, uint16_t port, int family, bool passive, struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM; /* any type with ports: the resolver has no SCTP over UDP */
	hints.ai_flags = (passive ? AI_PASSIVE : 0) | AI_NUMERICSERV;
	char p[8];
	snprintf(p, sizeof(p), "%u", port);
	int r = getaddrinfo(host, p, &hints, &res);
	if (r != 0 || !res)
		tool_die(TOOL_EXIT_RESOLVE, "unknown host '%s': %s", host ? host : "(any)", gai_strerror(r));
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	socklen_t len = res->ai_addrlen;
	freeaddrinfo(res);
	return len;
}

const char *tool_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		snprintf(buf, len, "[%s]:%u", ip, port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		snprintf(buf, len, "%s:%u", ip, port);
	}
	return buf;
}

void tool_start_runtime(uint16_t udp_port)
{
	if (usctp_init(udp_port) == 0)
		return;
	int e = errno;
	const char *env = getenv("USCTP_UDP_PORT");
	unsigned p = udp_port ? udp_port : env && *env ? (unsigned)atoi(env) : USCTP_DEFAULT_UDP_PORT;
	if (e == EADDRINUSE)
		tool_die(TOOL_EXIT_ADDRINUSE,
			 "UDP port %u is in use (another usctp program?): choose another with --udp-port "
			 "or USCTP_UDP_PORT",
			 p);
	if (e == EACCES || e == EPERM)
		tool_die(TOOL_EXIT_ADDRINUSE, "UDP port %u: %s", p, strerror(e));
	tool_die(TOOL_EXIT_FAIL, "cannot start usctp on UDP port %u: %s", p, strerror(e));
}

void tool_set_remote_udp_port(int sd, uint16_t port)
{
	if (!port)
		return;
	struct sctp_udpencaps ue;
	memset(&ue, 0, sizeof(ue));
	ue.sue_assoc_id = SCTP_FUTURE_ASSOC;
	ue.sue_port = htons(port);
	if (usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue)) < 0)
		tool_die(TOOL_EXIT_FAIL, "SCTP_REMOTE_UDP_ENCAPS_PORT: %s", strerror(errno));
}

void tool_subscribe(int sd, const uint16_t *types, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC, .se_type = types[i], .se_on = 1};
		if (usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0)
			tool_die(TOOL_EXIT_FAIL, "SCTP_EVENT %u: %s", types[i], strerror(errno));
	}
}

static const char *assoc_state_name(uint16_t st)
{
	switch (st) {
	case SCTP_COMM_UP:
		return "COMM_UP";
	case SCTP_COMM_LOST:
		return "COMM_LOST";
	case SCTP_RESTART:
		return "RESTART";
	case SCTP_SHUTDOWN_COMP:
		return "SHUTDOWN_COMP";
	case SCTP_CANT_STR_ASSOC:
		return "CANT_STR_ASSOC";
	default:
		return "?";
	}
}

static const char *addr_state_name(uint32_t st)
{
	static const char *const n[] = {"?",	 "AVAILABLE", "UNREACHABLE", "REMOVED",
					"ADDED", "MADE_PRIM", "CONFIRMED"};
	return st < sizeof(n) / sizeof(n[0]) ? n[st] : "?";
}

void tool_print_notification(FILE *out, const void *buf, size_t len)
{
	const union sctp_notification *n = buf;
	if (len < sizeof(struct sctp_tlv)) {
		fprintf(out, "%s: short notification (%zu bytes)\n", tool_name, len);
		return;
	}
	char a[80];
	switch (n->sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE:
		fprintf(out, "%s: ASSOC_CHANGE %s assoc %u streams out %u in %u error %u\n", tool_name,
			assoc_state_name(n->sn_assoc_change.sac_state),
			(unsigned)n->sn_assoc_change.sac_assoc_id, n->sn_assoc_change.sac_outbound_streams,
			n->sn_assoc_change.sac_inbound_streams, n->sn_assoc_change.sac_error);
		break;
	case SCTP_PEER_ADDR_CHANGE:
		fprintf(out, "%s: PEER_ADDR_CHANGE %s %s assoc %u\n", tool_name,
			tool_addr_str((const struct sockaddr *)&n->sn_paddr_change.spc_aaddr, a, sizeof(a)),
			addr_state_name(n->sn_paddr_change.spc_state),
			(unsigned)n->sn_paddr_change.spc_assoc_id);
		break;
	case SCTP_REMOTE_ERROR:
		fprintf(out, "%s: REMOTE_ERROR cause %u assoc %u\n", tool_name,
			ntohs(n->sn_remote_error.sre_error), (unsigned)n->sn_remote_error.sre_assoc_id);
		break;
	case SCTP_SEND_FAILED_EVENT:
		fprintf(out, "%s: SEND_FAILED %s stream %u ppid %u assoc %u\n", tool_name,
			n->sn_send_failed_event.ssfe_flags & SCTP_DATA_SENT ? "(sent)" : "(unsent)",
			n->sn_send_failed_event.ssfe_info.snd_sid,
			ntohl(n->sn_send_failed_event.ssfe_info.snd_ppid),
			(unsigned)n->sn_send_failed_event.ssfe_assoc_id);
		break;
	case SCTP_SHUTDOWN_EVENT:
		fprintf(out, "%s: SHUTDOWN_EVENT assoc %u (the peer is closing)\n", tool_name,
			(unsigned)n->sn_shutdown_event.sse_assoc_id);
		break;
	case SCTP_ADAPTATION_INDICATION:
		fprintf(out, "%s: ADAPTATION_INDICATION 0x%08x assoc %u\n", tool_name,
			n->sn_adaptation_event.sai_adaptation_ind,
			(unsigned)n->sn_adaptation_event.sai_assoc_id);
		break;
	case SCTP_PARTIAL_DELIVERY_EVENT:
		fprintf(out, "%s: PARTIAL_DELIVERY aborted stream %u assoc %u\n", tool_name,
			n->sn_pdapi_event.pdapi_stream, (unsigned)n->sn_pdapi_event.pdapi_assoc_id);
		break;
	case SCTP_SENDER_DRY_EVENT:
		fprintf(out, "%s: SENDER_DRY assoc %u\n", tool_name,
			(unsigned)n->sn_sender_dry_event.sender_dry_assoc_id);
		break;
	default:
		fprintf(out, "%s: notification type 0x%04x (%zu bytes)\n", tool_name, n->sn_header.sn_type,
			len);
		break;
	}
	fflush(out);
}

void tool_print_stats(FILE *out, const struct usctp_stats *st)
{
	fprintf(out,
		"%s: assoc %u: packets out %" PRIu64 " in %" PRIu64 " (dropped %" PRIu64
		"), messages out %" PRIu64 " in %" PRIu64 ", bytes out %" PRIu64 " in %" PRIu64
		", retransmissions %" PRIu64 " (fast %" PRIu64 "), T3 timeouts %" PRIu64
		", srtt %u ms, rto %u ms, cwnd %u\n",
		tool_name, (unsigned)st->assoc_id, st->pkts_out, st->pkts_in, st->pkts_dropped, st->msgs_out,
		st->msgs_in, st->bytes_out, st->bytes_in, st->retransmits, st->fast_retransmits,
		st->t3_timeouts, st->srtt_ms, st->rto_ms, st->cwnd);
	fflush(out);
}

int tool_exit_for_errno(int e)
{
	switch (e) {
	case ECONNREFUSED:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
		return TOOL_EXIT_REFUSED;
	case ECONNRESET:
	case EPIPE:
	case ECONNABORTED:
		return TOOL_EXIT_ABORTED;
	case EADDRINUSE:
	case EADDRNOTAVAIL:
	case EACCES:
		return TOOL_EXIT_ADDRINUSE;
	default:
		return TOOL_EXIT_FAIL;
	}
}

double tool_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tool_close_graceful(int sd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 5};
	usctp_setsockopt(sd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	usctp_close(sd);
}
