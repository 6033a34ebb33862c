/* The cookie key outlives the endpoint that made it: associations hold a reference. */
#include "lib_script.h"

#include <string.h>

/* An accepted association keeps working after its listener's key is dropped:
 * a retransmitted COOKIE ECHO (our COOKIE ACK was lost) is still verified and
 * answered (5.2.4 D), without touching freed memory (ASan). */
static void association_keeps_the_cookie_key_after_the_endpoint_drops_it(void **state)
{
	(void)state;
	struct scr s;
	scr_init(&s, 71);
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX], cookie[SCR_PKT_MAX];
	size_t rlen = 0, clen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, s.peer_tsn, NULL, 0);
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply),
						    &rlen, &na),
			 USCTP_OOTB_REPLY);
	struct usctp_chunk_iter it;
	struct usctp_chunk c;
	usctp_chunk_iter_init(&it, reply, rlen);
	assert_int_equal(usctp_chunk_next(&it, &c), 1);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	assert_int_equal(usctp_init_parse(&c, &ia), 0);
	assert_int_equal(usctp_init_params_parse(ia.params, ia.params_len, &ip), 0);
	clen = ip.cookie_len;
	memcpy(cookie, ip.cookie, clen);
	s.our_tag = ia.init_tag;

	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), s.our_tag);
	assert_int_equal(usctp_build_cookie_echo(&w, cookie, clen), 0);
	usctp_build_finish(&w);
	s.now += MS(10);
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, w.buf, w.len, s.now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_NEW_ASSOC);
	s.a = na;
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	scr_expect_event(&s, USCTP_EV_COMM_UP);

	/* The listener goes away, with its reference to the key. */
	usctp_cookie_key_del(s.key);
	s.key = NULL;
	s.cfg.cookie_key = NULL;

	/* Our COOKIE ACK was lost: the peer echoes the cookie again. */
	s.now += MS(1000);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_COOKIE_ECHO, 0, cookie, clen), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(association_keeps_the_cookie_key_after_the_endpoint_drops_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
