/* One unit of work: a SQLite transaction together with what hangs on its outcome —
 * the events it queued (delivered only after the commit, dropped on rollback) and the
 * scans it queued (run after the commit in inline mode, or told to the workers; forgotten
 * on rollback). ecr_call, scan on push and feed import all go through it, so none can
 * forget a step (libgit2's git_transaction_new/commit/free). Core-internal. */
#ifndef ECR_TXN_H
#define ECR_TXN_H
#include <jansson.h>

#include "ctx.h"

struct ecr_txn {
	struct ecr_ctx *ctx; /* the context it runs on */
	size_t mark;         /* events queued before it began: what an abort keeps */
	int open;            /* begun, and neither committed nor aborted */
};

/* BEGIN IMMEDIATE (write) or BEGIN (read). On failure t is not open. */
int ecr_txn_begin(struct ecr_ctx *ctx, int write, struct ecr_txn *t, struct ecr_err *err);
/* Commits, then delivers the events and runs or announces the scans it queued
 * (*scan_status_out, may be NULL: the ImageScanStatus of the last scan run here, new
 * reference). A failed commit aborts: nothing of it stays, nothing is delivered. */
int ecr_txn_commit(struct ecr_txn *t, json_t **scan_status_out, struct ecr_err *err);
/* Rolls back and drops its events and queued scans; a no-op when t is not open. */
void ecr_txn_abort(struct ecr_txn *t);

#endif
