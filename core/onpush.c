/* Scan on push (onpush.h). */
#include <stdio.h>
#include <string.h>

#include "manifest.h"
#include "onpush.h"
#include "scan.h"
#include "scancfg.h"
#include "state.h"
#include "txn.h"

/* Queues one image's scan (scan.c runs it: at once in inline mode, after the commit and
 * outside any transaction; by a server's workers in queued mode). */
static json_t *scan_one(struct ecr_ctx *ctx, const struct ecr_image_ref *ref, int own_txn)
{
	struct ecr_err err = {0};
	struct ecr_txn t = {0};
	json_t *status = NULL;
	if (own_txn && ecr_txn_begin(ctx, 1, &t, &err))
		return json_pack("{s:s, s:s}", "status", "FAILED", "description", err.message);
	if (ecr_scan_quota(ctx, ref->id, &err) || ecr_scan_enqueue(ctx, ref, &err) ||
	    (own_txn && ecr_txn_commit(&t, &status, &err))) {
		ecr_txn_abort(&t); /* a no-op when the caller's transaction holds the scan */
		return json_pack("{s:s, s:s}", "status", err.code == ECR_E_LIMIT_EXCEEDED ? "SKIPPED" : "FAILED",
				 "description", err.message);
	}
	return status ? status : json_pack("{s:s}", "status", "IN_PROGRESS");
}

json_t *ecr_onpush_scan(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, int own_txn)
{
	struct ecr_image_ref kids[64];
	int nkids = 0, is_index = 0, on;
	struct ecr_err err = {0};
	if (own_txn && ecr_state_begin(ctx->db, 0, &err))
		return json_pack("{s:s, s:s}", "status", "FAILED", "description", err.message);
	/* a configuration that cannot be read is a failed scan, never "no scan on push" */
	on = ecr_scancfg_on_push(ctx, r, NULL, &err);
	/* an index's platform images, as images of this repository */
	sqlite3_stmt *st = on > 0 ? ecr_state_prepare(ctx->db,
		"SELECT mr.platform, i.id, i.digest FROM manifest_ref mr LEFT JOIN image i ON i.digest = mr.digest"
		" AND i.repo_id = ? WHERE mr.manifest = ? ORDER BY mr.idx", &err) : NULL;
	if (on > 0 && !st)
		on = ECR_E_STATE;
	if (st) {
		int rc;
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, ref->digest, -1, SQLITE_STATIC);
		while ((rc = ecr_state_step(st, &err)) > 0) {
			const char *p = (const char *)sqlite3_column_text(st, 0);
			is_index = 1;
			if (!*p || !strcmp(p, ECR_PLATFORM_UNKNOWN) || sqlite3_column_type(st, 1) == SQLITE_NULL ||
			    nkids >= (int)(sizeof(kids) / sizeof(kids[0])))
				continue;
			memset(&kids[nkids], 0, sizeof(kids[nkids]));
			kids[nkids].id = sqlite3_column_int64(st, 1);
			snprintf(kids[nkids].digest, sizeof(kids[nkids].digest), "%s", sqlite3_column_text(st, 2));
			nkids++;
		}
		ecr_state_done(st);
		if (rc < 0)
			on = rc;
	}
	if (own_txn)
		ecr_state_rollback(ctx->db);
	if (on < 0)
		return json_pack("{s:s, s:s}", "status", "FAILED", "description", err.message);
	if (!on)
		return NULL;
	if (!is_index) {
		/* an artifact pushed on its own (a Helm chart, a signature, an attestation) is
		 * not scanned on push, as ECR scans images only; a state error still says so */
		int can = ecr_scan_scannable(ctx, ref->digest, &err);
		if (can < 0)
			return json_pack("{s:s, s:s}", "status", "FAILED", "description", err.message);
		return can ? scan_one(ctx, ref, own_txn) : NULL;
	}
	json_t *first = NULL;
	for (int i = 0; i < nkids; i++) {
		json_t *s = scan_one(ctx, &kids[i], own_txn);
		if (!first)
			first = s;
		else
			json_decref(s);
	}
	return first;
}
