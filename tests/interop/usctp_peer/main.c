/*
 * usctp_peer: the interop test peer of tests/interop (see usrsctp_peer/ for
 * the same peer on usrsctp) on usctp's sockets API: server (echo or discard,
 * one-to-one or one-to-many) and client (seeded traffic, byte-for-byte and
 * per-stream order verification, the chosen ending). --help lists options.
 *
 * Every wait is bounded by --timeout; an alarm backs that up, so the program
 * always ends by itself. Exit status: 0 everything verified, 1 verification
 * or protocol failure, 2 bad arguments, 3 watchdog timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"

const char *peer_name = "usctp_peer";

int main(int argc, char **argv)
{
	if (parse_args(argc, argv) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	watchdog(o.timeout_s + 15);
	t_start = now_ms();
	if (getenv("USCTP_PEER_DEBUG"))
		usctp_debug_level(atoi(getenv("USCTP_PEER_DEBUG")));
	if (usctp_init(o.udp_port) < 0) {
		fprintf(stderr, "%s: usctp_init(%u): %s\n", peer_name, o.udp_port, strerror(errno));
		return 1;
	}
	int rc = o.role == ROLE_SERVER ? run_server() : run_client();
	/* Our last packet (SHUTDOWN COMPLETE) may be lost: keep answering for a while. */
	if (o.linger_ms)
		for (uint64_t end = now_ms() + o.linger_ms; now_ms() < end;)
			sleep_us(20000);
	usctp_finish();
	return summary(rc);
}
