/* An image's latest scan row as ECR shows it: the one reading of the scan table that
 * DescribeImages' details and DescribeImageScanFindings share. */
#include "scancfg.h"
#include "scanstate.h"
#include "state.h"

int ecr_scanstate_latest(struct ecr_ctx *ctx, long long image_id, long long *scan_id, json_t **status,
			 json_t **summary, struct ecr_err *err)
{
	*status = *summary = NULL;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT id, status, description, completed_at, source_updated_at, counts FROM scan"
		" WHERE image_id = ? ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, image_id);
	int rc = ecr_state_step(st, err);
	if (rc > 0) {
		if (scan_id)
			*scan_id = sqlite3_column_int64(st, 0);
		*status = json_pack("{s:s}", "status", sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			json_object_set_new(*status, "description", json_string((const char *)sqlite3_column_text(st, 2)));
		/* completed_at is written with the result of a COMPLETE scan (scan.c), only */
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			*summary = json_pack("{s:f}", "imageScanCompletedAt", sqlite3_column_double(st, 3));
			if (sqlite3_column_type(st, 4) != SQLITE_NULL)
				json_object_set_new(*summary, "vulnerabilitySourceUpdatedAt", json_real(sqlite3_column_double(st, 4)));
			json_t *counts = json_loads((const char *)sqlite3_column_text(st, 5), 0, NULL);
			json_object_set_new(*summary, "findingSeverityCounts", counts ? counts : json_object());
		}
	}
	ecr_state_done(st);
	return rc;
}

int ecr_scanstate_detail(struct ecr_ctx *ctx, const char *account, long long image_id, json_t *detail,
			 struct ecr_err *err)
{
	/* ECR's DescribeImages has neither member for images under enhanced scanning
	 * (aws/containers-roadmap#1662, still so in 2025): their status and counts are
	 * DescribeImageScanFindings'. The stored rows are basic scanning's, which the
	 * registry no longer shows (they come back with BASIC). */
	int enhanced = ecr_scancfg_enhanced(ctx, account, err);
	if (enhanced)
		return enhanced < 0 ? enhanced : 0;
	json_t *status, *summary;
	int rc = ecr_scanstate_latest(ctx, image_id, NULL, &status, &summary, err);
	if (rc > 0) {
		json_object_set_new(detail, "imageScanStatus", status);
		if (summary)
			json_object_set_new(detail, "imageScanFindingsSummary", summary);
	}
	return rc < 0 ? rc : 0;
}
