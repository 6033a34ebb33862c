/*
 * sctp_send(3), DESCRIPTION: what one call does. It sends one message on
 * either socket type and returns its length; a message too long fails with
 * EMSGSIZE and nothing goes out; no room blocks, or EAGAIN when
 * non-blocking, and poll says when a one-to-one socket can send again (BUGS:
 * a one-to-many socket always polls writable); sinfo_ppid's bytes, the
 * stream and the association are as given; ssn/tsn/cumtsn and the sendmsg
 * flags are ignored.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "test_send_common.h"

static void send_returns_the_length_on_a_one_to_one_socket(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	assert_int_equal(sctp_send(c, "hello", 5, &snd, 0), 5);
	char buf[16];
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000), 5);
	assert_memory_equal(buf, "hello", 5);
	usctp_close(c);
	usctp_close(a);
}

static void send_returns_the_length_on_a_one_to_many_socket(void **state)
{
	(void)state;
	uint16_t port;
	int srv = ts_server(&port);
	int cli = ts_o2m_client();
	sctp_assoc_t id = ts_connect_o2m(cli, port);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = id;
	assert_int_equal(sctp_send(cli, "many", 4, &snd, 0), 4);
	char buf[16];
	assert_int_equal(ts_recv_data(srv, buf, sizeof(buf), NULL, NULL, 3000), 4);
	assert_memory_equal(buf, "many", 4);
	usctp_close(cli);
	usctp_close(srv);
}

static void small_sndbuf(int fd, int l)
{
	(void)l;
	ts_setint(fd, SOL_SOCKET, SO_SNDBUF, 4096);
}

static void a_message_too_long_fails_with_emsgsize_and_nothing_is_sent(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, small_sndbuf);
	static uint8_t big[8192];
	memset(big, 'B', sizeof(big));
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	assert_int_equal(sctp_send(c, big, sizeof(big), &snd, 0), -1);
	assert_int_equal(errno, EMSGSIZE);
	/* Larger than any send buffer can be: refused before it is read at all
	 * (only 8 KiB of the 65 MiB claimed exist). */
	assert_int_equal(sctp_send(c, big, (size_t)65 << 20, &snd, 0), -1);
	assert_int_equal(errno, EMSGSIZE);
	/* Nothing of them went out: the next message is the first to arrive. */
	assert_int_equal(sctp_send(c, "next", 4, &snd, 0), 4);
	char buf[16384];
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000), 4);
	assert_memory_equal(buf, "next", 4);
	assert_true(ts_quiet(a, 200));
	usctp_close(c);
	usctp_close(a);
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

/* Drain everything a has (the peer reads again). */
static size_t drain(int a, size_t want)
{
	static uint8_t buf[65536];
	size_t got = 0;
	for (int i = 0; i < 100000 && got < want; i++) {
		ssize_t n = ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static void with_no_room_send_blocks_until_the_peer_reads(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	ts_nonblock(c, true);
	size_t queued = ts_fill(c, NULL, 4096);
	ts_nonblock(c, false);
	struct sender j = {.fd = c};
	pthread_t t;
	pthread_create(&t, NULL, blocked_send, &j);
	usleep(200 * 1000);
	assert_false(atomic_load(&j.done)); /* blocked: no room */
	size_t got = drain(a, queued);
	assert_int_equal(got, queued);
	for (int i = 0; i < 300 && !atomic_load(&j.done); i++)
		usleep(10 * 1000);
	assert_true(atomic_load(&j.done));
	pthread_join(t, NULL);
	assert_int_equal(j.ret, 4096);
	assert_int_equal(drain(a, 4096), 4096);
	usctp_close(c);
	usctp_close(a);
}

static void with_no_room_a_non_blocking_send_fails_with_eagain(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	ts_nonblock(c, true);
	size_t queued = ts_fill(c, NULL, 4096);
	assert_true(queued > 0);
	uint64_t t0 = su_ms();
	assert_int_equal(sctp_send(c, "x", 1, NULL, 0), -1);
	assert_int_equal(errno, EAGAIN);
	assert_true(su_ms() - t0 < 100); /* and it did not wait */
	usctp_close(c);
	usctp_close(a);
}

static void poll_says_when_a_one_to_one_socket_can_send_again(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	assert_true(su_poll(c, POLLOUT, 1000) & POLLOUT);
	ts_nonblock(c, true);
	size_t queued = ts_fill(c, NULL, 4096);
	assert_false(su_poll(c, POLLOUT, 100) & POLLOUT); /* full: not writable */
	assert_int_equal(drain(a, queued), queued);
	assert_true(su_poll(c, POLLOUT, 3000) & POLLOUT); /* room again */
	assert_int_equal(sctp_send(c, "again", 5, NULL, 0), 5);
	/* select(2) says the same as poll. */
	fd_set w;
	FD_ZERO(&w);
	FD_SET(c, &w);
	struct timeval tv = {.tv_sec = 1};
	assert_int_equal(select(c + 1, NULL, &w, NULL, &tv), 1);
	usctp_close(c);
	usctp_close(a);
}

static void a_one_to_many_socket_always_polls_writable(void **state)
{
	(void)state;
	uint16_t port;
	int srv = ts_server(&port);
	int cli = ts_o2m_client();
	sctp_assoc_t id = ts_connect_o2m(cli, port);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = id;
	ts_nonblock(cli, true);
	ts_fill(cli, &snd, 4096);
	/* The association is full, but other associations might not be:
	 * sctp_send(3) BUGS, the socket stays writable. */
	assert_true(su_poll(cli, POLLOUT, 100) & POLLOUT);
	assert_int_equal(sctp_send(cli, "x", 1, &snd, 0), -1);
	assert_int_equal(errno, EAGAIN);
	usctp_close(cli);
	usctp_close(srv);
}

static void the_ppid_reaches_the_peer_byte_for_byte(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	const uint8_t bytes[4] = {0x01, 0x02, 0x03, 0xfe};
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	memcpy(&snd.sinfo_ppid, bytes, 4);
	assert_int_equal(sctp_send(c, "p", 1, &snd, 0), 1);
	struct sctp_sndrcvinfo si;
	char buf[8];
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), &si, NULL, 3000), 1);
	assert_memory_equal(&si.sinfo_ppid, bytes, 4);
	usctp_close(c);
	usctp_close(a);
}

static void the_stream_is_the_one_the_peer_reads_it_on(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	struct sctp_status st;
	socklen_t len = sizeof(st);
	memset(&st, 0, sizeof(st));
	assert_int_equal(usctp_getsockopt(c, IPPROTO_SCTP, SCTP_STATUS, &st, &len), 0);
	assert_true(st.sstat_outstrms >= 4);
	const uint16_t streams[] = {3, 0, (uint16_t)(st.sstat_outstrms - 1)};
	for (int i = 0; i < 3; i++) {
		struct sctp_sndrcvinfo snd;
		memset(&snd, 0, sizeof(snd));
		snd.sinfo_stream = streams[i];
		assert_int_equal(sctp_send(c, "s", 1, &snd, 0), 1);
		struct sctp_sndrcvinfo si;
		char buf[8];
		assert_int_equal(ts_recv_data(a, buf, sizeof(buf), &si, NULL, 3000), 1);
		assert_int_equal(si.sinfo_stream, streams[i]);
	}
	usctp_close(c);
	usctp_close(a);
}

static void a_stream_the_association_lacks_fails_with_einval(void **state)
{
	(void)state;
	uint16_t port;
	int srv = ts_server(&port);
	int cli = ts_o2m_client();
	sctp_assoc_t id = ts_connect_o2m(cli, port);
	struct sctp_status st;
	socklen_t len = sizeof(st);
	memset(&st, 0, sizeof(st));
	st.sstat_assoc_id = id;
	assert_int_equal(usctp_getsockopt(cli, IPPROTO_SCTP, SCTP_STATUS, &st, &len), 0);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = id;
	snd.sinfo_stream = st.sstat_outstrms; /* one past the last */
	assert_int_equal(sctp_send(cli, "s", 1, &snd, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_true(ts_quiet(srv, 200));
	usctp_close(cli);
	usctp_close(srv);
}

static void the_assoc_id_picks_the_association_on_a_one_to_many_socket(void **state)
{
	(void)state;
	uint16_t p1, p2;
	int s1 = ts_server(&p1);
	int s2 = ts_server(&p2);
	int cli = ts_o2m_client();
	sctp_assoc_t id1 = ts_connect_o2m(cli, p1);
	sctp_assoc_t id2 = ts_connect_o2m(cli, p2);
	assert_int_not_equal(id1, id2);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = id2;
	assert_int_equal(sctp_send(cli, "two", 3, &snd, 0), 3);
	snd.sinfo_assoc_id = id1;
	assert_int_equal(sctp_send(cli, "one", 3, &snd, 0), 3);
	char buf[8];
	assert_int_equal(ts_recv_data(s2, buf, sizeof(buf), NULL, NULL, 3000), 3);
	assert_memory_equal(buf, "two", 3);
	assert_int_equal(ts_recv_data(s1, buf, sizeof(buf), NULL, NULL, 3000), 3);
	assert_memory_equal(buf, "one", 3);
	assert_int_equal(ts_recv_data(s1, buf, sizeof(buf), NULL, NULL, 200), -2);
	assert_int_equal(ts_recv_data(s2, buf, sizeof(buf), NULL, NULL, 200), -2);
	usctp_close(cli);
	usctp_close(s1);
	usctp_close(s2);
}

static void the_assoc_id_is_ignored_on_a_one_to_one_socket(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = 0xdeadbeef; /* no such association anywhere */
	assert_int_equal(sctp_send(c, "id", 2, &snd, 0), 2);
	char buf[8];
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000), 2);
	usctp_close(c);
	usctp_close(a);
}

static void ssn_tsn_and_cumtsn_are_ignored_on_send(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	struct sctp_sndrcvinfo snd, si;
	char buf[8];
	uint32_t tsn[2];
	for (int i = 0; i < 2; i++) {
		memset(&snd, 0, sizeof(snd));
		snd.sinfo_stream = 1;
		snd.sinfo_ssn = 777;
		snd.sinfo_tsn = 0x12345678;
		snd.sinfo_cumtsn = 0x9abcdef0;
		assert_int_equal(sctp_send(c, "i", 1, &snd, 0), 1);
		assert_int_equal(ts_recv_data(a, buf, sizeof(buf), &si, NULL, 3000), 1);
		assert_int_equal(si.sinfo_ssn, i); /* the stack's numbering, not ours */
		tsn[i] = si.sinfo_tsn;
		assert_int_not_equal(si.sinfo_tsn, 0x12345678);
	}
	assert_int_equal(tsn[1], tsn[0] + 1);
	usctp_close(c);
	usctp_close(a);
}

static void sendmsg_flags_are_accepted_and_ignored(void **state)
{
	(void)state;
	int c, a;
	ts_pair(&c, &a, NULL);
	const int flags[] = {MSG_NOSIGNAL, MSG_EOR, MSG_DONTROUTE, MSG_NOSIGNAL | MSG_MORE, 0x7fffffff};
	char buf[8];
	for (int i = 0; i < 5; i++) {
		assert_int_equal(sctp_send(c, "f", 1, NULL, flags[i]), 1);
		assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000), 1);
	}
	usctp_close(c);
	usctp_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(send_returns_the_length_on_a_one_to_one_socket),
	    cmocka_unit_test(send_returns_the_length_on_a_one_to_many_socket),
	    cmocka_unit_test(a_message_too_long_fails_with_emsgsize_and_nothing_is_sent),
	    cmocka_unit_test(with_no_room_send_blocks_until_the_peer_reads),
	    cmocka_unit_test(with_no_room_a_non_blocking_send_fails_with_eagain),
	    cmocka_unit_test(poll_says_when_a_one_to_one_socket_can_send_again),
	    cmocka_unit_test(a_one_to_many_socket_always_polls_writable),
	    cmocka_unit_test(the_ppid_reaches_the_peer_byte_for_byte),
	    cmocka_unit_test(the_stream_is_the_one_the_peer_reads_it_on),
	    cmocka_unit_test(a_stream_the_association_lacks_fails_with_einval),
	    cmocka_unit_test(the_assoc_id_picks_the_association_on_a_one_to_many_socket),
	    cmocka_unit_test(the_assoc_id_is_ignored_on_a_one_to_one_socket),
	    cmocka_unit_test(ssn_tsn_and_cumtsn_are_ignored_on_send),
	    cmocka_unit_test(sendmsg_flags_are_accepted_and_ignored),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
