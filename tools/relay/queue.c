/* The relay's bounded delay queue: fixed slots in a binary min-heap. */
#include "relay.h"

#include <stdlib.h>
#include <string.h>

int relay_queue_init(struct relay_queue *q, uint32_t cap)
{
	memset(q, 0, sizeof *q);
	q->slots = calloc(cap, sizeof *q->slots);
	q->heap = calloc(cap, sizeof *q->heap);
	q->free_list = calloc(cap, sizeof *q->free_list);
	if (!q->slots || !q->heap || !q->free_list) {
		relay_queue_free(q);
		return -1;
	}
	q->cap = cap;
	for (uint32_t i = 0; i < cap; i++)
		q->free_list[i] = cap - 1 - i;
	q->n_free = cap;
	return 0;
}

void relay_queue_free(struct relay_queue *q)
{
	if (q->slots)
		for (uint32_t i = 0; i < q->cap; i++)
			free(q->slots[i].buf);
	free(q->slots);
	free(q->heap);
	free(q->free_list);
	memset(q, 0, sizeof *q);
}

static int earlier(const struct relay_queue *q, uint32_t a, uint32_t b)
{
	const struct relay_pkt *pa = &q->slots[a], *pb = &q->slots[b];
	if (pa->due_ns != pb->due_ns)
		return pa->due_ns < pb->due_ns;
	return pa->seq < pb->seq;
}

static void swap(uint32_t *h, uint32_t i, uint32_t j)
{
	uint32_t t = h[i];
	h[i] = h[j];
	h[j] = t;
}

int relay_queue_push(struct relay_queue *q, int dir, const void *data, size_t len, uint64_t due_ns)
{
	if (q->n_free == 0 || len > RELAY_MAX_DGRAM)
		return -1;
	uint32_t s = q->free_list[q->n_free - 1];
	struct relay_pkt *p = &q->slots[s];
	if (!p->buf) {
		/* Allocated once per slot, so memory never exceeds cap * RELAY_MAX_DGRAM. */
		p->buf = malloc(RELAY_MAX_DGRAM);
		if (!p->buf)
			return -1;
	}
	q->n_free--;
	memcpy(p->buf, data, len);
	p->len = len;
	p->dir = dir;
	p->due_ns = due_ns;
	p->seq = q->next_seq++;
	uint32_t i = q->n++;
	q->heap[i] = s;
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!earlier(q, q->heap[i], q->heap[parent]))
			break;
		swap(q->heap, i, parent);
		i = parent;
	}
	return 0;
}

const struct relay_pkt *relay_queue_peek(const struct relay_queue *q)
{
	return q->n ? &q->slots[q->heap[0]] : NULL;
}

void relay_queue_pop(struct relay_queue *q)
{
	if (!q->n)
		return;
	q->free_list[q->n_free++] = q->heap[0];
	q->heap[0] = q->heap[--q->n];
	uint32_t i = 0;
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->n && earlier(q, q->heap[l], q->heap[m]))
			m = l;
		if (r < q->n && earlier(q, q->heap[r], q->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(q->heap, i, m);
		i = m;
	}
}
