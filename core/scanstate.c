#include "scancfg.h"
#include "scanstate.h"
#include "state.h"

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
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT status, description, completed_at, source_updated_at, counts FROM scan"
		" WHERE image_id = ? ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, image_id);
	int rc = ecr_state_step(st, err);
	if (rc > 0) {
		json_t *status = json_pack("{s:s}", "status", sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			json_object_set_new(status, "description", json_string((const char *)sqlite3_column_text(st, 1)));
		json_object_set_new(detail, "imageScanStatus", status);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			json_t *sum = json_pack("{s:f}", "imageScanCompletedAt", sqlite3_column_double(st, 2));
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				json_object_set_new(sum, "vulnerabilitySourceUpdatedAt", json_real(sqlite3_column_double(st, 3)));
			json_t *counts = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
			json_object_set_new(sum, "findingSeverityCounts", counts ? counts : json_object());
			json_object_set_new(detail, "imageScanFindingsSummary", sum);
		}
	}
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}
