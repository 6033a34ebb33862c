/*
 * A run is determined by its seed: the same seed gives the same packet trace
 * (hash of every packet sent and delivered, with its time), whatever ran
 * before it in the process; another seed gives another trace.
 */
#include "lib_simapp.h"

#include <stdio.h>

static void same_seed_replays_the_same_packet_trace(void **state)
{
	struct simapp_scenario sc = {.profile = SIM_MIXED, .msgs = {80, 40}, .shutdown = SIMAPP_SHUT_CALL};
	for (uint64_t seed = 15000; seed < 15005; seed++) {
		struct simapp_result a, b, other;
		bool ok_a = simapp_run(seed, &sc, &a);
		bool ok_o = simapp_run(seed + 100, &sc, &other);
		bool ok_b = simapp_run(seed, &sc, &b);
		if (a.trace_hash != b.trace_hash)
			fprintf(stderr, "seed %llu: trace %016llx then %016llx (replay: USCTP_SEED=%llu)\n",
				(unsigned long long)seed, (unsigned long long)a.trace_hash,
				(unsigned long long)b.trace_hash, (unsigned long long)seed);
		assert_true(ok_a == ok_b);
		assert_int_equal(a.trace_hash, b.trace_hash);
		assert_int_equal(a.now, b.now);
		assert_int_equal(a.steps, b.steps);
		assert_int_not_equal(a.trace_hash, other.trace_hash);
		(void)ok_o;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(same_seed_replays_the_same_packet_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
