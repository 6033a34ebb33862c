/*
 * Built-in capture: USCTP_PCAP (two processes, via usctp-cat) and
 * usctp_pcap_open (in this process) write pcap files in which every packet
 * is a raw IP packet of protocol 132 with the real addresses, that tshark
 * dissects as SCTP with a good CRC32c and no options. Also usctp_stats on
 * the same associations.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib_toolrun.h"
#include "testutil.h"
#include "usctp.h"

#define T_MS 20000

/* Check a pcap file by hand: the header, then every record a raw IPv4/IPv6
 * packet of protocol 132 whose length fields agree. Returns the count. */
static unsigned check_pcap_by_hand(const char *path, int family)
{
	size_t len;
	uint8_t *f = (uint8_t *)tr_read(path, &len);
	assert_non_null(f);
	assert_true(len >= 24);
	uint32_t magic, link;
	memcpy(&magic, f, 4);
	memcpy(&link, f + 20, 4);
	assert_int_equal(magic, 0xa1b2c3d4);
	assert_int_equal(link, 101); /* LINKTYPE_RAW */
	size_t off = 24;
	unsigned n = 0;
	while (off + 16 <= len && n < 100000) {
		uint32_t incl, orig;
		memcpy(&incl, f + off + 8, 4);
		memcpy(&orig, f + off + 12, 4);
		assert_int_equal(incl, orig);
		assert_true(off + 16 + incl <= len);
		const uint8_t *ip = f + off + 16;
		if (family == AF_INET) {
			assert_int_equal(ip[0], 0x45);
			assert_int_equal(ip[9], 132);
			assert_int_equal((ip[2] << 8 | ip[3]), incl);
			assert_int_equal(ip[12], 127); /* loopback both ways */
			assert_int_equal(ip[16], 127);
		} else {
			assert_int_equal(ip[0] >> 4, 6);
			assert_int_equal(ip[6], 132);
			assert_int_equal((ip[4] << 8 | ip[5]) + 40, incl);
		}
		off += 16 + incl;
		n++;
	}
	assert_int_equal(off, len);
	free(f);
	return n;
}

/* tshark: every frame is SCTP with a good checksum; the chunk types seen
 * include each of want (NULL-terminated). Skips (returns false) without tshark. */
static bool check_with_tshark(const char *path, unsigned frames, const char *const *want)
{
	if (!tr_have_program("tshark")) {
		printf("SKIP tshark part: tshark is not installed\n");
		return false;
	}
	const char *out = tr_path("tshark.out"), *err = tr_path("tshark.err");
	const char *argv[] = {"/usr/bin/env",
			      "tshark",
			      "-n",
			      "-r",
			      path,
			      "-o",
			      "sctp.checksum:CRC-32C",
			      "-T",
			      "fields",
			      "-e",
			      "frame.protocols",
			      "-e",
			      "sctp.checksum.status",
			      "-e",
			      "sctp.chunk_type",
			      NULL};
	assert_int_equal(tr_run(argv, NULL, out, err, NULL, T_MS), 0);
	size_t len;
	char *text = tr_read(out, &len);
	unsigned lines = 0;
	char *save = NULL;
	char *copy = strdup(text);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lines++;
		if (!strstr(l, ":sctp") || !strstr(l, "\t1\t")) /* checksum status 1: good */
			fprintf(stderr, "frame %u not dissected as good SCTP: %s\n", lines, l);
		assert_non_null(strstr(l, ":sctp"));
		assert_non_null(strstr(l, "\t1\t"));
	}
	free(copy);
	assert_int_equal(lines, frames);
	for (int i = 0; want && want[i]; i++) {
		const char *argv2[] = {"/usr/bin/env", "tshark", "-n", "-r", path, "-Y", want[i], NULL};
		const char *o2 = tr_path("tshark2.out");
		assert_int_equal(tr_run(argv2, NULL, o2, err, NULL, T_MS), 0);
		size_t l2;
		char *t2 = tr_read(o2, &l2);
		if (l2 == 0)
			fprintf(stderr, "no frame matches %s in %s\n", want[i], path);
		assert_true(l2 > 0);
		free(t2);
	}
	free(text);
	return true;
}

static void usctp_pcap_env_captures_both_processes(void **state)
{
	(void)state;
	const char *cat = tr_tool("usctp-cat");
	assert_non_null(cat);
	char su[8], cu[8];
	snprintf(su, sizeof(su), "%u", tr_free_udp_port());
	do
		snprintf(cu, sizeof(cu), "%u", tr_free_udp_port());
	while (strcmp(su, cu) == 0);
	const char *in = tr_path("pc.txt");
	tr_write(in, "alpha\nbeta\ngamma\n", 17);
	char senv[600], cenv[600];
	snprintf(senv, sizeof(senv), "USCTP_PCAP=%s", tr_path("server.pcap"));
	snprintf(cenv, sizeof(cenv), "USCTP_PCAP=%s", tr_path("client.pcap"));
	const char *se[] = {senv, NULL}, *ce[] = {cenv, NULL};
	const char *sv[] = {cat, "-v", "-d", "-u", su, "-l", "5007", NULL};
	const char *cv[] = {cat, "-w", "5", "-u", cu, "-r", su, "127.0.0.1", "5007", NULL};
	const char *serr = tr_path("pc.serr");
	pid_t s = tr_spawn(sv, NULL, NULL, serr, se);
	assert_true(tr_wait_file_has(serr, "listening", 5000));
	assert_int_equal(tr_run(cv, in, NULL, NULL, ce, T_MS), 0);
	assert_int_equal(tr_wait(s, T_MS), 0);
	static const char *const want[] = {"sctp.chunk_type == 1", "sctp.chunk_type == 0",
					   "sctp.chunk_type == 7", "sctp.chunk_type == 8",
					   "ip.src == 127.0.0.1",  NULL};
	char files[2][600]; /* tr_path's buffers rotate: keep copies */
	snprintf(files[0], sizeof(files[0]), "%s", tr_path("server.pcap"));
	snprintf(files[1], sizeof(files[1]), "%s", tr_path("client.pcap"));
	for (int i = 0; i < 2; i++) {
		unsigned n = check_pcap_by_hand(files[i], AF_INET);
		printf("%s: %u packets\n", files[i], n);
		assert_true(n >= 9); /* 4 handshake, 3 DATA + SACKs, 3 shutdown */
		check_with_tshark(files[i], n, want);
	}
}

/* An association inside this process (its runtime talks to itself). */
struct local {
	int lsd, csd, ssd;
};

static void local_open(struct local *l, int family)
{
	uint16_t udp = tr_free_udp_port();
	assert_int_equal(usctp_init(udp), 0);
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(5008);
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(5008);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s4);
	}
	l->lsd = usctp_socket(family, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(l->lsd >= 0);
	assert_int_equal(usctp_bind(l->lsd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(usctp_listen(l->lsd, 1), 0);
	l->csd = usctp_socket(family, SOCK_STREAM, IPPROTO_SCTP);
	struct sctp_udpencaps ue;
	memset(&ue, 0, sizeof(ue));
	ue.sue_port = htons(udp);
	assert_int_equal(usctp_setsockopt(l->csd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue)),
			 0);
	/* One message at a time: do not wait for the SACK of the previous one. */
	int one = 1;
	assert_int_equal(usctp_setsockopt(l->csd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one)), 0);
	assert_int_equal(usctp_connect(l->csd, (struct sockaddr *)&ss, len), 0);
	l->ssd = usctp_accept(l->lsd, NULL, NULL);
	assert_true(l->ssd >= 0);
}

static void local_exchange(struct local *l, unsigned count)
{
	char buf[2000];
	memset(buf, 'x', sizeof(buf));
	for (unsigned i = 0; i < count; i++) {
		assert_int_equal(sctp_sendmsg(l->csd, buf, sizeof(buf), NULL, 0, htonl(7), 0, 0, 0, 0),
				 sizeof(buf));
		struct sctp_sndrcvinfo si;
		int flags = 0;
		assert_int_equal(sctp_recvmsg(l->ssd, buf, sizeof(buf), NULL, NULL, &si, &flags),
				 sizeof(buf));
		assert_true(flags & MSG_EOR);
	}
}

static void local_close(struct local *l)
{
	usctp_close(l->csd);
	/* EOF on the server side once the shutdown is through (bounded). */
	char b[16];
	int flags = 0;
	struct timeval tv = {5, 0};
	usctp_setsockopt(l->ssd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(sctp_recvmsg(l->ssd, b, sizeof(b), NULL, NULL, NULL, &flags), 0);
	usctp_close(l->ssd);
	usctp_close(l->lsd);
	usctp_finish();
}

static void usctp_pcap_open_captures_this_process_ipv6(void **state)
{
	(void)state;
	char path[600];
	snprintf(path, sizeof(path), "%s", tr_path("api.pcap"));
	assert_int_equal(usctp_pcap_open(path), 0);
	assert_int_equal(usctp_pcap_open(path), -1); /* one capture at a time */
	assert_int_equal(errno, EBUSY);
	struct local l;
	local_open(&l, AF_INET6);
	local_exchange(&l, 20);
	local_close(&l);
	usctp_pcap_close();
	unsigned n = check_pcap_by_hand(path, AF_INET6);
	printf("%s: %u packets\n", path, n);
	/* Each packet is captured twice: sent, and received by the same runtime. */
	assert_true(n >= 2 * (4 + 20));
	static const char *const want[] = {"sctp.data_payload_proto_id == 7", "ipv6.src == ::1", NULL};
	check_with_tshark(path, n, want);
	assert_int_equal(usctp_pcap_open(tr_path("no/such/dir/x.pcap")), -1);
	assert_int_equal(errno, ENOENT);
}

static void usctp_stats_counts_packets_messages_and_rtt(void **state)
{
	(void)state;
	struct local l;
	local_open(&l, AF_INET);
	local_exchange(&l, 50);
	struct usctp_stats c, s;
	assert_int_equal(usctp_stats(l.csd, 0, &c), 0);
	assert_int_equal(usctp_stats(l.ssd, 0, &s), 0);
	printf("client: pkts out %llu in %llu, msgs out %llu, sacks in %llu, srtt %u rto %u cwnd %u mtu %u\n",
	       (unsigned long long)c.pkts_out, (unsigned long long)c.pkts_in, (unsigned long long)c.msgs_out,
	       (unsigned long long)c.sacks_in, c.srtt_ms, c.rto_ms, c.cwnd, c.mtu);
	printf("server: pkts out %llu in %llu, msgs in %llu, sacks out %llu\n",
	       (unsigned long long)s.pkts_out, (unsigned long long)s.pkts_in, (unsigned long long)s.msgs_in,
	       (unsigned long long)s.sacks_out);
	assert_int_equal(c.state, SCTP_ESTABLISHED);
	assert_int_equal(c.msgs_out, 50);
	assert_int_equal(s.msgs_in, 50);
	assert_int_equal(c.bytes_out, 50 * 2000);
	assert_int_equal(s.bytes_in, 50 * 2000);
	assert_true(c.pkts_out >= 50 + 2);
	assert_true(s.pkts_in >= 50); /* COOKIE ECHO goes to the endpoint, not the association */
	assert_true(c.sacks_in > 0);
	assert_true(c.rto_ms > 0);
	assert_true(c.cwnd > 0);
	assert_true(c.mtu > 0);
	assert_int_equal(c.retransmits, 0);
	assert_int_equal(usctp_stats(l.csd, 0, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(usctp_stats(l.lsd, 0, &c), -1); /* a listener has no association of its own */
	assert_int_equal(errno, ENOENT);
	assert_int_equal(usctp_stats(9999, 0, &c), -1);
	assert_int_equal(errno, EBADF);
	local_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(usctp_pcap_env_captures_both_processes),
	    cmocka_unit_test(usctp_pcap_open_captures_this_process_ipv6),
	    cmocka_unit_test(usctp_stats_counts_packets_messages_and_rtt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
