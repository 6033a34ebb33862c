/*
 * USCTP_DEBUG lines about associations (see src/common/log.h). Callers test
 * usctp_log_level() first, so these cost nothing when logging is off.
 */
#ifndef USCTP_SOCK_DIAG_H
#define USCTP_SOCK_DIAG_H

#include "common/log.h"
#include "sock.h"

/* "assoc 5 127.0.0.1:5001 <what>" at level lvl. */
void usctp_sa_log(const struct usctp_sassoc *sa, int lvl, const char *what);
/* An event (failures at level 1, the rest at level 2). */
void usctp_sa_log_event(const struct usctp_sassoc *sa, const struct usctp_event *ev);
/* Level 2: the state moved away from before. */
void usctp_sa_log_transition(const struct usctp_sassoc *sa, enum usctp_state before);

#endif
