/* One unit of work: a SQLite transaction together with what hangs on its outcome —
 * the events it queued (delivered only after the commit, dropped on rollback) and the
 * hooks registered during it (ecr_txn_hook: scan.c's runs or announces the scans it
 * queued; called after the commit, dropped on rollback with their aborted told). ecr_call,
 * scan on push and feed import all go through it, so none can forget a step (libgit2's
 * git_transaction_new/commit/free). The hooks keep txn.c from knowing its users: a scan
 * opens a unit of work itself. Core-internal. */
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
/* Commits, then delivers the events and calls the hooks registered during it, in order
 * (*result_out, may be NULL: what the hooks gave, new reference; scan.c's gives the
 * ImageScanStatus of the last scan run here). A failed commit aborts: nothing of it
 * stays, nothing is delivered. */
int ecr_txn_commit(struct ecr_txn *t, json_t **result_out, struct ecr_err *err);
/* Rolls back, drops its events and tells its hooks' aborted; a no-op when t is not open. */
void ecr_txn_abort(struct ecr_txn *t);
/* Registers committed (and aborted, may be NULL) with arg for the unit of work open on
 * ctx, once: a pair already registered is not added again. committed may replace
 * *result_out (when result_out is not NULL; decref the one it replaces); it runs with no
 * transaction open and may open units of work of its own. ECR_E_INTERNAL when the few
 * slots are full. */
int ecr_txn_hook(struct ecr_ctx *ctx, void (*committed)(struct ecr_ctx *ctx, void *arg, json_t **result_out),
		 void (*aborted)(struct ecr_ctx *ctx, void *arg), void *arg, struct ecr_err *err);

#endif
