/*
 * Blocking calls block and wake on the right event: recv on data, accept on
 * an association, send on buffer space, and every one of them on a close
 * from another thread. Each wait is bounded (SO_RCVTIMEO / SO_SNDTIMEO or a
 * watchdog) so a bug fails the test instead of hanging it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "sockutil.h"
#include "testutil.h"

static uint16_t udp_port;

static int setup(void **state)
{
	(void)state;
	udp_port = su_start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	usctp_finish();
	return 0;
}

static void timeouts(int fd, int ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	assert_int_equal(usctp_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(usctp_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
}

static void pair(int *c, int *a)
{
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	assert_true(l >= 0);
	*c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(*c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(*c, (struct sockaddr *)&ss, len), 0);
	timeouts(l, 5000);
	*a = usctp_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	usctp_close(l);
	timeouts(*c, 5000);
	timeouts(*a, 5000);
}

struct job {
	int fd;
	int op; /* 0 recv, 1 accept, 2 send */
	atomic_int done;
	ssize_t ret;
	int err;
	uint64_t ms;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	uint64_t t0 = su_ms();
	static uint8_t buf[65536];
	if (j->op == 0) {
		j->ret = sctp_recvmsg(j->fd, buf, sizeof(buf), NULL, NULL, NULL, NULL);
	} else if (j->op == 1) {
		j->ret = usctp_accept(j->fd, NULL, NULL);
	} else {
		j->ret = 0;
		/* Send until it blocks, then it returns when woken. */
		for (int i = 0; i < 100000 && j->ret >= 0; i++)
			j->ret = sctp_sendmsg(j->fd, buf, sizeof(buf), NULL, 0, 0, 0, 0, 0, 0);
	}
	j->err = errno;
	j->ms = su_ms() - t0;
	atomic_store(&j->done, 1);
	return NULL;
}

static bool wait_done(struct job *j, int ms)
{
	uint64_t end = su_ms() + (uint64_t)ms;
	while (!atomic_load(&j->done) && su_ms() < end)
		usleep(1000);
	return atomic_load(&j->done);
}

static void a_blocked_recv_wakes_when_data_arrives(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a);
	struct job j = {.fd = a, .op = 0};
	pthread_t t;
	pthread_create(&t, NULL, worker, &j);
	assert_true(su_blocked_after(a, 0, 3000));
	assert_false(atomic_load(&j.done));
	assert_int_equal(sctp_sendmsg(c, "wake", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	assert_true(wait_done(&j, 3000));
	pthread_join(t, NULL);
	assert_int_equal(j.ret, 4);
	usctp_close(c);
	usctp_close(a);
}

static void a_blocked_recv_returns_ebadf_when_closed_from_another_thread(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a);
	struct job j = {.fd = a, .op = 0};
	pthread_t t;
	pthread_create(&t, NULL, worker, &j);
	assert_true(su_blocked_after(a, 0, 3000));
	assert_false(atomic_load(&j.done));
	assert_int_equal(usctp_close(a), 0);
	assert_true(wait_done(&j, 3000));
	pthread_join(t, NULL);
	assert_int_equal(j.ret, -1);
	assert_int_equal(j.err, EBADF);
	assert_true(j.ms < 3000);
	usctp_close(c);
}

static void a_blocked_accept_wakes_on_an_association_and_on_close(void **state)
{
	(void)state;
	uint16_t lport;
	int l = su_listener(AF_INET, SOCK_STREAM, &lport);
	timeouts(l, 5000);
	struct job j = {.fd = l, .op = 1};
	pthread_t t;
	pthread_create(&t, NULL, worker, &j);
	assert_true(su_blocked_after(l, 0, 3000));
	assert_false(atomic_load(&j.done));
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	su_encaps(c, udp_port);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, lport, &ss);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&ss, len), 0);
	assert_true(wait_done(&j, 3000));
	pthread_join(t, NULL);
	assert_true(j.ret >= 0);
	usctp_close((int)j.ret);
	usctp_close(c);

	struct job k = {.fd = l, .op = 1};
	uint64_t before = su_waits(l);
	pthread_create(&t, NULL, worker, &k);
	assert_true(su_blocked_after(l, before, 3000));
	assert_int_equal(usctp_close(l), 0);
	assert_true(wait_done(&k, 3000));
	pthread_join(t, NULL);
	assert_int_equal(k.ret, -1);
	assert_int_equal(k.err, EBADF);
}

static void a_blocked_send_waits_for_room_and_wakes_on_close(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a);
	/* The worker fills the send buffer, then blocks: nobody reads. */
	struct job j = {.fd = c, .op = 2};
	pthread_t t;
	pthread_create(&t, NULL, worker, &j);
	assert_true(su_blocked_after(c, 0, 5000));
	assert_false(atomic_load(&j.done)); /* blocked: nobody reads */
	/* Reading makes room: the sender progresses (still blocked later). */
	uint64_t before = su_waits(c);
	uint8_t buf[65536];
	for (int i = 0; i < 4; i++)
		assert_true(su_recv(a, buf, sizeof(buf), NULL, NULL, 3000) > 0);
	/* Let it block again: closing a descriptor while another thread is
	 * between two calls on it is the application's race (and
	 * ThreadSanitizer says so), not the behaviour under test. */
	assert_true(su_blocked_after(c, before, 5000));
	assert_false(atomic_load(&j.done));
	assert_int_equal(usctp_close(c), 0);
	assert_true(wait_done(&j, 3000));
	pthread_join(t, NULL);
	assert_int_equal(j.ret, -1);
	assert_int_equal(j.err, EBADF);
	usctp_close(a);
}

static void so_rcvtimeo_bounds_a_blocking_recv(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a);
	timeouts(a, 100);
	char buf[8];
	uint64_t t0 = su_ms();
	assert_int_equal(sctp_recvmsg(a, buf, sizeof(buf), NULL, NULL, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	uint64_t dt = su_ms() - t0;
	assert_true(dt >= 90 && dt < 2000);
	usctp_close(c);
	usctp_close(a);
}

struct sender {
	int fd;
	uint16_t id;
	int msgs;
	int fails;
};

static void *send_thread(void *arg)
{
	struct sender *sd = arg;
	for (int i = 0; i < sd->msgs; i++) {
		uint32_t v[2] = {sd->id, (uint32_t)i};
		if (sctp_sendmsg(sd->fd, v, sizeof(v), NULL, 0, 0, 0, sd->id, 0, 0) != sizeof(v))
			sd->fails++;
	}
	return NULL;
}

static void many_threads_send_on_one_socket_and_order_holds_per_stream(void **state)
{
	(void)state;
	int c, a;
	pair(&c, &a);
	enum { THREADS = 4, MSGS = 300 };
	struct sender snd[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		snd[i] = (struct sender){.fd = c, .id = (uint16_t)i, .msgs = MSGS};
		pthread_create(&t[i], NULL, send_thread, &snd[i]);
	}
	int next[THREADS] = {0};
	int total = 0;
	for (int i = 0; i < THREADS * MSGS * 2 && total < THREADS * MSGS; i++) {
		uint32_t v[2];
		struct sctp_sndrcvinfo si;
		ssize_t n = su_recv(a, v, sizeof(v), &si, NULL, 5000);
		if (n == -1 && errno == EAGAIN)
			continue;
		assert_int_equal(n, sizeof(v));
		assert_true(v[0] < THREADS);
		assert_int_equal(si.sinfo_stream, v[0]);
		assert_int_equal(v[1], next[v[0]]);
		next[v[0]]++;
		total++;
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(snd[i].fails, 0);
	}
	assert_int_equal(total, THREADS * MSGS);
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_blocked_recv_wakes_when_data_arrives),
	    cmocka_unit_test(a_blocked_recv_returns_ebadf_when_closed_from_another_thread),
	    cmocka_unit_test(a_blocked_accept_wakes_on_an_association_and_on_close),
	    cmocka_unit_test(a_blocked_send_waits_for_room_and_wakes_on_close),
	    cmocka_unit_test(so_rcvtimeo_bounds_a_blocking_recv),
	    cmocka_unit_test(many_threads_send_on_one_socket_and_order_holds_per_stream),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
