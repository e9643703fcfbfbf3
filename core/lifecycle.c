/* Lifecycle policies (lifecycle.h): the user guide's rules ("Lifecycle policy
 * properties", "How lifecycle policies work"), checked, evaluated and applied. */
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "state.h"

#define BAD "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: "
/* ECR's JSON Schema report for a rule it cannot read (the text Terraform issues quote,
 * newline and all): ecrlite gives it for any rule that does not fit the schema */
#define SCHEMA BAD "instance failed to match exactly one schema (matched 0 out of 2)\n'"
#define MAX_WILDCARDS 4     /* '*' per tagPatternList string (the user guide's limit) */
#define DAY 86400.0

static int bad(struct ecr_err *err, const char *what)
{
	return ecr_err_set(err, ECR_E_INVALID_PARAMETER, BAD "%s'", what);
}

static int only_keys(json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		int known = 0;
		for (const char *const *p = keys; *p; p++)
			known |= !strcmp(k, *p);
		if (!known)
			return 0;
	}
	return 1;
}

/* A non-empty list of non-empty strings, or absent. */
static int tag_list(json_t *v)
{
	size_t i;
	json_t *m;
	if (!v)
		return 1;
	if (!json_is_array(v) || !json_array_size(v))
		return 0;
	json_array_foreach(v, i, m)
		if (!json_is_string(m) || !json_string_length(m))
			return 0;
	return 1;
}

/* One rule against the schema; 0 when it fits. */
static int rule_shape(json_t *rule, struct ecr_lc_rule *out)
{
	static const char *const rule_keys[] = {"rulePriority", "description", "selection", "action", NULL};
	static const char *const sel_keys[] = {"tagStatus", "tagPrefixList", "tagPatternList", "countType", "countUnit",
					       "countNumber", NULL};
	static const char *const action_keys[] = {"type", NULL};
	json_t *sel = json_object_get(rule, "selection"), *action = json_object_get(rule, "action");
	json_t *prio = json_object_get(rule, "rulePriority"), *desc = json_object_get(rule, "description");
	json_t *num = json_object_get(sel, "countNumber"), *unit = json_object_get(sel, "countUnit");
	const char *ts = json_string_value(json_object_get(sel, "tagStatus"));
	const char *ct = json_string_value(json_object_get(sel, "countType"));
	const char *type = json_string_value(json_object_get(action, "type"));
	if (!json_is_object(rule) || !only_keys(rule, rule_keys) || !json_is_integer(prio) || json_integer_value(prio) < 1 ||
	    (desc && !json_is_string(desc)) || !json_is_object(sel) || !only_keys(sel, sel_keys) ||
	    !json_is_object(action) || !only_keys(action, action_keys) || !type || strcmp(type, "expire"))
		return -1;
	if (!ts || (strcmp(ts, "tagged") && strcmp(ts, "untagged") && strcmp(ts, "any")) || !ct ||
	    !json_is_integer(num) || json_integer_value(num) < 1)
		return -1;
	if (!tag_list(json_object_get(sel, "tagPrefixList")) || !tag_list(json_object_get(sel, "tagPatternList")))
		return -1;
	if (!strcmp(ct, "imageCountMoreThan")) {
		if (unit)
			return -1; /* countUnit only with sinceImagePushed */
		out->by_age = 0;
	} else if (!strcmp(ct, "sinceImagePushed")) {
		if (!json_is_string(unit) || strcmp(json_string_value(unit), "days"))
			return -1;
		out->by_age = 1;
	} else {
		return -1;
	}
	out->priority = json_integer_value(prio);
	out->tag_status = !strcmp(ts, "tagged") ? ECR_LC_TAGGED : !strcmp(ts, "untagged") ? ECR_LC_UNTAGGED : ECR_LC_ANY;
	out->prefixes = json_object_get(sel, "tagPrefixList");
	out->patterns = json_object_get(sel, "tagPatternList");
	out->count = json_integer_value(num);
	return 0;
}

static int by_priority(const void *a, const void *b)
{
	long long x = ((const struct ecr_lc_rule *)a)->priority, y = ((const struct ecr_lc_rule *)b)->priority;
	return x < y ? -1 : x > y;
}

int ecr_lifecycle_parse(const char *text, struct ecr_lc_policy *out, struct ecr_err *err)
{
	json_t *rules, *rule;
	size_t i;
	memset(out, 0, sizeof(*out));
	out->doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(out->doc)) {
		ecr_lifecycle_release(out);
		return bad(err, "Could not map policyString into LifecyclePolicy.");
	}
	rules = json_object_get(out->doc, "rules");
	if (!rules) {
		ecr_lifecycle_release(out);
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, BAD "object has missing required properties ([\"rules\"])\n'");
	}
	if (!json_is_array(rules) || !json_array_size(rules) || json_object_size(out->doc) != 1) {
		ecr_lifecycle_release(out);
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER, SCHEMA);
	}
	if (!(out->rules = calloc(json_array_size(rules), sizeof(*out->rules)))) {
		ecr_lifecycle_release(out);
		return ecr_err_oom(err);
	}
	json_array_foreach(rules, i, rule) {
		struct ecr_lc_rule *r = &out->rules[out->nrules++];
		if (rule_shape(rule, r)) {
			ecr_lifecycle_release(out);
			return ecr_err_set(err, ECR_E_INVALID_PARAMETER, SCHEMA);
		}
		/* the user guide's rules beyond the schema; ECR's words for them are not known */
		if (r->tag_status == ECR_LC_TAGGED && !r->prefixes && !r->patterns) {
			ecr_lifecycle_release(out);
			return bad(err, "a rule with tagStatus tagged must have a tagPrefixList or a tagPatternList");
		}
		if (r->tag_status != ECR_LC_TAGGED && (r->prefixes || r->patterns)) {
			ecr_lifecycle_release(out);
			return bad(err, "tagPrefixList and tagPatternList are only for a rule with tagStatus tagged");
		}
		if (r->prefixes && r->patterns) {
			ecr_lifecycle_release(out);
			return bad(err, "a rule may have a tagPrefixList or a tagPatternList, not both");
		}
		size_t k;
		json_t *pat;
		json_array_foreach(r->patterns, k, pat) {
			int stars = 0;
			for (const char *c = json_string_value(pat); *c; c++)
				stars += *c == '*';
			if (stars > MAX_WILDCARDS) {
				ecr_lifecycle_release(out);
				return bad(err, "a tagPatternList string may have at most 4 wildcards (*)");
			}
		}
	}
	if (out->nrules) /* qsort takes no NULL, even for no elements */
		qsort(out->rules, (size_t)out->nrules, sizeof(*out->rules), by_priority);
	for (int k = 0; k < out->nrules; k++) {
		if (k && out->rules[k].priority == out->rules[k - 1].priority) {
			ecr_lifecycle_release(out);
			return bad(err, "rulePriority must be unique to each rule");
		}
		if (out->rules[k].tag_status == ECR_LC_ANY && k != out->nrules - 1) {
			ecr_lifecycle_release(out);
			return bad(err, "a rule with tagStatus any must have the highest rulePriority");
		}
	}
	return 0;
}

void ecr_lifecycle_release(struct ecr_lc_policy *p)
{
	json_decref(p->doc);
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

char *ecr_lifecycle_text(const struct ecr_lc_policy *p)
{
	return json_dumps(p->doc, JSON_COMPACT);
}

/* A tagPatternList string: '*' matches any run of characters. Greedy, going back only
 * to the last '*' (linear in practice, never exponential in the wildcards). */
static int glob(const char *pat, const char *s)
{
	const char *star = NULL, *resume = s;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/* Whether an image with these tags fits the rule's tag requirements (the user guide:
 * with several prefixes or patterns, only images with all of them are selected). */
static int selects(const struct ecr_lc_rule *r, json_t *tags)
{
	size_t i, k;
	json_t *want, *t;
	if (r->tag_status == ECR_LC_ANY)
		return 1;
	if (r->tag_status == ECR_LC_UNTAGGED)
		return !json_array_size(tags);
	if (!json_array_size(tags))
		return 0;
	json_array_foreach(r->prefixes ? r->prefixes : r->patterns, i, want) {
		const char *w = json_string_value(want);
		int found = 0;
		json_array_foreach(tags, k, t) {
			const char *tag = json_string_value(t);
			found |= r->prefixes ? !strncmp(tag, w, strlen(w)) : glob(w, tag);
		}
		if (!found)
			return 0;
	}
	return 1;
}

struct img {
	long long id;        /* image.id */
	const char *digest;  /* imageDigest (in the list of rows) */
	double pushed_at;    /* imagePushedAt */
	json_t *tags;        /* its tags, as ImageDetail lists them (borrowed) */
	long long expired_by; /* the rule's priority, 0 while kept */
	int claimed;         /* a rule of lower priority selected it: no later rule may expire it */
};

/* youngest first: "images are sorted from youngest to oldest based on pushed_at_time" */
static int youngest_first(const void *a, const void *b)
{
	const struct img *x = a, *y = b;
	if (x->pushed_at != y->pushed_at)
		return x->pushed_at > y->pushed_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static int result_order(const void *a, const void *b)
{
	const struct img *x = *(struct img *const *)a, *y = *(struct img *const *)b;
	if (x->expired_by != y->expired_by)
		return x->expired_by < y->expired_by ? -1 : 1;
	if (x->pushed_at != y->pushed_at)
		return x->pushed_at < y->pushed_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int ecr_lifecycle_evaluate(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_lc_policy *p,
			   json_t **results_out, json_t **ids_out, struct ecr_err *err)
{
	/* every image with its tags (newest tag first, as ImageDetail), and whether an index
	 * of the repository names it: such an image is not expired while the index is there */
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT i.id, i.digest, i.pushed_at,"
		" (SELECT json_group_array(tag) FROM (SELECT tag FROM image_tag t WHERE t.image_id = i.id ORDER BY t.rowid DESC)),"
		" EXISTS (SELECT 1 FROM manifest_ref m JOIN image x ON x.digest = m.manifest"
		"  WHERE x.repo_id = i.repo_id AND m.digest = i.digest AND x.id <> i.id)"
		" FROM image i WHERE i.repo_id = ?", err);
	json_t *rows = json_array(), *results = NULL, *ids = NULL;
	struct img *imgs = NULL, **hit = NULL;
	size_t n = 0, cap = 0, nhit = 0;
	int rc;
	*results_out = NULL;
	if (ids_out)
		*ids_out = NULL;
	if (!st) {
		json_decref(rows);
		return ECR_E_STATE;
	}
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = ecr_state_step(st, err)) > 0) {
		if (sqlite3_column_int(st, 4))
			continue;
		if (n == cap) {
			struct img *bigger = realloc(imgs, (cap = cap ? cap * 2 : 64) * sizeof(*imgs));
			if (!bigger) {
				rc = ecr_err_oom(err);
				break;
			}
			imgs = bigger;
		}
		json_t *row = json_pack("{s:s, s:o}", "digest", (const char *)sqlite3_column_text(st, 1), "tags",
					json_loads((const char *)sqlite3_column_text(st, 3), 0, NULL));
		if (!row || !json_is_array(json_object_get(row, "tags")) || json_array_append_new(rows, row)) {
			rc = ecr_err_oom(err);
			break;
		}
		imgs[n] = (struct img){sqlite3_column_int64(st, 0), json_string_value(json_object_get(row, "digest")),
				       sqlite3_column_double(st, 2), json_object_get(row, "tags"), 0, 0};
		n++;
	}
	ecr_state_done(st);
	if (rc < 0)
		goto out;
	if (n) /* imgs is NULL for a repository without images */
		qsort(imgs, n, sizeof(*imgs), youngest_first);
	double now = ecr_ctx_now(ctx);
	/* rules in priority order; an image is expired by at most one rule, and never by a
	 * rule after one whose tag requirements it meets; a rule still counts the images
	 * an earlier rule expired ("How lifecycle policies work") */
	for (int k = 0; k < p->nrules; k++) {
		const struct ecr_lc_rule *rule = &p->rules[k];
		long long seen = 0;
		for (size_t i = 0; i < n; i++) {
			if (!selects(rule, imgs[i].tags))
				continue;
			seen++;
			int expires = rule->by_age ? imgs[i].pushed_at < now - (double)rule->count * DAY : seen > rule->count;
			if (expires && !imgs[i].claimed && !imgs[i].expired_by)
				imgs[i].expired_by = rule->priority;
		}
		for (size_t i = 0; i < n; i++)
			if (selects(rule, imgs[i].tags))
				imgs[i].claimed = 1;
	}
	if (n && !(hit = calloc(n, sizeof(*hit)))) {
		rc = ecr_err_oom(err);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (imgs[i].expired_by)
			hit[nhit++] = &imgs[i];
	if (nhit)
		qsort(hit, nhit, sizeof(*hit), result_order);
	results = json_array();
	ids = json_array();
	for (size_t i = 0; i < nhit; i++) {
		/* the members in the model's order; an untagged image has no imageTags */
		json_t *res = json_array_size(hit[i]->tags) ? json_pack("{s:O}", "imageTags", hit[i]->tags) : json_object();
		if (!res || json_object_set_new(res, "imageDigest", json_string(hit[i]->digest)) ||
		    json_object_set_new(res, "imagePushedAt", json_real(hit[i]->pushed_at)) ||
		    json_object_set_new(res, "action", json_pack("{s:s}", "type", "EXPIRE")) ||
		    json_object_set_new(res, "appliedRulePriority", json_integer(hit[i]->expired_by)) ||
		    json_array_append_new(results, res) || json_array_append_new(ids, json_integer(hit[i]->id))) {
			rc = ecr_err_oom(err);
			goto out;
		}
	}
	rc = 0;
	*results_out = results;
	results = NULL;
	if (ids_out) {
		*ids_out = ids;
		ids = NULL;
	}
out:
	json_decref(results);
	json_decref(ids);
	json_decref(rows);
	free(imgs);
	free(hit);
	return rc < 0 ? rc : 0;
}

int ecr_lifecycle_after_push(struct ecr_ctx *ctx, const struct ecr_repo *r, long long id, struct ecr_err *err)
{
	int gone = 0, rc = ecr_lifecycle_apply(ctx, r, id, &gone, NULL, err);
	return rc < 0 ? rc : !gone;
}

int ecr_lifecycle_not_found(const struct ecr_repo *r, struct ecr_err *err)
{
	return ecr_err_set(err, ECR_E_LIFECYCLE_POLICY_NOT_FOUND,
			   "Lifecycle policy does not exist for the repository with name '%s' in the registry with id '%s'",
			   r->name, r->account);
}

int ecr_lifecycle_load(struct ecr_ctx *ctx, const struct ecr_repo *r, struct ecr_lc_policy *out, char **text_out,
		       struct ecr_err *err)
{
	char *text = NULL;
	int rc;
	memset(out, 0, sizeof(*out));
	if (text_out)
		*text_out = NULL;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT lifecycle_policy FROM repository WHERE id = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, r->id);
	if ((rc = ecr_state_step(st, err)) > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    !(text = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = ecr_err_oom(err);
	ecr_state_done(st);
	if (rc < 0 || !text)
		return rc < 0 ? rc : 0;
	/* a stored policy passed these checks when it was put */
	rc = ecr_lifecycle_parse(text, out, err);
	if (!rc && text_out)
		*text_out = text;
	else
		free(text);
	return rc ? rc : 1;
}

int ecr_lifecycle_apply(struct ecr_ctx *ctx, const struct ecr_repo *r, long long watch, int *watch_expired_out,
			json_t **expired_out, struct ecr_err *err)
{
	struct ecr_lc_policy p;
	json_t *results = NULL, *ids = NULL, *id;
	size_t i;
	int rc;
	if (watch_expired_out)
		*watch_expired_out = 0;
	if (expired_out)
		*expired_out = NULL;
	if ((rc = ecr_lifecycle_load(ctx, r, &p, NULL, err)) <= 0)
		return rc;
	rc = ecr_lifecycle_evaluate(ctx, r, &p, &results, &ids, err);
	ecr_lifecycle_release(&p);
	if (rc)
		return rc;
	/* an image goes with its tags and scans (ON DELETE CASCADE), as BatchDeleteImage's */
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "DELETE FROM image WHERE id = ?", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	json_array_foreach(ids, i, id) {
		if (watch && json_integer_value(id) == watch && watch_expired_out)
			*watch_expired_out = 1;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, json_integer_value(id));
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = ecr_state_fail(ctx->db, err);
			break;
		}
	}
	ecr_state_done(st);
	if (rc)
		goto out;
	st = ecr_state_prepare(ctx->db, "UPDATE repository SET lifecycle_evaluated_at = ? WHERE id = ?", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_double(st, 1, ecr_ctx_now(ctx));
	sqlite3_bind_int64(st, 2, r->id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	if (!rc && expired_out) {
		*expired_out = results;
		results = NULL;
	}
out:
	json_decref(results);
	json_decref(ids);
	return rc;
}
