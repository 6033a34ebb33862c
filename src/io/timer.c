/*
 * Timers on real time: an intrusive binary min-heap of struct usctp_timer.
 *
 * Many associations, each with one timer node holding its earliest expiry,
 * so re-arming is O(log n) and the I/O thread sleeps until the top is due.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "timer_heap.h"

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct usctp_timer **heap;
static size_t heap_len, heap_cap;

static void place(size_t i, struct usctp_timer *t)
{
	heap[i] = t;
	t->idx = i;
}

static void sift_up(size_t i)
{
	struct usctp_timer *t = heap[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (heap[p]->due <= t->due)
			break;
		place(i, heap[p]);
		i = p;
	}
	place(i, t);
}

static void sift_down(size_t i)
{
	struct usctp_timer *t = heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && heap[c + 1]->due < heap[c]->due)
			c++;
		if (t->due <= heap[c]->due)
			break;
		place(i, heap[c]);
		i = c;
	}
	place(i, t);
}

static void heap_remove(struct usctp_timer *t)
{
	size_t i = t->idx;
	struct usctp_timer *last = heap[--heap_len];
	t->idx = SIZE_MAX;
	if (last == t)
		return;
	place(i, last);
	sift_down(i);
	sift_up(last->idx);
}

void usctp_timer_init(struct usctp_timer *t, void (*hold)(struct usctp_timer *),
		      void (*fire)(struct usctp_timer *, uint64_t))
{
	t->due = UINT64_MAX;
	t->idx = SIZE_MAX;
	t->hold = hold;
	t->fire = fire;
}

bool usctp_timer_set(struct usctp_timer *t, uint64_t due)
{
	bool kick = false;
	pthread_mutex_lock(&heap_lock);
	if (due == UINT64_MAX) {
		if (t->idx != SIZE_MAX)
			heap_remove(t);
		t->due = due;
		pthread_mutex_unlock(&heap_lock);
		return false;
	}
	uint64_t old_top = heap_len ? heap[0]->due : UINT64_MAX;
	if (t->idx == SIZE_MAX) {
		if (heap_len == heap_cap) {
			size_t ncap = heap_cap ? heap_cap * 2 : 64;
			struct usctp_timer **nh = realloc(heap, ncap * sizeof(*nh));
			if (!nh) {
				/* Keep the old due time: the owner re-arms on its next event. */
				pthread_mutex_unlock(&heap_lock);
				return false;
			}
			heap = nh;
			heap_cap = ncap;
		}
		t->due = due;
		place(heap_len++, t);
		sift_up(t->idx);
	} else {
		uint64_t old = t->due;
		t->due = due;
		if (due < old)
			sift_up(t->idx);
		else
			sift_down(t->idx);
	}
	kick = due < old_top;
	pthread_mutex_unlock(&heap_lock);
	return kick;
}

uint64_t usctp_timer_heap_next(void)
{
	pthread_mutex_lock(&heap_lock);
	uint64_t d = heap_len ? heap[0]->due : UINT64_MAX;
	pthread_mutex_unlock(&heap_lock);
	return d;
}

unsigned usctp_timer_heap_pop_due(uint64_t now, struct usctp_timer **out, unsigned max)
{
	unsigned n = 0;
	pthread_mutex_lock(&heap_lock);
	while (n < max && heap_len && heap[0]->due <= now) {
		struct usctp_timer *t = heap[0];
		heap_remove(t);
		t->due = UINT64_MAX;
		if (t->hold)
			t->hold(t);
		out[n++] = t;
	}
	pthread_mutex_unlock(&heap_lock);
	return n;
}

void usctp_timer_heap_free(void)
{
	pthread_mutex_lock(&heap_lock);
	for (size_t i = 0; i < heap_len; i++)
		heap[i]->idx = SIZE_MAX;
	free(heap);
	heap = NULL;
	heap_len = heap_cap = 0;
	pthread_mutex_unlock(&heap_lock);
}
