/* Lifecycle policies: PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy,
 * StartLifecyclePolicyPreview, GetLifecyclePolicyPreview. The policy is checked as ECR
 * checks it (core/lifecycle.c), kept as ECR answers with it (compact JSON, the CLI's own
 * example of put-lifecycle-policy) and applied when it is put and after each push into
 * its repository (ecr_lifecycle_apply); a preview is evaluated at once and kept until
 * the next one. Both go with the repository. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "ops.h"
#include "repo.h"
#include "state.h"
#include "token.h"

#define PREVIEW_PAGE 100 /* a page of previewResults when maxResults is absent */

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* r's policy text (new string) and lastEvaluatedAt (0: never); *text_out NULL when it has none. */
static int read_policy(struct ecr_ctx *ctx, const struct ecr_repo *r, json_t **text_out, double *evaluated_out,
		       struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT lifecycle_policy, lifecycle_evaluated_at FROM repository WHERE id = ?", err);
	*text_out = NULL;
	*evaluated_out = 0;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	int rc = ecr_state_step(st, err);
	if (rc > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*text_out = json_stringn((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		*evaluated_out = sqlite3_column_double(st, 1);
		if (!*text_out)
			rc = ecr_err_oom(err);
	}
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

static int missing(const struct ecr_repo *r, struct ecr_err *err)
{
	return ecr_lifecycle_not_found(r, err);
}

/* lastEvaluatedAt: epoch seconds; 0 for a policy never evaluated, as ECR gives it */
static json_t *evaluated_json(double at)
{
	return at > 0 ? json_real(at) : json_integer(0);
}

int op_put_lifecycle_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_lc_policy p;
	char *text = NULL;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = ecr_lifecycle_parse(str(req, "lifecyclePolicyText"), &p, err)))
		return rc;
	text = ecr_lifecycle_text(&p);
	ecr_lifecycle_release(&p);
	if (!text)
		return ecr_err_oom(err);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"UPDATE repository SET lifecycle_policy = ?, lifecycle_evaluated_at = NULL WHERE id = ?", err);
	if (!st) {
		free(text);
		return ECR_E_STATE;
	}
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r.id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	/* applied at once, in this transaction (ECR: "within 24 hours"; README) */
	if (!rc)
		rc = ecr_lifecycle_apply(ctx, &r, 0, NULL, NULL, err);
	if (!rc)
		*out = json_pack("{s:s, s:s, s:s}", "registryId", r.account, "repositoryName", r.name,
				 "lifecyclePolicyText", text);
	free(text);
	return rc;
}

/* Get (del 0) or Delete (del 1): the policy as it was, or LifecyclePolicyNotFoundException. */
static int get_or_delete(struct ecr_ctx *ctx, json_t *req, int del, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	json_t *text;
	double at;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = read_policy(ctx, &r, &text, &at, err)))
		return rc;
	if (!text)
		return missing(&r, err);
	if (del) {
		sqlite3_stmt *st = ecr_state_prepare(ctx->db,
			"UPDATE repository SET lifecycle_policy = NULL, lifecycle_evaluated_at = NULL WHERE id = ?", err);
		rc = st ? 0 : ECR_E_STATE;
		if (st) {
			sqlite3_bind_int64(st, 1, r.id);
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
			ecr_state_done(st);
		}
		if (rc) {
			json_decref(text);
			return rc;
		}
	}
	*out = json_pack("{s:s, s:s, s:o, s:o}", "registryId", r.account, "repositoryName", r.name,
			 "lifecyclePolicyText", text, "lastEvaluatedAt", evaluated_json(at));
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

int op_start_lifecycle_policy_preview(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_lc_policy p;
	json_t *stored = NULL, *results = NULL;
	char *list = NULL;
	double at;
	const char *given = str(req, "lifecyclePolicyText"), *text;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	/* without a text, the repository's own policy */
	if (!given) {
		if ((rc = read_policy(ctx, &r, &stored, &at, err)))
			return rc;
		if (!stored)
			return missing(&r, err);
	}
	text = given ? given : json_string_value(stored);
	if ((rc = ecr_lifecycle_parse(text, &p, err))) {
		json_decref(stored);
		return rc;
	}
	rc = ecr_lifecycle_evaluate(ctx, &r, &p, &results, NULL, err);
	ecr_lifecycle_release(&p);
	if (!rc && !(list = json_dumps(results, JSON_COMPACT)))
		rc = ecr_err_oom(err);
	json_decref(results);
	sqlite3_stmt *st = rc ? NULL : ecr_state_prepare(ctx->db,
		"INSERT INTO lifecycle_preview(repo_id, policy, status, results, started_at) VALUES(?, ?, 'COMPLETE', ?, ?)"
		" ON CONFLICT(repo_id) DO UPDATE SET policy = excluded.policy, status = excluded.status,"
		" results = excluded.results, started_at = excluded.started_at", err);
	if (!rc && !st)
		rc = ECR_E_STATE;
	if (st) {
		sqlite3_bind_int64(st, 1, r.id);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, list, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 4, ecr_ctx_now(ctx));
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
		ecr_state_done(st);
	}
	/* evaluated already: COMPLETE at once (ECR answers IN_PROGRESS and works after) */
	if (!rc)
		*out = json_pack("{s:s, s:s, s:s, s:s}", "registryId", r.account, "repositoryName", r.name,
				 "lifecyclePolicyText", text, "status", "COMPLETE");
	free(list);
	json_decref(stored);
	return rc;
}

/* Whether a preview result is one of the imageIds asked for. */
static int wanted(json_t *res, json_t *ids)
{
	size_t i, k;
	json_t *id, *t;
	json_array_foreach(ids, i, id) {
		const char *d = str(id, "imageDigest"), *tag = str(id, "imageTag");
		int tag_ok = !tag;
		if (d && strcmp(d, str(res, "imageDigest")))
			continue;
		json_array_foreach(json_object_get(res, "imageTags"), k, t)
			tag_ok |= tag && !strcmp(tag, json_string_value(t));
		if (tag_ok && (d || tag))
			return 1;
	}
	return 0;
}

int op_get_lifecycle_policy_preview(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	json_t *ids = json_object_get(req, "imageIds"), *max = json_object_get(req, "maxResults");
	const char *tok = str(req, "nextToken"), *status = str(json_object_get(req, "filter"), "tagStatus");
	json_t *all = NULL, *page = NULL, *res;
	char *text = NULL, *state = NULL, scope[512];
	double started = 0;
	long long offset = 0, limit = max ? json_integer_value(max) : PREVIEW_PAGE, seen = 0;
	size_t i;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	if (ids && (max || tok))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'maxResults' failed to satisfy constraint: 'maxResults and nextToken cannot be used with imageIds'");
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT policy, status, results, started_at FROM lifecycle_preview WHERE repo_id = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r.id);
	if ((rc = ecr_state_step(st, err)) > 0) {
		text = strdup((const char *)sqlite3_column_text(st, 0));
		state = strdup((const char *)sqlite3_column_text(st, 1));
		all = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		started = sqlite3_column_double(st, 3);
		rc = text && state && json_is_array(all) ? 0 : ecr_err_oom(err);
	}
	ecr_state_done(st);
	if (rc < 0)
		goto out;
	if (!text) {
		/* ECR's words are not known (moto has none): the other not-found messages' form */
		rc = ecr_err_set(err, ECR_E_LIFECYCLE_PREVIEW_NOT_FOUND,
				 "Lifecycle policy preview does not exist for the repository with name '%s' in the registry with id '%s'",
				 r.name, r.account);
		goto out;
	}
	/* a token is for this preview (its start) and this filter */
	snprintf(scope, sizeof(scope), "%lld/%lld/%.16s", r.id, (long long)(started * 1e6), status ? status : "");
	if (tok && (rc = ecr_token_read(ctx, "GetLifecyclePolicyPreview", scope, tok, &offset, err)))
		goto out;
	page = json_array();
	int more = 0;
	json_array_foreach(all, i, res) {
		int tagged = json_array_size(json_object_get(res, "imageTags")) > 0;
		if ((status && !strcmp(status, "TAGGED") && !tagged) || (status && !strcmp(status, "UNTAGGED") && tagged))
			continue;
		if (ids && !wanted(res, ids))
			continue;
		if (seen++ < offset)
			continue;
		if ((long long)json_array_size(page) == limit) {
			more = 1;
			break;
		}
		json_array_append(page, res);
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:O, s:{s:I}}", "registryId", r.account, "repositoryName", r.name,
			 "lifecyclePolicyText", text, "status", state, "previewResults", page, "summary",
			 "expiringImageTotalCount", (json_int_t)json_array_size(all));
	if (!*out) {
		rc = ecr_err_oom(err);
		goto out;
	}
	if (more && (rc = ecr_token_set(ctx, *out, "GetLifecyclePolicyPreview", scope, offset + limit, err))) {
		json_decref(*out);
		*out = NULL;
		goto out;
	}
	rc = 0;
out:
	json_decref(all);
	json_decref(page);
	free(text);
	free(state);
	return rc;
}
