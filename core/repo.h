/* Repository rows: lookup and the ECR Repository shape. Core-internal. */
#ifndef ECR_REPO_H
#define ECR_REPO_H
#include <jansson.h>

#include "ctx.h"
#include "registry.h" /* struct ecr_repo */

/* Loads the repository named by req's repositoryName (and registryId);
 * RepositoryNotFoundException with ECR's message when absent. */
int ecr_repo_load(struct ecr_ctx *ctx, json_t *req, struct ecr_repo *out, struct ecr_err *err);
int ecr_repo_load_name(struct ecr_ctx *ctx, const char *account, const char *name,
		       struct ecr_repo *out, struct ecr_err *err);
/* ECR's Repository structure for r (new reference). */
json_t *ecr_repo_json(struct ecr_ctx *ctx, const struct ecr_repo *r);
/* "arn:aws:ecr:REGION:ACCOUNT:repository/NAME" into out. */
void ecr_repo_arn(struct ecr_ctx *ctx, const struct ecr_repo *r, char *out, size_t n);
/* Fills r from a row whose columns are the repo columns in struct order. */
void ecr_repo_from_row(sqlite3_stmt *st, struct ecr_repo *r);
#define ECR_REPO_COLUMNS "id, account, name, created_at, tag_mutability, scan_on_push, encryption_type, kms_key"

#endif
