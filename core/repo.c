#include <stdio.h>
#include <string.h>

#include "repo.h"
#include "state.h"

void ecr_repo_from_row(sqlite3_stmt *st, struct ecr_repo *r)
{
	const char *k;
	r->id = sqlite3_column_int64(st, 0);
	snprintf(r->account, sizeof(r->account), "%s", sqlite3_column_text(st, 1));
	snprintf(r->name, sizeof(r->name), "%s", sqlite3_column_text(st, 2));
	r->created_at = sqlite3_column_double(st, 3);
	snprintf(r->mutability, sizeof(r->mutability), "%s", sqlite3_column_text(st, 4));
	r->scan_on_push = sqlite3_column_int(st, 5);
	snprintf(r->encryption, sizeof(r->encryption), "%s", sqlite3_column_text(st, 6));
	k = (const char *)sqlite3_column_text(st, 7);
	snprintf(r->kms_key, sizeof(r->kms_key), "%s", k ? k : "");
}

int ecr_repo_load_name(struct ecr_ctx *ctx, const char *account, const char *name,
		       struct ecr_repo *out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT " ECR_REPO_COLUMNS " FROM repository WHERE account = ? AND region = ? AND name = ?", err);
	int rc;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ecr_repo_from_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ecr_err_set(err, ECR_E_REPOSITORY_NOT_FOUND,
				 "The repository with name '%s' does not exist in the registry with id '%s'", name, account);
	} else {
		rc = ecr_state_fail(ctx->db, err);
	}
	ecr_state_done(st);
	return rc;
}

int ecr_repo_load(struct ecr_ctx *ctx, json_t *req, struct ecr_repo *out, struct ecr_err *err)
{
	return ecr_repo_load_name(ctx, ecr_ctx_registry(ctx, req),
				  json_string_value(json_object_get(req, "repositoryName")), out, err);
}

void ecr_repo_arn(struct ecr_ctx *ctx, const struct ecr_repo *r, char *out, size_t n)
{
	snprintf(out, n, "arn:aws:ecr:%s:%s:repository/%s", ctx->region, r->account, r->name);
}

json_t *ecr_repo_json(struct ecr_ctx *ctx, const struct ecr_repo *r)
{
	char arn[512], uri[512];
	ecr_repo_arn(ctx, r, arn, sizeof(arn));
	/* ECR's repositoryUri is the registry host of proxyEndpoint and the name: served, that
	 * host is the one the client reached, so that `docker push "$(aws ecr
	 * describe-repositories --query …repositoryUri)":v1` or Terraform's repository_url
	 * reach this registry, not AWS (what LocalStack users ask of an emulator, serve.md §6.3) */
	const char *host = strstr(ctx->endpoint, "://");
	if (host)
		snprintf(uri, sizeof(uri), "%s/%s", host + 3, r->name);
	else
		snprintf(uri, sizeof(uri), "%s.dkr.ecr.%s.amazonaws.com/%s", r->account, ctx->region, r->name);
	json_t *enc = json_pack("{s:s}", "encryptionType", r->encryption);
	if (r->kms_key[0])
		json_object_set_new(enc, "kmsKey", json_string(r->kms_key));
	return json_pack("{s:s, s:s, s:s, s:s, s:f, s:s, s:{s:b}, s:o}",
			 "repositoryArn", arn, "registryId", r->account, "repositoryName", r->name,
			 "repositoryUri", uri, "createdAt", r->created_at,
			 "imageTagMutability", r->mutability,
			 "imageScanningConfiguration", "scanOnPush", r->scan_on_push,
			 "encryptionConfiguration", enc);
}
