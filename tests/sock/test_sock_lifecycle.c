/*
 * The runtime's lifecycle as users see it: first use starts it, usctp_finish
 * tears everything down with no thread left behind, and it starts again.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockutil.h"
#include "testutil.h"

/* Threads of this process named usctp-io (the runtime's I/O thread). */
static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[300], name[64] = "";
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (f) {
			if (fgets(name, sizeof(name), f) && strncmp(name, "usctp-io", 8) == 0)
				n++;
			fclose(f);
		}
	}
	if (d)
		closedir(d);
	return n;
}

static void connected_pair_and_exchange(uint16_t udp)
{
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	assert_true(l >= 0);
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(c, udp);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);
	assert_true(su_poll(l, POLLIN, 3000) & POLLIN);
	int a = usctp_accept(l, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(sctp_sendmsg(c, "x", 1, NULL, 0, 0, 0, 0, 0, 0), 1);
	char b[4];
	assert_int_equal(su_recv(a, b, sizeof(b), NULL, NULL, 3000), 1);
	/* Left open on purpose: usctp_finish must clean up. */
}

static void init_finish_init_again_leaves_nothing_behind(void **state)
{
	(void)state;
	int threads_before = count_threads();
	assert_int_equal(threads_before, 0);
	for (int round = 0; round < 3; round++) {
		uint16_t udp = su_start();
		assert_int_equal(usctp_udp_port(), udp);
		assert_int_equal(count_threads(), threads_before + 1);
		int fd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
		connected_pair_and_exchange(udp);
		usctp_finish();
		assert_int_equal(usctp_udp_port(), 0);
		assert_int_equal(count_threads(), threads_before);
		/* The sockets went with the runtime. */
		assert_int_equal(fcntl(fd, F_GETFD), -1);
		assert_int_equal(usctp_listen(fd, 1), -1);
		assert_int_equal(errno, EBADF);
	}
}

static void the_first_socket_starts_the_runtime(void **state)
{
	(void)state;
	uint16_t port = su_free_udp_port();
	char buf[16];
	snprintf(buf, sizeof(buf), "%u", port);
	setenv("USCTP_UDP_PORT", buf, 1);
	assert_int_equal(usctp_udp_port(), 0);
	int fd = usctp_socket(AF_INET6, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(fd >= 0);
	assert_int_equal(usctp_udp_port(), port);
	/* An explicit other port now is refused: the runtime is running. */
	assert_int_equal(usctp_init((uint16_t)(port == 65535 ? 1 : port + 1)), -1);
	assert_int_equal(errno, EBUSY);
	usctp_close(fd);
	usctp_finish();
	unsetenv("USCTP_UDP_PORT");
}

static int finish(void **state)
{
	(void)state;
	usctp_finish();
	unsetenv("USCTP_UDP_PORT");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(init_finish_init_again_leaves_nothing_behind, finish),
	    cmocka_unit_test_teardown(the_first_socket_starts_the_runtime, finish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
