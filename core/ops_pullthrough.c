/* Pull through cache rules: CreatePullThroughCacheRule, DescribePullThroughCacheRules,
 * DeletePullThroughCacheRule, as rows of pull_through_rule keyed by (account, region,
 * prefix). The model has checked the shapes (the prefix: 2-20 characters of
 * [a-z0-9]+(?:[._-][a-z0-9]+)*; 1-100 prefixes in a filter; maxResults 1-1000); here
 * are ECR's rules across rows. ecrlite is offline: a rule is kept, listed and deleted,
 * but never fetches from its upstream (README, "Pull through cache"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "state.h"
#include "token.h"

/* The user guide of the model's era (no credentialArn, no upstreamRegistry in the
 * request): "You can create a maximum of 10 pull through cache rules for your private
 * registry" (the quota is 50 since the authenticated upstreams came with a newer API). */
#define MAX_RULES 10
#define DEFAULT_PAGE 100 /* the API reference: "returns up to 100 results" without maxResults */

/* The upstreams of that era's user guide: "Amazon ECR currently supports creating pull
 * through cache rules for Amazon ECR Public and Quay". The later ones (registry.k8s.io,
 * Docker Hub, ghcr.io, Azure, GitLab) came with the API that names them. */
static const char *const upstreams[] = {"public.ecr.aws", "quay.io"};

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A rule as the model's PullThroughCacheRule (and the Create/Delete responses) have it,
 * from the columns prefix, upstream, created_at of st. */
static json_t *rule_json(sqlite3_stmt *st, const char *account)
{
	return json_pack("{s:s, s:s, s:f, s:s}", "ecrRepositoryPrefix", sqlite3_column_text(st, 0),
			 "upstreamRegistryUrl", sqlite3_column_text(st, 1), "createdAt",
			 sqlite3_column_double(st, 2), "registryId", account);
}

static int not_found(const char *prefix, const char *account, struct ecr_err *err)
{
	return ecr_err_set(err, ECR_E_PULL_THROUGH_RULE_NOT_FOUND,
			   "The pull through cache rule with Amazon ECR repository prefix '%s' does not exist in the registry with id '%s'",
			   prefix, account);
}

/* The rule of (account, region, prefix) into *out (NULL when there is none). */
static int load_rule(struct ecr_ctx *ctx, const char *account, const char *prefix, json_t **out,
		     struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT prefix, upstream, created_at FROM pull_through_rule"
		" WHERE account = ? AND region = ? AND prefix = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0 && !(*out = rule_json(st, account)))
		rc = ecr_err_oom(err);
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

int op_create_pull_through_cache_rule(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req), *prefix = str(req, "ecrRepositoryPrefix");
	const char *url = str(req, "upstreamRegistryUrl");
	json_t *rule = NULL;
	size_t i;
	int rc, n;
	for (i = 0; i < sizeof(upstreams) / sizeof(upstreams[0]) && strcmp(url, upstreams[i]); i++)
		;
	if (i == sizeof(upstreams) / sizeof(upstreams[0]))
		return ecr_err_set(err, ECR_E_UNSUPPORTED_UPSTREAM_REGISTRY,
				   "The upstream registry URL '%s' is not supported; this API's pull through cache supports public.ecr.aws and quay.io",
				   url);
	if ((rc = load_rule(ctx, account, prefix, &rule, err)))
		return rc;
	if (rule) {
		json_decref(rule);
		return ecr_err_set(err, ECR_E_PULL_THROUGH_RULE_EXISTS,
				   "The pull through cache rule with Amazon ECR repository prefix '%s' already exists in the registry with id '%s'",
				   prefix, account);
	}
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT count(*) FROM pull_through_rule WHERE account = ? AND region = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	/* a count that cannot be read is an error: no rule is added past the limit on it */
	n = (rc = ecr_state_step(st, err)) > 0 ? sqlite3_column_int(st, 0) : 0;
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (n >= MAX_RULES)
		return ecr_err_set(err, ECR_E_LIMIT_EXCEEDED,
				   "The registry with id '%s' already has the maximum of %d pull through cache rules",
				   account, MAX_RULES);
	if (!(st = ecr_state_prepare(ctx->db,
		"INSERT INTO pull_through_rule(account, region, prefix, upstream, created_at) VALUES(?, ?, ?, ?, ?)", err)))
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, url, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 5, ecr_ctx_now(ctx));
	rc = ecr_state_step(st, err);
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	/* the response is the row as stored (createdAt as read back, as Describe shows it) */
	if ((rc = load_rule(ctx, account, prefix, out, err)))
		return rc;
	return *out ? 0 : not_found(prefix, account, err);
}

/* Whether prefixes (a JSON array, or NULL for all) holds p. */
static int wanted(json_t *prefixes, const char *p)
{
	size_t i;
	json_t *v;
	if (!prefixes)
		return 1;
	json_array_foreach(prefixes, i, v)
		if (!strcmp(json_string_value(v), p))
			return 1;
	return 0;
}

int op_describe_pull_through_cache_rules(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req), *tok = str(req, "nextToken");
	json_t *prefixes = json_object_get(req, "ecrRepositoryPrefixes"), *max = json_object_get(req, "maxResults");
	json_t *list = NULL, *rule = NULL;
	long long after = 0, limit = max ? json_integer_value(max) : DEFAULT_PAGE, n = 0, last = 0;
	char scope[64];
	size_t i;
	json_t *v;
	int rc = 0, more = 0;

	*out = NULL;
	/* a prefix named that has no rule is an error, as a repository named to
	 * DescribeRepositories that does not exist is */
	json_array_foreach(prefixes, i, v) {
		if ((rc = load_rule(ctx, account, json_string_value(v), &rule, err)))
			return rc;
		if (!rule)
			return not_found(json_string_value(v), account, err);
		json_decref(rule);
	}
	snprintf(scope, sizeof(scope), "%s/%s", account, ctx->region);
	if (tok && (rc = ecr_token_read(ctx, "DescribePullThroughCacheRules", scope, tok, &after, err)))
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT prefix, upstream, created_at, id FROM pull_through_rule"
		" WHERE account = ? AND region = ? AND id > ? ORDER BY id", err);
	if (!st)
		return ECR_E_STATE;
	if (!(list = json_array())) {
		ecr_state_done(st);
		return ecr_err_oom(err);
	}
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, after);
	/* the filter in C: a registry holds at most MAX_RULES rows */
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (!wanted(prefixes, (const char *)sqlite3_column_text(st, 0)))
			continue;
		if (n == limit) {
			more = 1;
			break;
		}
		if (json_array_append_new(list, rule_json(st, account))) {
			rc = ecr_err_oom(err);
			break;
		}
		last = sqlite3_column_int64(st, 3);
		n++;
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	if (!(*out = json_pack("{s:o}", "pullThroughCacheRules", list)))
		return ecr_err_oom(err);
	if (more && (rc = ecr_token_set(ctx, *out, "DescribePullThroughCacheRules", scope, last, err))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int op_delete_pull_through_cache_rule(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req), *prefix = str(req, "ecrRepositoryPrefix");
	int rc;
	/* the response is the rule deleted: read before the DELETE */
	if ((rc = load_rule(ctx, account, prefix, out, err)))
		return rc;
	if (!*out)
		return not_found(prefix, account, err);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"DELETE FROM pull_through_rule WHERE account = ? AND region = ? AND prefix = ?", err);
	if (!st)
		rc = ECR_E_STATE;
	else {
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
		rc = ecr_state_step(st, err);
		ecr_state_done(st);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}
