/*
 * usctp core: packet-size fallback on T3-rtx loss of large packets (pmtu.h).
 */
#include "pmtu.h"
#include "path.h"

void usctp_pmtu_on_data_sent(struct usctp_path *p, uint32_t base, size_t len)
{
	if (base && len > base)
		p->pmtu.big_sent = true;
}

bool usctp_pmtu_on_t3(struct usctp_path *p, uint32_t base, uint64_t now)
{
	struct usctp_pmtu *m = &p->pmtu;
	/* Only a loss that large packets may have caused says anything about
	 * the size: a path sending small messages keeps its size. */
	if (!base || m->fixed || p->mtu <= base || !m->big_sent)
		return false;
	m->restore = p->mtu;
	m->raise_ivl = m->raise_ivl ? m->raise_ivl * 2 : USCTP_PMTU_RAISE_FIRST_NS;
	if (m->raise_ivl > USCTP_PMTU_RAISE_MAX_NS)
		m->raise_ivl = USCTP_PMTU_RAISE_MAX_NS;
	m->raise_at = now + m->raise_ivl;
	m->big_sent = false;
	p->mtu = base;
	return true;
}

void usctp_pmtu_tick(struct usctp_path *p, uint64_t now)
{
	struct usctp_pmtu *m = &p->pmtu;
	if (!m->restore || now < m->raise_at)
		return;
	/* The interval stays: if the large size fails again, the next wait
	 * is twice as long. */
	p->mtu = m->restore;
	m->restore = 0;
}

void usctp_pmtu_fix(struct usctp_path *p, uint32_t mtu)
{
	p->mtu = mtu;
	p->pmtu.fixed = true;
	p->pmtu.restore = 0;
}
