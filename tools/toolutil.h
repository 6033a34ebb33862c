/*
 * Shared by the command-line tools (usctp-cat, usctp-perf): argument
 * parsing, name resolution, runtime start with clear errors, printing of
 * notifications and association counters. Public API only (usctp.h).
 */
#ifndef USCTP_TOOLS_TOOLUTIL_H
#define USCTP_TOOLS_TOOLUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "usctp.h"

/* Exit statuses, the same for every tool (documented in --help and docs/tools.md). */
enum {
	TOOL_EXIT_OK = 0,
	TOOL_EXIT_FAIL = 1,	 /* an error not listed below (I/O, out of memory, peer misbehaved) */
	TOOL_EXIT_USAGE = 2,	 /* bad option or argument */
	TOOL_EXIT_RESOLVE = 3,	 /* unknown host or bad address */
	TOOL_EXIT_ADDRINUSE = 4, /* local UDP or SCTP port in use (or not allowed) */
	TOOL_EXIT_REFUSED = 5,	 /* the association could not be set up (refused, timed out) */
	TOOL_EXIT_ABORTED = 6,	 /* the association was aborted or lost */
	TOOL_EXIT_CHECK = 7,	 /* usctp-perf: counts or data did not check out */
};

#define TOOL_EXIT_HELP                                                                                       \
	"Exit status: 0 success; 1 other error; 2 bad option or argument; 3 unknown host or\n"               \
	"bad address; 4 local UDP or SCTP port in use; 5 association could not be set up\n"                  \
	"(refused or timed out); 6 association aborted or lost; 7 (usctp-perf) counts did\n"                 \
	"not match.\n"

extern const char *tool_name;

/* Print "<tool>: <message>" on stderr and exit with code. */
void tool_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* Print "<tool>: <message>" on stderr. */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A bad argument: the message, a hint to --help, exit TOOL_EXIT_USAGE. */
void tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Parse an unsigned integer in [min, max] for option name, or exit 2. */
uint64_t tool_parse_uint(const char *s, uint64_t min, uint64_t max, const char *name);
/* Parse a size with an optional k/K, m/M, g/G suffix (powers of 1024), or exit 2. */
uint64_t tool_parse_size(const char *s, uint64_t min, uint64_t max, const char *name);
/* Parse a non-negative number of seconds (decimals allowed), or exit 2. */
double tool_parse_seconds(const char *s, const char *name);

/* Resolve host (NULL: the wildcard) and port for family (AF_UNSPEC: the
 * first the resolver gives), or exit 3 with a clear message. */
socklen_t tool_resolve(const char *host, uint16_t port, int family, bool passive,
		       struct sockaddr_storage *ss);
/* "addr:port" for printing. */
const char *tool_addr_str(const struct sockaddr *sa, char *buf, size_t len);

/* Start the runtime on udp_port (0: USCTP_UDP_PORT or 9899), or exit 4 with
 * a message naming the port. */
void tool_start_runtime(uint16_t udp_port);
/* Make sd's associations send to the peer's UDP port (0: leave default). */
void tool_set_remote_udp_port(int sd, uint16_t port);
/* Subscribe sd to the notification types in types[0..n). */
void tool_subscribe(int sd, const uint16_t *types, unsigned n);

/* One readable line on out for a notification. */
void tool_print_notification(FILE *out, const void *buf, size_t len);
/* One readable line on out for the counters of an association. */
void tool_print_stats(FILE *out, const struct usctp_stats *st);
/* errno of a failed connect / send -> exit status. */
int tool_exit_for_errno(int e);

/* Close sd, waiting (up to 5 s) for the graceful shutdown to complete:
 * the runtime stops at exit and would abort what is still open. */
void tool_close_graceful(int sd);
/* Monotonic seconds. */
double tool_now(void);

#endif
