/*
 * Every socket option of the issue, set then read back with getsockopt
 * (and sctp_opt_info), plus the read-only ones on a live association.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "sockutil.h"
#include "testutil.h"

static uint16_t udp_port;

static int setup(void **state)
{
	(void)state;
	udp_port = su_start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	usctp_finish();
	return 0;
}

#define ROUND_TRIP(fd, level, name, in, out)                                                                 \
	do {                                                                                                 \
		assert_int_equal(usctp_setsockopt(fd, level, name, &(in), sizeof(in)), 0);                   \
		socklen_t l_ = sizeof(out);                                                                  \
		assert_int_equal(usctp_getsockopt(fd, level, name, &(out), &l_), 0);                         \
		assert_int_equal(l_, sizeof(out));                                                           \
	} while (0)

static void every_option_round_trips(void **state)
{
	(void)state;
	int fd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	assert_true(fd >= 0);

	int one = 1, v = 0;
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_NODELAY, one, v);
	assert_int_equal(v, 1);

	struct sctp_initmsg im = {.sinit_num_ostreams = 33,
				  .sinit_max_instreams = 44,
				  .sinit_max_attempts = 5,
				  .sinit_max_init_timeo = 3000},
			    im2;
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_INITMSG, im, im2);
	assert_memory_equal(&im, &im2, sizeof(im));

	struct sctp_event ev = {.se_type = SCTP_SENDER_DRY_EVENT, .se_on = 1},
			  ev2 = {.se_type = SCTP_SENDER_DRY_EVENT};
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_EVENT, ev, ev2);
	assert_int_equal(ev2.se_on, 1);
	ev.se_on = 0;
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_EVENT, ev, ev2);
	assert_int_equal(ev2.se_on, 0);

	struct sctp_event_subscribe es, es2;
	memset(&es, 0, sizeof(es));
	es.sctp_data_io_event = 1;
	es.sctp_association_event = 1;
	es.sctp_shutdown_event = 1;
	es.sctp_sender_dry_event = 1;
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_EVENTS, es, es2);
	assert_memory_equal(&es, &es2, sizeof(es));
	/* SCTP_EVENTS and SCTP_EVENT are two views of one subscription. */
	ev2.se_type = SCTP_ASSOC_CHANGE;
	socklen_t l = sizeof(ev2);
	assert_int_equal(usctp_getsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev2, &l), 0);
	assert_int_equal(ev2.se_on, 1);

	struct sctp_sndrcvinfo ds, ds2;
	memset(&ds, 0, sizeof(ds));
	ds.sinfo_stream = 3;
	ds.sinfo_ppid = 0x11223344;
	ds.sinfo_flags = SCTP_UNORDERED;
	ds.sinfo_context = 9;
	ds.sinfo_timetolive = 100;
	memset(&ds2, 0, sizeof(ds2));
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, ds, ds2);
	assert_memory_equal(&ds, &ds2, sizeof(ds));

	struct sctp_rtoinfo rto = {.srto_initial = 500, .srto_max = 9000, .srto_min = 200}, rto2;
	memset(&rto2, 0, sizeof(rto2));
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_RTOINFO, rto, rto2);
	assert_int_equal(rto2.srto_initial, 500);
	assert_int_equal(rto2.srto_max, 9000);
	assert_int_equal(rto2.srto_min, 200);
	struct sctp_rtoinfo bad = {.srto_initial = 10, .srto_max = 100, .srto_min = 50};
	assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &bad, sizeof(bad)), -1);
	assert_int_equal(errno, EINVAL);

	struct sctp_assocparams ap, ap2;
	memset(&ap, 0, sizeof(ap));
	memset(&ap2, 0, sizeof(ap2));
	ap.sasoc_asocmaxrxt = 7;
	ap.sasoc_cookie_life = 30000;
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_ASSOCINFO, ap, ap2);
	assert_int_equal(ap2.sasoc_asocmaxrxt, 7);
	assert_int_equal(ap2.sasoc_cookie_life, 30000);

	struct sctp_paddrparams pp, pp2;
	memset(&pp, 0, sizeof(pp));
	memset(&pp2, 0, sizeof(pp2));
	pp.spp_hbinterval = 5000;
	pp.spp_pathmaxrxt = 4;
	pp.spp_flags = SPP_HB_ENABLE;
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, pp, pp2);
	assert_int_equal(pp2.spp_hbinterval, 5000);
	assert_int_equal(pp2.spp_pathmaxrxt, 4);
	assert_true(pp2.spp_flags & SPP_HB_ENABLE);

	struct sctp_assoc_value ms = {.assoc_value = 1000}, ms2 = {.assoc_id = 0};
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_MAXSEG, ms, ms2);
	assert_int_equal(ms2.assoc_value, 1000);

	int ac = 30;
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_AUTOCLOSE, ac, v);
	assert_int_equal(v, 30);

	int buf = 300000;
	ROUND_TRIP(fd, SOL_SOCKET, SO_SNDBUF, buf, v);
	assert_int_equal(v, 300000);
	ROUND_TRIP(fd, SOL_SOCKET, SO_RCVBUF, buf, v);
	assert_int_equal(v, 300000);

	struct linger lg = {.l_onoff = 1, .l_linger = 0}, lg2;
	ROUND_TRIP(fd, SOL_SOCKET, SO_LINGER, lg, lg2);
	assert_int_equal(lg2.l_onoff, 1);
	assert_int_equal(lg2.l_linger, 0);

	struct sctp_udpencaps ue, ue2;
	memset(&ue, 0, sizeof(ue));
	memset(&ue2, 0, sizeof(ue2));
	ue.sue_port = htons(12345);
	ROUND_TRIP(fd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, ue, ue2);
	assert_int_equal(ntohs(ue2.sue_port), 12345);

	/* Unknown options and levels are refused. */
	assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, 0x7777, &v, sizeof(v)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &v, 1), -1);
	assert_int_equal(errno, EINVAL);
	usctp_close(fd);
}

static void live_association_options_report_its_state(void **state)
{
	(void)state;
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sctp_initmsg im = {.sinit_num_ostreams = 12, .sinit_max_instreams = 12};
	usctp_setsockopt(c, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
	usctp_setsockopt(l, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);

	struct sctp_status st;
	memset(&st, 0, sizeof(st));
	socklen_t sl = sizeof(st);
	assert_int_equal(usctp_getsockopt(c, IPPROTO_SCTP, SCTP_STATUS, &st, &sl), 0);
	assert_int_equal(st.sstat_state, SCTP_ESTABLISHED);
	assert_int_equal(st.sstat_outstrms, 12);
	assert_int_equal(st.sstat_instrms, 12);
	assert_true(st.sstat_fragmentation_point > 0);
	assert_int_equal(st.sstat_primary.spinfo_address.ss_family, AF_INET);
	assert_true(st.sstat_assoc_id > SCTP_ALL_ASSOC);
	/* sctp_opt_info fills the association id in for us. */
	struct sctp_status st2;
	memset(&st2, 0, sizeof(st2));
	sl = sizeof(st2);
	assert_int_equal(sctp_opt_info(c, st.sstat_assoc_id, SCTP_STATUS, &st2, &sl), 0);
	assert_int_equal(st2.sstat_assoc_id, st.sstat_assoc_id);

	struct sctp_setprim pr;
	memset(&pr, 0, sizeof(pr));
	sl = sizeof(pr);
	assert_int_equal(usctp_getsockopt(c, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &pr, &sl), 0);
	assert_int_equal(ntohs(((struct sockaddr_in *)&pr.ssp_addr)->sin_port), lport);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &pr, sizeof(pr)), 0);
	struct sctp_setprim other = pr;
	((struct sockaddr_in *)&other.ssp_addr)->sin_addr.s_addr = htonl(0x0a000001);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &other, sizeof(other)), -1);

	struct sctp_assocparams ap;
	memset(&ap, 0, sizeof(ap));
	sl = sizeof(ap);
	assert_int_equal(usctp_getsockopt(c, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, &sl), 0);
	assert_int_equal(ap.sasoc_number_peer_destinations, 1);
	assert_true(ap.sasoc_peer_rwnd > 0);

	struct sctp_udpencaps ue;
	memset(&ue, 0, sizeof(ue));
	sl = sizeof(ue);
	assert_int_equal(usctp_getsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, &sl), 0);
	assert_int_equal(ntohs(ue.sue_port), udp_port);
	/* Per address: set on the peer's address, read back for it. */
	struct sctp_udpencaps ua;
	memset(&ua, 0, sizeof(ua));
	memcpy(&ua.sue_address, &pr.ssp_addr, sizeof(ua.sue_address));
	ua.sue_port = htons(udp_port);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ua, sizeof(ua)), 0);
	ua.sue_port = 0;
	sl = sizeof(ua);
	assert_int_equal(usctp_getsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ua, &sl), 0);
	assert_int_equal(ntohs(ua.sue_port), udp_port);
	/* An address that is not the association's is refused. */
	((struct sockaddr_in *)&ua.sue_address)->sin_addr.s_addr = htonl(0x0a000001);
	sl = sizeof(ua);
	assert_int_equal(usctp_getsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ua, &sl), -1);
	/* Still talking. */
	assert_int_equal(sctp_sendmsg(c, "ok", 2, NULL, 0, 0, 0, 0, 0, 0), 2);
	int acc = usctp_accept(l, NULL, NULL);
	assert_true(acc >= 0);
	char rb[4];
	assert_int_equal(su_recv(acc, rb, sizeof(rb), NULL, NULL, 3000), 2);
	usctp_close(acc);

	int err = -1;
	sl = sizeof(err);
	assert_int_equal(usctp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &sl), 0);
	assert_int_equal(err, 0);
	usctp_close(c);
	usctp_close(l);
}

static void udp_encaps_port_with_a_wildcard_address_is_the_default_port(void **state)
{
	(void)state;
	int families[2] = {AF_INET, AF_INET6};
	for (int f = 0; f < 2; f++) {
		int fd = usctp_socket(families[f], SOCK_STREAM, IPPROTO_SCTP);
		assert_true(fd >= 0);
		struct sctp_udpencaps u;
		memset(&u, 0, sizeof(u));
		u.sue_address.ss_family = (sa_family_t)families[f]; /* INADDR_ANY / in6addr_any */
		u.sue_assoc_id = SCTP_FUTURE_ASSOC;
		u.sue_port = htons(4321);
		assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, sizeof(u)),
				 0);
		memset(&u, 0, sizeof(u));
		socklen_t len = sizeof(u);
		assert_int_equal(usctp_getsockopt(fd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, &len), 0);
		assert_int_equal(ntohs(u.sue_port), 4321);
		/* A real address still needs an association that has it. */
		struct sockaddr_in *s4 = (struct sockaddr_in *)&u.sue_address;
		memset(&u, 0, sizeof(u));
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(0x7f000001);
		u.sue_port = htons(1);
		assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, sizeof(u)),
				 -1);
		assert_int_equal(errno, EINVAL);
		usctp_close(fd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_option_round_trips),
	    cmocka_unit_test(live_association_options_report_its_state),
	    cmocka_unit_test(udp_encaps_port_with_a_wildcard_address_is_the_default_port),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
