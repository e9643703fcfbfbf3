/* Registry- and repository-level scanning configuration, combined as ECR does it: an
 * image is scanned on push when its repository says scanOnPush or a registry rule with
 * scanFrequency SCAN_ON_PUSH has a WILDCARD filter matching the repository name. */
#ifndef ECR_SCANCFG_H
#define ECR_SCANCFG_H
#include <jansson.h>

#include "repo.h"

/* The registry's configuration {scanType, rules} in *out (new reference); BASIC with
 * no rules when never set. A state that cannot be read is an error, never BASIC. */
int ecr_scancfg_registry(struct ecr_ctx *ctx, const char *account, json_t **out, struct ecr_err *err);
/* The scan frequency of repository r: "CONTINUOUS_SCAN", "SCAN_ON_PUSH" or "MANUAL".
 * BASIC: SCAN_ON_PUSH when r's scanOnPush or a SCAN_ON_PUSH filter matches. ENHANCED:
 * CONTINUOUS_SCAN when a continuous filter matches (or there are no rules at all),
 * else SCAN_ON_PUSH when such a filter matches, else MANUAL (r's own scanOnPush does
 * not count). *filters_out (new reference, may be NULL): the filters that decided;
 * *enhanced_out (may be NULL): the registry's type is ENHANCED. */
int ecr_scancfg_frequency(struct ecr_ctx *ctx, const struct ecr_repo *r, const char **freq_out, json_t **filters_out,
			  int *enhanced_out, struct ecr_err *err);
/* 1 when the registry (account, ctx's region) uses ENHANCED scanning, 0 when not,
 * negative when the state failed. */
int ecr_scancfg_enhanced(struct ecr_ctx *ctx, const char *account, struct ecr_err *err);
/* 1 when pushes to r are scanned, 0 when not, negative when the state failed;
 * *filters_out (new reference, may be NULL) gets the filters that applied. */
int ecr_scancfg_on_push(struct ecr_ctx *ctx, const struct ecr_repo *r, json_t **filters_out, struct ecr_err *err);

#endif
