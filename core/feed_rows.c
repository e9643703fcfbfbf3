/* What the feed readers write (vulndb_int.h): sources, advisories, CVE records and
 * CVSS vectors, and the messages of a feed we refuse. Apart from vulndb.c, which runs
 * the readers, so that they and it do not call each other. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "state.h"
#include "vulndb_int.h"

int feed_bad(struct feed *f, struct ecr_err *err, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ecr_err_set(err, ECR_E_FEED, "%s: %s", f->what, msg);
}

const char *feed_severity_word(const char *w)
{
	/* Debian urgency (with its "*" and "**" marks), Ubuntu priority, Red Hat
	 * severity, OSV's database-specific words: one table, case-insensitive. */
	static const struct { const char *word, *sev; } map[] = {
		{"unimportant", "INFORMATIONAL"}, {"end-of-life", "INFORMATIONAL"}, {"negligible", "INFORMATIONAL"},
		{"informational", "INFORMATIONAL"}, {"low", "LOW"}, {"medium", "MEDIUM"}, {"moderate", "MEDIUM"},
		{"high", "HIGH"}, {"important", "HIGH"}, {"critical", "CRITICAL"},
	};
	char k[64];
	size_t n = 0;
	if (!w)
		return NULL;
	for (; *w && *w != '*' && n < sizeof(k) - 1; w++)
		k[n++] = *w;
	while (n && k[n - 1] == ' ')
		n--;
	k[n] = '\0';
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(k, map[i].word))
			return map[i].sev;
	return NULL; /* "not yet assigned", "untriaged", "": no rating of its own */
}

int feed_source(struct feed *f, const char *name, const char *format, int replace, double updated,
		long long *id, struct ecr_err *err)
{
	json_t *t = json_object_get(f->touched, name);
	double when = updated >= 0 ? updated : f->file_time;
	sqlite3_stmt *st;
	if (t && f->file_sources) {
		size_t i;
		json_t *x;
		int seen = 0;
		json_array_foreach(f->file_sources, i, x) seen |= !strcmp(json_string_value(json_object_get(x, "name")), name);
		if (!seen)
			json_array_append_new(f->file_sources, json_pack("{s:s, s:O, s:s}", "name", name, "id", json_object_get(t, "id"),
									 "format", format));
	}
	if (t) {
		/* every file this import took the source from, for vulndb status */
		json_t *files = json_object_get(t, "files");
		const char *last = json_string_value(json_array_get(files, json_array_size(files) - 1));
		if (!last || strcmp(last, f->file))
			json_array_append_new(files, json_string(f->file));
		*id = json_integer_value(json_object_get(t, "id"));
		st = ecr_state_prepare(f->ctx->db, "UPDATE feed_source SET updated_at = max(updated_at, ?) WHERE id = ?", err);
		if (!st)
			return ECR_E_STATE;
		sqlite3_bind_double(st, 1, when);
		sqlite3_bind_int64(st, 2, *id);
		int rc = ecr_state_step(st, err);
		ecr_state_done(st);
		return rc < 0 ? rc : 0;
	}
	/* first time in this import: an older copy of a whole-feed source goes */
	st = ecr_state_prepare(f->ctx->db,
		"INSERT INTO feed_source(name, format, path, imported_at, updated_at, records) VALUES(?, ?, ?, ?, ?, 0)"
		" ON CONFLICT(name) DO UPDATE SET format = excluded.format, path = excluded.path,"
		" imported_at = excluded.imported_at,"
		" updated_at = CASE WHEN ?6 THEN excluded.updated_at ELSE max(updated_at, excluded.updated_at) END"
		" RETURNING id", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->what, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, ecr_ctx_now(f->ctx));
	sqlite3_bind_double(st, 5, when);
	sqlite3_bind_int(st, 6, replace);
	if (sqlite3_step(st) != SQLITE_ROW) {
		int rc = ecr_state_fail(f->ctx->db, err);
		ecr_state_done(st);
		return rc;
	}
	*id = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	if (replace) {
		char sql[160];
		snprintf(sql, sizeof(sql), "DELETE FROM advisory WHERE source_id = %lld; DELETE FROM cve_info WHERE source_id = %lld", *id, *id);
		int rc = ecr_state_exec(f->ctx->db, sql, err);
		if (rc)
			return rc;
	}
	json_object_set_new(f->touched, name, json_pack("{s:I, s:s, s:b, s:[s]}", "id", (json_int_t)*id, "format", format,
							"replace", replace, "files", f->file));
	if (f->file_sources)
		json_array_append_new(f->file_sources, json_pack("{s:s, s:I, s:s}", "name", name, "id", (json_int_t)*id, "format", format));
	return 0;
}

int feed_cvss(struct feed *f, long long source, const char *vuln, const char *vector, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db,
		"INSERT OR IGNORE INTO advisory_cvss(source_id, vuln_id, vector) VALUES(?, ?, ?)", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, source);
	sqlite3_bind_text(st, 2, vuln, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, vector, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(f->ctx->db, err);
	ecr_state_done(st);
	return rc;
}

int feed_forget_package(struct feed *f, long long id, const char *eco, const char *pkg, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db, "DELETE FROM advisory WHERE source_id = ? AND ecosystem = ? AND package = ?", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, eco, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, pkg, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(f->ctx->db, err);
	ecr_state_done(st);
	return rc;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int feed_advisory(struct feed *f, long long source, const char *eco, const char *pkg, const char *vuln,
		  const char *status, const char *introduced, const char *fixed, const char *last_affected,
		  const char *versions, const char *severity, const char *description, struct ecr_err *err)
{
	sqlite3_stmt *st = f->adv;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, source);
	bind_opt(st, 2, eco);
	bind_opt(st, 3, pkg);
	bind_opt(st, 4, vuln);
	bind_opt(st, 5, status);
	bind_opt(st, 6, introduced);
	bind_opt(st, 7, fixed);
	bind_opt(st, 8, last_affected);
	bind_opt(st, 9, versions);
	bind_opt(st, 10, severity);
	bind_opt(st, 11, description);
	sqlite3_bind_int64(st, 12, f->file_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return ecr_state_fail(f->ctx->db, err);
	f->records++;
	return 0;
}

int feed_cve(struct feed *f, long long source, const char *id, const char *description, const char *v2vec,
	     double v2score, const char *v3vec, double v3score, const char *metrics, struct ecr_err *err)
{
	sqlite3_stmt *st = f->cve;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, source);
	bind_opt(st, 3, description);
	bind_opt(st, 4, v2vec);
	if (v2score >= 0)
		sqlite3_bind_double(st, 5, v2score);
	else
		sqlite3_bind_null(st, 5);
	bind_opt(st, 6, v3vec);
	if (v3score >= 0)
		sqlite3_bind_double(st, 7, v3score);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int64(st, 8, f->file_id);
	bind_opt(st, 9, metrics);
	if (sqlite3_step(st) != SQLITE_DONE)
		return ecr_state_fail(f->ctx->db, err);
	f->records++;
	return 0;
}
