/*
 * usctp core: a timer is a value (a deadline), not a thread. The association
 * reports the minimum over its timers and runs the due ones when told.
 */
#ifndef USCTP_CORE_TIMER_H
#define USCTP_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "assoc.h"

struct usctp_timer {
	uint64_t deadline; /* USCTP_TIME_NEVER when stopped */
};

static inline void usctp_timer_stop(struct usctp_timer *t)
{
	t->deadline = USCTP_TIME_NEVER;
}
static inline void usctp_timer_start(struct usctp_timer *t, uint64_t now, uint64_t dur)
{
	t->deadline = (dur > USCTP_TIME_NEVER - now) ? USCTP_TIME_NEVER - 1 : now + dur;
}
static inline bool usctp_timer_running(const struct usctp_timer *t)
{
	return t->deadline != USCTP_TIME_NEVER;
}
/* Due: running and the deadline reached. */
static inline bool usctp_timer_due(const struct usctp_timer *t, uint64_t now)
{
	return t->deadline != USCTP_TIME_NEVER && now >= t->deadline;
}
static inline uint64_t usctp_time_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

#endif
