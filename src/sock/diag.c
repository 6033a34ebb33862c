/*
 * Diagnostics API: per-association counters (usctp_stats) and the log level
 * (usctp_debug_level). Capture is in src/io/pcap.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "io/trace.h"

void usctp_debug_level(int level)
{
	usctp_log_set_level(level);
	if (level >= USCTP_LOG_PKT)
		atomic_fetch_or(&usctp_trace_flags, 2u);
	else
		atomic_fetch_and(&usctp_trace_flags, ~2u);
}

/* The RFC 6458 state constant (sstat_state) for a core state. */
int32_t usctp_sstat_state(enum usctp_state st)
{
	switch (st) {
	case USCTP_COOKIE_WAIT:
		return SCTP_COOKIE_WAIT;
	case USCTP_COOKIE_ECHOED:
		return SCTP_COOKIE_ECHOED;
	case USCTP_ESTABLISHED:
		return SCTP_ESTABLISHED;
	case USCTP_SHUTDOWN_PENDING:
		return SCTP_SHUTDOWN_PENDING;
	case USCTP_SHUTDOWN_SENT:
		return SCTP_SHUTDOWN_SENT;
	case USCTP_SHUTDOWN_RECEIVED:
		return SCTP_SHUTDOWN_RECEIVED;
	case USCTP_SHUTDOWN_ACK_SENT:
		return SCTP_SHUTDOWN_ACK_SENT;
	default:
		return SCTP_CLOSED;
	}
}

static void fill(const struct usctp_sassoc *sa, struct usctp_stats *st)
{
	const struct usctp_assoc_stats *c = usctp_assoc_stats(sa->a);
	struct usctp_assoc_status cs;
	usctp_assoc_get_status(sa->a, &cs);
	memset(st, 0, sizeof(*st));
	st->assoc_id = sa->id;
	st->state = usctp_sstat_state(cs.state);
	st->pkts_in = c->pkts_in;
	st->pkts_out = c->pkts_out;
	st->pkts_dropped = c->pkts_dropped;
	st->bad_checksum = c->bad_checksum;
	st->bad_vtag = c->bad_vtag;
	st->malformed = c->malformed;
	st->data_chunks_in = c->data_chunks_in;
	st->data_chunks_out = c->data_chunks_out;
	st->dup_tsns_in = c->dup_tsns_in;
	st->msgs_in = c->user_msgs_in;
	st->msgs_out = c->user_msgs_out;
	st->bytes_in = c->bytes_in;
	st->bytes_out = c->bytes_out;
	st->retransmits = c->retransmits;
	st->fast_retransmits = c->fast_retransmits;
	st->t3_timeouts = c->t3_timeouts;
	st->t1_timeouts = c->t1_timeouts;
	st->sacks_in = c->sacks_in;
	st->sacks_out = c->sacks_out;
	st->abandoned = c->abandoned;
	st->pmtu_fallbacks = c->pmtu_fallbacks;
	st->peer_rwnd = cs.peer_rwnd;
	st->local_rwnd = cs.local_rwnd;
	st->queued_bytes = cs.queued_bytes;
	st->instreams = cs.instreams;
	st->outstreams = cs.outstreams;
	st->num_paths = cs.num_paths;
	struct usctp_path_status ps;
	if (usctp_assoc_path_status(sa->a, (unsigned)(cs.primary < 0 ? 0 : cs.primary), &ps) == 0) {
		st->srtt_ms = ps.srtt_ms;
		st->rttvar_ms = ps.rttvar_ms;
		st->rto_ms = ps.rto_ms;
		st->cwnd = ps.cwnd;
		st->ssthresh = ps.ssthresh;
		st->flight = ps.flight;
		st->mtu = ps.mtu;
	}
}

int usctp_stats(int sd, sctp_assoc_t id, struct usctp_stats *st)
{
	if (!st)
		return usctp_fail(EINVAL);
	struct usctp_sock *s;
	int r = usctp_sock_get(sd, &s);
	if (r < 0)
		return usctp_fail(-r);
	pthread_mutex_lock(&s->lock);
	struct usctp_sassoc *sa =
	    s->type == SOCK_STREAM ? usctp_sock_the_assoc(s) : usctp_sock_find_assoc(s, id);
	int err = 0;
	if (sa && sa->a)
		fill(sa, st);
	else
		err = ENOENT;
	pthread_mutex_unlock(&s->lock);
	usctp_sock_unref(s);
	return err ? usctp_fail(err) : 0;
}

static void describe(const struct usctp_sassoc *sa, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	usctp_addr_to_sa(&sa->peer, sa->pport, &ss);
	char ip[INET6_ADDRSTRLEN] = "?";
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof(ip));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "assoc %u port %u -> %s%s%s:%u", (unsigned)sa->id, sa->lport,
		 ss.ss_family == AF_INET6 ? "[" : "", ip, ss.ss_family == AF_INET6 ? "]" : "", sa->pport);
}

void usctp_sa_log(const struct usctp_sassoc *sa, int lvl, const char *what)
{
	if (usctp_log_level() < lvl)
		return;
	char d[128];
	describe(sa, d, sizeof(d));
	usctp_log_printf(lvl, "%s: %s", d, what);
}

static const char *event_name(enum usctp_event_type t)
{
	switch (t) {
	case USCTP_EV_COMM_UP:
		return "COMM_UP";
	case USCTP_EV_COMM_LOST:
		return "COMM_LOST";
	case USCTP_EV_RESTART:
		return "RESTART";
	case USCTP_EV_SHUTDOWN_COMPLETE:
		return "SHUTDOWN_COMPLETE";
	case USCTP_EV_CANT_START:
		return "CANT_START";
	case USCTP_EV_SHUTDOWN:
		return "SHUTDOWN received";
	case USCTP_EV_PEER_ADDR_CHANGE:
		return "PEER_ADDR_CHANGE";
	case USCTP_EV_REMOTE_ERROR:
		return "REMOTE_ERROR";
	case USCTP_EV_SEND_FAILED:
		return "SEND_FAILED";
	case USCTP_EV_ADAPTATION:
		return "ADAPTATION";
	case USCTP_EV_PARTIAL_DELIVERY_ABORTED:
		return "PARTIAL_DELIVERY_ABORTED";
	case USCTP_EV_SENDER_DRY:
		return "SENDER_DRY";
	}
	return "?";
}

void usctp_sa_log_event(const struct usctp_sassoc *sa, const struct usctp_event *ev)
{
	bool failure = ev->type == USCTP_EV_COMM_LOST || ev->type == USCTP_EV_CANT_START ||
		       ev->type == USCTP_EV_REMOTE_ERROR;
	int lvl = failure ? USCTP_LOG_ERR : USCTP_LOG_STATE;
	if (usctp_log_level() < lvl)
		return;
	char what[160];
	switch (ev->type) {
	case USCTP_EV_COMM_UP:
	case USCTP_EV_RESTART:
		snprintf(what, sizeof(what), "event %s (streams out %u in %u)", event_name(ev->type),
			 ev->outbound_streams, ev->inbound_streams);
		break;
	case USCTP_EV_COMM_LOST:
	case USCTP_EV_CANT_START:
	case USCTP_EV_REMOTE_ERROR:
		snprintf(what, sizeof(what), "event %s (cause %u%s)", event_name(ev->type), ev->error,
			 ev->error ? "" : ": none, or retransmissions exhausted");
		break;
	case USCTP_EV_PEER_ADDR_CHANGE:
		snprintf(what, sizeof(what), "event PEER_ADDR_CHANGE (state %d)", (int)ev->addr_state);
		break;
	case USCTP_EV_SEND_FAILED:
		snprintf(what, sizeof(what), "event SEND_FAILED (stream %u ppid %u, %s)", ev->sid, ev->ppid,
			 ev->sent ? "sent" : "unsent");
		break;
	default:
		snprintf(what, sizeof(what), "event %s", event_name(ev->type));
		break;
	}
	usctp_sa_log(sa, lvl, what);
}

void usctp_sa_log_transition(const struct usctp_sassoc *sa, enum usctp_state before)
{
	if (!sa->a)
		return;
	enum usctp_state now = usctp_assoc_state(sa->a);
	if (now == before)
		return;
	char what[96];
	snprintf(what, sizeof(what), "%s -> %s", usctp_state_name(before), usctp_state_name(now));
	usctp_sa_log(sa, USCTP_LOG_STATE, what);
}
