/*
 * The runtime alone (src/io): UDP in and out, timers on real time, and
 * start / stop / start again. No SCTP here: a test handler stands in for the
 * sockets layer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "io/rt.h"
#include "sockutil.h"
#include "testutil.h"

static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static unsigned got_n;
static uint8_t got_last[64];
static size_t got_len;
static atomic_int teardowns;

static void on_input(const struct usctp_dgram *d, unsigned n, uint64_t now)
{
	(void)now;
	pthread_mutex_lock(&lk);
	for (unsigned i = 0; i < n; i++) {
		got_n++;
		got_len = d[i].len < sizeof(got_last) ? d[i].len : sizeof(got_last);
		memcpy(got_last, d[i].data, got_len);
	}
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&lk);
}

static void on_teardown(void)
{
	atomic_fetch_add(&teardowns, 1);
}

static const struct usctp_rt_handler handler = {.input = on_input, .teardown = on_teardown};

static bool wait_count(unsigned want, int ms)
{
	uint64_t end = su_ms() + (uint64_t)ms;
	pthread_mutex_lock(&lk);
	while (got_n < want && su_ms() < end) {
		pthread_mutex_unlock(&lk);
		usleep(1000);
		pthread_mutex_lock(&lk);
	}
	bool ok = got_n >= want;
	pthread_mutex_unlock(&lk);
	return ok;
}

static void udp_send_to(int family, uint16_t port, const char *msg)
{
	int fd = socket(family, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(family, port, &ss);
	assert_int_equal(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&ss, len), (ssize_t)strlen(msg));
	close(fd);
}

static void datagrams_reach_the_handler_on_both_families(void **state)
{
	(void)state;
	uint16_t port = su_free_udp_port();
	assert_int_equal(usctp_rt_start(&handler, port), 0);
	assert_int_equal(usctp_rt_port(), port);
	got_n = 0;
	udp_send_to(AF_INET, port, "hello4");
	assert_true(wait_count(1, 2000));
	assert_memory_equal(got_last, "hello4", 6);
	if (usctp_rt_has_family(AF_INET6)) {
		udp_send_to(AF_INET6, port, "hello6");
		assert_true(wait_count(2, 2000));
		assert_memory_equal(got_last, "hello6", 6);
	}
	/* A burst larger than one recvmmsg batch arrives whole. */
	pthread_mutex_lock(&lk);
	unsigned before = got_n;
	pthread_mutex_unlock(&lk);
	for (int i = 0; i < 100; i++)
		udp_send_to(AF_INET, port, "burst");
	assert_true(wait_count(before + 100, 3000));
	usctp_rt_stop();
	assert_false(usctp_rt_running());
}

static void a_batch_is_sent_with_one_flush(void **state)
{
	(void)state;
	uint16_t port = su_free_udp_port();
	assert_int_equal(usctp_rt_start(&handler, port), 0);
	int rx = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_storage ss;
	socklen_t len = su_loopback(AF_INET, 0, &ss);
	assert_int_equal(bind(rx, (struct sockaddr *)&ss, len), 0);
	len = sizeof(ss);
	getsockname(rx, (struct sockaddr *)&ss, &len);
	struct usctp_txbatch *b = usctp_txb_get();
	assert_non_null(b);
	for (int i = 0; i < 5; i++) {
		uint8_t *p = usctp_txb_reserve(b, 1500);
		assert_non_null(p);
		memset(p, 'a' + i, 100);
		usctp_txb_commit(b, 100, &ss, NULL);
	}
	usctp_txb_flush(b);
	assert_int_equal(b->n, 0);
	usctp_txb_put(b);
	for (int i = 0; i < 5; i++) {
		assert_true(su_poll(rx, POLLIN, 2000) & POLLIN);
		uint8_t buf[200];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		assert_int_equal(recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 100);
		assert_int_equal(buf[0], 'a' + i);
		/* Sent from the runtime's encapsulation port. */
		assert_int_equal(ntohs(((struct sockaddr_in *)&from)->sin_port), port);
	}
	close(rx);
	usctp_rt_stop();
}

struct tmr {
	struct usctp_timer t;
	atomic_int fired;
	atomic_uint_fast64_t at;
};

static void tmr_hold(struct usctp_timer *t)
{
	(void)t;
}
static void tmr_fire(struct usctp_timer *t, uint64_t now)
{
	struct tmr *m = (struct tmr *)t;
	atomic_store(&m->at, now);
	atomic_fetch_add(&m->fired, 1);
}

static void timers_fire_on_time_and_in_order_without_ticks(void **state)
{
	(void)state;
	assert_int_equal(usctp_rt_start(&handler, su_free_udp_port()), 0);
	static struct tmr t[4];
	uint64_t now = usctp_now();
	const uint64_t ms = 1000000ull;
	uint64_t due[4] = {now + 60 * ms, now + 20 * ms, now + 40 * ms, now + 500 * ms};
	for (int i = 0; i < 4; i++) {
		usctp_timer_init(&t[i].t, tmr_hold, tmr_fire);
		atomic_store(&t[i].fired, 0);
		if (usctp_timer_set(&t[i].t, due[i]))
			usctp_rt_kick();
	}
	/* Re-arm one later and disarm another: they must follow. */
	usctp_timer_set(&t[2].t, now + 80 * ms);
	usctp_timer_set(&t[3].t, UINT64_MAX);
	uint64_t end = su_ms() + 2000;
	while (su_ms() < end && !(t[0].fired && t[1].fired && t[2].fired))
		usleep(1000);
	assert_int_equal(t[0].fired, 1);
	assert_int_equal(t[1].fired, 1);
	assert_int_equal(t[2].fired, 1);
	assert_true(t[1].at >= due[1] && t[1].at < due[1] + 30 * ms);
	assert_true(t[0].at >= due[0] && t[0].at < due[0] + 30 * ms);
	assert_true(t[2].at >= now + 80 * ms);
	assert_true(t[1].at <= t[0].at && t[0].at <= t[2].at);
	usleep(100 * 1000);
	assert_int_equal(t[3].fired, 0);
	usctp_rt_stop();
}

static void start_stop_start_again_works(void **state)
{
	(void)state;
	int before = atomic_load(&teardowns);
	for (int i = 0; i < 5; i++) {
		uint16_t port = su_free_udp_port();
		assert_int_equal(usctp_rt_start(&handler, port), 0);
		/* An explicit other port while running is refused. */
		assert_int_equal(usctp_rt_start(&handler, (uint16_t)(port == 65535 ? 1 : port + 1)), -EBUSY);
		assert_int_equal(usctp_rt_start(&handler, 0), 0);
		got_n = 0;
		udp_send_to(AF_INET, port, "again");
		assert_true(wait_count(1, 2000));
		usctp_rt_stop();
		usctp_rt_stop(); /* idempotent */
	}
	assert_int_equal(atomic_load(&teardowns), before + 5);
}

static void the_port_comes_from_the_environment(void **state)
{
	(void)state;
	uint16_t port = su_free_udp_port();
	char buf[16];
	snprintf(buf, sizeof(buf), "%u", port);
	setenv("USCTP_UDP_PORT", buf, 1);
	assert_int_equal(usctp_rt_start(&handler, 0), 0);
	assert_int_equal(usctp_rt_port(), port);
	usctp_rt_stop();
	unsetenv("USCTP_UDP_PORT");
}

static int stop_runtime(void **state)
{
	(void)state;
	usctp_rt_stop();
	unsetenv("USCTP_UDP_PORT");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(datagrams_reach_the_handler_on_both_families, stop_runtime),
	    cmocka_unit_test_teardown(a_batch_is_sent_with_one_flush, stop_runtime),
	    cmocka_unit_test_teardown(timers_fire_on_time_and_in_order_without_ticks, stop_runtime),
	    cmocka_unit_test_teardown(start_stop_start_again_works, stop_runtime),
	    cmocka_unit_test_teardown(the_port_comes_from_the_environment, stop_runtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
