/*
 * Scripted tests: addresses that are never destinations. RFC 9260 8.4 rule 1
 * discards out-of-the-blue packets to or from non-unicast addresses; an INIT
 * that lists a multicast, broadcast or unspecified address must not make us
 * send to it (heartbeats to a multicast group would be a reflector).
 */
#include <string.h>

#include "lib_mh.h"

static void address_classes_unicast_loopback_unspecified_and_equality(void **st)
{
	(void)st;
	struct usctp_ipaddr yes[] = {scr_ip4(10, 0, 0, 1), scr_ip4(127, 0, 0, 1), scr_ip4(223, 255, 255, 254),
				     scr_ip4(192, 168, 1, 255), /* a subnet broadcast cannot be told */
				     scr_ip6(0x20, 1), scr_ip6(0, 1), scr_ip6(0xfe, 1)};
	struct usctp_ipaddr no[] = {scr_ip4(224, 0, 0, 5), scr_ip4(239, 1, 2, 3), scr_ip4(255, 255, 255, 255),
				    scr_ip4(0, 0, 0, 0), scr_ip6(0xff, 1), scr_ip6(0, 0)};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(usctp_ip_is_unicast(&yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(usctp_ip_is_unicast(&no[i]));
	struct usctp_ipaddr none;
	memset(&none, 0, sizeof(none));
	assert_false(usctp_ip_is_unicast(&none)); /* no family */
	/* The other classes the rules use, and equality by family and bytes. */
	struct usctp_ipaddr lo4 = scr_ip4(127, 0, 0, 9), lo6 = scr_ip6(0, 1), any4 = scr_ip4(0, 0, 0, 0);
	assert_true(usctp_ip_is_loopback(&lo4) && usctp_ip_is_loopback(&lo6));
	assert_false(usctp_ip_is_loopback(&yes[0]) || usctp_ip_is_loopback(&yes[4]));
	assert_true(usctp_ip_is_any(&any4) && usctp_ip_is_any(&no[5]));
	assert_false(usctp_ip_is_any(&yes[0]) || usctp_ip_is_any(&lo6));
	struct usctp_ipaddr lo4b = lo4;
	lo4b.bytes[8] = 0x77; /* beyond an IPv4 address: not compared */
	assert_true(usctp_ip_eq(&lo4, &lo4b));
	assert_false(usctp_ip_eq(&lo4, &yes[1]));
	struct usctp_ipaddr six_as_four = lo6;
	six_as_four.family = 4;
	assert_false(usctp_ip_eq(&lo6, &six_as_four));
}

static void an_init_listing_non_unicast_addresses_gets_paths_only_to_unicast_ones(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 1);
	struct usctp_ipaddr listed[] = {scr_ip4(224, 0, 0, 5), scr_ip4(255, 255, 255, 255), scr_ip4(0, 0, 0, 0),
					scr_ip6(0xff, 2)};
	struct usctp_wbuf p;
	usctp_wbuf_init(&p, s.init_params, sizeof(s.init_params));
	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
		assert_int_equal(usctp_build_param_ipaddr(&p, &listed[i]), 0);
	s.init_params_len = p.len;
	/* mh_accept lists 10.0.1.2 after those and checks there are exactly
	 * two paths (the INIT's source and 10.0.1.2) with one ADDED event. */
	mh_accept(&s, 1);
	struct usctp_path_status ps = mh_path(&s, 1);
	struct usctp_addr want = mh_addr(&s, 1);
	assert_memory_equal(ps.addr.ip.bytes, want.ip.bytes, 4);
	/* Whatever the association sends for a while goes to those two only. */
	for (int i = 0; i < 20; i++) {
		scr_advance(&s, MS(500));
		unsigned n = scr_flush(&s);
		for (unsigned k = 0; k < n; k++)
			assert_true(usctp_ip_is_unicast(&s.out[k].ti.dst.ip));
	}
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(address_classes_unicast_loopback_unspecified_and_equality),
	    cmocka_unit_test(an_init_listing_non_unicast_addresses_gets_paths_only_to_unicast_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
