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

static void ent_add(struct usctp_sassoc *sa, const struct usctp_ipaddr *ip)
{
	for (unsigned i = 0; i < sa->nents; i++)
		if (usctp_ip_eq(&sa->ents[i].ip, ip))
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

/*
 * Recently deleted associations. SCTP has no TIME-WAIT: the side that sends
 * SHUTDOWN COMPLETE forgets the association at once, and a packet of it
 * still in flight (delayed, reordered, duplicated) then arrives out of the
 * blue. Answering it with ABORT (RFC 9260 8.4 rule 8, a SHOULD) can overtake
 * our SHUTDOWN COMPLETE, and the peer, still in SHUTDOWN-ACK-SENT, must take
 * the ABORT (8.5.1 B): a clean close turns into COMM_LOST over there. For a
 * few seconds such stragglers (our old tag) are dropped silently instead;
 * a SHUTDOWN ACK is still answered (8.4 rule 5: our SHUTDOWN COMPLETE was
 * lost). A fixed ring: the oldest entry makes room, never an allocation.
 */
#define TOMBS 512
#define TOMB_NS (5ull * 1000000000ull)

static struct tomb {
	uint16_t lport, pport;
	uint32_t vtag;
	struct usctp_ipaddr ip;
	uint64_t until;
} tombs[TOMBS];
static unsigned tomb_next;

bool usctp_demux_recently_closed(uint16_t lport, uint16_t pport, const struct usctp_ipaddr *ip, uint32_t vtag,
				 uint64_t now)
{
	bool hit = false;
	pthread_mutex_lock(&demux_lock);
	for (unsigned i = 0; i < TOMBS && !hit; i++) {
		const struct tomb *t = &tombs[i];
		hit = t->until > now && t->vtag == vtag && t->lport == lport && t->pport == pport &&
		      usctp_ip_eq(&t->ip, ip);
	}
	pthread_mutex_unlock(&demux_lock);
	return hit;
}

void usctp_demux_reset(void)
{
	pthread_mutex_lock(&demux_lock);
	memset(tombs, 0, sizeof(tombs));
	tomb_next = 0;
	pthread_mutex_unlock(&demux_lock);
}

void usctp_demux_del(struct usctp_sassoc *sa)
{
	uint64_t until = usctp_now() + TOMB_NS;
	uint32_t vtag = atomic_load(&sa->local_vtag);
	pthread_mutex_lock(&demux_lock);
	for (unsigned i = 0; i < sa->nents; i++) {
		struct usctp_demux_ent *e = &sa->ents[i];
		if (!e->hashed)
			continue;
		if (vtag) {
			struct tomb *t = &tombs[tomb_next++ % TOMBS];
			*t = (struct tomb){.lport = sa->lport, .pport = sa->pport, .vtag = vtag, .ip = e->ip,
					   .until = until};
		}
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
		if (sa->lport != lport || sa->pport != pport || !usctp_ip_eq(&e->ip, &from->ip))
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
