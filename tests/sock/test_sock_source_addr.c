/*
 * Source addresses on real sockets: the runtime's UDP sockets are bound to
 * the wildcard, yet an association answers from the address its peer chose
 * (IP_PKTINFO), so a client that connects to any address of the host gets
 * its association. 127.0.0.0/8 is all ours: 127.0.0.2, .3 ... stand for a
 * host's several addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

static struct sockaddr_in v4(const char *ip, uint16_t port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return a;
}

/* A listener of type bound to the wildcard (ips NULL) or to ips[0..n); its port. */
static int listener(int type, const char *const *ips, int n, uint16_t *port)
{
	int fd = usctp_socket(AF_INET, type, IPPROTO_SCTP);
	assert_true(fd >= 0);
	if (!ips) {
		struct sockaddr_in any = v4("0.0.0.0", 0);
		assert_int_equal(usctp_bind(fd, (struct sockaddr *)&any, sizeof(any)), 0);
	} else {
		struct sockaddr_in a[4];
		for (int i = 0; i < n; i++)
			a[i] = v4(ips[i], 0);
		assert_int_equal(usctp_bind(fd, (struct sockaddr *)&a[0], sizeof(a[0])), 0);
		struct sockaddr *got;
		assert_int_equal(sctp_getladdrs(fd, 0, &got), 1);
		uint16_t p = ((struct sockaddr_in *)got)->sin_port;
		sctp_freeladdrs(got);
		for (int i = 1; i < n; i++)
			a[i].sin_port = p;
		if (n > 1)
			assert_int_equal(sctp_bindx(fd, (struct sockaddr *)&a[1], n - 1, SCTP_BINDX_ADD_ADDR), 0);
	}
	assert_int_equal(usctp_listen(fd, 8), 0);
	struct sockaddr *me;
	assert_true(sctp_getladdrs(fd, 0, &me) >= 1);
	*port = ntohs(((struct sockaddr_in *)me)->sin_port);
	sctp_freeladdrs(me);
	return fd;
}

static int client_to(const char *ip, uint16_t port)
{
	int c = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(c >= 0);
	su_encaps(c, udp_port);
	struct sockaddr_in to = v4(ip, port);
	assert_int_equal(usctp_connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	return c;
}

/* The addresses of sctp_get{l,p}addrs as dotted strings, joined by spaces. */
static void addrs_str(int n, struct sockaddr *addrs, char *out, size_t cap)
{
	out[0] = '\0';
	const uint8_t *p = (const uint8_t *)addrs;
	for (int i = 0; i < n; i++) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)p;
		assert_int_equal(s4->sin_family, AF_INET);
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%s%s", i ? " " : "", ip);
		p += sizeof(*s4);
	}
}

static void expect_laddrs(int fd, sctp_assoc_t id, const char *want)
{
	struct sockaddr *addrs = NULL;
	int n = sctp_getladdrs(fd, id, &addrs);
	assert_true(n >= 1);
	char got[256];
	addrs_str(n, addrs, got, sizeof(got));
	sctp_freeladdrs(addrs);
	assert_string_equal(got, want);
}

static void expect_paddrs(int fd, sctp_assoc_t id, const char *want)
{
	struct sockaddr *addrs = NULL;
	int n = sctp_getpaddrs(fd, id, &addrs);
	assert_true(n >= 1);
	char got[256];
	addrs_str(n, addrs, got, sizeof(got));
	sctp_freepaddrs(addrs);
	assert_string_equal(got, want);
}

static void echo_once(int c, int a)
{
	assert_int_equal(sctp_sendmsg(c, "ping", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	char buf[16];
	assert_int_equal(su_recv(a, buf, sizeof(buf), NULL, NULL, 5000), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(sctp_sendmsg(a, "pong", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	assert_int_equal(su_recv(c, buf, sizeof(buf), NULL, NULL, 5000), 4);
	assert_memory_equal(buf, "pong", 4);
}

static void a_wildcard_server_answers_from_the_address_the_client_chose(void **state)
{
	(void)state;
	uint16_t port;
	int l = listener(SOCK_STREAM, NULL, 0, &port);
	/* The kernel would route replies to the client from 127.0.0.1; the
	 * client only knows 127.0.0.3 and would drop them as out of the blue. */
	int c = client_to("127.0.0.3", port);
	int a = usctp_accept(l, NULL, NULL);
	assert_true(a >= 0);
	echo_once(c, a);
	/* The server announced no address: the client knows only the one it chose. */
	expect_paddrs(c, 0, "127.0.0.3");
	/* And the server's association says where it lives. */
	expect_laddrs(a, 0, "127.0.0.3");
	/* getsockname / getpeername agree across the two ends. */
	struct sockaddr_in an, cn, ap, cp;
	socklen_t len = sizeof(an);
	assert_int_equal(usctp_getsockname(a, (struct sockaddr *)&an, &len), 0);
	assert_int_equal(len, sizeof(an));
	assert_int_equal(an.sin_family, AF_INET);
	assert_int_equal(ntohl(an.sin_addr.s_addr), 0x7f000003);
	assert_int_equal(ntohs(an.sin_port), port);
	len = sizeof(cp);
	assert_int_equal(usctp_getpeername(c, (struct sockaddr *)&cp, &len), 0);
	assert_memory_equal(&cp.sin_addr, &an.sin_addr, 4);
	assert_int_equal(cp.sin_port, an.sin_port);
	len = sizeof(cn);
	assert_int_equal(usctp_getsockname(c, (struct sockaddr *)&cn, &len), 0);
	len = sizeof(ap);
	assert_int_equal(usctp_getpeername(a, (struct sockaddr *)&ap, &len), 0);
	assert_int_equal(ntohl(cn.sin_addr.s_addr), 0x7f000001); /* learnt from the INIT ACK */
	assert_memory_equal(&ap.sin_addr, &cn.sin_addr, 4);
	assert_int_equal(ap.sin_port, cn.sin_port);
	/* A short buffer gets the start, and the full size back. */
	uint8_t tiny[4];
	len = sizeof(tiny);
	assert_int_equal(usctp_getpeername(c, (struct sockaddr *)tiny, &len), 0);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	/* No association: ENOTCONN; not a usctp socket: ENOTSOCK; no buffer: EFAULT. */
	len = sizeof(ap);
	assert_int_equal(usctp_getpeername(l, (struct sockaddr *)&ap, &len), -1);
	assert_int_equal(errno, ENOTCONN);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(usctp_getsockname(pfd[0], (struct sockaddr *)&ap, &len), -1);
	assert_int_equal(errno, ENOTSOCK);
	close(pfd[0]);
	close(pfd[1]);
	assert_int_equal(usctp_getsockname(a, NULL, &len), -1);
	assert_int_equal(errno, EFAULT);
	/* The listener: the wildcard and its port. */
	len = sizeof(ap);
	assert_int_equal(usctp_getsockname(l, (struct sockaddr *)&ap, &len), 0);
	assert_int_equal(ap.sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(ntohs(ap.sin_port), port);
	usctp_close(c);
	usctp_close(a);
	usctp_close(l);
}

static void a_server_bound_to_two_addresses_answers_from_the_one_used(void **state)
{
	(void)state;
	static const char *const ips[] = {"127.0.0.2", "127.0.0.3"};
	uint16_t port;
	int l = listener(SOCK_STREAM, ips, 2, &port);
	int c = client_to("127.0.0.3", port);
	int a = usctp_accept(l, NULL, NULL);
	assert_true(a >= 0);
	echo_once(c, a);
	/* Both announced in the INIT ACK (5.1.2), which came from 127.0.0.3. */
	expect_paddrs(c, 0, "127.0.0.3 127.0.0.2");
	expect_laddrs(a, 0, "127.0.0.2 127.0.0.3");
	usctp_close(c);
	usctp_close(a);
	usctp_close(l);
}

static void each_association_of_a_one_to_many_socket_has_its_own_address(void **state)
{
	(void)state;
	uint16_t port;
	int l = listener(SOCK_SEQPACKET, NULL, 0, &port);
	su_subscribe(l, SCTP_ASSOC_CHANGE);
	int c4 = client_to("127.0.0.4", port);
	int c5 = client_to("127.0.0.5", port);
	sctp_assoc_t ids[2];
	for (int i = 0; i < 2; i++) {
		union sctp_notification n;
		assert_true(su_wait_notification(l, SCTP_ASSOC_CHANGE, &n, sizeof(n), 5000) > 0);
		assert_int_equal(n.sn_assoc_change.sac_state, SCTP_COMM_UP);
		ids[i] = n.sn_assoc_change.sac_assoc_id;
	}
	char a0[64], a1[64];
	struct sockaddr *addrs;
	assert_int_equal(sctp_getladdrs(l, ids[0], &addrs), 1);
	addrs_str(1, addrs, a0, sizeof(a0));
	sctp_freeladdrs(addrs);
	assert_int_equal(sctp_getladdrs(l, ids[1], &addrs), 1);
	addrs_str(1, addrs, a1, sizeof(a1));
	sctp_freeladdrs(addrs);
	/* In whichever order they came up: one each. */
	assert_true((!strcmp(a0, "127.0.0.4") && !strcmp(a1, "127.0.0.5")) ||
		    (!strcmp(a0, "127.0.0.5") && !strcmp(a1, "127.0.0.4")));
	/* Data flows both ways on each. */
	assert_int_equal(sctp_sendmsg(c4, "four", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	assert_int_equal(sctp_sendmsg(c5, "five", 4, NULL, 0, 0, 0, 0, 0, 0), 4);
	char buf[16];
	for (int i = 0; i < 2; i++) {
		struct sctp_sndrcvinfo si;
		memset(&si, 0, sizeof(si));
		assert_int_equal(su_recv(l, buf, sizeof(buf), &si, NULL, 5000), 4);
		assert_int_equal(sctp_send(l, buf, 4, &si, 0), 4); /* echo on its association */
	}
	assert_int_equal(su_recv(c4, buf, sizeof(buf), NULL, NULL, 5000), 4);
	assert_memory_equal(buf, "four", 4);
	assert_int_equal(su_recv(c5, buf, sizeof(buf), NULL, NULL, 5000), 4);
	assert_memory_equal(buf, "five", 4);
	usctp_close(c4);
	usctp_close(c5);
	usctp_close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_wildcard_server_answers_from_the_address_the_client_chose),
	    cmocka_unit_test(a_server_bound_to_two_addresses_answers_from_the_one_used),
	    cmocka_unit_test(each_association_of_a_one_to_many_socket_has_its_own_address),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
