#include <stdio.h>
#include <string.h>

#include "event.h"
#include "inventory.h"
#include "match.h"
#include "scan.h"
#include "state.h"

int ecr_scan_quota(struct ecr_ctx *ctx, long long image_id, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT max(started_at) FROM scan WHERE image_id = ?", err);
	int rc = 0;
	if (!st)
		return ECR_E_INTERNAL;
	sqlite3_bind_int64(st, 1, image_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    ecr_ctx_now(ctx) - sqlite3_column_double(st, 0) < ECR_SCAN_QUOTA_SECONDS)
		rc = ecr_err_set(err, ECR_E_LIMIT_EXCEEDED, "The scan quota per image has been exceeded. Wait and try again.");
	sqlite3_finalize(st);
	return rc;
}

static json_t *image_tags(struct ecr_ctx *ctx, long long image_id)
{
	json_t *tags = json_array();
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT tag FROM image_tag WHERE image_id = ? ORDER BY rowid DESC", NULL);
	if (!st)
		return tags;
	sqlite3_bind_int64(st, 1, image_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(tags, json_string((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	return tags;
}

static int store(struct ecr_ctx *ctx, long long image_id, double started, const char *status, const char *desc,
		 json_t *m, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT INTO scan(image_id, status, description, started_at, completed_at, source_updated_at, counts)"
		" VALUES(?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return ECR_E_INTERNAL;
	char *counts = m ? json_dumps(json_object_get(m, "counts"), JSON_COMPACT) : NULL;
	json_t *upd = m ? json_object_get(m, "sourceUpdatedAt") : NULL;
	sqlite3_bind_int64(st, 1, image_id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, desc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, started);
	if (m)
		sqlite3_bind_double(st, 5, ecr_ctx_now(ctx));
	else
		sqlite3_bind_null(st, 5);
	if (json_is_number(upd))
		sqlite3_bind_double(st, 6, json_number_value(upd));
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_text(st, 7, counts ? counts : "{}", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	sqlite3_finalize(st);
	free(counts);
	if (rc || !m)
		return rc;
	long long scan_id = sqlite3_last_insert_rowid(ctx->db);
	st = ecr_state_prepare(ctx->db,
		"INSERT INTO finding(scan_id, ord, name, description, uri, severity, attributes) VALUES(?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return ECR_E_INTERNAL;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(m, "findings"), i, f) {
		char *attrs = json_dumps(json_object_get(f, "attributes"), JSON_COMPACT);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, scan_id);
		sqlite3_bind_int64(st, 2, (long long)i + 1);
		sqlite3_bind_text(st, 3, json_string_value(json_object_get(f, "name")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, json_string_value(json_object_get(f, "description")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, json_string_value(json_object_get(f, "uri")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, json_string_value(json_object_get(f, "severity")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, attrs, -1, SQLITE_TRANSIENT);
		free(attrs);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = ecr_state_fail(ctx->db, err);
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int ecr_scan_image(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
		   json_t **status_out, struct ecr_err *err)
{
	struct ecr_err why = {0};
	json_t *inv = NULL, *m = NULL;
	double started = ecr_ctx_now(ctx);
	const char *status;
	char desc[1200];
	int rc;
	if (status_out)
		*status_out = NULL;
	rc = ecr_inventory(ctx, ref->digest, &inv, &why);
	if (rc == ECR_E_ARCHIVE) {
		status = "FAILED";
		snprintf(desc, sizeof(desc), "%s", why.message);
	} else if (rc) {
		*err = why;
		return rc;
	} else if (json_object_get(inv, "unsupported")) {
		status = "UNSUPPORTED_IMAGE";
		snprintf(desc, sizeof(desc), "%s", ECR_SCAN_UNSUPPORTED_TEXT);
	} else {
		if ((rc = ecr_match(ctx, inv, &m, err))) {
			json_decref(inv);
			return rc;
		}
		status = "COMPLETE";
		if (json_is_true(json_object_get(m, "covered"))) {
			snprintf(desc, sizeof(desc), "%s", ECR_SCAN_OK_TEXT);
		} else {
			/* say so: an image no feed covers is not an image without findings */
			json_t *os = json_object_get(inv, "os");
			snprintf(desc, sizeof(desc),
				 "%s No imported vulnerability data covers %s %s; import a feed for it (ecrlite vulndb import).",
				 ECR_SCAN_OK_TEXT, json_string_value(json_object_get(os, "id")),
				 json_string_value(json_object_get(os, "versionId")));
		}
	}
	if ((rc = store(ctx, ref->id, started, status, desc, m, err)))
		goto out;
	json_t *tags = image_tags(ctx, ref->id);
	ecr_event_queue(ctx, ecr_event_scan(ctx, r->name, ref->digest, tags, status, m ? json_object_get(m, "counts") : NULL));
	json_decref(tags);
	if (status_out)
		*status_out = json_pack("{s:s, s:s}", "status", status, "description", desc);
out:
	json_decref(inv);
	json_decref(m);
	return rc;
}
