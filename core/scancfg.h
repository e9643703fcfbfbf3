/* Registry- and repository-level scanning configuration, combined as ECR does it: an
 * image is scanned on push when its repository says scanOnPush or a registry rule with
 * scanFrequency SCAN_ON_PUSH has a WILDCARD filter matching the repository name. */
#ifndef ECR_SCANCFG_H
#define ECR_SCANCFG_H
#include <jansson.h>

#include "repo.h"

/* The registry's configuration {scanType, rules} (new reference); BASIC with no rules
 * when never set. */
json_t *ecr_scancfg_registry(struct ecr_ctx *ctx, const char *account);
/* 1 when pushes to r are scanned; *filters_out (new reference, may be NULL) gets the
 * filters that applied. */
int ecr_scancfg_on_push(struct ecr_ctx *ctx, const struct ecr_repo *r, json_t **filters_out);

#endif
