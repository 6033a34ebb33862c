/*
 * Demultiplexing: which association a received packet belongs to, keyed by
 * (local SCTP port, peer SCTP port, peer IP address); when several match
 * (the same peer talking to us from two of its endpoints on one UDP port
 * pair cannot happen, but a restarted peer can leave two), the verification
 * tag picks. Packets matching nothing go to the listening endpoint
 * (registry.c's port owners) for INIT / COOKIE ECHO handling.
 */
#include <string.h>

#include "sock.h"

#define NBUCKETS 16384 /* power of two */

static pthread_mutex_t demux_lock = PTHREAD_MUTEX_INITIALIZER;
static struct usctp_demux_ent *buckets[NBUCKETS];

static size_t hash(uint16_t lport, uint16_t pport, const struct usctp_ipaddr *ip)
{
	uint32_t h = 2166136261u;
	uint8_t key[4 + 16];
	key[0] = (uint8_t)(lport >> 8);
	key[1] = (uint8_t)lport;
	key[2] = (uint8_t)(pport >> 8);
	key[3] = (uint8_t)pport;
	size_t n = ip->family == 6 ? 16 : 4;
	memcpy(key + 4, ip->bytes, n);
	for (size_t i = 0; i < 4 + n; i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (NBUCKETS - 1);
}

static bool ip_eq(const struct usctp_ipaddr *a, const struct usctp_ipaddr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, a->family == 6 ? 16 : 4) == 0;
}

static void ent_add(struct usctp_sassoc *sa, const struct usctp_ipaddr *ip)
{
	for (unsigned i = 0; i < sa->nents; i++)
		if (ip_eq(&sa->ents[i].ip, ip))
			return;
	if (sa->nents == USCTP_MAX_ADDR_PARAMS)
		return;
	struct usctp_demux_ent *e = &sa->ents[sa->nents++];
	e->sa = sa;
	e->ip = *ip;
	size_t h = hash(sa->lport, sa->pport, ip);
	e->hnext = buckets[h];
	buckets[h] = e;
	e->hashed = true;
}

void usctp_demux_add(struct usctp_sassoc *sa)
{
	pthread_mutex_lock(&demux_lock);
	ent_add(sa, &sa->peer.ip);
	pthread_mutex_unlock(&demux_lock);
}

void usctp_demux_add_paths(struct usctp_sassoc *sa)
{
	/* Read the core under the socket lock (held by the caller), then hash. */
	struct usctp_ipaddr ips[USCTP_MAX_ADDR_PARAMS];
	unsigned n = 0;
	struct usctp_assoc_status st;
	usctp_assoc_get_status(sa->a, &st);
	for (unsigned i = 0; i < st.num_paths && n < USCTP_MAX_ADDR_PARAMS; i++) {
		struct usctp_path_status ps;
		if (usctp_assoc_path_status(sa->a, i, &ps) == 0)
			ips[n++] = ps.addr.ip;
	}
	pthread_mutex_lock(&demux_lock);
	for (unsigned i = 0; i < n; i++)
		ent_add(sa, &ips[i]);
	pthread_mutex_unlock(&demux_lock);
}

void usctp_demux_del(struct usctp_sassoc *sa)
{
	pthread_mutex_lock(&demux_lock);
	for (unsigned i = 0; i < sa->nents; i++) {
		struct usctp_demux_ent *e = &sa->ents[i];
		if (!e->hashed)
			continue;
		size_t h = hash(sa->lport, sa->pport, &e->ip);
		for (struct usctp_demux_ent **pp = &buckets[h]; *pp; pp = &(*pp)->hnext) {
			if (*pp == e) {
				*pp = e->hnext;
				break;
			}
		}
		e->hashed = false;
		e->hnext = NULL;
	}
	sa->nents = 0;
	pthread_mutex_unlock(&demux_lock);
}

struct usctp_sassoc *usctp_demux_find(uint16_t lport, uint16_t pport, const struct usctp_addr *from,
				      uint32_t vtag)
{
	struct usctp_sassoc *best = NULL;
	pthread_mutex_lock(&demux_lock);
	for (struct usctp_demux_ent *e = buckets[hash(lport, pport, &from->ip)]; e; e = e->hnext) {
		struct usctp_sassoc *sa = e->sa;
		if (sa->lport != lport || sa->pport != pport || !ip_eq(&e->ip, &from->ip))
			continue;
		if (!best || sa->local_vtag == vtag)
			best = sa;
		if (sa->local_vtag == vtag)
			break;
	}
	if (best)
		usctp_sa_ref(best);
	pthread_mutex_unlock(&demux_lock);
	return best;
}
