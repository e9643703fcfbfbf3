#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enhanced.h"
#include "event.h"
#include "inventory.h"
#include "manifest.h"
#include "match.h"
#include "scan.h"
#include "scancfg.h"
#include "scanclaim.h"
#include "scanwork.h"
#include "state.h"
#include "txn.h"

int ecr_scan_quota(struct ecr_ctx *ctx, long long image_id, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT max(started_at) FROM scan WHERE image_id = ? AND NOT interrupted", err);
	int rc = 0;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, image_id);
	if ((rc = ecr_state_step(st, err)) > 0)
		rc = 0;
	if (!rc && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    ecr_ctx_now(ctx) - sqlite3_column_double(st, 0) < ECR_SCAN_QUOTA_SECONDS)
		rc = ecr_err_set(err, ECR_E_LIMIT_EXCEEDED, "The scan quota per image has been exceeded. Wait and try again.");
	ecr_state_done(st);
	return rc;
}

static void committed(struct ecr_ctx *ctx, void *arg, json_t **result_out);
static void forget(struct ecr_ctx *ctx, void *arg);

int ecr_scan_enqueue(struct ecr_ctx *ctx, const struct ecr_image_ref *ref, struct ecr_err *err)
{
	int inl = ctx->scan_mode == ECR_SCAN_INLINE;
	char owner[128], claim[40];
	/* first, so that a scan queued is always run or forgotten with the unit of work */
	if (ecr_txn_hook(ctx, committed, forget, NULL, err))
		return ECR_E_INTERNAL;
	ecr_scanclaim_owner(owner, sizeof(owner));
	ecr_scanclaim_token(claim);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT INTO scan(image_id, status, started_at, worker, claim, lease_until, attempts, queued)"
		" VALUES(?, 'IN_PROGRESS', ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return ECR_E_STATE;
	double now = ecr_ctx_now(ctx);
	sqlite3_bind_int64(st, 1, ref->id);
	sqlite3_bind_double(st, 2, now);
	if (inl) {
		sqlite3_bind_text(st, 3, owner, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, claim, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 5, now + ECR_SCAN_LEASE_SECONDS);
	}
	sqlite3_bind_int(st, 6, inl);
	sqlite3_bind_int(st, 7, !inl);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	if (rc)
		return rc;
	if (inl)
		json_array_append_new(ctx->scan_pending, json_pack("[I, s]", (json_int_t)sqlite3_last_insert_rowid(ctx->db), claim));
	else
		ctx->scan_queued = 1;
	return 0;
}

int ecr_scan_on_push(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, int *skipped_out,
		     struct ecr_err *err)
{
	struct ecr_err quota = {0};
	int rc;
	if (skipped_out)
		*skipped_out = 0;
	if ((rc = ecr_scancfg_on_push(ctx, r, NULL, err)) <= 0)
		return rc;
	if ((rc = ecr_scan_quota(ctx, ref->id, &quota))) {
		if (rc != ECR_E_LIMIT_EXCEEDED) {
			*err = quota;
			return rc;
		}
		if (skipped_out)
			*skipped_out = 1;
		return 0;
	}
	return (rc = ecr_scan_enqueue(ctx, ref, err)) ? rc : 1;
}

/* The unit of work that queued scans rolled back (ecr_txn_hook's aborted). */
static void forget(struct ecr_ctx *ctx, void *arg)
{
	(void)arg;
	json_array_clear(ctx->scan_pending);
	ctx->scan_queued = 0;
}

static int store(struct ecr_ctx *ctx, long long id, const char *claim, const char *status, const char *desc,
		 json_t *m, struct ecr_err *err);

/* An inline scan that failed on the state (its result could not be stored): the row
 * becomes FAILED with why if the state takes that one write (else it stays claimed,
 * and the next open settles it as interrupted), and the caller sees why either way,
 * never IN_PROGRESS. */
static json_t *run_failed(struct ecr_ctx *ctx, long long id, const char *claim, const struct ecr_err *why)
{
	struct ecr_err e = {0}; /* best effort: why is the error to report */
	if (!ecr_state_begin(ctx->db, 1, &e)) {
		if (store(ctx, id, claim, "FAILED", why->message, NULL, &e) != 1 || ecr_state_commit(ctx->db, &e))
			ecr_state_rollback(ctx->db);
	}
	return json_pack("{s:s, s:s}", "status", "FAILED", "description", why->message);
}

/* After the unit of work that queued scans committed (ecr_txn_hook's committed): runs
 * this process's inline scans (no transaction open), or tells the notify hook.
 * *status_out (may be NULL): the ImageScanStatus of the last scan run here replaces
 * what it held. */
static void committed(struct ecr_ctx *ctx, void *arg, json_t **status_out)
{
	size_t i;
	json_t *row;
	(void)arg;
	if (ctx->scan_queued) {
		ctx->scan_queued = 0;
		if (ctx->scan_notify)
			ctx->scan_notify(ctx->scan_notify_ud);
	}
	if (!json_array_size(ctx->scan_pending))
		return;
	/* take the list: a scan's event consumer may queue more through this ctx */
	json_t *batch = ctx->scan_pending;
	ctx->scan_pending = json_array();
	json_array_foreach(batch, i, row) {
		struct ecr_err err = {0};
		json_t *status = NULL;
		long long id = (long long)json_integer_value(json_array_get(row, 0));
		const char *claim = json_string_value(json_array_get(row, 1));
		if (ecr_scan_run(ctx, id, claim, &status, &err) < 0 && !status)
			status = run_failed(ctx, id, claim, &err);
		if (status_out && status) {
			json_decref(*status_out);
			*status_out = status;
		} else {
			json_decref(status);
		}
	}
	json_decref(batch);
}

/* The image's tags, newest first, for its scan event: queued with a scan's result in
 * its transaction, so a list that cannot be read fails the result, never names fewer. */
/* The event of a completed scan: basic scanning's "ECR Image Scan", or under ENHANCED
 * (enhanced_counts given) Inspector's "Inspector2 Scan" with the enhanced findings'
 * counts, as ECR leaves that event to Inspector there. */
static int scan_event(struct ecr_ctx *ctx, const char *repo, const struct ecr_image_ref *ref, const char *status,
		      json_t *counts, json_t *enhanced_counts, struct ecr_err *err)
{
	json_t *tags = json_array();
	int rc;
	ECR_CHECK_ALLOC(tags, err);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT tag FROM image_tag WHERE image_id = ? ORDER BY rowid DESC", err);
	if (!st) {
		json_decref(tags);
		return ECR_E_STATE;
	}
	sqlite3_bind_int64(st, 1, ref->id);
	while ((rc = ecr_state_step(st, err)) > 0)
		json_array_append_new(tags, json_string((const char *)sqlite3_column_text(st, 0)));
	ecr_state_done(st);
	if (!rc)
		ecr_event_queue(ctx, enhanced_counts ? ecr_event_inspector_scan(ctx, repo, ref->digest, tags, enhanced_counts)
						     : ecr_event_scan(ctx, repo, ref->digest, tags, status, counts));
	json_decref(tags);
	return rc;
}

/* Under ENHANCED, a completed scan's enhanced result in *out (ecr_enhanced_result;
 * NULL under BASIC). */
static int enhanced_result(struct ecr_ctx *ctx, const char *account, const char *repo, const struct ecr_image_ref *ref,
			   json_t *inv, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	int rc = ecr_scancfg_enhanced(ctx, account, err);
	*out = NULL;
	if (rc <= 0)
		return rc;
	if ((rc = ecr_repo_load_name(ctx, account, repo, &r, err)))
		return rc;
	return ecr_enhanced_result(ctx, &r, ref, inv, out, err);
}

/* Keeps scan id's enhanced result with its row (migration 8). */
static int store_enhanced(struct ecr_ctx *ctx, long long id, json_t *result, struct ecr_err *err)
{
	char *text = json_dumps(result, JSON_COMPACT);
	ECR_CHECK_ALLOC(text, err);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "UPDATE scan SET enhanced = ? WHERE id = ?", err);
	int rc = ECR_E_STATE;
	if (st) {
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		rc = ecr_state_step(st, err);
		ecr_state_done(st);
	}
	free(text);
	return rc < 0 ? rc : 0;
}

/* Scan id's findings, from a match result. */
static int store_findings(struct ecr_ctx *ctx, long long id, json_t *m, struct ecr_err *err)
{
	int rc = 0;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT INTO finding(scan_id, ord, name, description, uri, severity, attributes) VALUES(?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return ECR_E_STATE;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(m, "findings"), i, f) {
		char *attrs = json_dumps(json_object_get(f, "attributes"), JSON_COMPACT);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
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
	ecr_state_done(st);
	return rc;
}

/* The result into the claimed row (the caller's write transaction): 1 when the claim
 * still held and the row was written, 0 when it was lost. */
static int store(struct ecr_ctx *ctx, long long id, const char *claim, const char *status, const char *desc,
		 json_t *m, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"UPDATE scan SET status = ?, description = ?, completed_at = ?, source_updated_at = ?, counts = ?,"
		" worker = NULL, claim = NULL, lease_until = NULL"
		" WHERE id = ? AND claim = ? AND status = 'IN_PROGRESS'", err);
	if (!st)
		return ECR_E_STATE;
	char *counts = m ? json_dumps(json_object_get(m, "counts"), JSON_COMPACT) : NULL;
	json_t *upd = m ? json_object_get(m, "sourceUpdatedAt") : NULL;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, desc, -1, SQLITE_TRANSIENT);
	if (m)
		sqlite3_bind_double(st, 3, ecr_ctx_now(ctx));
	else
		sqlite3_bind_null(st, 3);
	if (json_is_number(upd))
		sqlite3_bind_double(st, 4, json_number_value(upd));
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, counts ? counts : "{}", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, id);
	sqlite3_bind_text(st, 7, claim, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	free(counts);
	if (rc)
		return rc;
	if (!sqlite3_changes(ctx->db))
		return 0;
	if (!m)
		return 1;
	rc = store_findings(ctx, id, m, err);
	return rc ? rc : 1;
}

/* The image a claimed scan is about: its row id, digest and repository name. 0 when
 * the claim is gone. */
static int claimed_image(struct ecr_ctx *ctx, long long id, const char *claim, struct ecr_image_ref *ref,
			 char *repo, size_t repo_n, char *account, size_t account_n, char *region, size_t region_n,
			 struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT i.id, i.digest, r.name, r.account, r.region FROM scan s JOIN image i ON i.id = s.image_id"
		" JOIN repository r ON r.id = i.repo_id WHERE s.id = ? AND s.claim = ? AND s.status = 'IN_PROGRESS'", err);
	int found = 0;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, claim, -1, SQLITE_STATIC);
	if ((found = ecr_state_step(st, err)) > 0) {
		memset(ref, 0, sizeof(*ref));
		ref->id = sqlite3_column_int64(st, 0);
		snprintf(ref->digest, sizeof(ref->digest), "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(repo, repo_n, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(account, account_n, "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(region, region_n, "%s", (const char *)sqlite3_column_text(st, 4));
	}
	ecr_state_done(st);
	return found;
}

/* Basic scanning reads OS packages only; ENHANCED also language packages, so an image
 * of those alone (a distroless or scratch Node or Go image) is supported there. */
static int unsupported(struct ecr_ctx *ctx, const char *account, json_t *inv, struct ecr_err *err)
{
	int os = json_is_object(json_object_get(inv, "os")) || json_array_size(json_object_get(inv, "packages"));
	int enhanced = ecr_scancfg_enhanced(ctx, account, err);
	if (enhanced < 0)
		return enhanced;
	if (enhanced && json_array_size(json_object_get(inv, "languagePackages")))
		return 0;
	return json_object_get(inv, "unsupported") || !os;
}

/* A COMPLETE result's description: ECR's text, and when no feed covers the image's OS,
 * that said too (an image no feed covers is not an image without findings). Without
 * an OS only language packages were read (ENHANCED): there is nothing to cover. */
static void complete_text(json_t *inv, json_t *m, char *desc, size_t n)
{
	json_t *os = json_object_get(inv, "os");
	const char *id = json_string_value(json_object_get(os, "id"));
	const char *version = json_string_value(json_object_get(os, "versionId"));
	if (json_is_true(json_object_get(m, "covered")) || !json_is_object(os))
		snprintf(desc, n, "%s", ECR_SCAN_OK_TEXT);
	else
		snprintf(desc, n, "%s " ECR_SCAN_NO_DATA_TEXT " %s%s%s; import a feed for it (ecrlite vulndb import).",
			 ECR_SCAN_OK_TEXT, id ? id : "?", version ? " " : "", version ? version : "");
}

static int scan_run(struct ecr_ctx *ctx, long long id, const char *claim, const struct ecr_image_ref *claimed,
		    const char *repo, const char *account, json_t **status_out, struct ecr_err *err);

static int cannot_scan(struct ecr_err *err, const char *mt)
{
	ecr_err_set(err, ECR_E_UNSUPPORTED_IMAGE,
		    "An artifact with media type '%s' cannot be scanned. For more information, see the Amazon ECR"
		    " documentation.", mt);
	return 0;
}

int ecr_scan_scannable(struct ecr_ctx *ctx, const char *digest, struct ecr_err *err)
{
	/* the manifest's type and its config's (artifactMediaType): ECR scans the artifact
	 * types of an image (a Docker or OCI image config), and refuses StartImageScan of
	 * anything else in these words, as it does an index */
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT media_type, coalesce(artifact_media_type, '') FROM manifest WHERE digest = ?", err);
	int rc, ok = 1;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0) {
		const char *mt = (const char *)sqlite3_column_text(st, 0), *cfg = (const char *)sqlite3_column_text(st, 1);
		if (!strcmp(mt, ECR_MT_OCI_INDEX) || !strcmp(mt, ECR_MT_DOCKER_LIST))
			ok = cannot_scan(err, mt);
		else if (*cfg && strcmp(cfg, ECR_MT_OCI_CONFIG) && strcmp(cfg, ECR_MT_DOCKER_CONFIG))
			ok = cannot_scan(err, cfg);
	}
	ecr_state_done(st);
	return ok ? (rc < 0 ? rc : 1) : 0;
}

/* A layer of image digest that is JSON (…+json, …/json: a buildx attestation's in-toto
 * statement, a signature, an SBOM) into mt, 1; 0 when none; negative when the state
 * fails. Such a manifest has an image's config, so ECR takes its StartImageScan, and
 * the scan fails (moby/buildkit#3499: buildx's attestations show FAILED in ECR): here
 * it fails saying why, not as a corrupt layer. */
static int json_layer(struct ecr_ctx *ctx, const char *digest, char *mt, size_t n, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT media_type FROM manifest_layer WHERE manifest = ? AND (media_type LIKE '%+json'"
		" OR media_type LIKE '%/json') ORDER BY idx LIMIT 1", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	int rc = ecr_state_step(st, err);
	if (rc > 0)
		snprintf(mt, n, "%s", (const char *)sqlite3_column_text(st, 0));
	ecr_state_done(st);
	return rc;
}

/* ctx acts as registry account in region (saving its own into save_account and
 * save_region, each the size of ctx's, when given): a scan's configuration, result and
 * event are its image's registry's, whoever runs it. */
static void as_registry(struct ecr_ctx *ctx, const char *account, const char *region, char *save_account,
			char *save_region)
{
	if (save_account)
		memcpy(save_account, ctx->account, sizeof(ctx->account));
	if (save_region)
		memcpy(save_region, ctx->region, sizeof(ctx->region));
	if (account != ctx->account)
		memmove(ctx->account, account, sizeof(ctx->account));
	if (region != ctx->region)
		memmove(ctx->region, region, sizeof(ctx->region));
}

int ecr_scan_run(struct ecr_ctx *ctx, long long id, const char *claim, json_t **status_out, struct ecr_err *err)
{
	struct ecr_image_ref ref;
	char repo[260], account[sizeof(ctx->account)], region[sizeof(ctx->region)];
	char own_account[sizeof(ctx->account)], own_region[sizeof(ctx->region)];
	int rc;
	if (status_out)
		*status_out = NULL;
	if ((rc = claimed_image(ctx, id, claim, &ref, repo, sizeof(repo), account, sizeof(account), region,
				sizeof(region), err)) <= 0)
		return rc;
	/* The scan runs as its repository's registry and region, whoever runs it: a server's
	 * scan worker has the server's default region and account, and the registry scanning
	 * configuration it reads, the enhanced result and the scan event (its account, region
	 * and ARN) are the image's. A push into us-west-2 through `ecrlite serve` was scanned
	 * under us-east-1's configuration and its event said us-east-1. */
	as_registry(ctx, account, region, own_account, own_region);
	rc = scan_run(ctx, id, claim, &ref, repo, account, status_out, err);
	as_registry(ctx, own_account, own_region, NULL, NULL);
	return rc;
}

static int scan_run(struct ecr_ctx *ctx, long long id, const char *claim, const struct ecr_image_ref *claimed,
		    const char *repo, const char *account, json_t **status_out, struct ecr_err *err)
{
	struct ecr_err why = {0};
	struct ecr_image_ref ref = *claimed;
	json_t *inv = NULL, *m = NULL, *pending = NULL, *enh = NULL;
	const char *status;
	char desc[1200];
	int rc;
	/* the long part: no transaction is open, so writers never wait for it */
	char jmt[160];
	if ((rc = json_layer(ctx, ref.digest, jmt, sizeof(jmt), &why)) > 0) {
		status = "FAILED";
		snprintf(desc, sizeof(desc), "UnsupportedImageError: a layer of media type '%s' is no filesystem (an"
			 " attestation, a signature or an SBOM is not an image to scan)", jmt);
	} else if (rc < 0 || (rc = ecr_inventory_read(ctx, ref.digest, 0, &pending, &inv, &why))) {
		/* a layer we refuse, or the state failing under us: FAILED with why, never
		 * IN_PROGRESS forever */
		status = "FAILED";
		snprintf(desc, sizeof(desc), "%s", why.message);
	} else if ((rc = unsupported(ctx, account, inv, &why)) < 0) {
		status = "FAILED";
		snprintf(desc, sizeof(desc), "%s", why.message);
	} else if (rc) {
		status = "UNSUPPORTED_IMAGE";
		snprintf(desc, sizeof(desc), "%s", ECR_SCAN_UNSUPPORTED_TEXT);
	} else if ((rc = ecr_match(ctx, inv, &m, &why))) {
		status = "FAILED";
		snprintf(desc, sizeof(desc), "%s", why.message);
	} else if ((rc = enhanced_result(ctx, account, repo, &ref, inv, &enh, &why))) {
		status = "FAILED";
		snprintf(desc, sizeof(desc), "%s", why.message);
	} else {
		status = "COMPLETE";
		complete_text(inv, m, desc, sizeof(desc));
	}
	/* the short part: one write transaction for the result, its caches and event */
	struct ecr_txn t;
	if ((rc = ecr_txn_begin(ctx, 1, &t, err)))
		goto out;
	rc = store(ctx, id, claim, status, desc, m, err);
	if (rc == 1 && enh && (rc = store_enhanced(ctx, id, enh, err)) == 0)
		rc = 1;
	if (rc == 1) {
		ecr_inventory_save(ctx, pending);
		if ((rc = scan_event(ctx, repo, &ref, status, m ? json_object_get(m, "counts") : NULL,
				     json_object_get(enh, "counts"), err)) == 0)
			rc = 1;
	}
	if (rc <= 0) {
		ecr_txn_abort(&t);
		goto out;
	}
	if ((rc = ecr_txn_commit(&t, NULL, err)))
		goto out;
	if (status_out)
		*status_out = json_pack("{s:s, s:s}", "status", status, "description", desc);
	rc = 1;
out:
	json_decref(pending);
	json_decref(inv);
	json_decref(m);
	json_decref(enh);
	return rc;
}

int ecr_scan_rematch(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref, json_t **status_out,
		     struct ecr_err *err)
{
	/* the image's last scan: it must have read the image (COMPLETE) */
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT status, started_at FROM scan WHERE image_id = ? ORDER BY id DESC LIMIT 1", err);
	json_t *inv = NULL, *m = NULL;
	double started = -1;
	int complete = 0, rc;
	char desc[1200];
	if (status_out)
		*status_out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, ref->id);
	if ((rc = ecr_state_step(st, err)) > 0) {
		complete = !strcmp((const char *)sqlite3_column_text(st, 0), "COMPLETE");
		started = sqlite3_column_double(st, 1);
	}
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (started < 0 || !complete)
		return ecr_err_set(err, ECR_E_SCAN_NOT_FOUND,
				   "%s image %s in repository '%s' has no completed scan to match again: start one (StartImageScan)",
				   started < 0 ? "the" : "the last scan of", ref->digest, r->name);
	/* the cached inventory (the layers are read again only if the cache is gone) */
	if ((rc = ecr_inventory(ctx, ref->digest, &inv, err)) || (rc = ecr_match(ctx, inv, &m, err)))
		goto out;
	complete_text(inv, m, desc, sizeof(desc));
	/* a new result row, started as the scan it re-matches: the daily quota counts
	 * scans, not this */
	st = ecr_state_prepare(ctx->db,
		"INSERT INTO scan(image_id, status, description, started_at, completed_at, source_updated_at, counts)"
		" VALUES(?, 'COMPLETE', ?, ?, ?, ?, ?)", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	char *counts = json_dumps(json_object_get(m, "counts"), JSON_COMPACT);
	json_t *upd = json_object_get(m, "sourceUpdatedAt");
	sqlite3_bind_int64(st, 1, ref->id);
	sqlite3_bind_text(st, 2, desc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 3, started);
	sqlite3_bind_double(st, 4, ecr_ctx_now(ctx));
	if (json_is_number(upd))
		sqlite3_bind_double(st, 5, json_number_value(upd));
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, counts ? counts : "{}", -1, SQLITE_TRANSIENT);
	free(counts);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	if (rc || (rc = store_findings(ctx, sqlite3_last_insert_rowid(ctx->db), m, err)))
		goto out;
	/* the event is the repository's registry's: RematchImage with another registryId */
	char own_account[sizeof(ctx->account)];
	as_registry(ctx, r->account, ctx->region, own_account, NULL);
	rc = scan_event(ctx, r->name, ref, "COMPLETE", json_object_get(m, "counts"), NULL, err);
	as_registry(ctx, own_account, ctx->region, NULL, NULL);
	if (rc)
		goto out;
	if (status_out)
		*status_out = json_pack("{s:s, s:s}", "status", "COMPLETE", "description", desc);
out:
	json_decref(inv);
	json_decref(m);
	return rc;
}
