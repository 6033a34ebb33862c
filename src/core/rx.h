/*
 * usctp core, receive side: TSN tracking (cumulative ack, gap blocks,
 * duplicates), reassembly, per-stream ordering, delivery to the user, partial
 * delivery, and FORWARD TSN (RFC 9260 6.2, 6.5, 6.6, 6.9; RFC 3758 3.6).
 *
 * Memory: a DATA chunk's payload is copied out of the packet once, into a
 * buffer the rx owns until the user has read it. The bytes held (in reassembly
 * and waiting to be read) are bounded by rcvbuf; a_rwnd is rcvbuf minus them
 * and the unread messages of earlier incarnations (usctp_rx_inherit), or, if
 * less, max_reasm minus the bytes in reassembly.
 */
#ifndef USCTP_CORE_RX_H
#define USCTP_CORE_RX_H

#include "assoc.h"

struct usctp_rx;

/*
 * pd_point: bytes of a message (received in sequence from its first fragment)
 * at which partial delivery starts; 0 means rcvbuf / 2, and it is capped at
 * rcvbuf so that a message larger than the buffer can always be delivered.
 * Partial delivery also starts early when fragment memory runs short (a
 * message cut into very many tiny fragments).
 * NULL if rcvbuf is 0 or memory runs out.
 *
 * Bounds (whatever the peer sends): TSNs more than max(rcvbuf, 1024) (at most
 * 65535) above the cumulative TSN are dropped unrecorded; at most 1024 gap
 * ranges and 32 duplicates are remembered; payload held stays below
 * 5 * rcvbuf + 128 KiB (see usctp_rx_data).
 */
struct usctp_rx *usctp_rx_new(uint32_t peer_initial_tsn, uint16_t num_instreams, uint32_t rcvbuf,
			      uint32_t pd_point);
void usctp_rx_del(struct usctp_rx *rx);

/*
 * SCTP_FRAGMENT_INTERLEAVE (RFC 6458 8.1.20) for usctp_rx_read: 0 or 1 (the
 * default; the same for one association): while a message is partly read,
 * only its next bytes are returned; 2: other streams' messages may come in
 * between, never another message (ordered or unordered) of its stream.
 * INVALID for another level.
 */
int usctp_rx_set_frag_interleave(struct usctp_rx *rx, int level);

/*
 * Bound on bytes held in reassembly (received, not yet deliverable); 0 or
 * more than rcvbuf means rcvbuf (the default). Chunks extending the highest
 * TSN are dropped while reassembly holds that much, hole fillers at twice
 * that; a_rwnd advertises no more than the room left under it; a message
 * starts partial delivery when reassembly is full.
 */
void usctp_rx_set_max_reasm(struct usctp_rx *rx, uint32_t bytes);

/* Grow the receive buffer (SO_RCVBUF on a live association): a_rwnd opens
 * by the difference; the derived bounds (TSN window, fragment memory, a
 * default max_reasm) grow with it. INVALID if smaller than now: shrinking
 * would take back window already advertised (6.2). */
int usctp_rx_set_rcvbuf(struct usctp_rx *rx, uint32_t rcvbuf);
uint32_t usctp_rx_rcvbuf(const struct usctp_rx *rx);

/* What happened to a DATA chunk. */
enum usctp_rx_result {
	USCTP_RX_NEW = 0,	 /* accepted (acknowledge it) */
	USCTP_RX_DUP = 1,	 /* duplicate: recorded for the SACK's duplicate list */
	USCTP_RX_DROPPED = 2,	 /* no buffer space (6.2): dropped, NOT acknowledged */
	USCTP_RX_BAD_STREAM = 3, /* stream >= num_instreams: TSN acknowledged, data discarded;
				    the caller sends an ERROR with Invalid Stream Identifier (6.5) */
};
/*
 * Process one DATA chunk (its payload is copied; d need not outlive the call).
 * Returns an enum usctp_rx_result, USCTP_ERR_NOMEM (not recorded), or
 * USCTP_ERR_INVALID for an empty payload (the caller ABORTs with No User
 * Data before getting here).
 *
 * Flow control (6.2): a chunk above the highest TSN received is DROPPED when
 * the window is 0 (held >= rcvbuf; so held may pass rcvbuf by one chunk) or
 * when fragment memory reaches 4 * rcvbuf + 64 KiB (usctp_rx_a_rwnd shrinks the
 * window as that memory fills, so a sender keeping to the window is never
 * dropped from, however small its chunks). A chunk filling a hole
 * is still taken up to 2 * rcvbuf held, and the chunk right above the
 * cumulative TSN up to 4 * rcvbuf, so the cumulative TSN can always advance.
 * An ordered chunk of an SSN already delivered or skipped is acknowledged
 * (NEW) and discarded. max_reasm (usctp_rx_set_max_reasm) bounds the first
 * two cases too.
 *
 * No deadlock whatever the interleave level: the next fragment of a message
 * the user has read part of is taken whatever else fills the buffer, while
 * partly read messages hold under rcvbuf unread bytes, and always once the
 * user has read all they hold (the user can always read those).
 */
int usctp_rx_data(struct usctp_rx *rx, const struct usctp_data_chunk *d);

uint32_t usctp_rx_cum_tsn(const struct usctp_rx *rx);
uint32_t usctp_rx_a_rwnd(const struct usctp_rx *rx);
/* True when TSNs above the cumulative ack have been received (a gap exists). */
bool usctp_rx_has_gaps(const struct usctp_rx *rx);
/* True when duplicates are waiting to be reported. */
bool usctp_rx_has_dups(const struct usctp_rx *rx);

/*
 * Append a SACK chunk (cum TSN, a_rwnd, as many gap blocks and duplicates as
 * fit in the room left in w) and clear the reported duplicates. NOBUF if not
 * even the fixed part fits.
 */
int usctp_rx_build_sack(struct usctp_rx *rx, struct usctp_wbuf *w);

/*
 * FORWARD TSN (RFC 3758 3.6): advance the cumulative TSN to new_cum_tsn
 * (not moved if not newer), drop reassembly data at or below it, and for each
 * (sid, ssn) pair deliver what became deliverable and skip the stream's next
 * expected SSN past ssn (never back). The pairs are processed even when
 * new_cum_tsn is not newer (the first fragments of a message abandoned
 * afterwards may wait at or below the cumulative TSN); unordered fragments
 * are then dropped only where provably dead (a TSN next to their run, at or
 * below the cumulative TSN, came and did not continue it). Returns 1 if it
 * aborted a partial delivery the user had read part of (*pd_sid / *pd_ssn
 * set, to the first one if several; either pointer may be NULL), else 0 (one
 * the user had read nothing of is dropped unreported).
 *
 * Details: for a listed stream, whole messages with SSN <= ssn still waiting
 * are delivered and incomplete ones dropped. Unordered fragments at or below
 * new_cum_tsn (and those continuing them) are dropped. Any partial delivery
 * whose next fragment is at or below new_cum_tsn is aborted, listed or not.
 * Pairs naming a stream >= num_instreams are ignored. f->streams is read as
 * num_streams big-endian (sid, ssn) pairs, as on the wire.
 */
int usctp_rx_forward_tsn(struct usctp_rx *rx, const struct usctp_fwd_tsn_chunk *f, uint16_t *pd_sid,
			 uint32_t *pd_ssn);

/*
 * The association is over: no fragment will come again. Drops one message in
 * partial delivery per call: it can never complete, and at interleave levels
 * 0 and 1 one the user has begun holds back every complete message queued
 * behind it (messages the peer saw acknowledged, so will never report as
 * failed). Returns 1 when the message dropped had been partly read (*sid /
 * *ssn set: the caller reports PARTIAL_DELIVERY_ABORTED), 0 when the user had
 * seen none of it, USCTP_ERR_NOT_FOUND when none is left. Complete messages
 * stay readable.
 */
int usctp_rx_abort_partial(struct usctp_rx *rx, uint16_t *sid, uint32_t *ssn);

/*
 * The peer restarted (RFC 9260 5.2.4 A): rx is the new incarnation's
 * receive side (fresh from usctp_rx_new), old the previous one's, whose
 * partial deliveries the caller has already ended (usctp_rx_abort_partial
 * until NOT_FOUND, reporting the begun ones). rx takes old over: what can no
 * longer complete (reassembly, unordered fragments, partial deliveries) is
 * dropped; the complete messages, which the peer saw acknowledged, stay
 * readable and are returned by usctp_rx_read before any of rx's own, in
 * their old order (their sid / ssn / tsn are the old incarnation's, so they
 * never mix with the new numbering). Until read, their bytes are charged to
 * rx's rcvbuf (a_rwnd, flow control). old's own earlier incarnations come
 * first. old is freed here, at once if it holds nothing. At most
 * USCTP_RX_MAX_OLD incarnations are kept: beyond, the oldest one's unread
 * messages are dropped (a peer restarting that often before the user reads
 * anything; each one costs the stream table).
 */
#define USCTP_RX_MAX_OLD 8
void usctp_rx_inherit(struct usctp_rx *rx, struct usctp_rx *old);
/* Earlier incarnations still holding unread messages (0..USCTP_RX_MAX_OLD);
 * drops by one each time usctp_rx_read returns the last byte of one. */
unsigned usctp_rx_old_count(const struct usctp_rx *rx);
/* How many earlier incarnations have been finished (read to the end, or
 * dropped at the bound) since the first rx: a counter carried over by
 * usctp_rx_inherit (rx must be fresh), which may wrap. Once it has grown by
 * the usctp_rx_old_count seen at some moment, everything received before
 * that moment's incarnation has been read. */
uint32_t usctp_rx_old_done(const struct usctp_rx *rx);

/* Is there something usctp_rx_read would return? */
bool usctp_rx_readable(const struct usctp_rx *rx);
/* Bytes the user can read now (whole or partially delivered messages),
 * earlier incarnations' included (those come first). */
uint32_t usctp_rx_readable_bytes(const struct usctp_rx *rx);
/*
 * Copy the next deliverable message (or its next part) into buf; see
 * usctp_assoc_recv. info->cumtsn is filled from the rx's cumulative TSN.
 * Returns bytes copied or USCTP_ERR_WOULDBLOCK. Bytes are copied from the
 * stored fragments straight into buf.
 *
 * Order: earlier incarnations' messages first (usctp_rx_inherit), then a
 * message partly read is continued first. Messages are otherwise
 * returned in the order they became deliverable (per stream in SSN order).
 * While a message is partly read (its end not yet returned), the interleave
 * level decides what else may be returned (usctp_rx_set_frag_interleave):
 * at 0/1 nothing (WOULDBLOCK until more of it arrives); at 2 messages of
 * other streams (pieces may then alternate: info->sid/ssn and eor tell them
 * apart). usctp_rx_readable / _readable_bytes follow the same rules.
 */
int64_t usctp_rx_read(struct usctp_rx *rx, void *buf, size_t cap, struct usctp_rcvinfo *info, bool *eor);

/* Bytes buffered (reassembly + waiting to be read, earlier incarnations'
 * included). */
uint32_t usctp_rx_buffered(const struct usctp_rx *rx);

/* Buffers obtained from malloc so far (statistics, and tests proving that
 * steady-state traffic is served from the free lists). */
uint64_t usctp_rx_mallocs(const struct usctp_rx *rx);

#endif
