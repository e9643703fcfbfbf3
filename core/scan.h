/* One scan of one image. A scan is a row: queued IN_PROGRESS in the caller's short
 * transaction (ecr_scan_enqueue), then run with no transaction held while the layers
 * are read and matched, and finished in one short transaction that writes its status,
 * findings and caches and queues the scan event (ecr_scan_run). Who runs a queued scan,
 * and when, is core/scanwork.c's business (see ecr.h). Core-internal. */
#ifndef ECR_SCAN_H
#define ECR_SCAN_H
#include "image.h"

#define ECR_SCAN_QUOTA_SECONDS 86400 /* one scan per image per day */
#define ECR_SCAN_OK_TEXT "The scan was completed successfully."
/* ECR_SCAN_NO_DATA_TEXT, which frontends recognise, is in ecr.h. */
#define ECR_SCAN_UNSUPPORTED_TEXT "The operating system and/or package manager are not supported."

/* Whether ECR takes a scan of manifest digest: 1 yes; 0 not, with
 * UnsupportedImageTypeException in err naming the media type that makes it so (an index
 * or list, an artifact whose config is not an image's: a Helm chart); negative when the
 * state fails. A manifest with an image's config and JSON layers (a buildx attestation)
 * is taken, and its scan ends FAILED saying so, as in ECR. */
int ecr_scan_scannable(struct ecr_ctx *ctx, const char *digest, struct ecr_err *err);
/* LimitExceededException when the image was scanned less than a day ago (scans that
 * died unfinished do not count). */
int ecr_scan_quota(struct ecr_ctx *ctx, long long image_id, struct ecr_err *err);
/* Queues a scan of image ref (inside the caller's write transaction). In inline mode
 * the row is claimed by this process at once and run after the commit (an ecr_txn_hook). */
int ecr_scan_enqueue(struct ecr_ctx *ctx, const struct ecr_image_ref *ref,
		     struct ecr_err *err);
/* Scan on push (inside the caller's write transaction, after the image was stored,
 * created or re-tagged): queues a scan when the repository's or the registry's
 * configuration asks for one and the daily quota allows it. 1 when queued, 0 when not
 * (*skipped_out, may be NULL: 1 when only the quota stopped it), negative on a state
 * error. PutImage, ecrlite push and the registry's manifest PUT call it. */
int ecr_scan_on_push(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, int *skipped_out,
		     struct ecr_err *err);
/* Runs scan id under claim (no transaction may be open). 1 when this run wrote the
 * result, 0 when the claim was lost (taken over, or the image deleted meanwhile);
 * negative on a state error (the row then stays claimed until recovery). */
int ecr_scan_run(struct ecr_ctx *ctx, long long id, const char *claim, json_t **status_out, struct ecr_err *err);

/* Matches the image's cached inventory against the vulnerability data as it is now and
 * records the result as a new COMPLETE result of its last scan: findings change, the
 * daily scan quota does not (the result keeps that scan's start time). Needs a
 * COMPLETE last scan (else ScanNotFoundException). No layer is read when the
 * inventory is cached. */
int ecr_scan_rematch(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
		     json_t **status_out, struct ecr_err *err);

#endif
