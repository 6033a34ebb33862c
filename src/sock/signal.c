/*
 * Readiness: the user's descriptor is one end of an AF_UNIX stream
 * socketpair, and the library drives what poll/select/epoll report on it.
 *
 * Readable: one byte sits in the user end's receive queue (written from the
 * library end) exactly while sctp_recvmsg would return something; the library
 * reads it back when that stops being true.
 * Writable: the user end's send buffer is full (the library wrote filler into
 * it until EAGAIN) exactly while sctp_send would block; the library drains the
 * filler from its own end when room comes back.
 *
 * The wanted state is computed under the socket lock; the system calls that
 * apply it run with no lock held. One thread at a time applies (sig_busy) and
 * loops until what it applied matches what is wanted, so updates from several
 * threads cannot be applied out of order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "sock.h"

static bool want_readable(struct usctp_sock *s)
{
	if (s->nq.head || s->rq_head || s->aq_head || s->so_error)
		return true;
	if (s->type == SOCK_STREAM && !s->listening && s->ever_connected) {
		/* EOF: the association is gone, or the peer shut down and all its
		 * data has been read (sctp_recvmsg returns 0). */
		struct usctp_sassoc *sa = usctp_sock_the_assoc(s);
		if (!sa || !sa->a || sa->shutdown_rcvd)
			return true;
	}
	return s->rd_shut;
}

static bool want_writable(struct usctp_sock *s)
{
	if (s->type == SOCK_SEQPACKET)
		return true;
	if (s->listening)
		return false;
	if (s->so_error || s->wr_shut)
		return true;
	if (s->connecting)
		return false;
	struct usctp_sassoc *sa = usctp_sock_the_assoc(s);
	if (!sa || !sa->a)
		return true; /* a send fails at once (ENOTCONN / EPIPE): not blocking */
	return usctp_assoc_send_space(sa->a) > 0;
}

static void apply_readable(int ufd, int lfd, bool on)
{
	char buf[64];
	if (on) {
		ssize_t r = send(lfd, "r", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)r;
		return;
	}
	for (int i = 0; i < 16; i++)
		if (recv(ufd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

static void apply_writable(int ufd, int lfd, bool on)
{
	static const char filler[4096];
	char buf[8192];
	if (on) {
		for (int i = 0; i < 256; i++)
			if (recv(lfd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
				break;
		return;
	}
	for (int i = 0; i < 256; i++)
		if (send(ufd, filler, sizeof(filler), MSG_DONTWAIT | MSG_NOSIGNAL) <= 0)
			break;
}

void usctp_kick_flush(void)
{
	if (usctp_kick_pending) {
		usctp_kick_pending = false;
		usctp_rt_kick();
	}
}

void usctp_sock_signal(struct usctp_sock *s)
{
	usctp_kick_flush();
	pthread_mutex_lock(&s->lock);
	/* Another thread applying: wait for it (a few non-blocking system
	 * calls), so that when we return, poll already tells the truth. */
	for (int i = 0; i < 1000 && s->sig_busy; i++)
		usctp_sock_wait(s, usctp_now() / 1000000u + 100);
	for (int round = 0; round < 8 && !s->sig_busy; round++) {
		if (s->ufd < 0)
			break;
		bool r = want_readable(s), w = want_writable(s);
		bool r0 = s->rd_applied, w0 = s->wr_applied;
		if (r == r0 && w == w0)
			break;
		s->sig_busy = true;
		int ufd = s->ufd_lib, lfd = s->lfd;
		pthread_mutex_unlock(&s->lock);
		if (r != r0)
			apply_readable(ufd, lfd, r);
		if (w != w0)
			apply_writable(ufd, lfd, w);
		pthread_mutex_lock(&s->lock);
		s->rd_applied = r;
		s->wr_applied = w;
		s->sig_busy = false;
		usctp_sock_wake(s);
	}
	pthread_mutex_unlock(&s->lock);
}
