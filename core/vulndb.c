/* Feed import (reading, decompression, one transaction; the formats are feed_document.c) and status. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lazy_archive.h"
#include "buf.h"
#include "digest.h"
#include "state.h"
#include "str.h"
#include "enhanced.h"
#include "txn.h"
#include "vulndb.h"
#include "vulndb_int.h"

#define MAX_DOCUMENT (4096ull << 20) /* one feed document, decompressed (read as a stream) */

/* A file a directory import reads: NAME.json or NAME.zip, maybe compressed
 * (NAME.json.gz); not NAME.jsonl or NAME.json.sig. */
static int feed_name(const char *nm)
{
	static const char *const ext[] = {".json", ".zip"}, *const comp[] = {"", ".gz", ".xz", ".bz2", ".zst"};
	size_t n = strlen(nm);
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < 5; k++) {
			size_t m = strlen(ext[i]) + strlen(comp[k]);
			if (n > m && !strncmp(nm + n - m, ext[i], strlen(ext[i])) && !strcmp(nm + n - strlen(comp[k]), comp[k]))
				return 1;
		}
	return 0;
}

/* One file: a zip or tar of documents, or one document, compressed or not. */
static int read_file(struct feed *f, const char *path, ecr_progress_fn fn, void *ud, int *docs,
		     struct ecr_err *err)
{
	int lrc = ecr_archive_lib_load(err);
	if (lrc)
		return lrc;
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct stat st;
	int rc = 0, r, docs_before = *docs;
	char what[4096];
	if (!stat(path, &st))
		f->file_time = (double)st.st_mtime;
	f->file = path;
	archive_read_support_filter_all(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		rc = ecr_err_set(err, ECR_E_FEED, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		int raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
		const char *name = archive_entry_pathname(e);
		if (!raw && archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (!raw && (!name || !feed_name(strrchr(name, '/') ? strrchr(name, '/') + 1 : name)))
			continue;
		snprintf(what, sizeof(what), "%s%s%s", path, raw ? "" : ":", raw ? "" : name);
		f->what = what;
		/* streamed: the document's records reach their reader one at a time */
		struct feed_stream *fs = feed_stream_new(f, err);
		char chunk[1 << 16]; /* per call: imports run on many threads (a scan hook's) */
		la_ssize_t k;
		unsigned long long total = 0;
		if (!fs) {
			rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
			goto out;
		}
		while ((k = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
			if ((total += (unsigned long long)k) > MAX_DOCUMENT) {
				rc = ecr_err_set(err, ECR_E_FEED, "%s: larger than %llu MiB", what, MAX_DOCUMENT >> 20);
				break;
			}
			if ((rc = feed_stream_write(fs, chunk, (size_t)k)))
				break;
		}
		if (!rc && k < 0)
			rc = ecr_err_set(err, ECR_E_FEED, "%s: truncated or corrupt: %s", what, archive_error_string(a));
		if (!rc)
			rc = feed_stream_finish(fs);
		feed_stream_free(fs);
		if (rc)
			goto out;
		(*docs)++;
		if (fn)
			fn(ud, what, f->records);
	}
	if (r != ARCHIVE_EOF)
		rc = ecr_err_set(err, ECR_E_FEED, "%s: truncated or corrupt: %s", path, archive_error_string(a));
	else if (*docs == docs_before)
		rc = ecr_err_set(err, ECR_E_FEED, "%s: no feed documents in it", path);
out:
	f->what = path;
	archive_read_free(a);
	return rc;
}

/* The sha256 of a file's bytes as stored (compressed or not): cheap next to parsing. */
static int file_digest(const char *path, char out[ECR_DIGEST_LEN + 1], struct ecr_err *err)
{
	char chunk[1 << 16]; /* per call, as read_file's */
	FILE *fp = fopen(path, "rb");
	size_t n;
	if (!fp)
		return ecr_err_set(err, ECR_E_FEED, "%s: %s", path, strerror(errno));
	struct ecr_sha256 *h = ecr_sha256_new();
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ecr_sha256_update(h, chunk, n);
	int bad = ferror(fp);
	fclose(fp);
	ecr_sha256_final(h, out);
	return bad ? ecr_err_set(err, ECR_E_FEED, "%s: read error", path) : 0;
}

/* best effort (err NULL): -1 when it cannot count, and the file is then read again */
static long long count_rows(struct feed *f, const char *sql, long long id)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db, sql, NULL);
	long long n = -1;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	return n;
}

/* *skip = 1 when a file of this digest was imported before and every row it wrote is
 * still there (none replaced by another file since): importing it again would change
 * nothing. Its sources count as read in this import (a later file of the same
 * whole-feed source must not replace them). Files that wrote no rows are read again. */
static int unchanged(struct feed *f, const char *path, const char *digest, int *skip, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db, "SELECT id, rows, sources FROM feed_file WHERE digest = ?", err);
	long long id = 0, rows = 0;
	json_t *sources = NULL;
	*skip = 0;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	int rc = ecr_state_step(st, err);
	if (rc > 0) {
		id = sqlite3_column_int64(st, 0);
		rows = sqlite3_column_int64(st, 1);
		sources = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
	}
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (id && rows > 0 && json_is_array(sources) &&
	    count_rows(f, "SELECT count(*) FROM advisory WHERE file_id = ?", id) +
	    count_rows(f, "SELECT count(*) FROM cve_info WHERE file_id = ?", id) == rows) {
		size_t i;
		json_t *s;
		json_array_foreach(sources, i, s) {
			const char *name = json_string_value(json_object_get(s, "name"));
			json_t *t = json_object_get(f->touched, name);
			if (!name)
				continue;
			if (!t)
				json_object_set_new(f->touched, name, json_pack("{s:O, s:O, s:b, s:[]}", "id", json_object_get(s, "id"),
										"format", json_object_get(s, "format"), "replace", 0, "files"));
			json_array_append_new(json_object_get(json_object_get(f->touched, name), "files"), json_string(path));
		}
		*skip = 1;
		f->unchanged++;
	}
	json_decref(sources);
	return 0;
}

static int file_begin(struct feed *f, const char *digest, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db,
		"INSERT INTO feed_file(digest, rows, sources, imported_at) VALUES(?, 0, '[]', ?)"
		" ON CONFLICT(digest) DO UPDATE SET rows = 0, sources = '[]', imported_at = excluded.imported_at RETURNING id", err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, ecr_ctx_now(f->ctx));
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : ecr_state_fail(f->ctx->db, err);
	if (!rc)
		f->file_id = sqlite3_column_int64(st, 0);
	ecr_state_done(st);
	f->file_sources = json_array();
	return rc;
}

static int file_end(struct feed *f, long long rows, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db, "UPDATE feed_file SET rows = ?, sources = ? WHERE id = ?", err);
	char *src = json_dumps(f->file_sources, JSON_COMPACT);
	if (!st) {
		free(src);
		return ECR_E_STATE;
	}
	sqlite3_bind_int64(st, 1, rows);
	sqlite3_bind_text(st, 2, src ? src : "[]", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, f->file_id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(f->ctx->db, err);
	ecr_state_done(st);
	free(src);
	return rc;
}

static int read_path(struct feed *f, const char *path, ecr_progress_fn fn, void *ud, int *docs,
		     struct ecr_err *err, int depth)
{
	struct stat st;
	if (stat(path, &st))
		return ecr_err_set(err, ECR_E_FEED, "%s: %s", path, strerror(errno));
	/* a FIFO would block and a device never end: a feed is a file or a directory */
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return ecr_err_set(err, ECR_E_FEED, "%s: not a regular file or a directory", path);
	if (!S_ISDIR(st.st_mode)) {
		char digest[ECR_DIGEST_LEN + 1];
		int rc, skip = 0;
		if ((rc = file_digest(path, digest, err)) || (rc = unchanged(f, path, digest, &skip, err)) || skip)
			return rc;
		if ((rc = file_begin(f, digest, err)))
			return rc;
		long long before = f->records;
		rc = read_file(f, path, fn, ud, docs, err);
		if (!rc)
			rc = file_end(f, f->records - before, err);
		json_decref(f->file_sources);
		f->file_sources = NULL;
		f->file_id = 0;
		return rc;
	}
	if (depth > 16)
		return 0;
	/* a directory of records, in name order so imports are reproducible */
	struct dirent **list = NULL;
	int n = scandir(path, &list, NULL, alphasort), rc = 0;
	if (n < 0)
		return ecr_err_set(err, ECR_E_FEED, "%s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		char sub[4096];
		const char *nm = list[i]->d_name;
		if (!rc && nm[0] != '.') {
			size_t pl = strlen(path);
			while (pl > 1 && path[pl - 1] == '/')
				pl--;
			struct stat ss;
			/* a cut path would name another file */
			if (ecr_str_ncopy(sub, sizeof(sub), path, pl) || ecr_str_join(sub, sizeof(sub), sub, "/", nm))
				rc = ecr_err_set(err, ECR_E_FEED, "%s: a path under it is longer than %zu bytes", path, sizeof(sub) - 1);
			else if (!stat(sub, &ss) && (S_ISDIR(ss.st_mode) || feed_name(nm)))
				rc = read_path(f, sub, fn, ud, docs, err, depth + 1);
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

/* feed_source.path: the files the source came from in this import, one a line */
static int record_files(struct feed *f, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db, "UPDATE feed_source SET path = ? WHERE id = ?", err);
	const char *k;
	json_t *v;
	if (!st)
		return ECR_E_STATE;
	json_object_foreach(f->touched, k, v) {
		struct buf b;
		size_t i;
		json_t *p;
		ecr_buf_init(&b, 1u << 24);
		json_array_foreach(json_object_get(v, "files"), i, p) {
			if (i)
				ecr_buf_add(&b, "\n", 1);
			ecr_buf_add(&b, json_string_value(p), strlen(json_string_value(p)));
		}
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, b.data ? b.data : "", (int)b.len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, json_integer_value(json_object_get(v, "id")));
		ecr_buf_release(&b);
		if (sqlite3_step(st) != SQLITE_DONE) {
			int rc = ecr_state_fail(f->ctx->db, err);
			ecr_state_done(st);
			return rc;
		}
	}
	ecr_state_done(st);
	return 0;
}

int ecr_vulndb_import(struct ecr_ctx *ctx, const char *const *paths, int n, ecr_progress_fn fn,
		      void *ud, json_t **summary_out, struct ecr_err *err)
{
	struct feed f = {.ctx = ctx, .what = "", .file = "", .file_time = ecr_ctx_now(ctx)};
	struct ecr_txn t;
	int rc, docs = 0;
	json_t *watched = NULL; /* continuous scanning: findings before, for change events */
	*summary_out = NULL;
	f.touched = json_object();
	watched = ecr_enhanced_snapshot(ctx);
	if ((rc = ecr_txn_begin(ctx, 1, &t, err)))
		goto out;
	f.adv = ecr_state_prepare(ctx->db,
		"INSERT INTO advisory(source_id, ecosystem, package, vuln_id, status, introduced, fixed,"
		" last_affected, versions, severity, description, file_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	f.cve = ecr_state_prepare(ctx->db,
		"INSERT OR REPLACE INTO cve_info(vuln_id, source_id, description, cvss2_vector, cvss2_score,"
		" cvss3_vector, cvss3_score, file_id, metrics) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!f.adv || !f.cve) {
		rc = ECR_E_STATE;
		goto fail;
	}
	for (int i = 0; i < n; i++)
		if ((rc = read_path(&f, paths[i], fn, ud, &docs, err, 0)))
			goto fail;
	/* record counts: distinct vulnerabilities per source */
	rc = ecr_state_exec(ctx->db,
		"UPDATE feed_source SET records = (SELECT count(*) FROM (SELECT DISTINCT vuln_id, package, ecosystem"
		" FROM advisory WHERE source_id = feed_source.id)) + (SELECT count(*) FROM cve_info WHERE source_id = feed_source.id)",
		err);
	if (rc)
		goto fail;
	if ((rc = record_files(&f, err)))
		goto fail;
	ecr_state_done(f.adv);
	ecr_state_done(f.cve);
	f.adv = f.cve = NULL;
	if ((rc = ecr_txn_commit(&t, NULL, err)))
		goto fail;
	if (watched)
		ecr_enhanced_changes(ctx, watched);
	json_t *sources = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(f.touched, k, v)
		json_array_append_new(sources, json_pack("{s:s, s:O}", "name", k, "format", json_object_get(v, "format")));
	*summary_out = json_pack("{s:o, s:i, s:I, s:I}", "sources", sources, "documents", docs, "records", (json_int_t)f.records,
				 "unchangedFiles", (json_int_t)f.unchanged);
	goto out;
fail:
	json_decref(f.file_sources);
	ecr_state_done(f.adv);
	ecr_state_done(f.cve);
	ecr_txn_abort(&t);
out:
	json_decref(watched);
	json_decref(f.touched);
	return rc;
}

int ecr_vulndb_status(struct ecr_ctx *ctx, json_t **out, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT name, format, path, records, imported_at, updated_at FROM feed_source ORDER BY name", err);
	if (!st)
		return ECR_E_STATE;
	json_t *list = json_array();
	int rc;
	while ((rc = ecr_state_step(st, err)) > 0) {
		/* path: the files of the source's last import, one a line */
		const char *p = (const char *)sqlite3_column_text(st, 2);
		json_t *paths = json_array();
		while (p && *p) {
			size_t n = strcspn(p, "\n");
			json_array_append_new(paths, json_stringn(p, n));
			p += n + (p[n] == '\n');
		}
		json_array_append_new(list, json_pack("{s:s, s:s, s:O, s:o, s:I, s:f, s:f}", "name", sqlite3_column_text(st, 0),
						      "format", sqlite3_column_text(st, 1),
						      "path", json_array_size(paths) ? json_array_get(paths, 0) : json_string(""),
						      "paths", paths, "records", (json_int_t)sqlite3_column_int64(st, 3),
						      "importedAt", sqlite3_column_double(st, 4),
						      "updatedAt", sqlite3_column_double(st, 5)));
	}
	ecr_state_done(st);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "sources", list);
	return 0;
}
