/*
 * Two associations end to end (client by usctp_assoc_new, server by the
 * endpoint function) through a lossy in-process link with virtual time:
 * everything sent is delivered in order, then both close gracefully.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_script.h"

#define QMAX 256
struct pkt {
	uint8_t b[1500];
	size_t len;
	uint64_t at;
	int to;
};

struct link {
	struct pkt q[QMAX];
	unsigned n;
	struct tu_rng rng;
	double loss;
};

static void link_send(struct link *l, int to, const uint8_t *b, size_t len, uint64_t now)
{
	if (tu_rng_chance(&l->rng, l->loss) || l->n == QMAX)
		return;
	struct pkt *p = &l->q[l->n++];
	memcpy(p->b, b, len);
	p->len = len;
	p->at = now + MS(25);
	p->to = to;
}

static void run_pair(uint64_t seed, double loss, unsigned nmsgs)
{
	struct scr s;
	scr_init(&s, seed);
	struct link *l = calloc(1, sizeof(*l));
	tu_rng_seed(&l->rng, seed * 3 + 1);
	l->loss = loss;
	struct usctp_assoc_config ccfg = s.cfg, scfg = s.cfg;
	ccfg.local_port = SCR_PEER_PORT;
	ccfg.peer_port = SCR_LOCAL_PORT;
	struct usctp_addr caddr = s.peer, saddr = s.peer;
	saddr.ip.bytes[3] = 1;
	uint64_t now = SCR_T0;
	struct usctp_assoc *a[2] = {usctp_assoc_new(&ccfg, &saddr, now), NULL};
	assert_non_null(a[0]);
	unsigned sent = 0, got = 0;
	bool up = false, done[2] = {false, false}, shut = false;
	uint8_t buf[1500];
	for (int step = 0; step < 200000 && !(done[0] && done[1]); step++) {
		while (up && sent < nmsgs) {
			char m[64];
			int n = snprintf(m, sizeof(m), "message %u", sent);
			struct usctp_send_params p = {.sid = (uint16_t)(sent % 3), .ppid = sent, .path = -1};
			struct usctp_msg *msg = usctp_msg_new(m, (size_t)n);
			int r = usctp_assoc_send(a[0], &p, msg, now);
			usctp_msg_unref(msg);
			if (r < 0)
				break;
			sent++;
		}
		if (sent == nmsgs && !shut) {
			assert_int_equal(usctp_assoc_shutdown(a[0], now), 0);
			shut = true;
		}
		for (int i = 0; i < 2; i++) {
			if (!a[i])
				continue;
			struct usctp_tx_info ti;
			size_t n;
			for (int k = 0;
			     k < 100 && (n = usctp_assoc_write_pkt(a[i], buf, sizeof(buf), now, &ti)) > 0;
			     k++)
				link_send(l, 1 - i, buf, n, now);
			struct usctp_event ev;
			while (usctp_assoc_next_event(a[i], &ev)) {
				if (ev.type == USCTP_EV_COMM_UP && i == 0)
					up = true;
				if (ev.type == USCTP_EV_SHUTDOWN_COMPLETE)
					done[i] = true;
				if (ev.type == USCTP_EV_COMM_LOST)
					fprintf(stderr,
						"seed %llu side %d lost at %llu ms, state %s, sent %u got %u "
						"done %d %d\n",
						(unsigned long long)seed, i,
						(unsigned long long)(now / 1000000),
						usctp_state_name(usctp_assoc_state(a[i])), sent, got, done[0],
						done[1]);
				assert_int_not_equal(ev.type, USCTP_EV_COMM_LOST);
				assert_int_not_equal(ev.type, USCTP_EV_SEND_FAILED);
				usctp_event_clear(&ev);
			}
			char rb[128];
			struct usctp_rcvinfo ri;
			bool eor;
			int64_t r;
			while ((r = usctp_assoc_recv(a[i], rb, sizeof(rb) - 1, &ri, &eor, now)) >= 0) {
				assert_int_equal(i, 1);
				rb[r] = 0;
				/* Per stream order: message k goes on stream k % 3. */
				assert_int_equal(ri.ppid % 3, ri.sid);
				got++;
			}
		}
		/* Next event time: the earliest packet or timer. */
		uint64_t next = USCTP_TIME_NEVER;
		for (unsigned k = 0; k < l->n; k++)
			next = l->q[k].at < next ? l->q[k].at : next;
		for (int i = 0; i < 2; i++)
			if (a[i] && usctp_assoc_get_expiry(a[i]) < next)
				next = usctp_assoc_get_expiry(a[i]);
		bool app_work = up && (sent < nmsgs || !shut);
		if (next == USCTP_TIME_NEVER && !app_work)
			break;
		if (next == USCTP_TIME_NEVER)
			continue; /* the application has more to send before time moves */
		if (next > now)
			now = next;
		for (int i = 0; i < 2; i++)
			if (a[i] && usctp_assoc_get_expiry(a[i]) <= now)
				usctp_assoc_handle_expiry(a[i], now);
		for (unsigned k = 0; k < l->n;) {
			struct pkt p = l->q[k];
			if (p.at > now) {
				k++;
				continue;
			}
			l->q[k] = l->q[--l->n];
			if (p.to == 1 && !a[1]) {
				uint8_t reply[1500];
				size_t rlen = 0;
				struct usctp_assoc *na = NULL;
				int r = usctp_endpoint_handle_ootb(&scfg, true, &caddr, p.b, p.len, now,
								   reply, sizeof(reply), &rlen, &na);
				if (r == USCTP_OOTB_REPLY)
					link_send(l, 0, reply, rlen, now);
				else if (r == USCTP_OOTB_NEW_ASSOC)
					a[1] = na;
			} else if (a[p.to] && !usctp_assoc_is_dead(a[p.to])) {
				usctp_assoc_read_pkt(a[p.to], p.to ? &caddr : &saddr, p.b, p.len, now);
			} else if (a[p.to]) {
				/* The association is gone: out of the blue now (8.4), e.g. a
				 * SHUTDOWN ACK repeated after our SHUTDOWN COMPLETE was lost. */
				uint8_t reply[1500];
				size_t rlen = 0;
				if (usctp_endpoint_handle_ootb(
					p.to ? &scfg : &ccfg, false, p.to ? &caddr : &saddr, p.b, p.len, now,
					reply, sizeof(reply), &rlen, NULL) == USCTP_OOTB_REPLY)
					link_send(l, 1 - p.to, reply, rlen, now);
			}
		}
	}
	assert_true(done[0]);
	assert_true(done[1]);
	assert_int_equal(got, nmsgs);
	for (int i = 0; i < 2; i++)
		usctp_assoc_del(a[i]);
	free(l);
	scr_free(&s);
}

static void pair_transfers_and_closes_without_loss(void **st)
{
	run_pair(101, 0.0, 200);
}
static void pair_transfers_and_closes_with_10_percent_loss(void **st)
{
	for (uint64_t seed = 1; seed <= 20; seed++)
		run_pair(seed, 0.1, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pair_transfers_and_closes_without_loss),
	    cmocka_unit_test(pair_transfers_and_closes_with_10_percent_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
