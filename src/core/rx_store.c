/* Fragment and message buffers with bounded free lists: see rx_store.h. */
#include "rx_store.h"

#include <stdlib.h>
#include <string.h>

/* Payload capacity of each class; the header rounds each to a nice size. */
static const uint32_t class_cap[2] = {256 - sizeof(struct usctp_rx_frag),
				      1536 - sizeof(struct usctp_rx_frag)};
#define CLASS_MALLOC 2

static unsigned class_of(size_t len)
{
	if (len <= class_cap[0])
		return 0;
	if (len <= class_cap[1])
		return 1;
	return CLASS_MALLOC;
}

size_t usctp_rx_frag_cost(size_t len)
{
	unsigned c = class_of(len);
	return sizeof(struct usctp_rx_frag) + (c == CLASS_MALLOC ? len : class_cap[c]);
}

struct usctp_rx_frag *usctp_rx_frag_alloc(struct usctp_rx_store *s, size_t len)
{
	unsigned c = class_of(len);
	struct usctp_rx_frag *f;

	if (c != CLASS_MALLOC && s->free_frag[c]) {
		f = s->free_frag[c];
		s->free_frag[c] = f->next;
		s->nfree_frag[c]--;
	} else {
		f = malloc(usctp_rx_frag_cost(len));
		if (!f)
			return NULL;
		s->mallocs++;
	}
	f->next = NULL;
	f->cls = (uint8_t)c;
	f->len = (uint32_t)len;
	s->mem += usctp_rx_frag_cost(len);
	return f;
}

void usctp_rx_frag_free(struct usctp_rx_store *s, struct usctp_rx_frag *f)
{
	unsigned c = f->cls;

	s->mem -= usctp_rx_frag_cost(f->len);
	if (c != CLASS_MALLOC && s->nfree_frag[c] < USCTP_RX_FREE_MAX) {
		f->next = s->free_frag[c];
		s->free_frag[c] = f;
		s->nfree_frag[c]++;
		return;
	}
	free(f);
}

struct usctp_rx_msg *usctp_rx_msg_alloc(struct usctp_rx_store *s)
{
	struct usctp_rx_msg *m = s->free_msg;

	if (m) {
		s->free_msg = m->next;
		s->nfree_msg--;
	} else {
		m = malloc(sizeof(*m));
		if (!m)
			return NULL;
		s->mallocs++;
	}
	memset(m, 0, sizeof(*m));
	return m;
}

void usctp_rx_msg_free(struct usctp_rx_store *s, struct usctp_rx_msg *m)
{
	if (s->nfree_msg < USCTP_RX_FREE_MAX) {
		m->next = s->free_msg;
		s->free_msg = m;
		s->nfree_msg++;
		return;
	}
	free(m);
}

void usctp_rx_store_clear(struct usctp_rx_store *s)
{
	for (unsigned c = 0; c < 2; c++) {
		while (s->free_frag[c]) {
			struct usctp_rx_frag *f = s->free_frag[c];
			s->free_frag[c] = f->next;
			free(f);
		}
		s->nfree_frag[c] = 0;
	}
	while (s->free_msg) {
		struct usctp_rx_msg *m = s->free_msg;
		s->free_msg = m->next;
		free(m);
	}
	s->nfree_msg = 0;
}
