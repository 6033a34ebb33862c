/* USCTP_DEBUG diagnostics (see log.h). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

atomic_int usctp_log_level_ = -1;

int usctp_log_init(void)
{
	int l = atomic_load(&usctp_log_level_);
	if (l >= 0)
		return l;
	const char *s = getenv("USCTP_DEBUG");
	l = 0;
	if (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end == '\0' && v > 0)
			l = v > 3 ? 3 : (int)v;
	}
	int expect = -1;
	atomic_compare_exchange_strong(&usctp_log_level_, &expect, l);
	return atomic_load(&usctp_log_level_);
}

void usctp_log_set_level(int level)
{
	atomic_store(&usctp_log_level_, level < 0 ? 0 : level > 3 ? 3 : level);
}

void usctp_log_printf(int level, const char *fmt, ...)
{
	static const char *const tag[] = {"", "error", "state", "pkt"};
	char line[1024];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	localtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof(line), "usctp %02d:%02d:%02d.%06ld [%d] %s: ", tm.tm_hour, tm.tm_min,
			 tm.tm_sec, ts.tv_nsec / 1000, (int)getpid(),
			 tag[level < 1	 ? 1
			     : level > 3 ? 3
					 : level]);
	if (n < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}
