/* Internal to src/io. */
#ifndef USCTP_IO_RT_INTERNAL_H
#define USCTP_IO_RT_INTERNAL_H

#include "rt.h"

/* The UDP socket of a family, or -1. */
int usctp_rt_udp_fd(int family);
/* Free the pooled batches (at runtime stop). */
void usctp_txb_pool_free(void);

#endif
