/*
 * Diagnostics on stderr, switched by USCTP_DEBUG (read once, at first use of
 * the runtime or the first log call):
 *   0 (or unset)  nothing
 *   1             errors: associations that fail, refused binds, I/O errors
 *   2             + state changes and association events
 *   3             + every SCTP packet sent and received (one line each)
 *
 * Off costs one load and one branch: USCTP_LOG tests the level before it
 * evaluates its arguments.
 */
#ifndef USCTP_COMMON_LOG_H
#define USCTP_COMMON_LOG_H

#include <stdatomic.h>

#define USCTP_LOG_ERR 1
#define USCTP_LOG_STATE 2
#define USCTP_LOG_PKT 3

/* The current level; -1 until USCTP_DEBUG has been read. */
extern atomic_int usctp_log_level_;

/* Read USCTP_DEBUG (once) and return the level. */
int usctp_log_init(void);
/* Set the level explicitly (overrides USCTP_DEBUG). */
void usctp_log_set_level(int level);

static inline int usctp_log_level(void)
{
	int l = atomic_load_explicit(&usctp_log_level_, memory_order_relaxed);
	return l < 0 ? usctp_log_init() : l;
}

/* One line on stderr: "usctp <secs> <tag>: <text>\n", written with a single
 * write() so lines from several threads do not interleave. */
void usctp_log_printf(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define USCTP_LOG(lvl, ...)                                                                                  \
	do {                                                                                                 \
		if (__builtin_expect(usctp_log_level() >= (lvl), 0))                                         \
			usctp_log_printf((lvl), __VA_ARGS__);                                                \
	} while (0)

#endif
