/* ENHANCED scanning (Amazon Inspector's findings in ECR's EnhancedImageScanFinding
 * shape), offline: an image's stored inventory (OS and language packages) matched
 * against the vulnerability data as it is *now*, each time the findings are asked for
 * — continuous scanning without re-reading layers. Core-internal. */
#ifndef ECR_ENHANCED_H
#define ECR_ENHANCED_H
#include <jansson.h>

#include "image.h"
#include "repo.h"

#define ECR_ENHANCED_ELIGIBLE_DAYS 30 /* continuous scanning stops this long after push */
#define ECR_CONTINUOUS_TEXT "Continuous scan is selected for image."
#define ECR_EXPIRED_TEXT "The image is no longer eligible for continuous scanning: it was pushed more than 30 days ago."
/* an image whose first scan has not run yet (queued for a worker): ECR's enhanced
 * PENDING, not basic scanning's IN_PROGRESS; the wording is ours (ECR's unknown) */
#define ECR_PENDING_TEXT "The image is queued for its first scan; findings will be available when it completes."

/* DescribeImageScanFindings under ENHANCED for image ref of repository r. */
int ecr_enhanced_describe(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, json_t *req,
			  json_t **out, struct ecr_err *err);

/* The findings themselves, ordered by severity then id (new reference) and their
 * counts by severity (UNTRIAGED counted as UNDEFINED, FindingSeverity's value for "no
 * rating"). inventory as ecr_inventory gives it; firstObserved: when the image was
 * first scanned. */
int ecr_enhanced_findings(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
			  json_t *inventory, double first_observed, json_t **findings, json_t **counts,
			  struct ecr_err *err);

/* A scan's enhanced result as a SCAN_ON_PUSH repository keeps it (Inspector scans those
 * images once): {findings, counts, sourceUpdatedAt} for the data as it is now, first
 * observed now (new reference). */
int ecr_enhanced_result(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
			json_t *inventory, json_t **out, struct ecr_err *err);

/* Continuous scanning's events around a feed import (vulndb.c calls both): before it,
 * the enhanced findings of every image the import can change — an ENHANCED registry's
 * CONTINUOUS_SCAN repositories, images with a completed scan inside the eligibility
 * window — as {"REPO@DIGEST": {vulnerabilityId: ["name version", …]}} (new reference;
 * NULL when the registry is BASIC or nothing qualifies). After it, one event per image
 * whose findings changed is queued and delivered (ecrlite's own shape, README). Best
 * effort: an image that cannot be matched is left out, never fails the import. */
json_t *ecr_enhanced_snapshot(struct ecr_ctx *ctx);
void ecr_enhanced_changes(struct ecr_ctx *ctx, json_t *before);

#endif
