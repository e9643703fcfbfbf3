/* Permissions policies: SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy,
 * PutRegistryPolicy, GetRegistryPolicy, DeleteRegistryPolicy. The text is checked as an
 * IAM policy document of the kind ECR takes, and kept as ECR answers with it: re-written
 * in the style of Jackson's default pretty printer (the CLI's own example of
 * set-repository-policy shows it). ecrlite enforces no policy: it has no principals. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ops.h"
#include "repo.h"
#include "state.h"

#define BAD_REPOSITORY "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'"
#define BAD_REGISTRY "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'"
#define POLICY_CAP (64 * 1024) /* the re-written text: the model caps the input at 10240 */

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Jackson's DefaultPrettyPrinter: objects one member a line, two spaces a level, " : "
 * between name and value; arrays on one line, "[ a, b ]"; empty ones "{ }" and "[ ]". */
static int pretty(struct buf *b, json_t *v, int level)
{
	int rc = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		int first = 1;
		rc = ecr_buf_addstr(b, "{");
		json_object_foreach(v, k, m) {
			json_t *ks = json_string(k);
			char *key = ks ? json_dumps(ks, JSON_ENCODE_ANY) : NULL;
			json_decref(ks);
			if (!key)
				return -1;
			rc = rc ? rc : ecr_buf_addstr(b, first ? "\n" : ",\n");
			for (int i = 0; !rc && i < level + 1; i++)
				rc = ecr_buf_addstr(b, "  ");
			rc = rc ? rc : ecr_buf_addstr(b, key);
			free(key);
			rc = rc ? rc : ecr_buf_addstr(b, " : ");
			rc = rc ? rc : pretty(b, m, level + 1);
			first = 0;
		}
		if (!first) {
			rc = rc ? rc : ecr_buf_addstr(b, "\n");
			for (int i = 0; !rc && i < level; i++)
				rc = ecr_buf_addstr(b, "  ");
		} else {
			rc = rc ? rc : ecr_buf_addstr(b, " ");
		}
		return rc ? rc : ecr_buf_addstr(b, "}");
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *m;
		rc = ecr_buf_addstr(b, "[ ");
		json_array_foreach(v, i, m) {
			rc = rc ? rc : i ? ecr_buf_addstr(b, ", ") : 0;
			rc = rc ? rc : pretty(b, m, level);
		}
		rc = rc ? rc : json_array_size(v) ? ecr_buf_addstr(b, " ") : 0;
		return rc ? rc : ecr_buf_addstr(b, "]");
	}
	char *s = json_dumps(v, JSON_ENCODE_ANY);
	if (!s)
		return -1;
	rc = ecr_buf_addstr(b, s);
	free(s);
	return rc;
}

/* A string or a non-empty list of strings. */
static int strings(json_t *v)
{
	size_t i;
	json_t *m;
	if (json_is_string(v))
		return 1;
	if (!json_is_array(v) || !json_array_size(v))
		return 0;
	json_array_foreach(v, i, m)
		if (!json_is_string(m))
			return 0;
	return 1;
}

/* "ecr:Set*" and the like: IAM's action wildcards (* and ?), case-insensitive. Greedy,
 * going back only to the last '*': a policy of many wildcards costs no more than a few. */
static int action_match(const char *pat, const char *name)
{
	const char *star = NULL, *resume = name;
	while (*name) {
		if (*pat == '*') {
			star = pat++;
			resume = name;
		} else if (*pat && (*pat == '?' || tolower((unsigned char)*pat) == tolower((unsigned char)*name))) {
			pat++;
			name++;
		} else if (star) {
			pat = star + 1;
			name = ++resume;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

static int covers(json_t *actions, const char *name)
{
	size_t i;
	json_t *m;
	if (json_is_string(actions))
		return action_match(json_string_value(actions), name);
	json_array_foreach(actions, i, m)
		if (action_match(json_string_value(m), name))
			return 1;
	return 0;
}

/* The registry policy's actions: replication's and pull through cache's (the user guide's
 * registry permissions); anything else is refused as ECR does. */
static int registry_action(json_t *actions)
{
	static const char *const ok[] = {"ecr:CreateRepository", "ecr:ReplicateImage", "ecr:BatchImportUpstreamImage"};
	size_t i;
	json_t *m;
	json_t *one = json_is_string(actions) ? actions : NULL;
	json_array_foreach(one ? NULL : actions, i, m) {
		int found = 0;
		for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
			found |= !strcasecmp(json_string_value(m), ok[k]);
		if (!found)
			return 0;
	}
	if (one) {
		for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
			if (!strcasecmp(json_string_value(one), ok[k]))
				return 1;
		return 0;
	}
	return 1;
}

/* Checks text as a permissions policy (registry: the registry's); *doc_out the parsed
 * document (new reference) and *lockout whether a statement denies SetRepositoryPolicy. */
static int check_policy(const char *text, int registry, json_t **doc_out, int *lockout, struct ecr_err *err)
{
	static const char *const top[] = {"Version", "Id", "Statement"};
	static const char *const stmt[] = {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
					   "Resource", "NotResource", "Condition"};
	const char *bad = registry ? BAD_REGISTRY : BAD_REPOSITORY;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL), *list, *s;
	const char *k, *ver;
	json_t *m;
	size_t i;
	*doc_out = NULL;
	*lockout = 0;
	if (!json_is_object(doc))
		goto refuse;
	json_object_foreach(doc, k, m) {
		int known = 0;
		for (size_t t = 0; t < sizeof(top) / sizeof(top[0]); t++)
			known |= !strcmp(k, top[t]);
		if (!known)
			goto refuse;
	}
	ver = str(doc, "Version");
	if (json_object_get(doc, "Version") && (!ver || (strcmp(ver, "2012-10-17") && strcmp(ver, "2008-10-17"))))
		goto refuse;
	list = json_object_get(doc, "Statement");
	if (json_is_object(list))
		list = json_pack("[O]", list);
	else if (json_is_array(list)) /* an empty list is taken: a policy that allows nothing */
		json_incref(list);
	else
		goto refuse;
	json_array_foreach(list, i, s) {
		const char *effect = json_is_object(s) ? str(s, "Effect") : NULL;
		int ok = effect && (!strcmp(effect, "Allow") || !strcmp(effect, "Deny"));
		json_object_foreach(ok ? s : NULL, k, m) {
			int known = 0;
			for (size_t t = 0; t < sizeof(stmt) / sizeof(stmt[0]); t++)
				known |= !strcmp(k, stmt[t]);
			ok &= known;
		}
		json_t *act = ok ? json_object_get(s, "Action") : NULL, *nact = ok ? json_object_get(s, "NotAction") : NULL;
		ok = ok && !act != !nact && strings(act ? act : nact);
		ok = ok && !json_object_get(s, "Principal") != !json_object_get(s, "NotPrincipal");
		/* a repository policy is about its repository: it names none (ECR refuses a Resource) */
		ok = ok && (registry || (!json_object_get(s, "Resource") && !json_object_get(s, "NotResource")));
		ok = ok && (!registry || (act && registry_action(act)));
		if (!ok) {
			json_decref(list);
			goto refuse;
		}
		if (!registry && !strcmp(effect, "Deny") && act && covers(act, "ecr:SetRepositoryPolicy"))
			*lockout = 1;
	}
	json_decref(list);
	*doc_out = doc;
	return 0;
refuse:
	json_decref(doc);
	return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "%s", bad);
}

/* The text ECR keeps for a policy document (caller frees). */
static int policy_text(json_t *doc, char **out, struct ecr_err *err)
{
	struct buf b;
	ecr_buf_init(&b, POLICY_CAP);
	if (pretty(&b, doc, 0) || !(*out = ecr_buf_detach(&b))) {
		ecr_buf_release(&b);
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Member must have length less than or equal to 10240'");
	}
	return 0;
}

/* The stored policy of repository id (caller frees), or NULL with ECR's exception. */
static int repo_policy(struct ecr_ctx *ctx, const struct ecr_repo *r, char **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT repository_policy FROM repository WHERE id = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	if ((rc = ecr_state_step(st, err)) > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    !(*out = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = ecr_err_oom(err);
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (!*out)
		return ecr_err_set(err, ECR_E_REPOSITORY_POLICY_NOT_FOUND,
				   "Repository policy does not exist for the repository with name '%s' in the registry with id '%s'",
				   r->name, r->account);
	return 0;
}

static int exec_sql(struct ecr_ctx *ctx, const char *sql, long long id, const char *a, const char *b, const char *c,
		    struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, err);
	int n = 1;
	if (!st)
		return ECR_E_STATE;
	if (id)
		sqlite3_bind_int64(st, n++, id);
	if (a)
		sqlite3_bind_text(st, n++, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, n++, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_text(st, n++, c, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	return rc;
}

int op_set_repository_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	json_t *doc = NULL;
	char *text = NULL;
	int lockout, rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = check_policy(str(req, "policyText"), 0, &doc, &lockout, err)))
		return rc;
	/* the model's force: a policy that would keep anyone from setting another one */
	if (lockout && !json_is_true(json_object_get(req, "force"))) {
		json_decref(doc);
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'The policy denies ecr:SetRepositoryPolicy and would prevent setting another policy; use force to set it'");
	}
	rc = policy_text(doc, &text, err);
	json_decref(doc);
	if (!rc)
		rc = exec_sql(ctx, "UPDATE repository SET repository_policy = ?2 WHERE id = ?1", r.id, text, NULL, NULL, err);
	if (!rc)
		*out = json_pack("{s:s, s:s, s:s}", "registryId", r.account, "repositoryName", r.name, "policyText", text);
	free(text);
	return rc;
}

int op_get_repository_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	char *text = NULL;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = repo_policy(ctx, &r, &text, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s}", "registryId", r.account, "repositoryName", r.name, "policyText", text);
	free(text);
	return 0;
}

int op_delete_repository_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	char *text = NULL;
	int rc = ecr_repo_load(ctx, req, &r, err);
	if (rc || (rc = repo_policy(ctx, &r, &text, err)))
		return rc;
	if (!(rc = exec_sql(ctx, "UPDATE repository SET repository_policy = NULL WHERE id = ?", r.id, NULL, NULL, NULL, err)))
		*out = json_pack("{s:s, s:s, s:s}", "registryId", r.account, "repositoryName", r.name, "policyText", text);
	free(text);
	return rc;
}

/* The registry's stored policy (caller frees), or RegistryPolicyNotFoundException. */
static int registry_policy(struct ecr_ctx *ctx, const char *account, char **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT policy FROM registry_policy WHERE account = ? AND region = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0 && !(*out = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = ecr_err_oom(err);
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (!*out)
		return ecr_err_set(err, ECR_E_REGISTRY_POLICY_NOT_FOUND,
				   "Registry policy does not exist in the registry with id '%s'", account);
	return 0;
}

int op_put_registry_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req);
	json_t *doc = NULL;
	char *text = NULL;
	int lockout, rc = check_policy(str(req, "policyText"), 1, &doc, &lockout, err);
	if (rc)
		return rc;
	rc = policy_text(doc, &text, err);
	json_decref(doc);
	if (!rc)
		rc = exec_sql(ctx, "INSERT INTO registry_policy(account, region, policy) VALUES(?, ?, ?)"
			      " ON CONFLICT(account, region) DO UPDATE SET policy = excluded.policy", 0, account, ctx->region,
			      text, err);
	if (!rc)
		*out = json_pack("{s:s, s:s}", "registryId", account, "policyText", text);
	free(text);
	return rc;
}

int op_get_registry_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req);
	char *text = NULL;
	int rc = registry_policy(ctx, account, &text, err);
	if (rc)
		return rc;
	*out = json_pack("{s:s, s:s}", "registryId", account, "policyText", text);
	free(text);
	return 0;
}

int op_delete_registry_policy(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req);
	char *text = NULL;
	int rc = registry_policy(ctx, account, &text, err);
	if (rc)
		return rc;
	if (!(rc = exec_sql(ctx, "DELETE FROM registry_policy WHERE account = ? AND region = ?", 0, account, ctx->region,
			    NULL, err)))
		*out = json_pack("{s:s, s:s}", "registryId", account, "policyText", text);
	free(text);
	return rc;
}
