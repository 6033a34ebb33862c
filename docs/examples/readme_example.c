/* Send a message and receive it, in one process: cc readme_example.c $(pkg-config --cflags --libs usctp) */
#include <stdio.h>
#include <usctp.h>

int main(void)
{
	struct sockaddr_in addr = {
	    .sin_family = AF_INET, .sin_port = htons(5000), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int lsd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP); /* one-to-one; starts the runtime */
	if (lsd < 0 || usctp_bind(lsd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    usctp_listen(lsd, 1) < 0)
		return perror("listen"), 1;
	int csd = usctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	struct sctp_udpencaps ue = {.sue_port = htons(usctp_udp_port())}; /* the peer's UDP port: our own */
	usctp_setsockopt(csd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue));
	if (usctp_connect(csd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return perror("connect"), 1;
	int ssd = usctp_accept(lsd, NULL, NULL);
	sctp_sendmsg(csd, "hello", 5, NULL, 0, htonl(42) /* ppid */, 0, 1 /* stream */, 0, 0);
	char buf[64];
	struct sctp_sndrcvinfo si;
	int flags = 0;
	ssize_t n = sctp_recvmsg(ssd, buf, sizeof(buf), NULL, NULL, &si, &flags);
	printf("received \"%.*s\" on stream %u, ppid %u\n", (int)n, buf, si.sinfo_stream,
	       ntohl(si.sinfo_ppid));
	usctp_close(csd), usctp_close(ssd), usctp_close(lsd);
	return n == 5 ? 0 : 1;
}
