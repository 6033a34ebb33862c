/*
 * usctp core: outbound message payloads.
 *
 * One allocation holds the header and the bytes, so a message costs one
 * malloc. The count is atomic because SCTP_SENDALL hands one message to
 * associations that may live on different threads.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "assoc.h"

struct usctp_msg {
	atomic_uint refs;
	size_t len;
	uint8_t data[];
};

struct usctp_msg *usctp_msg_new(const void *data, size_t len)
{
	if (len > SIZE_MAX - sizeof(struct usctp_msg))
		return NULL;
	struct usctp_msg *m = malloc(sizeof(*m) + len);
	if (!m)
		return NULL;
	atomic_init(&m->refs, 1);
	m->len = len;
	if (len)
		memcpy(m->data, data, len);
	return m;
}

struct usctp_msg *usctp_msg_ref(struct usctp_msg *m)
{
	if (m)
		atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
	return m;
}

void usctp_msg_unref(struct usctp_msg *m)
{
	if (!m)
		return;
	/* acq_rel: the last owner must see every write made by the others. */
	if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		free(m);
}

const uint8_t *usctp_msg_data(const struct usctp_msg *m)
{
	return m->data;
}
size_t usctp_msg_len(const struct usctp_msg *m)
{
	return m->len;
}
