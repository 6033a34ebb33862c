/* Scripted tests: a path larger than cfg.mtu_base falls back to it when data
 * sent in larger packets is lost to T3-rtx, and tries the larger size again
 * 30 s later, then after twice as long each time (src/core/pmtu.h). */
#include <string.h>

#include "lib_script.h"

#define BIG 2000u /* the path's size (loopback's 65000, scaled down) */
#define BASE 600u /* the fallback size */

static struct usctp_data_chunk data_of(const struct scr_pkt *p, unsigned i)
{
	struct usctp_chunk c = scr_chunk(p, i);
	assert_int_equal(c.type, USCTP_CHUNK_DATA);
	struct usctp_data_chunk d;
	assert_int_equal(usctp_data_parse(&c, &d), 0);
	return d;
}

static uint32_t path_mtu(struct scr *s)
{
	struct usctp_path_status ps;
	assert_int_equal(usctp_assoc_path_status(s->a, 0, &ps), 0);
	return ps.mtu;
}

static void setup(struct scr *s, uint64_t seed, uint32_t base)
{
	scr_init(s, seed);
	s->cfg.mtu = BIG;
	s->cfg.mtu_base = base;
	s->peer_rwnd = 1000000;
	scr_accept(s);
	assert_int_equal(path_mtu(s), BIG);
}

#define BIGMSG 1500u /* one DATA chunk in a packet larger than BASE */

/* Send a BIGMSG-byte message, lose it, let T3 fire; returns the next TSN. */
static uint32_t lose_big_message_to_t3(struct scr *s, uint32_t tsn)
{
	uint8_t msg[BIGMSG];
	memset(msg, 'b', sizeof(msg));
	assert_int_equal(scr_send_msg(s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(s, 1);
	assert_int_equal(data_of(&s->out[0], 0).tsn, tsn);
	assert_true(s->out[0].len > BASE);
	scr_run_until(s, scr_expiry(s)); /* T3 */
	return tsn + 1;
}

static void large_packets_lost_to_t3_fall_back_to_base_size(void **st)
{
	struct scr s;
	setup(&s, 801, BASE);
	uint32_t next = lose_big_message_to_t3(&s, s.our_itsn);
	assert_int_equal(usctp_assoc_stats(s.a)->pmtu_fallbacks, 1);
	assert_int_equal(path_mtu(&s), BASE);
	/* E1 after the fallback: cwnd restarts at one packet of the new size. */
	struct usctp_path_status ps;
	usctp_assoc_path_status(s.a, 0, &ps);
	assert_int_equal(ps.cwnd, BASE - 12);
	/* The chunk was cut for BIG: it is retransmitted whole. */
	scr_expect_npkts(&s, 1);
	assert_int_equal(data_of(&s.out[0], 0).tsn, s.our_itsn);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, BIGMSG);
	s.now += MS(1);
	scr_feed_sack(&s, next - 1, 1000000, NULL, 0);
	scr_flush(&s);
	/* New messages are cut at the base size. */
	uint8_t msg[1000];
	memset(msg, 'n', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	s.now += MS(1);
	scr_feed_sack(&s, next - 1, 1000000, NULL, 0);
	unsigned n = scr_flush(&s);
	assert_true(n >= 1);
	for (unsigned i = 0; i < n; i++)
		assert_true(s.out[i].len <= BASE);
	assert_int_equal(data_of(&s.out[0], 0).tsn, next);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, BASE - 28);
	scr_free(&s);
}

static void an_oversize_retransmission_travels_alone(void **st)
{
	(void)st;
	struct scr s;
	setup(&s, 806, BASE);
	uint8_t msg[BIGMSG];
	memset(msg, 'b', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 1); /* lost */
	/* Just before T3, the peer's DATA makes a SACK due (delayed). */
	uint64_t t3 = scr_expiry(&s);
	s.now = t3 - MS(1);
	assert_int_equal(scr_feed_data(&s, s.peer_tsn++, 0, 0, USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E, "hi", 2),
			 0);
	scr_run_until(&s, t3);
	assert_int_equal(usctp_assoc_stats(s.a)->pmtu_fallbacks, 1);
	unsigned n = scr_flush(&s);
	assert_true(n >= 1);
	/* The chunk cut for the old size goes alone: no SACK rides in a packet
	 * already larger than the path is now known to carry. */
	assert_int_equal(scr_nchunks(&s.out[0]), 1);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, BIGMSG);
	/* Everything else stays within the base size, the SACK included. */
	bool sack = false;
	for (int round = 0; round < 20 && !sack; round++) {
		for (unsigned i = round ? 0 : 1; i < n; i++) {
			assert_true(s.out[i].len <= BASE);
			for (unsigned k = 0; k < scr_nchunks(&s.out[i]); k++)
				sack |= scr_chunk(&s.out[i], k).type == USCTP_CHUNK_SACK;
		}
		if (!sack) {
			scr_advance(&s, MS(50));
			n = scr_flush(&s);
		}
	}
	assert_true(sack);
	scr_free(&s);
}

static void fallen_back_path_tries_large_size_again_after_30_s_then_60_s(void **st)
{
	struct scr s;
	setup(&s, 802, BASE);
	uint64_t t_fall = s.now + MS(1000);
	uint32_t next = lose_big_message_to_t3(&s, s.our_itsn);
	scr_flush(&s);
	s.now += MS(1);
	scr_feed_sack(&s, next - 1, 1000000, NULL, 0);
	scr_flush(&s);
	assert_int_equal(path_mtu(&s), BASE);
	/* Just before 30 s: still the base size. */
	scr_run_until(&s, t_fall + MS(29990));
	uint8_t msg[100];
	memset(msg, 's', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 1);
	s.now += MS(1);
	scr_feed_sack(&s, next, 1000000, NULL, 0);
	next++;
	assert_int_equal(path_mtu(&s), BASE);
	/* At 30 s the next packet may be large again; losing it again means a
	 * second fallback, and the next try waits 60 s. */
	scr_run_until(&s, t_fall + MS(30000));
	uint64_t t_fall2 = s.now + MS(1000);
	next = lose_big_message_to_t3(&s, next);
	assert_int_equal(usctp_assoc_stats(s.a)->pmtu_fallbacks, 2);
	assert_int_equal(path_mtu(&s), BASE);
	scr_flush(&s);
	s.now += MS(1);
	scr_feed_sack(&s, next - 1, 1000000, NULL, 0);
	scr_flush(&s);
	scr_run_until(&s, t_fall2 + MS(59990));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 1);
	s.now += MS(1);
	scr_feed_sack(&s, next, 1000000, NULL, 0);
	next++;
	assert_int_equal(path_mtu(&s), BASE);
	scr_run_until(&s, t_fall2 + MS(60000));
	uint8_t big[3000];
	memset(big, 'B', sizeof(big));
	assert_int_equal(scr_send_msg(&s, 0, big, sizeof(big)), 0);
	assert_true(scr_flush(&s) >= 1);
	assert_int_equal(s.out[0].len, BIG);
	assert_int_equal(data_of(&s.out[0], 0).payload_len, BIG - 28);
	assert_int_equal(path_mtu(&s), BIG);
	scr_free(&s);
}

static void t3_of_small_packets_keeps_path_size(void **st)
{
	struct scr s;
	setup(&s, 803, BASE);
	uint8_t msg[100];
	memset(msg, 's', sizeof(msg));
	assert_int_equal(scr_send_msg(&s, 0, msg, sizeof(msg)), 0);
	scr_expect_npkts(&s, 1);
	assert_true(s.out[0].len <= BASE);
	scr_run_until(&s, scr_expiry(&s));
	assert_int_equal(usctp_assoc_stats(s.a)->t3_timeouts, 1);
	assert_int_equal(usctp_assoc_stats(s.a)->pmtu_fallbacks, 0);
	assert_int_equal(path_mtu(&s), BIG);
	scr_free(&s);
}

static void fixed_path_mtu_never_falls_back(void **st)
{
	struct scr s;
	setup(&s, 804, BASE);
	/* SPP_PMTUD_DISABLE with spp_pathmtu = BIG on this path. */
	assert_int_equal(usctp_assoc_set_path_params(s.a, 0, USCTP_PARAM_KEEP, -1, 0, BIG, s.now), 0);
	lose_big_message_to_t3(&s, s.our_itsn);
	assert_int_equal(usctp_assoc_stats(s.a)->t3_timeouts, 1);
	assert_int_equal(usctp_assoc_stats(s.a)->pmtu_fallbacks, 0);
	assert_int_equal(path_mtu(&s), BIG);
	scr_free(&s);
}

static void no_base_configured_means_fixed_size(void **st)
{
	struct scr s;
	setup(&s, 805, 0);
	lose_big_message_to_t3(&s, s.our_itsn);
	assert_int_equal(usctp_assoc_stats(s.a)->pmtu_fallbacks, 0);
	assert_int_equal(path_mtu(&s), BIG);
	scr_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(large_packets_lost_to_t3_fall_back_to_base_size),
	    cmocka_unit_test(an_oversize_retransmission_travels_alone),
	    cmocka_unit_test(fallen_back_path_tries_large_size_again_after_30_s_then_60_s),
	    cmocka_unit_test(t3_of_small_packets_keeps_path_size),
	    cmocka_unit_test(fixed_path_mtu_never_falls_back),
	    cmocka_unit_test(no_base_configured_means_fixed_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
