/* Corruption changes bytes (never the length); duplication duplicates. */
#include "lib_relay.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

#define N 200

static void corrupt_100_percent_changes_one_byte_of_every_datagram(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	struct rl_proc p;
	const char *extra[] = {"--corrupt", "100", "--seed", "3", NULL};
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	uint8_t out[1220], buf[2048];
	int got = 0;
	for (uint32_t i = 0; i < N; i++) {
		size_t len = rl_dgram(out, i);
		assert_int_equal(rl_send(cli, lport, out, len), 0);
		ssize_t n = rl_recv(srv, buf, sizeof buf, 1000, NULL);
		assert_int_equal(n, (ssize_t)len);
		int diff = 0;
		for (size_t k = 0; k < len; k++)
			diff += buf[k] != out[k];
		assert_int_equal(diff, 1);
		got++;
	}
	assert_int_equal(rl_stop(&p), 0);
	assert_int_equal(got, N);
	assert_int_equal(rl_counter(&p, "c2s", "corrupted"), N);
	close(srv);
	close(cli);
}

static void corrupt_10_percent_corrupts_some_but_not_all(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	static int counts[1000];
	struct rl_proc p;
	const char *extra[] = {"--corrupt", "10", NULL};
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	int bad = rl_pump(cli, lport, srv, 1000, counts, 300);
	assert_int_equal(rl_stop(&p), 0);
	print_message("corrupted %d of 1000\n", bad);
	assert_int_equal(rl_counter(&p, "c2s", "corrupted"), bad);
	assert_true(bad >= 50 && bad <= 150);
	close(srv);
	close(cli);
}

static void dup_100_percent_delivers_every_datagram_twice(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	static int counts[N];
	memset(counts, 0, sizeof counts);
	struct rl_proc p;
	const char *extra[] = {"--dup", "100", NULL};
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	assert_int_equal(rl_pump(cli, lport, srv, N, counts, 300), 0);
	assert_int_equal(rl_stop(&p), 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(counts[i], 2);
	assert_int_equal(rl_counter(&p, "c2s", "duplicated"), N);
	assert_int_equal(rl_counter(&p, "c2s", "tx"), 2 * N);
	close(srv);
	close(cli);
}

static void dup_10_percent_duplicates_about_a_tenth(void **st)
{
	uint16_t lport = rl_base_port(), sport = (uint16_t)(lport + 1);
	int srv = rl_udp(sport), cli = rl_udp(0);
	assert_true(srv >= 0 && cli >= 0);
	static int counts[1000];
	memset(counts, 0, sizeof counts);
	struct rl_proc p;
	const char *extra[] = {"--dup", "10", "--seed", "11", NULL};
	assert_int_equal(rl_start_pair(&p, lport, sport, extra), 0);
	assert_int_equal(rl_pump(cli, lport, srv, 1000, counts, 300), 0);
	assert_int_equal(rl_stop(&p), 0);
	int twice = 0;
	for (int i = 0; i < 1000; i++) {
		assert_true(counts[i] == 1 || counts[i] == 2);
		twice += counts[i] == 2;
	}
	print_message("duplicated %d of 1000\n", twice);
	assert_int_equal(rl_counter(&p, "c2s", "duplicated"), twice);
	assert_true(twice >= 50 && twice <= 150);
	close(srv);
	close(cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(corrupt_100_percent_changes_one_byte_of_every_datagram),
	    cmocka_unit_test(corrupt_10_percent_corrupts_some_but_not_all),
	    cmocka_unit_test(dup_100_percent_delivers_every_datagram_twice),
	    cmocka_unit_test(dup_10_percent_duplicates_about_a_tenth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
