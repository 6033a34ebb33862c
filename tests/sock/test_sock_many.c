/*
 * Many associations on one one-to-many socket: 1000 peers set up implicitly
 * by their first message, each answered by association id.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sockutil.h"
#include "testutil.h"

enum { PEERS = 1000 };

static void a_thousand_associations_on_one_one_to_many_socket(void **state)
{
	(void)state;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < 3 * PEERS + 64) {
		rl.rlim_cur = rl.rlim_max < 4 * PEERS ? rl.rlim_max : 4 * PEERS;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < 3 * PEERS + 64)
			skip();
	}
	uint16_t udp = su_start();
	uint16_t sport;
	int srv = su_listener(AF_INET, SOCK_SEQPACKET, &sport);
	assert_true(srv >= 0);
	su_encaps(srv, udp);
	static int cli[PEERS];
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(AF_INET, sport, &to);
	for (int i = 0; i < PEERS; i++) {
		cli[i] = usctp_socket(AF_INET, SOCK_SEQPACKET | SOCK_NONBLOCK, IPPROTO_SCTP);
		assert_true(cli[i] >= 0);
		su_encaps(cli[i], udp);
		uint32_t v = (uint32_t)i;
		assert_int_equal(
		    sctp_sendmsg(cli[i], &v, sizeof(v), (struct sockaddr *)&to, tolen, 0, 0, 0, 0, 0),
		    sizeof(v));
	}
	/* Every peer's message arrives, each on its own association. */
	static sctp_assoc_t ids[PEERS];
	static bool seen[PEERS];
	int got = 0;
	uint64_t end = su_ms() + 30000;
	while (got < PEERS && su_ms() < end) {
		uint32_t v;
		struct sctp_sndrcvinfo si;
		int flags = 0;
		ssize_t n = su_recv(srv, &v, sizeof(v), &si, &flags, 5000);
		if (n == -2)
			break;
		if (n < 0 || (flags & MSG_NOTIFICATION))
			continue;
		assert_int_equal(n, sizeof(v));
		assert_true(v < PEERS);
		assert_false(seen[v]);
		seen[v] = true;
		ids[v] = si.sinfo_assoc_id;
		got++;
	}
	assert_int_equal(got, PEERS);
	uint32_t count = 0;
	socklen_t cl = sizeof(count);
	assert_int_equal(usctp_getsockopt(srv, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &count, &cl), 0);
	assert_int_equal(count, PEERS);
	/* Answer each by id; each peer gets its own answer. */
	for (int i = 0; i < PEERS; i++) {
		for (int j = 0; j < i && j < 8; j++)
			assert_true(ids[j] != ids[i]);
		struct sctp_sndrcvinfo snd;
		memset(&snd, 0, sizeof(snd));
		snd.sinfo_assoc_id = ids[i];
		uint32_t v = (uint32_t)i ^ 0xabcdu;
		assert_int_equal(sctp_send(srv, &v, sizeof(v), &snd, 0), sizeof(v));
	}
	for (int i = 0; i < PEERS; i++) {
		uint32_t v = 0;
		assert_int_equal(su_recv(cli[i], &v, sizeof(v), NULL, NULL, 5000), sizeof(v));
		assert_int_equal(v, (uint32_t)i ^ 0xabcdu);
	}
	for (int i = 0; i < PEERS; i++)
		usctp_close(cli[i]);
	usctp_close(srv);
	usctp_finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_thousand_associations_on_one_one_to_many_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
