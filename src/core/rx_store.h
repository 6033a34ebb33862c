/*
 * usctp core, receive side: fragment and message storage (private to rx*.c).
 *
 * A fragment holds one DATA chunk's payload, copied once out of the packet.
 * Buffers come from two fixed-size classes kept on bounded free lists (small
 * chunks, and chunks up to a typical 1500-byte MTU), so steady-state traffic
 * does not call malloc per chunk; odd sizes fall back to malloc.
 */
#ifndef USCTP_CORE_RX_STORE_H
#define USCTP_CORE_RX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct usctp_rx_frag {
	struct usctp_rx_frag *next; /* in a stream's queue or a message, TSN order */
	uint32_t tsn;
	uint32_t ppid;
	uint32_t len;
	uint16_t sid;
	uint16_t ssn;
	uint8_t flags;	/* USCTP_DATA_FLAG_* */
	uint8_t cls;	/* buffer class (free list it returns to) */
	uint8_t data[]; /* len bytes */
};

/* A message handed to the reader: complete, or in partial delivery. */
struct usctp_rx_msg {
	struct usctp_rx_msg *prev, *next;   /* ready queue */
	struct usctp_rx_msg *pd_next;	    /* unordered partial deliveries */
	struct usctp_rx_frag *first, *last; /* unread fragments */
	uint32_t off;			    /* bytes of first already read */
	uint32_t avail;			    /* unread bytes present */
	uint32_t tsn;			    /* first fragment's TSN */
	uint32_t last_tsn;		    /* last fragment appended */
	uint32_t ppid;
	uint16_t sid, ssn;
	bool unordered;
	bool complete; /* the E fragment is in */
};

#define USCTP_RX_FREE_MAX 64 /* buffers kept per free list */

struct usctp_rx_store {
	struct usctp_rx_frag *free_frag[2];
	unsigned nfree_frag[2];
	struct usctp_rx_msg *free_msg;
	unsigned nfree_msg;
	size_t mem;	  /* bytes allocated to live fragments */
	uint64_t mallocs; /* calls to malloc so far (the free lists should keep this flat) */
};

/* Fragment with room for len payload bytes (not filled), or NULL. */
struct usctp_rx_frag *usctp_rx_frag_alloc(struct usctp_rx_store *s, size_t len);
/* Bytes a fragment of len payload bytes costs (for the memory bound). */
size_t usctp_rx_frag_cost(size_t len);
void usctp_rx_frag_free(struct usctp_rx_store *s, struct usctp_rx_frag *f);
struct usctp_rx_msg *usctp_rx_msg_alloc(struct usctp_rx_store *s);
void usctp_rx_msg_free(struct usctp_rx_store *s, struct usctp_rx_msg *m);
/* Release the free lists (live objects must be freed first). */
void usctp_rx_store_clear(struct usctp_rx_store *s);

#endif
