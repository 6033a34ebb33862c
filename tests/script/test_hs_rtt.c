/*
 * Scripted tests: the passive side measures the round trip of its handshake
 * (RFC 9260 6.3.1): from the INIT ACK it sent (the State Cookie says when)
 * to the COOKIE ECHO, unless that COOKIE ECHO may have been a
 * retransmission (Karn's rule: a sample longer than RTO.Initial is not taken).
 */
#include <string.h>

#include "lib_script.h"

static struct usctp_path_status path0(const struct scr *s)
{
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(s->a, 0, &ps), 0);
	return ps;
}

static void the_handshake_round_trip_is_the_first_rtt_sample(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 1);
	s.cfg.rto_initial_ms = 1000;
	s.cfg.rto_min_ms = 10;
	scr_accept_after(&s, MS(40));
	struct usctp_path_status ps = path0(&s);
	assert_int_equal(ps.srtt_ms, 40);
	/* C2: RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 120 ms instead of 1 s. */
	assert_int_equal(ps.rto_ms, 120);
	scr_free(&s);
}

static void a_cookie_echo_later_than_rto_initial_gives_no_sample(void **st)
{
	(void)st;
	struct scr s;
	scr_init(&s, 2);
	s.cfg.rto_initial_ms = 1000;
	s.cfg.rto_min_ms = 10;
	scr_accept_after(&s, MS(1500)); /* perhaps the peer's second COOKIE ECHO */
	struct usctp_path_status ps = path0(&s);
	assert_int_equal(ps.srtt_ms, 0);
	assert_int_equal(ps.rto_ms, 1000);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_handshake_round_trip_is_the_first_rtt_sample),
	    cmocka_unit_test(a_cookie_echo_later_than_rto_initial_gives_no_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
