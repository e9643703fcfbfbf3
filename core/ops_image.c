/* Image operations: ListImages, DescribeImages, BatchGetImage, BatchDeleteImage,
 * PutImage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "lifecycle.h"
#include "manifest.h"
#include "onpush.h"
#include "replication.h"
#include "ops.h"
#include "scan.h"
#include "state.h"
#include "token.h"
#include "validate.h"

#define DEFAULT_PAGE 100

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Paging by offset over a stable order; the token carries the offset. */
static int page_start(struct ecr_ctx *ctx, const char *op, const struct ecr_repo *r, json_t *req,
		      long long *offset, long long *limit, char *scope, size_t n, struct ecr_err *err)
{
	const char *tok = str(req, "nextToken");
	json_t *max = json_object_get(req, "maxResults");
	json_t *filter = json_object_get(req, "filter");
	snprintf(scope, n, "%lld/%s", r->id, filter ? str(filter, "tagStatus") ? str(filter, "tagStatus") : "" : "");
	*limit = max ? json_integer_value(max) : DEFAULT_PAGE;
	*offset = 0;
	return tok ? ecr_token_read(ctx, op, scope, tok, offset, err) : 0;
}

static int page_end(struct ecr_ctx *ctx, const char *op, const char *scope, json_t *out,
		    long long next_offset, int more, struct ecr_err *err)
{
	return more ? ecr_token_set(ctx, out, op, scope, next_offset, err) : 0;
}

/* tagStatus filter as SQL over the image row "i". */
static const char *tag_filter(json_t *req)
{
	const char *s = str(json_object_get(req, "filter"), "tagStatus");
	if (s && !strcmp(s, "TAGGED"))
		return " AND EXISTS (SELECT 1 FROM image_tag t WHERE t.image_id = i.id)";
	if (s && !strcmp(s, "UNTAGGED"))
		return " AND NOT EXISTS (SELECT 1 FROM image_tag t WHERE t.image_id = i.id)";
	return "";
}

int op_list_images(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	long long offset, limit;
	char scope[128], sql[1024];
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = page_start(ctx, "ListImages", &r, req, &offset, &limit, scope, sizeof(scope), err)))
		return rc;
	/* one row per (image, tag); an untagged image is one row with no tag */
	snprintf(sql, sizeof(sql),
		 "SELECT i.digest, t.tag FROM image i LEFT JOIN image_tag t ON t.image_id = i.id"
		 " WHERE i.repo_id = ?%s ORDER BY i.id, t.rowid LIMIT ? OFFSET ?", tag_filter(req));
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r.id);
	sqlite3_bind_int64(st, 2, limit + 1);
	sqlite3_bind_int64(st, 3, offset);
	json_t *ids = json_array();
	long long n = 0;
	int more = 0;
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (n == limit) {
			more = 1;
			break;
		}
		json_array_append_new(ids, ecr_image_id_json((const char *)sqlite3_column_text(st, 0),
						    (const char *)sqlite3_column_text(st, 1)));
		n++;
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(ids);
		return rc;
	}
	*out = json_pack("{s:o}", "imageIds", ids);
	if ((rc = page_end(ctx, "ListImages", scope, *out, offset + n, more, err))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int op_describe_images(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	long long offset, limit;
	char scope[128], sql[1024];
	json_t *ids = json_object_get(req, "imageIds");
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	/* the model: maxResults and nextToken "cannot be used when you specify images with
	 * imageIds" (answered as DescribeRepositories and GetLifecyclePolicyPreview answer it) */
	if (ids && (json_object_get(req, "maxResults") || str(req, "nextToken")))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'maxResults' failed to satisfy constraint: 'maxResults and nextToken cannot be used with imageIds'");
	json_t *details = json_array();
	if (ids) {
		size_t i;
		json_t *id;
		json_array_foreach(ids, i, id) {
			struct ecr_image_ref ref;
			json_t *d;
			if ((rc = ecr_image_resolve(ctx, &r, id, &ref, err)) || (rc = ecr_image_detail(ctx, &r, ref.id, &d, err))) {
				json_decref(details);
				return rc;
			}
			json_array_append_new(details, d);
		}
		*out = json_pack("{s:o}", "imageDetails", details);
		return 0;
	}
	if ((rc = page_start(ctx, "DescribeImages", &r, req, &offset, &limit, scope, sizeof(scope), err))) {
		json_decref(details);
		return rc;
	}
	snprintf(sql, sizeof(sql), "SELECT i.id FROM image i WHERE i.repo_id = ?%s ORDER BY i.id LIMIT ? OFFSET ?",
		 tag_filter(req));
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
	if (!st) {
		json_decref(details);
		return ECR_E_STATE;
	}
	sqlite3_bind_int64(st, 1, r.id);
	sqlite3_bind_int64(st, 2, limit + 1);
	sqlite3_bind_int64(st, 3, offset);
	long long n = 0;
	int more = 0;
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (n == limit) {
			more = 1;
			break;
		}
		json_t *d;
		if ((rc = ecr_image_detail(ctx, &r, sqlite3_column_int64(st, 0), &d, err)))
			break;
		json_array_append_new(details, d);
		n++;
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(details);
		return rc;
	}
	*out = json_pack("{s:o}", "imageDetails", details);
	if ((rc = page_end(ctx, "DescribeImages", scope, *out, offset + n, more, err))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* An ImageFailure for id, or NULL when id is well-formed. */
static json_t *id_failure(json_t *id)
{
	const char *d = str(id, "imageDigest"), *t = str(id, "imageTag");
	if (!d && !t)
		return json_pack("{s:O, s:s, s:s}", "imageId", id, "failureCode", "MissingDigestAndTag",
				 "failureReason", "Invalid request parameters: both tag and digest cannot be null");
	if (d && !ecr_validate_digest_pattern(d))
		return json_pack("{s:O, s:s, s:s}", "imageId", id, "failureCode", "InvalidImageDigest",
				 "failureReason", "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'");
	return NULL;
}

static json_t *not_found(json_t *id)
{
	return json_pack("{s:O, s:s, s:s}", "imageId", id, "failureCode", "ImageNotFound",
			 "failureReason", "Requested image not found");
}

/* An ImageFailure for an image that an index of the repository still names. ECR keeps
 * an index's manifests while the index is there: BatchDeleteImage refuses the child by
 * digest, and by its last tag (aws/containers-roadmap#1567), with this code and reason.
 * The reason names the indexes, as ECR's does ("Requested image referenced by manifest
 * list: [sha256:…]", the user guide's OCI-signature deletion example), so a cleanup
 * script can delete them first; before, the reason stopped at "list". */
static json_t *referenced(json_t *id, const char *indexes)
{
	char reason[1200];
	snprintf(reason, sizeof(reason), "Requested image referenced by manifest list: [%s]", indexes);
	return json_pack("{s:O, s:s, s:s}", "imageId", id, "failureCode", "ImageReferencedByManifestList",
			 "failureReason", reason);
}

/* 1 when deleting ref (by digest, or by tag: when tag is its last one) would take an
 * image that another image of repository r, an index, names, with those indexes'
 * digests (", "-joined, as many as fit) in by; 0 when not; < 0 on error. */
static int index_keeps(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, const char *tag,
		       char *by, size_t by_n, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT DISTINCT m.manifest FROM manifest_ref m JOIN image i ON i.digest = m.manifest"
		" WHERE i.repo_id = ?1 AND m.digest = ?2 AND i.id <> ?3"
		" AND NOT EXISTS (SELECT 1 FROM image_tag t WHERE t.image_id = ?3 AND ?4 IS NOT NULL AND t.tag <> ?4)"
		" ORDER BY m.manifest", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, ref->digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ref->id);
	if (tag)
		sqlite3_bind_text(st, 4, tag, -1, SQLITE_STATIC);
	int rc, found = 0;
	by[0] = 0;
	while ((rc = ecr_state_step(st, err)) > 0) {
		const char *d = (const char *)sqlite3_column_text(st, 0);
		size_t used = strlen(by), dn = strlen(d);
		if (used + dn + 3 < by_n) {
			if (found)
				memcpy(by + used, ", ", 2), used += 2;
			memcpy(by + used, d, dn + 1);
		}
		found = 1;
	}
	ecr_state_done(st);
	return rc < 0 ? rc : found;
}

/* Runs sql with ?1 = a and ?2 = b (text, when not NULL) or t (when b is NULL and t >= 0). */
static int exec_id(struct ecr_ctx *ctx, const char *sql, long long a, const char *b, double t, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, a);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	else if (t >= 0)
		sqlite3_bind_double(st, 2, t);
	int rc = ecr_state_step(st, err);
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

/* By tag, ECR converts an image manifest the caller's acceptedMediaTypes lack into the
 * other format (OCI <-> Docker schema 2) when that is accepted: *out the new bytes (NULL
 * when there is no such form), *mt_out their type. < 0 on error only. */
static int convert_accepted(json_t *accepted, const char *body, size_t n, const char *mt, char **out, size_t *out_n,
			    const char **mt_out, struct ecr_err *err)
{
	char list[4096] = "";
	size_t k, used = 0;
	json_t *a;
	*out = NULL;
	json_array_foreach(accepted, k, a) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", used ? "," : "", json_string_value(a));
		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	const char *want = ecr_manifest_negotiate(mt, list);
	if (!want || !strcmp(want, mt))
		return 0;
	int rc = ecr_manifest_convert(body, n, want, out, out_n, err);
	if (rc == 0)
		*mt_out = want;
	return rc < 0 ? rc : 0;
}

int op_batch_get_image(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	size_t i;
	json_t *id;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	json_t *images = json_array(), *failures = json_array();
	json_t *accepted = json_object_get(req, "acceptedMediaTypes");
	json_array_foreach(json_object_get(req, "imageIds"), i, id) {
		struct ecr_image_ref ref;
		json_t *f = id_failure(id);
		if (f) {
			json_array_append_new(failures, f);
			continue;
		}
		if ((rc = ecr_image_resolve(ctx, &r, id, &ref, err)) == ECR_E_IMAGE_NOT_FOUND) {
			ecr_err_clear(err);
			rc = 0;
			json_array_append_new(failures, not_found(id));
			continue;
		}
		if (rc)
			break;
		sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT body, media_type FROM manifest WHERE digest = ?", err);
		if (!st) {
			rc = ECR_E_STATE;
			break;
		}
		sqlite3_bind_text(st, 1, ref.digest, -1, SQLITE_STATIC);
		if ((rc = ecr_state_step(st, err)) == 0)
			rc = ecr_err_set(err, ECR_E_STATE, "state database error: image '%s' has no manifest", ref.digest);
		if (rc > 0) {
			rc = 0;
			const char *mt = (const char *)sqlite3_column_text(st, 1);
			int ok = !accepted;
			size_t k;
			json_t *a;
			json_array_foreach(accepted, k, a)
				ok |= !strcmp(json_string_value(a), mt);
			const char *body = sqlite3_column_blob(st, 0), *serve_mt = mt;
			size_t blen = (size_t)sqlite3_column_bytes(st, 0);
			char *conv = NULL;
			if (!ok && ref.tag[0] && (rc = convert_accepted(accepted, body, blen, mt, &conv, &blen, &serve_mt, err)) < 0) {
				ecr_state_done(st);
				break;
			}
			if (conv) {
				body = conv;
				ok = 1;
			}
			rc = 0;
			if (!ok) {
				json_array_append_new(failures, json_pack("{s:O, s:s, s:s}", "imageId", id, "failureCode",
									  "UnsupportedImageType", "failureReason",
									  "The image's manifest media type is not in acceptedMediaTypes"));
			} else {
				json_array_append_new(images, json_pack("{s:s, s:s, s:o, s:s#, s:s}",
					"registryId", r.account, "repositoryName", r.name,
					"imageId", ecr_image_id_json(ref.digest, ref.tag),
					"imageManifest", body, blen, "imageManifestMediaType", serve_mt));
				free(conv);
				rc = exec_id(ctx, "UPDATE image SET last_pull = ?2 WHERE id = ?1", ref.id, NULL, ecr_ctx_now(ctx), err);
			}
		}
		ecr_state_done(st);
		if (rc)
			break;
	}
	if (rc) {
		json_decref(images);
		json_decref(failures);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "images", images, "failures", failures);
	return 0;
}


int op_batch_delete_image(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	size_t i;
	json_t *id;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	json_t *deleted = json_array(), *failures = json_array();
	json_array_foreach(json_object_get(req, "imageIds"), i, id) {
		struct ecr_image_ref ref;
		json_t *f = id_failure(id);
		if (f) {
			json_array_append_new(failures, f);
			continue;
		}
		if ((rc = ecr_image_resolve(ctx, &r, id, &ref, err)) == ECR_E_IMAGE_NOT_FOUND) {
			ecr_err_clear(err);
			rc = 0;
			json_array_append_new(failures, not_found(id));
			continue;
		}
		if (rc)
			break;
		const char *t = str(id, "imageTag");
		char by[1024];
		if ((rc = index_keeps(ctx, &r, &ref, t, by, sizeof(by), err)) < 0)
			break;
		if (rc) {
			rc = 0;
			json_array_append_new(failures, referenced(id, by));
			continue;
		}
		if (t) {
			/* by tag: the tag goes; the image goes with its last tag */
			if ((rc = exec_id(ctx, "DELETE FROM image_tag WHERE repo_id = ? AND tag = ?", r.id, t, -1, err)))
				break;
			json_array_append_new(deleted, ecr_image_id_json(ref.digest, t));
			rc = exec_id(ctx, "DELETE FROM image WHERE id = ? AND NOT EXISTS"
				     " (SELECT 1 FROM image_tag WHERE image_id = image.id)", ref.id, NULL, -1, err);
		} else {
			/* by digest: the image and every tag on it */
			sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT tag FROM image_tag WHERE image_id = ? ORDER BY rowid", err);
			if (!st) {
				rc = ECR_E_STATE;
				break;
			}
			sqlite3_bind_int64(st, 1, ref.id);
			int any = 0;
			while ((rc = ecr_state_step(st, err)) > 0) {
				json_array_append_new(deleted, ecr_image_id_json(ref.digest, (const char *)sqlite3_column_text(st, 0)));
				any = 1;
			}
			ecr_state_done(st);
			if (rc < 0)
				break;
			if (!any)
				json_array_append_new(deleted, ecr_image_id_json(ref.digest, NULL));
			rc = exec_id(ctx, "DELETE FROM image WHERE id = ?", ref.id, NULL, -1, err);
		}
		if (rc)
			break;
	}
	if (rc) {
		json_decref(deleted);
		json_decref(failures);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "imageIds", deleted, "failures", failures);
	return 0;
}

int op_put_image(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_image_ref ref;
	enum ecr_image_change ch;
	const char *body = str(req, "imageManifest"), *tag = str(req, "imageTag");
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	rc = ecr_image_put(ctx, &r, body, strlen(body), str(req, "imageManifestMediaType"), tag,
			   str(req, "imageDigest"), &ref, &ch, err);
	if (rc)
		return rc;
	if (ch == ECR_IMAGE_UNCHANGED)
		return ecr_err_set(err, ECR_E_IMAGE_ALREADY_EXISTS,
				   "Image with digest '%s' and tag '%s' already exists in the repository with name '%s' in registry with id '%s'",
				   ref.digest, tag ? tag : "null", r.name, r.account);
	json_t *img = json_pack("{s:s, s:s, s:o, s:s}", "registryId", r.account, "repositoryName", r.name,
				"imageId", ecr_image_id_json(ref.digest, tag), "imageManifest", body);
	const char *mt = str(req, "imageManifestMediaType");
	if (mt)
		json_object_set_new(img, "imageManifestMediaType", json_string(mt));
	/* the repository's lifecycle policy runs after each push (README "Policies"); then scan
	 * on push as every push does, inside this operation's transaction */
	int kept = ecr_lifecycle_after_push(ctx, &r, ref.id, err);
	if (kept < 0) {
		json_decref(img);
		return kept;
	}
	/* then the registry's replication, in this transaction too (README "Replication");
	 * the copies' scans after the commit, each in its destination's region */
	struct ecr_repl_copies *copies = NULL;
	if (kept && (rc = ecr_replication_after_push(ctx, &r, &ref, &copies, err))) {
		json_decref(img);
		return rc;
	}
	*out = json_pack("{s:o}", "image", img);
	if (kept)
		json_decref(ecr_onpush_scan(ctx, &r, &ref, 0));
	if ((rc = ecr_replication_scan_after_commit(ctx, copies, err))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
