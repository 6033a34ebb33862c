/*
 * A one-to-many (SOCK_SEQPACKET) server that answers many clients through
 * one socket, and a client that needs no connect, with usctp.
 *
 *   cc one_to_many.c $(pkg-config --cflags --libs usctp) -o one_to_many
 *   USCTP_UDP_PORT=9899 ./one_to_many server 5002 2 &
 *   USCTP_UDP_PORT=9900 ./one_to_many client 127.0.0.1 5002 9899 6001 &
 *   USCTP_UDP_PORT=9901 ./one_to_many client 127.0.0.1 5002 9899 6002
 *
 * The server answers each message on the association it came from
 * (sinfo_assoc_id), sends one SCTP_SENDALL message to every client once all
 * of them have said hello, and exits when its N clients have shut down.
 * The client sets its association up implicitly by sending to an address
 * (sctp_sendx), waits for the answer and the broadcast, and ends the
 * association with SCTP_EOF (a last message, then the graceful shutdown).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <usctp.h>

static int server(uint16_t port, int clients)
{
	int sd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (sd < 0 || usctp_bind(sd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || usctp_listen(sd, 8) < 0) {
		perror("server: listen");
		return 1;
	}
	/* Association changes come as notifications, read like messages. */
	struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC, .se_type = SCTP_ASSOC_CHANGE, .se_on = 1};
	usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
	printf("listening\n");
	fflush(stdout);
	int hellos = 0, ended = 0;
	while (ended < clients) {
		union {
			union sctp_notification n;
			char data[2048];
		} buf;
		struct sctp_sndrcvinfo si;
		int flags = 0;
		ssize_t n = sctp_recvmsg(sd, &buf, sizeof(buf), NULL, NULL, &si, &flags);
		if (n < 0) {
			perror("server: sctp_recvmsg");
			return 1;
		}
		if (flags & MSG_NOTIFICATION) {
			if (buf.n.sn_header.sn_type == SCTP_ASSOC_CHANGE) {
				uint16_t st = buf.n.sn_assoc_change.sac_state;
				if (st == SCTP_SHUTDOWN_COMP || st == SCTP_COMM_LOST)
					ended++;
			}
			continue;
		}
		/* Answer on the association the message came from. */
		struct sctp_sndrcvinfo reply;
		memset(&reply, 0, sizeof(reply));
		reply.sinfo_assoc_id = si.sinfo_assoc_id;
		reply.sinfo_stream = si.sinfo_stream;
		char text[64];
		int len = snprintf(text, sizeof(text), "got %.*s", (int)n, buf.data);
		if (sctp_send(sd, text, (size_t)len, &reply, 0) < 0) {
			if (errno == EPIPE)
				continue; /* that client is shutting down: no more replies */
			perror("server: sctp_send");
			return 1;
		}
		if (++hellos == clients) {
			/* Everyone is here: one message for all, one copy of it. */
			struct sctp_sndrcvinfo all;
			memset(&all, 0, sizeof(all));
			all.sinfo_flags = SCTP_SENDALL;
			if (sctp_send(sd, "to all", 6, &all, 0) < 0) {
				perror("server: SCTP_SENDALL");
				return 1;
			}
		}
	}
	printf("served %d clients\n", clients);
	usctp_close(sd);
	return 0;
}

/* The next data message (notifications are off: none come). */
static ssize_t recv_data(int sd, char *buf, size_t len, struct sctp_sndrcvinfo *si)
{
	int flags = 0;
	return sctp_recvmsg(sd, buf, len, NULL, NULL, si, &flags);
}

static int client(const char *host, uint16_t port, uint16_t peer_udp, uint16_t local_port)
{
	int sd = usctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (sd < 0) {
		perror("client: socket");
		return 1;
	}
	if (local_port) {
		/* Our own SCTP port (else one is picked when the association
		 * is set up). */
		struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(local_port)};
		if (usctp_bind(sd, (struct sockaddr *)&me, sizeof(me)) < 0) {
			perror("client: bind");
			return 1;
		}
	}
	struct sctp_udpencaps ue = {.sue_port = htons(peer_udp)};
	usctp_setsockopt(sd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue));
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1) {
		fprintf(stderr, "client: bad address %s\n", host);
		return 1;
	}
	/* No connect: sending to an address sets the association up. */
	struct sctp_sndrcvinfo snd;
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_stream = 1;
	if (sctp_sendx(sd, "hello", 5, (struct sockaddr *)&to, 1, &snd, 0) < 0) {
		perror("client: sctp_sendx");
		return 1;
	}
	char buf[64];
	struct sctp_sndrcvinfo si;
	ssize_t n = recv_data(sd, buf, sizeof(buf), &si);
	if (n != 9 || memcmp(buf, "got hello", 9) != 0) {
		fprintf(stderr, "client: bad answer\n");
		return 1;
	}
	printf("answer on association %u\n", (unsigned)si.sinfo_assoc_id);
	n = recv_data(sd, buf, sizeof(buf), &si);
	if (n != 6 || memcmp(buf, "to all", 6) != 0) {
		fprintf(stderr, "client: no broadcast\n");
		return 1;
	}
	/* Done: a last message on this association, then its graceful end. */
	memset(&snd, 0, sizeof(snd));
	snd.sinfo_assoc_id = si.sinfo_assoc_id;
	snd.sinfo_flags = SCTP_EOF;
	if (sctp_send(sd, "bye", 3, &snd, 0) < 0) {
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
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		return server((uint16_t)atoi(argv[2]), atoi(argv[3]));
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "client") == 0)
		return client(argv[2], (uint16_t)atoi(argv[3]), (uint16_t)atoi(argv[4]),
			      argc == 6 ? (uint16_t)atoi(argv[5]) : 0);
	fprintf(stderr, "usage: %s server PORT CLIENTS | client HOST PORT SERVER_UDP_PORT [LOCAL_PORT]\n",
		argv[0]);
	return 2;
}
