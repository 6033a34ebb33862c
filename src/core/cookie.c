/*
 * usctp core: the State Cookie (RFC 9260 5.1.3, 5.1.5).
 *
 * The listener keeps no state before the COOKIE ECHO, so the cookie carries
 * all of it, authenticated by HMAC-SHA-256 under a random secret. The secret
 * rotates every rotate_ns; the previous one stays valid one more period so
 * that cookies in flight during a rotation still verify.
 *
 * Layout (big-endian): version, flags, address count, creation time,
 * lifetime, tags, TSNs, rwnd, stream counts, ports, tie-tags, adaptation,
 * the INIT's source address, the INIT's address list, then the MAC.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "assoc_internal.h"

#define KEY_LEN 32
#define COOKIE_VERSION 1
#define F_FWD_TSN 0x01
#define F_ADAPT 0x02

struct usctp_cookie_key {
	atomic_uint refs;
	pthread_mutex_t lock; /* rotation: the key is shared by associations that may live on several threads */
	uint8_t cur[KEY_LEN], prev[KEY_LEN];
	bool has_prev;
	uint64_t rotated_at, rotate_ns;
	usctp_random_fn rnd;
	void *rnd_ctx;
};

struct usctp_cookie_key *usctp_cookie_key_new(usctp_random_fn rnd, void *rnd_ctx, uint64_t rotate_ns,
					      uint64_t now)
{
	struct usctp_cookie_key *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	atomic_init(&k->refs, 1);
	pthread_mutex_init(&k->lock, NULL);
	k->rnd = rnd ? rnd : usctp_random_default;
	k->rnd_ctx = rnd_ctx;
	k->rotate_ns = rotate_ns;
	k->rotated_at = now;
	k->rnd(k->rnd_ctx, k->cur, KEY_LEN);
	return k;
}

struct usctp_cookie_key *usctp_cookie_key_ref(struct usctp_cookie_key *k)
{
	atomic_fetch_add(&k->refs, 1);
	return k;
}

void usctp_cookie_key_del(struct usctp_cookie_key *k)
{
	if (!k || atomic_fetch_sub(&k->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&k->lock);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

static void rotate(struct usctp_cookie_key *k, uint64_t now)
{
	if (!k->rotate_ns || now < k->rotated_at)
		return;
	uint64_t periods = (now - k->rotated_at) / k->rotate_ns;
	if (!periods)
		return;
	if (periods >= 2) {
		/* Both secrets are too old: neither may verify any more. */
		k->rnd(k->rnd_ctx, k->cur, KEY_LEN);
		k->has_prev = false;
	} else {
		memcpy(k->prev, k->cur, KEY_LEN);
		k->has_prev = true;
		k->rnd(k->rnd_ctx, k->cur, KEY_LEN);
	}
	k->rotated_at += periods * k->rotate_ns;
}

/* The secrets to use at time now (rotating first), copied out under the lock. */
static bool secrets(struct usctp_cookie_key *k, uint64_t now, uint8_t cur[KEY_LEN], uint8_t prev[KEY_LEN])
{
	pthread_mutex_lock(&k->lock);
	rotate(k, now);
	memcpy(cur, k->cur, KEY_LEN);
	memcpy(prev, k->prev, KEY_LEN);
	bool has_prev = k->has_prev;
	pthread_mutex_unlock(&k->lock);
	return has_prev;
}

static void mac(const uint8_t *key, const uint8_t *data, size_t len, uint8_t out[USCTP_COOKIE_MAC_LEN])
{
	unsigned olen = USCTP_COOKIE_MAC_LEN;
	HMAC(EVP_sha256(), key, KEY_LEN, data, len, out, &olen);
}

static void put64(uint8_t *p, uint64_t v)
{
	usctp_put32(p, (uint32_t)(v >> 32));
	usctp_put32(p + 4, (uint32_t)v);
}

static uint64_t get64(const uint8_t *p)
{
	return ((uint64_t)usctp_get32(p) << 32) | usctp_get32(p + 4);
}

int usctp_cookie_write(struct usctp_cookie_key *k, const struct usctp_cookie *c, uint64_t now, uint8_t *out,
		       size_t cap)
{
	unsigned n = c->num_addrs > USCTP_MAX_ADDR_PARAMS ? USCTP_MAX_ADDR_PARAMS : c->num_addrs;
	size_t len = USCTP_COOKIE_FIXED_LEN + 17 * (size_t)n + USCTP_COOKIE_MAC_LEN;
	if (cap < len)
		return USCTP_ERR_NOBUF;
	uint8_t cur[KEY_LEN], prev[KEY_LEN];
	secrets(k, now, cur, prev);
	memset(out, 0, USCTP_COOKIE_FIXED_LEN);
	out[0] = COOKIE_VERSION;
	out[1] = (c->peer_fwd_tsn ? F_FWD_TSN : 0) | (c->peer_has_adaptation ? F_ADAPT : 0);
	usctp_put16(out + 2, (uint16_t)n);
	put64(out + 4, c->created);
	usctp_put32(out + 12, c->lifetime_ms);
	usctp_put32(out + 16, c->my_vtag);
	usctp_put32(out + 20, c->peer_vtag);
	usctp_put32(out + 24, c->my_itsn);
	usctp_put32(out + 28, c->peer_itsn);
	usctp_put32(out + 32, c->peer_rwnd);
	usctp_put16(out + 36, c->peer_os);
	usctp_put16(out + 38, c->peer_mis);
	usctp_put16(out + 40, c->my_os);
	usctp_put16(out + 42, c->my_mis);
	usctp_put16(out + 44, c->local_port);
	usctp_put16(out + 46, c->peer_port);
	usctp_put32(out + 48, c->local_tie);
	usctp_put32(out + 52, c->peer_tie);
	usctp_put32(out + 56, c->peer_adaptation);
	usctp_put16(out + 60, c->src.udp_port);
	out[62] = c->src.ip.family;
	memcpy(out + 64, c->src.ip.bytes, 16);
	uint8_t *p = out + USCTP_COOKIE_FIXED_LEN;
	for (unsigned i = 0; i < n; i++, p += 17) {
		p[0] = c->addrs[i].family;
		memcpy(p + 1, c->addrs[i].bytes, 16);
	}
	mac(cur, out, (size_t)(p - out), p);
	OPENSSL_cleanse(cur, sizeof(cur));
	OPENSSL_cleanse(prev, sizeof(prev));
	return (int)len;
}

int usctp_cookie_read(struct usctp_cookie_key *k, const uint8_t *in, size_t len, uint64_t now,
		      struct usctp_cookie *c)
{
	if (len < USCTP_COOKIE_FIXED_LEN + USCTP_COOKIE_MAC_LEN || len > USCTP_COOKIE_MAX_LEN)
		return USCTP_ERR_AUTH;
	size_t body = len - USCTP_COOKIE_MAC_LEN;
	uint8_t cur[KEY_LEN], prev[KEY_LEN];
	bool has_prev = secrets(k, now, cur, prev);
	uint8_t m[USCTP_COOKIE_MAC_LEN];
	mac(cur, in, body, m);
	bool ok = CRYPTO_memcmp(m, in + body, USCTP_COOKIE_MAC_LEN) == 0;
	if (!ok && has_prev) {
		mac(prev, in, body, m);
		ok = CRYPTO_memcmp(m, in + body, USCTP_COOKIE_MAC_LEN) == 0;
	}
	OPENSSL_cleanse(cur, sizeof(cur));
	OPENSSL_cleanse(prev, sizeof(prev));
	if (!ok)
		return USCTP_ERR_AUTH;
	/* Authentic: made by us, so the layout is ours; still check it. */
	unsigned n = usctp_get16(in + 2);
	if (in[0] != COOKIE_VERSION || n > USCTP_MAX_ADDR_PARAMS || body != USCTP_COOKIE_FIXED_LEN + 17 * n)
		return USCTP_ERR_AUTH;
	memset(c, 0, sizeof(*c));
	c->peer_fwd_tsn = in[1] & F_FWD_TSN;
	c->peer_has_adaptation = in[1] & F_ADAPT;
	c->num_addrs = n;
	c->created = get64(in + 4);
	c->lifetime_ms = usctp_get32(in + 12);
	c->my_vtag = usctp_get32(in + 16);
	c->peer_vtag = usctp_get32(in + 20);
	c->my_itsn = usctp_get32(in + 24);
	c->peer_itsn = usctp_get32(in + 28);
	c->peer_rwnd = usctp_get32(in + 32);
	c->peer_os = usctp_get16(in + 36);
	c->peer_mis = usctp_get16(in + 38);
	c->my_os = usctp_get16(in + 40);
	c->my_mis = usctp_get16(in + 42);
	c->local_port = usctp_get16(in + 44);
	c->peer_port = usctp_get16(in + 46);
	c->local_tie = usctp_get32(in + 48);
	c->peer_tie = usctp_get32(in + 52);
	c->peer_adaptation = usctp_get32(in + 56);
	c->src.udp_port = usctp_get16(in + 60);
	c->src.ip.family = in[62];
	memcpy(c->src.ip.bytes, in + 64, 16);
	const uint8_t *p = in + USCTP_COOKIE_FIXED_LEN;
	for (unsigned i = 0; i < n; i++, p += 17) {
		c->addrs[i].family = p[0];
		memcpy(c->addrs[i].bytes, p + 1, 16);
	}
	return 0;
}

uint64_t usctp_cookie_staleness_us(const struct usctp_cookie *c, uint64_t now)
{
	uint64_t expiry = c->created + (uint64_t)c->lifetime_ms * USCTP_NS_PER_MS;
	if (now <= expiry)
		return 0;
	return (now - expiry) / 1000;
}

size_t usctp_cookie_stale_error(uint8_t out[12], uint64_t staleness_us)
{
	uint8_t cause[8];
	struct usctp_wbuf cw, w;
	usctp_wbuf_init(&cw, cause, sizeof(cause));
	usctp_wbuf_init(&w, out, 12);
	usctp_build_cause_stale_cookie(&cw, staleness_us > UINT32_MAX ? UINT32_MAX : (uint32_t)staleness_us);
	usctp_build_error(&w, cw.buf, cw.len);
	return w.len;
}
