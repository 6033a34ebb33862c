/* Scripted tests: association setup (RFC 9260 5.1-5.3). */
#include <string.h>

#include "lib_script.h"

static void active_open_completes_with_comm_up(void **st)
{
	struct scr s;
	scr_init(&s, 1);
	scr_connect(&s);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.state, USCTP_ESTABLISHED);
	assert_int_equal(as.peer_vtag, s.peer_tag);
	assert_int_equal(as.outstreams, 10);
	assert_int_equal(as.instreams, 10);
	assert_int_equal(as.peer_rwnd, s.peer_rwnd);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	/* The INIT / INIT ACK round trip (10 ms) was the first RTT sample. */
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(s.a, 0, &ps), 0);
	assert_int_equal(ps.srtt_ms, 10);
	assert_true(ps.confirmed);
	scr_free(&s);
}

static void unrecognized_init_ack_param_reported_in_error_after_cookie_echo(void **st)
{
	struct scr s;
	scr_init(&s, 17);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	s.our_tag = usctp_assoc_local_vtag(s.a);
	uint8_t buf[256], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "CK", 2);
	usctp_build_param(&p, 0x4321, "ab", 2); /* 01: stop and report */
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s.peer_tag, 5000, 5, 5, 77, p.buf, p.len);
	scr_feed(&s, &w);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ECHO, USCTP_CHUNK_ERROR, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 1);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_UNRECOGNIZED_PARAMS);
	assert_int_equal(usctp_get16(c.value + 4), 0x4321);
	scr_free(&s);
}

static void passive_open_keeps_no_state_until_cookie_echo(void **st)
{
	struct scr s;
	scr_init(&s, 2);
	scr_accept(&s);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.peer_vtag, s.peer_tag);
	assert_int_equal(as.my_vtag, s.our_tag);
	scr_free(&s);
}

static void init_carries_supported_types_fwd_tsn_and_adaptation(void **st)
{
	struct scr s;
	scr_init(&s, 3);
	s.cfg.pr_sctp = true;
	s.cfg.has_adaptation = true;
	s.cfg.adaptation_ind = 0xabcdef01;
	s.cfg.num_local_addrs = 1;
	s.cfg.local_addrs[0].family = 4;
	s.cfg.local_addrs[0].bytes[0] = 192;
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_expect_npkts(&s, 1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_init_chunk init;
	struct usctp_init_params ip;
	assert_int_equal(usctp_init_parse(&c, &init), 0);
	assert_int_equal(usctp_init_params_parse(init.params, init.params_len, &ip), 0);
	assert_true(ip.has_supported_addr_types);
	assert_true(ip.forward_tsn);
	assert_true(usctp_init_params_has_ext(&ip, USCTP_CHUNK_FORWARD_TSN));
	assert_true(ip.has_adaptation);
	assert_int_equal(ip.adaptation_ind, 0xabcdef01);
	assert_int_equal(ip.num_addrs, 1);
	assert_int_equal(init.a_rwnd, s.cfg.rcvbuf);
	assert_int_equal(init.num_ostreams, 10);
	assert_int_equal(init.num_istreams, 10);
	assert_int_equal(usctp_assoc_get_expiry(s.a), SCR_T0 + MS(1000));
	scr_free(&s);
}

static void t1_init_backs_off_then_cant_start(void **st)
{
	struct scr s;
	scr_init(&s, 4);
	s.cfg.max_init_retrans = 4;
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_expect_npkts(&s, 1);
	uint64_t t = SCR_T0, rto = MS(1000);
	for (unsigned i = 0; i < 4; i++) {
		t += rto;
		assert_int_equal(scr_expiry(&s), t);
		scr_run_until(&s, t);
		scr_expect_npkts(&s, 1);
		scr_assert_types(&s.out[0], USCTP_CHUNK_INIT, -1);
		rto *= 2;
	}
	t += rto;
	assert_int_equal(scr_expiry(&s), t);
	scr_run_until(&s, t);
	scr_expect_event(&s, USCTP_EV_CANT_START);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_expect_npkts(&s, 0);
	assert_int_equal(usctp_assoc_stats(s.a)->t1_timeouts, 5);
	scr_free(&s);
}

static void t1_rto_capped_at_rto_max(void **st)
{
	struct scr s;
	scr_init(&s, 5);
	s.cfg.rto_max_ms = 3000;
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	uint64_t t = SCR_T0;
	uint64_t want[] = {1000, 2000, 3000, 3000};
	for (unsigned i = 0; i < 4; i++) {
		t += MS(want[i]);
		assert_int_equal(scr_expiry(&s), t);
		scr_run_until(&s, t);
		scr_expect_npkts(&s, 1);
	}
	scr_free(&s);
}

static void t1_cookie_retransmits_cookie_echo(void **st)
{
	struct scr s;
	scr_init(&s, 6);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	s.our_tag = usctp_assoc_local_vtag(s.a);
	uint8_t buf[256], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "CK", 2);
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s.peer_tag, 5000, 5, 5, 77, p.buf, p.len);
	s.now += MS(100);
	scr_feed(&s, &w);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ECHO, -1);
	/* RTO after one 100 ms sample: srtt 100, rttvar 50, rto = max(1 s, 300 ms) = 1 s */
	assert_int_equal(scr_expiry(&s), s.now + MS(1000));
	scr_run_until(&s, s.now + MS(1000));
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ECHO, -1);
	assert_int_equal(scr_expiry(&s), s.now + MS(2000));
	scr_free(&s);
}

static void data_queued_before_establishment_rides_with_cookie_echo(void **st)
{
	struct scr s;
	scr_init(&s, 7);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	assert_int_equal(scr_send_msg(&s, 1, "hello", 5), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_INIT, -1);
	s.our_tag = usctp_assoc_local_vtag(s.a);
	uint8_t buf[256], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "CK", 2);
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s.peer_tag, 5000, 5, 5, 77, p.buf, p.len);
	scr_feed(&s, &w);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ECHO, USCTP_CHUNK_DATA, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 1);
	struct usctp_data_chunk d;
	assert_int_equal(usctp_data_parse(&c, &d), 0);
	assert_int_equal(d.sid, 1);
	assert_int_equal(d.payload_len, 5);
	scr_free(&s);
}

static void passive_side_takes_data_bundled_after_cookie_echo(void **st)
{
	struct scr s;
	scr_init(&s, 8);
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 500, NULL, 0);
	assert_int_equal(
	    usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na),
	    USCTP_OOTB_REPLY);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	usctp_init_parse(&c, &ia);
	usctp_init_params_parse(ia.params, ia.params_len, &ip);
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), ia.init_tag);
	usctp_build_cookie_echo(&w, ip.cookie, ip.cookie_len);
	usctp_build_data(&w, USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E, 500, 0, 0, 42, "abc", 3);
	usctp_build_finish(&w);
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, w.buf, w.len, s.now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_NEW_ASSOC);
	s.a = na;
	s.our_tag = ia.init_tag;
	/* COOKIE ACK first; the SACK may wait (one packet of DATA). */
	scr_expect_npkts(&s, 1);
	struct usctp_chunk c0 = scr_chunk(&s.out[0], 0);
	assert_int_equal(c0.type, USCTP_CHUNK_COOKIE_ACK);
	scr_expect_event(&s, USCTP_EV_COMM_UP);
	char rb[16];
	struct usctp_rcvinfo ri;
	bool eor;
	assert_int_equal(usctp_assoc_recv(s.a, rb, sizeof(rb), &ri, &eor, s.now), 3);
	assert_true(eor);
	assert_int_equal(ri.ppid, 42);
	assert_memory_equal(rb, "abc", 3);
	scr_free(&s);
}

static void cookie_with_bad_mac_is_dropped_silently(void **st)
{
	struct scr s;
	scr_init(&s, 9);
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 500, NULL, 0);
	usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	usctp_init_parse(&c, &ia);
	usctp_init_params_parse(ia.params, ia.params_len, &ip);
	uint8_t ck[512];
	memcpy(ck, ip.cookie, ip.cookie_len);
	ck[20] ^= 1; /* flip a bit of the tag inside */
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), ia.init_tag);
	usctp_build_cookie_echo(&w, ck, ip.cookie_len);
	usctp_build_finish(&w);
	rlen = 0;
	int r = usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, w.buf, w.len, s.now, reply, sizeof(reply),
					   &rlen, &na);
	assert_int_equal(r, USCTP_ERR_AUTH);
	assert_int_equal(rlen, 0);
	assert_null(na);
	/* A cookie made under another key is refused too. */
	struct usctp_cookie_key *other = usctp_cookie_key_new(tu_random_fn, &s.rng, 0, s.now);
	struct usctp_assoc_config c2 = s.cfg;
	c2.cookie_key = other;
	memcpy(ck, ip.cookie, ip.cookie_len);
	scr_begin(&w, in, sizeof(in), ia.init_tag);
	usctp_build_cookie_echo(&w, ck, ip.cookie_len);
	usctp_build_finish(&w);
	assert_int_equal(usctp_endpoint_handle_ootb(&c2, true, &s.peer, w.buf, w.len, s.now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_ERR_AUTH);
	usctp_cookie_key_del(other);
	scr_free(&s);
}

/* INIT then COOKIE ECHO dt later through the endpoint; returns handle_ootb's result. */
static int echo_after(struct scr *s, uint64_t dt)
{
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(s, in, sizeof(in), s->peer_tag, 500, NULL, 0);
	assert_int_equal(usctp_endpoint_handle_ootb(&s->cfg, true, &s->peer, in, n, s->now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_REPLY);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	usctp_init_parse(&c, &ia);
	usctp_init_params_parse(ia.params, ia.params_len, &ip);
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), ia.init_tag);
	usctp_build_cookie_echo(&w, ip.cookie, ip.cookie_len);
	usctp_build_finish(&w);
	int r = usctp_endpoint_handle_ootb(&s->cfg, true, &s->peer, w.buf, w.len, s->now + dt, reply,
					   sizeof(reply), &rlen, &na);
	if (na)
		usctp_assoc_del(na);
	return r;
}

static int rotation_case(uint64_t made_at, uint64_t echoed_after)
{
	struct scr s;
	scr_init(&s, 18);
	usctp_cookie_key_del(s.key);
	s.key = usctp_cookie_key_new(tu_random_fn, &s.rng, MS(10000), s.now);
	s.cfg.cookie_key = s.key;
	s.cfg.valid_cookie_life_ms = 120000;
	s.now += made_at;
	int r = echo_after(&s, echoed_after);
	scr_free(&s);
	return r;
}

static void cookie_secret_rotation_keeps_previous_secret_one_period(void **st)
{
	/* Secrets change at 10 s, 20 s, 30 s... */
	assert_int_equal(rotation_case(0, MS(15000)), USCTP_OOTB_NEW_ASSOC); /* made under #1, #2 current */
	assert_int_equal(rotation_case(MS(15000), MS(10000)), USCTP_OOTB_NEW_ASSOC); /* #2, #3 current */
	assert_int_equal(rotation_case(MS(15000), MS(20000)), USCTP_ERR_AUTH);	     /* #2, #4 current */
	assert_int_equal(rotation_case(0, MS(25000)), USCTP_ERR_AUTH);		     /* #1, #3 current */
}

static void stale_cookie_answered_with_error_cause_3(void **st)
{
	struct scr s;
	scr_init(&s, 10);
	s.cfg.valid_cookie_life_ms = 1000;
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 500, NULL, 0);
	usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	usctp_init_parse(&c, &ia);
	usctp_init_params_parse(ia.params, ia.params_len, &ip);
	uint8_t ck[512];
	memcpy(ck, ip.cookie, ip.cookie_len);
	size_t cklen = ip.cookie_len;
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), ia.init_tag);
	usctp_build_cookie_echo(&w, ck, cklen);
	usctp_build_finish(&w);
	/* 1 s lifetime, echoed 1.5 s later: 500 ms = 500000 us stale. */
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, w.buf, w.len, s.now + MS(1500),
						    reply, sizeof(reply), &rlen, &na),
			 USCTP_OOTB_REPLY);
	assert_null(na);
	assert_int_equal(usctp_get32(reply + 4), s.peer_tag);
	usctp_chunk_iter_init(&it, reply, rlen);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	assert_int_equal(c.type, USCTP_CHUNK_ERROR);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_STALE_COOKIE);
	assert_int_equal(usctp_get32(c.value + 4), 500000);
	scr_free(&s);
}

static void cookie_preservative_extends_lifetime(void **st)
{
	struct scr s;
	scr_init(&s, 11);
	s.cfg.valid_cookie_life_ms = 1000;
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX], pb[16];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param_cookie_preservative(&p, 800);
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 500, p.buf, p.len);
	usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	usctp_init_parse(&c, &ia);
	usctp_init_params_parse(ia.params, ia.params_len, &ip);
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), ia.init_tag);
	usctp_build_cookie_echo(&w, ip.cookie, ip.cookie_len);
	usctp_build_finish(&w);
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, w.buf, w.len, s.now + MS(1500),
						    reply, sizeof(reply), &rlen, &na),
			 USCTP_OOTB_NEW_ASSOC);
	s.a = na;
	scr_free(&s);
}

static void initiator_retries_stale_cookie_with_preservative(void **st)
{
	struct scr s;
	scr_init(&s, 12);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	s.our_tag = usctp_assoc_local_vtag(s.a);
	uint8_t buf[256], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "CK", 2);
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s.peer_tag, 5000, 5, 5, 77, p.buf, p.len);
	scr_feed(&s, &w);
	scr_expect_npkts(&s, 1);
	s.now += MS(40);
	uint8_t cb[8];
	struct usctp_wbuf cw;
	usctp_wbuf_init(&cw, cb, sizeof(cb));
	usctp_build_cause_stale_cookie(&cw, 3000);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ERROR, 0, cw.buf, cw.len), 0);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_COOKIE_WAIT);
	scr_expect_no_event(&s);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_INIT, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	struct usctp_init_chunk init;
	struct usctp_init_params ip;
	usctp_init_parse(&c, &init);
	usctp_init_params_parse(init.params, init.params_len, &ip);
	assert_int_equal(ip.cookie_preservative_ms, 40 + 1000);
	scr_free(&s);
}

static void host_name_address_aborted_unresolvable(void **st)
{
	struct scr s;
	scr_init(&s, 13);
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX], pb[32];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_HOST_NAME, "example.org", 12);
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 500, p.buf, p.len);
	assert_int_equal(
	    usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na),
	    USCTP_OOTB_REPLY);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	assert_int_equal(c.type, USCTP_CHUNK_ABORT);
	assert_int_equal(c.flags & USCTP_FLAG_T, 0);
	assert_int_equal(usctp_get32(reply + 4), s.peer_tag);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_UNRESOLVABLE_ADDR);
	scr_free(&s);
}

static void unrecognized_init_param_reported_in_init_ack(void **st)
{
	struct scr s;
	scr_init(&s, 14);
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX], pb[32];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, 0xC123, "xyzw", 4); /* 11: skip and report */
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 500, p.buf, p.len);
	assert_int_equal(
	    usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na),
	    USCTP_OOTB_REPLY);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	usctp_chunk_next(&it, &c);
	struct usctp_init_chunk ia;
	usctp_init_parse(&c, &ia);
	struct usctp_tlv_iter ti;
	struct usctp_tlv t;
	bool found = false;
	usctp_tlv_iter_init(&ti, ia.params, ia.params_len);
	while (usctp_tlv_next(&ti, &t) == 1)
		if (t.type == USCTP_PARAM_UNRECOGNIZED) {
			found = true;
			assert_int_equal(usctp_get16(t.value), 0xC123);
		}
	assert_true(found);
	scr_free(&s);
}

static void init_with_nonzero_vtag_or_zero_tag_dropped(void **st)
{
	struct scr s;
	scr_init(&s, 15);
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 500, NULL, 0);
	usctp_put32(in + 4, 7);
	usctp_pkt_set_checksum(in, n);
	assert_int_equal(
	    usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na),
	    USCTP_OOTB_DROP);
	n = scr_build_init(&s, in, sizeof(in), 0, 500, NULL, 0);
	int r =
	    usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na);
	assert_true(r == USCTP_OOTB_DROP || r < 0);
	assert_null(na);
	scr_free(&s);
}

static void abort_during_setup_is_cant_start(void **st)
{
	struct scr s;
	scr_init(&s, 16);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	s.our_tag = usctp_assoc_local_vtag(s.a);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_ABORT, 0, NULL, 0), 0);
	scr_expect_event(&s, USCTP_EV_CANT_START);
	assert_true(usctp_assoc_is_dead(s.a));
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(active_open_completes_with_comm_up),
	    cmocka_unit_test(passive_open_keeps_no_state_until_cookie_echo),
	    cmocka_unit_test(init_carries_supported_types_fwd_tsn_and_adaptation),
	    cmocka_unit_test(t1_init_backs_off_then_cant_start),
	    cmocka_unit_test(t1_rto_capped_at_rto_max),
	    cmocka_unit_test(t1_cookie_retransmits_cookie_echo),
	    cmocka_unit_test(data_queued_before_establishment_rides_with_cookie_echo),
	    cmocka_unit_test(passive_side_takes_data_bundled_after_cookie_echo),
	    cmocka_unit_test(cookie_with_bad_mac_is_dropped_silently),
	    cmocka_unit_test(stale_cookie_answered_with_error_cause_3),
	    cmocka_unit_test(cookie_secret_rotation_keeps_previous_secret_one_period),
	    cmocka_unit_test(cookie_preservative_extends_lifetime),
	    cmocka_unit_test(initiator_retries_stale_cookie_with_preservative),
	    cmocka_unit_test(host_name_address_aborted_unresolvable),
	    cmocka_unit_test(unrecognized_init_param_reported_in_init_ack),
	    cmocka_unit_test(init_with_nonzero_vtag_or_zero_tag_dropped),
	    cmocka_unit_test(abort_during_setup_is_cant_start),
	    cmocka_unit_test(unrecognized_init_ack_param_reported_in_error_after_cookie_echo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
