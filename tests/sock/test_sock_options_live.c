/*
 * Socket options set on ESTABLISHED associations take effect at once: read
 * back live with the association id, and seen in behaviour (chunk sizes,
 * heartbeats, the peer's view of our window, the RTO in use). Plus the
 * SCTP_FUTURE_ASSOC / SCTP_CURRENT_ASSOC / SCTP_ALL_ASSOC semantics on a
 * one-to-many socket. Real sockets on loopback, every wait bounded.
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

/* Heartbeats off on fd's future associations: no traffic but ours. */
static void hb_off(int fd)
{
	struct sctp_paddrparams pp;
	memset(&pp, 0, sizeof(pp));
	pp.spp_flags = SPP_HB_DISABLE;
	assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), 0);
}

struct pair {
	int l, c, a; /* listener, client, accepted */
	sctp_assoc_t cid;
	struct sockaddr_storage peer; /* the server's address, as the client sees it */
};

/* A connected pair; tmpl_mtu: the client's template SPP_PMTUD_DISABLE
 * spp_pathmtu (0: none). */
static void pair_open_mtu(struct pair *p, uint32_t tmpl_mtu)
{
	uint16_t lport;
	p->l = su_listener(AF_INET, SOCK_STREAM, &lport);
	assert_true(p->l >= 0);
	p->c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(p->c >= 0);
	su_encaps(p->c, udp_port);
	hb_off(p->c);
	hb_off(p->l);
	if (tmpl_mtu) {
		struct sctp_paddrparams pp;
		memset(&pp, 0, sizeof(pp));
		pp.spp_flags = SPP_PMTUD_DISABLE;
		pp.spp_pathmtu = tmpl_mtu;
		int r = usctp_setsockopt(p->c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp));
		assert_int_equal(r, 0);
	}
	socklen_t len = su_loopback(AF_INET, lport, &p->peer);
	assert_int_equal(usctp_connect(p->c, (struct sockaddr *)&p->peer, len), 0);
	p->a = usctp_accept(p->l, NULL, NULL);
	assert_true(p->a >= 0);
	struct sctp_status st;
	memset(&st, 0, sizeof(st));
	socklen_t sl = sizeof(st);
	assert_int_equal(usctp_getsockopt(p->c, IPPROTO_SCTP, SCTP_STATUS, &st, &sl), 0);
	assert_int_equal(st.sstat_state, SCTP_ESTABLISHED);
	p->cid = st.sstat_assoc_id;
}

static void pair_open(struct pair *p)
{
	pair_open_mtu(p, 0);
}

static void pair_close(struct pair *p)
{
	usctp_close(p->c);
	usctp_close(p->a);
	usctp_close(p->l);
}

static struct usctp_stats stats_of(int fd)
{
	struct usctp_stats st;
	memset(&st, 0, sizeof(st));
	assert_int_equal(usctp_stats(fd, 0, &st), 0);
	return st;
}

/* Send len bytes on c, read them whole on a; returns the DATA chunks c cut
 * it into (first transmissions: a spurious fast retransmit may add copies). */
static uint64_t chunks_for_message(struct pair *p, size_t len)
{
	static char out[20000], in[20000];
	assert_true(len <= sizeof(out));
	memset(out, 'x', len);
	struct usctp_stats st0 = stats_of(p->c);
	uint64_t before = st0.data_chunks_out - st0.retransmits;
	assert_int_equal(sctp_sendmsg(p->c, out, len, NULL, 0, 0, 0, 0, 0, 0), (ssize_t)len);
	size_t got = 0;
	for (int i = 0; i < 100 && got < len; i++) {
		ssize_t n = su_recv(p->a, in + got, sizeof(in) - got, NULL, NULL, 3000);
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_int_equal(got, len);
	struct usctp_stats st = stats_of(p->c);
	/* Nothing lost here: no reason to shrink the packets. */
	assert_int_equal(st.t3_timeouts == 0 ? st.pmtu_fallbacks : 0, 0);
	return st.data_chunks_out - st.retransmits - before;
}

static void maxseg_on_an_established_association_bounds_its_data_chunks(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	/* Loopback: one chunk carries the whole message until the bound. */
	assert_int_equal(chunks_for_message(&p, 10000), 1);
	struct sctp_assoc_value v = {.assoc_id = p.cid, .assoc_value = 1000};
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_MAXSEG, &v, sizeof(v)), 0);
	struct sctp_assoc_value got = {.assoc_id = p.cid};
	socklen_t l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_MAXSEG, &got, &l), 0);
	assert_int_equal(got.assoc_value, 1000);
	struct sctp_status st;
	memset(&st, 0, sizeof(st));
	l = sizeof(st);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_STATUS, &st, &l), 0);
	assert_int_equal(st.sstat_fragmentation_point, 1000);
	assert_int_equal(chunks_for_message(&p, 10000), 10);
	/* Too small a segment is refused and changes nothing. */
	v.assoc_value = 10;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_MAXSEG, &v, sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	/* 0 lifts the bound again. */
	v.assoc_value = 0;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_MAXSEG, &v, sizeof(v)), 0);
	assert_int_equal(chunks_for_message(&p, 10000), 1);
	pair_close(&p);
}

static void fixed_path_mtu_on_the_peer_address_bounds_its_packets(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	struct sctp_paddrparams pp;
	memset(&pp, 0, sizeof(pp));
	memcpy(&pp.spp_address, &p.peer, sizeof(p.peer));
	pp.spp_assoc_id = p.cid;
	pp.spp_flags = SPP_PMTUD_DISABLE;
	pp.spp_pathmtu = 1200;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), 0);
	struct sctp_paddrparams got;
	memset(&got, 0, sizeof(got));
	memcpy(&got.spp_address, &p.peer, sizeof(p.peer));
	socklen_t l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &got, &l), 0);
	assert_int_equal(got.spp_pathmtu, 1200);
	assert_true(got.spp_flags & SPP_PMTUD_DISABLE);
	/* 10000 bytes in chunks of at most 1200 - 12 - 16 = 1172 bytes. */
	assert_int_equal(chunks_for_message(&p, 10000), 9);
	/* Out of range, or both PMTUD flags: refused. */
	pp.spp_pathmtu = 100;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), -1);
	assert_int_equal(errno, EINVAL);
	pp.spp_pathmtu = 1200;
	pp.spp_flags = SPP_PMTUD_DISABLE | SPP_PMTUD_ENABLE;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), -1);
	assert_int_equal(errno, EINVAL);
	/* An address that is not the peer's. */
	pp.spp_flags = SPP_HB_ENABLE;
	((struct sockaddr_in *)&pp.spp_address)->sin_addr.s_addr = htonl(0x0a000001);
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), -1);
	assert_int_equal(errno, EINVAL);
	pair_close(&p);
}

static uint32_t client_path_mtu_flags(struct pair *p, uint32_t *flags)
{
	struct sctp_paddrparams got;
	memset(&got, 0, sizeof(got));
	memcpy(&got.spp_address, &p->peer, sizeof(p->peer));
	got.spp_assoc_id = p->cid;
	socklen_t l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p->c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &got, &l), 0);
	if (flags)
		*flags = got.spp_flags;
	return got.spp_pathmtu;
}

static uint32_t client_path_mtu(struct pair *p)
{
	return client_path_mtu_flags(p, NULL);
}

/* Loopback paths start with 65000-byte packets (they fall back to 1472 on
 * loss, src/core/pmtu.h); the template's fixed MTU is taken as it is, also
 * above that. */
static void loopback_path_starts_at_65000_and_template_mtu_fixes_it(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	uint32_t flags = 0;
	assert_int_equal(client_path_mtu_flags(&p, &flags), 65000);
	/* It adapts: PMTUD is reported on. */
	assert_int_equal(flags & (SPP_PMTUD_ENABLE | SPP_PMTUD_DISABLE), SPP_PMTUD_ENABLE);
	pair_close(&p);
	pair_open_mtu(&p, 65507);
	assert_int_equal(client_path_mtu_flags(&p, &flags), 65507);
	/* Fixed by the user: off. */
	assert_int_equal(flags & (SPP_PMTUD_ENABLE | SPP_PMTUD_DISABLE), SPP_PMTUD_DISABLE);
	pair_close(&p);
	pair_open_mtu(&p, 1500);
	assert_int_equal(client_path_mtu(&p), 1500);
	assert_int_equal(chunks_for_message(&p, 10000), 7); /* 1500 - 28 = 1472 per chunk */
	pair_close(&p);
}

/* Wait until fd's association has received more than n packets. */
static bool pkts_in_beyond(int fd, uint64_t n, int timeout_ms)
{
	uint64_t end = su_ms() + (uint64_t)timeout_ms;
	while (su_ms() < end) {
		if (stats_of(fd).pkts_in > n)
			return true;
		usleep(5000);
	}
	return false;
}

static void heartbeat_on_demand_goes_out_and_is_answered(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	usleep(50000); /* let the handshake's last packets land */
	uint64_t peer_in = stats_of(p.a).pkts_in, our_in = stats_of(p.c).pkts_in;
	/* Heartbeats are off: nothing moves by itself. */
	usleep(100000);
	assert_int_equal(stats_of(p.a).pkts_in, peer_in);
	struct sctp_paddrparams pp;
	memset(&pp, 0, sizeof(pp));
	memcpy(&pp.spp_address, &p.peer, sizeof(p.peer));
	pp.spp_flags = SPP_HB_DEMAND;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), 0);
	assert_true(pkts_in_beyond(p.a, peer_in, 3000)); /* the HEARTBEAT */
	assert_true(pkts_in_beyond(p.c, our_in, 3000));	 /* its HEARTBEAT ACK */
	/* The setting itself stays off. */
	struct sctp_paddrparams got;
	memset(&got, 0, sizeof(got));
	socklen_t l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &got, &l), 0);
	assert_true(got.spp_flags & SPP_HB_DISABLE);
	/* Never with a wildcard address (RFC 6458 8.1.12). */
	memset(&pp.spp_address, 0, sizeof(pp.spp_address));
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), -1);
	assert_int_equal(errno, EINVAL);
	pair_close(&p);
}

static void heartbeats_enabled_live_flow_then_stop_when_disabled(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	/* Short RTO so that interval 0 (RTO + jitter) beats often. */
	struct sctp_rtoinfo rto = {
	    .srto_assoc_id = p.cid, .srto_initial = 100, .srto_min = 50, .srto_max = 100};
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)), 0);
	struct sctp_paddrparams pp;
	memset(&pp, 0, sizeof(pp));
	pp.spp_assoc_id = p.cid; /* wildcard address: every path */
	pp.spp_flags = SPP_HB_ENABLE | SPP_HB_TIME_IS_ZERO;
	pp.spp_pathmaxrxt = 7;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), 0);
	struct sctp_paddrparams got;
	memset(&got, 0, sizeof(got));
	memcpy(&got.spp_address, &p.peer, sizeof(p.peer));
	socklen_t l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &got, &l), 0);
	assert_true(got.spp_flags & SPP_HB_ENABLE);
	assert_int_equal(got.spp_hbinterval, 0);
	assert_int_equal(got.spp_pathmaxrxt, 7);
	uint64_t peer_in = stats_of(p.a).pkts_in;
	assert_true(pkts_in_beyond(p.a, peer_in + 3, 5000)); /* several heartbeats */

	pp.spp_flags = SPP_HB_DISABLE;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)), 0);
	usleep(300000); /* an outstanding one may still be answered */
	peer_in = stats_of(p.a).pkts_in;
	usleep(500000);
	assert_int_equal(stats_of(p.a).pkts_in, peer_in);
	pair_close(&p);
}

static void rtoinfo_on_an_established_association_is_the_rto_in_use(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	struct sctp_rtoinfo rto = {
	    .srto_assoc_id = p.cid, .srto_initial = 777, .srto_min = 777, .srto_max = 777};
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)), 0);
	struct sctp_rtoinfo got = {.srto_assoc_id = p.cid};
	socklen_t l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_RTOINFO, &got, &l), 0);
	assert_int_equal(got.srto_initial, 777);
	assert_int_equal(got.srto_min, 777);
	assert_int_equal(got.srto_max, 777);
	assert_int_equal(stats_of(p.c).rto_ms, 777);
	/* min > max is refused and changes nothing. */
	struct sctp_rtoinfo bad = {.srto_assoc_id = p.cid, .srto_min = 900};
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_RTOINFO, &bad, sizeof(bad)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(stats_of(p.c).rto_ms, 777);
	/* And data still flows under the new RTO. */
	assert_int_equal(chunks_for_message(&p, 100), 1);
	pair_close(&p);
}

static void associnfo_nodelay_and_buffers_read_back_live(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	struct sctp_assocparams ap;
	memset(&ap, 0, sizeof(ap));
	ap.sasoc_assoc_id = p.cid;
	ap.sasoc_asocmaxrxt = 4;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap)), 0);
	memset(&ap, 0, sizeof(ap));
	socklen_t l = sizeof(ap);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, &l), 0);
	assert_int_equal(ap.sasoc_asocmaxrxt, 4);

	int v = 1, got = 0;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_NODELAY, &v, sizeof(v)), 0);
	l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_NODELAY, &got, &l), 0);
	assert_int_equal(got, 1);

	v = 500000;
	assert_int_equal(usctp_setsockopt(p.c, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	l = sizeof(got);
	assert_int_equal(usctp_getsockopt(p.c, SOL_SOCKET, SO_SNDBUF, &got, &l), 0);
	assert_int_equal(got, 500000);
	pair_close(&p);
}

static uint32_t peer_rwnd_seen_by(int fd)
{
	struct sctp_status st;
	memset(&st, 0, sizeof(st));
	socklen_t l = sizeof(st);
	assert_int_equal(usctp_getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &l), 0);
	return st.sstat_rwnd;
}

static void rcvbuf_grown_live_opens_the_window_the_peer_sees(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	int cur = 0;
	socklen_t l = sizeof(cur);
	assert_int_equal(usctp_getsockopt(p.a, SOL_SOCKET, SO_RCVBUF, &cur, &l), 0);
	uint32_t before = peer_rwnd_seen_by(p.c);
	assert_true(before > 0 && before <= (uint32_t)cur);
	int v = cur * 4;
	assert_int_equal(usctp_setsockopt(p.a, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	l = sizeof(cur);
	assert_int_equal(usctp_getsockopt(p.a, SOL_SOCKET, SO_RCVBUF, &cur, &l), 0);
	assert_int_equal(cur, v);
	/* The window update reaches the client with no data sent. */
	uint32_t after = before;
	uint64_t end = su_ms() + 3000;
	while (su_ms() < end && (after = peer_rwnd_seen_by(p.c)) <= before)
		usleep(5000);
	assert_true(after > before);
	assert_true(after > (uint32_t)v / 2);
	/* Shrinking leaves the association's buffer as it is. */
	int small = 8192;
	assert_int_equal(usctp_setsockopt(p.a, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	l = sizeof(cur);
	assert_int_equal(usctp_getsockopt(p.a, SOL_SOCKET, SO_RCVBUF, &cur, &l), 0);
	assert_int_equal(cur, v);
	pair_close(&p);
}

/* ---- one-to-many: which associations an id names ---- */

static uint32_t maxseg_of(int fd, sctp_assoc_t id)
{
	struct sctp_assoc_value v = {.assoc_id = id};
	socklen_t l = sizeof(v);
	assert_int_equal(usctp_getsockopt(fd, IPPROTO_SCTP, SCTP_MAXSEG, &v, &l), 0);
	return v.assoc_value;
}

static void set_maxseg(int fd, sctp_assoc_t id, uint32_t value)
{
	struct sctp_assoc_value v = {.assoc_id = id, .assoc_value = value};
	assert_int_equal(usctp_setsockopt(fd, IPPROTO_SCTP, SCTP_MAXSEG, &v, sizeof(v)), 0);
}

static int client_to(uint16_t lport)
{
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(c >= 0);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);
	return c;
}

/* Ids of the server's associations, once it has n. */
static void server_ids(int srv, unsigned n, sctp_assoc_t *ids)
{
	uint32_t buf[8];
	uint64_t end = su_ms() + 3000;
	for (;;) {
		socklen_t l = sizeof(buf);
		assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, buf, &l), 0);
		if (buf[0] >= n)
			break;
		assert_true(su_ms() < end);
		usleep(5000);
	}
	assert_int_equal(buf[0], n);
	for (unsigned i = 0; i < n; i++)
		ids[i] = (sctp_assoc_t)buf[1 + i];
}

static bool has_id(const sctp_assoc_t *ids, unsigned n, sctp_assoc_t id)
{
	for (unsigned i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void future_current_and_all_assoc_ids_name_what_rfc6458_says(void **state)
{
	(void)state;
	uint16_t lport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &lport);
	assert_true(srv >= 0);
	su_encaps(srv, udp_port);
	int c1 = client_to(lport), c2 = client_to(lport);
	sctp_assoc_t ids[3];
	server_ids(srv, 2, ids);
	uint32_t path_fp = maxseg_of(srv, ids[0]); /* no bound: the path's */
	assert_true(path_fp > 1000);
	assert_int_equal(maxseg_of(srv, SCTP_FUTURE_ASSOC), 0);

	set_maxseg(srv, SCTP_CURRENT_ASSOC, 500); /* existing only */
	assert_int_equal(maxseg_of(srv, ids[0]), 500);
	assert_int_equal(maxseg_of(srv, ids[1]), 500);
	assert_int_equal(maxseg_of(srv, SCTP_FUTURE_ASSOC), 0);

	set_maxseg(srv, SCTP_FUTURE_ASSOC, 700); /* the template only */
	assert_int_equal(maxseg_of(srv, ids[0]), 500);
	assert_int_equal(maxseg_of(srv, ids[1]), 500);
	assert_int_equal(maxseg_of(srv, SCTP_FUTURE_ASSOC), 700);

	set_maxseg(srv, ids[1], 600); /* just that one */
	assert_int_equal(maxseg_of(srv, ids[0]), 500);
	assert_int_equal(maxseg_of(srv, ids[1]), 600);

	/* A new association starts from the template. */
	int c3 = client_to(lport);
	sctp_assoc_t all[3];
	server_ids(srv, 3, all);
	sctp_assoc_t id3 = 0;
	for (unsigned i = 0; i < 3; i++)
		if (!has_id(ids, 2, all[i]))
			id3 = all[i];
	assert_true(id3 > SCTP_ALL_ASSOC);
	assert_int_equal(maxseg_of(srv, id3), 700);

	set_maxseg(srv, SCTP_ALL_ASSOC, 900); /* all of them and the template */
	assert_int_equal(maxseg_of(srv, ids[0]), 900);
	assert_int_equal(maxseg_of(srv, ids[1]), 900);
	assert_int_equal(maxseg_of(srv, id3), 900);
	assert_int_equal(maxseg_of(srv, SCTP_FUTURE_ASSOC), 900);

	/* RTOINFO follows the same rules, checked on every target first. */
	struct sctp_rtoinfo rto = {.srto_assoc_id = SCTP_CURRENT_ASSOC, .srto_min = 300, .srto_max = 4000};
	assert_int_equal(usctp_setsockopt(srv, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)), 0);
	struct sctp_rtoinfo got = {.srto_assoc_id = id3};
	socklen_t l = sizeof(got);
	assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_RTOINFO, &got, &l), 0);
	assert_int_equal(got.srto_min, 300);
	assert_int_equal(got.srto_max, 4000);
	got.srto_assoc_id = SCTP_FUTURE_ASSOC;
	l = sizeof(got);
	assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_RTOINFO, &got, &l), 0);
	assert_true(got.srto_min != 300);

	/* Errors: an unknown id in a set or get; CURRENT / ALL in a get. */
	struct sctp_assoc_value v = {.assoc_id = 0x7fff0000, .assoc_value = 800};
	assert_int_equal(usctp_setsockopt(srv, IPPROTO_SCTP, SCTP_MAXSEG, &v, sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	l = sizeof(v);
	assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_MAXSEG, &v, &l), -1);
	assert_int_equal(errno, EINVAL);
	v.assoc_id = SCTP_CURRENT_ASSOC;
	l = sizeof(v);
	assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_MAXSEG, &v, &l), -1);
	assert_int_equal(errno, EINVAL);
	v.assoc_id = SCTP_ALL_ASSOC;
	l = sizeof(v);
	assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_MAXSEG, &v, &l), -1);
	assert_int_equal(errno, EINVAL);

	usctp_close(c1);
	usctp_close(c2);
	usctp_close(c3);
	usctp_close(srv);
}

/* SCTP_GET_PEER_ADDR_INFO reports the path to an address of the peer;
 * SCTP_PRIMARY_ADDR names one. Addresses the association lacks: EINVAL for
 * the info, EADDRNOTAVAIL for the primary. */
static void peer_address_info_and_primary_name_the_peer_s_addresses(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	/* A round trip first, so the path has an RTT measurement. */
	char buf[8];
	assert_int_equal(sctp_sendmsg(p.c, "ping", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	assert_int_equal(su_recv(p.a, buf, sizeof(buf), NULL, NULL, 3000), 4);
	struct sctp_paddrinfo pi;
	memset(&pi, 0, sizeof(pi));
	memcpy(&pi.spinfo_address, &p.peer, sizeof(p.peer));
	pi.spinfo_assoc_id = p.cid;
	socklen_t l = sizeof(pi);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &l), 0);
	assert_int_equal(pi.spinfo_state, SCTP_ACTIVE);
	assert_int_equal(pi.spinfo_mtu, 65000);
	assert_true(pi.spinfo_cwnd >= 4380);
	assert_true(pi.spinfo_rto >= 1 && pi.spinfo_rto <= 60000);
	struct sockaddr_in *a4 = (struct sockaddr_in *)&pi.spinfo_address;
	a4->sin_addr.s_addr = htonl(0x0a000001); /* 10.0.0.1: not the peer's */
	l = sizeof(pi);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &l), -1);
	assert_int_equal(errno, EINVAL);
	struct sctp_setprim sp;
	memset(&sp, 0, sizeof(sp));
	memcpy(&sp.ssp_addr, &p.peer, sizeof(p.peer));
	sp.ssp_assoc_id = p.cid;
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &sp, sizeof(sp)), 0);
	((struct sockaddr_in *)&sp.ssp_addr)->sin_addr.s_addr = htonl(0x0a000001);
	assert_int_equal(usctp_setsockopt(p.c, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &sp, sizeof(sp)), -1);
	assert_int_equal(errno, EADDRNOTAVAIL);
	/* The primary reads back as the peer's address. */
	memset(&sp, 0, sizeof(sp));
	sp.ssp_assoc_id = p.cid;
	l = sizeof(sp);
	assert_int_equal(usctp_getsockopt(p.c, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &sp, &l), 0);
	assert_memory_equal(&((struct sockaddr_in *)&sp.ssp_addr)->sin_addr,
			    &((struct sockaddr_in *)&p.peer)->sin_addr, 4);
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(maxseg_on_an_established_association_bounds_its_data_chunks),
	    cmocka_unit_test(fixed_path_mtu_on_the_peer_address_bounds_its_packets),
	    cmocka_unit_test(loopback_path_starts_at_65000_and_template_mtu_fixes_it),
	    cmocka_unit_test(peer_address_info_and_primary_name_the_peer_s_addresses),
	    cmocka_unit_test(heartbeat_on_demand_goes_out_and_is_answered),
	    cmocka_unit_test(heartbeats_enabled_live_flow_then_stop_when_disabled),
	    cmocka_unit_test(rtoinfo_on_an_established_association_is_the_rto_in_use),
	    cmocka_unit_test(associnfo_nodelay_and_buffers_read_back_live),
	    cmocka_unit_test(rcvbuf_grown_live_opens_the_window_the_peer_sees),
	    cmocka_unit_test(future_current_and_all_assoc_ids_name_what_rfc6458_says),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
