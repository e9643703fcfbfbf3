/* Who runs a scan: the workers' leases and attempts of scan rows (the public half is in
 * ecr.h: ecr_scan_work, ecr_scan_recover, the scan mode; a claim's owner and token are
 * scanclaim.h). Core-internal. */
#ifndef ECR_SCANWORK_H
#define ECR_SCANWORK_H

#define ECR_SCAN_LEASE_SECONDS 900.0 /* a claim no live process renews is free after this */
#define ECR_SCAN_ATTEMPTS 3          /* claims of one scan before it is FAILED */

#endif
