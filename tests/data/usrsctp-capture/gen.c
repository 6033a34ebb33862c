/*
 * Generates real SCTP-over-UDP traffic with usrsctp (another SCTP stack), to
 * be captured by capture.sh. Not part of the build or of the tests: the
 * captured packets (pkt-NNN.bin) are the checked-in data.
 *
 * Two processes (one UDP encapsulation port each, usrsctp allows one per
 * process): a server on UDP port A, SCTP port 5001, and a client on UDP port
 * B. Association 1: small ordered messages, a heartbeat on demand, a large
 * fragmented message, an unordered one, then a graceful shutdown.
 * Association 2: one message, then an abortive close (SO_LINGER 0 -> ABORT).
 * Each process exits by itself (alarm) if anything hangs.
 *
 * Usage: gen <udp-port-A> <udp-port-B>
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <usrsctp.h>

#define SCTP_PORT 5001
#define BIG_LEN 6000
#define TIMEOUT_S 20

static void die(const char *what)
{
	perror(what);
	_exit(2);
}

static void stack_init(uint16_t udp_port)
{
	usrsctp_init(udp_port, NULL, NULL);
	/* usrsctp skips the CRC on loopback by default; we want real checksums. */
	usrsctp_sysctl_set_sctp_no_csum_on_loopback(0);
	usrsctp_sysctl_set_sctp_ecn_enable(1);
}

static void set_encaps(struct socket *s, uint16_t remote_udp_port)
{
	struct sctp_udpencaps enc;
	memset(&enc, 0, sizeof enc);
	enc.sue_address.ss_family = AF_INET;
	enc.sue_port = htons(remote_udp_port);
	if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc) < 0)
		die("SCTP_REMOTE_UDP_ENCAPS_PORT");
}

static void sin_loopback(struct sockaddr_in *sin, uint16_t port)
{
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static void send_msg(struct socket *s, const void *buf, size_t len, uint16_t sid, uint32_t ppid,
		     int unordered)
{
	struct sctp_sndinfo si;
	memset(&si, 0, sizeof si);
	si.snd_sid = sid;
	si.snd_ppid = htonl(ppid);
	si.snd_flags = unordered ? SCTP_UNORDERED : 0;
	if (usrsctp_sendv(s, buf, len, NULL, 0, &si, sizeof si, SCTP_SENDV_SNDINFO, 0) < 0)
		die("usrsctp_sendv");
}

/* Receive one whole message; returns its length, 0 on EOF, -1 on error (e.g. ABORT). */
static ssize_t recv_msg(struct socket *s, char *buf, size_t cap)
{
	size_t got = 0;
	for (int i = 0; i < 64; i++) {
		struct sctp_rcvinfo ri;
		socklen_t rilen = sizeof ri, fromlen = 0;
		unsigned int infotype = 0;
		int flags = 0;
		ssize_t n =
		    usrsctp_recvv(s, buf + got, cap - got, NULL, &fromlen, &ri, &rilen, &infotype, &flags);
		if (n <= 0)
			return n;
		got += (size_t)n;
		if (flags & MSG_EOR)
			return (ssize_t)got;
	}
	return (ssize_t)got;
}

static void server(uint16_t a, uint16_t b)
{
	stack_init(a);
	struct socket *l = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	if (!l)
		die("usrsctp_socket");
	set_encaps(l, b);
	struct sockaddr_in sin;
	sin_loopback(&sin, SCTP_PORT);
	if (usrsctp_bind(l, (struct sockaddr *)&sin, sizeof sin) < 0)
		die("usrsctp_bind");
	if (usrsctp_listen(l, 1) < 0)
		die("usrsctp_listen");
	static char buf[BIG_LEN * 2];
	for (int assoc = 0; assoc < 2; assoc++) {
		struct socket *c = usrsctp_accept(l, NULL, NULL);
		if (!c)
			die("usrsctp_accept");
		/* Echo every message back until the peer closes. */
		for (int i = 0; i < 16; i++) {
			ssize_t n = recv_msg(c, buf, sizeof buf);
			if (n <= 0)
				break;
			send_msg(c, buf, (size_t)n, 0, 51, 0);
		}
		usrsctp_close(c);
	}
	usrsctp_close(l);
	for (int i = 0; i < 50 && usrsctp_finish() != 0; i++)
		usleep(100000);
}

static struct socket *client_connect(uint16_t a)
{
	struct socket *s = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	if (!s)
		die("usrsctp_socket");
	set_encaps(s, a);
	struct sockaddr_in sin;
	sin_loopback(&sin, SCTP_PORT);
	if (usrsctp_connect(s, (struct sockaddr *)&sin, sizeof sin) < 0)
		die("usrsctp_connect");
	return s;
}

static void client(uint16_t a, uint16_t b)
{
	stack_init(b);
	static char buf[BIG_LEN * 2], big[BIG_LEN];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);

	struct socket *s = client_connect(a);
	send_msg(s, "hello usctp", 11, 0, 51, 0);
	if (recv_msg(s, buf, sizeof buf) <= 0)
		die("echo 1");
	struct sctp_paddrparams pp;
	memset(&pp, 0, sizeof pp);
	struct sockaddr_in *peer = (struct sockaddr_in *)&pp.spp_address;
	sin_loopback(peer, SCTP_PORT);
	pp.spp_flags = SPP_HB_DEMAND;
	if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof pp) < 0)
		perror("SPP_HB_DEMAND (continuing)");
	usleep(200000);
	send_msg(s, big, sizeof big, 1, 52, 0);
	if (recv_msg(s, buf, sizeof buf) != BIG_LEN)
		die("echo big");
	send_msg(s, "unordered!", 10, 2, 53, 1);
	if (recv_msg(s, buf, sizeof buf) <= 0)
		die("echo 3");
	usrsctp_close(s); /* graceful: SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE */
	usleep(300000);

	s = client_connect(a);
	send_msg(s, "bye", 3, 0, 51, 0);
	if (recv_msg(s, buf, sizeof buf) <= 0)
		die("echo 4");
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	if (usrsctp_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
		die("SO_LINGER");
	usrsctp_close(s); /* abortive: ABORT */
	usleep(300000);
	for (int i = 0; i < 50 && usrsctp_finish() != 0; i++)
		usleep(100000);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s udp-port-A udp-port-B\n", argv[0]);
		return 2;
	}
	uint16_t a = (uint16_t)atoi(argv[1]), b = (uint16_t)atoi(argv[2]);
	pid_t srv = fork();
	if (srv < 0)
		die("fork");
	if (srv == 0) {
		alarm(TIMEOUT_S);
		server(a, b);
		_exit(0);
	}
	usleep(300000); /* let the server listen */
	pid_t cli = fork();
	if (cli < 0)
		die("fork");
	if (cli == 0) {
		alarm(TIMEOUT_S);
		client(a, b);
		_exit(0);
	}
	int st1 = 0, st2 = 0;
	waitpid(cli, &st1, 0);
	waitpid(srv, &st2, 0);
	fprintf(stderr, "client status %d, server status %d\n", st1, st2);
	return (WIFEXITED(st1) && WEXITSTATUS(st1) == 0 && WIFEXITED(st2) && WEXITSTATUS(st2) == 0) ? 0 : 1;
}
