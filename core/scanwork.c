/* Queued scans and their workers. A scan row IN_PROGRESS is either waiting (worker
 * NULL: any ecr_scan_work may claim it) or claimed (worker "host:pid", a claim token,
 * a lease). A claim dies with its process: a later caller on the same host sees the
 * pid gone (or, from another host, the lease run out) and takes the scan up again, or
 * FAILs it after ECR_SCAN_ATTEMPTS claims. Only the run's final transaction, matched on
 * the claim token, writes a result: a worker that lost its claim writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "scan.h"
#include "scanclaim.h"
#include "scanwork.h"
#include "state.h"

void ecr_ctx_set_scan_mode(struct ecr_ctx *ctx, enum ecr_scan_mode mode)
{
	ctx->scan_mode = mode == ECR_SCAN_QUEUED ? ECR_SCAN_QUEUED : ECR_SCAN_INLINE;
}

void ecr_ctx_set_scan_notify(struct ecr_ctx *ctx, void (*fn)(void *ud), void *ud)
{
	ctx->scan_notify = fn;
	ctx->scan_notify_ud = ud;
}

/* A dead claim, read outside any transaction first so that the common case (none)
 * costs one indexed read and takes no write lock. */
struct dead {
	long long id;  /* scan row */
	int attempts;  /* claims so far */
	int queued;    /* 1: queued for workers; 0: run inline by its (dead) process */
	char owner[128]; /* who died */
};

static int find_dead(struct ecr_ctx *ctx, struct dead *out, int max, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT id, worker, lease_until, attempts, queued FROM scan"
		" WHERE status = 'IN_PROGRESS' AND worker IS NOT NULL ORDER BY id", err);
	int n = 0, rc = 0;
	if (!st)
		return ECR_E_STATE;
	double now = ecr_ctx_now(ctx);
	while (n < max && (rc = ecr_state_step(st, err)) > 0) {
		const char *w = (const char *)sqlite3_column_text(st, 1);
		if (ecr_scanclaim_alive(w, sqlite3_column_double(st, 2), now))
			continue;
		out[n].id = sqlite3_column_int64(st, 0);
		out[n].attempts = sqlite3_column_int(st, 3);
		out[n].queued = sqlite3_column_int(st, 4);
		snprintf(out[n].owner, sizeof(out[n].owner), "%s", w ? w : "");
		n++;
	}
	ecr_state_done(st);
	return rc < 0 ? rc : n;
}

/* Inside a write transaction: each dead claim goes back to the queue (take_up, or it
 * was queued for workers anyway) or is FAILED with why. Matched on the same owner, so
 * a row claimed again meanwhile is left alone. */
static int settle(struct ecr_ctx *ctx, const struct dead *d, int n, int take_up, struct ecr_err *err)
{
	int changed = 0;
	for (int i = 0; i < n && changed >= 0; i++) {
		char desc[512];
		sqlite3_stmt *st;
		if ((take_up || d[i].queued) && d[i].attempts < ECR_SCAN_ATTEMPTS) {
			st = ecr_state_prepare(ctx->db,
				"UPDATE scan SET worker = NULL, claim = NULL, lease_until = NULL, queued = 1"
				" WHERE id = ?1 AND worker = ?2 AND status = 'IN_PROGRESS'", err);
		} else {
			if (d[i].attempts >= ECR_SCAN_ATTEMPTS)
				snprintf(desc, sizeof(desc),
					 "The scan failed: %d attempts were interrupted before they finished (the last by %s).",
					 d[i].attempts, d[i].owner);
			else
				snprintf(desc, sizeof(desc),
					 "The scan was interrupted: the process that ran it (%s) ended before it finished. Start the scan again.",
					 d[i].owner);
			st = ecr_state_prepare(ctx->db,
				"UPDATE scan SET status = 'FAILED', description = ?3, worker = NULL, claim = NULL,"
				" lease_until = NULL, interrupted = 1 WHERE id = ?1 AND worker = ?2 AND status = 'IN_PROGRESS'", err);
			if (st)
				sqlite3_bind_text(st, 3, desc, -1, SQLITE_TRANSIENT);
		}
		if (!st)
			return ECR_E_STATE;
		sqlite3_bind_int64(st, 1, d[i].id);
		sqlite3_bind_text(st, 2, d[i].owner, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			changed = ecr_state_fail(ctx->db, err);
		else
			changed += sqlite3_changes(ctx->db);
		ecr_state_done(st);
	}
	return changed;
}

static int recover(struct ecr_ctx *ctx, int take_up, struct ecr_err *err)
{
	struct dead d[64];
	int n = find_dead(ctx, d, 64, err), rc;
	if (n <= 0)
		return n;
	if ((rc = ecr_state_begin(ctx->db, 1, err)))
		return rc;
	rc = settle(ctx, d, n, take_up, err);
	int crc = rc < 0 ? rc : ecr_state_commit(ctx->db, err);
	if (crc < 0) {
		ecr_state_rollback(ctx->db);
		return crc; /* the commit's own state error, as filled in err */
	}
	return rc;
}

int ecr_scan_recover(struct ecr_ctx *ctx, struct ecr_err *err)
{
	/* a read-only state, or one busy for longer than the timeout, recovers later */
	return recover(ctx, 0, err);
}

/* Claims the oldest waiting scan: 1 with id/claim filled, 0 when none waits. */
static int claim_one(struct ecr_ctx *ctx, long long *id, char claim[40], struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT id FROM scan WHERE status = 'IN_PROGRESS' AND worker IS NULL ORDER BY id LIMIT 1", err);
	int found = 0, rc;
	if (!st)
		return ECR_E_STATE;
	found = ecr_state_step(st, err);
	ecr_state_done(st);
	if (found <= 0)
		return found; /* read outside a transaction: idle workers take no write lock */
	if ((rc = ecr_state_begin(ctx->db, 1, err)))
		return rc;
	st = ecr_state_prepare(ctx->db,
		"SELECT id FROM scan WHERE status = 'IN_PROGRESS' AND worker IS NULL ORDER BY id LIMIT 1", err);
	if (!st) {
		ecr_state_rollback(ctx->db);
		return ECR_E_STATE;
	}
	found = ecr_state_step(st, err);
	if (found > 0)
		*id = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	if (found < 0) {
		ecr_state_rollback(ctx->db);
		return found;
	}
	if (found) {
		char owner[128];
		ecr_scanclaim_owner(owner, sizeof(owner));
		ecr_scanclaim_token(claim);
		st = ecr_state_prepare(ctx->db,
			"UPDATE scan SET worker = ?, claim = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?", err);
		if (!st) {
			ecr_state_rollback(ctx->db);
			return ECR_E_STATE;
		}
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, claim, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 3, ecr_ctx_now(ctx) + ECR_SCAN_LEASE_SECONDS);
		sqlite3_bind_int64(st, 4, *id);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
		ecr_state_done(st);
		if (rc) {
			ecr_state_rollback(ctx->db);
			return rc;
		}
	}
	if ((rc = ecr_state_commit(ctx->db, err))) {
		ecr_state_rollback(ctx->db);
		return rc;
	}
	return found;
}

int ecr_scan_work(struct ecr_ctx *ctx, struct ecr_err *err)
{
	long long id = 0;
	char claim[40];
	int rc;
	ecr_err_clear(err);
	if ((rc = recover(ctx, 1, err)) < 0)
		return rc;
	if ((rc = claim_one(ctx, &id, claim, err)) <= 0)
		return rc;
	rc = ecr_scan_run(ctx, id, claim, NULL, err);
	return rc < 0 ? rc : 1;
}
