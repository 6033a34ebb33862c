/*
 * usctp-relay: an impairment relay for SCTP over UDP. Listens on a UDP port,
 * learns its client from the first datagram, forwards to a target and back,
 * and drops, duplicates, reorders, delays, corrupts or black-holes datagrams
 * on a seeded schedule. Single-threaded: one ppoll loop, a bounded delay
 * queue (tools/relay/queue.c). See --help (tools/relay/opts.c).
 */
#define _GNU_SOURCE
#include "relay/relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct counters {
	uint64_t rx, tx, dropped, duplicated, reordered, corrupted, delayed, blackholed;
	uint64_t queue_full, send_errors, stray;
};

struct relay {
	struct relay_opts o;
	int lfd, ufd; /* listen (client side), upstream (connected to the target) */
	struct sockaddr_storage client;
	socklen_t client_len;
	int have_client;
	uint64_t rng[2]; /* one stream per direction: patterns do not depend on interleaving */
	struct counters c[2];
	struct relay_queue q;
	uint64_t start_ns;
	int manual_bh;
	uint8_t buf[RELAY_MAX_DGRAM];
};

static volatile sig_atomic_t g_stop, g_toggle;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		g_toggle = 1;
	else
		g_stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* splitmix64: small, fast, and fully determined by the seed. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static const char *dir_name(int dir)
{
	return dir == RELAY_C2S ? "c2s" : "s2c";
}

static void print_counters(const struct relay *r, FILE *out)
{
	for (int d = 0; d < 2; d++) {
		const struct counters *c = &r->c[d];
		fprintf(out,
			"usctp-relay: %s rx=%llu tx=%llu dropped=%llu duplicated=%llu reordered=%llu "
			"corrupted=%llu delayed=%llu blackholed=%llu queue_full=%llu "
			"send_errors=%llu stray=%llu\n",
			dir_name(d), (unsigned long long)c->rx, (unsigned long long)c->tx,
			(unsigned long long)c->dropped, (unsigned long long)c->duplicated,
			(unsigned long long)c->reordered, (unsigned long long)c->corrupted,
			(unsigned long long)c->delayed, (unsigned long long)c->blackholed,
			(unsigned long long)c->queue_full, (unsigned long long)c->send_errors,
			(unsigned long long)c->stray);
	}
	fflush(out);
}

static int blackholed(const struct relay *r, uint64_t now)
{
	if (r->manual_bh)
		return 1;
	uint64_t ms = (now - r->start_ns) / 1000000u;
	for (int i = 0; i < r->o.n_bh; i++)
		if (ms >= r->o.bh[i].start_ms && ms - r->o.bh[i].start_ms < r->o.bh[i].dur_ms)
			return 1;
	return 0;
}

static void transmit(struct relay *r, int dir, const void *data, size_t len)
{
	ssize_t n;
	if (dir == RELAY_C2S)
		n = send(r->ufd, data, len, MSG_DONTWAIT);
	else
		n = sendto(r->lfd, data, len, MSG_DONTWAIT, (struct sockaddr *)&r->client, r->client_len);
	/* A full socket buffer or an ICMP error from the far side is loss, not fatal. */
	if (n == (ssize_t)len)
		r->c[dir].tx++;
	else
		r->c[dir].send_errors++;
}

static void schedule(struct relay *r, int dir, const uint8_t *data, size_t len, int64_t delay_ns,
		     uint64_t now)
{
	if (delay_ns <= 0) {
		transmit(r, dir, data, len);
		return;
	}
	if (relay_queue_push(&r->q, dir, data, len, now + (uint64_t)delay_ns) < 0) {
		r->c[dir].queue_full++;
		return;
	}
	r->c[dir].delayed++;
}

static int64_t jittered_ns(const struct relay_impair *im, double u)
{
	int64_t ms = (int64_t)im->delay_ms * 1000000;
	if (im->jitter_ms)
		ms += (int64_t)((2.0 * u - 1.0) * (double)im->jitter_ms * 1e6);
	return ms;
}

static void impair(struct relay *r, int dir, uint8_t *data, size_t len, uint64_t now)
{
	const struct relay_impair *im = &r->o.imp[dir];
	uint64_t *s = &r->rng[dir];
	struct counters *c = &r->c[dir];
	/* Always draw the same numbers per datagram so one seed gives one pattern. */
	double u_drop = rng_unit(s), u_dup = rng_unit(s), u_reorder = rng_unit(s);
	double u_corrupt = rng_unit(s), u_jit1 = rng_unit(s), u_jit2 = rng_unit(s);
	uint64_t pos = rng_next(s), flip = rng_next(s);

	c->rx++;
	if (blackholed(r, now)) {
		c->blackholed++;
		return;
	}
	if (u_drop < im->drop) {
		c->dropped++;
		return;
	}
	if (u_corrupt < im->corrupt && len > 0) {
		data[pos % len] ^= (uint8_t)(1 + flip % 255);
		c->corrupted++;
	}
	int64_t d1 = jittered_ns(im, u_jit1);
	if (u_reorder < im->reorder) {
		d1 += (int64_t)r->o.reorder_ms * 1000000;
		c->reordered++;
	}
	schedule(r, dir, data, len, d1, now);
	if (u_dup < im->dup) {
		c->duplicated++;
		schedule(r, dir, data, len, jittered_ns(im, u_jit2), now);
	}
}

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char h[INET6_ADDRSTRLEN] = "?";
	unsigned port;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, h, sizeof h);
		port = ntohs(s4->sin_port);
		snprintf(out, len, "%s:%u", h, port);
	} else {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, h, sizeof h);
		port = ntohs(s6->sin6_port);
		snprintf(out, len, "[%s]:%u", h, port);
	}
}

/* Reads up to a batch of datagrams from one socket. Returns -1 on a fatal error. */
static int drain(struct relay *r, int fd, int dir)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		ssize_t n =
		    recvfrom(fd, r->buf, sizeof r->buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH)
				continue; /* ICMP from an earlier send: the target is not up yet */
			perror("usctp-relay: recvfrom");
			return -1;
		}
		uint64_t now = now_ns();
		if (dir == RELAY_C2S) {
			if (!r->have_client) {
				memcpy(&r->client, &from, fromlen);
				r->client_len = fromlen;
				r->have_client = 1;
				char t[96];
				addr_text(&from, t, sizeof t);
				fprintf(stderr, "usctp-relay: client is %s\n", t);
			} else if (!same_addr(&r->client, &from)) {
				r->c[dir].stray++;
				continue;
			}
		} else if (!r->have_client) {
			r->c[dir].stray++; /* nobody to send it to yet */
			continue;
		}
		impair(r, dir, r->buf, (size_t)n, now);
	}
	return 0;
}

static void flush_due(struct relay *r, uint64_t now)
{
	const struct relay_pkt *p;
	while ((p = relay_queue_peek(&r->q)) && p->due_ns <= now) {
		transmit(r, p->dir, p->buf, p->len);
		relay_queue_pop(&r->q);
	}
}

static int open_sockets(struct relay *r)
{
	r->lfd = socket(r->o.listen.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	r->ufd = socket(r->o.target.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r->lfd < 0 || r->ufd < 0) {
		perror("usctp-relay: socket");
		return RELAY_EXIT_RUNTIME;
	}
	/* Large buffers so bursts are impaired by us, not by the kernel (FORCE needs root). */
	int big = 4 << 20;
	for (int i = 0; i < 2; i++) {
		int fd = i ? r->ufd : r->lfd;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	}
	if (bind(r->lfd, (struct sockaddr *)&r->o.listen, r->o.listen_len) < 0) {
		fprintf(stderr, "usctp-relay: cannot bind %s: %s\n", r->o.listen_text, strerror(errno));
		return RELAY_EXIT_BIND;
	}
	if (connect(r->ufd, (struct sockaddr *)&r->o.target, r->o.target_len) < 0) {
		fprintf(stderr, "usctp-relay: cannot reach %s: %s\n", r->o.target_text, strerror(errno));
		return RELAY_EXIT_RESOLVE;
	}
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int run(struct relay *r)
{
	struct pollfd pfd[2] = {{.fd = r->lfd, .events = POLLIN}, {.fd = r->ufd, .events = POLLIN}};
	sigset_t block, orig;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &orig);

	uint64_t stats_ns = (uint64_t)r->o.stats_ms * 1000000u;
	uint64_t end = r->o.duration_ms ? r->start_ns + r->o.duration_ms * 1000000u : UINT64_MAX;
	uint64_t next_stats = stats_ns ? r->start_ns + stats_ns : UINT64_MAX;
	int rc = RELAY_EXIT_OK;
	while (!g_stop) {
		uint64_t now = now_ns();
		if (g_toggle) {
			g_toggle = 0;
			r->manual_bh = !r->manual_bh;
			fprintf(stderr, "usctp-relay: black hole %s (SIGUSR1)\n",
				r->manual_bh ? "on" : "off");
		}
		flush_due(r, now);
		if (now >= end)
			break;
		if (now >= next_stats) {
			print_counters(r, stdout);
			next_stats += stats_ns;
		}
		/* Sleep until the next due packet, stats line or the end, at most 100 ms. */
		uint64_t wake = min_u64(min_u64(end, next_stats), now + 100000000u);
		const struct relay_pkt *p = relay_queue_peek(&r->q);
		if (p)
			wake = min_u64(wake, p->due_ns);
		uint64_t wait = wake > now ? wake - now : 0;
		struct timespec ts = {.tv_sec = (time_t)(wait / 1000000000u),
				      .tv_nsec = (long)(wait % 1000000000u)};
		int n = ppoll(pfd, 2, &ts, &orig);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("usctp-relay: ppoll");
			rc = RELAY_EXIT_RUNTIME;
			break;
		}
		if ((pfd[0].revents & (POLLIN | POLLERR)) && drain(r, r->lfd, RELAY_C2S) < 0) {
			rc = RELAY_EXIT_RUNTIME;
			break;
		}
		if ((pfd[1].revents & (POLLIN | POLLERR)) && drain(r, r->ufd, RELAY_S2C) < 0) {
			rc = RELAY_EXIT_RUNTIME;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return rc;
}

int main(int argc, char **argv)
{
	static struct relay r;
	int rc = relay_parse(argc, argv, &r.o, stderr);
	if (rc < 0)
		return RELAY_EXIT_OK;
	if (rc > 0)
		return rc;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	r.lfd = r.ufd = -1;
	if ((rc = open_sockets(&r)) != 0)
		goto out;
	if (relay_queue_init(&r.q, r.o.queue_slots) < 0) {
		fprintf(stderr, "usctp-relay: out of memory\n");
		rc = RELAY_EXIT_RUNTIME;
		goto out;
	}
	r.rng[RELAY_C2S] = r.o.seed ^ 0x6332730000000001ull;
	r.rng[RELAY_S2C] = r.o.seed ^ 0x7332630000000002ull;
	r.start_ns = now_ns();
	fprintf(stderr, "usctp-relay: ready: listening on %s, forwarding to %s, seed %llu\n", r.o.listen_text,
		r.o.target_text, (unsigned long long)r.o.seed);
	fflush(stderr);
	rc = run(&r);
	print_counters(&r, stdout);
out:
	relay_queue_free(&r.q);
	if (r.lfd >= 0)
		close(r.lfd);
	if (r.ufd >= 0)
		close(r.ufd);
	return rc;
}
