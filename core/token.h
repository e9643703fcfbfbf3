/* Opaque, tamper-evident pagination tokens. A token names the operation, a scope (what
 * the listing is of) and the last key returned; it is signed with a per-state secret so
 * a forged or foreign token is refused with InvalidParameterException. */
#ifndef ECR_TOKEN_H
#define ECR_TOKEN_H
#include <jansson.h>

#include "ctx.h"

/* A new token (caller frees) for resuming op/scope after key; NULL with err filled
 * when the state's secret cannot be read or memory ran out (a listing never ends
 * silently for want of its token). */
char *ecr_token_make(struct ecr_ctx *ctx, const char *op, const char *scope, long long key, struct ecr_err *err);
/* Sets out's nextToken to a new token for op/scope after key: 0, or the error code
 * with err filled (out is left without one). What every paged listing ends with. */
int ecr_token_set(struct ecr_ctx *ctx, json_t *out, const char *op, const char *scope, long long key,
		  struct ecr_err *err);
/* Decodes tok into *key; ECR_E_INVALID_PARAMETER when it is not ours for op/scope. */
int ecr_token_read(struct ecr_ctx *ctx, const char *op, const char *scope, const char *tok,
		   long long *key, struct ecr_err *err);

#endif
