/* Helpers for the relay tests: see lib_relay.h. */
#define _GNU_SOURCE
#include "lib_relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

uint64_t rl_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void rl_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const char *rl_relay_path(void)
{
	static char path[4096];
	const char *env = getenv("USCTP_RELAY");
	if (env && *env)
		return env;
	char self[4000];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return "usctp-relay";
	self[n] = 0;
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	/* Tests build in <build>/tests, the relay in <build>/tools. */
	static const char *const rel[] = {"/../tools/usctp-relay", "/../../tools/usctp-relay",
					  "/usctp-relay"};
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		snprintf(path, sizeof path, "%s%s", self, rel[i]);
		if (access(path, X_OK) == 0)
			return path;
	}
	fprintf(stderr,
		"lib_relay: usctp-relay not found next to %s: it is built by "
		"tools/relay/CMakeLists.txt (add_subdirectory(relay) in "
		"tools/CMakeLists.txt), or set USCTP_RELAY\n",
		self);
	return "usctp-relay";
}

uint16_t rl_base_port(void)
{
	return (uint16_t)(20000 + (getpid() % 2500) * 4);
}

static void read_some(struct rl_proc *p, int timeout_ms)
{
	struct pollfd pfd = {.fd = p->out_fd, .events = POLLIN};
	if (p->out_fd < 0 || poll(&pfd, 1, timeout_ms) <= 0)
		return;
	ssize_t n = read(p->out_fd, p->out + p->out_len, sizeof p->out - 1 - p->out_len);
	if (n <= 0) {
		close(p->out_fd);
		p->out_fd = -1;
		return;
	}
	p->out_len += (size_t)n;
	p->out[p->out_len] = 0;
}

static int decode(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int spawn(struct rl_proc *p, const char *const *args)
{
	memset(p, 0, sizeof *p);
	p->out_fd = -1;
	p->status = -1;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	const char *argv[64];
	int n = 0;
	argv[n++] = rl_relay_path();
	for (int i = 0; args[i] && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	p->pid = pid;
	p->out_fd = fds[0];
	return 0;
}

/* Collects output until EOF and reaps, within timeout_ms; kills on timeout. */
static int finish(struct rl_proc *p, int timeout_ms)
{
	uint64_t end = rl_now_ms() + (uint64_t)timeout_ms;
	while (p->out_fd >= 0 && rl_now_ms() < end)
		read_some(p, 50);
	int st;
	for (;;) {
		pid_t r = waitpid(p->pid, &st, WNOHANG);
		if (r == p->pid)
			break;
		if (rl_now_ms() >= end) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			break;
		}
		rl_sleep_ms(10);
	}
	while (p->out_fd >= 0)
		read_some(p, 0);
	p->status = decode(st);
	if (p->out_fd >= 0)
		close(p->out_fd);
	p->out_fd = -1;
	return p->status;
}

int rl_start(struct rl_proc *p, const char *const *args)
{
	if (spawn(p, args) < 0)
		return -1;
	uint64_t end = rl_now_ms() + 3000;
	while (rl_now_ms() < end && p->out_fd >= 0) {
		if (strstr(p->out, "usctp-relay: ready"))
			return 0;
		read_some(p, 50);
	}
	if (strstr(p->out, "usctp-relay: ready"))
		return 0;
	kill(p->pid, SIGKILL);
	finish(p, 1000);
	fprintf(stderr, "relay did not start (status %d): %s\n", p->status, p->out);
	return -1;
}

int rl_stop(struct rl_proc *p)
{
	kill(p->pid, SIGTERM);
	return finish(p, 3000);
}

int rl_run(struct rl_proc *p, const char *const *args, int timeout_ms)
{
	if (spawn(p, args) < 0)
		return -1;
	return finish(p, timeout_ms);
}

long long rl_counter(const struct rl_proc *p, const char *dir, const char *name)
{
	char head[32], key[64];
	snprintf(head, sizeof head, "usctp-relay: %s ", dir);
	snprintf(key, sizeof key, " %s=", name);
	const char *line = NULL, *s = p->out;
	while ((s = strstr(s, head)) != NULL) {
		line = s;
		s += strlen(head);
	}
	if (!line)
		return -1;
	const char *eol = strchr(line, '\n');
	const char *k = strstr(line, key);
	if (!k || (eol && k > eol))
		return -1;
	return strtoll(k + strlen(key), NULL, 10);
}

int rl_udp(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int big = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int rl_send(int fd, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&sin, sizeof sin);
	return n == (ssize_t)len ? 0 : -1;
}

ssize_t rl_recv(int fd, void *buf, size_t cap, int timeout_ms, uint16_t *from_port)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	if (n >= 0 && from_port)
		*from_port = ntohs(from.sin_port);
	return n;
}

size_t rl_dgram(uint8_t *buf, uint32_t seq)
{
	size_t len = 20 + (size_t)(seq * 37u % 1200u);
	buf[0] = (uint8_t)(seq >> 24);
	buf[1] = (uint8_t)(seq >> 16);
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	for (size_t i = 4; i < len; i++)
		buf[i] = (uint8_t)(seq * 31u + i * 7u);
	return len;
}

long rl_dgram_check(const uint8_t *buf, size_t len)
{
	if (len < 4)
		return -1;
	uint32_t seq = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	uint8_t want[1220];
	if (rl_dgram(want, seq & 0xffffu) != len || seq > 0xffffu)
		return -1;
	return memcmp(want, buf, len) == 0 ? (long)seq : -1;
}

static void take(int srv, int *counts, uint32_t n, int *bad, int timeout_ms)
{
	uint8_t buf[2048];
	ssize_t len;
	while ((len = rl_recv(srv, buf, sizeof buf, timeout_ms, NULL)) >= 0) {
		long s = rl_dgram_check(buf, (size_t)len);
		if (s >= 0 && (uint32_t)s < n)
			counts[s]++;
		else
			(*bad)++;
	}
}

int rl_pump(int cli, uint16_t lport, int srv, uint32_t n, int *counts, int settle_ms)
{
	uint8_t out[1220];
	int bad = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (rl_send(cli, lport, out, rl_dgram(out, i)) < 0)
			bad += 1000000; /* a send failure: makes any count assertion fail */
		take(srv, counts, n, &bad, 0);
		if (i % 4 == 3)
			rl_sleep_ms(1); /* a burst the relay's buffer holds even if it is descheduled */
	}
	take(srv, counts, n, &bad, settle_ms);
	return bad;
}

int rl_start_pair(struct rl_proc *p, uint16_t lport, uint16_t sport, const char *const *extra)
{
	static char l[16], t[32];
	snprintf(l, sizeof l, "%u", (unsigned)lport);
	snprintf(t, sizeof t, "127.0.0.1:%u", (unsigned)sport);
	const char *args[48] = {"--listen", l, "--target", t};
	int n = 4;
	for (int i = 0; extra && extra[i] && n < 47; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	return rl_start(p, args);
}
