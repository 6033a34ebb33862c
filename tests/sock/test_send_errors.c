/*
 * sctp_send(3), ERRORS: each errno provoked for real and checked. (EMSGSIZE
 * and EAGAIN are in test_send_basic.c, next to the behaviour they belong
 * to; EINVAL for a bad stream too.)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "test_send_common.h"

/* Test hooks of src/sock/msgio.c (not public API). */
extern _Atomic int usctp_test_msgio_fail_allocs;

static void a_closed_or_invalid_descriptor_is_ebadf(void **state)
{
	(void)state;
	assert_int_equal(sctp_send(-1, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(sctp_send(1000000, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, EBADF);
	int fd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	assert_true(fd >= 0);
	assert_int_equal(usctp_close(fd), 0);
	assert_int_equal(sctp_send(fd, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, EBADF);
	struct sockaddr_storage to;
	su_loopback(AF_INET, 9, &to);
	assert_int_equal(sctp_sendx(fd, "x", 1, (struct sockaddr *)&to, 1, NULL, 0), -1);
	assert_int_equal(errno, EBADF);
}

static void a_descriptor_that_is_not_a_usctp_socket_is_enotsock(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sctp_send(p[1], "x", 1, NULL, 0), -1);
	assert_int_equal(errno, ENOTSOCK);
	struct sockaddr_storage to;
	su_loopback(AF_INET, 9, &to);
	assert_int_equal(sctp_sendx(p[1], "x", 1, (struct sockaddr *)&to, 1, NULL, 0), -1);
	assert_int_equal(errno, ENOTSOCK);
	/* Nothing was written into the pipe. */
	assert_false(su_poll(p[0], POLLIN, 0) & POLLIN);
	close(p[0]);
	close(p[1]);
	/* A kernel socket is a socket, but not one of ours. */
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(u >= 0);
	assert_int_equal(sctp_send(u, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, ENOTSOCK);
	close(u);
}

static void a_null_message_with_a_length_is_efault(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	assert_int_equal(sctp_send(c, NULL, 5, NULL, 0), -1);
	assert_int_equal(errno, EFAULT);
	struct sockaddr_storage to;
	su_loopback(AF_INET, 9, &to);
	assert_int_equal(sctp_sendx(c, NULL, 5, (struct sockaddr *)&to, 1, NULL, 0), -1);
	assert_int_equal(errno, EFAULT);
	assert_true(ts_quiet(a, 200));
	usctp_close(c);
	usctp_close(a);
}

static void a_bad_address_array_is_efault(void **state)
{
	(void)state;
	int cli = ts_o2m_client();
	struct sockaddr_storage to;
	su_loopback(AF_INET, 9, &to);
	assert_int_equal(sctp_sendx(cli, "x", 1, NULL, 1, NULL, 0), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(sctp_sendx(cli, "x", 1, (struct sockaddr *)&to, 0, NULL, 0), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(sctp_sendx(cli, "x", 1, (struct sockaddr *)&to, -1, NULL, 0), -1);
	assert_int_equal(errno, EFAULT);
	/* No association was set up by any of them. */
	uint32_t n = 99;
	socklen_t len = sizeof(n);
	assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len), 0);
	assert_int_equal(n, 0);
	usctp_close(cli);
}

static void a_message_that_cannot_be_buffered_is_enobufs(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	/* The allocation of the message's copy fails (test hook: as if malloc
	 * had returned NULL). */
	atomic_store(&usctp_test_msgio_fail_allocs, 1);
	assert_int_equal(sctp_send(c, "lost", 4, NULL, 0), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(atomic_load(&usctp_test_msgio_fail_allocs), 0);
	/* The operation succeeds once buffers are available again. */
	assert_int_equal(sctp_send(c, "kept", 4, NULL, 0), 4);
	char buf[8];
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000), 4);
	assert_memory_equal(buf, "kept", 4);
	usctp_close(c);
	usctp_close(a);
}

static void an_address_the_socket_cannot_reach_is_ehostunreach(void **state)
{
	(void)state;
	int cli = ts_o2m_client(); /* AF_INET: cannot reach an IPv6 host */
	struct sockaddr_in6 to6;
	memset(&to6, 0, sizeof(to6));
	to6.sin6_family = AF_INET6;
	to6.sin6_port = htons(5000);
	to6.sin6_addr = in6addr_loopback;
	assert_int_equal(sctp_sendx(cli, "x", 1, (struct sockaddr *)&to6, 1, NULL, 0), -1);
	assert_int_equal(errno, EHOSTUNREACH);
	assert_int_equal(sctp_sendmsg(cli, "x", 1, (struct sockaddr *)&to6, sizeof(to6), 0, 0, 0, 0, 0), -1);
	assert_int_equal(errno, EHOSTUNREACH);
	uint32_t n = 99;
	socklen_t len = sizeof(n);
	assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len), 0);
	assert_int_equal(n, 0);
	usctp_close(cli);
}

static void a_one_to_one_socket_without_association_is_enotconn(void **state)
{
	(void)state;
	int fd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(fd >= 0);
	assert_int_equal(sctp_send(fd, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, ENOTCONN);
	uint16_t port;
	int l = su_listener(AF_INET, SOCK_STREAM, &port);
	assert_true(l >= 0);
	assert_int_equal(sctp_send(l, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, ENOTCONN);
	usctp_close(fd);
	usctp_close(l);
}

struct sender {
	int fd;
	atomic_int done;
	ssize_t ret;
	int err;
};

static void *blocked_send(void *arg)
{
	struct sender *j = arg;
	static uint8_t buf[4096];
	j->ret = sctp_send(j->fd, buf, sizeof(buf), NULL, 0);
	j->err = errno;
	atomic_store(&j->done, 1);
	return NULL;
}

static void an_abort_arriving_while_sending_is_econnreset(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	ts_nonblock(c, true);
	ts_fill(c, NULL, 4096);
	ts_nonblock(c, false);
	struct sender j = {.fd = c};
	pthread_t t;
	pthread_create(&t, NULL, blocked_send, &j);
	usleep(100 * 1000);
	assert_false(atomic_load(&j.done)); /* blocked: no room */
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	assert_int_equal(usctp_setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(usctp_close(a), 0); /* the peer sends ABORT */
	for (int i = 0; i < 300 && !atomic_load(&j.done); i++)
		usleep(10 * 1000);
	assert_true(atomic_load(&j.done));
	pthread_join(t, NULL);
	assert_int_equal(j.ret, -1);
	assert_int_equal(j.err, ECONNRESET);
	/* Reported once; after that the socket can send no more. */
	assert_int_equal(sctp_send(c, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, EPIPE);
	usctp_close(c);
}

static void an_abort_arriving_between_sends_is_econnreset_on_the_next(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	su_subscribe(c, SCTP_ASSOC_CHANGE);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	assert_int_equal(usctp_setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(usctp_close(a), 0);
	union sctp_notification n[8];
	/* COMM_UP first (subscribed after it happened: not queued), COMM_LOST. */
	assert_true(su_wait_notification(c, SCTP_ASSOC_CHANGE, n, sizeof(n), 3000) > 0);
	assert_int_equal(n[0].sn_assoc_change.sac_state, SCTP_COMM_LOST);
	assert_int_equal(sctp_send(c, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, ECONNRESET);
	usctp_close(c);
}

static void one_to_many_without_id_or_address_is_enoent(void **state)
{
	(void)state;
	uint16_t port;
	int srv = ts_server(&port);
	int cli = ts_o2m_client();
	sctp_assoc_t id = ts_connect_o2m(cli, port);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	assert_int_equal(sctp_send(cli, "x", 1, &snd, 0), -1); /* id 0, no address */
	assert_int_equal(errno, ENOENT);
	snd.sinfo_assoc_id = id + 1000; /* no such association */
	assert_int_equal(sctp_send(cli, "x", 1, &snd, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_true(ts_quiet(srv, 200));
	usctp_close(cli);
	usctp_close(srv);
}

static void abort_on_an_association_that_does_not_exist_is_enoent(void **state)
{
	(void)state;
	uint16_t port;
	int srv = ts_server(&port);
	int cli = ts_o2m_client();
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_ABORT;
	snd.sinfo_assoc_id = 4242;
	assert_int_equal(sctp_send(cli, NULL, 0, &snd, 0), -1);
	assert_int_equal(errno, ENOENT);
	/* By address: no association there, and none is set up to abort it. */
	snd.sinfo_assoc_id = 0;
	struct sockaddr_storage to;
	su_loopback(AF_INET, port, &to);
	assert_int_equal(sctp_sendx(cli, "why", 3, (struct sockaddr *)&to, 1, &snd, 0), -1);
	assert_int_equal(errno, ENOENT);
	uint32_t n = 99;
	socklen_t len = sizeof(n);
	assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len), 0);
	assert_int_equal(n, 0);
	usctp_close(cli);
	usctp_close(srv);
}

static void after_shutdown_the_socket_can_send_no_more_epipe(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	assert_int_equal(usctp_shutdown(c, SHUT_WR), 0);
	assert_int_equal(sctp_send(c, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, EPIPE);
	char buf[8];
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000), 0); /* EOF */
	/* Still EPIPE once the association is gone. */
	assert_int_equal(sctp_send(c, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, EPIPE);
	usctp_close(c);
	usctp_close(a);
}

static void after_an_eof_send_the_socket_can_send_no_more_epipe(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_flags = SCTP_EOF;
	assert_int_equal(sctp_send(c, "end", 3, &snd, 0), 3);
	snd.sinfo_flags = 0;
	assert_int_equal(sctp_send(c, "x", 1, &snd, 0), -1);
	assert_int_equal(errno, EPIPE);
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_closed_or_invalid_descriptor_is_ebadf),
	    cmocka_unit_test(a_descriptor_that_is_not_a_usctp_socket_is_enotsock),
	    cmocka_unit_test(a_null_message_with_a_length_is_efault),
	    cmocka_unit_test(a_bad_address_array_is_efault),
	    cmocka_unit_test(a_message_that_cannot_be_buffered_is_enobufs),
	    cmocka_unit_test(an_address_the_socket_cannot_reach_is_ehostunreach),
	    cmocka_unit_test(a_one_to_one_socket_without_association_is_enotconn),
	    cmocka_unit_test(an_abort_arriving_while_sending_is_econnreset),
	    cmocka_unit_test(an_abort_arriving_between_sends_is_econnreset_on_the_next),
	    cmocka_unit_test(one_to_many_without_id_or_address_is_enoent),
	    cmocka_unit_test(abort_on_an_association_that_does_not_exist_is_enoent),
	    cmocka_unit_test(after_shutdown_the_socket_can_send_no_more_epipe),
	    cmocka_unit_test(after_an_eof_send_the_socket_can_send_no_more_epipe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
