/*
 * Scripted tests: hostile input. Many random, mutated and out-of-order
 * packets (with valid checksums, so they reach the state machine) fed to
 * associations and to the endpoint function. Run under ASan/UBSan this
 * proves that bad input never crashes or reads out of bounds, and the
 * harness checks every packet written back is well formed.
 */
#include <stdio.h>
#include <string.h>

#include "lib_script.h"

static void random_chunk(struct scr *s, struct usctp_wbuf *w)
{
	struct tu_rng *r = &s->rng;
	uint8_t junk[64];
	tu_rng_fill(r, junk, sizeof(junk));
	uint32_t near_peer = s->peer_tsn + (uint32_t)tu_rng_below(r, 8) - 2;
	uint32_t near_ours = s->our_itsn + (uint32_t)tu_rng_below(r, 8) - 2;
	switch (tu_rng_below(r, 13)) {
	case 0:
	case 1:
		usctp_build_data(w, (uint8_t)tu_rng_below(r, 16), near_peer, (uint16_t)tu_rng_below(r, 12),
				 (uint16_t)tu_rng_below(r, 4), 0, junk, 1 + tu_rng_below(r, 60));
		break;
	case 2: {
		struct usctp_gap_block g[2] = {{(uint16_t)tu_rng_below(r, 5), (uint16_t)tu_rng_below(r, 6)},
					       {(uint16_t)tu_rng_below(r, 9), (uint16_t)tu_rng_below(r, 9)}};
		uint32_t dup = near_ours;
		usctp_build_sack(w, near_ours, (uint32_t)tu_rng_below(r, 70000), g,
				 (unsigned)tu_rng_below(r, 3), &dup, (unsigned)tu_rng_below(r, 2));
		break;
	}
	case 3:
		usctp_build_init(w, tu_rng_chance(r, 0.5) ? USCTP_CHUNK_INIT : USCTP_CHUNK_INIT_ACK,
				 (uint32_t)tu_rng_next(r), 1000, (uint16_t)tu_rng_below(r, 3),
				 (uint16_t)tu_rng_below(r, 3), 5, junk, tu_rng_below(r, 3) * 8);
		break;
	case 4:
		usctp_build_cookie_echo(w, junk, tu_rng_below(r, 64));
		break;
	case 5:
		usctp_build_shutdown(w, near_ours);
		break;
	case 6:
		usctp_build_chunk(w, (uint8_t)(USCTP_CHUNK_SHUTDOWN_ACK + tu_rng_below(r, 2) * 6), 0, NULL,
				  0);
		break;
	case 7:
		usctp_build_error(w, junk, tu_rng_below(r, 20));
		break;
	case 8:
		usctp_build_heartbeat(w, USCTP_CHUNK_HEARTBEAT, junk, tu_rng_below(r, 40));
		break;
	case 9: {
		uint16_t sid = (uint16_t)tu_rng_below(r, 12), ssn = (uint16_t)tu_rng_below(r, 5);
		usctp_build_fwd_tsn(w, near_peer, &sid, &ssn, (unsigned)tu_rng_below(r, 2));
		break;
	}
	case 10:
		if (tu_rng_chance(r, 0.1))
			usctp_build_abort(w, tu_rng_chance(r, 0.5), junk, tu_rng_below(r, 12));
		break;
	case 11:
		usctp_build_chunk(w, (uint8_t)tu_rng_next(r), (uint8_t)tu_rng_next(r), junk,
				  tu_rng_below(r, 30));
		break;
	default:
		usctp_build_chunk(w, USCTP_CHUNK_COOKIE_ACK, 0, NULL, 0);
		break;
	}
}

static void build_hostile(struct scr *s, struct usctp_wbuf *w, uint8_t *buf, size_t cap)
{
	struct tu_rng *r = &s->rng;
	uint32_t vtag = s->our_tag;
	if (tu_rng_chance(r, 0.1))
		vtag = tu_rng_chance(r, 0.5) ? 0 : s->peer_tag;
	scr_begin(w, buf, cap, vtag);
	unsigned n = 1 + (unsigned)tu_rng_below(r, 4);
	for (unsigned i = 0; i < n; i++)
		random_chunk(s, w);
	/* Mutate a few bytes past the header, then make the checksum right again. */
	if (w->len > USCTP_COMMON_HDR_LEN && tu_rng_chance(r, 0.3)) {
		unsigned k = 1 + (unsigned)tu_rng_below(r, 3);
		for (unsigned i = 0; i < k; i++)
			buf[USCTP_COMMON_HDR_LEN + tu_rng_below(r, w->len - USCTP_COMMON_HDR_LEN)] ^=
			    (uint8_t)(1u << tu_rng_below(r, 8));
	}
	if (tu_rng_chance(r, 0.05) && w->len > 13)
		w->len -= 1 + tu_rng_below(r, 3); /* truncated */
}

static void drain(struct scr *s)
{
	scr_flush(s);
	scr_drain_events(s);
	uint8_t rb[256];
	struct usctp_rcvinfo ri;
	bool eor;
	for (int i = 0; i < 100 && usctp_assoc_recv(s->a, rb, sizeof(rb), &ri, &eor, s->now) >= 0; i++)
		;
}

static void hostile_packets_never_break_an_association(void **st)
{
	uint64_t seed = tu_seed(0x5eed);
	fprintf(stderr, "seed %#llx\n", (unsigned long long)seed);
	struct scr s;
	scr_init(&s, seed);
	s.cfg.pr_sctp = true;
	scr_accept(&s);
	unsigned restarts = 0;
	for (unsigned it = 0; it < 20000; it++) {
		if (usctp_assoc_is_dead(s.a)) {
			scr_drain_events(&s);
			usctp_assoc_del(s.a);
			s.a = NULL;
			s.peer_tag++;
			scr_accept(&s);
			restarts++;
		}
		uint8_t buf[SCR_PKT_MAX];
		struct usctp_wbuf w;
		build_hostile(&s, &w, buf, sizeof(buf));
		usctp_pkt_set_checksum(buf, w.len);
		usctp_assoc_read_pkt(s.a, &s.peer, buf, w.len, s.now);
		if (tu_rng_chance(&s.rng, 0.2))
			scr_send_msg(&s, (uint16_t)tu_rng_below(&s.rng, 10), "payload",
				     1 + tu_rng_below(&s.rng, 7));
		if (tu_rng_chance(&s.rng, 0.1))
			scr_advance(&s, MS(tu_rng_below(&s.rng, 3000)));
		drain(&s);
	}
	fprintf(stderr, "%u associations used\n", restarts + 1);
	scr_free(&s);
}

static void hostile_packets_to_the_endpoint(void **st)
{
	struct scr s;
	scr_init(&s, tu_seed(0xe9d));
	for (unsigned it = 0; it < 20000; it++) {
		uint8_t buf[SCR_PKT_MAX], reply[SCR_PKT_MAX];
		struct usctp_wbuf w;
		build_hostile(&s, &w, buf, sizeof(buf));
		usctp_pkt_set_checksum(buf, w.len);
		size_t rlen = 0;
		struct usctp_assoc *na = NULL;
		int r = usctp_endpoint_handle_ootb(&s.cfg, tu_rng_chance(&s.rng, 0.8), &s.peer, buf, w.len,
						   s.now, reply, sizeof(reply), &rlen, &na);
		if (r == USCTP_OOTB_REPLY) {
			assert_true(rlen <= s.cfg.mtu);
			assert_int_equal(usctp_pkt_verify_checksum(reply, rlen), 0);
			assert_true(usctp_pkt_validate(reply, rlen) > 0);
		} else {
			assert_int_equal(rlen, 0);
		}
		if (na) /* a random cookie cannot pass the MAC */
			fail();
	}
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hostile_packets_never_break_an_association),
	    cmocka_unit_test(hostile_packets_to_the_endpoint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
