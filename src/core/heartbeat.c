/*
 * usctp core: HEARTBEAT on idle paths (RFC 9260 8.3) and the confirmation of
 * unconfirmed peer addresses by probing (5.4).
 *
 * Our Heartbeat Info (40 bytes, opaque to the peer, echoed back):
 *   path index (4), random nonce (8), send time in ns (8), address family (1),
 *   3 zero bytes, the path's IP address (16).
 * An ACK counts only if its nonce is the last one sent to the path it names
 * and the address still matches, so a forged or stale ACK confirms nothing.
 *
 * Per path: hb_due (next HEARTBEAT) and, while one is unanswered,
 * hb_timeout_at (one RTO after it left). A timeout counts an error on the
 * path (and on the association, unless the path is unconfirmed: 5.4) and
 * backs off its RTO.
 */
#include <string.h>

#include "assoc_internal.h"

#define HB_INFO_LEN 40

static void put64(uint8_t *p, uint64_t v)
{
	usctp_put32(p, (uint32_t)(v >> 32));
	usctp_put32(p + 4, (uint32_t)v);
}
static uint64_t get64(const uint8_t *p)
{
	return ((uint64_t)usctp_get32(p) << 32) | usctp_get32(p + 4);
}

static bool hb_enabled(const struct usctp_path *p)
{
	return p->hb_enabled;
}

static bool hb_state(const struct usctp_assoc *a)
{
	return !a->dead && a->state >= USCTP_ESTABLISHED && a->state != USCTP_SHUTDOWN_ACK_SENT;
}

/* 8.3: RTO + HB.interval, jittered by +/- 50 % of the RTO. */
static uint64_t hb_period(struct usctp_assoc *a, const struct usctp_path *p)
{
	uint32_t r = 0;
	usctp_assoc_random(a, &r, sizeof(r));
	uint64_t rto = p->rto;
	uint64_t jitter = rto ? ((uint64_t)r * (rto + 1)) >> 32 : 0; /* [0, rto] */
	return rto / 2 + jitter + (uint64_t)p->hb_interval_ms * USCTP_NS_PER_MS;
}

/* When a confirmed path next wants a HEARTBEAT: idle active paths only with
 * heartbeats on; inactive ones are always probed, to notice their recovery. */
static uint64_t next_due(struct usctp_assoc *a, const struct usctp_path *p, uint64_t now)
{
	if (!p->confirmed)
		return now + p->rto;
	if (!hb_enabled(p) && p->state == USCTP_PATH_ACTIVE)
		return USCTP_TIME_NEVER;
	return now + hb_period(a, p);
}

void usctp_hb_path_added(struct usctp_assoc *a, unsigned idx, uint64_t now)
{
	struct usctp_path *p = &a->paths[idx];
	p->hb_outstanding = false;
	p->hb_send = false;
	p->hb_nonce_valid = false;
	p->hb_due = p->confirmed ? next_due(a, p, now) : now;
}

void usctp_hb_start(struct usctp_assoc *a, uint64_t now)
{
	a->probe_next = now;
	for (unsigned i = 0; i < a->num_paths; i++)
		usctp_hb_path_added(a, i, now);
}

uint64_t usctp_hb_expiry(const struct usctp_assoc *a)
{
	uint64_t t = USCTP_TIME_NEVER;
	if (!hb_state(a))
		return t;
	for (unsigned i = 0; i < a->num_paths; i++) {
		const struct usctp_path *p = &a->paths[i];
		if (p->no_source)
			continue;
		if (!p->confirmed && !p->hb_outstanding && p->hb_due < a->probe_next)
			t = usctp_time_min(t, a->probe_next); /* waits for its probing slot */
		else
			t = usctp_time_min(t, p->hb_due);
		if (p->hb_outstanding)
			t = usctp_time_min(t, p->hb_timeout_at);
	}
	return t;
}

static void send_hb(struct usctp_assoc *a, struct usctp_path *p, uint64_t now)
{
	usctp_assoc_random(a, p->hb_nonce, sizeof(p->hb_nonce));
	p->hb_nonce_valid = true;
	p->hb_outstanding = true;
	p->hb_send = true;
	p->hb_timeout_at = now + p->rto;
	uint64_t due = next_due(a, p, now);
	p->hb_due = due > p->hb_timeout_at ? due : p->hb_timeout_at;
}

static bool other_active(const struct usctp_assoc *a, unsigned i)
{
	for (unsigned k = 0; k < a->num_paths; k++)
		if (k != i && a->paths[k].state == USCTP_PATH_ACTIVE)
			return true;
	return false;
}

/* Returns false if the association died. */
static bool on_timeout(struct usctp_assoc *a, unsigned i, uint64_t now)
{
	struct usctp_path *p = &a->paths[i];
	p->hb_outstanding = false;
	usctp_path_backoff(p);
	/* 8.1 counts unanswered heartbeats against the association, but a path
	 * already known to be down proves nothing more while another works:
	 * probing it must not end an idle association that is fine (5.4 also
	 * spares unconfirmed paths). */
	bool count = p->confirmed && (p->state == USCTP_PATH_ACTIVE || !other_active(a, i));
	usctp_pm_path_error(a, i);
	if (count && ++a->error_count > a->cfg.assoc_max_retrans) {
		usctp_ev_push(a, USCTP_EV_COMM_LOST); /* 8.1 */
		usctp_assoc_terminate(a);
		return false;
	}
	if (!p->confirmed)
		p->hb_due = p->state == USCTP_PATH_ACTIVE ? now : now + hb_period(a, p);
	return true;
}

void usctp_hb_on_timer(struct usctp_assoc *a, uint64_t now)
{
	if (!hb_state(a))
		return;
	int probe = -1; /* the unconfirmed path waiting longest for a probe */
	for (unsigned i = 0; i < a->num_paths && !a->dead; i++) {
		struct usctp_path *p = &a->paths[i];
		if (p->no_source)
			continue; /* never probed: nothing of ours can reach it */
		if (p->hb_outstanding && now >= p->hb_timeout_at && !on_timeout(a, i, now))
			return;
		if (p->hb_due == USCTP_TIME_NEVER || now < p->hb_due)
			continue;
		if (p->hb_outstanding) {
			p->hb_due = p->hb_timeout_at;
		} else if (!p->confirmed) {
			if (probe < 0 || p->hb_due < a->paths[probe].hb_due)
				probe = (int)i;
		} else if (p->sent_data && now - p->last_send < hb_period(a, p) &&
			   p->state == USCTP_PATH_ACTIVE) {
			/* Not idle: data proves the path; look again one period after it. */
			p->hb_due = p->last_send + hb_period(a, p);
			if (p->hb_due <= now)
				p->hb_due = now + 1;
		} else if (!hb_enabled(p) && p->state == USCTP_PATH_ACTIVE) {
			p->hb_due = USCTP_TIME_NEVER;
		} else {
			send_hb(a, p, now);
		}
	}
	/* 5.4: HB.Max.Burst = 1 probe per RTO over all unconfirmed paths, the
	 * one waiting longest first (a probe that timed out queues behind). */
	if (probe >= 0 && !a->dead && now >= a->probe_next) {
		a->probe_next = now + usctp_assoc_rto(a);
		send_hb(a, &a->paths[probe], now);
	}
}

size_t usctp_hb_write(struct usctp_assoc *a, uint8_t *buf, size_t cap, uint64_t now, struct usctp_tx_info *tx)
{
	if (!hb_state(a))
		return 0;
	for (unsigned i = 0; i < a->num_paths; i++) {
		struct usctp_path *p = &a->paths[i];
		if (!p->hb_send)
			continue;
		p->hb_send = false;
		if (p->no_source)
			continue;
		uint8_t info[HB_INFO_LEN];
		memset(info, 0, sizeof(info));
		usctp_put32(info, i);
		memcpy(info + 4, p->hb_nonce, 8);
		put64(info + 12, now);
		info[20] = p->addr.ip.family;
		memcpy(info + 24, p->addr.ip.bytes, 16);
		struct usctp_wbuf w;
		usctp_wbuf_init(&w, buf, cap);
		usctp_build_hdr(&w, a->cfg.local_port, a->cfg.peer_port, a->peer_vtag);
		if (usctp_build_heartbeat(&w, USCTP_CHUNK_HEARTBEAT, info, sizeof(info)) < 0)
			return 0;
		usctp_build_finish(&w);
		if (tx)
			usctp_pm_tx_info(a, i, tx);
		a->stats.pkts_out++;
		return w.len;
	}
	return 0;
}

void usctp_hb_on_ack(struct usctp_assoc *a, const struct usctp_chunk *c, uint64_t now)
{
	struct usctp_heartbeat_chunk hb;
	if (usctp_heartbeat_parse(c, &hb) < 0) {
		a->stats.malformed++;
		return;
	}
	if (hb.info_len != HB_INFO_LEN || a->state < USCTP_ESTABLISHED)
		return;
	uint32_t idx = usctp_get32(hb.info);
	if (idx >= a->num_paths)
		return;
	struct usctp_path *p = &a->paths[idx];
	if (!p->hb_nonce_valid || memcmp(hb.info + 4, p->hb_nonce, 8) != 0 ||
	    hb.info[20] != p->addr.ip.family || memcmp(hb.info + 24, p->addr.ip.bytes, 16) != 0)
		return; /* not the heartbeat we sent last to that path */
	p->hb_nonce_valid = false;
	p->hb_outstanding = false;
	uint64_t sent = get64(hb.info + 12);
	if (sent <= now)
		usctp_path_rtt_update(p, now - sent);
	a->error_count = 0; /* 8.3 */
	usctp_pm_path_alive(a, idx);
	if (!p->confirmed) {
		p->confirmed = true;
		usctp_pm_event(a, idx, USCTP_ADDR_CONFIRMED);
		p->hb_due = next_due(a, p, now);
	}
}

void usctp_hb_settings_changed(struct usctp_assoc *a, unsigned idx, uint64_t now)
{
	struct usctp_path *p = &a->paths[idx];
	/* Only the idle heartbeat of a confirmed active path follows the
	 * setting; probes (unconfirmed, inactive) and an unanswered HEARTBEAT
	 * keep their schedule. */
	if (!hb_state(a) || !p->confirmed || p->state != USCTP_PATH_ACTIVE || p->hb_outstanding)
		return;
	p->hb_due = next_due(a, p, now);
}

int usctp_hb_demand(struct usctp_assoc *a, unsigned idx, uint64_t now)
{
	if (!hb_state(a))
		return USCTP_ERR_STATE;
	/* A new nonce: an answer to an earlier HEARTBEAT no longer counts,
	 * this one's timeout takes over. */
	send_hb(a, &a->paths[idx], now);
	return 0;
}
