/*
 * usctp core: default randomness (tags, TSNs, cookie secrets) from OpenSSL.
 */
#include <openssl/rand.h>
#include <stdlib.h>

#include "assoc.h"

void usctp_random_default(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	/* RAND_bytes only fails when the system has no entropy source at all;
	 * predictable tags would break 5.3.1, so refuse to go on. */
	if (RAND_bytes(buf, (int)len) != 1)
		abort();
}
