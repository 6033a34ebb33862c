/*
 * usrsctp_peer: a test peer written against Debian's usrsctp (another SCTP
 * stack), speaking SCTP over UDP (RFC 6951) with real CRC32c checksums. It is
 * the other end of our interop tests: usctp against usrsctp, usrsctp against
 * usrsctp through the impairment relay, and the traffic the capture check
 * dissects. See docs/interop.md and --help.
 *
 * Messages carry a 16-byte header (index, stream, per-stream sequence of
 * ordered messages, length, flags) and a body derived from the index, so
 * either side can verify any message it receives without state shared out of
 * band. The client draws sizes, streams and the unordered share from --seed.
 *
 * The command line, message format, verification and summary line live in
 * ../common/ and are shared with usctp_peer (the same peer on usctp), so a
 * scenario runs with either stack on either side.
 *
 * Every wait is bounded by --timeout; an alarm backs that up, so the program
 * always ends by itself. Exit status: 0 everything verified, 1 verification
 * or protocol failure, 2 bad arguments, 3 watchdog timeout.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include <usrsctp.h>

#include "peer.h"

const char *peer_name = "usrsctp_peer";

int main(int argc, char **argv)
{
	if (parse_args(argc, argv) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	watchdog(o.timeout_s + 15); /* backs up the deadlines, e.g. a hung usrsctp_finish */
	t_start = now_ms();

	usrsctp_init(o.udp_port, NULL, NULL);
	/* Real CRC32c on every packet, also on loopback (usrsctp skips it there by default). */
	usrsctp_sysctl_set_sctp_no_csum_on_loopback(0);
	usrsctp_sysctl_set_sctp_pr_enable(1);
	usrsctp_sysctl_set_sctp_ecn_enable(1);

	int rc = o.role == ROLE_SERVER ? run_server() : run_client();
	/*
	 * Our last packet (SHUTDOWN COMPLETE) may be lost; a stack that is still
	 * running answers the peer's retransmitted SHUTDOWN ACK, one that exited
	 * cannot, and the peer then aborts after its retransmissions.
	 */
	if (o.linger_ms)
		for (uint64_t end = now_ms() + o.linger_ms; now_ms() < end;)
			sleep_us(20000);
	/*
	 * usrsctp_finish fails while an association lives. A client that closed
	 * gracefully waits (bounded) for its SHUTDOWN to complete, so the server
	 * sees the end even under loss; a server needs nothing more from its peer.
	 */
	uint64_t fin_end = now_ms() + 5000;
	if (o.role == ROLE_CLIENT)
		fin_end = t_start + (uint64_t)o.timeout_s * 1000u + 5000;
	while (usrsctp_finish() != 0 && now_ms() < fin_end)
		sleep_us(20000);

	return summary(rc);
}
