#include <stdio.h>
#include <string.h>

#include "image.h"
#include "manifest.h"
#include "scanstate.h"
#include "state.h"
#include "str.h"
#include "validate.h"

json_t *ecr_image_id_json(const char *digest, const char *tag)
{
	json_t *id = json_pack("{s:s}", "imageDigest", digest);
	if (id && tag && *tag)
		json_object_set_new(id, "imageTag", json_string(tag));
	return id;
}

void ecr_image_id_text(json_t *id, char *out, size_t n)
{
	const char *d = json_string_value(json_object_get(id, "imageDigest"));
	const char *t = json_string_value(json_object_get(id, "imageTag"));
	snprintf(out, n, "{imageDigest:'%s', imageTag:'%s'}", d ? d : "null", t ? t : "null");
}

/* A blob this repository may use: uploaded, pushed or mounted into it (a blob of
 * another repository is not, as in a registry: repositories do not leak). */
static int blob_known(struct ecr_ctx *ctx, long long repo_id, const char *digest, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT 1 FROM repo_blob rb JOIN blob b ON b.digest = rb.digest WHERE rb.repo_id = ? AND rb.digest = ?", err);
	int ok;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, repo_id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	ok = ecr_state_step(st, err); /* 1 known, 0 not, < 0 the state failed */
	ecr_state_done(st);
	return ok;
}

/* A manifest this repository holds as an image (what an index may name); *size
 * becomes the larger of itself and that image's size: ECR's imageSizeInBytes of a
 * manifest list is "the max size of all manifests in the list" (ImageDetail), not
 * their sum, which counted a layer the platforms share once per platform. */
static int image_known(struct ecr_ctx *ctx, long long repo_id, const char *digest, long long *size,
		       struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT m.image_size FROM image i JOIN manifest m ON m.digest = i.digest WHERE i.repo_id = ? AND i.digest = ?", err);
	int ok;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, repo_id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	ok = ecr_state_step(st, err); /* 1 known, 0 not, < 0 the state failed */
	if (ok > 0 && size && sqlite3_column_int64(st, 0) > *size)
		*size = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	return ok;
}

long long ecr_image_size(struct ecr_ctx *ctx, const char *digest)
{
	struct ecr_err err = {0};
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT image_size FROM manifest WHERE digest = ?", &err);
	long long size = -1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	if (ecr_state_step(st, &err) > 0)
		size = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	return size;
}

static int step_done(struct ecr_ctx *ctx, sqlite3_stmt *st, struct ecr_err *err)
{
	int rc = sqlite3_step(st);
	rc = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	return rc;
}

static int store_manifest(struct ecr_ctx *ctx, const char *digest, const char *bytes, size_t n,
			  const struct ecr_manifest *m, long long image_size, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT OR IGNORE INTO manifest(digest, media_type, artifact_media_type, config_digest,"
		" image_size, body) VALUES(?, ?, ?, ?, ?, ?)", err);
	int rc;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m->media_type, -1, SQLITE_STATIC);
	if (m->is_index) {
		sqlite3_bind_null(st, 3);
		sqlite3_bind_null(st, 4);
	} else {
		sqlite3_bind_text(st, 3, m->config.media_type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, m->config.digest, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 5, image_size);
	sqlite3_bind_blob(st, 6, bytes, (int)n, SQLITE_STATIC);
	if ((rc = step_done(ctx, st, err)))
		return rc;
	if (!sqlite3_changes(ctx->db))
		return 0; /* known manifest: its layers are stored already */
	for (int i = 0; i < m->nlayers; i++) {
		st = ecr_state_prepare(ctx->db,
			"INSERT INTO manifest_layer(manifest, idx, digest, media_type, size) VALUES(?, ?, ?, ?, ?)", err);
		if (!st)
			return ECR_E_STATE;
		sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_text(st, 3, m->layers[i].digest, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, m->layers[i].media_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, m->layers[i].size);
		if ((rc = step_done(ctx, st, err)))
			return rc;
	}
	for (int i = 0; i < m->nrefs; i++) {
		st = ecr_state_prepare(ctx->db,
			"INSERT INTO manifest_ref(manifest, idx, digest, media_type, size, platform) VALUES(?, ?, ?, ?, ?, ?)", err);
		if (!st)
			return ECR_E_STATE;
		sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_text(st, 3, m->refs[i].d.digest, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, m->refs[i].d.media_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, m->refs[i].d.size);
		sqlite3_bind_text(st, 6, m->refs[i].platform, -1, SQLITE_STATIC);
		if ((rc = step_done(ctx, st, err)))
			return rc;
	}
	if (m->subject[0]) {
		st = ecr_state_prepare(ctx->db,
			"INSERT OR IGNORE INTO manifest_subject(manifest, subject, artifact_type) VALUES(?, ?, ?)", err);
		if (!st)
			return ECR_E_STATE;
		sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, m->subject, -1, SQLITE_STATIC);
		if (m->artifact_type[0])
			sqlite3_bind_text(st, 3, m->artifact_type, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 3);
		if ((rc = step_done(ctx, st, err)))
			return rc;
	}
	return 0;
}

/* The repository may serve the blobs its images name (a registry GET of any of them). */
/* Whether the store holds blob digest at all (1, 0, or < 0 when the state fails). */
static int blob_stored(struct ecr_ctx *ctx, const char *digest, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT 1 FROM blob WHERE digest = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	int ok = ecr_state_step(st, err);
	ecr_state_done(st);
	return ok;
}

static int link_blobs(struct ecr_ctx *ctx, long long repo_id, const struct ecr_manifest *m, struct ecr_err *err)
{
	for (int i = -1; i < m->nlayers; i++) {
		const char *d = i < 0 ? m->config.digest : m->layers[i].digest;
		if (!*d)
			continue;
		/* an external layer the store does not hold is the client's to fetch */
		int held = i < 0 || !m->layers[i].has_urls || !ecr_manifest_layer_external(m->layers[i].media_type)
				   ? 1
				   : blob_stored(ctx, d, err);
		if (held <= 0) {
			if (held < 0)
				return held;
			continue;
		}
		int rc = ecr_image_link_blob(ctx, repo_id, d, err);
		if (rc)
			return rc;
	}
	return 0;
}

int ecr_image_link_blob(struct ecr_ctx *ctx, long long repo_id, const char *digest, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "INSERT OR IGNORE INTO repo_blob(repo_id, digest) VALUES(?, ?)", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, repo_id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	return step_done(ctx, st, err);
}

int ecr_image_put(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *bytes, size_t n,
		  const char *hint, const char *tag, const char *expect_digest,
		  struct ecr_image_ref *out, enum ecr_image_change *change_out, struct ecr_err *err)
{
	struct ecr_manifest m;
	sqlite3_stmt *st;
	int rc, created = 0;
	*change_out = ECR_IMAGE_UNCHANGED;
	memset(out, 0, sizeof(*out));
	ecr_sha256_buf(bytes, n, out->digest);
	snprintf(out->tag, sizeof(out->tag), "%s", tag ? tag : "");
	if (expect_digest && strcmp(expect_digest, out->digest))
		return ecr_err_set(err, ECR_E_IMAGE_DIGEST_MISMATCH,
				   "The specified image digest does not match the digest that Amazon ECR calculated for the image.");
	if ((rc = ecr_manifest_parse(bytes, n, hint, &m, err)))
		return rc;
	/* every blob an image manifest names must be in the repository; every manifest an
	 * index names must be an image of it (pushed first, as clients do) */
	long long image_size = m.is_index ? 0 : ecr_manifest_image_size(&m);
	{
		char missing[4096] = "";
		size_t used = 0;
		int nmissing = 0;
		for (int i = m.is_index ? 0 : -1; i < (m.is_index ? m.nrefs : m.nlayers); i++) {
			const char *d = m.is_index ? m.refs[i].d.digest : i < 0 ? m.config.digest : m.layers[i].digest;
			int ok = m.is_index ? image_known(ctx, r->id, d, &image_size, err) : blob_known(ctx, r->id, d, err);
			if (ok < 0) {
				ecr_manifest_release(&m);
				return ok;
			}
			/* a foreign or non-distributable layer (a Windows base layer) with urls is
			 * fetched from them and need not be pushed, as docker leaves it out and ECR
			 * takes the image without it */
			if (ok || (!m.is_index && i >= 0 && m.layers[i].has_urls &&
				   ecr_manifest_layer_external(m.layers[i].media_type)))
				continue;
			nmissing++;
			/* a message: the digests that fit (it quotes them, it is not the data) */
			if (used + strlen(d) + 4 < sizeof(missing) && !ecr_str_join(missing, sizeof(missing), missing, ", ", d))
				used = strlen(missing);
		}
		if (nmissing) {
			ecr_manifest_release(&m);
			if (m.is_index)
				return ecr_err_set(err, ECR_E_REFERENCED_IMAGES_NOT_FOUND,
						   "Manifests with digests '[%s]' referenced by the image index do not exist in the repository with name '%s' in the registry with id '%s'",
						   missing, r->name, r->account);
			return ecr_err_set(err, ECR_E_LAYERS_NOT_FOUND,
					   "Layers with digests '[%s]' required for pushing image into repository with name '%s' in the registry with id '%s' do not exist",
					   missing, r->name, r->account);
		}
	}
	rc = store_manifest(ctx, out->digest, bytes, n, &m, image_size, err);
	if (!rc)
		rc = link_blobs(ctx, r->id, &m, err);
	ecr_manifest_release(&m);
	if (rc)
		return rc;
	st = ecr_state_prepare(ctx->db, "SELECT id FROM image WHERE repo_id = ? AND digest = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, out->digest, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0)
		out->id = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (!out->id) {
		st = ecr_state_prepare(ctx->db, "INSERT INTO image(repo_id, digest, pushed_at) VALUES(?, ?, ?)", err);
		if (!st)
			return ECR_E_STATE;
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, out->digest, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 3, ecr_ctx_now(ctx));
		if ((rc = step_done(ctx, st, err)))
			return rc;
		out->id = sqlite3_last_insert_rowid(ctx->db);
		created = 1;
		*change_out = ECR_IMAGE_CREATED;
	}
	if (!tag)
		return 0;
	st = ecr_state_prepare(ctx->db, "SELECT image_id FROM image_tag WHERE repo_id = ? AND tag = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_STATIC);
	long long holder = (rc = ecr_state_step(st, err)) > 0 ? sqlite3_column_int64(st, 0) : 0;
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (holder == out->id)
		return 0;
	if (holder && !strcmp(r->mutability, "IMMUTABLE"))
		return ecr_err_set(err, ECR_E_IMAGE_TAG_ALREADY_EXISTS,
				   "The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.",
				   tag, r->name);
	st = ecr_state_prepare(ctx->db,
		"INSERT INTO image_tag(repo_id, tag, image_id) VALUES(?, ?, ?)"
		" ON CONFLICT(repo_id, tag) DO UPDATE SET image_id = excluded.image_id", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, out->id);
	if ((rc = step_done(ctx, st, err)))
		return rc;
	if (!created)
		*change_out = ECR_IMAGE_RETAGGED;
	return 0;
}

int ecr_image_resolve(struct ecr_ctx *ctx, const struct ecr_repo *r, json_t *id,
		      struct ecr_image_ref *out, struct ecr_err *err)
{
	const char *d = json_string_value(json_object_get(id, "imageDigest"));
	const char *t = json_string_value(json_object_get(id, "imageTag"));
	char text[1024];
	sqlite3_stmt *st;
	memset(out, 0, sizeof(*out));
	if (!d && !t)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'imageId' failed to satisfy constraint: 'Image tag or digest must be specified'");
	if (d && !ecr_validate_digest_pattern(d))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid image digest %s'", d);
	if (t)
		st = ecr_state_prepare(ctx->db,
			"SELECT i.id, i.digest FROM image_tag t JOIN image i ON i.id = t.image_id"
			" WHERE t.repo_id = ? AND t.tag = ?", err);
	else
		st = ecr_state_prepare(ctx->db, "SELECT id, digest FROM image WHERE repo_id = ? AND digest = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, t ? t : d, -1, SQLITE_STATIC);
	int rc = ecr_state_step(st, err);
	if (rc > 0) {
		out->id = sqlite3_column_int64(st, 0);
		snprintf(out->digest, sizeof(out->digest), "%s", sqlite3_column_text(st, 1));
	}
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (!out->id || (d && strcmp(d, out->digest))) {
		ecr_image_id_text(id, text, sizeof(text));
		return ecr_err_set(err, ECR_E_IMAGE_NOT_FOUND,
				   "The image with imageId %s does not exist within the repository with name '%s' in the registry with id '%s'",
				   text, r->name, r->account);
	}
	snprintf(out->tag, sizeof(out->tag), "%s", t ? t : "");
	return 0;
}

int ecr_image_detail(struct ecr_ctx *ctx, const struct ecr_repo *r, long long image_id, json_t **out,
		     struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT i.digest, i.pushed_at, i.last_pull, m.image_size, m.media_type, m.artifact_media_type"
		" FROM image i JOIN manifest m ON m.digest = i.digest WHERE i.id = ?", err);
	sqlite3_stmt *tt = NULL;
	json_t *d = NULL, *tags = NULL;
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, image_id);
	if ((rc = ecr_state_step(st, err)) <= 0) {
		if (!rc)
			rc = ecr_err_set(err, ECR_E_STATE, "state database error: image %lld has no manifest", image_id);
		goto out;
	}
	d = json_pack("{s:s, s:s, s:s}", "registryId", r->account, "repositoryName", r->name,
		      "imageDigest", sqlite3_column_text(st, 0));
	tags = json_array();
	if (!d || !tags) {
		rc = ecr_err_oom(err);
		goto out;
	}
	if (!(tt = ecr_state_prepare(ctx->db, "SELECT tag FROM image_tag WHERE image_id = ? ORDER BY rowid DESC", err))) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_int64(tt, 1, image_id);
	while ((rc = ecr_state_step(tt, err)) > 0)
		json_array_append_new(tags, json_string((const char *)sqlite3_column_text(tt, 0)));
	if (rc < 0)
		goto out;
	if (json_array_size(tags))
		json_object_set(d, "imageTags", tags);
	json_object_set_new(d, "imageSizeInBytes", json_integer(sqlite3_column_int64(st, 3)));
	json_object_set_new(d, "imagePushedAt", json_real(sqlite3_column_double(st, 1)));
	if ((rc = ecr_scanstate_detail(ctx, r->account, image_id, d, err)))
		goto out;
	json_object_set_new(d, "imageManifestMediaType", json_string((const char *)sqlite3_column_text(st, 4)));
	if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		json_object_set_new(d, "artifactMediaType", json_string((const char *)sqlite3_column_text(st, 5)));
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		json_object_set_new(d, "lastRecordedPullTime", json_real(sqlite3_column_double(st, 2)));
	*out = d;
	d = NULL;
out:
	if (tt)
		ecr_state_done(tt);
	ecr_state_done(st);
	json_decref(tags);
	json_decref(d);
	return rc;
}

int ecr_image_platform(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *digest,
		       const char *platform, char out[ECR_DIGEST_LEN + 1], struct ecr_err *err)
{
	const char *want = platform && *platform ? platform : "linux/amd64";
	char have[1024] = "";
	size_t used = 0;
	int nrefs = 0, found = 0, rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT digest, platform FROM manifest_ref WHERE manifest = ? ORDER BY idx", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	/* a failing step is not an image without an index: that would pick the index itself */
	while ((rc = ecr_state_step(st, err)) > 0) {
		const char *d = (const char *)sqlite3_column_text(st, 0), *p = (const char *)sqlite3_column_text(st, 1);
		nrefs++;
		/* "linux/arm64" also picks "linux/arm64/v8": a variant the user did not name */
		size_t wl = strlen(want);
		if (!found && (!strcmp(p, want) || (!strncmp(p, want, wl) && p[wl] == '/' && !strchr(want + strcspn(want, "/") + 1, '/')))) {
			snprintf(out, ECR_DIGEST_LEN + 1, "%s", d);
			found = 1;
		}
		if (strcmp(p, ECR_PLATFORM_UNKNOWN) && *p && used + strlen(p) + 3 < sizeof(have))
			used += (size_t)snprintf(have + used, sizeof(have) - used, "%s%s", used ? ", " : "", p);
	}
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (!nrefs) {
		snprintf(out, ECR_DIGEST_LEN + 1, "%s", digest);
		return 0;
	}
	if (found)
		return 0;
	return ecr_err_set(err, ECR_E_IMAGE_NOT_FOUND,
			   "The image index %s in the repository with name '%s' has no image for platform %s (it has: %s)",
			   digest, r->name, want, used ? have : "none");
}

json_t *ecr_image_ref_parse(const char *ref)
{
	const char *at = strchr(ref, '@'), *colon = strrchr(ref, ':');
	if (at)
		return json_pack("{s:s%, s:{s:s}}", "repositoryName", ref, (size_t)(at - ref), "imageId", "imageDigest", at + 1);
	/* a ':' after the last '/' is a tag; one before it is a registry's port */
	if (colon && !strchr(colon, '/'))
		return json_pack("{s:s%, s:{s:s}}", "repositoryName", ref, (size_t)(colon - ref), "imageId", "imageTag", colon + 1);
	return json_pack("{s:s, s:{s:s}}", "repositoryName", ref, "imageId", "imageTag", "latest");
}
