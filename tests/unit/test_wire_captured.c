/*
 * The wire parser against real packets from another SCTP stack: usrsctp
 * traffic captured on loopback (tests/data/usrsctp-capture/, see capture.sh
 * there). index.txt lists each packet's chunk types as tshark dissected them;
 * we must agree, verify every checksum, and accept every chunk with its typed
 * parser, with the field values the generating program (gen.c) implies.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

#define DIR "usrsctp-capture/"
#define MAX_PKTS 256
#define MAX_CHUNKS 16
#define GEN_SCTP_PORT 5001 /* the server port in gen.c */

struct pkt {
	char name[32];
	uint8_t *buf;
	size_t len;
	unsigned ntypes;
	uint8_t types[MAX_CHUNKS]; /* from tshark */
};

struct capture {
	struct pkt p[MAX_PKTS];
	unsigned n;
};

/* Load index.txt and every packet it names. */
static struct capture *load_capture(void)
{
	size_t len = 0;
	char *idx = (char *)tu_load_data(DIR "index.txt", &len);
	assert_non_null(idx);
	struct capture *c = calloc(1, sizeof *c);
	assert_non_null(c);
	char *save = NULL;
	char *text = realloc(idx, len + 1);
	assert_non_null(text);
	text[len] = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(c->n < MAX_PKTS);
		struct pkt *p = &c->p[c->n];
		char types[256];
		assert_int_equal(sscanf(line, "%31s %255s", p->name, types), 2);
		char *s2 = NULL;
		for (char *t = strtok_r(types, ",", &s2); t; t = strtok_r(NULL, ",", &s2)) {
			assert_true(p->ntypes < MAX_CHUNKS);
			p->types[p->ntypes++] = (uint8_t)atoi(t);
		}
		char path[64];
		snprintf(path, sizeof path, DIR "%s", p->name);
		p->buf = tu_load_data(path, &p->len);
		if (!p->buf)
			fprintf(stderr, "cannot load %s\n", path);
		assert_non_null(p->buf);
		c->n++;
	}
	free(text);
	assert_true(c->n >= 20); /* the capture is a whole conversation */
	return c;
}

static void free_capture(struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->p[i].buf);
	free(c);
}

static int setup(void **state)
{
	*state = load_capture();
	return 0;
}

static int teardown(void **state)
{
	free_capture(*state);
	return 0;
}

/* Collect the chunks of a packet (asserting clean iteration). */
static unsigned chunks_of(const struct pkt *p, struct usctp_chunk out[MAX_CHUNKS])
{
	struct usctp_chunk_iter it;
	unsigned n = 0;
	usctp_chunk_iter_init(&it, p->buf, p->len);
	for (;;) {
		assert_true(n <= MAX_CHUNKS);
		struct usctp_chunk ch;
		int rc = usctp_chunk_next(&it, &ch);
		if (rc < 0)
			fprintf(stderr, "%s: chunk %u: %s\n", p->name, n, usctp_strerror(rc));
		assert_true(rc >= 0);
		if (rc == 0)
			break;
		assert_true(n < MAX_CHUNKS);
		out[n++] = ch;
	}
	return n;
}

static void every_captured_checksum_verifies(void **state)
{
	struct capture *c = *state;
	for (unsigned i = 0; i < c->n; i++) {
		int rc = usctp_pkt_verify_checksum(c->p[i].buf, c->p[i].len);
		if (rc != 0)
			fprintf(stderr, "%s: %s\n", c->p[i].name, usctp_strerror(rc));
		assert_int_equal(rc, 0);
	}
}

static void corrupting_one_byte_fails_the_checksum(void **state)
{
	struct capture *c = *state;
	for (unsigned i = 0; i < c->n; i++) {
		struct pkt *p = &c->p[i];
		size_t at = 12 + (i * 7) % (p->len - 12); /* somewhere in the chunks */
		p->buf[at] ^= 0x10;
		assert_int_equal(usctp_pkt_verify_checksum(p->buf, p->len), USCTP_ERR_BAD_CHECKSUM);
		p->buf[at] ^= 0x10;
	}
}

static void every_captured_packet_validates_with_tshark_chunk_count(void **state)
{
	struct capture *c = *state;
	for (unsigned i = 0; i < c->n; i++) {
		int rc = usctp_pkt_validate(c->p[i].buf, c->p[i].len);
		if (rc != (int)c->p[i].ntypes)
			fprintf(stderr, "%s: validate %d, tshark %u chunks\n", c->p[i].name, rc,
				c->p[i].ntypes);
		assert_int_equal(rc, (int)c->p[i].ntypes);
	}
}

static void parsed_chunk_types_equal_tshark_dissection(void **state)
{
	struct capture *c = *state;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_chunk ch[MAX_CHUNKS];
		unsigned n = chunks_of(&c->p[i], ch);
		assert_int_equal(n, c->p[i].ntypes);
		for (unsigned k = 0; k < n; k++) {
			assert_int_equal(ch[k].type, c->p[i].types[k]);
			assert_true(usctp_chunk_type_known(ch[k].type));
			assert_true(ch[k].length >= usctp_chunk_min_len(ch[k].type));
		}
	}
}

static void common_headers_carry_the_server_port_and_tags(void **state)
{
	struct capture *c = *state;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_common_hdr h;
		assert_int_equal(usctp_hdr_parse(c->p[i].buf, c->p[i].len, &h), 0);
		assert_true(h.src_port == GEN_SCTP_PORT || h.dst_port == GEN_SCTP_PORT);
		/* INIT carries tag 0 (RFC 9260 8.5.1); everything else the peer's tag. */
		if (c->p[i].types[0] == USCTP_CHUNK_INIT)
			assert_int_equal(h.vtag, 0);
		else
			assert_int_not_equal(h.vtag, 0);
	}
}

static bool has_loopback(const struct usctp_init_params *ip)
{
	static const uint8_t lo[4] = {127, 0, 0, 1};
	for (unsigned a = 0; a < ip->num_addrs; a++)
		if (ip->addrs[a].family == 4 && memcmp(ip->addrs[a].bytes, lo, 4) == 0)
			return true;
	return false;
}

static void init_and_init_ack_parameters_parse(void **state)
{
	struct capture *c = *state;
	unsigned inits = 0, acks = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_chunk ch[MAX_CHUNKS];
		unsigned n = chunks_of(&c->p[i], ch);
		if (ch[0].type != USCTP_CHUNK_INIT && ch[0].type != USCTP_CHUNK_INIT_ACK)
			continue;
		assert_int_equal(n, 1);
		struct usctp_init_chunk ic;
		assert_int_equal(usctp_init_parse(&ch[0], &ic), 0);
		assert_int_not_equal(ic.init_tag, 0);
		assert_true(ic.a_rwnd > 0);
		assert_true(ic.num_ostreams > 0 && ic.num_istreams > 0);
		struct usctp_init_params ip;
		int rc = usctp_init_params_parse(ic.params, ic.params_len, &ip);
		if (rc != 0)
			fprintf(stderr, "%s: %s\n", c->p[i].name, usctp_strerror(rc));
		assert_int_equal(rc, 0);
		/* usrsctp says ECN and PR-SCTP; its INIT lists its addresses (loopback
		 * among them); its INIT ACK, bound to one address, lists none. */
		assert_true(ip.ecn_capable);
		assert_true(ip.forward_tsn);
		assert_false(ip.stop);
		assert_true(ip.num_extensions > 0);
		assert_true(usctp_init_params_has_ext(&ip, USCTP_CHUNK_FORWARD_TSN));
		assert_true(usctp_init_params_has_ext(&ip, USCTP_CHUNK_ASCONF));
		assert_false(usctp_init_params_has_ext(&ip, USCTP_CHUNK_DATA));
		if (ip.has_supported_addr_types)
			assert_true(ip.supports_ipv4);
		if (ch[0].type == USCTP_CHUNK_INIT) {
			inits++;
			assert_true(ip.num_addrs >= 1);
			assert_true(has_loopback(&ip));
			assert_null(ip.cookie);
		} else {
			acks++;
			assert_non_null(ip.cookie);
			assert_true(ip.cookie_len > 0);
		}
	}
	assert_int_equal(inits, 2); /* gen.c makes two associations */
	assert_int_equal(acks, 2);
}

static void cookie_echo_returns_the_init_ack_cookie(void **state)
{
	struct capture *c = *state;
	const uint8_t *cookie = NULL;
	size_t cookie_len = 0;
	unsigned echoes = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_chunk ch[MAX_CHUNKS];
		unsigned n = chunks_of(&c->p[i], ch);
		for (unsigned k = 0; k < n; k++) {
			if (ch[k].type == USCTP_CHUNK_INIT_ACK) {
				struct usctp_init_chunk ic;
				struct usctp_init_params ip;
				assert_int_equal(usctp_init_parse(&ch[k], &ic), 0);
				assert_int_equal(usctp_init_params_parse(ic.params, ic.params_len, &ip), 0);
				cookie = ip.cookie;
				cookie_len = ip.cookie_len;
			} else if (ch[k].type == USCTP_CHUNK_COOKIE_ECHO) {
				const uint8_t *ce;
				size_t ce_len;
				assert_int_equal(usctp_cookie_echo_parse(&ch[k], &ce, &ce_len), 0);
				assert_non_null(cookie);
				assert_int_equal(ce_len, cookie_len);
				assert_memory_equal(ce, cookie, ce_len);
				echoes++;
			}
		}
	}
	assert_int_equal(echoes, 2);
}

static void data_chunks_carry_gen_streams_ppids_and_flags(void **state)
{
	struct capture *c = *state;
	unsigned data = 0, first_frag = 0, last_frag = 0, middle_frag = 0, unordered = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_chunk ch[MAX_CHUNKS];
		unsigned n = chunks_of(&c->p[i], ch);
		for (unsigned k = 0; k < n; k++) {
			if (ch[k].type != USCTP_CHUNK_DATA)
				continue;
			struct usctp_data_chunk d;
			assert_int_equal(usctp_data_parse(&ch[k], &d), 0);
			data++;
			assert_true(d.payload_len > 0);
			assert_int_equal(d.payload_len, ch[k].length - USCTP_DATA_HDR_LEN);
			assert_ptr_equal(d.payload, ch[k].raw + USCTP_DATA_HDR_LEN);
			/* gen.c: sid 0 ppid 51 (small, and every echo), sid 1 ppid 52
			 * (fragmented), sid 2 ppid 53 (unordered). */
			assert_true(d.ppid >= 51 && d.ppid <= 53);
			assert_int_equal(d.sid, d.ppid - 51);
			bool b = d.flags & USCTP_DATA_FLAG_B, e = d.flags & USCTP_DATA_FLAG_E;
			if (b && !e)
				first_frag++;
			else if (!b && e)
				last_frag++;
			else if (!b && !e)
				middle_frag++;
			if (d.flags & USCTP_DATA_FLAG_U) {
				unordered++;
				assert_int_equal(d.ppid, 53);
			}
			/* Only the big message and its echo are fragmented. */
			if (!b || !e)
				assert_true(d.ppid == 52 || d.ppid == 51);
		}
	}
	assert_true(data >= 8);
	assert_int_equal(first_frag, 2); /* the big message and its echo */
	assert_int_equal(last_frag, 2);
	assert_true(middle_frag >= 2);
	assert_int_equal(unordered, 1); /* the echo of it is ordered */
}

static void sack_chunks_parse_with_consistent_counts(void **state)
{
	struct capture *c = *state;
	unsigned sacks = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_chunk ch[MAX_CHUNKS];
		unsigned n = chunks_of(&c->p[i], ch);
		for (unsigned k = 0; k < n; k++) {
			if (ch[k].type != USCTP_CHUNK_SACK)
				continue;
			struct usctp_sack_chunk s;
			assert_int_equal(usctp_sack_parse(&ch[k], &s), 0);
			sacks++;
			assert_true(s.a_rwnd > 0);
			assert_int_equal(ch[k].length, 16 + 4 * ((size_t)s.num_gaps + s.num_dups));
			for (unsigned g = 0; g < s.num_gaps; g++) {
				struct usctp_gap_block gb = usctp_sack_gap(&s, g);
				assert_true(gb.start >= 1 && gb.start <= gb.end);
			}
			for (unsigned d = 0; d < s.num_dups; d++)
				(void)usctp_sack_dup(&s, d);
		}
	}
	assert_true(sacks >= 8);
}

static void heartbeat_ack_echoes_heartbeat_info(void **state)
{
	struct capture *c = *state;
	uint8_t info[512];
	size_t info_len = 0;
	unsigned hbs = 0, acks = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_chunk ch[MAX_CHUNKS];
		unsigned n = chunks_of(&c->p[i], ch);
		for (unsigned k = 0; k < n; k++) {
			struct usctp_heartbeat_chunk hb;
			if (ch[k].type == USCTP_CHUNK_HEARTBEAT) {
				assert_int_equal(usctp_heartbeat_parse(&ch[k], &hb), 0);
				assert_true(hb.info_len > 0 && hb.info_len <= sizeof info);
				memcpy(info, hb.info, hb.info_len);
				info_len = hb.info_len;
				hbs++;
			} else if (ch[k].type == USCTP_CHUNK_HEARTBEAT_ACK) {
				assert_int_equal(usctp_heartbeat_parse(&ch[k], &hb), 0);
				assert_int_equal(hb.info_len, info_len);
				assert_memory_equal(hb.info, info, info_len);
				acks++;
			}
		}
	}
	assert_true(hbs >= 1);
	assert_int_equal(acks, hbs);
}

static void shutdown_sequence_and_abort_parse(void **state)
{
	struct capture *c = *state;
	unsigned shutdowns = 0, shutdown_acks = 0, completes = 0, aborts = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct usctp_chunk ch[MAX_CHUNKS];
		unsigned n = chunks_of(&c->p[i], ch);
		for (unsigned k = 0; k < n; k++) {
			switch (ch[k].type) {
			case USCTP_CHUNK_SHUTDOWN: {
				uint32_t cum = 0;
				assert_int_equal(usctp_shutdown_parse(&ch[k], &cum), 0);
				shutdowns++;
				break;
			}
			case USCTP_CHUNK_SHUTDOWN_ACK:
				assert_int_equal(ch[k].value_len, 0);
				shutdown_acks++;
				break;
			case USCTP_CHUNK_SHUTDOWN_COMPLETE:
				assert_int_equal(ch[k].value_len, 0);
				assert_int_equal(ch[k].flags & USCTP_FLAG_T, 0);
				completes++;
				break;
			case USCTP_CHUNK_ABORT:
			case USCTP_CHUNK_ERROR: {
				assert_int_equal(usctp_causes_validate(ch[k].value, ch[k].value_len), 0);
				struct usctp_tlv_iter it;
				struct usctp_tlv t;
				int rc, causes = 0;
				usctp_tlv_iter_init(&it, ch[k].value, ch[k].value_len);
				while ((rc = usctp_tlv_next(&it, &t)) == 1 && causes < 64)
					causes++;
				assert_int_equal(rc, 0);
				if (ch[k].type == USCTP_CHUNK_ABORT)
					aborts++;
				break;
			}
			default:
				break;
			}
		}
	}
	assert_int_equal(shutdowns, 1);
	assert_int_equal(shutdown_acks, 1);
	assert_int_equal(completes, 1);
	assert_int_equal(aborts, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_captured_checksum_verifies),
	    cmocka_unit_test(corrupting_one_byte_fails_the_checksum),
	    cmocka_unit_test(every_captured_packet_validates_with_tshark_chunk_count),
	    cmocka_unit_test(parsed_chunk_types_equal_tshark_dissection),
	    cmocka_unit_test(common_headers_carry_the_server_port_and_tags),
	    cmocka_unit_test(init_and_init_ack_parameters_parse),
	    cmocka_unit_test(cookie_echo_returns_the_init_ack_cookie),
	    cmocka_unit_test(data_chunks_carry_gen_streams_ppids_and_flags),
	    cmocka_unit_test(sack_chunks_parse_with_consistent_counts),
	    cmocka_unit_test(heartbeat_ack_echoes_heartbeat_info),
	    cmocka_unit_test(shutdown_sequence_and_abort_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
