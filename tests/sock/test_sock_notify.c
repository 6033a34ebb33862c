/*
 * Notifications (SCTP_EVENT / SCTP_EVENTS, read with MSG_NOTIFICATION):
 * association change (up, lost, restart, shutdown complete, cannot start),
 * peer address change, remote error, send failed (both formats), shutdown,
 * adaptation indication, sender dry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockutil.h"
#include "sock/sock.h"
#include "testutil.h"
#include "wire/wire.h"

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

union nbuf {
	union sctp_notification n;
	uint8_t b[4096];
};

/* A connected one-to-one pair; events subscribed on both before connect. */
static void pair(int *c, int *a, uint16_t *lport_out, const uint16_t *types, int ntypes)
{
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	assert_true(l >= 0);
	*c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	for (int i = 0; i < ntypes; i++) {
		su_subscribe(l, types[i]);
		su_subscribe(*c, types[i]);
	}
	su_encaps(*c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(*c, (struct sockaddr *)&ss, len), 0);
	assert_true(su_poll(l, POLLIN, 3000) & POLLIN);
	*a = usctp_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	if (lport_out)
		*lport_out = lport;
	usctp_close(l);
}

static void comm_up_and_graceful_shutdown_are_reported(void **state)
{
	(void)state;
	const uint16_t t[] = {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT};
	int c, a;
	pair(&c, &a, NULL, t, 2);
	union nbuf u;
	/* The accepted socket got the COMM_UP that happened before accept. */
	assert_true(su_wait_notification(a, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_UP);
	assert_true(su_wait_notification(c, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_UP);
	assert_int_equal(usctp_shutdown(c, SHUT_WR), 0);
	ssize_t n = su_wait_notification(a, SCTP_SHUTDOWN_EVENT, &u, sizeof(u), 3000);
	assert_int_equal(n, sizeof(struct sctp_shutdown_event));
	assert_true(su_wait_notification(c, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_SHUTDOWN_COMP);
	assert_true(su_wait_notification(a, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_SHUTDOWN_COMP);
	usctp_close(c);
	usctp_close(a);
}

static void an_abortive_close_is_comm_lost_for_the_peer(void **state)
{
	(void)state;
	const uint16_t t[] = {SCTP_ASSOC_CHANGE};
	int c, a;
	pair(&c, &a, NULL, t, 1);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	assert_int_equal(usctp_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(usctp_close(c), 0);
	union nbuf u;
	for (int i = 0; i < 3; i++) {
		assert_true(su_wait_notification(a, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
		if (u.n.sn_assoc_change.sac_state != SCTP_COMM_UP)
			break;
	}
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_LOST);
	/* Then the one-to-one socket reports the reset, then EOF. */
	char buf[8];
	ssize_t n = su_recv(a, buf, sizeof(buf), NULL, NULL, 1000);
	assert_true(n == 0 || (n == -1 && errno == ECONNRESET));
	usctp_close(a);
}

static void an_init_answered_by_abort_is_cant_start_and_the_message_send_failed(void **state)
{
	(void)state;
	int s = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(s, udp_port);
	su_subscribe(s, SCTP_ASSOC_CHANGE);
	su_subscribe(s, SCTP_SEND_FAILED_EVENT);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, 7, &to); /* nobody there */
	assert_int_equal(sctp_sendmsg(s, "lost", 4, (struct sockaddr *)&to, tolen, 0, 0, 0, 0, 1234), 4);
	union nbuf u;
	assert_true(su_wait_notification(s, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_CANT_STR_ASSOC);
	ssize_t n = su_wait_notification(s, SCTP_SEND_FAILED_EVENT, &u, sizeof(u), 3000);
	assert_true(n >= (ssize_t)sizeof(struct sctp_send_failed_event));
	assert_int_equal(u.n.sn_send_failed_event.ssfe_info.snd_context, 1234);
	assert_true(u.n.sn_send_failed_event.ssfe_flags & SCTP_DATA_UNSENT);
	assert_int_equal(n - (ssize_t)sizeof(struct sctp_send_failed_event), 4);
	usctp_close(s);
}

static void the_older_send_failed_format_carries_sinfo_context(void **state)
{
	(void)state;
	int s = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(s, udp_port);
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	ev.sctp_send_failure_event = 1;
	assert_int_equal(usctp_setsockopt(s, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)), 0);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, 7, &to);
	assert_int_equal(sctp_sendmsg(s, "lost", 4, (struct sockaddr *)&to, tolen, 0, 0, 0, 0, 77), 4);
	union nbuf u;
	ssize_t n = su_wait_notification(s, SCTP_SEND_FAILED, &u, sizeof(u), 3000);
	assert_true(n >= (ssize_t)sizeof(struct sctp_send_failed));
	assert_int_equal(u.n.sn_send_failed.ssf_info.sinfo_context, 77);
	usctp_close(s);
}

static void adaptation_indication_is_delivered(void **state)
{
	(void)state;
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sctp_setadaptation ad = {.ssb_adaptation_ind = 0x01020304};
	assert_int_equal(usctp_setsockopt(l, IPPROTO_SCTP, SCTP_ADAPTATION_LAYER, &ad, sizeof(ad)), 0);
	su_subscribe(c, SCTP_ADAPTATION_INDICATION);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);
	union nbuf u;
	assert_true(su_wait_notification(c, SCTP_ADAPTATION_INDICATION, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_adaptation_event.sai_adaptation_ind, 0x01020304);
	usctp_close(c);
	usctp_close(l);
}

static void sender_dry_follows_the_last_acknowledgement(void **state)
{
	(void)state;
	const uint16_t t[] = {SCTP_SENDER_DRY_EVENT};
	int c, a;
	pair(&c, &a, NULL, t, 1);
	assert_int_equal(sctp_sendmsg(c, "data", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	union nbuf u;
	assert_true(su_wait_notification(c, SCTP_SENDER_DRY_EVENT, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_sender_dry_event.sender_dry_length, sizeof(struct sctp_sender_dry_event));
	usctp_close(c);
	usctp_close(a);
}

/* The verification tag the peer must use to reach fd's association
 * (test-only peek into the sockets layer). */
static uint32_t local_vtag(int fd)
{
	struct usctp_sock *s;
	assert_int_equal(usctp_sock_get(fd, &s), 0);
	pthread_mutex_lock(&s->lock);
	uint32_t v = s->assocs ? s->assocs->local_vtag : 0;
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	return v;
}

static void an_error_chunk_from_the_peer_is_a_remote_error(void **state)
{
	(void)state;
	const uint16_t t[] = {SCTP_REMOTE_ERROR};
	int c, a;
	uint16_t lport;
	pair(&c, &a, &lport, t, 1);
	struct sockaddr *la;
	assert_int_equal(sctp_getpaddrs(a, 0, &la), 1);
	uint16_t cport = ntohs(((struct sockaddr_in *)la)->sin_port);
	sctp_freepaddrs(la);
	/* An ERROR chunk (Invalid Stream Identifier 5) as the client would send it. */
	uint8_t pkt[12 + 4 + 8];
	memset(pkt, 0, sizeof(pkt));
	usctp_hdr_build(pkt, sizeof(pkt), cport, lport, local_vtag(a));
	pkt[12] = USCTP_CHUNK_ERROR;
	usctp_put16(pkt + 14, 12);
	usctp_put16(pkt + 16, USCTP_CAUSE_INVALID_STREAM);
	usctp_put16(pkt + 18, 8);
	usctp_put16(pkt + 20, 5);
	usctp_pkt_set_checksum(pkt, sizeof(pkt));
	int raw = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, udp_port, &to);
	assert_int_equal(sendto(raw, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, tolen),
			 (ssize_t)sizeof(pkt));
	close(raw);
	union nbuf u;
	ssize_t n = su_wait_notification(a, SCTP_REMOTE_ERROR, &u, sizeof(u), 3000);
	assert_true(n >= (ssize_t)sizeof(struct sctp_remote_error));
	assert_int_equal(u.n.sn_remote_error.sre_error, USCTP_CAUSE_INVALID_STREAM);
	usctp_close(c);
	usctp_close(a);
}

static void a_peer_that_lost_its_state_and_reconnects_is_a_restart(void **state)
{
	(void)state;
	uint16_t sport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &sport);
	su_encaps(srv, udp_port);
	su_subscribe(srv, SCTP_ASSOC_CHANGE);
	struct sockaddr_storage me, to;
	socklen_t mlen = su_loopback(AF_INET, 40123, &me);
	socklen_t tolen = su_loopback(AF_INET, sport, &to);
	(void)tolen;
	int c = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	assert_int_equal(usctp_bind(c, (struct sockaddr *)&me, mlen), 0);
	sctp_assoc_t cid;
	assert_int_equal(sctp_connectx(c, (struct sockaddr *)&to, 1, &cid), 0);
	union nbuf u;
	assert_true(su_wait_notification(srv, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_UP);
	/* Lose the client's state silently: its ABORT goes to a dead port. */
	struct sctp_udpencaps ue;
	memset(&ue, 0, sizeof(ue));
	ue.sue_assoc_id = cid;
	ue.sue_port = htons(9);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue)), 0);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	usctp_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	usctp_close(c);
	/* Same ports again. */
	c = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	assert_int_equal(usctp_bind(c, (struct sockaddr *)&me, mlen), 0);
	assert_int_equal(sctp_connectx(c, (struct sockaddr *)&to, 1, &cid), 0);
	assert_true(su_wait_notification(srv, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_RESTART);
	usctp_close(c);
	usctp_close(srv);
}

static void a_path_that_stops_answering_is_reported_unreachable(void **state)
{
	(void)state;
	uint16_t sport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &sport);
	su_encaps(srv, udp_port);
	int c = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	su_subscribe(c, SCTP_PEER_ADDR_CHANGE);
	struct sctp_rtoinfo rto = {.srto_initial = 100, .srto_min = 50, .srto_max = 200};
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)), 0);
	struct sctp_paddrparams pp;
	memset(&pp, 0, sizeof(pp));
	pp.spp_pathmaxrxt = 1;
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), 0);
	struct sockaddr_storage to;
	su_loopback(AF_INET, sport, &to);
	sctp_assoc_t cid;
	assert_int_equal(sctp_connectx(c, (struct sockaddr *)&to, 1, &cid), 0);
	/* From now on the client's packets go to a dead UDP port. */
	struct sctp_udpencaps ue;
	memset(&ue, 0, sizeof(ue));
	ue.sue_assoc_id = cid;
	ue.sue_port = htons(9);
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue)), 0);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = cid;
	assert_int_equal(sctp_send(c, "void", 4, &snd, 0), 4);
	union nbuf u;
	ssize_t n = su_wait_notification(c, SCTP_PEER_ADDR_CHANGE, &u, sizeof(u), 5000);
	assert_int_equal(n, sizeof(struct sctp_paddr_change));
	assert_int_equal(u.n.sn_paddr_change.spc_state, SCTP_ADDR_UNREACHABLE);
	assert_int_equal(u.n.sn_paddr_change.spc_aaddr.ss_family, AF_INET);
	assert_int_equal(u.n.sn_paddr_change.spc_assoc_id, cid);
	usctp_close(c);
	usctp_close(srv);
}

static void an_abandoned_partly_delivered_message_is_a_partial_delivery_event(void **state)
{
	(void)state;
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	int small = 64 * 1024;
	assert_int_equal(usctp_setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	su_subscribe(l, SCTP_PARTIAL_DELIVERY_EVENT);
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);
	assert_true(su_poll(l, POLLIN, 3000) & POLLIN);
	int a = usctp_accept(l, NULL, NULL);
	assert_true(a >= 0);
	/* 1 MiB that may live 300 ms: it cannot all fit the 64 KiB window. */
	size_t n = 1 << 20;
	uint8_t *m = calloc(1, n);
	assert_int_equal(sctp_sendmsg(c, m, n, NULL, 0, 0, SCTP_PR_SCTP_TTL, 0, 300, 0), (ssize_t)n);
	uint8_t piece[4096];
	int flags = 0;
	assert_int_equal(su_recv(a, piece, sizeof(piece), NULL, &flags, 3000), sizeof(piece));
	assert_false(flags & MSG_EOR);
	/* Stop reading for longer than the TTL: with the window closed the rest
	 * cannot arrive, so the message expires at the sender, which skips it. */
	usleep(600 * 1000);
	union nbuf u;
	ssize_t k = su_wait_notification(a, SCTP_PARTIAL_DELIVERY_EVENT, &u, sizeof(u), 5000);
	assert_int_equal(k, sizeof(struct sctp_pdapi_event));
	assert_int_equal(u.n.sn_pdapi_event.pdapi_indication, SCTP_PARTIAL_DELIVERY_ABORTED);
	assert_int_equal(u.n.sn_pdapi_event.pdapi_stream, 0);
	free(m);
	usctp_close(c);
	usctp_close(a);
	usctp_close(l);
}

static void autoclose_shuts_an_idle_association_down(void **state)
{
	(void)state;
	uint16_t sport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &sport);
	su_encaps(srv, udp_port);
	int c = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	su_subscribe(c, SCTP_ASSOC_CHANGE);
	int secs = 1;
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_AUTOCLOSE, &secs, sizeof(secs)), 0);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, sport, &to);
	uint64_t t0 = su_ms();
	assert_int_equal(sctp_sendmsg(c, "idle", 4, (struct sockaddr *)&to, tolen, 0, 0, 0, 0, 0), 4);
	union nbuf u;
	assert_true(su_wait_notification(c, SCTP_ASSOC_CHANGE, &u, sizeof(u), 3000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_COMM_UP);
	assert_true(su_wait_notification(c, SCTP_ASSOC_CHANGE, &u, sizeof(u), 4000) > 0);
	assert_int_equal(u.n.sn_assoc_change.sac_state, SCTP_SHUTDOWN_COMP);
	assert_true(su_ms() - t0 >= 900);
	usctp_close(c);
	usctp_close(srv);
}

static void unsubscribed_events_are_not_queued(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a, NULL, NULL, 0);
	assert_int_equal(sctp_sendmsg(c, "only", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	char buf[16];
	int flags = 0;
	assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, &flags, 3000), 4);
	assert_false(flags & MSG_NOTIFICATION);
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(comm_up_and_graceful_shutdown_are_reported),
	    cmocka_unit_test(an_abortive_close_is_comm_lost_for_the_peer),
	    cmocka_unit_test(an_init_answered_by_abort_is_cant_start_and_the_message_send_failed),
	    cmocka_unit_test(the_older_send_failed_format_carries_sinfo_context),
	    cmocka_unit_test(adaptation_indication_is_delivered),
	    cmocka_unit_test(sender_dry_follows_the_last_acknowledgement),
	    cmocka_unit_test(an_error_chunk_from_the_peer_is_a_remote_error),
	    cmocka_unit_test(a_peer_that_lost_its_state_and_reconnects_is_a_restart),
	    cmocka_unit_test(a_path_that_stops_answering_is_reported_unreachable),
	    cmocka_unit_test(an_abandoned_partly_delivered_message_is_a_partial_delivery_event),
	    cmocka_unit_test(autoclose_shuts_an_idle_association_down),
	    cmocka_unit_test(unsubscribed_events_are_not_queued),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
