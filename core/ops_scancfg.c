/* GetRegistryScanningConfiguration, PutRegistryScanningConfiguration,
 * BatchGetRepositoryScanningConfiguration. */
#include <string.h>

#include "event.h"
#include "filter.h"
#include "ops.h"
#include "scancfg.h"
#include "state.h"

int ecr_scancfg_registry(struct ecr_ctx *ctx, const char *account, json_t **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT scan_type, rules FROM registry_scanning WHERE account = ? AND region = ?", err);
	json_t *cfg = NULL;
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0) {
		json_t *rules = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
		cfg = json_pack("{s:s, s:o}", "scanType", sqlite3_column_text(st, 0), "rules",
				rules ? rules : json_array());
	}
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	*out = cfg ? cfg : json_pack("{s:s, s:[]}", "scanType", "BASIC", "rules");
	ECR_CHECK_ALLOC(*out, err);
	return 0;
}

/* The filters of rules with frequency freq that match name (new reference). */
static json_t *matching(json_t *cfg, const char *freq, const char *name)
{
	json_t *out = json_array(), *rule, *f;
	size_t i, k;
	json_array_foreach(json_object_get(cfg, "rules"), i, rule) {
		if (strcmp(json_string_value(json_object_get(rule, "scanFrequency")), freq))
			continue;
		json_array_foreach(json_object_get(rule, "repositoryFilters"), k, f)
			if (ecr_filter_match(json_string_value(json_object_get(f, "filter")), name))
				json_array_append(out, f);
	}
	return out;
}

int ecr_scancfg_frequency(struct ecr_ctx *ctx, const struct ecr_repo *r, const char **freq_out, json_t **filters_out,
			  int *enhanced_out, struct ecr_err *err)
{
	json_t *cfg;
	int rc = ecr_scancfg_registry(ctx, r->account, &cfg, err);
	if (rc)
		return rc;
	int enhanced = !strcmp(json_string_value(json_object_get(cfg, "scanType")), "ENHANCED");
	const char *freq = "MANUAL";
	json_t *f = NULL;
	if (enhanced) {
		/* continuous wins over scan on push; no rules at all: every repository is
		 * continuous, as the user guide says of ENHANCED without rules */
		if (!json_array_size(json_object_get(cfg, "rules"))) {
			freq = "CONTINUOUS_SCAN";
			f = json_array();
		} else {
			f = matching(cfg, "CONTINUOUS_SCAN", r->name);
			if (json_array_size(f)) {
				freq = "CONTINUOUS_SCAN";
			} else {
				json_decref(f);
				f = matching(cfg, "SCAN_ON_PUSH", r->name);
				if (json_array_size(f))
					freq = "SCAN_ON_PUSH";
			}
		}
	} else {
		/* BASIC: the registry's scan-on-push filters, or the repository's own flag */
		f = matching(cfg, "SCAN_ON_PUSH", r->name);
		if (r->scan_on_push || json_array_size(f))
			freq = "SCAN_ON_PUSH";
	}
	json_decref(cfg);
	if (enhanced_out)
		*enhanced_out = enhanced;
	if (filters_out)
		*filters_out = f;
	else
		json_decref(f);
	*freq_out = freq;
	return 0;
}

int ecr_scancfg_on_push(struct ecr_ctx *ctx, const struct ecr_repo *r, json_t **filters_out, struct ecr_err *err)
{
	const char *freq;
	int rc = ecr_scancfg_frequency(ctx, r, &freq, filters_out, NULL, err);
	return rc ? rc : strcmp(freq, "MANUAL") != 0;
}

int ecr_scancfg_enhanced(struct ecr_ctx *ctx, const char *account, struct ecr_err *err)
{
	json_t *cfg;
	int rc = ecr_scancfg_registry(ctx, account, &cfg, err);
	if (rc)
		return rc;
	int e = !strcmp(json_string_value(json_object_get(cfg, "scanType")), "ENHANCED");
	json_decref(cfg);
	return e;
}

int op_get_registry_scanning_configuration(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *account = ecr_ctx_registry(ctx, req);
	json_t *cfg;
	int rc = ecr_scancfg_registry(ctx, account, &cfg, err);
	if (rc)
		return rc;
	*out = json_pack("{s:s, s:o}", "registryId", account, "scanningConfiguration", cfg);
	return 0;
}

/* Every repository of the registry with its scan frequency under the configuration as
 * stored now: {name: [arn, frequency]} (new reference). */
static int frequencies(struct ecr_ctx *ctx, json_t **out, struct ecr_err *err)
{
	json_t *m = json_object();
	int rc;
	*out = NULL;
	ECR_CHECK_ALLOC(m, err);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT name FROM repository WHERE account = ? AND region = ? ORDER BY name", err);
	if (!st) {
		json_decref(m);
		return ECR_E_STATE;
	}
	sqlite3_bind_text(st, 1, ctx->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
	while ((rc = ecr_state_step(st, err)) > 0) {
		struct ecr_repo r;
		const char *freq;
		char arn[512];
		if ((rc = ecr_repo_load_name(ctx, ctx->account, (const char *)sqlite3_column_text(st, 0), &r, err)) ||
		    (rc = ecr_scancfg_frequency(ctx, &r, &freq, NULL, NULL, err)))
			break;
		ecr_repo_arn(ctx, &r, arn, sizeof(arn));
		json_object_set_new(m, r.name, json_pack("[s, s]", arn, freq));
	}
	ecr_state_done(st);
	if (rc) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* ECR's "ECR Scan Resource Change" (the user guide's SCAN_FREQUENCY_CHANGE event) when a
 * configuration that is ENHANCED moves repositories between frequencies: one event
 * naming each repository moved, its frequency and the one before. */
static void frequency_change(struct ecr_ctx *ctx, json_t *before, json_t *after)
{
	json_t *moved = json_array(), *now;
	const char *name;
	json_object_foreach(after, name, now) {
		json_t *was = json_object_get(before, name);
		const char *f = json_string_value(json_array_get(now, 1));
		const char *p = was ? json_string_value(json_array_get(was, 1)) : "MANUAL";
		if (strcmp(f, p))
			json_array_append_new(moved, json_pack("{s:s, s:O, s:s, s:s}", "repository-name", name, "repository-arn",
							       json_array_get(now, 0), "scan-frequency", f,
							       "previous-scan-frequency", p));
	}
	if (!json_array_size(moved)) {
		json_decref(moved);
		return;
	}
	ecr_event_queue(ctx, ecr_event_new(ctx, "aws.ecr", "ECR Scan Resource Change", json_array(),
					   json_pack("{s:s, s:o, s:s, s:s}", "action-type", "SCAN_FREQUENCY_CHANGE",
						     "repositories", moved, "resource-type", "REPOSITORY", "scan-type",
						     "ENHANCED")));
}

int op_put_registry_scanning_configuration(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	const char *type = json_string_value(json_object_get(req, "scanType"));
	json_t *rules = json_object_get(req, "rules"), *rule;
	size_t i;
	if (!type)
		type = "BASIC";
	/* the model's scanFrequency doc: ENHANCED takes CONTINUOUS_SCAN and SCAN_ON_PUSH,
	 * BASIC SCAN_ON_PUSH (and MANUAL, the default, which ecrlite has always taken) */
	int enhanced = !strcmp(type, "ENHANCED");
	json_array_foreach(rules, i, rule) {
		const char *fq = json_string_value(json_object_get(rule, "scanFrequency"));
		if (enhanced ? !strcmp(fq, "MANUAL") : (strcmp(fq, "SCAN_ON_PUSH") && strcmp(fq, "MANUAL")))
			return ecr_err_set(err, ECR_E_VALIDATION, "%s scan frequency is not supported for %s scan type", fq,
					   type);
	}
	json_t *before = NULL, *after = NULL;
	int frc = enhanced ? frequencies(ctx, &before, err) : 0;
	if (frc)
		return frc;
	json_t *stored = rules ? json_incref(rules) : json_array();
	char *text = json_dumps(stored, JSON_COMPACT);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"INSERT INTO registry_scanning(account, region, scan_type, rules) VALUES(?, ?, ?, ?)"
		" ON CONFLICT(account, region) DO UPDATE SET scan_type = excluded.scan_type, rules = excluded.rules", err);
	int rc = ECR_E_STATE;
	if (st) {
		sqlite3_bind_text(st, 1, ctx->account, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ctx->region, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
		ecr_state_done(st);
	}
	free(text);
	/* the event goes out with the transaction's commit (txn.c), or not at all */
	if (!rc && enhanced && !(rc = frequencies(ctx, &after, err)))
		frequency_change(ctx, before, after);
	json_decref(before);
	json_decref(after);
	if (!rc)
		*out = json_pack("{s:{s:s, s:o}}", "registryScanningConfiguration", "scanType", type, "rules", stored);
	else
		json_decref(stored);
	return rc;
}

int op_batch_get_repository_scanning_configuration(struct ecr_ctx *ctx, json_t *req, json_t **out,
						   struct ecr_err *err)
{
	json_t *configs = json_array(), *failures = json_array(), *n;
	size_t i;
	int rc = 0;
	json_array_foreach(json_object_get(req, "repositoryNames"), i, n) {
		struct ecr_repo r;
		const char *name = json_string_value(n);
		if ((rc = ecr_repo_load_name(ctx, ctx->account, name, &r, err)) == ECR_E_REPOSITORY_NOT_FOUND) {
			ecr_err_clear(err);
			rc = 0;
			json_array_append_new(failures, json_pack("{s:s, s:s, s:s}", "repositoryName", name,
								  "failureCode", "REPOSITORY_NOT_FOUND",
								  "failureReason", "REPOSITORY_NOT_FOUND"));
			continue;
		}
		json_t *filters = NULL;
		const char *freq;
		if (rc || (rc = ecr_scancfg_frequency(ctx, &r, &freq, &filters, NULL, err))) {
			json_decref(configs);
			json_decref(failures);
			return rc;
		}
		char arn[512];
		ecr_repo_arn(ctx, &r, arn, sizeof(arn));
		/* scanOnPush: whether a push is scanned (also under CONTINUOUS_SCAN) */
		json_array_append_new(configs, json_pack("{s:s, s:s, s:b, s:s, s:o}", "repositoryArn", arn,
							 "repositoryName", r.name, "scanOnPush", strcmp(freq, "MANUAL") != 0,
							 "scanFrequency", freq, "appliedScanFilters", filters));
	}
	*out = json_pack("{s:o, s:o}", "scanningConfigurations", configs, "failures", failures);
	return 0;
}
