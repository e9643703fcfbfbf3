/* A waiter's path acceptors, read one way for every frontend (the aws CLI's `wait`,
 * Lua's ecr.wait_scan): the model's rows say what to poll, how often and what ends it.
 * Ownership: everything returned is the model's static data. */
#ifndef FE_WAIT_H
#define FE_WAIT_H
#include <jansson.h>

#include "model.h"

/* The model's waiter by its name (ImageScanComplete) or CLI name
 * (image-scan-complete); NULL when there is none. */
const struct ecr_waiter *fe_waiter(const char *name);
/* The first path acceptor of w whose argument (a dotted path) holds its expected string
 * in resp; NULL when none does (poll again). */
const struct ecr_acceptor *fe_wait_match(const struct ecr_waiter *w, json_t *resp);

#endif
