/* The umbrella header frontends include: the context, ecr_call() and the op table.
 * Ownership: ecr_call borrows req; *resp_out is a new reference the caller decrefs. */
#ifndef ECR_H
#define ECR_H
#include <jansson.h>

#include "err.h"
#include "model.h"

#define ECRLITE_VERSION "0.1.0"
#define ECR_DEFAULT_ACCOUNT "000000000000"
#define ECR_DEFAULT_REGION "us-east-1"

struct ecr_ctx;

/* Opens (creating if needed) the state directory: home, else $ECRLITE_HOME, else
 * $XDG_DATA_HOME/ecrlite, else ~/.local/share/ecrlite. The account is
 * $ECRLITE_ACCOUNT_ID or 000000000000; the region is ECR_DEFAULT_REGION until set. */
int ecr_ctx_open(struct ecr_ctx **out, const char *home, struct ecr_err *err);
void ecr_ctx_free(struct ecr_ctx *ctx);
/* 0 for a well-formed region name, else InvalidParameterException (botocore's words). */
int ecr_region_check(const char *region, struct ecr_err *err);
/* region is copied; fails with InvalidParameterException on a malformed name. */
int ecr_ctx_set_region(struct ecr_ctx *ctx, const char *region, struct ecr_err *err);
const char *ecr_ctx_region(const struct ecr_ctx *ctx);   /* borrowed, while ctx lives */
const char *ecr_ctx_account(const struct ecr_ctx *ctx);  /* borrowed, while ctx lives */
const char *ecr_ctx_home(const struct ecr_ctx *ctx);     /* borrowed, while ctx lives */
/* Seconds since the epoch: $ECRLITE_NOW (epoch seconds or ISO 8601) when set, for tests. */
double ecr_ctx_now(const struct ecr_ctx *ctx);

/* Runs one operation by its model name (CreateRepository …): validates req against
 * the model, runs it in one transaction, returns 0 and a response, or a negative
 * ECR_E_* with err filled. Timestamps in responses are epoch seconds (numbers). */
int ecr_call(struct ecr_ctx *ctx, const char *op, json_t *req, json_t **resp_out,
	     struct ecr_err *err);
/* 1 when ecrlite implements the model operation op locally. */
int ecr_op_supported(const char *op);
/* Iterates the implemented operations: name of row i, NULL past the end. */
const char *ecr_op_name(int i);

#endif
