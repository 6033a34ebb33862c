/*
 * Two processes on loopback, each with its own runtime on its own UDP port
 * (USCTP_UDP_PORT): the child serves, the parent talks to it. The child
 * never sets the parent's UDP port: it learns it from the packets (RFC 6951).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockutil.h"
#include "testutil.h"

/* Child: echo every message back on the same stream, until the peer closes
 * (one-to-one) or `count` messages (one-to-many). Exit code 0 on success. */
static void child_echo(int family, int type, uint16_t sport, int ready_fd, int count)
{
	alarm(30);
	/* The runtime starts on first use with USCTP_UDP_PORT; another test
	 * may take the port first, so retry on a fresh one. */
	int l = -1;
	for (int tries = 0; tries < 20 && l < 0; tries++) {
		char port[16];
		snprintf(port, sizeof(port), "%u", su_free_udp_port());
		setenv("USCTP_UDP_PORT", port, 1);
		l = usctp_socket(family, type, IPPROTO_SCTP);
	}
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(family, sport, &ss);
	if (l < 0 || usctp_bind(l, (struct sockaddr *)&ss, len) < 0 || usctp_listen(l, 4) < 0)
		_exit(2);
	uint16_t udp = usctp_udp_port();
	if (write(ready_fd, &udp, sizeof(udp)) != sizeof(udp))
		_exit(3);
	int fd = l;
	if (type == SOCK_STREAM) {
		if (!(su_poll(l, POLLIN, 10000) & POLLIN))
			_exit(4);
		fd = usctp_accept(l, NULL, NULL);
		if (fd < 0)
			_exit(5);
	}
	static uint8_t buf[1 << 20];
	for (int i = 0; count == 0 || i < count; i++) {
		struct sctp_sndrcvinfo si;
		int flags = 0;
		size_t got = 0;
		for (;;) {
			ssize_t n = su_recv(fd, buf + got, sizeof(buf) - got, &si, &flags, 10000);
			if (n == 0 && type == SOCK_STREAM)
				goto done;
			if (n < 0)
				_exit(6);
			got += (size_t)n;
			if (flags & MSG_EOR)
				break;
		}
		struct sctp_sndrcvinfo out = si;
		out.sinfo_flags = 0;
		if (sctp_send(fd, buf, got, &out, 0) != (ssize_t)got)
			_exit(7);
	}
done:;
	/* A lingering close waits until the last echo is acknowledged and the
	 * association shut down, before usctp_finish aborts what is left. */
	struct linger lg = {.l_onoff = 1, .l_linger = 10};
	usctp_setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	usctp_close(fd);
	if (fd != l)
		usctp_close(l);
	usctp_finish();
	_exit(0);
}

static pid_t spawn(int family, int type, uint16_t sport, uint16_t *child_udp, int count)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child_echo(family, type, sport, p[1], count);
	}
	close(p[1]);
	assert_true(su_poll(p[0], POLLIN, 10000) & POLLIN);
	assert_int_equal(read(p[0], child_udp, sizeof(*child_udp)), sizeof(*child_udp));
	close(p[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int status = 0;
	for (int i = 0; i < 1000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			assert_true(WIFEXITED(status));
			assert_int_equal(WEXITSTATUS(status), 0);
			return;
		}
		usleep(10 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fail_msg("child did not finish");
}

static void exchange(int family, int type)
{
	uint16_t child_udp = 0;
	uint16_t sport = (uint16_t)(20000 + getpid() % 20000);
	const int count = 8;
	pid_t pid = spawn(family, type, sport, &child_udp, type == SOCK_SEQPACKET ? count : 0);
	su_start();
	int fd = usctp_socket(family, type, IPPROTO_SCTP);
	assert_true(fd >= 0);
	su_encaps(fd, child_udp);
	struct sockaddr_storage to;
	socklen_t tolen = su_loopback(family, sport, &to);
	if (type == SOCK_STREAM)
		assert_int_equal(usctp_connect(fd, (struct sockaddr *)&to, tolen), 0);
	static uint8_t out[1 << 20], in[1 << 20];
	size_t sizes[count];
	for (int i = 0; i < count; i++)
		sizes[i] = (size_t)1 << (i * 20 / (count - 1));
	for (int i = 0; i < count; i++) {
		for (size_t k = 0; k < sizes[i]; k++)
			out[k] = (uint8_t)(k * 13 + (size_t)i);
		ssize_t r =
		    sctp_sendmsg(fd, out, sizes[i], type == SOCK_SEQPACKET ? (struct sockaddr *)&to : NULL,
				 type == SOCK_SEQPACKET ? tolen : 0, htonl(7), 0, (uint16_t)i, 0, 0);
		assert_int_equal(r, (ssize_t)sizes[i]);
		size_t got = 0;
		struct sctp_sndrcvinfo si;
		for (int p = 0; p < 10000; p++) {
			int flags = 0;
			ssize_t n = su_recv(fd, in + got, sizeof(in) - got, &si, &flags, 10000);
			if (n <= 0)
				fprintf(stderr, "msg %d piece %d: n %zd errno %d got %zu\n", i, p, n, errno,
					got);
			assert_true(n > 0);
			got += (size_t)n;
			if (flags & MSG_EOR)
				break;
		}
		assert_int_equal(got, sizes[i]);
		assert_memory_equal(in, out, got);
		assert_int_equal(si.sinfo_stream, i);
		assert_int_equal(ntohl(si.sinfo_ppid), 7);
	}
	usctp_close(fd);
	reap(pid);
	usctp_finish();
}

static void one_to_one_across_processes_ipv4(void **state)
{
	(void)state;
	exchange(AF_INET, SOCK_STREAM);
}

static void one_to_many_across_processes_ipv4(void **state)
{
	(void)state;
	exchange(AF_INET, SOCK_SEQPACKET);
}

static void one_to_one_across_processes_ipv6(void **state)
{
	(void)state;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		skip();
	close(fd);
	exchange(AF_INET6, SOCK_STREAM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_to_one_across_processes_ipv4),
	    cmocka_unit_test(one_to_many_across_processes_ipv4),
	    cmocka_unit_test(one_to_one_across_processes_ipv6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
