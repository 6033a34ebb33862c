/*
 * Scripted tests: source addresses. A path is the pair (our source address,
 * the peer's address), RFC 9260 1.3: the association sends every packet of
 * a path from one address of its own that the peer knows, learnt from where
 * the peer reached it (announced none: bound to the wildcard) or chosen
 * among the addresses it announced (scope first, then the routes).
 */
#include <string.h>

#include "lib_mh.h"

/* Path i sends from want. */
static bool local_is(const struct scr *s, unsigned i, const struct usctp_ipaddr *want)
{
	struct usctp_path_status ps = mh_path(s, i);
	return usctp_ip_eq(&ps.local, want);
}

/* A DATA packet from the script's address, sent to our address to. */
static int feed_data_at(struct scr *s, const struct usctp_ipaddr *to, const char *msg)
{
	uint8_t buf[SCR_PKT_MAX];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), s->our_tag);
	assert_int_equal(usctp_build_data(&w, USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E | USCTP_DATA_FLAG_U,
					  s->peer_tsn++, 0, 0, 0, msg, strlen(msg)),
			 0);
	usctp_build_finish(&w);
	return usctp_assoc_read_pkt_at(s->a, &s->peer, to, w.buf, w.len, s->now);
}

/* Every packet written now: its source and path. */
static void expect_sources(struct scr *s, const struct usctp_ipaddr *want_for_path, unsigned npaths)
{
	unsigned n = scr_flush(s);
	assert_true(n > 0);
	for (unsigned k = 0; k < n; k++) {
		int p = s->out[k].ti.path;
		assert_true(p >= 0 && (unsigned)p < npaths);
		assert_true(usctp_ip_eq(&s->out[k].ti.src, &want_for_path[p]));
	}
}

static void announced_none_every_path_sends_from_where_the_peer_reached_us(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 1);
	mh_accept(&s, 2); /* the peer announces 10.0.1.2 and 10.0.2.2 too */
	/* Nothing learnt yet (the COOKIE ECHO came without its arrival address). */
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(mh_path(&s, i).local.family, 0);
	struct usctp_ipaddr me = scr_ip4(192, 0, 2, 7);
	assert_int_equal(feed_data_at(&s, &me, "hello"), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_true(local_is(&s, i, &me));
	/* The SACK and the probes of the other two addresses all leave from it. */
	scr_advance(&s, MS(300));
	struct usctp_ipaddr want[3] = {me, me, me};
	expect_sources(&s, want, 3);
	/* An address added later gets it at once. */
	struct usctp_addr more = mh_addr(&s, 3);
	assert_int_equal(usctp_assoc_add_peer_addr(s.a, &more), 0);
	assert_true(local_is(&s, 3, &me));
	scr_free(&s);
}

static void a_peer_address_no_source_of_ours_can_reach_is_never_sent_to(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 2);
	mh_accept(&s, 0);
	struct usctp_ipaddr me = scr_ip4(192, 0, 2, 7);
	assert_int_equal(feed_data_at(&s, &me, "x"), 0);
	struct usctp_addr six = {.udp_port = 9899};
	six.ip.family = 6;
	six.ip.bytes[0] = 0xfd;
	six.ip.bytes[15] = 2;
	assert_int_equal(usctp_assoc_add_peer_addr(s.a, &six), 0);
	/* No IPv6 address of ours is known to the peer: a source the network
	 * picked would be a stranger to it (it answers ABORT, as usrsctp
	 * does), so the address is never sent to, not even probed. */
	assert_int_equal(mh_path(&s, 1).local.family, 0);
	assert_false(mh_path(&s, 1).active);
	assert_true(local_is(&s, 0, &me));
	/* An IPv6 link-local address is not reachable without its interface. */
	struct usctp_addr ll = six;
	ll.ip.bytes[0] = 0xfe;
	ll.ip.bytes[1] = 0x80;
	assert_int_equal(usctp_assoc_add_peer_addr(s.a, &ll), 0);
	assert_false(mh_path(&s, 2).active);
	for (int i = 0; i < 40; i++) {
		scr_advance(&s, MS(500));
		unsigned n = scr_flush(&s);
		for (unsigned k = 0; k < n; k++)
			assert_int_equal(s.out[k].ti.path, 0);
	}
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	scr_free(&s);
}

/* A route table for the test: 10.0.1.0/24 leaves from 10.0.1.1, 10.0.2.0/24
 * from an address the association did not announce, the rest from nothing. */
static int fake_routes(void *ctx, const struct usctp_ipaddr *dst, struct usctp_ipaddr *src)
{
	unsigned *calls = ctx;
	(*calls)++;
	if (dst->family == 4 && dst->bytes[0] == 10 && dst->bytes[2] == 1) {
		*src = scr_ip4(10, 0, 1, 1);
		return 0;
	}
	if (dst->family == 4 && dst->bytes[0] == 10 && dst->bytes[2] == 2) {
		*src = scr_ip4(172, 16, 0, 1);
		return 0;
	}
	return USCTP_ERR_NOT_FOUND;
}

static void announced_addresses_are_chosen_by_route_then_by_scope(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 3);
	unsigned calls = 0;
	s.cfg.local_addrs[0] = scr_ip4(192, 0, 2, 10);
	s.cfg.local_addrs[1] = scr_ip4(127, 0, 0, 1);
	s.cfg.local_addrs[2] = scr_ip4(10, 0, 1, 1);
	s.cfg.num_local_addrs = 3;
	s.cfg.route_src = fake_routes;
	s.cfg.route_ctx = &calls;
	mh_accept(&s, 2);
	/* 10.0.0.2: no route answer, the first global address. */
	struct usctp_ipaddr g = scr_ip4(192, 0, 2, 10), r1 = scr_ip4(10, 0, 1, 1), lo = scr_ip4(127, 0, 0, 1);
	assert_true(local_is(&s, 0, &g));
	/* 10.0.1.2: the routes' source, which we announced. */
	assert_true(local_is(&s, 1, &r1));
	/* 10.0.2.2: the routes name an address we did not announce (the peer
	 * would not know it): the first global one instead. */
	assert_true(local_is(&s, 2, &g));
	assert_int_equal(calls, 3);
	/* A loopback peer address gets the loopback source by scope. */
	struct usctp_addr lop = {.ip = scr_ip4(127, 0, 0, 9), .udp_port = 9899};
	assert_int_equal(usctp_assoc_add_peer_addr(s.a, &lop), 0);
	assert_true(local_is(&s, 3, &lo));
	scr_free(&s);
}

static void the_address_the_peer_used_wins_until_data_flows(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 4);
	struct usctp_ipaddr a1 = scr_ip4(192, 0, 2, 10), a2 = scr_ip4(192, 0, 2, 11), other = scr_ip4(10, 7, 7, 7);
	s.cfg.local_addrs[0] = a1;
	s.cfg.local_addrs[1] = a2;
	s.cfg.num_local_addrs = 2;
	mh_accept(&s, 0);
	assert_true(local_is(&s, 0, &a1)); /* by rule: the first */
	/* A packet to an address we never announced teaches nothing. */
	assert_int_equal(feed_data_at(&s, &other, "a"), 0);
	assert_true(local_is(&s, 0, &a1));
	/* The peer talks to a2: before any data of ours, the path takes it. */
	assert_int_equal(feed_data_at(&s, &a2, "b"), 0);
	assert_true(local_is(&s, 0, &a2));
	/* Learnt once: a later packet to a1 does not move it back. */
	assert_int_equal(feed_data_at(&s, &a1, "b2"), 0);
	assert_true(local_is(&s, 0, &a2));
	scr_advance(&s, MS(300));
	struct usctp_ipaddr want[1] = {a2};
	expect_sources(&s, want, 1);
	/* Once data went out from a2 the route is fixed (RFC 9260 7.2.5.2:
	 * a new source would be a new route, with congestion state reset). */
	assert_int_equal(scr_send_msg(&s, 0, "data", 4), 0);
	expect_sources(&s, want, 1);
	assert_int_equal(feed_data_at(&s, &other, "c"), 0);
	assert_true(local_is(&s, 0, &a2));
	scr_free(&s);
}

static void an_active_open_from_an_announced_address_sends_its_init_from_it(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 5);
	struct usctp_ipaddr a1 = scr_ip4(192, 0, 2, 10);
	s.cfg.local_addrs[0] = a1;
	s.cfg.num_local_addrs = 1;
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	assert_non_null(s.a);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_INIT, -1);
	assert_true(usctp_ip_eq(&s.out[0].ti.src, &a1));
	assert_true(local_is(&s, 0, &a1));
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(announced_none_every_path_sends_from_where_the_peer_reached_us),
	    cmocka_unit_test(a_peer_address_no_source_of_ours_can_reach_is_never_sent_to),
	    cmocka_unit_test(announced_addresses_are_chosen_by_route_then_by_scope),
	    cmocka_unit_test(the_address_the_peer_used_wins_until_data_flows),
	    cmocka_unit_test(an_active_open_from_an_announced_address_sends_its_init_from_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
