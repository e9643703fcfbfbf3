#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "digest.h"
#include "event.h"
#include "state.h"
#include "validate.h"
#include "timefmt.h"

/* mkdir -p with 0700: the state holds credentials-adjacent data. */
static int mkdirs(const char *path, struct ecr_err *err)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return ecr_err_set(err, ECR_E_STATE, "state directory path too long");
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return ecr_err_set(err, ECR_E_STATE, "cannot create state directory '%s': %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return ecr_err_set(err, ECR_E_STATE, "cannot create state directory '%s': %s", tmp, strerror(errno));
	struct stat st;
	if (stat(tmp, &st) || !S_ISDIR(st.st_mode))
		return ecr_err_set(err, ECR_E_STATE, "state directory '%s' is not a directory", tmp);
	if (access(tmp, W_OK | X_OK))
		return ecr_err_set(err, ECR_E_STATE, "state directory '%s' is not writable", tmp);
	return 0;
}

static char *default_home(void)
{
	const char *e = getenv("ECRLITE_HOME");
	char buf[PATH_MAX];
	if (e && *e)
		return strdup(e);
	e = getenv("XDG_DATA_HOME");
	if (e && *e) {
		snprintf(buf, sizeof(buf), "%s/ecrlite", e);
		return strdup(buf);
	}
	e = getenv("HOME");
	snprintf(buf, sizeof(buf), "%s/.local/share/ecrlite", e && *e ? e : "/tmp");
	return strdup(buf);
}

int ecr_ctx_open(struct ecr_ctx **out, const char *home, struct ecr_err *err)
{
	struct ecr_ctx *ctx = calloc(1, sizeof(*ctx));
	char path[PATH_MAX];
	int rc;
	*out = NULL;
	ecr_crypto_init();
	if (!ctx)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	ctx->home = home ? strdup(home) : default_home();
	const char *acct = getenv("ECRLITE_ACCOUNT_ID");
	if (acct && *acct) {
		if (strlen(acct) != 12 || strspn(acct, "0123456789") != 12) {
			rc = ecr_err_set(err, ECR_E_USAGE, "invalid ECRLITE_ACCOUNT_ID '%s': want 12 digits", acct);
			goto fail;
		}
		snprintf(ctx->account, sizeof(ctx->account), "%s", acct);
	} else {
		snprintf(ctx->account, sizeof(ctx->account), "%s", ECR_DEFAULT_ACCOUNT);
	}
	snprintf(ctx->region, sizeof(ctx->region), "%s", ECR_DEFAULT_REGION);
	ctx->now = -1;
	ctx->events = json_array();
	ctx->notices = json_array();
	ctx->scan_pending = json_array();
	const char *now = getenv("ECRLITE_NOW");
	if (now && *now && ecr_time_parse(now, &ctx->now)) {
		rc = ecr_err_set(err, ECR_E_USAGE, "invalid ECRLITE_NOW '%s': want epoch seconds or ISO 8601", now);
		goto fail;
	}
	if ((rc = mkdirs(ctx->home, err)))
		goto fail;
	snprintf(path, sizeof(path), "%s/ecrlite.db", ctx->home);
	if ((rc = ecr_state_open(&ctx->db, path, err)))
		goto fail;
	ecr_event_attach_defaults(ctx);
	ecr_scan_recover(ctx, NULL); /* scans whose process died: never IN_PROGRESS forever */
	*out = ctx;
	return 0;
fail:
	ecr_ctx_free(ctx);
	return rc;
}

void ecr_ctx_free(struct ecr_ctx *ctx)
{
	if (!ctx)
		return;
	sqlite3_close(ctx->db);
	json_decref(ctx->events);
	json_decref(ctx->notices);
	json_decref(ctx->scan_pending);
	free(ctx->home);
	free(ctx);
}

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

double ecr_ctx_now(const struct ecr_ctx *ctx)
{
	if (ctx->now >= 0)
		return ctx->now;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Millisecond precision, as ECR's timestamps have. */
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
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
