/* ecrlite's own operation ApplyLifecyclePolicies: runs the stored lifecycle policies now.
 * ECR evaluates policies on its own ("within 24 hours" of an image meeting a rule);
 * ecrlite runs them when one is put and after each push (ops_lifecycle.c), and through
 * this row for everything else: an age rule coming due in a repository nobody pushes to.
 * `ecrlite serve` calls it periodically, `ecrlite lifecycle run` by hand.
 *
 * Request {repositoryNames?, registryId?}: the named repositories of registryId (the
 * default registry) in the context's region, as every ECR operation names one; without
 * names, every repository that has a policy, of registryId when given, else of every
 * registry and region in the state (what a server runs). Each repository is its own
 * pair of units of work: a read transaction finds whether its policy expires anything,
 * then a short write transaction either applies it (ecr_lifecycle_apply, the same
 * evaluation as a put or a push, done again inside the write so that nothing pushed in
 * between is missed) or, with nothing due, only records lastEvaluatedAt: the policy ran,
 * as ECR's GetLifecyclePolicy shows it. No write transaction spans two repositories.
 *
 * Response {repositories: [{registryId, region, repositoryName, expiredImages,
 * lastEvaluatedAt}], failures: [{registryId, region, repositoryName, failureCode,
 * failureReason}]}: expiredImages in GetLifecyclePolicyPreview's previewResults shape.
 * A repository that fails is listed in failures (BatchDeleteImage's way) and the others
 * still run, so one bad repository cannot stall every later one in a server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "model.h"
#include "ops.h"
#include "repo.h"
#include "state.h"
#include "txn.h"
#include "validate.h"

struct target {
	struct ecr_repo r; /* the repository */
	char region[32];   /* its region (repositories are per region) */
};

struct targets {
	struct target *v; /* the repositories to run, in the order answered */
	size_t n, cap;    /* how many, room for */
};

static int add(struct targets *t, const struct ecr_repo *r, const char *region, struct ecr_err *err)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].r.id == r->id)
			return 0; /* a name given twice runs once */
	if (t->n == t->cap) {
		struct target *bigger = realloc(t->v, (t->cap = t->cap ? t->cap * 2 : 16) * sizeof(*t->v));
		ECR_CHECK_ALLOC(bigger, err);
		t->v = bigger;
	}
	t->v[t->n].r = *r;
	snprintf(t->v[t->n].region, sizeof(t->v[t->n].region), "%s", region);
	t->n++;
	return 0;
}

/* The named repositories, each checked as ECR would name it: it exists and has a policy
 * (RepositoryNotFoundException, LifecyclePolicyNotFoundException), before any work. */
static int named(struct ecr_ctx *ctx, json_t *names, const char *account, struct targets *t, struct ecr_err *err)
{
	size_t i;
	json_t *n;
	int rc = 0;
	json_array_foreach(names, i, n) {
		struct ecr_repo r;
		struct ecr_lc_policy p;
		json_t *probe = json_pack("{s:O, s:s}", "repositoryName", n, "registryId", account);
		if (!probe)
			return ecr_err_oom(err);
		rc = ecr_validate(ecr_model_op("ListImages")->input, probe, err);
		json_decref(probe);
		if (rc || (rc = ecr_repo_load_name(ctx, account, json_string_value(n), &r, err)))
			return rc;
		if ((rc = ecr_lifecycle_load(ctx, &r, &p, NULL, err)) < 0)
			return rc;
		ecr_lifecycle_release(&p);
		if (!rc)
			return ecr_lifecycle_not_found(&r, err);
		if ((rc = add(t, &r, ctx->region, err)))
			return rc;
	}
	return 0;
}

/* Every repository with a policy, of account (NULL: of every registry), every region. */
static int stored(struct ecr_ctx *ctx, const char *account, struct targets *t, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT " ECR_REPO_COLUMNS ", region FROM repository WHERE lifecycle_policy IS NOT NULL"
		" AND (?1 IS NULL OR account = ?1) ORDER BY account, region, name", err);
	int rc;
	if (!st)
		return ECR_E_STATE;
	if (account)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	while ((rc = ecr_state_step(st, err)) > 0) {
		struct ecr_repo r;
		ecr_repo_from_row(st, &r);
		if ((rc = add(t, &r, (const char *)sqlite3_column_text(st, 8), err)))
			break;
	}
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

/* How many images r's policy expires now (0 also when it has none: *text_out NULL), and
 * the policy's text as stored (caller frees). Read-only. */
static int due(struct ecr_ctx *ctx, const struct ecr_repo *r, char **text_out, struct ecr_err *err)
{
	struct ecr_lc_policy p;
	json_t *results = NULL;
	int rc = ecr_lifecycle_load(ctx, r, &p, text_out, err);
	if (rc <= 0)
		return rc;
	rc = ecr_lifecycle_evaluate(ctx, r, &p, &results, NULL, err);
	ecr_lifecycle_release(&p);
	if (!rc)
		rc = (int)json_array_size(results);
	json_decref(results);
	if (rc < 0) {
		free(*text_out);
		*text_out = NULL;
	}
	return rc;
}

/* lastEvaluatedAt for a policy that expired nothing: only while it is still the text
 * evaluated (a policy put in between was run by its put, at its own time). */
static int stamp(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *text, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"UPDATE repository SET lifecycle_evaluated_at = ? WHERE id = ? AND lifecycle_policy = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_double(st, 1, ecr_ctx_now(ctx));
	sqlite3_bind_int64(st, 2, r->id);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	return rc;
}

/* The repository's lastEvaluatedAt as GetLifecyclePolicy answers it (new reference), or
 * NULL with *rc_out 0 when it has no policy any more (deleted in between). */
static json_t *evaluated_at(struct ecr_ctx *ctx, const struct ecr_repo *r, int *rc_out, struct ecr_err *err)
{
	json_t *at = NULL;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT lifecycle_evaluated_at FROM repository WHERE id = ? AND lifecycle_policy IS NOT NULL", err);
	*rc_out = 0;
	if (!st) {
		*rc_out = ECR_E_STATE;
		return NULL;
	}
	sqlite3_bind_int64(st, 1, r->id);
	int rc = ecr_state_step(st, err);
	if (rc > 0) {
		double v = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 0);
		/* epoch seconds; 0 for never, as get_lifecycle_policy gives it */
		if (!(at = v > 0 ? json_real(v) : json_integer(0)))
			rc = ecr_err_oom(err);
	}
	ecr_state_done(st);
	*rc_out = rc < 0 ? rc : 0;
	return at;
}

/* One repository: what is due (read), then apply or stamp (write). *entry_out is its
 * repositories entry, NULL when it has no policy any more. */
static int run_one(struct ecr_ctx *ctx, const struct target *tg, json_t **entry_out, struct ecr_err *err)
{
	struct ecr_txn t;
	json_t *expired = NULL, *at = NULL;
	char *text = NULL;
	int n, rc;
	*entry_out = NULL;
	if ((rc = ecr_txn_begin(ctx, 0, &t, err)))
		return rc;
	n = due(ctx, &tg->r, &text, err);
	ecr_txn_abort(&t); /* read only: nothing to keep */
	if (n < 0)
		return n;
	if (!text)
		return 0;
	if ((rc = ecr_txn_begin(ctx, 1, &t, err)))
		goto out;
	rc = n ? ecr_lifecycle_apply(ctx, &tg->r, 0, NULL, &expired, err) : stamp(ctx, &tg->r, text, err);
	if (!rc)
		at = evaluated_at(ctx, &tg->r, &rc, err);
	if (rc || (rc = ecr_txn_commit(&t, NULL, err))) {
		ecr_txn_abort(&t);
		goto out;
	}
	if (at) {
		*entry_out = json_pack("{s:s, s:s, s:s, s:o, s:O}", "registryId", tg->r.account, "region", tg->region,
				       "repositoryName", tg->r.name, "expiredImages", expired ? expired : json_array(),
				       "lastEvaluatedAt", at);
		expired = NULL;
		if (!*entry_out)
			rc = ecr_err_oom(err);
	}
out:
	json_decref(expired);
	json_decref(at);
	free(text);
	return rc;
}

int op_apply_lifecycle_policies(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	json_t *names = json_object_get(req, "repositoryNames"), *id = json_object_get(req, "registryId"), *v;
	json_t *done = NULL, *failures = NULL;
	struct targets t = {0};
	struct ecr_txn tx;
	size_t i;
	int rc;
	int bad = (names && (!json_is_array(names) || !json_array_size(names))) || (id && !json_is_string(id));
	json_array_foreach(names, i, v)
		bad |= !json_is_string(v);
	if (bad)
		return ecr_err_set(err, ECR_E_VALIDATION,
				   "ApplyLifecyclePolicies takes repositoryNames (a non-empty list of strings) and registryId (a string)");
	/* which repositories: read once, in a transaction of its own */
	if ((rc = ecr_txn_begin(ctx, 0, &tx, err)))
		return rc;
	rc = names ? named(ctx, names, ecr_ctx_registry(ctx, req), &t, err) : stored(ctx, json_string_value(id), &t, err);
	ecr_txn_abort(&tx);
	if (rc)
		goto out;
	done = json_array();
	failures = json_array();
	if (!done || !failures) {
		rc = ecr_err_oom(err);
		goto out;
	}
	for (i = 0; i < t.n; i++) {
		json_t *entry = NULL;
		if (run_one(ctx, &t.v[i], &entry, err)) {
			/* reported and passed over: the next repository still runs */
			json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s}", "registryId", t.v[i].r.account, "region", t.v[i].region,
					      "repositoryName", t.v[i].r.name, "failureCode", ecr_err_name(err),
					      "failureReason", err->message);
			ecr_err_clear(err);
			if (!f || json_array_append_new(failures, f)) {
				rc = ecr_err_oom(err);
				goto out;
			}
		} else if (entry && json_array_append_new(done, entry)) {
			rc = ecr_err_oom(err);
			goto out;
		}
	}
	if (!(*out = json_pack("{s:O, s:O}", "repositories", done, "failures", failures)))
		rc = ecr_err_oom(err);
out:
	json_decref(done);
	json_decref(failures);
	free(t.v);
	return rc;
}
