/*
 * Notifications: core events become the structures of RFC 6458 section 6 /
 * FreeBSD's sctp_uio.h, queued on the socket and read with sctp_recvmsg
 * (MSG_NOTIFICATION). Only subscribed types (SCTP_EVENT / SCTP_EVENTS) are
 * queued.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sock.h"

bool usctp_events_on(const struct usctp_sock *s, uint16_t type)
{
	return type < 32 && (s->o.events & (1u << type));
}

void usctp_nq_push(struct usctp_nq *q, struct usctp_notif *n)
{
	n->next = NULL;
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
}

struct usctp_notif *usctp_nq_pop(struct usctp_nq *q)
{
	struct usctp_notif *n = q->head;
	if (n) {
		q->head = n->next;
		if (!q->head)
			q->tail = NULL;
	}
	return n;
}

void usctp_nq_clear(struct usctp_nq *q)
{
	struct usctp_notif *n;
	while ((n = usctp_nq_pop(q)))
		free(n);
}

void usctp_nq_move(struct usctp_nq *to, struct usctp_nq *from)
{
	struct usctp_notif *n;
	while ((n = usctp_nq_pop(from)))
		usctp_nq_push(to, n);
}

static struct usctp_notif *notif_new(size_t len, sctp_assoc_t id)
{
	struct usctp_notif *n = calloc(1, sizeof(*n) + len);
	if (n) {
		n->len = len;
		n->assoc_id = id;
	}
	return n;
}

static uint16_t event_type_of(enum usctp_event_type t)
{
	switch (t) {
	case USCTP_EV_COMM_UP:
	case USCTP_EV_COMM_LOST:
	case USCTP_EV_RESTART:
	case USCTP_EV_SHUTDOWN_COMPLETE:
	case USCTP_EV_CANT_START:
		return SCTP_ASSOC_CHANGE;
	case USCTP_EV_SHUTDOWN:
		return SCTP_SHUTDOWN_EVENT;
	case USCTP_EV_PEER_ADDR_CHANGE:
		return SCTP_PEER_ADDR_CHANGE;
	case USCTP_EV_REMOTE_ERROR:
		return SCTP_REMOTE_ERROR;
	case USCTP_EV_SEND_FAILED:
		return SCTP_SEND_FAILED_EVENT; /* or SCTP_SEND_FAILED, see below */
	case USCTP_EV_ADAPTATION:
		return SCTP_ADAPTATION_INDICATION;
	case USCTP_EV_PARTIAL_DELIVERY_ABORTED:
		return SCTP_PARTIAL_DELIVERY_EVENT;
	case USCTP_EV_SENDER_DRY:
		return SCTP_SENDER_DRY_EVENT;
	}
	return 0;
}

static struct usctp_notif *assoc_change(const struct usctp_event *ev, sctp_assoc_t id)
{
	uint16_t state = 0;
	switch (ev->type) {
	case USCTP_EV_COMM_UP:
		state = SCTP_COMM_UP;
		break;
	case USCTP_EV_COMM_LOST:
		state = SCTP_COMM_LOST;
		break;
	case USCTP_EV_RESTART:
		state = SCTP_RESTART;
		break;
	case USCTP_EV_SHUTDOWN_COMPLETE:
		state = SCTP_SHUTDOWN_COMP;
		break;
	default:
		state = SCTP_CANT_STR_ASSOC;
		break;
	}
	size_t info = 0;
	if (state == SCTP_COMM_LOST || state == SCTP_CANT_STR_ASSOC)
		info = ev->causes_len;
	struct usctp_notif *n = notif_new(sizeof(struct sctp_assoc_change) + info, id);
	if (!n)
		return NULL;
	struct sctp_assoc_change *c = (struct sctp_assoc_change *)n->data;
	c->sac_type = SCTP_ASSOC_CHANGE;
	c->sac_length = (uint32_t)n->len;
	c->sac_state = state;
	c->sac_error = ev->error;
	c->sac_outbound_streams = ev->outbound_streams;
	c->sac_inbound_streams = ev->inbound_streams;
	c->sac_assoc_id = id;
	if (info)
		memcpy(c->sac_info, ev->causes, info);
	return n;
}

static struct usctp_notif *send_failed(const struct usctp_sock *s, const struct usctp_event *ev,
				       sctp_assoc_t id)
{
	const uint8_t *data = ev->msg ? usctp_msg_data(ev->msg) : NULL;
	size_t dlen = ev->msg ? usctp_msg_len(ev->msg) : 0;
	uint16_t flags = ev->sent ? SCTP_DATA_SENT : SCTP_DATA_UNSENT;
	struct usctp_notif *n;
	if (usctp_events_on(s, SCTP_SEND_FAILED_EVENT)) {
		n = notif_new(sizeof(struct sctp_send_failed_event) + dlen, id);
		if (!n)
			return NULL;
		struct sctp_send_failed_event *f = (struct sctp_send_failed_event *)n->data;
		f->ssfe_type = SCTP_SEND_FAILED_EVENT;
		f->ssfe_flags = flags;
		f->ssfe_length = (uint32_t)n->len;
		f->ssfe_error = ev->error;
		f->ssfe_info.snd_sid = ev->sid;
		f->ssfe_info.snd_flags = ev->send_flags;
		f->ssfe_info.snd_ppid = htonl(ev->ppid); /* as given: see msgio.c */
		f->ssfe_info.snd_context = ev->context;
		f->ssfe_info.snd_assoc_id = id;
		f->ssfe_assoc_id = id;
		if (dlen)
			memcpy(f->ssfe_data, data, dlen);
	} else {
		n = notif_new(sizeof(struct sctp_send_failed) + dlen, id);
		if (!n)
			return NULL;
		struct sctp_send_failed *f = (struct sctp_send_failed *)n->data;
		f->ssf_type = SCTP_SEND_FAILED;
		f->ssf_flags = flags;
		f->ssf_length = (uint32_t)n->len;
		f->ssf_error = ev->error;
		f->ssf_info.sinfo_stream = ev->sid;
		f->ssf_info.sinfo_flags = ev->send_flags;
		f->ssf_info.sinfo_ppid = htonl(ev->ppid);
		f->ssf_info.sinfo_context = ev->context;
		f->ssf_info.sinfo_assoc_id = id;
		f->ssf_assoc_id = id;
		if (dlen)
			memcpy(f->ssf_data, data, dlen);
	}
	return n;
}

void usctp_notify_event(struct usctp_sock *s, struct usctp_sassoc *sa, const struct usctp_event *ev)
{
	uint16_t type = event_type_of(ev->type);
	bool on = usctp_events_on(s, type);
	if (ev->type == USCTP_EV_SEND_FAILED)
		on = usctp_events_on(s, SCTP_SEND_FAILED_EVENT) || usctp_events_on(s, SCTP_SEND_FAILED);
	if (!on)
		return;
	sctp_assoc_t id = sa->id;
	struct usctp_notif *n = NULL;
	switch (type) {
	case SCTP_ASSOC_CHANGE:
		n = assoc_change(ev, id);
		break;
	case SCTP_SHUTDOWN_EVENT: {
		n = notif_new(sizeof(struct sctp_shutdown_event), id);
		if (n) {
			struct sctp_shutdown_event *e = (struct sctp_shutdown_event *)n->data;
			e->sse_type = type;
			e->sse_length = (uint32_t)n->len;
			e->sse_assoc_id = id;
		}
		break;
	}
	case SCTP_PEER_ADDR_CHANGE: {
		n = notif_new(sizeof(struct sctp_paddr_change), id);
		if (n) {
			struct sctp_paddr_change *e = (struct sctp_paddr_change *)n->data;
			e->spc_type = type;
			e->spc_length = (uint32_t)n->len;
			usctp_addr_to_sa(&ev->addr, sa->pport, &e->spc_aaddr);
			e->spc_state = (uint32_t)ev->addr_state; /* same numbering as SCTP_ADDR_* */
			e->spc_error = ev->error;
			e->spc_assoc_id = id;
		}
		break;
	}
	case SCTP_REMOTE_ERROR: {
		n = notif_new(sizeof(struct sctp_remote_error) + ev->causes_len, id);
		if (n) {
			struct sctp_remote_error *e = (struct sctp_remote_error *)n->data;
			e->sre_type = type;
			e->sre_length = (uint32_t)n->len;
			e->sre_error = ev->error;
			e->sre_assoc_id = id;
			if (ev->causes_len)
				memcpy(e->sre_data, ev->causes, ev->causes_len);
		}
		break;
	}
	case SCTP_SEND_FAILED_EVENT:
		n = send_failed(s, ev, id);
		break;
	case SCTP_ADAPTATION_INDICATION: {
		n = notif_new(sizeof(struct sctp_adaptation_event), id);
		if (n) {
			struct sctp_adaptation_event *e = (struct sctp_adaptation_event *)n->data;
			e->sai_type = type;
			e->sai_length = (uint32_t)n->len;
			e->sai_adaptation_ind = ev->adaptation_ind;
			e->sai_assoc_id = id;
		}
		break;
	}
	case SCTP_PARTIAL_DELIVERY_EVENT: {
		n = notif_new(sizeof(struct sctp_pdapi_event), id);
		if (n) {
			struct sctp_pdapi_event *e = (struct sctp_pdapi_event *)n->data;
			e->pdapi_type = type;
			e->pdapi_length = (uint32_t)n->len;
			e->pdapi_indication = SCTP_PARTIAL_DELIVERY_ABORTED;
			e->pdapi_stream = ev->pd_sid;
			e->pdapi_seq = ev->pd_ssn;
			e->pdapi_assoc_id = id;
		}
		break;
	}
	case SCTP_SENDER_DRY_EVENT: {
		n = notif_new(sizeof(struct sctp_sender_dry_event), id);
		if (n) {
			struct sctp_sender_dry_event *e = (struct sctp_sender_dry_event *)n->data;
			e->sender_dry_type = type;
			e->sender_dry_length = (uint32_t)n->len;
			e->sender_dry_assoc_id = id;
		}
		break;
	}
	default:
		break;
	}
	if (!n)
		return; /* out of memory: the notification is lost, as FreeBSD does */
	if (s->type == SOCK_STREAM && s->listening)
		usctp_nq_push(&sa->early, n);
	else
		usctp_nq_push(&s->nq, n);
}
