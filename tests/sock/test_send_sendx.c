/*
 * sctp_sendx(3): sctp_send with an array of addresses. An implicit setup
 * uses all of them (as sctp_connectx then sctp_send would); with
 * sinfo_assoc_id 0 the first address finds the association; given both, the
 * id wins.
 */
#include <stdlib.h>

#include "test_send_common.h"

/* The ids of fd's associations (up to max); their number. */
static int assoc_ids(int fd, sctp_assoc_t *ids, int max)
{
	uint32_t v[1 + 16];
	socklen_t len = sizeof(v);
	assert_int_equal(usctp_getsockopt(fd, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, v, &len), 0);
	int n = (int)v[0];
	for (int i = 0; i < n && i < max; i++)
		ids[i] = v[1 + i];
	return n;
}

static void fill4(struct sockaddr_in *s, uint32_t ip, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_addr.s_addr = htonl(ip);
	s->sin_port = htons(port);
}

static void an_implicit_setup_uses_every_address(void **state)
{
	(void)state;
	uint16_t port;
	int srv = ts_server(&port); /* 127.0.0.1 only: it announces no other */
	int cli = ts_o2m_client();
	struct sockaddr_in to[2];
	fill4(&to[0], 0x7f000001, port);
	fill4(&to[1], 0x7f000003, port);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_stream = 1;
	assert_int_equal(sctp_sendx(cli, "setup", 5, (struct sockaddr *)to, 2, &snd, 0), 5);
	char buf[16];
	struct sctp_sndrcvinfo si;
	assert_int_equal(ts_recv_data(srv, buf, sizeof(buf), &si, NULL, 3000), 5);
	assert_int_equal(si.sinfo_stream, 1);
	sctp_assoc_t id;
	assert_int_equal(assoc_ids(cli, &id, 1), 1);
	/* Both addresses are the association's: the second came from us. */
	struct sockaddr *pa;
	int n = sctp_getpaddrs(cli, id, &pa);
	assert_int_equal(n, 2);
	bool has3 = false;
	for (int i = 0; i < n; i++)
		has3 |= ((struct sockaddr_in *)pa)[i].sin_addr.s_addr == htonl(0x7f000003);
	assert_true(has3);
	sctp_freepaddrs(pa);
	/* Whereas sctp_sendmsg (one address) knows only that one. */
	int cli1 = ts_o2m_client();
	assert_int_equal(
	    sctp_sendmsg(cli1, "one", 3, (struct sockaddr *)&to[0], sizeof(to[0]), 0, 0, 0, 0, 0), 3);
	assert_int_equal(ts_recv_data(srv, buf, sizeof(buf), NULL, NULL, 3000), 3);
	assert_int_equal(assoc_ids(cli1, &id, 1), 1);
	assert_int_equal(sctp_getpaddrs(cli1, id, &pa), 1);
	sctp_freepaddrs(pa);
	usctp_close(cli1);
	usctp_close(cli);
	usctp_close(srv);
}

static void with_id_zero_the_first_address_finds_the_association(void **state)
{
	(void)state;
	uint16_t p1, p2;
	int s1 = ts_server(&p1);
	int s2 = ts_server(&p2);
	int cli = ts_o2m_client();
	ts_connect_o2m(cli, p1);
	ts_connect_o2m(cli, p2);
	struct sockaddr_in to[2];
	fill4(&to[0], 0x7f000001, p2); /* first: server 2 */
	fill4(&to[1], 0x7f000001, p1);
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	assert_int_equal(sctp_sendx(cli, "to2", 3, (struct sockaddr *)to, 2, &snd, 0), 3);
	char buf[16];
	assert_int_equal(ts_recv_data(s2, buf, sizeof(buf), NULL, NULL, 3000), 3);
	assert_memory_equal(buf, "to2", 3);
	assert_true(ts_quiet(s1, 200));
	sctp_assoc_t ids[4];
	assert_int_equal(assoc_ids(cli, ids, 4), 2); /* no new association */
	usctp_close(cli);
	usctp_close(s1);
	usctp_close(s2);
}

static void given_an_id_and_an_address_the_id_wins(void **state)
{
	(void)state;
	uint16_t p1, p2;
	int s1 = ts_server(&p1);
	int s2 = ts_server(&p2);
	int cli = ts_o2m_client();
	sctp_assoc_t id1 = ts_connect_o2m(cli, p1);
	ts_connect_o2m(cli, p2);
	struct sockaddr_in to;
	fill4(&to, 0x7f000001, p2); /* the address says server 2 */
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = id1; /* the id says server 1 */
	assert_int_equal(sctp_sendx(cli, "to1", 3, (struct sockaddr *)&to, 1, &snd, 0), 3);
	char buf[16];
	assert_int_equal(ts_recv_data(s1, buf, sizeof(buf), NULL, NULL, 3000), 3);
	assert_memory_equal(buf, "to1", 3);
	assert_true(ts_quiet(s2, 200));
	usctp_close(cli);
	usctp_close(s1);
	usctp_close(s2);
}

static void sendx_has_the_properties_of_send(void **state)
{
	(void)state;
	uint16_t port;
	int srv = ts_server(&port);
	int cli = ts_o2m_client();
	ts_connect_o2m(cli, port);
	struct sockaddr_in to;
	fill4(&to, 0x7f000001, port);
	struct sctp_sndrcvinfo snd, si;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_stream = 3;
	snd.sinfo_flags = SCTP_UNORDERED;
	memcpy(&snd.sinfo_ppid, "\x01\x02\x03\x04", 4);
	assert_int_equal(sctp_sendx(cli, "props", 5, (struct sockaddr *)&to, 1, &snd, MSG_NOSIGNAL), 5);
	char buf[16];
	assert_int_equal(ts_recv_data(srv, buf, sizeof(buf), &si, NULL, 3000), 5);
	assert_int_equal(si.sinfo_stream, 3);
	assert_true(si.sinfo_flags & SCTP_UNORDERED);
	assert_memory_equal(&si.sinfo_ppid, "\x01\x02\x03\x04", 4);
	/* On a one-to-one socket the addresses change nothing: there is one
	 * association. */
	int c, a;
	ts_pair(&c, &a, NULL);
	fill4(&to, 0x7f000009, 9);
	assert_int_equal(sctp_sendx(c, "one", 3, (struct sockaddr *)&to, 1, NULL, 0), 3);
	assert_int_equal(ts_recv_data(a, buf, sizeof(buf), NULL, NULL, 3000), 3);
	usctp_close(c);
	usctp_close(a);
	usctp_close(cli);
	usctp_close(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(an_implicit_setup_uses_every_address),
	    cmocka_unit_test(with_id_zero_the_first_address_finds_the_association),
	    cmocka_unit_test(given_an_id_and_an_address_the_id_wins),
	    cmocka_unit_test(sendx_has_the_properties_of_send),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
