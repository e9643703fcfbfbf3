/* Vulnerability data imported from feed files (Debian security tracker, Alpine secdb,
 * OSV, NVD), offline, each import one transaction. */
#ifndef ECR_VULNDB_H
#define ECR_VULNDB_H
#include <jansson.h>

#include "ecr.h"

/* ecr_vulndb_import and ecr_vulndb_status are declared in ecr.h (frontends call them). */

#endif
