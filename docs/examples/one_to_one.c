/*
 * A one-to-one (SOCK_STREAM) echo server and its client, with usctp.
 *
 *   cc one_to_one.c $(pkg-config --cflags --libs usctp) -o one_to_one
 *   USCTP_UDP_PORT=9899 ./one_to_one server 5001 &
 *   USCTP_UDP_PORT=9900 ./one_to_one client 127.0.0.1 5001 9899
 *
 * SCTP runs over UDP: each process has its own UDP port (USCTP_UDP_PORT),
 * and the client is told the server's (SCTP_REMOTE_UDP_ENCAPS_PORT) because
 * two processes on one host cannot both use 9899.
 *
 * The server accepts one association and echoes every message on the
 * stream, and with the PPID, it came with, until the client shuts down. The
 * client sends a few messages on different streams, checks the echoes, and
 * ends with SCTP_EOF: a last message, then a graceful shutdown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <usctp.h>

static int server(uint16_t port)
{
	int lsd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (lsd < 0 || usctp_bind(lsd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    usctp_listen(lsd, 4) < 0) {
		perror("server: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	int sd = usctp_accept(lsd, NULL, NULL); /* blocks until a client comes */
	usctp_close(lsd);
	if (sd < 0) {
		perror("server: accept");
		return 1;
	}
	int echoed = 0;
	for (;;) {
		char buf[2048];
		struct sctp_sndrcvinfo si;
		int flags = 0;
		ssize_t n = sctp_recvmsg(sd, buf, sizeof(buf), NULL, NULL, &si, &flags);
		if (n == 0)
			break; /* the client shut down: end of file */
		if (n < 0) {
			perror("server: sctp_recvmsg");
			return 1;
		}
		/* Reply on the same stream with the same PPID (its bytes are passed
		 * as they are; no byte order conversion either way). */
		struct sctp_sndrcvinfo reply;
		memset(&reply, 0, sizeof(reply));
		reply.sinfo_stream = si.sinfo_stream;
		reply.sinfo_ppid = si.sinfo_ppid;
		if (sctp_send(sd, buf, (size_t)n, &reply, 0) != n) {
			if (errno == EPIPE)
				continue; /* the client is shutting down: no more replies */
			perror("server: sctp_send");
			return 1;
		}
		echoed++;
	}
	printf("echoed %d messages\n", echoed);
	usctp_close(sd);
	return 0;
}

static int client(const char *host, uint16_t port, uint16_t peer_udp)
{
	int sd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (sd < 0) {
		perror("client: socket");
		return 1;
	}
	/* Where the server's UDP encapsulation listens (before connecting). */
	struct sctp_udpencaps ue = {.sue_port = htons(peer_udp)};
	usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue));
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1 ||
	    usctp_connect(sd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("client: connect");
		return 1;
	}
	const char *msgs[] = {"first", "second", "third"};
	for (int i = 0; i < 3; i++) {
		struct sctp_sndrcvinfo snd;
		memset(&snd, 0, sizeof(snd));
		snd.sinfo_stream = (uint16_t)i;
		snd.sinfo_ppid = htonl(1000 + (uint32_t)i); /* network order, by convention */
		if (sctp_send(sd, msgs[i], strlen(msgs[i]), &snd, 0) < 0) {
			perror("client: sctp_send");
			return 1;
		}
		char buf[64];
		struct sctp_sndrcvinfo si;
		int flags = 0;
		ssize_t n = sctp_recvmsg(sd, buf, sizeof(buf), NULL, NULL, &si, &flags);
		if (n != (ssize_t)strlen(msgs[i]) || memcmp(buf, msgs[i], (size_t)n) != 0 ||
		    si.sinfo_stream != i || ntohl(si.sinfo_ppid) != 1000u + (uint32_t)i ||
		    !(flags & MSG_EOR)) {
			fprintf(stderr, "client: bad echo %d\n", i);
			return 1;
		}
		printf("echo of \"%s\" on stream %u\n", msgs[i], si.sinfo_stream);
	}
	/* A last message, then a graceful shutdown once everything queued is
	 * acknowledged. The server reads "bye" and then end of file. */
	struct sctp_sndrcvinfo eof;
	memset(&eof, 0, sizeof(eof));
	eof.sinfo_flags = SCTP_EOF;
	if (sctp_send(sd, "bye", 3, &eof, 0) < 0) {
		perror("client: SCTP_EOF");
		return 1;
	}
	/* usctp_close does not wait for the shutdown to finish; with SO_LINGER
	 * it does (up to 5 s), so exiting (which aborts what is left) does not
	 * cut it short. */
	struct linger lg = {.l_onoff = 1, .l_linger = 5};
	usctp_setsockopt(sd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	usctp_close(sd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "server") == 0)
		return server((uint16_t)atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "client") == 0)
		return client(argv[2], (uint16_t)atoi(argv[3]), (uint16_t)atoi(argv[4]));
	fprintf(stderr, "usage: %s server PORT | client HOST PORT SERVER_UDP_PORT\n", argv[0]);
	return 2;
}
