/* An inventory matched against the imported vulnerability data: ECR-shaped findings,
 * one per (vulnerability, installed package), with ECR basic scanning's severity. */
#ifndef ECR_MATCH_H
#define ECR_MATCH_H
#include <jansson.h>

#include "ctx.h"
#include "vercmp.h"

/* ECR severity for a CVSS base score, NVD's bands applied to v2 and v3 alike
 * (0 → INFORMATIONAL, 0.1–3.9 LOW, 4–6.9 MEDIUM, 7–8.9 HIGH, 9–10 CRITICAL). */
const char *ecr_severity_for_score(double score);
/* ecr_severity_rank and ecr_severity_name are public (ecr.h). */

/* Does one advisory row (status resolved/open/versions/undetermined, introduced,
 * fixed, last_affected, a JSON list of versions) affect installed version v? */
int ecr_advisory_affects(ecr_vercmp_fn cmp, const char *v, const char *status, const char *intro, const char *fixed,
			 const char *last, const char *versions, int undetermined);

/* Findings for inventory (as ecr_inventory returns it). *out (new reference):
 * {findings: [ECR ImageScanFinding…] ordered by severity then name then package,
 *  counts: {SEVERITY: n}, sourceUpdatedAt: epoch | null, covered: bool,
 *  ecosystems: [keys looked up]}. covered is false when no imported feed knows the
 * image's OS release. $ECRLITE_REPORT_UNDETERMINED=1 also reports Debian's
 * "undetermined" entries. */
int ecr_match(struct ecr_ctx *ctx, json_t *inventory, json_t **out, struct ecr_err *err);

#endif
