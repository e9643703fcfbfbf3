/* THE operations table and the one entry point every frontend calls. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "txn.h"
#include "validate.h"

/* The rows, from ECR_OPS (ops.h). */
#define ROW(name, fn, flags) {#name, op_##fn, flags},
static const struct op_row ops[] = {ECR_OPS(ROW)};
#undef ROW
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static int cmp_row(const void *key, const void *row)
{
	return strcmp(key, ((const struct op_row *)row)->name);
}

static const struct op_row *find(const char *name)
{
	return bsearch(name, ops, NOPS, sizeof(ops[0]), cmp_row);
}

int ecr_op_supported(const char *op)
{
	return find(op) != NULL;
}

int ecr_op_remote_ok(const char *op)
{
	const struct op_row *row = find(op);
	return row && !(row->flags & OP_HOST_PATHS);
}

const char *ecr_op_name(int i)
{
	return i >= 0 && (size_t)i < NOPS ? ops[i].name : NULL;
}

int ecr_call(struct ecr_ctx *ctx, const char *op, json_t *req, json_t **resp_out,
	     struct ecr_err *err)
{
	const struct op_row *row = find(op);
	const struct ecr_op_model *m = ecr_model_op(op);
	json_t *resp = NULL, *empty = NULL;
	int rc;
	*resp_out = NULL;
	ecr_err_clear(err);
	if (!m && !(row && (row->flags & OP_EXT)))
		return ecr_err_set(err, ECR_E_UNKNOWN_OPERATION, "Unknown operation %s", op);
	if (!row)
		return ecr_err_set(err, ECR_E_UNSUPPORTED_OPERATION,
				   "ecrlite does not implement %s (README, Deviations)", op);
	if (!req)
		req = empty = json_object();
	if (!ctx && !(row->flags & OP_NO_STATE)) {
		rc = ecr_err_set(err, ECR_E_USAGE, "%s needs a state (a context)", op);
		goto out;
	}
	if (!json_is_object(req)) {
		rc = ecr_err_set(err, ECR_E_VALIDATION, "request must be a JSON object");
		goto out;
	}
	if (m && (rc = ecr_validate(m->input, req, err)))
		goto out;
	if (row->flags & OP_OWN_TXN) {
		/* push reads its archive before its write transaction; rootfs needs no state */
		rc = row->fn(ctx, req, &resp, err);
	} else {
		struct ecr_txn t;
		if ((rc = ecr_txn_begin(ctx, row->flags & OP_WRITE, &t, err)))
			goto out;
		if ((rc = row->fn(ctx, req, &resp, err)))
			ecr_txn_abort(&t);
		else
			rc = ecr_txn_commit(&t, NULL, err);
	}
	if (rc) {
		json_decref(resp);
		goto out;
	}
	*resp_out = resp ? resp : json_object();
out:
	json_decref(empty);
	return rc;
}
