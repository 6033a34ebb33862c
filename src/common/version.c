#include "usctp.h"

const char *usctp_version(void) { return "0.1.0"; }
