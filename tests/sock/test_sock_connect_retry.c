/*
 * A blocking usctp_connect whose first INIT is lost still completes: the
 * INIT retransmission timer (T1-init) must be running while connect waits.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "sockutil.h"

struct restore {
	int fd;
	uint16_t port;
};

/* After 150 ms, point the connecting socket back at the real peer. */
static void *restore_later(void *arg)
{
	struct restore *r = arg;
	usleep(150 * 1000);
	struct sctp_udpencaps u;
	memset(&u, 0, sizeof(u));
	u.sue_port = htons(r->port);
	usctp_setsockopt(r->fd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, sizeof(u));
	return NULL;
}

static void blocking_connect_survives_a_lost_init(void **state)
{
	(void)state;
	uint16_t udp = su_start();
	uint16_t lport = 0;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	assert_true(l >= 0);

	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(c >= 0);
	struct sctp_rtoinfo r = {.srto_initial = 100, .srto_max = 200, .srto_min = 50};
	assert_int_equal(usctp_setsockopt(c, IPPROTO_SCTP, SCTP_RTOINFO, &r, sizeof(r)), 0);
	struct timeval tv = {.tv_sec = 5};
	assert_int_equal(usctp_setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	su_encaps(c, su_free_udp_port()); /* nobody listens there: the first INIT is lost */

	pthread_t t;
	struct restore rs = {.fd = c, .port = udp};
	assert_int_equal(pthread_create(&t, NULL, restore_later, &rs), 0);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	uint64_t t0 = su_ms();
	int rc = usctp_connect(c, (struct sockaddr *)&ss, len);
	uint64_t took = su_ms() - t0;
	pthread_join(t, NULL);
	assert_int_equal(rc, 0);
	/* Up after an INIT retransmission (RTO 100 ms, then 200), well before the 5 s timeout. */
	assert_true(took >= 100);
	assert_true(took < 2000);
	usctp_close(c);
	usctp_close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(blocking_connect_survives_a_lost_init),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
