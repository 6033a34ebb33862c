/*
 * libFuzzer target: a whole association's read/write cycle.
 *
 * Two associations are set up in memory (a real handshake through the
 * endpoint function), then the input is cut into packets that are fed to the
 * server side, interleaved with clock jumps, user sends and reads. Packets may
 * get the right verification tag and a valid checksum patched in, so the fuzzer
 * reaches the chunk handlers instead of stopping at the checks. After every
 * step the association must stay consistent: every packet it writes is a valid
 * SCTP packet with our tags and fits the MTU.
 *
 * Input: a sequence of records [op:1][arg:1][len:2 big-endian][len bytes].
 *   op & 3 == 0  feed the bytes as a packet (arg bit0: patch our vtag,
 *                bit1: patch the checksum)
 *   op & 3 == 1  advance the clock by arg * 10 ms, run timers
 *   op & 3 == 2  the user sends len bytes on stream arg (ordered unless arg & 0x80)
 *   op & 3 == 3  the user reads up to arg * 64 bytes; arg == 0xff: shutdown, 0xfe: abort
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/assoc.h"
#include "core/endpoint.h"
#include "wire/wire.h"

#define PKT 2048

static void det_random(void *ctx, void *buf, size_t len)
{
	uint64_t *s = ctx;
	uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		*s = *s * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(*s >> 56);
	}
}

/* Every packet the association writes must be well formed. */
static void drain(struct usctp_assoc *a, uint64_t now, uint32_t mtu, uint8_t *out_last, size_t *out_len)
{
	uint8_t buf[PKT];
	struct usctp_tx_info tx;
	size_t n;
	for (int i = 0; i < 256 && (n = usctp_assoc_write_pkt(a, buf, sizeof buf, now, &tx)) > 0; i++) {
		if (n > mtu || usctp_pkt_verify_checksum(buf, n) != 0 || usctp_pkt_validate(buf, n) < 0)
			__builtin_trap();
		if (out_last) {
			memcpy(out_last, buf, n);
			*out_len = n;
		}
	}
	struct usctp_event ev;
	for (int i = 0; i < 1024 && usctp_assoc_next_event(a, &ev); i++)
		usctp_event_clear(&ev);
}

static const struct usctp_addr addr_c = {.ip = {.family = 4, .bytes = {127, 0, 0, 1}}, .udp_port = 9899};
static const struct usctp_addr addr_s = {.ip = {.family = 4, .bytes = {127, 0, 0, 2}}, .udp_port = 9899};

/* Hand packets between client and server until quiet. */
static void pump(struct usctp_assoc *c, struct usctp_assoc **s, const struct usctp_assoc_config *scfg,
		 uint64_t now)
{
	uint8_t buf[PKT];
	struct usctp_tx_info tx;
	for (int round = 0; round < 16; round++) {
		bool moved = false;
		size_t n;
		while ((n = usctp_assoc_write_pkt(c, buf, sizeof buf, now, &tx)) > 0) {
			moved = true;
			if (*s) {
				usctp_assoc_read_pkt(*s, &addr_c, buf, n, now);
			} else {
				uint8_t reply[PKT];
				size_t rlen = 0;
				struct usctp_assoc *na = NULL;
				int r = usctp_endpoint_handle_ootb(scfg, true, &addr_c, buf, n, now, reply, sizeof reply,
								   &rlen, &na);
				if (r == USCTP_OOTB_REPLY)
					usctp_assoc_read_pkt(c, &addr_s, reply, rlen, now);
				else if (r == USCTP_OOTB_NEW_ASSOC)
					*s = na;
			}
		}
		while (*s && (n = usctp_assoc_write_pkt(*s, buf, sizeof buf, now, &tx)) > 0) {
			moved = true;
			usctp_assoc_read_pkt(c, &addr_s, buf, n, now);
		}
		if (!moved)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t seed = 42;
	uint64_t now = 1000 * USCTP_NS_PER_MS;
	struct usctp_cookie_key *key = usctp_cookie_key_new(det_random, &seed, 60000 * USCTP_NS_PER_MS, now);
	struct usctp_assoc_config ccfg, scfg;
	usctp_assoc_config_default(&ccfg);
	ccfg.local_port = 1;
	ccfg.peer_port = 2;
	ccfg.random = det_random;
	ccfg.random_ctx = &seed;
	ccfg.pr_sctp = true;
	ccfg.rcvbuf = 16384;
	ccfg.sndbuf = 65536;
	scfg = ccfg;
	scfg.local_port = 2;
	scfg.peer_port = 0;
	scfg.cookie_key = key;

	struct usctp_assoc *c = usctp_assoc_new(&ccfg, &addr_s, now);
	struct usctp_assoc *s = NULL;
	if (!c || !key)
		abort();
	usctp_assoc_connect(c, now);
	pump(c, &s, &scfg, now);
	if (!s || usctp_assoc_state(s) != USCTP_ESTABLISHED)
		abort(); /* the in-memory handshake itself must work */
	drain(c, now, ccfg.mtu, NULL, NULL);
	drain(s, now, scfg.mtu, NULL, NULL);
	uint32_t vtag = usctp_assoc_local_vtag(s);

	uint8_t pkt[PKT], rbuf[1 << 14];
	for (size_t off = 0; off + 4 <= size;) {
		uint8_t op = data[off], arg = data[off + 1];
		size_t len = ((size_t)data[off + 2] << 8) | data[off + 3];
		off += 4;
		if (len > size - off)
			len = size - off;
		const uint8_t *body = data + off;
		off += len;
		switch (op & 3) {
		case 0: {
			size_t n = len < PKT ? len : PKT;
			memcpy(pkt, body, n);
			if ((arg & 1) && n >= 12)
				usctp_put32(pkt + 4, vtag);
			if ((arg & 2) && n >= 12)
				usctp_pkt_set_checksum(pkt, n);
			/* Arriving at one of a few addresses of ours (or unknown):
			 * the source-address learning sees them all. */
			struct usctp_ipaddr to = {.family = 4, .bytes = {10, 0, 0, (uint8_t)(arg >> 5)}};
			usctp_assoc_read_pkt_at(s, &addr_c, (arg & 4) ? &to : NULL, pkt, n, now);
			break;
		}
		case 1:
			now += (uint64_t)arg * 10 * USCTP_NS_PER_MS;
			if (usctp_assoc_get_expiry(s) <= now)
				usctp_assoc_handle_expiry(s, now);
			break;
		case 2: {
			struct usctp_send_params p = {.sid = (uint16_t)(arg & 0x1f), .ppid = arg, .path = -1};
			if (arg & 0x80)
				p.flags = USCTP_SEND_UNORDERED;
			if (arg & 0x40) {
				p.pr_policy = (uint8_t)(1 + arg % 3);
				p.pr_value = arg & 7;
			}
			struct usctp_msg *m = len ? usctp_msg_new(body, len) : usctp_msg_new("", 1);
			if (m) {
				usctp_assoc_send(s, &p, m, now);
				usctp_msg_unref(m);
			}
			break;
		}
		case 3:
			if (arg == 0xff) {
				usctp_assoc_shutdown(s, now);
			} else if (arg == 0xfe) {
				usctp_assoc_abort(s, body, len, now);
			} else {
				struct usctp_rcvinfo info;
				bool eor;
				size_t cap = (size_t)arg * 64;
				if (cap > sizeof rbuf)
					cap = sizeof rbuf;
				int64_t r = usctp_assoc_recv(s, rbuf, cap, &info, &eor, now);
				if (r > (int64_t)cap)
					__builtin_trap();
			}
			break;
		}
		drain(s, now, scfg.mtu, NULL, NULL);
		if (usctp_assoc_is_dead(s))
			break;
	}
	usctp_assoc_del(s);
	usctp_assoc_del(c);
	usctp_cookie_key_del(key);
	return 0;
}
