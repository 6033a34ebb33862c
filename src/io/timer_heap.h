/* Internal to src/io: the I/O thread's view of the timer heap. */
#ifndef USCTP_IO_TIMER_HEAP_H
#define USCTP_IO_TIMER_HEAP_H

#include "rt.h"

/* Earliest due time in the heap (UINT64_MAX if empty). */
uint64_t usctp_timer_heap_next(void);
/* Pop up to max timers due at or before now (each held, see struct
 * usctp_timer) into out; returns how many. */
unsigned usctp_timer_heap_pop_due(uint64_t now, struct usctp_timer **out, unsigned max);
/* Drop the heap's storage (at runtime stop, after every owner is gone). */
void usctp_timer_heap_free(void);

#endif
