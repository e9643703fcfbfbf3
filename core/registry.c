/* The OCI Distribution API's core side (registry.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "image.h"
#include "manifest.h"
#include "lifecycle.h"
#include "onpush.h"
#include "replication.h"
#include "registry.h"
#include "state.h"

/* ECR refreshes lastRecordedPullTime "at least once every 24 hours"; we write it at
 * most once a minute per image, so that a burst of pulls is not a burst of writes. */
#define PULL_RECORD_SECONDS 60

static int end(struct ecr_ctx *ctx, int rc, struct ecr_err *err)
{
	if (!rc && (rc = ecr_state_commit(ctx->db, err)) == 0)
		return 0;
	ecr_state_rollback(ctx->db);
	return rc;
}

int ecr_registry_repo(struct ecr_ctx *ctx, const char *account, const char *name, struct ecr_repo *r,
		      struct ecr_err *err)
{
	return ecr_repo_load_name(ctx, account, name, r, err);
}

int ecr_registry_blob(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *digest, long long *size,
		      char *path, size_t pathn, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT b.size FROM repo_blob rb JOIN blob b ON b.digest = rb.digest WHERE rb.repo_id = ? AND rb.digest = ?", err);
	int found = 0;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	if ((found = ecr_state_step(st, err)) > 0)
		*size = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	if (found < 0)
		return found;
	if (!found)
		return ecr_err_set(err, ECR_E_LAYERS_NOT_FOUND, "blob %s is not in the repository with name '%s'", digest, r->name);
	ecr_blob_path(ctx, digest, path, pathn);
	return 0;
}

int ecr_registry_mount(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *from, const char *digest,
		       struct ecr_err *err)
{
	struct ecr_repo src;
	long long size;
	char path[4096];
	int rc = ecr_state_begin(ctx->db, 1, err);
	if (rc)
		return rc;
	if (!(rc = ecr_repo_load_name(ctx, r->account, from, &src, err)) &&
	    !(rc = ecr_registry_blob(ctx, &src, digest, &size, path, sizeof(path), err)))
		rc = ecr_image_link_blob(ctx, r->id, digest, err);
	return end(ctx, rc, err);
}

int ecr_registry_upload_start(struct ecr_ctx *ctx, const struct ecr_repo *r, char id[ECR_UPLOAD_ID_LEN + 1],
			      struct ecr_err *err)
{
	int rc = ecr_state_begin(ctx->db, 1, err);
	if (rc)
		return rc;
	return end(ctx, ecr_upload_create(ctx, r, id, err), err);
}

void ecr_registry_manifest_release(struct ecr_registry_manifest *m)
{
	free(m->body);
	m->body = NULL;
	m->len = 0;
}

static int is_digest_ref(const char *ref)
{
	return strchr(ref, ':') != NULL;
}

/* By tag, ECR's conversion for a client that does not take the stored format (OCI
 * image manifest <-> Docker schema 2); out is left as stored when there is none to make. */
static int convert_for(const char *accept, struct ecr_registry_manifest *out, struct ecr_err *err)
{
	const char *want = ecr_manifest_negotiate(out->media_type, accept);
	char *body;
	size_t n;
	if (!want || !strcmp(want, out->media_type))
		return 0;
	int rc = ecr_manifest_convert(out->body, out->len, want, &body, &n, err);
	if (rc)
		return rc < 0 ? rc : 0;
	free(out->body);
	out->body = body;
	out->len = n;
	snprintf(out->media_type, sizeof(out->media_type), "%s", want);
	ecr_sha256_buf(body, n, out->digest);
	return 0;
}

int ecr_registry_manifest_get(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *reference, const char *accept,
			      int record_pull, struct ecr_registry_manifest *out, struct ecr_err *err)
{
	int by_digest = is_digest_ref(reference), rc = 0, stale = 0;
	long long image_id = 0;
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, by_digest
		? "SELECT m.body, m.media_type, m.digest, i.id, coalesce(i.last_pull, 0) FROM image i"
		  " JOIN manifest m ON m.digest = i.digest WHERE i.repo_id = ? AND i.digest = ?"
		: "SELECT m.body, m.media_type, m.digest, i.id, coalesce(i.last_pull, 0) FROM image_tag t"
		  " JOIN image i ON i.id = t.image_id JOIN manifest m ON m.digest = i.digest WHERE t.repo_id = ? AND t.tag = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, reference, -1, SQLITE_STATIC);
	int found = ecr_state_step(st, err);
	if (found > 0) {
		out->len = (size_t)sqlite3_column_bytes(st, 0);
		out->body = malloc(out->len + 1);
		if (out->body) {
			memcpy(out->body, sqlite3_column_blob(st, 0), out->len);
			out->body[out->len] = '\0';
		}
		snprintf(out->media_type, sizeof(out->media_type), "%s", sqlite3_column_text(st, 1));
		snprintf(out->digest, sizeof(out->digest), "%s", sqlite3_column_text(st, 2));
		image_id = sqlite3_column_int64(st, 3);
		stale = sqlite3_column_double(st, 4) < ecr_ctx_now(ctx) - PULL_RECORD_SECONDS;
	}
	ecr_state_done(st);
	if (found < 0)
		return found;
	if (!image_id)
		return ecr_err_set(err, ECR_E_IMAGE_NOT_FOUND,
				   "The image with imageId {%s:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
				   by_digest ? "imageDigest" : "imageTag", reference, r->name, r->account);
	ECR_CHECK_ALLOC(out->body, err);
	if (!by_digest && (rc = convert_for(accept, out, err))) {
		ecr_registry_manifest_release(out);
		return rc;
	}
	if (record_pull && stale && !ecr_state_begin(ctx->db, 1, NULL)) {
		st = ecr_state_prepare(ctx->db, "UPDATE image SET last_pull = ? WHERE id = ?", NULL);
		if (st) {
			sqlite3_bind_double(st, 1, ecr_ctx_now(ctx));
			sqlite3_bind_int64(st, 2, image_id);
			sqlite3_step(st);
			ecr_state_done(st);
		}
		/* a pull that cannot record its time is still a pull */
		end(ctx, 0, NULL);
	}
	return rc;
}

/* 1 when the client's Content-Type and the body's own mediaType are both manifest types
 * and differ: one of them is wrong, and storing it would serve the body under a type
 * that is not its own. The image spec makes mediaType the manifest's type, and the
 * distribution spec has the client send it as Content-Type; distribution refuses it
 * (MANIFEST_INVALID) as well. A Content-Type that is not a manifest type (none,
 * application/json, octet-stream) says nothing and is left to the body. */
static int ctype_conflicts(const char *body, size_t n, const char *mt)
{
	if (!mt || !ecr_manifest_type_known(mt))
		return 0;
	json_t *j = json_loadb(body, n, 0, NULL);
	const char *own = json_string_value(json_object_get(j, "mediaType"));
	int bad = own && ecr_manifest_type_known(own) && strcmp(own, mt);
	json_decref(j);
	return bad;
}

int ecr_registry_manifest_put(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *reference, const char *body,
			      size_t n, const char *ctype, char digest_out[ECR_DIGEST_LEN + 1],
			      char subject_out[ECR_DIGEST_LEN + 1], struct ecr_err *err)
{
	struct ecr_image_ref ref;
	enum ecr_image_change ch = ECR_IMAGE_UNCHANGED;
	int by_digest = is_digest_ref(reference);
	char *mt = NULL;
	subject_out[0] = '\0';
	digest_out[0] = '\0';
	if (by_digest && !ecr_digest_valid(reference))
		return ecr_err_set(err, ECR_E_IMAGE_DIGEST_MISMATCH, "Invalid image digest '%.80s'", reference);
	/* without parameters: "application/…+json; charset=utf-8"; whole, however long (a
	 * cut one could be a type we accept) */
	if (ctype && !(mt = strndup(ctype, strcspn(ctype, " ;"))))
		return ecr_err_oom(err);
	if (ctype_conflicts(body, n, mt)) {
		ecr_err_set(err, ECR_E_INVALID_PARAMETER,
			    "Invalid parameter at 'imageManifestMediaType': the manifest's mediaType does not match the Content-Type '%.200s'",
			    mt);
		free(mt);
		return err->code;
	}
	int rc = ecr_state_begin(ctx->db, 1, err);
	if (rc) {
		free(mt);
		return rc;
	}
	rc = ecr_image_put(ctx, r, body, n, mt && *mt ? mt : NULL, by_digest ? NULL : reference,
			   by_digest ? reference : NULL, &ref, &ch, err);
	free(mt);
	if (!rc) {
		sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT subject FROM manifest_subject WHERE manifest = ?", err);
		if (!st)
			rc = ECR_E_STATE;
		else {
			sqlite3_bind_text(st, 1, ref.digest, -1, SQLITE_STATIC);
			if ((rc = ecr_state_step(st, err)) > 0)
				snprintf(subject_out, ECR_DIGEST_LEN + 1, "%s", sqlite3_column_text(st, 0));
			rc = rc < 0 ? rc : 0;
			ecr_state_done(st);
		}
	}
	/* the repository's lifecycle policy runs after each push, in its transaction */
	int kept = 1;
	if (!rc && ch != ECR_IMAGE_UNCHANGED && (kept = ecr_lifecycle_after_push(ctx, r, ref.id, err)) < 0)
		rc = kept;
	/* then the registry's replication, in the same transaction (README "Replication") */
	struct ecr_repl_copies *copies = NULL;
	if (!rc && ch != ECR_IMAGE_UNCHANGED && kept)
		rc = ecr_replication_after_push(ctx, r, &ref, &copies, err);
	if ((rc = end(ctx, rc, err))) {
		free(copies);
		return rc;
	}
	snprintf(digest_out, ECR_DIGEST_LEN + 1, "%s", ref.digest);
	/* a new image or a tag moved onto one: scan on push, as `ecrlite push` does */
	if (ch != ECR_IMAGE_UNCHANGED && kept)
		json_decref(ecr_onpush_scan(ctx, r, &ref, 1));
	ecr_replication_scan(ctx, copies, 1);
	free(copies);
	return 0;
}

int ecr_registry_manifest_delete(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *reference,
				 int *referenced, struct ecr_err *err)
{
	json_t *resp = NULL;
	json_t *req = json_pack("{s:s, s:s, s:[{s:s}]}", "registryId", r->account, "repositoryName", r->name, "imageIds",
				is_digest_ref(reference) ? "imageDigest" : "imageTag", reference);
	*referenced = 0;
	int rc = ecr_call(ctx, "BatchDeleteImage", req, &resp, err);
	json_decref(req);
	if (rc)
		return rc;
	json_t *f = json_array_get(json_object_get(resp, "failures"), 0);
	if (f) {
		const char *code = json_string_value(json_object_get(f, "failureCode"));
		*referenced = code && !strcmp(code, "ImageReferencedByManifestList");
		rc = ecr_err_set(err, code && !strcmp(code, "ImageNotFound") ? ECR_E_IMAGE_NOT_FOUND : ECR_E_INVALID_PARAMETER,
				 "%s", json_string_value(json_object_get(f, "failureReason")));
	}
	json_decref(resp);
	return rc;
}

int ecr_registry_tags(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *last, long long n,
		      json_t **tags_out, int *more, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT tag FROM image_tag WHERE repo_id = ? AND tag > ? ORDER BY tag LIMIT ?", err);
	*tags_out = NULL;
	*more = 0;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, last ? last : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, n < 0 ? -1 : n + 1);
	json_t *tags = json_array();
	int rc;
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (n >= 0 && (long long)json_array_size(tags) == n) {
			*more = 1;
			break;
		}
		json_array_append_new(tags, json_string((const char *)sqlite3_column_text(st, 0)));
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(tags);
		*more = 0;
		return rc;
	}
	*tags_out = tags;
	return 0;
}

int ecr_registry_referrers(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *digest,
			   const char *artifact_type, json_t **out, struct ecr_err *err)
{
	json_t *mans = json_array();
	int rc = 0;
	*out = NULL;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT m.digest, m.media_type, length(m.body), coalesce(s.artifact_type, m.artifact_media_type), m.body"
		" FROM manifest_subject s JOIN manifest m ON m.digest = s.manifest"
		" JOIN image i ON i.digest = s.manifest AND i.repo_id = ? WHERE s.subject = ? ORDER BY i.pushed_at, m.digest", err);
	if (!st)
		rc = ECR_E_STATE;
	else {
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
		while ((rc = ecr_state_step(st, err)) > 0) {
			const char *at = (const char *)sqlite3_column_text(st, 3);
			if (artifact_type && (!at || strcmp(at, artifact_type)))
				continue;
			json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", sqlite3_column_text(st, 1), "digest",
					      sqlite3_column_text(st, 0), "size", (json_int_t)sqlite3_column_int64(st, 2));
			if (at)
				json_object_set_new(d, "artifactType", json_string(at));
			json_t *body = json_loadb(sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4), 0, NULL);
			json_t *ann = json_object_get(body, "annotations");
			if (json_is_object(ann))
				json_object_set(d, "annotations", ann);
			json_decref(body);
			json_array_append_new(mans, d);
		}
		ecr_state_done(st);
	}
	if (rc < 0) {
		json_decref(mans);
		return rc;
	}
	*out = json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType", ECR_MT_OCI_INDEX, "manifests", mans);
	ECR_CHECK_ALLOC(*out, err);
	return 0;
}

int ecr_registry_catalog(struct ecr_ctx *ctx, const char *account, const char *last, long long n,
			 json_t **names_out, int *more, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT name FROM repository WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?", err);
	int rc;
	*more = 0;
	*names_out = NULL;
	if (!st)
		return ECR_E_STATE;
	json_t *names = json_array();
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, last ? last : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, n < 0 ? -1 : n + 1);
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (n >= 0 && (long long)json_array_size(names) == n) {
			*more = 1;
			break;
		}
		json_array_append_new(names, json_string((const char *)sqlite3_column_text(st, 0)));
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(names);
		*more = 0;
		return rc;
	}
	*names_out = names;
	return 0;
}
