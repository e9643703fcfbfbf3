/* A context's fields, its region and its clock (ctx.h); opening one is ctx_open.c. */
#include <string.h>
#include <time.h>

#include "ctx.h"

int ecr_region_check(const char *region, struct ecr_err *err)
{
	size_t n = strlen(region);
	/* The model's Region shape: [0-9a-z-]{2,25}. */
	if (n < 2 || n > 25 || strspn(region, "0123456789abcdefghijklmnopqrstuvwxyz-") != n)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "Provided region_name '%s' doesn't match a supported format.", region);
	return 0;
}

int ecr_ctx_set_region(struct ecr_ctx *ctx, const char *region, struct ecr_err *err)
{
	int rc = ecr_region_check(region, err);
	if (!rc)
		memcpy(ctx->region, region, strlen(region) + 1);
	return rc;
}

const char *ecr_ctx_region(const struct ecr_ctx *ctx) { return ctx->region; }
const char *ecr_ctx_account(const struct ecr_ctx *ctx) { return ctx->account; }
const char *ecr_ctx_home(const struct ecr_ctx *ctx) { return ctx->home; }

double ecr_clock(double fixed)
{
	if (fixed >= 0)
		return fixed;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Millisecond precision, as ECR's timestamps have. */
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

double ecr_ctx_now(const struct ecr_ctx *ctx)
{
	return ecr_clock(ctx->now);
}

int ecr_ctx_report_undetermined(const struct ecr_ctx *ctx)
{
	return ctx->report_undetermined;
}

const char *ecr_ctx_registry(struct ecr_ctx *ctx, json_t *req)
{
	const char *r = json_string_value(json_object_get(req, "registryId"));
	return r ? r : ctx->account;
}

void ecr_ctx_set_endpoint(struct ecr_ctx *ctx, const char *url)
{
	snprintf(ctx->endpoint, sizeof(ctx->endpoint), "%s", url ? url : "");
	size_t n = strlen(ctx->endpoint);
	while (n && ctx->endpoint[n - 1] == '/')
		ctx->endpoint[--n] = '\0';
}

void ecr_ctx_set_progress(struct ecr_ctx *ctx, ecr_progress_fn fn, void *ud)
{
	ctx->progress = fn;
	ctx->progress_ud = ud;
}
