/* Replication operations: PutReplicationConfiguration, DescribeRegistry (which answers
 * with the configuration) and DescribeImageReplicationStatus. The model has checked the
 * shapes (at most 10 rules, 1 to 25 destinations a rule, 1 to 100 filters, PREFIX_MATCH,
 * the filter, region and registry id patterns); here are ECR's rules across them. The
 * copy itself is core/replication.c, run by every push. */
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "ops.h"
#include "replication.h"
#include "state.h"

/* Across rules: each destination is another registry or region than this one (moto's
 * words, as ECR answers), and there are at most 25 unique ones (the user guide's
 * limit; the words are ecrlite's). */
static int check_rules(struct ecr_ctx *ctx, json_t *rules, struct ecr_err *err)
{
	json_t *rule, *d;
	size_t i, j;
	char seen[ECR_REPL_MAX_DESTINATIONS][48];
	int n = 0;
	json_array_foreach(rules, i, rule) {
		json_array_foreach(json_object_get(rule, "destinations"), j, d) {
			const char *reg = json_string_value(json_object_get(d, "region"));
			const char *acc = json_string_value(json_object_get(d, "registryId"));
			char key[48];
			int dup = 0;
			if (!strcmp(reg, ctx->region) && !strcmp(acc, ctx->account))
				return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
						   "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: 'Replication destination cannot be the same as the source registry'");
			snprintf(key, sizeof(key), "%s/%s", acc, reg);
			for (int k = 0; k < n && !dup; k++)
				dup = !strcmp(seen[k], key);
			if (dup)
				continue;
			if (n == ECR_REPL_MAX_DESTINATIONS)
				return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
						   "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: 'A replication configuration can have at most %d unique destinations across all rules'",
						   ECR_REPL_MAX_DESTINATIONS);
			memcpy(seen[n++], key, sizeof(key));
		}
	}
	return 0;
}

int op_put_replication_configuration(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	json_t *cfg = json_object_get(req, "replicationConfiguration"), *rules = json_object_get(cfg, "rules");
	char *text = NULL;
	int rc;
	/* no registryId in the request: a registry configures its own replication */
	if ((rc = check_rules(ctx, rules, err)))
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, json_array_size(rules)
		? "INSERT INTO replication_config(account, region, rules) VALUES(?1, ?2, ?3)"
		  " ON CONFLICT(account, region) DO UPDATE SET rules = excluded.rules"
		: "DELETE FROM replication_config WHERE account = ?1 AND region = ?2", err);
	if (!st)
		return ECR_E_STATE;
	if (json_array_size(rules) && !(text = json_dumps(rules, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		ecr_state_done(st);
		return ecr_err_oom(err);
	}
	sqlite3_bind_text(st, 1, ctx->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	rc = ecr_state_step(st, err);
	ecr_state_done(st);
	free(text);
	if (rc < 0)
		return rc;
	/* the configuration as put, an empty one too (it cleared the registry's) */
	if (!(*out = json_pack("{s:O}", "replicationConfiguration", cfg)))
		return ecr_err_oom(err);
	return 0;
}

int op_describe_registry(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req);
	json_t *rules = NULL;
	int rc = ecr_replication_rules(ctx, account, &rules, err);
	if (rc)
		return rc;
	if (!(*out = json_pack("{s:s, s:{s:o}}", "registryId", account, "replicationConfiguration", "rules", rules)))
		return ecr_err_oom(err);
	return 0;
}

int op_describe_image_replication_status(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_image_ref ref;
	json_t *id = json_object_get(req, "imageId"), *list = NULL;
	int rc;
	if ((rc = ecr_repo_load(ctx, req, &r, err)) || (rc = ecr_image_resolve(ctx, &r, id, &ref, err)))
		return rc;
	/* what each push of this image after the configuration did, per destination; none
	 * for an image pushed before it (ECR replicates only what is pushed after) */
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT region, registry_id, status, failure_code FROM image_replication WHERE image_id = ? ORDER BY rowid", err);
	if (!st)
		return ECR_E_STATE;
	if (!(list = json_array())) {
		ecr_state_done(st);
		return ecr_err_oom(err);
	}
	sqlite3_bind_int64(st, 1, ref.id);
	while ((rc = ecr_state_step(st, err)) > 0) {
		json_t *s = json_pack("{s:s, s:s, s:s}", "region", sqlite3_column_text(st, 0), "registryId",
				      sqlite3_column_text(st, 1), "status", sqlite3_column_text(st, 2));
		if (s && sqlite3_column_type(st, 3) != SQLITE_NULL)
			json_object_set_new(s, "failureCode", json_string((const char *)sqlite3_column_text(st, 3)));
		if (!s || json_array_append_new(list, s)) {
			rc = ecr_err_oom(err);
			break;
		}
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	const char *tag = json_string_value(json_object_get(id, "imageTag"));
	if (!(*out = json_pack("{s:s, s:o, s:o}", "repositoryName", r.name, "imageId", ecr_image_id_json(ref.digest, tag),
			       "replicationStatuses", list)))
		return ecr_err_oom(err);
	return 0;
}
