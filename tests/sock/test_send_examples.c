/*
 * The guide's example programs (docs/examples/) compile (they are included
 * here, each main renamed) and work: each runs as its own processes, with
 * its own runtime and UDP port, as a user would run it, and must exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockutil.h"
#include "testutil.h"

#define main one_to_one_main
#define server o2o_server
#define client o2o_client
#include "../../docs/examples/one_to_one.c"
#undef main
#undef server
#undef client

#define main one_to_many_main
#define server o2m_server
#define client o2m_client
#include "../../docs/examples/one_to_many.c"
#undef main
#undef server
#undef client

typedef int (*example_main)(int argc, char **argv);

/* Run ex(argv) in a child with its own UDP port; its stdout goes to *out
 * (if given) or nowhere. Returns the pid. */
static pid_t spawn(example_main ex, char **argv, uint16_t udp_port, int *out)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(30); /* bounded, whatever happens */
		int fd = out ? p[1] : open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		close(p[0]);
		close(p[1]);
		char port[8];
		snprintf(port, sizeof(port), "%u", udp_port);
		setenv("USCTP_UDP_PORT", port, 1);
		int argc = 0;
		while (argv[argc])
			argc++;
		exit(ex(argc, argv));
	}
	close(p[1]);
	if (out)
		*out = p[0];
	else
		close(p[0]);
	return pid;
}

/* Wait for a line starting with want on fd (bounded). */
static bool wait_line(int fd, const char *want, int timeout_ms)
{
	char buf[256];
	size_t n = 0;
	uint64_t end = su_ms() + (uint64_t)timeout_ms;
	while (su_ms() < end && n < sizeof(buf) - 1) {
		if (!(su_poll(fd, POLLIN, (int)(end - su_ms()) + 1) & POLLIN))
			return false;
		ssize_t k = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (k <= 0)
			return false;
		n += (size_t)k;
		buf[n] = 0;
		if (strstr(buf, want))
			return true;
	}
	return false;
}

/* The child's exit status (bounded wait; killed on timeout: -1). */
static int reap(pid_t pid, int timeout_ms)
{
	uint64_t end = su_ms() + (uint64_t)timeout_ms;
	int st = 0;
	while (su_ms() < end) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static void the_one_to_one_example_echoes_and_shuts_down(void **state)
{
	(void)state;
	uint16_t u1 = su_free_udp_port(), u2 = su_free_udp_port();
	assert_int_not_equal(u1, u2);
	char u1s[8];
	snprintf(u1s, sizeof(u1s), "%u", u1);
	char *sargv[] = {"one_to_one", "server", "5001", NULL};
	int out = -1;
	pid_t srv = spawn(one_to_one_main, sargv, u1, &out);
	assert_true(wait_line(out, "listening", 10000));
	char *cargv[] = {"one_to_one", "client", "127.0.0.1", "5001", u1s, NULL};
	pid_t cli = spawn(one_to_one_main, cargv, u2, NULL);
	assert_int_equal(reap(cli, 20000), 0);
	assert_true(wait_line(out, "echoed 4 messages", 10000)); /* 3 echoed, and "bye" */
	assert_int_equal(reap(srv, 20000), 0);
	close(out);
}

static void the_one_to_many_example_serves_two_clients(void **state)
{
	(void)state;
	uint16_t u[3];
	for (int i = 0; i < 3; i++) {
		u[i] = su_free_udp_port();
		for (int j = 0; j < i; j++)
			assert_int_not_equal(u[i], u[j]);
	}
	char u0s[8];
	snprintf(u0s, sizeof(u0s), "%u", u[0]);
	char *sargv[] = {"one_to_many", "server", "5002", "2", NULL};
	int out = -1;
	pid_t srv = spawn(one_to_many_main, sargv, u[0], &out);
	assert_true(wait_line(out, "listening", 10000));
	char *c1[] = {"one_to_many", "client", "127.0.0.1", "5002", u0s, "6001", NULL};
	char *c2[] = {"one_to_many", "client", "127.0.0.1", "5002", u0s, "6002", NULL};
	pid_t p1 = spawn(one_to_many_main, c1, u[1], NULL);
	pid_t p2 = spawn(one_to_many_main, c2, u[2], NULL);
	assert_int_equal(reap(p1, 20000), 0);
	assert_int_equal(reap(p2, 20000), 0);
	assert_true(wait_line(out, "served 2 clients", 10000));
	assert_int_equal(reap(srv, 20000), 0);
	close(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_one_to_one_example_echoes_and_shuts_down),
	    cmocka_unit_test(the_one_to_many_example_serves_two_clients),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
