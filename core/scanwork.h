/* Who runs a scan: owners, claims and leases of scan rows (the public half is in ecr.h:
 * ecr_scan_work, ecr_scan_recover, the scan mode). Core-internal. */
#ifndef ECR_SCANWORK_H
#define ECR_SCANWORK_H
#include <stddef.h>

#define ECR_SCAN_LEASE_SECONDS 900.0 /* a claim no live process renews is free after this */
#define ECR_SCAN_ATTEMPTS 3          /* claims of one scan before it is FAILED */

/* "host:pid" of this process: a claim's owner, checked for life by later processes. */
void ecr_scanwork_owner(char *out, size_t n);
/* A fresh claim token (32 hex digits and a NUL). */
void ecr_scanwork_token(char out[40]);

#endif
