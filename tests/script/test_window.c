/*
 * Flow control timing (RFC 9260 6.1, 6.2): a large message through a small
 * receive buffer read as the application drains it must never leave the
 * sender waiting longer than necessary: the window update goes out at the
 * read that opens the window enough, the sender resumes on it at once, and
 * the last fragment of a message is never held back (bundling waits only
 * for small whole messages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_script.h"

/* ------------------------------------------------------------------ */
/* Scripted peer: exact packets at exact times                          */
/* ------------------------------------------------------------------ */

static struct usctp_data_chunk data_of(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk c = scr_chunk(p, i);
	assert_int_equal(c.type, USCTP_CHUNK_DATA);
	struct usctp_data_chunk d;
	assert_int_equal(usctp_data_parse(&c, &d), 0);
	return d;
}

static struct usctp_sack_chunk sack_of(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk c = scr_chunk(p, i);
	assert_int_equal(c.type, USCTP_CHUNK_SACK);
	struct usctp_sack_chunk s;
	assert_int_equal(usctp_sack_parse(&c, &s), 0);
	return s;
}

/* The bug seen as a 200 ms stall at the end of a 1 MiB echo: the tail of
 * a fragmented message was held for bundling until the head was acked,
 * and the receiver delays that SACK (6.2) when one packet is unacked. */
static void tail_fragment_not_held_while_head_in_flight(void **st)
{
	struct scr s;
	scr_init(&s, 401);
	scr_accept(&s);
	const uint32_t fp = s.cfg.mtu - 28;
	uint8_t msg[2 * 1172 + 100];
	assert_int_equal(fp, 1172);
	memset(msg, 'q', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 3);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, fp);
	assert_int_equal(data_of(&s.out[1], 0).payload_len, fp);
	struct usctp_data_chunk d = data_of(&s.out[2], 0);
	assert_int_equal(d.payload_len, 100);
	assert_true(d.flags & USCTP_DATA_FLAG_E);
	/* Small whole messages still wait to be bundled while data is in flight. */
	assert_int_equal(scr_send_msg(&s, 0, "tiny", 4), 0);
	scr_expect_npkts(&s, 0);
	scr_free(&s);
}

/* Receiver side: a message bigger than rcvbuf in partial delivery; each read
 * that opens the window by min(rcvbuf / 2, MTU) = 1200 or more since the last
 * advertised value is answered at the same instant by a window update. */
static void partial_delivery_read_sends_window_update_at_once(void **st)
{
	struct scr s;
	scr_init(&s, 402);
	s.cfg.rcvbuf = 8192;
	scr_accept(&s);
	uint8_t frag[1000];
	memset(frag, 'p', sizeof(frag));
	/* Fragments of one message until the window is shut (8 * 1000 + 1 more
	 * above: held may pass rcvbuf by one chunk). */
	unsigned i;
	uint32_t last_rwnd = UINT32_MAX;
	for (i = 0; i < 9; i++) {
		uint8_t fl = i == 0 ? USCTP_DATA_FLAG_B : 0;
		assert_int_equal(scr_feed_data(&s, s.peer_tsn + i, 0, 0, fl, frag, sizeof(frag)), 0);
		for (unsigned k = 0, n = scr_flush(&s); k < n; k++)
			last_rwnd = sack_of(&s.out[k], 0).a_rwnd;
	}
	scr_run_until(&s, s.now + MS(200));
	for (unsigned k = 0, n = scr_flush(&s); k < n; k++)
		last_rwnd = sack_of(&s.out[k], 0).a_rwnd;
	assert_int_equal(last_rwnd, 0);
	assert_true(usctp_assoc_readable(s.a)); /* partial delivery started */

	uint8_t rb[700];
	struct usctp_rcvinfo ri;
	bool eor = false;
	unsigned updates = 0;
	uint32_t total = 0;
	/* Read in 700-byte pieces: a SACK exactly when the window has opened by
	 * 1200 or more since the last one, at the instant of that read. */
	for (int g = 0; g < 64 && !eor; g++) {
		int64_t r = usctp_assoc_recv(s.a, rb, sizeof(rb), &ri, &eor, s.now);
		if (r < 0)
			break;
		total += (uint32_t)r;
		struct usctp_assoc_status as;
		usctp_assoc_get_status(s.a, &as);
		if (as.local_rwnd > last_rwnd && as.local_rwnd - last_rwnd >= 1200) {
			scr_expect_npkts(&s, 1);
			struct usctp_sack_chunk k = sack_of(&s.out[0], 0);
			assert_int_equal(k.a_rwnd, as.local_rwnd);
			assert_int_equal(k.cum_tsn, s.peer_tsn + 8);
			last_rwnd = k.a_rwnd;
			updates++;
		} else {
			scr_expect_npkts(&s, 0);
		}
		s.now += MS(1);
	}
	assert_int_equal(total, 9000); /* all that arrived, in partial delivery */
	assert_false(eor);
	assert_true(updates >= 5);
	assert_int_equal(last_rwnd, 8192);
	scr_free(&s);
}

/* Sender side: the peer's window shut with nothing in flight; a window
 * update SACK restarts transmission at that instant, not at the zero
 * window probe timer (one RTO) or T3. */
static void window_update_resumes_sender_at_once(void **st)
{
	struct scr s;
	scr_init(&s, 403);
	s.cfg.nodelay = false;
	scr_accept(&s);
	static uint8_t msg[20000];
	memset(msg, 'w', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	unsigned sent = scr_flush(&s);
	assert_true(sent >= 2);
	uint32_t last = s.our_itsn + sent - 1;
	/* Everything acked, window shut. */
	s.now += MS(20);
	assert_int_equal(scr_feed_sack(&s, last, 0, NULL, 0), 0);
	scr_expect_npkts(&s, 0);
	uint64_t zwp = scr_expiry(&s);
	assert_true(zwp >= s.now + MS(1000)); /* the probe waits one RTO */
	/* The application reads: window update. */
	s.now += MS(30);
	assert_int_equal(scr_feed_sack(&s, last, 4000, NULL, 0), 0);
	unsigned n = scr_flush(&s);
	assert_true(n >= 3);
	assert_int_equal(data_of(&s.out[0], 0).tsn, last + 1);
	assert_true(s.now < zwp);
	scr_free(&s);
}

/* ------------------------------------------------------------------ */
/* Two associations: 1 MiB through a 64 KiB receive buffer               */
/* ------------------------------------------------------------------ */

#define QMAX 1024
#define BIG_MTU 65000u
#define MSG_LEN (1u << 20)

struct wpkt {
	uint8_t *b;
	size_t len;
	uint64_t at;
	int to;
};

struct wlink {
	struct wpkt q[QMAX];
	unsigned head, n;
	uint64_t delay;
};

static void wlink_send(struct wlink *l, int to, const uint8_t *b, size_t len, uint64_t now)
{
	assert_true(l->n < QMAX);
	struct wpkt *p = &l->q[(l->head + l->n++) % QMAX];
	p->b = malloc(len);
	assert_non_null(p->b);
	memcpy(p->b, b, len);
	p->len = len;
	p->at = now + l->delay;
	p->to = to;
}

struct wrun {
	uint64_t done_at, up_at;
	uint64_t max_update_lag; /* longest wait from a read owing a window update to its SACK */
	uint64_t t3[2];
	unsigned sacks_b;
};

/* Send everything a has for the link; returns the a_rwnd of the last SACK
 * in it (or keep, if none). */
static uint32_t flush_side(struct usctp_assoc *a, int me, struct wlink *l, uint8_t *buf, uint64_t now,
			   uint32_t keep, unsigned *sacks)
{
	struct usctp_tx_info ti;
	size_t n;
	for (int k = 0; k < 1000 && (n = usctp_assoc_write_pkt(a, buf, BIG_MTU, now, &ti)) > 0; k++) {
		wlink_send(l, 1 - me, buf, n, now);
		struct usctp_chunk_iter it;
		struct usctp_chunk c;
		usctp_chunk_iter_init(&it, buf, n);
		while (usctp_chunk_next(&it, &c) == 1) {
			struct usctp_sack_chunk sk;
			if (getenv("WDEBUG")) {
				struct usctp_data_chunk d;
				fprintf(stderr, "%llu us %d->: chunk %u", (unsigned long long)(now / 1000),
					me, c.type);
				if (c.type == USCTP_CHUNK_DATA && usctp_data_parse(&c, &d) == 0)
					fprintf(stderr, " tsn %u len %zu", d.tsn, d.payload_len);
				if (c.type == USCTP_CHUNK_SACK && usctp_sack_parse(&c, &sk) == 0)
					fprintf(stderr, " cum %u rwnd %u", sk.cum_tsn, sk.a_rwnd);
				fprintf(stderr, "\n");
			}
			if (c.type == USCTP_CHUNK_SACK && usctp_sack_parse(&c, &sk) == 0) {
				keep = sk.a_rwnd;
				if (sacks)
					(*sacks)++;
			}
		}
	}
	return keep;
}

/* read_every: the receiving application wakes this often and reads up to
 * read_bytes (0: all it can) in pieces of 9000 bytes. */
static void run_big(uint64_t seed, uint64_t delay, uint64_t read_every, uint32_t read_bytes, struct wrun *res)
{
	struct scr s;
	scr_init(&s, seed);
	struct wlink *l = calloc(1, sizeof(*l));
	assert_non_null(l);
	l->delay = delay;
	struct usctp_assoc_config ccfg = s.cfg, scfg = s.cfg;
	ccfg.local_port = SCR_PEER_PORT;
	ccfg.peer_port = SCR_LOCAL_PORT;
	ccfg.mtu = scfg.mtu = BIG_MTU;
	ccfg.sndbuf = 2 * MSG_LEN;
	scfg.rcvbuf = 64 * 1024;
	struct usctp_addr caddr = s.peer, saddr = s.peer;
	saddr.ip.bytes[3] = 1;
	uint64_t now = SCR_T0;
	struct usctp_assoc *a[2] = {usctp_assoc_new(&ccfg, &saddr, now), NULL};
	assert_non_null(a[0]);
	uint8_t *buf = malloc(BIG_MTU);
	uint8_t *msg = malloc(MSG_LEN);
	uint8_t *rb = malloc(9000);
	assert_true(buf && msg && rb);
	for (uint32_t i = 0; i < MSG_LEN; i++)
		msg[i] = (uint8_t)(i * 7 + (i >> 8));
	memset(res, 0, sizeof(*res));
	bool up = false, sent = false;
	uint32_t got = 0;
	uint32_t b_adv = 64 * 1024; /* B's last advertised a_rwnd (INIT ACK) */
	uint64_t owed_since = 0;    /* a read made B owe a window update since then */
	uint64_t next_read = 0;
	const uint32_t step = 32 * 1024; /* min(rcvbuf / 2, MTU) */

	for (int iter = 0; iter < 200000 && !res->done_at; iter++) {
		if (up && !sent) {
			struct usctp_send_params p = {.sid = 0, .ppid = 1, .path = -1};
			struct usctp_msg *m = usctp_msg_new(msg, MSG_LEN);
			assert_int_equal(usctp_assoc_send(a[0], &p, m, now), 0);
			usctp_msg_unref(m);
			sent = true;
		}
		/* The receiving application. */
		if (a[1] && now >= next_read) {
			uint32_t budget = read_bytes ? read_bytes : UINT32_MAX;
			struct usctp_rcvinfo ri;
			bool eor = false;
			int64_t r;
			while (budget && (r = usctp_assoc_recv(a[1], rb, budget < 9000 ? budget : 9000, &ri,
							       &eor, now)) > 0) {
				if (getenv("WDEBUG"))
					fprintf(stderr, "%llu us read %lld\n",
						(unsigned long long)(now / 1000), (long long)r);
				assert_memory_equal(rb, msg + got, (size_t)r);
				got += (uint32_t)r;
				budget -= (uint32_t)r;
				struct usctp_assoc_status st;
				usctp_assoc_get_status(a[1], &st);
				if (!owed_since && st.local_rwnd > b_adv && st.local_rwnd - b_adv >= step)
					owed_since = now;
				if (eor) {
					assert_int_equal(got, MSG_LEN);
					res->done_at = now;
				}
			}
			next_read = now + read_every;
		}
		for (int i = 0; i < 2; i++) {
			if (!a[i])
				continue;
			uint32_t adv = flush_side(a[i], i, l, buf, now, i == 1 ? b_adv : 0,
						  i == 1 ? &res->sacks_b : NULL);
			if (i == 1)
				b_adv = adv;
			if (i == 1 && owed_since) {
				/* The update must have gone out by now: same instant. */
				uint64_t lag = now - owed_since;
				if (lag > res->max_update_lag)
					res->max_update_lag = lag;
				owed_since = 0;
			}
			struct usctp_event ev;
			while (usctp_assoc_next_event(a[i], &ev)) {
				if (ev.type == USCTP_EV_COMM_UP && i == 0) {
					up = true;
					res->up_at = now;
				}
				assert_int_not_equal(ev.type, USCTP_EV_COMM_LOST);
				usctp_event_clear(&ev);
			}
		}
		if (res->done_at)
			break;
		uint64_t next = next_read > now ? next_read : USCTP_TIME_NEVER;
		if (l->n && l->q[l->head].at < next)
			next = l->q[l->head].at;
		for (int i = 0; i < 2; i++)
			if (a[i] && usctp_assoc_get_expiry(a[i]) < next)
				next = usctp_assoc_get_expiry(a[i]);
		if (up && !sent)
			next = now;
		assert_true(next != USCTP_TIME_NEVER);
		if (next > now)
			now = next;
		for (int i = 0; i < 2; i++)
			if (a[i] && usctp_assoc_get_expiry(a[i]) <= now)
				usctp_assoc_handle_expiry(a[i], now);
		while (l->n && l->q[l->head].at <= now) {
			struct wpkt p = l->q[l->head];
			l->head = (l->head + 1) % QMAX;
			l->n--;
			if (p.to == 1 && !a[1]) {
				uint8_t *reply = malloc(BIG_MTU);
				size_t rlen = 0;
				struct usctp_assoc *na = NULL;
				usctp_endpoint_handle_ootb(&scfg, true, &caddr, p.b, p.len, now, reply,
							   BIG_MTU, &rlen, &na);
				if (rlen)
					wlink_send(l, 0, reply, rlen, now);
				free(reply);
				if (na)
					a[1] = na;
			} else if (a[p.to]) {
				usctp_assoc_read_pkt(a[p.to], p.to == 1 ? &caddr : &saddr, p.b, p.len, now);
			}
			free(p.b);
		}
	}
	assert_true(res->done_at != 0);
	for (int i = 0; i < 2; i++)
		res->t3[i] = usctp_assoc_stats(a[i])->t3_timeouts;
	while (l->n) {
		free(l->q[l->head].b);
		l->head = (l->head + 1) % QMAX;
		l->n--;
	}
	for (int i = 0; i < 2; i++)
		usctp_assoc_del(a[i]);
	free(l);
	free(buf);
	free(msg);
	free(rb);
	scr_free(&s);
}

/* The echo of the report: loopback-sized packets (65000), a 64 KiB receive
 * buffer, 1 MiB, no loss, 1 ms one way. 64 KiB a round trip needs about
 * 16 RTTs = 32 ms plus the handshake; the stall seen was 200 ms or more. */
static void one_mib_through_64k_rcvbuf_never_stalls(void **st)
{
	struct wrun r;
	/* Reader woken every 1 ms, reading all it can. */
	run_big(405, MS(1), MS(1), 0, &r);
	uint64_t dur = r.done_at - r.up_at;
	printf("1 MiB, 64 KiB rcvbuf, reader every 1 ms: %llu us, %u window SACKs\n",
	       (unsigned long long)(dur / 1000), r.sacks_b);
	assert_int_equal(r.max_update_lag, 0);
	assert_int_equal(r.t3[0], 0);
	assert_int_equal(r.t3[1], 0);
	assert_true(dur < MS(60));
	/* A slow reader (9000 bytes every 0.5 ms = 18 MB/s) paces the transfer:
	 * it must take no longer than its reading does, plus a round trip. */
	run_big(406, MS(1), MS(1) / 2, 9000, &r);
	dur = r.done_at - r.up_at;
	printf("1 MiB, 64 KiB rcvbuf, reader 9000 B / 0.5 ms: %llu us\n", (unsigned long long)(dur / 1000));
	assert_int_equal(r.max_update_lag, 0);
	assert_int_equal(r.t3[0], 0);
	assert_true(dur < (MSG_LEN / 9000 + 1) * (MS(1) / 2) + MS(10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tail_fragment_not_held_while_head_in_flight),
	    cmocka_unit_test(partial_delivery_read_sends_window_update_at_once),
	    cmocka_unit_test(window_update_resumes_sender_at_once),
	    cmocka_unit_test(one_mib_through_64k_rcvbuf_never_stalls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
