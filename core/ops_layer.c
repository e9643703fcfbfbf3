/* The layer-upload API and registry credentials: InitiateLayerUpload, UploadLayerPart,
 * CompleteLayerUpload, BatchCheckLayerAvailability, GetDownloadUrlForLayer,
 * GetAuthorizationToken. The same sessions and blob store as the registry's uploads
 * (upload.c), so a layer pushed either way is the same blob. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authtoken.h"
#include "blob.h"
#include "image.h"
#include "ops.h"
#include "state.h"
#include "str.h"
#include "upload.h"
#include "validate.h"

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int op_initiate_layer_upload(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	char id[ECR_UPLOAD_ID_LEN + 1];
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = ecr_upload_create(ctx, &r, id, err)))
		return rc;
	/* the largest part UploadLayerPart takes: clients split by it */
	*out = json_pack("{s:s, s:I}", "uploadId", id, "partSize", (json_int_t)ECR_UPLOAD_PART_MAX);
	return 0;
}

int op_upload_layer_part(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_upload_writer w;
	const char *id = str(req, "uploadId"), *b64 = str(req, "layerPartBlob");
	long long first = json_integer_value(json_object_get(req, "partFirstByte"));
	long long last = json_integer_value(json_object_get(req, "partLastByte"));
	size_t bl = strlen(b64);
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	/* base64 comes in fours: anything else is not base64, whatever its size */
	if (bl % 4)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'layerPartBlob' failed to satisfy constraint: 'must be base64'");
	/* the model caps the decoded blob at 20 MiB; refuse a larger one before decoding */
	if (bl / 4 * 3 > (size_t)ECR_UPLOAD_PART_MAX + 2)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'layerPartBlob' failed to satisfy constraint: 'must be base64 of at most %lld bytes'",
				   ECR_UPLOAD_PART_MAX);
	unsigned char *bytes = malloc(bl / 4 * 3 + 1);
	if (!bytes)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	int n = bl ? EVP_DecodeBlock(bytes, (const unsigned char *)b64, (int)bl) : 0;
	if (n < 0) {
		free(bytes);
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'layerPartBlob' failed to satisfy constraint: 'must be base64'");
	}
	/* EVP_DecodeBlock counts the padding as bytes */
	if (bl && b64[bl - 1] == '=')
		n--;
	if (bl > 1 && b64[bl - 2] == '=')
		n--;
	if (!n || last < first || last - first + 1 != n) {
		free(bytes);
		return ecr_err_set(err, ECR_E_INVALID_LAYER_PART,
				   "The layer part is invalid: partFirstByte %lld to partLastByte %lld is %lld bytes, the part has %d",
				   first, last, last >= first ? last - first + 1 : 0, n);
	}
	if ((rc = ecr_upload_open(ctx, &r, id, first, 0, &w, NULL, err))) {
		free(bytes);
		return rc;
	}
	w.api = 1;
	if ((rc = ecr_upload_write(&w, bytes, (size_t)n, err))) {
		ecr_upload_abort(&w);
		free(bytes);
		return rc;
	}
	free(bytes);
	long long size = w.size;
	if ((rc = ecr_upload_close(ctx, &w, 0, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s, s:I}", "registryId", r.account, "repositoryName", r.name, "uploadId", id,
			 "lastByteReceived", (json_int_t)(size - 1));
	return 0;
}

int op_complete_layer_upload(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	const char *id = str(req, "uploadId");
	json_t *digests = json_object_get(req, "layerDigests");
	const char *want = json_string_value(json_array_get(digests, 0));
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	if (json_array_size(digests) != 1)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'layerDigests' failed to satisfy constraint: 'exactly one layer digest per upload'");
	if (!ecr_digest_valid(want))
		return ecr_err_set(err, ECR_E_INVALID_LAYER,
				   "The layer digest calculation performed by Amazon ECR upon receipt of the image layer does not match the digest specified: '%.80s' is not a sha256 digest",
				   want);
	if ((rc = ecr_upload_finish(ctx, &r, id, want, 1, 0, NULL, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s, s:s}", "registryId", r.account, "repositoryName", r.name, "uploadId", id,
			 "layerDigest", want);
	return 0;
}

/* size and media type of a blob this repository may serve: 1, 0 when it may not,
 * negative when the state failed */
static int repo_blob(struct ecr_ctx *ctx, long long repo_id, const char *digest, long long *size, char *mt, size_t mtn,
		     struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT b.size, (SELECT l.media_type FROM manifest_layer l JOIN image i ON i.digest = l.manifest"
		"  WHERE i.repo_id = rb.repo_id AND l.digest = rb.digest LIMIT 1),"
		" (SELECT m.artifact_media_type FROM manifest m JOIN image i ON i.digest = m.digest"
		"  WHERE i.repo_id = rb.repo_id AND m.config_digest = rb.digest LIMIT 1)"
		" FROM repo_blob rb JOIN blob b ON b.digest = rb.digest WHERE rb.repo_id = ? AND rb.digest = ?", err);
	int ok;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, repo_id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	if ((ok = ecr_state_step(st, err)) > 0) {
		*size = sqlite3_column_int64(st, 0);
		const char *m = (const char *)sqlite3_column_text(st, 1);
		if (!m)
			m = (const char *)sqlite3_column_text(st, 2);
		snprintf(mt, mtn, "%s", m ? m : "");
	}
	ecr_state_done(st);
	return ok;
}

int op_batch_check_layer_availability(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	size_t i;
	json_t *d;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	json_t *layers = json_array(), *failures = json_array();
	json_array_foreach(json_object_get(req, "layerDigests"), i, d) {
		const char *dg = json_string_value(d);
		long long size = 0;
		char mt[160] = "";
		if (!*dg) {
			json_array_append_new(failures, json_pack("{s:s, s:s, s:s}", "layerDigest", dg, "failureCode",
								  "MissingLayerDigest", "failureReason", "The image layer digest is missing."));
		} else if (!ecr_validate_digest_pattern(dg)) {
			json_array_append_new(failures, json_pack("{s:s, s:s, s:s}", "layerDigest", dg, "failureCode",
								  "InvalidLayerDigest", "failureReason", "Invalid layer digest."));
		} else if ((rc = repo_blob(ctx, r.id, dg, &size, mt, sizeof(mt), err)) < 0) {
			json_decref(layers);
			json_decref(failures);
			return rc;
		} else if (rc) {
			json_t *l = json_pack("{s:s, s:s, s:I}", "layerDigest", dg, "layerAvailability", "AVAILABLE", "layerSize",
					      (json_int_t)size);
			if (*mt)
				json_object_set_new(l, "mediaType", json_string(mt));
			json_array_append_new(layers, l);
		} else {
			json_array_append_new(layers, json_pack("{s:s, s:s}", "layerDigest", dg, "layerAvailability", "UNAVAILABLE"));
		}
	}
	*out = json_pack("{s:o, s:o}", "layers", layers, "failures", failures);
	return 0;
}

int op_get_download_url_for_layer(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	const char *dg = str(req, "layerDigest");
	long long size;
	char mt[160], url[8192], q[256];
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc)
		return rc;
	if (ecr_digest_valid(dg) && (rc = repo_blob(ctx, r.id, dg, &size, mt, sizeof(mt), err)) < 0)
		return rc;
	if (!ecr_digest_valid(dg) || !rc)
		return ecr_err_set(err, ECR_E_LAYERS_NOT_FOUND,
				   "The specified layers could not be found, or the specified layer is not valid for this repository.");
	/* ECR hands out only layers an image of the repository uses */
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT 1 FROM image i JOIN manifest m ON m.digest = i.digest WHERE i.repo_id = ?1 AND"
		" (m.config_digest = ?2 OR EXISTS(SELECT 1 FROM manifest_layer l WHERE l.manifest = i.digest AND l.digest = ?2))", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r.id);
	sqlite3_bind_text(st, 2, dg, -1, SQLITE_STATIC);
	int used = ecr_state_step(st, err);
	ecr_state_done(st);
	if (used < 0)
		return used;
	if (!used)
		return ecr_err_set(err, ECR_E_LAYER_INACCESSIBLE,
				   "The specified layer is not available because it is not associated with an image. Unassociated image layers may be cleaned up at any time.");
	if (ctx->endpoint[0]) {
		/* a plain GET works for an hour, as an S3 pre-signed URL would */
		if ((rc = ecr_authtoken_url_query(ctx, r.account, ctx->region, r.name, dg, q, sizeof(q), err)))
			return rc;
		snprintf(url, sizeof(url), "%s/v2/%s/blobs/%s?%s", ctx->endpoint, r.name, dg, q);
	} else {
		char path[4096];
		ecr_blob_path(ctx, dg, path, sizeof(path));
		snprintf(url, sizeof(url), "file://%s", path);
	}
	*out = json_pack("{s:s, s:s}", "downloadUrl", url, "layerDigest", dg);
	return 0;
}

int op_get_authorization_token(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	json_t *ids = json_object_get(req, "registryIds"), *data = json_array(), *id;
	size_t i, n = ids ? json_array_size(ids) : 1;
	for (i = 0; i < n; i++) {
		const char *acc = ids ? json_string_value(json_array_get(ids, i)) : ctx->account;
		double exp = 0;
		char *pw = ecr_authtoken_password(ctx, acc, ctx->region, &exp, err);
		char proxy[512];
		if (!pw) {
			json_decref(data);
			return err->code;
		}
		char *user = ecr_str_fmt("AWS:%s", pw);
		size_t pl = user ? strlen(user) : 0;
		char *tok = user ? malloc(4 * (pl + 2) / 3 + 1) : NULL;
		if (!user || !tok) {
			free(pw);
			free(user);
			free(tok);
			json_decref(data);
			return ecr_err_oom(err);
		}
		EVP_EncodeBlock((unsigned char *)tok, (unsigned char *)user, (int)pl);
		if (ctx->endpoint[0])
			snprintf(proxy, sizeof(proxy), "%s", ctx->endpoint);
		else
			snprintf(proxy, sizeof(proxy), "https://%s.dkr.ecr.%s.amazonaws.com", acc, ctx->region);
		json_array_append_new(data, json_pack("{s:s, s:f, s:s}", "authorizationToken", tok, "expiresAt", exp,
						      "proxyEndpoint", proxy));
		free(pw);
		free(user);
		free(tok);
	}
	(void)id;
	*out = json_pack("{s:o}", "authorizationData", data);
	return 0;
}
