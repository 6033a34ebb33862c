/*
 * usctp core, receive side: state shared by rx.c (acceptance, SACK, reading),
 * rx_reasm.c (reassembly, ordering, partial delivery) and rx_fwd.c (FORWARD
 * TSN). Private to src/core/rx*.c.
 *
 * Where a fragment lives:
 *   - ordered, not yet deliverable: its stream's queue (TSN order);
 *   - unordered, not yet deliverable: rx->uhead (TSN order, all streams);
 *   - deliverable: in a message on the ready queue, which the reader drains.
 * A message enters the ready queue when complete, or, in partial delivery,
 * once pd_point bytes of it have arrived in sequence; later fragments are
 * then appended to it as they come.
 */
#ifndef USCTP_CORE_RX_INTERNAL_H
#define USCTP_CORE_RX_INTERNAL_H

#include "rx.h"
#include "rx_store.h"
#include "rx_tsnmap.h"

#define F_B USCTP_DATA_FLAG_B
#define F_E USCTP_DATA_FLAG_E
#define F_U USCTP_DATA_FLAG_U

struct usctp_rx_stream {
	struct usctp_rx_frag *head, *tail; /* waiting fragments, TSN order */
	struct usctp_rx_msg *pd;	   /* this stream's message in partial delivery */
	/* Message of this stream the user has read part of (at most one: no two
	 * messages of a stream ever interleave, RFC 6458 8.1.20). */
	struct usctp_rx_msg *rd;
	uint64_t ready_bytes; /* unread bytes of this stream's ready messages */
	/* Cache of the consecutive run scanned from head, so that a large
	 * message arriving in order is scanned once, not once per fragment. */
	struct usctp_rx_frag *scan_head, *scan_last;
	uint32_t scan_bytes;
	uint16_t next_ssn;
};

/* The run of unordered fragments ending at the queue's tail (valid: known;
 * start NULL: the run lacks its first fragment). */
struct usctp_rx_urun {
	bool valid;
	struct usctp_rx_frag *start, *pred, *last;
	uint32_t bytes;
};

struct usctp_rx {
	struct usctp_tsnmap map;
	struct usctp_rx_store store;
	struct usctp_rx_stream *streams;
	uint16_t nstreams;
	uint32_t rcvbuf, pd_point;
	uint64_t held;	    /* payload bytes held (reassembly + unread) */
	uint64_t readable;  /* unread bytes of ready messages */
	uint32_t max_reasm; /* bound on bytes in reassembly (held - readable) */
	uint8_t interleave; /* SCTP_FRAGMENT_INTERLEAVE level, 0..2 */
	/* Partly read messages (the streams' rd): how many, their unread bytes,
	 * and the unread bytes of other ready messages of their streams, which
	 * the interleave rules hold back. */
	unsigned nbegun;
	uint64_t begun_avail, blocked;
	size_t mem_soft;		     /* memory bound for chunks above the highest TSN */
	size_t mem_hard;		     /* memory bound for chunks filling a hole */
	struct usctp_rx_frag *uhead, *utail; /* waiting unordered fragments */
	struct usctp_rx_urun urun;
	struct usctp_rx_msg *pd_list; /* incomplete messages in partial delivery */
	struct usctp_rx_msg *ready_head, *ready_tail;
	struct usctp_rx_msg *cur; /* message the reader is in the middle of */
	/* Earlier incarnations of the association (peer restarts, RFC 9260
	 * 5.2.4 A) whose complete messages are still unread, oldest first
	 * (linked by old_next), read before this one's; old_held: their held
	 * bytes, charged to this rcvbuf. See usctp_rx_inherit. */
	struct usctp_rx *old_head, *old_tail, *old_next;
	unsigned nold;
	uint32_t old_done; /* old incarnations finished so far (usctp_rx_old_done) */
	uint64_t old_held;
	struct usctp_gap_block gaps[USCTP_TSNMAP_MAX_RANGES];
};

/* Payload bytes charged to rcvbuf: this incarnation's and the old ones'. */
static inline uint64_t usctp_rx_charged(const struct usctp_rx *rx)
{
	return rx->held + rx->old_held;
}

/* rx_reasm.c */
void usctp_rx_free_chain(struct usctp_rx *rx, struct usctp_rx_frag *f);
/* Wrap the detached chain first..last (bytes long) as a message and queue it
 * (NULL when out of memory: the chain is left to the caller). */
struct usctp_rx_msg *usctp_rx_deliver(struct usctp_rx *rx, struct usctp_rx_frag *first,
				      struct usctp_rx_frag *last, uint32_t bytes);
/* Every change of a ready message's avail goes through here (it keeps the
 * readable / begun / blocked counts). */
void usctp_rx_avail_add(struct usctp_rx *rx, struct usctp_rx_msg *m, uint32_t n);
void usctp_rx_avail_sub(struct usctp_rx *rx, struct usctp_rx_msg *m, uint32_t n);
/* The user has read part of m (m becomes its stream's rd) / its stream's rd
 * is finished or discarded. */
void usctp_rx_begin_read(struct usctp_rx *rx, struct usctp_rx_msg *m);
void usctp_rx_end_read(struct usctp_rx *rx, struct usctp_rx_stream *s);
/* Bytes in reassembly (held, not yet deliverable). */
uint64_t usctp_rx_reasm_bytes(const struct usctp_rx *rx);
void usctp_rx_ready_unlink(struct usctp_rx *rx, struct usctp_rx_msg *m);
void usctp_rx_msg_discard(struct usctp_rx *rx, struct usctp_rx_msg *m);
void usctp_rx_frag_drop(struct usctp_rx *rx, struct usctp_rx_frag *f);
void usctp_rx_stream_insert(struct usctp_rx_stream *s, struct usctp_rx_frag *f);
void usctp_rx_stream_detach(struct usctp_rx_stream *s, struct usctp_rx_frag *last);
bool usctp_rx_stream_scan(struct usctp_rx_stream *s, struct usctp_rx_frag **last, uint32_t *bytes);
bool usctp_rx_pd_due(const struct usctp_rx *rx, uint32_t bytes);
void usctp_rx_stream_progress(struct usctp_rx *rx, struct usctp_rx_stream *s);
void usctp_rx_unordered_arrive(struct usctp_rx *rx, struct usctp_rx_frag *f);
void usctp_rx_unordered_try(struct usctp_rx *rx, struct usctp_rx_frag *f);
void usctp_rx_uq_fix(struct usctp_rx *rx);

/* rx_restart.c */
int64_t usctp_rx_read_old(struct usctp_rx *rx, void *buf, size_t cap, struct usctp_rcvinfo *info, bool *eor);

#endif
