/* Lifecycle policies: PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy. The
 * text is kept (repository.lifecycle_policy) and read back; a missing one is
 * LifecyclePolicyNotFoundException; it goes with the repository. Not evaluated yet
 * (lastEvaluatedAt 0, ECR's value for a policy never evaluated). */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "repo.h"
#include "state.h"

static int read_policy(struct ecr_ctx *ctx, const struct ecr_repo *r, json_t **text_out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT lifecycle_policy FROM repository WHERE id = ?", err);
	*text_out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	int rc = ecr_state_step(st, err);
	if (rc > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*text_out = json_stringn((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

static int write_policy(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *text, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "UPDATE repository SET lifecycle_policy = ? WHERE id = ?", err);
	if (!st)
		return ECR_E_STATE;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	int rc = ecr_state_step(st, err);
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

static json_t *answer(const struct ecr_repo *r, json_t *text, int evaluated)
{
	json_t *out = json_pack("{s:s, s:s, s:o}", "registryId", r->account, "repositoryName", r->name,
				"lifecyclePolicyText", text);
	if (evaluated)
		json_object_set_new(out, "lastEvaluatedAt", json_integer(0));
	return out;
}

static int get_or_delete(struct ecr_ctx *ctx, json_t *req, int del, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	json_t *text;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = read_policy(ctx, &r, &text, err)))
		return rc;
	if (!text)
		return ecr_err_set(err, ECR_E_LIFECYCLE_POLICY_NOT_FOUND,
				   "Lifecycle policy does not exist for the repository with name '%s' in the registry with id '%s'",
				   r.name, r.account);
	if (del && (rc = write_policy(ctx, &r, NULL, err))) {
		json_decref(text);
		return rc;
	}
	*out = answer(&r, text, 1);
	return 0;
}

int op_put_lifecycle_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	const char *text = json_string_value(json_object_get(req, "lifecyclePolicyText"));
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	int shape_ok = json_is_object(doc), rules_ok = json_is_array(json_object_get(doc, "rules"));
	int rc = ecr_repo_load(ctx, req, &r, err);
	json_decref(doc);
	if (rc)
		return rc;
	if (!shape_ok)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy "
				   "validation failure: Could not map policyString into LifecyclePolicy.'");
	if (!rules_ok)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy "
				   "validation failure: object has missing required properties ([\"rules\"])'");
	if ((rc = write_policy(ctx, &r, text, err)))
		return rc;
	*out = answer(&r, json_string(text), 0);
	return 0;
}

int op_get_lifecycle_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return get_or_delete(ctx, req, 0, out, err);
}

int op_delete_lifecycle_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return get_or_delete(ctx, req, 1, out, err);
}
