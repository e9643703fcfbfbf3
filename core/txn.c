/* The unit of work (txn.h). */
#include <string.h>

#include "event.h"
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

int ecr_txn_hook(struct ecr_ctx *ctx, void (*committed)(struct ecr_ctx *ctx, void *arg, json_t **result_out),
		 void (*aborted)(struct ecr_ctx *ctx, void *arg), void *arg, struct ecr_err *err)
{
	for (int i = 0; i < ctx->ntxn_hooks; i++)
		if (ctx->txn_hooks[i].committed == committed && ctx->txn_hooks[i].aborted == aborted &&
		    ctx->txn_hooks[i].arg == arg)
			return 0;
	if (ctx->ntxn_hooks == ECR_TXN_HOOKS)
		return ecr_err_set(err, ECR_E_INTERNAL, "too many after-commit hooks");
	ctx->txn_hooks[ctx->ntxn_hooks].committed = committed;
	ctx->txn_hooks[ctx->ntxn_hooks].aborted = aborted;
	ctx->txn_hooks[ctx->ntxn_hooks].arg = arg;
	ctx->ntxn_hooks++;
	return 0;
}

void ecr_txn_abort(struct ecr_txn *t)
{
	struct ecr_ctx *ctx = t->ctx;
	if (!t->open)
		return;
	ecr_state_rollback(ctx->db);
	ecr_event_rollback(ctx, t->mark);
	/* emptied first: an aborted hook that opens a unit of work starts a clean list */
	int n = ctx->ntxn_hooks;
	struct ecr_txn_hook hooks[ECR_TXN_HOOKS];
	memcpy(hooks, ctx->txn_hooks, sizeof hooks);
	ctx->ntxn_hooks = 0;
	for (int i = 0; i < n; i++)
		if (hooks[i].aborted)
			hooks[i].aborted(ctx, hooks[i].arg);
	t->open = 0;
}

int ecr_txn_commit(struct ecr_txn *t, json_t **result_out, struct ecr_err *err)
{
	struct ecr_ctx *ctx = t->ctx;
	int rc;
	if (result_out)
		*result_out = NULL;
	if ((rc = ecr_state_commit(ctx->db, err))) {
		ecr_txn_abort(t);
		return rc;
	}
	t->open = 0;
	ecr_event_flush(ctx);
	/* taken first: a hook opens units of work of its own (a scan stores its result),
	 * and what those register is theirs to run */
	int n = ctx->ntxn_hooks;
	struct ecr_txn_hook hooks[ECR_TXN_HOOKS];
	memcpy(hooks, ctx->txn_hooks, sizeof hooks);
	ctx->ntxn_hooks = 0;
	for (int i = 0; i < n; i++)
		hooks[i].committed(ctx, hooks[i].arg, result_out);
	return 0;
}
