/* A repository's two policies: the lifecycle policy (PutLifecyclePolicy,
 * GetLifecyclePolicy, DeleteLifecyclePolicy) and the repository policy
 * (SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy). ecrlite keeps
 * their text, as ECR returns it, so that what manages a repository (Terraform's
 * aws_ecr_lifecycle_policy and aws_ecr_repository_policy, CloudFormation, scripts)
 * reads back what it wrote and a missing policy is the *NotFoundException they test
 * for. Neither is enforced: no lifecycle rule expires an image (lastEvaluatedAt stays
 * 0, ECR's value for a policy never evaluated), and every known key may do everything
 * (README). The policies go with the repository. */
#include <string.h>

#include "ops.h"
#include "repo.h"
#include "state.h"

/* The two policies: their column in repository, the request and response member, the
 * exception of a missing one and its words (ECR's, as moto and captures show them). */
struct policy {
	const char *column;   /* repository column holding the text, NULL when none */
	const char *member;   /* lifecyclePolicyText / policyText */
	int missing;          /* ECR_E_*_POLICY_NOT_FOUND */
	const char *what;     /* "Lifecycle policy" / "Repository policy" */
	int evaluated;        /* the answer carries lastEvaluatedAt */
};

static const struct policy lifecycle = {"lifecycle_policy", "lifecyclePolicyText", ECR_E_LIFECYCLE_POLICY_NOT_FOUND,
					"Lifecycle policy", 1};
static const struct policy repository = {"repository_policy", "policyText", ECR_E_REPOSITORY_POLICY_NOT_FOUND,
					 "Repository policy", 0};

/* Reads repository r's policy text into *text_out (a new string; NULL when it has none). */
static int policy_read(struct ecr_ctx *ctx, const struct policy *p, const struct ecr_repo *r, json_t **text_out,
		       struct ecr_err *err)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s FROM repository WHERE id = ?", p->column);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
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

static int policy_write(struct ecr_ctx *ctx, const struct policy *p, const struct ecr_repo *r, const char *text,
			struct ecr_err *err)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE repository SET %s = ? WHERE id = ?", p->column);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
	if (!st)
		return ECR_E_STATE;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	int rc = ecr_state_step(st, err);
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

/* {registryId, repositoryName, <member>: text[, lastEvaluatedAt]}; steals text. */
static json_t *answer(const struct policy *p, const struct ecr_repo *r, json_t *text, int evaluated)
{
	json_t *out = json_pack("{s:s, s:s, s:o}", "registryId", r->account, "repositoryName", r->name, p->member, text);
	if (evaluated && p->evaluated)
		json_object_set_new(out, "lastEvaluatedAt", json_integer(0));
	return out;
}

static int policy_missing(const struct policy *p, const struct ecr_repo *r, struct ecr_err *err)
{
	return ecr_err_set(err, p->missing, "%s does not exist for the repository with name '%s' in the registry with id '%s'",
			   p->what, r->name, r->account);
}

/* Get (del 0) or Delete (del 1): the policy as it was, or its NotFoundException. */
static int policy_get(struct ecr_ctx *ctx, const struct policy *p, json_t *req, int del, json_t **out,
		      struct ecr_err *err)
{
	struct ecr_repo r;
	json_t *text;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = policy_read(ctx, p, &r, &text, err)))
		return rc;
	if (!text)
		return policy_missing(p, &r, err);
	if (del && (rc = policy_write(ctx, p, &r, NULL, err))) {
		json_decref(text);
		return rc;
	}
	*out = answer(p, &r, text, 1);
	return 0;
}

/* ECR checks the document's shape before it keeps it; ecrlite checks what it can
 * without enforcing it: a JSON object, with the member its rules live in. */
static int policy_check(const struct policy *p, const char *text, struct ecr_err *err)
{
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	int shape_ok = json_is_object(doc), rules_ok = 0;
	if (p == &lifecycle)
		rules_ok = json_is_array(json_object_get(doc, "rules"));
	else
		rules_ok = json_is_array(json_object_get(doc, "Statement")) || json_is_object(json_object_get(doc, "Statement"));
	json_decref(doc);
	if (p != &lifecycle && !(shape_ok && rules_ok))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'");
	if (!shape_ok)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy "
				   "validation failure: Could not map policyString into LifecyclePolicy.'");
	if (!rules_ok)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy "
				   "validation failure: object has missing required properties ([\"rules\"])'");
	return 0;
}

static int policy_put(struct ecr_ctx *ctx, const struct policy *p, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	const char *text = json_string_value(json_object_get(req, p->member));
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = policy_check(p, text, err)) || (rc = policy_write(ctx, p, &r, text, err)))
		return rc;
	*out = answer(p, &r, json_string(text), 0);
	return 0;
}

int op_put_lifecycle_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return policy_put(ctx, &lifecycle, req, out, err);
}

int op_get_lifecycle_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return policy_get(ctx, &lifecycle, req, 0, out, err);
}

int op_delete_lifecycle_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return policy_get(ctx, &lifecycle, req, 1, out, err);
}

int op_set_repository_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return policy_put(ctx, &repository, req, out, err);
}

int op_get_repository_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return policy_get(ctx, &repository, req, 0, out, err);
}

int op_delete_repository_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	return policy_get(ctx, &repository, req, 1, out, err);
}
