/* One scan of one image: inventory → matching → one scan row with its findings,
 * written in the caller's transaction; the scan-complete event queued. */
#ifndef ECR_SCAN_H
#define ECR_SCAN_H
#include "image.h"

#define ECR_SCAN_QUOTA_SECONDS 86400 /* one scan per image per day */
#define ECR_SCAN_OK_TEXT "The scan was completed successfully."
#define ECR_SCAN_UNSUPPORTED_TEXT "The operating system and/or package manager are not supported."

/* LimitExceededException when the image was scanned less than a day ago. */
int ecr_scan_quota(struct ecr_ctx *ctx, long long image_id, struct ecr_err *err);
/* Scans image ref of repository r. A scan that cannot read the image is recorded as
 * FAILED (with why) or UNSUPPORTED_IMAGE, not returned as an error; errors are for
 * the state itself. *status_out (new reference, may be NULL): the ImageScanStatus. */
int ecr_scan_image(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
		   json_t **status_out, struct ecr_err *err);

#endif
