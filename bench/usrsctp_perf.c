/*
 * usrsctp_perf: the reference for bench_throughput.sh, the same measurement
 * as usctp-perf's throughput mode but between two usrsctp processes (Debian's
 * libusrsctp), over UDP encapsulation on loopback.
 *
 *   usrsctp_perf -s -u UDP -p PORT                       receive one association
 *   usrsctp_perf -c HOST -u UDP -r RUDP -p PORT -l SIZE -t SECS
 *
 * Both print one JSON object on stdout; the server says "listening" on
 * stderr when ready. The server's rate is over its first to last message.
 * Written against usrsctp's public API only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <usrsctp.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "usrsctp_perf: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void finish(void)
{
	for (int i = 0; i < 500 && usrsctp_finish() != 0; i++)
		usleep(10000);
}

static int server(uint16_t port)
{
	struct socket *ls = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	if (!ls)
		die("socket");
	struct sockaddr_in sin = {
	    .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
	if (usrsctp_bind(ls, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind");
	if (usrsctp_listen(ls, 1) < 0)
		die("listen");
	fprintf(stderr, "usrsctp_perf: listening on SCTP port %u\n", port);
	struct socket *s = usrsctp_accept(ls, NULL, NULL);
	if (!s)
		die("accept");
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	uint64_t msgs = 0, bytes = 0;
	double first = 0, last = 0;
	for (;;) {
		struct sctp_rcvinfo ri;
		socklen_t il = sizeof(ri);
		unsigned int it = 0;
		int flags = 0;
		ssize_t n = usrsctp_recvv(s, buf, cap, NULL, NULL, &ri, &il, &it, &flags);
		if (n <= 0)
			break;
		if (flags & MSG_NOTIFICATION)
			continue;
		if (!first)
			first = now_s();
		bytes += (uint64_t)n;
		if (flags & MSG_EOR) {
			msgs++;
			last = now_s();
		}
	}
	double d = last > first ? last - first : 0;
	printf("{\"role\":\"server\",\"impl\":\"usrsctp\",\"msgs\":%llu,\"bytes\":%llu,\"duration_s\":%.6f,"
	       "\"mb_per_s\":%.3f,\"msgs_per_s\":%.1f}\n",
	       (unsigned long long)msgs, (unsigned long long)bytes, d, d > 0 ? (double)bytes / d / 1e6 : 0,
	       d > 0 ? (double)msgs / d : 0);
	free(buf);
	usrsctp_close(s);
	usrsctp_close(ls);
	return 0;
}

static int client(const char *host, uint16_t port, uint16_t rport, size_t len, double secs)
{
	struct socket *s = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	if (!s)
		die("socket");
	struct sctp_udpencaps ue;
	memset(&ue, 0, sizeof(ue));
	ue.sue_port = htons(rport);
	if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue)) < 0)
		die("SCTP_REMOTE_UDP_ENCAPS_PORT");
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		errno = EINVAL;
		die("host (an IPv4 address)");
	}
	if (usrsctp_connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("connect");
	char *buf = calloc(1, len);
	uint64_t msgs = 0;
	double start = now_s(), end = start + secs;
	struct sctp_sndinfo si;
	memset(&si, 0, sizeof(si));
	while (now_s() < end) {
		if (usrsctp_sendv(s, buf, len, NULL, 0, &si, sizeof(si), SCTP_SENDV_SNDINFO, 0) < 0) {
			if (errno == EINTR)
				continue;
			die("send");
		}
		msgs++;
	}
	double d = now_s() - start;
	printf("{\"role\":\"client\",\"impl\":\"usrsctp\",\"msgs\":%llu,\"bytes\":%llu,\"duration_s\":%.6f,"
	       "\"mb_per_s\":%.3f,\"msgs_per_s\":%.1f}\n",
	       (unsigned long long)msgs, (unsigned long long)(msgs * len), d, (double)(msgs * len) / d / 1e6,
	       (double)msgs / d);
	free(buf);
	usrsctp_close(s); /* graceful: the server reads up to EOF */
	return 0;
}

int main(int argc, char **argv)
{
	int opt, srv = 0;
	const char *host = NULL;
	uint16_t udp = 9899, rudp = 9899, port = 5001;
	size_t len = 1200;
	double secs = 5;
	while ((opt = getopt(argc, argv, "sc:u:r:p:l:t:")) != -1) {
		switch (opt) {
		case 's':
			srv = 1;
			break;
		case 'c':
			host = optarg;
			break;
		case 'u':
			udp = (uint16_t)atoi(optarg);
			break;
		case 'r':
			rudp = (uint16_t)atoi(optarg);
			break;
		case 'p':
			port = (uint16_t)atoi(optarg);
			break;
		case 'l':
			len = (size_t)atol(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: usrsctp_perf -s|-c HOST [-u UDP] [-r RUDP] [-p PORT] [-l "
					"SIZE] [-t SECS]\n");
			return 2;
		}
	}
	if (srv == (host != NULL) || !len) {
		fprintf(stderr, "usrsctp_perf: give -s or -c HOST\n");
		return 2;
	}
	usrsctp_init(udp, NULL, NULL);
	usrsctp_sysctl_set_sctp_blackhole(2);
	int rc = srv ? server(port) : client(host, port, rudp, len, secs);
	finish();
	return rc;
}
