/* Interop peers: counters, clock and failure reporting. */
#define _GNU_SOURCE
#include "peer_common.h"

#include <stdarg.h>
#include <time.h>

struct opts o;
struct stats st;
uint64_t t_start;
int family;

uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void sleep_us(unsigned us)
{
	struct timespec ts = {.tv_sec = us / 1000000u, .tv_nsec = (long)(us % 1000000u) * 1000L};
	nanosleep(&ts, NULL);
}

void fail(const char *fmt, ...)
{
	va_list ap;
	st.errors++;
	if (st.errors > 20)
		return; /* counted, not printed: keep the log readable */
	va_start(ap, fmt);
	fprintf(stderr, "%s: error: ", peer_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	if (!o.verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: %5llu ms: ", peer_name, (unsigned long long)(now_ms() - t_start));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
