/* The set of received TSNs above the cumulative ack: see rx_tsnmap.h. */
#include "rx_tsnmap.h"

#include <stdlib.h>
#include <string.h>

void usctp_tsnmap_init(struct usctp_tsnmap *m, uint32_t cum, uint32_t max_ahead)
{
	memset(m, 0, sizeof(*m));
	m->cum = cum;
	m->max_ahead = max_ahead > USCTP_TSNMAP_MAX_AHEAD ? USCTP_TSNMAP_MAX_AHEAD : max_ahead;
}

void usctp_tsnmap_free(struct usctp_tsnmap *m)
{
	free(m->r);
	m->r = NULL;
	m->n = m->cap = 0;
}

/* Offset above cum; 0 means at cum, >= 2^31 means behind it. */
static uint32_t off(const struct usctp_tsnmap *m, uint32_t tsn)
{
	return tsn - m->cum;
}

/* Index of the first range starting above tsn (binary search). */
static unsigned first_above(const struct usctp_tsnmap *m, uint32_t tsn)
{
	unsigned lo = 0, hi = m->n;
	uint32_t o = off(m, tsn);

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (off(m, m->r[mid].start) > o)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

enum usctp_tsn_class usctp_tsnmap_classify(const struct usctp_tsnmap *m, uint32_t tsn)
{
	uint32_t o = off(m, tsn);
	unsigned i;

	if (o == 0 || o >= 0x80000000u)
		return USCTP_TSN_DUP;
	if (o > m->max_ahead)
		return USCTP_TSN_FAR;
	i = first_above(m, tsn);
	if (i > 0 && off(m, m->r[i - 1].end) >= o)
		return USCTP_TSN_DUP;
	return USCTP_TSN_NEW;
}

uint32_t usctp_tsnmap_highest(const struct usctp_tsnmap *m)
{
	return m->n ? m->r[m->n - 1].end : m->cum;
}

static void remove_at(struct usctp_tsnmap *m, unsigned i)
{
	memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof(m->r[0]));
	m->n--;
}

/* cum advanced: swallow a first range that now starts right above it. */
static void absorb(struct usctp_tsnmap *m)
{
	if (m->n && m->r[0].start == m->cum + 1) {
		m->cum = m->r[0].end;
		remove_at(m, 0);
	}
}

static int reserve(struct usctp_tsnmap *m)
{
	unsigned ncap;
	struct usctp_tsn_range *nr;

	if (m->n < m->cap)
		return 0;
	if (m->cap >= USCTP_TSNMAP_MAX_RANGES)
		return USCTP_ERR_NOMEM;
	ncap = m->cap ? m->cap * 2 : 16;
	if (ncap > USCTP_TSNMAP_MAX_RANGES)
		ncap = USCTP_TSNMAP_MAX_RANGES;
	nr = realloc(m->r, ncap * sizeof(*nr));
	if (!nr)
		return USCTP_ERR_NOMEM;
	m->r = nr;
	m->cap = ncap;
	return 0;
}

int usctp_tsnmap_add(struct usctp_tsnmap *m, uint32_t tsn)
{
	unsigned i;
	bool left, right;
	int rc;

	if (tsn == m->cum + 1) { /* the common in-order case */
		m->cum = tsn;
		absorb(m);
		return 0;
	}
	i = first_above(m, tsn);
	left = i > 0 && m->r[i - 1].end + 1 == tsn;
	right = i < m->n && m->r[i].start == tsn + 1;
	if (left && right) {
		m->r[i - 1].end = m->r[i].end;
		remove_at(m, i);
	} else if (left) {
		m->r[i - 1].end = tsn;
	} else if (right) {
		m->r[i].start = tsn;
	} else {
		rc = reserve(m);
		if (rc < 0)
			return rc;
		memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof(m->r[0]));
		m->r[i].start = m->r[i].end = tsn;
		m->n++;
	}
	return 0;
}

void usctp_tsnmap_add_dup(struct usctp_tsnmap *m, uint32_t tsn)
{
	if (m->ndups < USCTP_TSNMAP_MAX_DUPS)
		m->dups[m->ndups++] = tsn;
}

void usctp_tsnmap_forward(struct usctp_tsnmap *m, uint32_t new_cum)
{
	uint32_t o = off(m, new_cum);
	unsigned k = 0;

	/* Ranges wholly at or below new_cum go; one straddling it carries cum on. */
	while (k < m->n && off(m, m->r[k].end) <= o)
		k++;
	if (k < m->n && off(m, m->r[k].start) <= o) {
		new_cum = m->r[k].end;
		k++;
	}
	if (k) {
		memmove(&m->r[0], &m->r[k], (m->n - k) * sizeof(m->r[0]));
		m->n -= k;
	}
	m->cum = new_cum;
	absorb(m);
}

unsigned usctp_tsnmap_gaps(const struct usctp_tsnmap *m, struct usctp_gap_block *out, unsigned max)
{
	unsigned i, n = m->n < max ? m->n : max;

	for (i = 0; i < n; i++) {
		out[i].start = (uint16_t)off(m, m->r[i].start);
		out[i].end = (uint16_t)off(m, m->r[i].end);
	}
	return n;
}
