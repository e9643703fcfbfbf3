/* Scan rows as other operations see them: DescribeImages' imageScanStatus and
 * imageScanFindingsSummary. Core-internal. */
#ifndef ECR_SCANSTATE_H
#define ECR_SCANSTATE_H
#include <jansson.h>

#include "ctx.h"

/* The image's latest scan: *status {status[, description]}, and once it completed
 * *summary {imageScanCompletedAt[, vulnerabilitySourceUpdatedAt], findingSeverityCounts}
 * (else NULL), both new references; *scan_id (when not NULL) its row. 1 when the image
 * has a scan, 0 when it has none, or a negative ECR_E_* when the state failed. */
int ecr_scanstate_latest(struct ecr_ctx *ctx, long long image_id, long long *scan_id, json_t **status,
			 json_t **summary, struct ecr_err *err);
/* Adds imageScanStatus and imageScanFindingsSummary of the image's latest scan to
 * detail (nothing when it was never scanned, nor when the account's registry uses
 * ENHANCED scanning); a negative ECR_E_* when the state failed. */
int ecr_scanstate_detail(struct ecr_ctx *ctx, const char *account, long long image_id, json_t *detail,
			 struct ecr_err *err);

#endif
