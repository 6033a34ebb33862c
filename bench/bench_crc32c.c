/*
 * CRC32c throughput of the portable and the hardware implementation for
 * packet-sized and large buffers. Usage: bench_crc32c [seconds-per-case]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wire/crc32c.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Bytes per second of fn over len-byte buffers, for about secs seconds. */
static double measure(usctp_crc32c_fn fn, const uint8_t *buf, size_t len, double secs, uint32_t *sink)
{
	uint64_t iters = 0, batch = 1 + (1u << 20) / len;
	uint32_t crc = 0;
	double start = now_s(), el;
	do {
		for (uint64_t i = 0; i < batch; i++)
			crc = fn(crc, buf, len); /* chained: the calls cannot be elided */
		iters += batch;
		el = now_s() - start;
	} while (el < secs);
	*sink ^= crc;
	return (double)iters * (double)len / el;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0.5;
	if (secs <= 0 || secs > 60)
		secs = 0.5;
	static const size_t sizes[] = {64, 1500, 65536};
	uint8_t *buf = malloc(65536);
	if (!buf)
		return 1;
	for (size_t i = 0; i < 65536; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	usctp_crc32c_fn hw = usctp_crc32c_hw();
	uint32_t sink = 0;
	printf("crc32c: usctp_crc32c() uses %s\n", usctp_crc32c_impl());
	printf("%-10s %8s %12s\n", "impl", "bytes", "MB/s");
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		printf("%-10s %8zu %12.0f\n", "portable", sizes[s],
		       measure(usctp_crc32c_sw, buf, sizes[s], secs, &sink) / 1e6);
		if (hw)
			printf("%-10s %8zu %12.0f\n", "sse4.2", sizes[s],
			       measure(hw, buf, sizes[s], secs, &sink) / 1e6);
		else
			printf("%-10s %8zu %12s\n", "sse4.2", sizes[s], "n/a");
	}
	free(buf);
	printf("(result fold %08x)\n", sink); /* keeps the results live */
	return 0;
}
