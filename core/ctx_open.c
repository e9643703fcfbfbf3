/* Opening and freeing a context (ctx.h): the state directory and database, the
 * program's event consumers, recovery of scans whose process died. Apart from ctx.c's
 * fields and clock, which every module reads, so that those modules and the ones this
 * calls (events, scans) do not call each other in a circle. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "digest.h"
#include "event.h"
#include "state.h"

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
	if (mkdir(tmp, 0700) && errno != EEXIST && errno != EROFS && errno != EACCES)
		return ecr_err_set(err, ECR_E_STATE, "cannot create state directory '%s': %s", tmp, strerror(errno));
	return 0;
}

/* The state directory must be a directory of the user's own, and not a filesystem
 * root: ECRLITE_HOME=/ would otherwise scatter ecrlite.db and blobs/ over /. Sets
 * *readonly when the user cannot write there (reads still work). */
static int check_home(const char *home, int *readonly, struct ecr_err *err)
{
	struct stat st, up;
	char parent[PATH_MAX];
	if (stat(home, &st))
		return ecr_err_set(err, ECR_E_STATE, "cannot use state directory '%s': %s", home, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ecr_err_set(err, ECR_E_STATE, "state directory '%s' is not a directory", home);
	if (snprintf(parent, sizeof(parent), "%s/..", home) >= (int)sizeof(parent))
		return ecr_err_set(err, ECR_E_STATE, "state directory path too long");
	if (!stat(parent, &up) && up.st_dev == st.st_dev && up.st_ino == st.st_ino)
		return ecr_err_set(err, ECR_E_STATE,
				   "state directory '%s' is a filesystem root: point ECRLITE_HOME at a directory of its own", home);
	if (st.st_uid != geteuid())
		return ecr_err_set(err, ECR_E_STATE, "state directory '%s' is owned by another user (uid %u)", home,
				   (unsigned)st.st_uid);
	*readonly = access(home, W_OK | X_OK) != 0;
	return 0;
}

void ecr_options_init(struct ecr_options *o)
{
	memset(o, 0, sizeof(*o));
	o->now = -1;
}

int ecr_ctx_open(struct ecr_ctx **out, const struct ecr_options *opt, struct ecr_err *err)
{
	struct ecr_ctx *ctx = calloc(1, sizeof(*ctx));
	char path[PATH_MAX];
	int rc, readonly = 0;
	*out = NULL;
	ecr_crypto_init();
	if (!ctx)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	if (!opt->home || !*opt->home) {
		rc = ecr_err_set(err, ECR_E_STATE, "no state directory given");
		goto fail;
	}
	if (!(ctx->home = strdup(opt->home))) {
		rc = ecr_err_oom(err);
		goto fail;
	}
	const char *acct = opt->account && *opt->account ? opt->account : ECR_DEFAULT_ACCOUNT;
	if (strlen(acct) != 12 || strspn(acct, "0123456789") != 12) {
		rc = ecr_err_set(err, ECR_E_USAGE, "invalid account id '%s': want 12 digits", acct);
		goto fail;
	}
	snprintf(ctx->account, sizeof(ctx->account), "%s", acct);
	snprintf(ctx->region, sizeof(ctx->region), "%s", ECR_DEFAULT_REGION);
	if (opt->now > ECR_CLOCK_MAX) {
		rc = ecr_err_set(err, ECR_E_USAGE, "clock %.0f is past 9999-12-31", opt->now);
		goto fail;
	}
	ctx->now = opt->now;
	ctx->report_undetermined = opt->report_undetermined;
	ctx->events = json_array();
	ctx->notices = json_array();
	ctx->scan_pending = json_array();
	if (!ctx->home || !ctx->events || !ctx->notices || !ctx->scan_pending) {
		rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
		goto fail;
	}
	if ((rc = mkdirs(ctx->home, err)) || (rc = check_home(ctx->home, &readonly, err)))
		goto fail;
	if (snprintf(path, sizeof(path), "%s/ecrlite.db", ctx->home) >= (int)sizeof(path)) {
		rc = ecr_err_set(err, ECR_E_STATE, "state directory path too long");
		goto fail;
	}
	if (!readonly && access(path, F_OK) == 0 && access(path, W_OK))
		readonly = 1; /* the database file alone is read-only */
	if (readonly && access(path, R_OK)) {
		rc = ecr_err_set(err, ECR_E_STATE, "state directory '%s' is not writable", ctx->home);
		goto fail;
	}
	ctx->readonly = readonly;
	if ((rc = ecr_state_open(&ctx->db, path, readonly, err)))
		goto fail;
	ecr_event_attach_defaults(ctx);
	/* scans whose process died: never IN_PROGRESS forever. Best effort (err NULL): a
	 * state busy or failing here fails the operation that follows with its own error,
	 * and the next open recovers them */
	if (!readonly)
		ecr_scan_recover(ctx, NULL);
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
	ecr_state_close(ctx->db);
	json_decref(ctx->events);
	json_decref(ctx->notices);
	json_decref(ctx->scan_pending);
	free(ctx->home);
	free(ctx);
}
