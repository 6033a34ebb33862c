/*
 * usctp core: per-path RTO computation (RFC 9260 6.3.1) and initial state.
 */
#include <string.h>

#include "path.h"

void usctp_path_init(struct usctp_path *p, const struct usctp_addr *addr, const struct usctp_assoc_config *c,
		     const struct usctp_cc_ops *cc)
{
	memset(p, 0, sizeof(*p));
	if (addr)
		p->addr = *addr;
	p->state = USCTP_PATH_ACTIVE;
	p->mtu = c->mtu;
	p->rto_min = (uint64_t)c->rto_min_ms * USCTP_NS_PER_MS;
	p->rto_max = (uint64_t)c->rto_max_ms * USCTP_NS_PER_MS;
	if (p->rto_max < p->rto_min)
		p->rto_max = p->rto_min;
	p->rto = (uint64_t)c->rto_initial_ms * USCTP_NS_PER_MS; /* C1 */
	p->hb_interval_ms = c->hb_interval_ms;
	p->hb_enabled = c->hb_interval_ms != 0;
	p->max_retrans = c->path_max_retrans;
	if (!cc)
		cc = c->cc ? c->cc : &usctp_cc_rfc9260;
	cc->init(p, p->mtu);
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

void usctp_path_rtt_update(struct usctp_path *p, uint64_t rtt)
{
	if (!p->rtt_measured) { /* C2 */
		p->srtt = rtt;
		p->rttvar = rtt / 2;
		p->rtt_measured = true;
	} else { /* C3: RTTVAR uses the SRTT from before this sample */
		p->rttvar = (3 * p->rttvar + absdiff(p->srtt, rtt)) / 4;
		p->srtt = (7 * p->srtt + rtt) / 8;
	}
	if (p->rttvar == 0) /* G1 */
		p->rttvar = USCTP_CLOCK_GRANULARITY_NS;
	uint64_t rto = p->srtt + 4 * p->rttvar;
	if (rto < p->rto_min) /* C6 */
		rto = p->rto_min;
	if (rto > p->rto_max) /* C7 */
		rto = p->rto_max;
	p->rto = rto;
}

void usctp_path_backoff(struct usctp_path *p)
{
	p->rto = p->rto > p->rto_max / 2 ? p->rto_max : p->rto * 2;
}
