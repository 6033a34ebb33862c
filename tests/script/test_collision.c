/* Scripted tests: unexpected INIT / INIT ACK / COOKIE ECHO / COOKIE ACK (RFC 9260 5.2). */
#include <string.h>

#include "lib_script.h"

/* The INIT ACK in packet p: its Initiate Tag and cookie (copied to ck). */
static uint32_t init_ack_cookie(const struct scr_pkt *p, uint8_t *ck, size_t *cklen)
{
	struct usctp_chunk c = scr_chunk(p, 0);
	assert_int_equal(c.type, USCTP_CHUNK_INIT_ACK);
	struct usctp_init_chunk ia;
	struct usctp_init_params ip;
	assert_int_equal(usctp_init_parse(&c, &ia), 0);
	assert_int_equal(usctp_init_params_parse(ia.params, ia.params_len, &ip), 0);
	assert_non_null(ip.cookie);
	memcpy(ck, ip.cookie, ip.cookie_len);
	*cklen = ip.cookie_len;
	return ia.init_tag;
}

static int feed_init(struct scr *s, uint32_t tag, uint32_t itsn)
{
	uint8_t buf[SCR_PKT_MAX];
	size_t n = scr_build_init(s, buf, sizeof(buf), tag, itsn, NULL, 0);
	return usctp_assoc_read_pkt(s->a, &s->peer, buf, n, s->now);
}

static int feed_cookie_echo(struct scr *s, const struct usctp_addr *from, uint32_t vtag, const uint8_t *ck,
			    size_t len)
{
	uint8_t buf[SCR_PKT_MAX];
	struct usctp_wbuf w;
	scr_begin(&w, buf, sizeof(buf), vtag);
	usctp_build_cookie_echo(&w, ck, len);
	usctp_build_finish(&w);
	return usctp_assoc_read_pkt(s->a, from, w.buf, w.len, s->now);
}

static void init_in_cookie_wait_answered_with_same_tag(void **st)
{
	/* 5.2.1, then 5.2.4 (B): the collision resolves to one association. */
	struct scr s;
	scr_init(&s, 21);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	uint32_t tag = usctp_assoc_local_vtag(s.a);
	uint64_t t1 = scr_expiry(&s);
	assert_int_equal(feed_init(&s, s.peer_tag, 900), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(scr_vtag(&s.out[0]), s.peer_tag);
	uint8_t ck[512];
	size_t cklen;
	assert_int_equal(init_ack_cookie(&s.out[0], ck, &cklen), tag);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_COOKIE_WAIT);
	assert_int_equal(scr_expiry(&s), t1); /* T1-init left running */
	s.now += MS(5);
	assert_int_equal(feed_cookie_echo(&s, &s.peer, tag, ck, cklen), 0);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	scr_expect_event(&s, USCTP_EV_COMM_UP);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	assert_int_equal(scr_vtag(&s.out[0]), s.peer_tag);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	scr_free(&s);
}

static void init_in_cookie_echoed_with_new_address_aborted(void **st)
{
	struct scr s;
	scr_init(&s, 22);
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
	scr_flush(&s);
	/* An INIT listing an address the forming association does not have. */
	struct usctp_ipaddr extra = {.family = 4, .bytes = {10, 9, 9, 9}};
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param_ipaddr(&p, &extra);
	size_t n = scr_build_init(&s, buf, sizeof(buf), 0x5555, 1, p.buf, p.len);
	usctp_assoc_read_pkt(s.a, &s.peer, buf, n, s.now);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ABORT, -1);
	assert_int_equal(scr_vtag(&s.out[0]), 0x5555);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_RESTART_NEW_ADDRS);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_COOKIE_ECHOED);
	scr_free(&s);
}

static void init_when_established_gets_new_tag_and_leaves_state(void **st)
{
	/* 5.2.2 */
	struct scr s;
	scr_init(&s, 23);
	scr_accept(&s);
	assert_int_equal(feed_init(&s, 0x77777777, 5), 0);
	scr_expect_npkts(&s, 1);
	assert_int_equal(scr_vtag(&s.out[0]), 0x77777777);
	uint8_t ck[512];
	size_t cklen;
	uint32_t ntag = init_ack_cookie(&s.out[0], ck, &cklen);
	assert_int_not_equal(ntag, s.our_tag);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	assert_int_equal(usctp_assoc_local_vtag(s.a), s.our_tag);
	scr_expect_no_event(&s);
	scr_free(&s);
}

static void init_when_established_with_new_address_aborted(void **st)
{
	struct scr s;
	scr_init(&s, 24);
	scr_accept(&s);
	struct usctp_addr other = s.peer;
	other.ip.bytes[3] = 99;
	uint8_t buf[SCR_PKT_MAX];
	size_t n = scr_build_init(&s, buf, sizeof(buf), 0x66, 5, NULL, 0);
	usctp_assoc_read_pkt(s.a, &other, buf, n, s.now);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ABORT, -1);
	assert_int_equal(scr_vtag(&s.out[0]), 0x66);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_RESTART_NEW_ADDRS);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	scr_free(&s);
}

static void cookie_echo_case_a_restart(void **st)
{
	struct scr s;
	scr_init(&s, 25);
	scr_accept(&s);
	/* Data in flight before the restart fails. */
	assert_int_equal(scr_send_msg(&s, 0, "old", 3), 0);
	scr_expect_npkts(&s, 1);
	/* The peer restarts: new INIT with a new tag. */
	s.now += MS(50);
	assert_int_equal(feed_init(&s, 0x12121212, 7000), 0);
	scr_expect_npkts(&s, 1);
	uint8_t ck[512];
	size_t cklen;
	uint32_t ntag = init_ack_cookie(&s.out[0], ck, &cklen);
	assert_int_equal(feed_cookie_echo(&s, &s.peer, ntag, ck, cklen), 0);
	scr_expect_event(&s, USCTP_EV_SEND_FAILED);
	struct usctp_event ev = scr_pop_event(&s, USCTP_EV_RESTART);
	assert_int_equal(ev.outbound_streams, 10);
	usctp_event_clear(&ev);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	assert_int_equal(usctp_assoc_local_vtag(s.a), ntag);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	assert_int_equal(scr_vtag(&s.out[0]), 0x12121212);
	/* The new association numbers from the new TSNs. */
	s.our_tag = ntag;
	assert_int_equal(scr_feed_data(&s, 7000, 0, 0, 3, "new", 3), 0);
	assert_int_equal(scr_send_msg(&s, 0, "x", 1), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SACK, USCTP_CHUNK_DATA, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(usctp_get32(c.value), 7000);
	scr_free(&s);
}

static void stale_restart_cookie_answered_with_stale_cookie_error(void **st)
{
	struct scr s;
	scr_init(&s, 33);
	scr_accept(&s);
	assert_int_equal(feed_init(&s, 0x12121212, 7000), 0);
	scr_expect_npkts(&s, 1);
	uint8_t ck[512];
	size_t cklen;
	uint32_t ntag = init_ack_cookie(&s.out[0], ck, &cklen);
	s.now += MS(60000 + 250); /* Valid.Cookie.Life 60 s: 250 ms stale */
	feed_cookie_echo(&s, &s.peer, ntag, ck, cklen);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ERROR, -1);
	assert_int_equal(scr_vtag(&s.out[0]), 0x12121212);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_STALE_COOKIE);
	assert_int_equal(usctp_get32(c.value + 4), 250000);
	scr_expect_no_event(&s);
	assert_int_equal(usctp_assoc_local_vtag(s.a), s.our_tag);
	scr_free(&s);
}

static void cookie_echo_restart_from_new_address_aborted(void **st)
{
	struct scr s;
	scr_init(&s, 26);
	scr_accept(&s);
	assert_int_equal(feed_init(&s, 0x12121212, 7000), 0);
	scr_expect_npkts(&s, 1);
	uint8_t ck[512];
	size_t cklen;
	uint32_t ntag = init_ack_cookie(&s.out[0], ck, &cklen);
	struct usctp_addr other = s.peer;
	other.ip.bytes[3] = 77;
	feed_cookie_echo(&s, &other, ntag, ck, cklen);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ABORT, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_RESTART_NEW_ADDRS);
	assert_int_equal(scr_vtag(&s.out[0]), 0x12121212);
	assert_int_equal(usctp_assoc_local_vtag(s.a), s.our_tag);
	scr_expect_no_event(&s);
	scr_free(&s);
}

static void cookie_echo_case_c_late_cookie_discarded(void **st)
{
	struct scr s;
	scr_init(&s, 27);
	scr_accept(&s);
	/* A cookie for the same peer tag but another local tag, without tie-tags. */
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 1, NULL, 0);
	assert_int_equal(
	    usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na),
	    USCTP_OOTB_REPLY);
	struct scr_pkt p;
	memcpy(p.b, reply, rlen);
	p.len = rlen;
	uint8_t ck[512];
	size_t cklen;
	uint32_t xtag = init_ack_cookie(&p, ck, &cklen);
	feed_cookie_echo(&s, &s.peer, xtag, ck, cklen);
	scr_expect_npkts(&s, 0);
	scr_expect_no_event(&s);
	assert_int_equal(usctp_assoc_local_vtag(s.a), s.our_tag);
	scr_free(&s);
}

static void cookie_echo_case_d_duplicate_answered_with_cookie_ack(void **st)
{
	struct scr s;
	scr_init(&s, 28);
	uint8_t in[SCR_PKT_MAX], reply[SCR_PKT_MAX];
	size_t rlen;
	struct usctp_assoc *na = NULL;
	size_t n = scr_build_init(&s, in, sizeof(in), s.peer_tag, 1, NULL, 0);
	usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, in, n, s.now, reply, sizeof(reply), &rlen, &na);
	struct scr_pkt p;
	memcpy(p.b, reply, rlen);
	p.len = rlen;
	uint8_t ck[512];
	size_t cklen;
	s.our_tag = init_ack_cookie(&p, ck, &cklen);
	struct usctp_wbuf w;
	scr_begin(&w, in, sizeof(in), s.our_tag);
	usctp_build_cookie_echo(&w, ck, cklen);
	usctp_build_finish(&w);
	assert_int_equal(usctp_endpoint_handle_ootb(&s.cfg, true, &s.peer, w.buf, w.len, s.now, reply,
						    sizeof(reply), &rlen, &na),
			 USCTP_OOTB_NEW_ASSOC);
	s.a = na;
	scr_expect_npkts(&s, 1);
	scr_expect_event(&s, USCTP_EV_COMM_UP);
	/* The COOKIE ACK was lost: the same COOKIE ECHO comes again, even past its lifetime. */
	s.now += MS(120000);
	assert_int_equal(feed_cookie_echo(&s, &s.peer, s.our_tag, ck, cklen), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	scr_expect_no_event(&s);
	scr_free(&s);
}

static void cookie_echo_case_d_in_cookie_echoed_establishes(void **st)
{
	/* Both sides sent INIT; our INIT ACK answer's cookie comes back while we are COOKIE-ECHOED. */
	struct scr s;
	scr_init(&s, 29);
	s.a = usctp_assoc_new(&s.cfg, &s.peer, s.now);
	scr_flush(&s);
	s.our_tag = usctp_assoc_local_vtag(s.a);
	uint8_t buf[SCR_PKT_MAX], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "CK", 2);
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, s.peer_tag, 5000, 10, 10, 900, p.buf, p.len);
	scr_feed(&s, &w);
	scr_expect_npkts(&s, 1); /* COOKIE ECHO */
	assert_int_equal(feed_init(&s, s.peer_tag, 900), 0);
	scr_expect_npkts(&s, 1);
	uint8_t ck[512];
	size_t cklen;
	assert_int_equal(init_ack_cookie(&s.out[0], ck, &cklen), s.our_tag);
	assert_int_equal(feed_cookie_echo(&s, &s.peer, s.our_tag, ck, cklen), 0);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_ESTABLISHED);
	scr_expect_event(&s, USCTP_EV_COMM_UP);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_COOKIE_ACK, -1);
	assert_int_equal(scr_expiry(&s), USCTP_TIME_NEVER);
	scr_free(&s);
}

static void unexpected_init_ack_and_cookie_ack_discarded(void **st)
{
	struct scr s;
	scr_init(&s, 30);
	scr_accept(&s);
	uint8_t buf[256], pb[64];
	struct usctp_wbuf w, p;
	usctp_wbuf_init(&p, pb, sizeof(pb));
	usctp_build_param(&p, USCTP_PARAM_STATE_COOKIE, "CK", 2);
	scr_begin(&w, buf, sizeof(buf), s.our_tag);
	usctp_build_init(&w, USCTP_CHUNK_INIT_ACK, 0x999, 5000, 5, 5, 77, p.buf, p.len);
	assert_int_equal(scr_feed(&s, &w), 0);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_COOKIE_ACK, 0, NULL, 0), 0);
	scr_expect_npkts(&s, 0);
	scr_expect_no_event(&s);
	struct usctp_assoc_status as;
	usctp_assoc_get_status(s.a, &as);
	assert_int_equal(as.peer_vtag, s.peer_tag);
	assert_int_equal(as.state, USCTP_ESTABLISHED);
	scr_free(&s);
}

static void init_in_shutdown_ack_sent_resends_shutdown_ack(void **st)
{
	struct scr s;
	scr_init(&s, 31);
	scr_accept(&s);
	uint8_t v[4];
	usctp_put32(v, s.our_itsn - 1);
	assert_int_equal(scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN, 0, v, 4), 0);
	scr_expect_event(&s, USCTP_EV_SHUTDOWN);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_ACK, -1);
	assert_int_equal(usctp_assoc_state(s.a), USCTP_SHUTDOWN_ACK_SENT);
	assert_int_equal(feed_init(&s, 0x4242, 3), 0);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_SHUTDOWN_ACK, -1);
	assert_int_equal(scr_vtag(&s.out[0]), s.peer_tag);
	scr_free(&s);
}

static void restart_cookie_in_shutdown_ack_sent_gets_error_cause_10(void **st)
{
	struct scr s;
	scr_init(&s, 32);
	scr_accept(&s);
	/* INIT answered first (5.2.2), then the peer's SHUTDOWN, then its restart cookie. */
	assert_int_equal(feed_init(&s, 0x31313131, 3), 0);
	scr_expect_npkts(&s, 1);
	uint8_t ck[512];
	size_t cklen;
	uint32_t ntag = init_ack_cookie(&s.out[0], ck, &cklen);
	uint8_t v[4];
	usctp_put32(v, s.our_itsn - 1);
	scr_feed_chunk(&s, s.our_tag, USCTP_CHUNK_SHUTDOWN, 0, v, 4);
	scr_expect_npkts(&s, 1);
	scr_drain_events(&s);
	feed_cookie_echo(&s, &s.peer, ntag, ck, cklen);
	scr_expect_npkts(&s, 1);
	scr_assert_types(&s.out[0], USCTP_CHUNK_ERROR, USCTP_CHUNK_SHUTDOWN_ACK, -1);
	struct usctp_chunk c = scr_chunk(&s.out[0], 0);
	assert_int_equal(scr_first_cause(&c), USCTP_CAUSE_COOKIE_WHILE_SHUTDOWN);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(init_in_cookie_wait_answered_with_same_tag),
	    cmocka_unit_test(init_in_cookie_echoed_with_new_address_aborted),
	    cmocka_unit_test(init_when_established_gets_new_tag_and_leaves_state),
	    cmocka_unit_test(init_when_established_with_new_address_aborted),
	    cmocka_unit_test(cookie_echo_case_a_restart),
	    cmocka_unit_test(cookie_echo_restart_from_new_address_aborted),
	    cmocka_unit_test(stale_restart_cookie_answered_with_stale_cookie_error),
	    cmocka_unit_test(cookie_echo_case_c_late_cookie_discarded),
	    cmocka_unit_test(cookie_echo_case_d_duplicate_answered_with_cookie_ack),
	    cmocka_unit_test(cookie_echo_case_d_in_cookie_echoed_establishes),
	    cmocka_unit_test(unexpected_init_ack_and_cookie_ack_discarded),
	    cmocka_unit_test(init_in_shutdown_ack_sent_resends_shutdown_ack),
	    cmocka_unit_test(restart_cookie_in_shutdown_ack_sent_gets_error_cause_10),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
