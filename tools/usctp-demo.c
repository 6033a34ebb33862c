/*
 * usctp-demo: two SCTP endpoints exchange messages through a lossy link.
 *
 * Both associations are usctp's real core (src/core/): the same state machine
 * the sockets use. The link between them lives in this program and runs on a
 * virtual clock, so the demo shows what the protocol does (handshake, streams,
 * loss and recovery, shutdown) in a second of wall time, deterministically for
 * a given seed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assoc.h"
#include "core/endpoint.h"

#define MAX_PKT 1500
#define MAX_INFLIGHT 4096

struct pkt {
	uint64_t at; /* delivery time */
	int to;      /* 0 client, 1 server */
	size_t len;
	uint8_t data[MAX_PKT];
};

struct link {
	struct pkt *q[MAX_INFLIGHT];
	unsigned n;
	uint64_t rng;
	double loss;
	uint64_t delay_ns, jitter_ns;
	uint64_t sent, dropped;
	uint64_t last_at[2]; /* a link is FIFO: jitter never reorders packets */
};

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64*: fine for a demo's impairment */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void rnd_bytes(void *ctx, void *buf, size_t len)
{
	uint8_t *p = buf;
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(rnd(ctx) >> 56);
}

static void link_send(struct link *l, int to, const uint8_t *data, size_t len, uint64_t now)
{
	l->sent++;
	if ((double)(rnd(&l->rng) >> 11) / 9007199254740992.0 < l->loss || l->n == MAX_INFLIGHT) {
		l->dropped++;
		return;
	}
	struct pkt *p = malloc(sizeof *p);
	if (!p) {
		l->dropped++;
		return;
	}
	p->at = now + l->delay_ns + (l->jitter_ns ? rnd(&l->rng) % l->jitter_ns : 0);
	if (p->at < l->last_at[to])
		p->at = l->last_at[to];
	l->last_at[to] = p->at;
	p->to = to;
	p->len = len;
	memcpy(p->data, data, len);
	l->q[l->n++] = p;
}

/* Pop the earliest packet due at or before `until`. */
static struct pkt *link_pop(struct link *l, uint64_t until)
{
	unsigned best = l->n;
	for (unsigned i = 0; i < l->n; i++)
		if (l->q[i]->at <= until && (best == l->n || l->q[i]->at < l->q[best]->at))
			best = i;
	if (best == l->n)
		return NULL;
	struct pkt *p = l->q[best];
	l->q[best] = l->q[--l->n];
	return p;
}

static uint64_t link_next(const struct link *l)
{
	uint64_t t = USCTP_TIME_NEVER;
	for (unsigned i = 0; i < l->n; i++)
		if (l->q[i]->at < t)
			t = l->q[i]->at;
	return t;
}

struct side {
	const char *name;
	struct usctp_assoc *a;
	struct usctp_addr addr;
	uint64_t msgs_rx, bytes_rx, unordered_rx, out_of_order;
	uint32_t next_ssn_check[16];
	bool up, closed;
};

static void drain_events(struct side *s, int verbose)
{
	struct usctp_event ev;
	while (s->a && usctp_assoc_next_event(s->a, &ev)) {
		switch (ev.type) {
		case USCTP_EV_COMM_UP:
			s->up = true;
			if (verbose)
				printf("  %-6s association up: %u outbound / %u inbound streams\n", s->name,
				       ev.outbound_streams, ev.inbound_streams);
			break;
		case USCTP_EV_SHUTDOWN_COMPLETE:
			s->closed = true;
			if (verbose)
				printf("  %-6s shutdown complete\n", s->name);
			break;
		case USCTP_EV_COMM_LOST:
		case USCTP_EV_CANT_START:
			s->closed = true;
			printf("  %-6s association failed (event %d)\n", s->name, ev.type);
			break;
		default:
			break;
		}
		usctp_event_clear(&ev);
	}
}

static void flush(struct side *s, struct link *l, int to, uint64_t now)
{
	uint8_t buf[MAX_PKT];
	struct usctp_tx_info tx;
	size_t n;
	while (s->a && (n = usctp_assoc_write_pkt(s->a, buf, sizeof buf, now, &tx)) > 0)
		link_send(l, to, buf, n, now);
}

static void receive(struct side *s)
{
	static uint8_t buf[1 << 16];
	struct usctp_rcvinfo info;
	bool eor;
	int64_t n;
	while (s->a && (n = usctp_assoc_recv(s->a, buf, sizeof buf, &info, &eor, 0)) >= 0) {
		s->bytes_rx += (uint64_t)n;
		if (!eor)
			continue;
		s->msgs_rx++;
		if (info.flags & USCTP_SEND_UNORDERED) {
			s->unordered_rx++;
		} else if (info.sid < 16) {
			if (info.ssn != (uint16_t)s->next_ssn_check[info.sid])
				s->out_of_order++;
			s->next_ssn_check[info.sid] = (uint16_t)(info.ssn + 1);
		}
	}
}

static void usage(void)
{
	printf("usage: usctp-demo [--messages N] [--loss PERCENT] [--seed S]\n"
	       "Runs two usctp endpoints through a lossy, delayed link on a virtual clock and prints\n"
	       "what happened. Defaults: 2000 messages, 3%% loss, 20 ms one-way delay.\n");
}

int main(int argc, char **argv)
{
	unsigned messages = 2000;
	double loss = 0.03;
	uint64_t seed = 0x5c7f;
	static const struct option opts[] = {{"messages", required_argument, 0, 'n'},
					     {"loss", required_argument, 0, 'l'},
					     {"seed", required_argument, 0, 's'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "n:l:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': messages = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'l': loss = strtod(optarg, NULL) / 100.0; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (loss < 0 || loss > 0.5 || messages == 0) {
		fprintf(stderr, "usctp-demo: --loss must be 0..50 and --messages > 0\n");
		return 2;
	}

	uint64_t rng = seed | 1;
	struct link link = {.rng = seed * 7 + 1, .loss = loss, .delay_ns = 20 * USCTP_NS_PER_MS,
			    .jitter_ns = 2 * USCTP_NS_PER_MS};
	struct usctp_cookie_key *key = usctp_cookie_key_new(rnd_bytes, &rng, 60ull * 1000 * USCTP_NS_PER_MS, 0);

	struct usctp_assoc_config ccfg, scfg;
	usctp_assoc_config_default(&ccfg);
	ccfg.local_port = 5001;
	ccfg.peer_port = 5000;
	ccfg.num_ostreams = 8;
	ccfg.rcvbuf = 256 * 1024;
	ccfg.sndbuf = 1024 * 1024;
	ccfg.random = rnd_bytes;
	ccfg.random_ctx = &rng;
	scfg = ccfg;
	scfg.local_port = 5000;
	scfg.peer_port = 0;
	scfg.cookie_key = key;

	struct side cli = {.name = "client"}, srv = {.name = "server"};
	cli.addr.ip.family = 4;
	memcpy(cli.addr.ip.bytes, "\x7f\x00\x00\x01", 4);
	cli.addr.udp_port = 9899;
	srv.addr = cli.addr;
	srv.addr.udp_port = 9900;

	printf("usctp demo: %u messages over 8 streams (25%% unordered, 1 B to 16 KiB),\n"
	       "link with %.1f%% loss and 20 ms delay each way, seed %#" PRIx64 "\n\n",
	       messages, loss * 100, seed);

	uint64_t now = 0;
	cli.a = usctp_assoc_new(&ccfg, &srv.addr, now);
	if (!cli.a || usctp_assoc_connect(cli.a, now) < 0) {
		fprintf(stderr, "usctp-demo: cannot create the association\n");
		return 1;
	}

	unsigned sent = 0;
	uint64_t bytes_tx = 0, pattern = seed;
	bool shutdown_started = false;
	uint8_t msgbuf[16384];
	const uint64_t limit = 600ull * 1000 * USCTP_NS_PER_MS; /* 10 virtual minutes */
	for (unsigned steps = 0; steps < 5000000 && now < limit; steps++) {
		/* what the last step brought: events, then messages for the application */
		drain_events(&cli, 1);
		drain_events(&srv, 1);
		receive(&srv);
		if (cli.closed && srv.closed)
			break;
		/* the application keeps the send queue busy once the association is up */
		while (cli.up && sent < messages) {
			size_t len = 1 + (size_t)(rnd(&pattern) % (rnd(&pattern) % 8 == 0 ? sizeof msgbuf : 1200));
			struct usctp_send_params p = {.sid = (uint16_t)(sent % 8), .ppid = sent, .path = -1};
			if (sent % 4 == 3)
				p.flags = USCTP_SEND_UNORDERED;
			memset(msgbuf, (int)(sent & 0xff), len);
			struct usctp_msg *m = usctp_msg_new(msgbuf, len);
			int rc = m ? usctp_assoc_send(cli.a, &p, m, now) : USCTP_ERR_NOMEM;
			usctp_msg_unref(m);
			if (rc < 0)
				break;
			sent++;
			bytes_tx += len;
		}
		if (sent == messages && !shutdown_started) {
			usctp_assoc_shutdown(cli.a, now);
			shutdown_started = true;
		}
		flush(&cli, &link, 1, now);
		flush(&srv, &link, 0, now);

		/* advance the virtual clock to the next packet or timer */
		uint64_t next = link_next(&link);
		if (cli.a && usctp_assoc_get_expiry(cli.a) < next)
			next = usctp_assoc_get_expiry(cli.a);
		if (srv.a && usctp_assoc_get_expiry(srv.a) < next)
			next = usctp_assoc_get_expiry(srv.a);
		if (next == USCTP_TIME_NEVER)
			break;
		if (next > now)
			now = next;
		if (cli.a && usctp_assoc_get_expiry(cli.a) <= now)
			usctp_assoc_handle_expiry(cli.a, now);
		if (srv.a && usctp_assoc_get_expiry(srv.a) <= now)
			usctp_assoc_handle_expiry(srv.a, now);
		struct pkt *p;
		while ((p = link_pop(&link, now))) {
			if (p->to == 0) {
				usctp_assoc_read_pkt(cli.a, &srv.addr, p->data, p->len, now);
			} else if (srv.a) {
				usctp_assoc_read_pkt(srv.a, &cli.addr, p->data, p->len, now);
			} else {
				uint8_t reply[MAX_PKT];
				size_t rlen = 0;
				struct usctp_assoc *na = NULL;
				int r = usctp_endpoint_handle_ootb(&scfg, true, &cli.addr, p->data, p->len, now,
								   reply, sizeof reply, &rlen, &na);
				if (r == USCTP_OOTB_REPLY)
					link_send(&link, 0, reply, rlen, now);
				else if (r == USCTP_OOTB_NEW_ASSOC)
					srv.a = na;
			}
			free(p);
		}
	}

	struct usctp_path_status ps = {0};
	const struct usctp_assoc_stats *cs = usctp_assoc_stats(cli.a);
	usctp_assoc_path_status(cli.a, 0, &ps);
	double secs = (double)now / 1e9;
	printf("\nsummary\n");
	printf("  messages sent        %u (%" PRIu64 " bytes)\n", sent, bytes_tx);
	printf("  messages received    %" PRIu64 " (%" PRIu64 " bytes), %" PRIu64 " unordered\n", srv.msgs_rx,
	       srv.bytes_rx, srv.unordered_rx);
	printf("  ordered delivery     %s\n", srv.out_of_order ? "VIOLATED" : "every stream in order");
	printf("  packets on the link  %" PRIu64 ", %" PRIu64 " lost (%.1f%%)\n", link.sent, link.dropped,
	       link.sent ? 100.0 * (double)link.dropped / (double)link.sent : 0.0);
	printf("  retransmissions      %" PRIu64 " (%" PRIu64 " fast, %" PRIu64 " timeouts)\n", cs->retransmits,
	       cs->fast_retransmits, cs->t3_timeouts);
	printf("  smoothed RTT         %u ms (RTO %u ms)\n", ps.srtt_ms, ps.rto_ms);
	printf("  virtual time         %.2f s, goodput %.2f MB/s\n", secs,
	       secs > 0 ? (double)srv.bytes_rx / secs / 1e6 : 0.0);
	bool ok = srv.msgs_rx == sent && srv.bytes_rx == bytes_tx && !srv.out_of_order && cli.closed;
	printf("  result               %s\n", ok ? "every message delivered, association closed gracefully"
						 : "INCOMPLETE");

	usctp_assoc_del(cli.a);
	usctp_assoc_del(srv.a);
	for (unsigned i = 0; i < link.n; i++)
		free(link.q[i]);
	usctp_cookie_key_del(key);
	return ok ? 0 : 1;
}
