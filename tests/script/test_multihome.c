/* Scripted tests: multi-homing (RFC 9260 5.1.2, 5.4, 6.4, 8.2): address
 * confirmation, primary path, failover of retransmissions and new data,
 * return to the primary, per-message address override, per-path UDP port. */
#include <string.h>

#include "lib_mh.h"

/* Run timers until a HEARTBEAT to path idx comes out (bounded): 1 if it did,
 * with the packet in s->out[0] (other packets are dropped). */
static int run_to_hb_on(struct scr *s, int idx)
{
	for (int i = 0; i < 64; i++) {
		uint64_t t = scr_expiry(s);
		if (t == USCTP_TIME_NEVER)
			return 0;
		scr_run_until(s, t);
		unsigned n = scr_flush(s);
		for (unsigned k = 0; k < n; k++) {
			struct usctp_chunk c = scr_chunk(&s->out[k], 0);
			if (c.type == USCTP_CHUNK_HEARTBEAT && s->out[k].ti.path == idx) {
				s->out[0] = s->out[k];
				return 1;
			}
		}
	}
	return 0;
}

/* mh_accept with n extra addresses, all confirmed by answered probes. */
static void accept_confirmed(struct scr *s, unsigned n)
{
	mh_accept(s, n);
	for (unsigned i = 1; i <= n; i++) {
		assert_int_equal(run_to_hb_on(s, (int)i), 1);
		assert_int_equal(mh_answer_hb(s, &s->out[0], false), 0);
		mh_expect_addr_event(s, i, USCTP_ADDR_CONFIRMED);
		assert_true(mh_path(s, i).confirmed);
	}
	mh_expect_no_event(s);
}

static int send_on(struct scr *s, int path, const char *data)
{
	struct usctp_send_params p = {.sid = 0, .path = path};
	struct usctp_msg *m = usctp_msg_new(data, strlen(data));
	int r = usctp_assoc_send(s->a, &p, m, s->now);
	usctp_msg_unref(m);
	return r;
}

static uint32_t tsn_of(const struct scr_pkt *p)
{
	struct usctp_chunk c = scr_chunk(p, 0);
	assert_int_equal(c.type, USCTP_CHUNK_DATA);
	return usctp_get32(c.value);
}

static void unconfirmed_address_is_probed_and_gets_no_data(void **st)
{
	struct scr s;
	scr_init(&s, 401);
	s.cfg.nodelay = true;
	mh_accept(&s, 1);
	assert_false(mh_path(&s, 1).confirmed);
	assert_true(mh_path(&s, 0).confirmed);
	/* 5.4: probed at once, heartbeats being off or not. */
	assert_int_equal(scr_expiry(&s), s.now);
	scr_run_until(&s, s.now);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_HEARTBEAT, -1);
	assert_int_equal(s.out[0].ti.path, 1);
	struct usctp_addr a1 = mh_addr(&s, 1);
	assert_memory_equal(s.out[0].ti.dst.ip.bytes, a1.ip.bytes, 4);
	struct scr_pkt probe = s.out[0];
	uint64_t sent = s.now;
	/* Data, even addressed to the unconfirmed path, goes to the confirmed one. */
	assert_int_equal(send_on(&s, -1, "a"), 0);
	assert_int_equal(send_on(&s, 1, "b"), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 0);
	assert_int_equal(scr_nchunks(&s.out[0]), 2);
	scr_feed_sack(&s, s.our_itsn + 1, 65536, NULL, 0);
	/* A forged ACK confirms nothing; the probe times out after one RTO and
	 * another goes (the association's error count is not touched: 5.4). */
	assert_int_equal(mh_answer_hb(&s, &probe, true), 0);
	assert_false(mh_path(&s, 1).confirmed);
	scr_run_until(&s, sent + MS(1000));
	assert_int_equal(mh_path(&s, 1).error_count, 1);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 1);
	s.now += MS(20);
	assert_int_equal(mh_answer_hb(&s, &s.out[0], false), 0);
	assert_true(mh_path(&s, 1).confirmed);
	assert_int_equal(mh_path(&s, 1).error_count, 0);
	assert_int_equal(mh_path(&s, 1).srtt_ms, 20);
	mh_expect_addr_event(&s, 1, USCTP_ADDR_CONFIRMED);
	mh_expect_no_event(&s);
	/* Confirmed: heartbeats are off, so no more probes. */
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	scr_free(&s);
}

static void probes_are_limited_to_one_per_rto(void **st)
{
	struct scr s;
	scr_init(&s, 402);
	mh_accept(&s, 2);
	uint64_t t0 = s.now;
	scr_run_until(&s, t0);
	scr_expect_npkts(&s, 1); /* HB.Max.Burst = 1 */
	int first = s.out[0].ti.path;
	assert_true(first == 1 || first == 2);
	scr_run_until(&s, t0 + MS(999));
	scr_expect_npkts(&s, 0);
	scr_run_until(&s, t0 + MS(1000));
	/* The other path's probe (the first one's timeout waits for the next slot). */
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 3 - first);
	scr_free(&s);
}

static void addr_over_sends_to_the_named_confirmed_path(void **st)
{
	struct scr s;
	scr_init(&s, 403);
	s.cfg.nodelay = true;
	accept_confirmed(&s, 2);
	assert_int_equal(send_on(&s, 2, "to-2"), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 2);
	scr_feed_sack(&s, s.our_itsn, 65536, NULL, 0);
	assert_int_equal(send_on(&s, -1, "primary"), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 0);
	scr_feed_sack(&s, s.our_itsn + 1, 65536, NULL, 0);
	/* Three messages, three destinations, in order. */
	assert_int_equal(send_on(&s, 1, "to-1"), 0);
	assert_int_equal(send_on(&s, 0, "to-0"), 0);
	assert_int_equal(send_on(&s, 7, "bad index: primary"), 0);
	scr_expect_npkts(&s, 2);
	assert_int_equal(s.out[0].ti.path, 1);
	assert_int_equal(tsn_of(&s.out[0]), s.our_itsn + 2);
	assert_int_equal(s.out[1].ti.path, 0);
	assert_int_equal(scr_nchunks(&s.out[1]), 2);
	scr_free(&s);
}

static void set_primary_moves_new_data_and_reports_it(void **st)
{
	struct scr s;
	scr_init(&s, 404);
	s.cfg.nodelay = true;
	accept_confirmed(&s, 1);
	assert_int_equal(usctp_assoc_set_primary(s.a, 5), USCTP_ERR_NOT_FOUND);
	assert_int_equal(usctp_assoc_set_primary(s.a, 1), 0);
	mh_expect_addr_event(&s, 1, USCTP_ADDR_MADE_PRIMARY);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.primary, 1);
	assert_int_equal(scr_send_msg(&s, 0, "x", 1), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 1);
	struct usctp_addr a1 = mh_addr(&s, 1), unknown = mh_addr(&s, 9);
	assert_int_equal(usctp_assoc_find_path(s.a, &a1), 1);
	assert_int_equal(usctp_assoc_find_path(s.a, &s.peer), 0);
	assert_int_equal(usctp_assoc_find_path(s.a, &unknown), USCTP_ERR_NOT_FOUND);
	scr_free(&s);
}

static void retransmissions_fail_over_and_traffic_returns_to_primary(void **st)
{
	struct scr s;
	scr_init(&s, 405);
	s.cfg.nodelay = true;
	s.cfg.path_max_retrans = 1;
	s.cfg.hb_interval_ms = 0;
	accept_confirmed(&s, 1);
	uint32_t t0 = s.our_itsn;
	assert_int_equal(scr_send_msg(&s, 0, "one", 3), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 0);
	/* T3 on the primary: the retransmission goes to the alternate (6.4.1). */
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 1);
	assert_int_equal(tsn_of(&s.out[0]), t0);
	assert_int_equal(mh_path(&s, 0).error_count, 1);
	assert_true(mh_path(&s, 0).active);
	scr_feed_sack(&s, t0, 65536, NULL, 0);
	/* The primary is still active: new data goes there. */
	assert_int_equal(scr_send_msg(&s, 0, "two", 3), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 0);
	/* Its T3 (RTO backed off to 2 s) exceeds Path.Max.Retrans = 1. */
	scr_run_until(&s, s.now + MS(2000));
	/* The retransmission to the alternate, and a HEARTBEAT probing the
	 * failed primary (heartbeats are off, but a failed path is probed). */
	scr_expect_npkts(&s, 2);
	unsigned di = scr_chunk(&s.out[0], 0).type == USCTP_CHUNK_DATA ? 0 : 1;
	assert_int_equal(s.out[di].ti.path, 1);
	assert_int_equal(tsn_of(&s.out[di]), t0 + 1);
	scr_assert_types(&s.out[1 - di], USCTP_CHUNK_HEARTBEAT, -1);
	assert_int_equal(s.out[1 - di].ti.path, 0);
	assert_false(mh_path(&s, 0).active);
	mh_expect_addr_event(&s, 0, USCTP_ADDR_UNREACHABLE);
	scr_feed_sack(&s, t0 + 1, 65536, NULL, 0);
	/* New data fails over to the active alternate. */
	assert_int_equal(scr_send_msg(&s, 0, "three", 5), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 1);
	scr_feed_sack(&s, t0 + 2, 65536, NULL, 0);
	/* The failed primary is still probed; an answer brings traffic back. */
	assert_int_equal(run_to_hb_on(&s, 0), 1);
	assert_int_equal(mh_answer_hb(&s, &s.out[0], false), 0);
	mh_expect_addr_event(&s, 0, USCTP_ADDR_AVAILABLE);
	assert_true(mh_path(&s, 0).active);
	assert_int_equal(scr_send_msg(&s, 0, "four", 4), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 0);
	assert_int_equal(tsn_of(&s.out[0]), t0 + 3);
	mh_expect_no_event(&s);
	scr_free(&s);
}

static void peer_udp_port_is_learnt_per_path(void **st)
{
	struct scr s;
	scr_init(&s, 406);
	accept_confirmed(&s, 1);
	assert_int_equal(mh_path(&s, 1).addr.udp_port, s.peer.udp_port);
	struct usctp_addr saved = s.peer;
	s.peer = mh_addr(&s, 1);
	s.peer.udp_port = 7777; /* a NAT rebinding on that path */
	uint8_t info[8] = {1, 2, 3, 4, 5, 6, 7, 8}, v[12];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, v, sizeof(v));
	assert_int_equal(usctp_build_param(&w, USCTP_PARAM_HEARTBEAT_INFO, info, sizeof(info)), 0);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_HEARTBEAT, 0, v, w.len), 0);
	s.peer = saved;
	assert_int_equal(mh_path(&s, 1).addr.udp_port, 7777);
	assert_int_equal(mh_path(&s, 0).addr.udp_port, saved.udp_port);
	/* A packet with a wrong tag teaches nothing. */
	s.peer = mh_addr(&s, 1);
	s.peer.udp_port = 8888;
	scr_feed_chunk(&s, s.our_tag ^ 1, USCTP_CHUNK_HEARTBEAT, 0, v, w.len);
	s.peer = saved;
	assert_int_equal(mh_path(&s, 1).addr.udp_port, 7777);
	scr_free(&s);
}

static void active_side_takes_init_ack_addresses_unconfirmed(void **st)
{
	struct scr s;
	scr_init(&s, 407);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	struct usctp_addr extra = mh_addr(&s, 5);
	assert_int_equal(usctp_assoc_add_peer_addr(s.a, &extra), 0); /* given by the user: confirmed */
	scr_expect_npkts(&s, 1);
	struct usctp_init_chunk init;
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(usctp_init_parse(&c, &init), 0);
	s.our_tag = init.init_tag;
	s.our_itsn = init.initial_tsn;
	uint8_t buf[SCR_PKT_MAX], pb[128];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "COOKIE", 6);
	struct usctp_addr a1 = mh_addr(&s, 1);
	usctp_build_param_ipaddr(&p, &a1.ip);
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s.peer_tag, s.peer_rwnd, s.peer_os, s.peer_mis, s.peer_tsn,
			 p.buf, p.len);
	s.now += MS(10);
	assert_int_equal(scr_feed(&s, &w), 0);
	scr_expect_npkts(&s, 1); /* COOKIE ECHO, to the address the INIT went to */
	assert_int_equal(s.out[0].ti.path, 0);
	s.now += MS(10);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_COOKIE_ACK, 0, NULL, 0);
	scr_expect_event(&s, USCTP_EV_COMM_UP);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.num_paths, 3);
	assert_true(mh_path(&s, 0).confirmed);
	assert_true(mh_path(&s, 1).confirmed);
	assert_false(mh_path(&s, 2).confirmed);
	assert_memory_equal(mh_path(&s, 2).addr.ip.bytes, a1.ip.bytes, 4);
	mh_expect_addr_event(&s, 5, USCTP_ADDR_ADDED);
	mh_expect_addr_event(&s, 1, USCTP_ADDR_ADDED);
	mh_expect_no_event(&s);
	/* The unconfirmed one is probed. */
	assert_int_equal(run_to_hb_on(&s, 2), 1);
	scr_free(&s);
}

static void dead_secondary_path_probing_does_not_end_an_idle_association(void **st)
{
	struct scr s;
	scr_init(&s, 408);
	s.cfg.path_max_retrans = 1;
	s.cfg.assoc_max_retrans = 2;
	accept_confirmed(&s, 1);
	/* Path 1 dies: with heartbeats off it is not probed until something
	 * fails it; make it fail through T3 of data addressed to it. */
	struct usctp_send_params p = {.sid = 0, .path = 1};
	struct usctp_msg *m = usctp_msg_new("x", 1);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 1);
	/* Two T3s (the retransmissions go to path 0, and are acked there). */
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 0);
	scr_feed_sack(&s, s.our_itsn, 65536, NULL, 0);
	/* Path 1 still active (1 error): probe it down via an unanswered data send. */
	m = usctp_msg_new("y", 1);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	scr_expect_npkts(&s, 1);
	assert_int_equal(s.out[0].ti.path, 1);
	scr_run_until(&s, s.now + MS(2000));
	scr_flush(&s);
	scr_feed_sack(&s, s.our_itsn + 1, 65536, NULL, 0);
	assert_false(mh_path(&s, 1).active);
	mh_expect_addr_event(&s, 1, USCTP_ADDR_UNREACHABLE);
	/* Now it is probed for ever, unanswered: ten probes, far more than
	 * Association.Max.Retrans, and the association lives on (path 0 works). */
	unsigned probes = 0;
	for (int i = 0; i < 200 && probes < 10; i++) {
		uint64_t t = scr_expiry(&s);
		assert_true(t != USCTP_TIME_NEVER);
		scr_run_until(&s, t);
		unsigned n = scr_flush(&s);
		for (unsigned k = 0; k < n; k++)
			if (s.out[k].ti.path == 1)
				probes++;
	}
	assert_int_equal(probes, 10);
	assert_false(usctp_assoc_is_dead(s.a));
	assert_true(mh_path(&s, 0).active);
	mh_expect_no_event(&s);
	scr_free(&s);
}

static void path_flight_is_exact_after_abandonment(void **st)
{
	struct scr s;
	scr_init(&s, 409);
	s.cfg.nodelay = true;
	s.cfg.pr_sctp = true;
	struct usctp_wbuf w;
	uint8_t ext[1] = {USCTP_CHUNK_FORWARD_TSN};
	usctp_wbuf_init(&w, s.init_params, sizeof(s.init_params));
	usctp_build_param(&w, USCTP_PARAM_FORWARD_TSN_SUPPORTED, NULL, 0);
	usctp_build_param_supported_ext(&w, ext, 1);
	s.init_params_len = w.len;
	mh_accept(&s, 0);
	struct usctp_send_params p = {.sid = 0, .pr_policy = USCTP_PR_TTL, .pr_value = 50, .path = -1};
	struct usctp_msg *m = usctp_msg_new("ttl-ttl-ttl", 11);
	assert_int_equal(usctp_assoc_send(s.a, &p, m, s.now), 0);
	usctp_msg_unref(m);
	scr_expect_npkts(&s, 1);
	assert_int_equal(mh_path(&s, 0).flight, 16 + 12);
	/* The lifetime ends before any SACK or T3: the flight drops at once. */
	scr_run_until(&s, s.now + MS(50));
	assert_int_equal(mh_path(&s, 0).flight, 0);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_SEND_FAILED);
	assert_true(ev.sent);
	usctp_event_clear(&ev);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unconfirmed_address_is_probed_and_gets_no_data),
	    cmocka_unit_test(probes_are_limited_to_one_per_rto),
	    cmocka_unit_test(addr_over_sends_to_the_named_confirmed_path),
	    cmocka_unit_test(set_primary_moves_new_data_and_reports_it),
	    cmocka_unit_test(retransmissions_fail_over_and_traffic_returns_to_primary),
	    cmocka_unit_test(peer_udp_port_is_learnt_per_path),
	    cmocka_unit_test(active_side_takes_init_ack_addresses_unconfirmed),
	    cmocka_unit_test(dead_secondary_path_probing_does_not_end_an_idle_association),
	    cmocka_unit_test(path_flight_is_exact_after_abandonment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
