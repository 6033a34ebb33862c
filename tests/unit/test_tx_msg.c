/* Outbound message buffers: refcounting, shared between associations. */
#include "test_tx_helpers.h"

static void msg_keeps_a_copy_of_the_data(void **state)
{
	uint8_t b[3] = {1, 2, 3};
	struct usctp_msg *m = usctp_msg_new(b, sizeof(b));
	assert_non_null(m);
	b[0] = 9;
	assert_int_equal(usctp_msg_len(m), 3);
	assert_int_equal(usctp_msg_data(m)[0], 1);
	assert_ptr_equal(usctp_msg_ref(m), m);
	usctp_msg_unref(m);
	usctp_msg_unref(m);
	usctp_msg_unref(NULL);
}

static void one_msg_shared_by_two_associations_outlives_each(void **state)
{
	struct th a, b;
	th_init(&a, 1, 4, 1 << 20, 0, true);
	th_init(&b, 1, 4, 1 << 20, 0, true);
	uint8_t data[500];
	memset(data, 0x5a, sizeof(data));
	struct usctp_msg *m = usctp_msg_new(data, sizeof(data));
	struct usctp_send_params p = {.sid = 0, .ppid = 1, .path = -1};
	assert_int_equal(usctp_tx_enqueue(a.tx, &p, m, 0), 0);
	assert_int_equal(usctp_tx_enqueue(b.tx, &p, m, 0), 0);
	usctp_msg_unref(m); /* the user's reference */
	assert_int_equal(th_fill(&a, 0, 200, 0), 3);
	struct usctp_sack_result r;
	assert_int_equal(th_sack(&a, 3, 50000, NULL, 0, 1, &r), 0); /* a is done with it */
	assert_true(usctp_tx_idle(a.tx));
	th_free(&a);
	assert_int_equal(th_fill(&b, 0, 200, 0), 3); /* still readable through b (ASan checks) */
	assert_int_equal(b.d[2].payload[99], 0x5a);
	th_free(&b); /* drops the last reference */
}

static void failed_msg_reference_belongs_to_the_caller(void **state)
{
	struct th h;
	th_init(&h, 1, 4, 1 << 20, 0, true);
	assert_int_equal(th_send(&h, 0, 10, 0), 0);
	usctp_tx_fail_all(h.tx);
	struct usctp_failed_msg f;
	assert_int_equal(usctp_tx_pop_failed(h.tx, &f), 1);
	usctp_tx_del(h.tx);
	assert_int_equal(usctp_msg_data(f.msg)[9], 9);
	usctp_msg_unref(f.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(msg_keeps_a_copy_of_the_data),
	    cmocka_unit_test(one_msg_shared_by_two_associations_outlives_each),
	    cmocka_unit_test(failed_msg_reference_belongs_to_the_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
