/* The unit of work (txn.h). */
#include "event.h"
#include "scan.h"
#include "state.h"
#include "txn.h"

int ecr_txn_begin(struct ecr_ctx *ctx, int write, struct ecr_txn *t, struct ecr_err *err)
{
	int rc;
	t->ctx = ctx;
	t->mark = ecr_event_mark(ctx);
	t->open = 0;
	if ((rc = ecr_state_begin(ctx->db, write, err)))
		return rc;
	t->open = 1;
	return 0;
}

void ecr_txn_abort(struct ecr_txn *t)
{
	if (!t->open)
		return;
	ecr_state_rollback(t->ctx->db);
	ecr_event_rollback(t->ctx, t->mark);
	ecr_scan_forget(t->ctx);
	t->open = 0;
}

int ecr_txn_commit(struct ecr_txn *t, json_t **scan_status_out, struct ecr_err *err)
{
	int rc;
	if (scan_status_out)
		*scan_status_out = NULL;
	if ((rc = ecr_state_commit(t->ctx->db, err))) {
		ecr_txn_abort(t);
		return rc;
	}
	t->open = 0;
	ecr_event_flush(t->ctx);
	ecr_scan_after_commit(t->ctx, scan_status_out); /* inline mode: runs them now; queued: notifies */
	return 0;
}
