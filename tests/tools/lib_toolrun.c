/* Helpers for the tool tests (see lib_toolrun.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib_toolrun.h"

const char *tr_tool(const char *name)
{
	static char path[8][4096];
	static unsigned next;
	char self[3800];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = 0;
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	/* Tests build in <build>/tests, the tools in <build>/tools. */
	static const char *const rel[] = {"/../tools/", "/../../tools/", "/"};
	char *p = path[next++ % 8];
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(p, sizeof(path[0]), "%s%s%s", self, rel[i], name);
		if (access(p, X_OK) == 0)
			return p;
	}
	fprintf(stderr, "lib_toolrun: %s not found near %s (built by tools/CMakeLists.txt)\n", name, self);
	return NULL;
}

static bool udp_free(int family, uint16_t port, uint16_t *got)
{
	int fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0)
		return family == AF_INET6; /* no IPv6 on this host: fine */
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	if (family == AF_INET6) {
		int one = 1;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	}
	bool ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	if (ok && got) {
		len = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &len);
		*got = ntohs(((struct sockaddr_in *)&ss)->sin_port); /* same offset in sockaddr_in6 */
	}
	close(fd);
	return ok;
}

uint16_t tr_free_udp_port(void)
{
	for (int i = 0; i < 100; i++) {
		uint16_t p = 0;
		if (udp_free(AF_INET, 0, &p) && p && udp_free(AF_INET6, p, NULL))
			return p;
	}
	return 0;
}

static char tmpdir[512];
static pid_t tmpdir_owner;

/* At exit: remove the scratch directory (flat: files only), unless
 * USCTP_KEEP_TMP is set, to look at the captures and logs. */
static void tmpdir_remove(void)
{
	if (getpid() != tmpdir_owner || getenv("USCTP_KEEP_TMP"))
		return;
	DIR *d = opendir(tmpdir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char p[1024];
			snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
	}
	closedir(d);
	rmdir(tmpdir);
}

const char *tr_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(tmpdir, sizeof(tmpdir), "%s/usctp-tools-XXXXXX", t && *t ? t : "/tmp");
		if (mkdtemp(tmpdir)) {
			tmpdir_owner = getpid();
			atexit(tmpdir_remove);
		} else {
			snprintf(tmpdir, sizeof(tmpdir), "/tmp");
		}
	}
	return tmpdir;
}

const char *tr_path(const char *name)
{
	static char buf[8][1024];
	static unsigned next;
	char *p = buf[next++ % 8];
	snprintf(p, sizeof(buf[0]), "%s/%s", tr_tmpdir(), name);
	return p;
}

static void redirect(const char *path, int fd, int flags)
{
	int f = open(path ? path : "/dev/null", flags, 0644);
	if (f < 0)
		_exit(126);
	dup2(f, fd);
	close(f);
}

pid_t tr_spawn(const char *const *argv, const char *in, const char *out, const char *err,
	       const char *const *env)
{
	fflush(NULL);
	/* Gone before the child starts, so nobody reads a previous run's file. */
	if (out)
		unlink(out);
	if (err)
		unlink(err);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	redirect(in, 0, O_RDONLY);
	redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
	redirect(err, 2, O_WRONLY | O_CREAT | O_TRUNC);
	for (int i = 0; env && env[i]; i++)
		putenv((char *)env[i]);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

int tr_wait(pid_t pid, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0)
			return -1;
		tr_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fprintf(stderr, "lib_toolrun: pid %d did not finish within %d ms: killed\n", (int)pid, timeout_ms);
	return -1;
}

int tr_run(const char *const *argv, const char *in, const char *out, const char *err, const char *const *env,
	   int timeout_ms)
{
	return tr_wait(tr_spawn(argv, in, out, err, env), timeout_ms);
}

char *tr_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

void tr_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

uint64_t tr_fnv(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

bool tr_file_has(const char *path, const char *needle)
{
	char *s = tr_read(path, NULL);
	bool r = s && strstr(s, needle);
	free(s);
	return r;
}

void tr_sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

bool tr_have_program(const char *program)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char *copy = strdup(path), *save = NULL;
	bool found = false;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char p[1024];
		snprintf(p, sizeof(p), "%s/%s", d, program);
		found = access(p, X_OK) == 0;
	}
	free(copy);
	return found;
}

bool tr_wait_file_has(const char *path, const char *needle, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (tr_file_has(path, needle))
			return true;
		tr_sleep_ms(10);
	}
	return false;
}
