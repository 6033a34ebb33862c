/* Drop: all, none, and a seeded share that is repeatable. */
#include "lib_relay.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

#define N 1000

struct fix {
	int srv, cli;
	uint16_t lport, sport;
};

static int setup(void **st)
{
	static struct fix f;
	f.lport = rl_base_port();
	f.sport = (uint16_t)(f.lport + 1);
	f.srv = rl_udp(f.sport);
	f.cli = rl_udp(0);
	*st = &f;
	return f.srv >= 0 && f.cli >= 0 ? 0 : -1;
}

static int teardown(void **st)
{
	struct fix *f = *st;
	close(f->srv);
	close(f->cli);
	return 0;
}

/* Runs N datagrams through a relay with extra args; fills counts, returns arrivals. */
static int run(struct fix *f, const char *const *extra, int *counts, struct rl_proc *p)
{
	memset(counts, 0, N * sizeof *counts);
	assert_int_equal(rl_start_pair(p, f->lport, f->sport, extra), 0);
	int bad = rl_pump(f->cli, f->lport, f->srv, N, counts, 300);
	assert_int_equal(rl_stop(p), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(rl_counter(p, "c2s", "rx"), N);
	int got = 0;
	for (int i = 0; i < N; i++) {
		assert_true(counts[i] <= 1);
		got += counts[i];
	}
	return got;
}

static void drop_100_percent_passes_nothing(void **st)
{
	static int counts[N];
	struct rl_proc p;
	const char *extra[] = {"--drop", "100", NULL};
	assert_int_equal(run(*st, extra, counts, &p), 0);
	assert_int_equal(rl_counter(&p, "c2s", "dropped"), N);
	assert_int_equal(rl_counter(&p, "c2s", "tx"), 0);
}

static void drop_30_percent_drops_20_to_40_percent_and_the_seed_repeats_the_pattern(void **st)
{
	static int a[N], b[N], c[N];
	struct rl_proc p;
	const char *seed7[] = {"--drop", "30", "--seed", "7", NULL};
	const char *seed8[] = {"--drop-c2s", "30%", "--seed", "8", NULL};
	int got_a = run(*st, seed7, a, &p);
	long long dropped = rl_counter(&p, "c2s", "dropped");
	print_message("seed 7: %d of %d passed\n", got_a, N);
	assert_int_equal(dropped, N - got_a);
	assert_true(N - got_a >= N * 20 / 100 && N - got_a <= N * 40 / 100);

	int got_b = run(*st, seed7, b, &p);
	assert_int_equal(got_b, got_a);
	assert_memory_equal(a, b, sizeof a);

	int got_c = run(*st, seed8, c, &p);
	print_message("seed 8: %d of %d passed\n", got_c, N);
	assert_true(N - got_c >= N * 20 / 100 && N - got_c <= N * 40 / 100);
	assert_memory_not_equal(a, c, sizeof a);
}

static void drop_in_one_direction_leaves_the_other_alone(void **st)
{
	static int counts[N];
	struct rl_proc p;
	const char *extra[] = {"--drop-s2c", "100", NULL};
	assert_int_equal(run(*st, extra, counts, &p), N);
	assert_int_equal(rl_counter(&p, "c2s", "dropped"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(drop_100_percent_passes_nothing),
	    cmocka_unit_test(drop_30_percent_drops_20_to_40_percent_and_the_seed_repeats_the_pattern),
	    cmocka_unit_test(drop_in_one_direction_leaves_the_other_alone),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
