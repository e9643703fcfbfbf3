/* Repository operations: CreateRepository, DescribeRepositories, DeleteRepository,
 * PutImageScanningConfiguration, PutImageTagMutability, tags, DescribeRegistry. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "repo.h"
#include "state.h"
#include "str.h"
#include "token.h"

#define MAX_TAGS 50        /* ECR's limit on tags per resource */
#define DEFAULT_PAGE 100   /* a page when maxResults is absent */

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Adds or replaces tags [{Key, Value}] on repository id. */
static int put_tags(struct ecr_ctx *ctx, long long id, json_t *tags, struct ecr_err *err)
{
	size_t i;
	json_t *t;
	int rc = 0;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT INTO repository_tag(repo_id, key, value) VALUES(?, ?, ?)"
		" ON CONFLICT(repo_id, key) DO UPDATE SET value = excluded.value", err);
	if (!st)
		return ECR_E_STATE;
	json_array_foreach(tags, i, t) {
		const char *k = str(t, "Key"), *v = str(t, "Value");
		/* lengths in characters, as AWS counts a tag's (1-128 and 0-256 Unicode characters) */
		if (!k || !*k || ecr_str_chars(k, strlen(k)) > 128 || !strncmp(k, "aws:", 4)) {
			rc = ecr_err_set(err, ECR_E_INVALID_TAG_PARAMETER, "Invalid parameter at 'tags' failed to satisfy constraint: 'Tag key must be 1-128 characters and must not start with aws:'");
			break;
		}
		if (!v || ecr_str_chars(v, strlen(v)) > 256) {
			rc = ecr_err_set(err, ECR_E_INVALID_TAG_PARAMETER, "Invalid parameter at 'tags' failed to satisfy constraint: 'Tag value must be 0-256 characters'");
			break;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, k, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, v, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = ecr_state_fail(ctx->db, err);
			break;
		}
	}
	ecr_state_done(st);
	if (rc)
		return rc;
	st = ecr_state_prepare(ctx->db, "SELECT count(*) FROM repository_tag WHERE repo_id = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = ecr_state_step(st, err)) > 0)
		rc = 0;
	if (!rc && sqlite3_column_int(st, 0) > MAX_TAGS)
		rc = ecr_err_set(err, ECR_E_TOO_MANY_TAGS, "The repository can have at most %d tags", MAX_TAGS);
	ecr_state_done(st);
	return rc;
}

int op_create_repository(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req), *name = str(req, "repositoryName");
	const char *mut = str(req, "imageTagMutability");
	json_t *scan = json_object_get(req, "imageScanningConfiguration");
	json_t *enc = json_object_get(req, "encryptionConfiguration");
	const char *etype = enc ? str(enc, "encryptionType") : "AES256";
	const char *kms = enc ? str(enc, "kmsKey") : NULL;
	struct ecr_repo r;
	int rc;

	if (kms && strcmp(etype, "KMS"))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "Invalid parameter at 'encryptionConfiguration' failed to satisfy constraint: 'KMS key can only be specified for KMS encryption type'");
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT INTO repository(account, region, name, created_at, tag_mutability, scan_on_push,"
		" encryption_type, kms_key) VALUES(?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, ecr_ctx_now(ctx));
	sqlite3_bind_text(st, 5, mut ? mut : "MUTABLE", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, json_is_true(json_object_get(scan, "scanOnPush")));
	sqlite3_bind_text(st, 7, etype, -1, SQLITE_STATIC);
	if (kms)
		sqlite3_bind_text(st, 8, kms, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	ecr_state_done(st);
	if (rc == SQLITE_CONSTRAINT)
		return ecr_err_set(err, ECR_E_REPOSITORY_ALREADY_EXISTS,
				   "The repository with name '%s' already exists in the registry with id '%s'", name, account);
	if (rc != SQLITE_DONE)
		return ecr_state_fail(ctx->db, err);
	if ((rc = ecr_repo_load_name(ctx, account, name, &r, err)))
		return rc;
	if (json_object_get(req, "tags") && (rc = put_tags(ctx, r.id, json_object_get(req, "tags"), err)))
		return rc;
	*out = json_pack("{s:o}", "repository", ecr_repo_json(ctx, &r));
	return 0;
}

int op_describe_repositories(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req), *tok = str(req, "nextToken");
	json_t *names = json_object_get(req, "repositoryNames");
	json_t *max = json_object_get(req, "maxResults");
	json_t *list = json_array();
	long long after = 0, limit = max ? json_integer_value(max) : DEFAULT_PAGE;
	char scope[64];
	struct ecr_repo r;
	int rc = 0;

	*out = NULL;
	if (names && (max || tok)) {
		json_decref(list);
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'maxResults' failed to satisfy constraint: 'maxResults and nextToken cannot be used with repositoryNames'");
	}
	if (names) {
		size_t i;
		json_t *n;
		json_array_foreach(names, i, n) {
			if ((rc = ecr_repo_load_name(ctx, account, json_string_value(n), &r, err))) {
				json_decref(list);
				return rc;
			}
			json_array_append_new(list, ecr_repo_json(ctx, &r));
		}
		*out = json_pack("{s:o}", "repositories", list);
		return 0;
	}
	snprintf(scope, sizeof(scope), "%s/%s", account, ctx->region);
	if (tok && (rc = ecr_token_read(ctx, "DescribeRepositories", scope, tok, &after, err))) {
		json_decref(list);
		return rc;
	}
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT " ECR_REPO_COLUMNS " FROM repository WHERE account = ? AND region = ? AND id > ?"
		" ORDER BY id LIMIT ?", err);
	if (!st) {
		json_decref(list);
		return ECR_E_STATE;
	}
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int64(st, 4, limit + 1);
	long long n = 0, last = 0;
	int more = 0;
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (n == limit) {
			more = 1;
			break;
		}
		ecr_repo_from_row(st, &r);
		json_array_append_new(list, ecr_repo_json(ctx, &r));
		last = r.id;
		n++;
	}
	rc = rc < 0 ? rc : 0;
	ecr_state_done(st);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "repositories", list);
	if (more && (rc = ecr_token_set(ctx, *out, "DescribeRepositories", scope, last, err))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int op_delete_repository(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT count(*) FROM image WHERE repo_id = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r.id);
	/* a count that cannot be read is an error: a non-empty repository is never deleted on it */
	int images = (rc = ecr_state_step(st, err)) > 0 ? sqlite3_column_int(st, 0) : 0;
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (images && !json_is_true(json_object_get(req, "force")))
		return ecr_err_set(err, ECR_E_REPOSITORY_NOT_EMPTY,
				   "The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images",
				   r.name, r.account);
	*out = json_pack("{s:o}", "repository", ecr_repo_json(ctx, &r));
	/* Children go by ON DELETE CASCADE; blobs stay for other repositories. */
	st = ecr_state_prepare(ctx->db, "DELETE FROM repository WHERE id = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r.id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	return rc;
}

/* UPDATE repository SET <column> = value WHERE id = r->id. */
static int set_column(struct ecr_ctx *ctx, long long id, const char *sql, const char *text, int num,
		      struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
	if (!st)
		return ECR_E_STATE;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(st, 1, num);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	return rc;
}

int op_put_image_scanning_configuration(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	int on = json_is_true(json_object_get(json_object_get(req, "imageScanningConfiguration"), "scanOnPush"));
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = set_column(ctx, r.id, "UPDATE repository SET scan_on_push = ? WHERE id = ?", NULL, on, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:{s:b}}", "registryId", r.account, "repositoryName", r.name,
			 "imageScanningConfiguration", "scanOnPush", on);
	return 0;
}

int op_put_image_tag_mutability(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	const char *m = str(req, "imageTagMutability");
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = set_column(ctx, r.id, "UPDATE repository SET tag_mutability = ? WHERE id = ?", m, 0, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s}", "registryId", r.account, "repositoryName", r.name,
			 "imageTagMutability", m);
	return 0;
}

/* Finds the repository an ARN names (in this context's region). */
static int repo_by_arn(struct ecr_ctx *ctx, const char *arn, struct ecr_repo *r, struct ecr_err *err)
{
	char region[64], account[32];
	int at = -1;
	/* the name is all the rest: "repository/web junk" names 'web junk', never 'web' */
	if (sscanf(arn, "arn:aws:ecr:%63[^:]:%31[^:]:repository/%n", region, account, &at) != 2 || at < 0 || !arn[at] ||
	    strlen(arn + at) > 256)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'");
	const char *name = arn + at;
	if (strcmp(region, ctx->region))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "Invalid parameter at 'resourceArn' failed to satisfy constraint: 'ARN region %s does not match request region %s'", region, ctx->region);
	return ecr_repo_load_name(ctx, account, name, r, err);
}

int op_tag_resource(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	int rc = repo_by_arn(ctx, str(req, "resourceArn"), &r, err);
	if (rc || (rc = put_tags(ctx, r.id, json_object_get(req, "tags"), err)))
		return rc;
	*out = json_object();
	return 0;
}

int op_untag_resource(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	size_t i;
	json_t *k;
	int rc = repo_by_arn(ctx, str(req, "resourceArn"), &r, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "DELETE FROM repository_tag WHERE repo_id = ? AND key = ?", err);
	if (!st)
		return ECR_E_STATE;
	json_array_foreach(json_object_get(req, "tagKeys"), i, k) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, r.id);
		sqlite3_bind_text(st, 2, json_string_value(k), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = ecr_state_fail(ctx->db, err);
			break;
		}
	}
	ecr_state_done(st);
	if (!rc)
		*out = json_object();
	return rc;
}

int op_list_tags_for_resource(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	int rc = repo_by_arn(ctx, str(req, "resourceArn"), &r, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT key, value FROM repository_tag WHERE repo_id = ? ORDER BY key", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r.id);
	json_t *tags = json_array();
	while ((rc = ecr_state_step(st, err)) > 0)
		json_array_append_new(tags, json_pack("{s:s, s:s}", "Key", sqlite3_column_text(st, 0),
						      "Value", sqlite3_column_text(st, 1)));
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(tags);
		return rc;
	}
	*out = json_pack("{s:o}", "tags", tags);
	return 0;
}
