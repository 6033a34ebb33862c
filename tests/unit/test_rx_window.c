/* Receive side: the advertised window is a promise: a sender that keeps to it
 * never has a chunk dropped, whatever the chunks' sizes. */
#include "testutil.h"

#include <string.h>

#include "core/rx.h"

#define BE (USCTP_DATA_FLAG_B | USCTP_DATA_FLAG_E)

static int put(struct usctp_rx *rx, uint32_t tsn, uint16_t ssn, size_t len)
{
	static uint8_t buf[2048];
	struct usctp_data_chunk d = {
	    .flags = BE, .tsn = tsn, .sid = 0, .ssn = ssn, .payload = buf, .payload_len = len};
	return usctp_rx_data(rx, &d);
}

/* Fill an unread receiver with chunks of one size, each sent only while the
 * window the receiver announces has room for it (6.1 B), as a sender does. */
static void fill(size_t len, uint32_t rcvbuf)
{
	struct usctp_rx *rx = usctp_rx_new(1000, 1, rcvbuf, 0);
	assert_non_null(rx);
	uint32_t tsn = 1000;
	unsigned accepted = 0;
	for (unsigned i = 0; i < 100000 && usctp_rx_a_rwnd(rx) >= len; i++) {
		int r = put(rx, tsn, (uint16_t)(tsn - 1000), len);
		if (r != USCTP_RX_NEW)
			fail_msg("chunk %u of %zu bytes dropped (result %d) with a_rwnd %u", i, len, r,
				 usctp_rx_a_rwnd(rx));
		tsn++;
		accepted++;
	}
	/* The window closed because the buffer is really used, not at once: a
	 * quarter of it in payload, or (tiny chunks, where the per-chunk memory
	 * is what runs out) hundreds of chunks. */
	assert_true((uint64_t)accepted * len >= rcvbuf / 4 || accepted >= 256);
	assert_true(usctp_rx_a_rwnd(rx) < len);
	usctp_rx_del(rx);
}

static void small_chunks_within_the_window_are_never_dropped(void **state)
{
	(void)state;
	fill(1, 65536);
	fill(16, 65536);
	fill(100, 65536);
	fill(100, 1 << 20);
}

static void large_chunks_within_the_window_are_never_dropped(void **state)
{
	(void)state;
	fill(1000, 65536);
	fill(1452, 65536);
	fill(2000, 1 << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(small_chunks_within_the_window_are_never_dropped),
	    cmocka_unit_test(large_chunks_within_the_window_are_never_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
