/* StartImageScan and DescribeImageScanFindings. */
#include <stdio.h>
#include <string.h>

#include "enhanced.h"
#include "manifest.h"
#include "ops.h"
#include "scancfg.h"
#include "scan.h"
#include "scanstate.h"
#include "state.h"
#include "token.h"

#define DEFAULT_PAGE 100 /* findings per page without maxResults */

int op_start_image_scan(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_image_ref ref;
	int rc;
	if ((rc = ecr_repo_load(ctx, req, &r, err)) ||
	    (rc = ecr_image_resolve(ctx, &r, json_object_get(req, "imageId"), &ref, err)))
		return rc;
	/* the user guide: manual scans are not supported with enhanced scanning */
	if ((rc = ecr_scancfg_enhanced(ctx, r.account, err)) < 0)
		return rc;
	if (rc)
		return ecr_err_set(err, ECR_E_VALIDATION,
				   "This feature is disabled: the registry uses ENHANCED scanning, which scans on push and"
				   " continuously, never on request");
	/* ECR scans the platform images an index names (on push), never the index itself:
	 * StartImageScan of an OCI index or Docker manifest list is UnsupportedImageType-
	 * Exception in ECR's words, and so is an artifact (a Helm chart, a buildx
	 * attestation, a signature). Before, an index was queued and answered IN_PROGRESS
	 * for a manifest that has no layers to read, and an attestation ended FAILED. */
	if ((rc = ecr_scan_scannable(ctx, ref.digest, err)) <= 0)
		return rc ? rc : err->code;
	if ((rc = ecr_scan_quota(ctx, ref.id, err)))
		return rc;
	/* Only queued here, in this short transaction; the scan reads and matches after
	 * the commit (inline mode) or in a worker (queued mode), holding no write lock. */
	if ((rc = ecr_scan_enqueue(ctx, &ref, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:o, s:{s:s}}", "registryId", r.account, "repositoryName", r.name, "imageId",
			 ecr_image_id_json(ref.digest, ref.tag), "imageScanStatus", "status", "IN_PROGRESS");
	return 0;
}

int op_describe_image_scan_findings(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_image_ref ref;
	json_t *id = json_object_get(req, "imageId");
	int rc;
	if ((rc = ecr_repo_load(ctx, req, &r, err)) || (rc = ecr_image_resolve(ctx, &r, id, &ref, err)))
		return rc;
	/* the registry's scan type picks the result set; the other stays stored */
	if ((rc = ecr_scancfg_enhanced(ctx, r.account, err)) < 0)
		return rc;
	if (rc)
		return ecr_enhanced_describe(ctx, &r, &ref, req, out, err);
	long long scan_id = 0;
	json_t *status, *isf;
	if ((rc = ecr_scanstate_latest(ctx, ref.id, &scan_id, &status, &isf, err)) <= 0) {
		char text[1024];
		if (rc < 0)
			return rc;
		ecr_image_id_text(id, text, sizeof(text));
		return ecr_err_set(err, ECR_E_SCAN_NOT_FOUND,
				   "Image scan does not exist for the image with '%s' in the repository with name '%s' in the registry with id '%s'",
				   text, r.name, r.account);
	}
	/* findings come with a completed scan (isf: its summary) */
	int complete = isf && !strcmp(json_string_value(json_object_get(status, "status")), "COMPLETE");
	json_t *resp = json_pack("{s:s, s:s, s:o, s:o}", "registryId", r.account, "repositoryName", r.name,
				 "imageId", ecr_image_id_json(ref.digest, ref.tag), "imageScanStatus", status);
	if (!complete) {
		json_decref(isf);
		*out = resp;
		return 0;
	}
	/* a page of findings; the token is tied to this scan, so a stale one is refused */
	char scope[64];
	long long after = 0;
	json_t *max = json_object_get(req, "maxResults");
	long long limit = max ? json_integer_value(max) : DEFAULT_PAGE;
	const char *tok = json_string_value(json_object_get(req, "nextToken"));
	snprintf(scope, sizeof(scope), "scan/%lld", scan_id);
	if (tok && (rc = ecr_token_read(ctx, "DescribeImageScanFindings", scope, tok, &after, err))) {
		json_decref(isf);
		json_decref(resp);
		return rc;
	}
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT ord, name, description, uri, severity, attributes FROM finding WHERE scan_id = ? AND ord > ?"
		" ORDER BY ord LIMIT ?", err);
	if (!st) {
		json_decref(isf);
		json_decref(resp);
		return ECR_E_STATE;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, limit + 1);
	json_t *findings = json_array();
	long long n = 0, last = after;
	int more = 0;
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (n == limit) {
			more = 1;
			break;
		}
		json_t *f = json_pack("{s:s}", "name", sqlite3_column_text(st, 1));
		if (sqlite3_column_text(st, 2))
			json_object_set_new(f, "description", json_string((const char *)sqlite3_column_text(st, 2)));
		json_object_set_new(f, "uri", json_string((const char *)sqlite3_column_text(st, 3)));
		json_object_set_new(f, "severity", json_string((const char *)sqlite3_column_text(st, 4)));
		json_t *attrs = json_loads((const char *)sqlite3_column_text(st, 5), 0, NULL);
		json_object_set_new(f, "attributes", attrs ? attrs : json_array());
		json_array_append_new(findings, f);
		last = sqlite3_column_int64(st, 0);
		n++;
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(findings);
		json_decref(isf);
		json_decref(resp);
		return rc;
	}
	json_object_set_new(isf, "findings", findings);
	json_object_set_new(resp, "imageScanFindings", isf);
	if (more && (rc = ecr_token_set(ctx, resp, "DescribeImageScanFindings", scope, last, err))) {
		json_decref(resp);
		return rc;
	}
	*out = resp;
	return 0;
}
