/*
 * Stragglers of a closed association. SCTP has no TIME-WAIT: a packet of an
 * association still in flight when it closes arrives out of the blue. usctp
 * drops it silently for a few seconds instead of answering ABORT (RFC 9260
 * 8.4 rule 8 is a SHOULD), because that ABORT can overtake our SHUTDOWN
 * COMPLETE and turn the peer's clean close into COMM_LOST; a SHUTDOWN ACK is
 * still answered with SHUTDOWN COMPLETE (8.4 rule 5). Packets are forged
 * from a plain UDP socket; the association's tag is read from the library's
 * internals (tests only).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "sock/sock.h"
#include "sockutil.h"
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

struct old_assoc {
	uint16_t lport, pport;
	uint32_t vtag;
};

/* The one association of fd: its ports and our tag. */
static struct old_assoc assoc_of(int fd)
{
	struct usctp_sock *s;
	assert_int_equal(usctp_sock_get(fd, &s), 0);
	pthread_mutex_lock(&s->lock);
	assert_non_null(s->assocs);
	struct old_assoc o = {.lport = s->assocs->lport, .pport = s->assocs->pport,
			      .vtag = atomic_load(&s->assocs->local_vtag)};
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	return o;
}

/* Send one forged SCTP packet (one chunk) to the runtime; return the first
 * chunk type of the answer, or -1 if none came within 300 ms. */
static int forge(int u, const struct old_assoc *o, uint32_t vtag, uint8_t type, uint8_t *flags_out)
{
	uint8_t pkt[64];
	struct usctp_wbuf w;
	usctp_wbuf_init(&w, pkt, sizeof(pkt));
	assert_int_equal(usctp_build_hdr(&w, o->pport, o->lport, vtag), 0);
	if (type == USCTP_CHUNK_DATA)
		assert_int_equal(usctp_build_data(&w, USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E, 12345, 0, 0, 0, "late", 4),
				 0);
	else
		assert_int_equal(usctp_build_chunk(&w, type, 0, NULL, 0), 0);
	usctp_build_finish(&w);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(udp_port)};
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(sendto(u, pkt, w.len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)w.len);
	struct pollfd p = {.fd = u, .events = POLLIN};
	if (poll(&p, 1, 300) != 1)
		return -1;
	uint8_t in[256];
	ssize_t n = recv(u, in, sizeof(in), 0);
	assert_true(n >= 16);
	*flags_out = in[13];
	return in[12];
}

static void stragglers_of_a_closed_association_are_dropped_but_shutdown_ack_answered(void **state)
{
	(void)state;
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);
	int a = usctp_accept(l, NULL, NULL);
	assert_true(a >= 0);
	struct old_assoc o = assoc_of(a);
	assert_true(o.vtag != 0);
	/* A clean close, both ends gone. */
	assert_int_equal(usctp_close(c), 0);
	char buf[8];
	assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, NULL, 5000), 0); /* EOF */
	assert_int_equal(usctp_close(a), 0);
	struct usctp_ipaddr lo = {.family = 4, .bytes = {127, 0, 0, 1}};
	bool gone = false;
	for (int i = 0; i < 500 && !gone; i++) {
		gone = usctp_demux_recently_closed(o.lport, o.pport, &lo, o.vtag, usctp_now());
		if (!gone)
			usleep(10 * 1000);
	}
	assert_true(gone);

	/* The peer's address and ports are 127.0.0.1 and the old SCTP ports;
	 * the UDP port does not matter. */
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(u >= 0);
	struct sockaddr_in me = {.sin_family = AF_INET};
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(u, (struct sockaddr *)&me, sizeof(me)), 0);
	uint8_t flags = 0;
	/* A late DATA with the old tag: no answer. */
	assert_int_equal(forge(u, &o, o.vtag, USCTP_CHUNK_DATA, &flags), -1);
	/* The same with another tag is an ordinary out-of-the-blue packet:
	 * ABORT with the T bit (8.4 rule 8), so the silence above is the
	 * association's, not a lost packet. */
	assert_int_equal(forge(u, &o, o.vtag ^ 0x5a5a5a5au, USCTP_CHUNK_DATA, &flags), USCTP_CHUNK_ABORT);
	assert_int_equal(flags & USCTP_FLAG_T, USCTP_FLAG_T);
	/* A SHUTDOWN ACK with the old tag (our SHUTDOWN COMPLETE was lost) is
	 * still answered: SHUTDOWN COMPLETE with the T bit (8.4 rule 5). */
	assert_int_equal(forge(u, &o, o.vtag, USCTP_CHUNK_SHUTDOWN_ACK, &flags), USCTP_CHUNK_SHUTDOWN_COMPLETE);
	assert_int_equal(flags & USCTP_FLAG_T, USCTP_FLAG_T);
	close(u);
	usctp_close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stragglers_of_a_closed_association_are_dropped_but_shutdown_ack_answered),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
