#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layercache.h"
#include "state.h"

/* n bytes as JSON: a string when they are UTF-8 without NUL, else {"x": hex of the
 * bytes}. A file read from a layer may hold anything, and cached and fresh reads must
 * give the same bytes (a NUL would end a JSON string as jansson reads it back). */
static json_t *enc_n(const char *s, size_t n)
{
	json_t *j = memchr(s, '\0', n) ? NULL : json_stringn(s, n);
	if (j)
		return j;
	char *hex = malloc(2 * n + 1);
	if (!hex)
		return json_null();
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)s[i]);
	j = json_pack("{s:s}", "x", hex);
	free(hex);
	return j;
}

static json_t *enc(const char *s)
{
	return enc_n(s, strlen(s));
}

/* The bytes back, NUL-terminated (caller frees), their count in *len; NULL when j is
 * neither form. */
static char *dec_n(json_t *j, size_t *len)
{
	if (json_is_string(j)) {
		*len = json_string_length(j);
		return strdup(json_string_value(j));
	}
	const char *hex = json_string_value(json_object_get(j, "x"));
	if (!hex)
		return NULL;
	size_t n = strlen(hex) / 2;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		sscanf(hex + 2 * i, "%2x", &v);
		s[i] = (char)v;
	}
	s[n] = '\0';
	*len = n;
	return s;
}

static char *dec(json_t *j)
{
	size_t n;
	return dec_n(j, &n);
}

static json_t *payload_json(const struct ecr_payload *p)
{
	json_t *j = json_pack("{s:s}", "r", ecr_wanted_row(p->row)->name);
	if (p->text.data)
		json_object_set_new(j, "t", enc_n(p->text.data, p->text.len));
	if (p->error)
		json_object_set_new(j, "e", enc(p->error));
	if (p->pkgs.n) {
		json_t *a = json_array();
		for (size_t i = 0; i < p->pkgs.n; i++) {
			const struct ecr_pkg *k = &p->pkgs.v[i];
			json_array_append_new(a, json_pack("[o, o, o, o, o, s]", enc(k->name), enc(k->version), enc(k->source),
							   enc(k->source_version), enc(k->arch), k->format));
		}
		json_object_set_new(j, "p", a);
	}
	if (p->pkgs.skipped)
		json_object_set_new(j, "s", json_pack("[i, o]", p->pkgs.skipped, enc(p->pkgs.skipped_why)));
	if (p->pkgs.owned.len)
		json_object_set_new(j, "o", enc(p->pkgs.owned.data));
	if (p->pkgs.owned_lost)
		json_object_set_new(j, "ol", json_true());
	if (p->lang.n) {
		json_t *a = json_array();
		for (size_t i = 0; i < p->lang.n; i++) {
			const struct ecr_langpkg *k = &p->lang.v[i];
			json_array_append_new(a, json_pack("[i, o, o, o]", (int)k->kind, enc(k->name), enc(k->version),
							   enc(k->path)));
		}
		json_object_set_new(j, "l", a);
	}
	if (p->lang.warnings)
		json_object_set(j, "w", p->lang.warnings);
	return j;
}

/* The static format name a reader gives its packages (struct ecr_pkg keeps a pointer
 * to a static string). A wanted row whose reader writes a new format adds it here. */
static const char *format_name(const char *f)
{
	static const char *const known[] = {"dpkg", "apk", "rpm"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (f && !strcmp(f, known[i]))
			return known[i];
	return NULL;
}

static struct ecr_payload *payload_from_json(json_t *j)
{
	int row = ecr_wanted_by_name(json_string_value(json_object_get(j, "r")));
	if (row < 0)
		return NULL;
	struct ecr_payload *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->row = row;
	json_t *t = json_object_get(j, "t");
	if (t) {
		size_t n = 0;
		char *s = dec_n(t, &n);
		ecr_buf_init(&p->text, ECR_TEXT_MAX);
		if (!s || ecr_buf_add(&p->text, s, n)) {
			free(s);
			ecr_payload_free(p);
			return NULL;
		}
		free(s);
	}
	if (json_object_get(j, "e"))
		p->error = dec(json_object_get(j, "e"));
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(j, "p"), i, k) {
		char *f[5];
		for (int c = 0; c < 5; c++)
			f[c] = dec(json_array_get(k, (size_t)c));
		const char *fmt = format_name(json_string_value(json_array_get(k, 5)));
		int bad = !fmt || !f[0] || !f[1] || !f[2] || !f[3] || !f[4] ||
			  ecr_pkgs_add(&p->pkgs, f[0], f[1], f[2], f[3], f[4], fmt);
		for (int c = 0; c < 5; c++)
			free(f[c]);
		if (bad) {
			ecr_payload_free(p);
			return NULL;
		}
	}
	json_array_foreach(json_object_get(j, "l"), i, k) {
		json_int_t kind = json_integer_value(json_array_get(k, 0));
		char *f[3];
		for (int c = 0; c < 3; c++)
			f[c] = dec(json_array_get(k, (size_t)c + 1));
		int bad = kind < 0 || kind >= ECR_LANG_NONE || !f[0] || !f[1] || !f[2];
		if (!bad) {
			size_t before = p->lang.n;
			ecr_langpkgs_add(&p->lang, (enum ecr_lang_kind)kind, f[0], f[1], f[2]);
			bad = p->lang.n == before;
		}
		for (int c = 0; c < 3; c++)
			free(f[c]);
		if (bad) {
			ecr_payload_free(p);
			return NULL;
		}
	}
	if (json_object_get(j, "o")) {
		char *o = dec(json_object_get(j, "o"));
		ecr_buf_init(&p->pkgs.owned, ECR_PKGDB_MAX);
		if (!o || ecr_buf_addstr(&p->pkgs.owned, o)) {
			free(o);
			ecr_payload_free(p);
			return NULL;
		}
		free(o);
	}
	p->pkgs.owned_lost = json_is_true(json_object_get(j, "ol"));
	if (json_is_array(json_object_get(j, "w")))
		p->lang.warnings = json_copy(json_object_get(j, "w"));
	json_t *s = json_object_get(j, "s");
	if (s) {
		char *why = dec(json_array_get(s, 1));
		p->pkgs.skipped = (int)json_integer_value(json_array_get(s, 0));
		snprintf(p->pkgs.skipped_why, sizeof(p->pkgs.skipped_why), "%s", why ? why : "");
		free(why);
	}
	return p;
}

json_t *ecr_layercache_layer_json(const struct ecr_layer_fx *fx)
{
	json_t *entries = json_array();
	for (size_t i = 0; i < fx->n; i++) {
		const struct ecr_layer_entry *e = &fx->e[i];
		json_t *row = json_pack("[o, i, I]", enc(e->path), e->type, (json_int_t)e->ord);
		if (e->link || e->payload)
			json_array_append_new(row, e->link ? enc(e->link) : json_null());
		if (e->payload)
			json_array_append_new(row, payload_json(e->payload));
		json_array_append_new(entries, row);
	}
	return json_pack("{s:s, s:o, s:O}", "diffId", fx->diff_id, "entries", entries, "warnings", fx->warnings);
}

int ecr_layercache_layer_from_json(json_t *j, struct ecr_layer_fx *fx)
{
	size_t i;
	json_t *row;
	ecr_layer_init(fx);
	const char *d = json_string_value(json_object_get(j, "diffId"));
	if (!d || !json_is_array(json_object_get(j, "entries")))
		return -1;
	snprintf(fx->diff_id, sizeof(fx->diff_id), "%s", d);
	if (json_is_array(json_object_get(j, "warnings")))
		json_array_extend(fx->warnings, json_object_get(j, "warnings"));
	json_array_foreach(json_object_get(j, "entries"), i, row) {
		char *path = dec(json_array_get(row, 0));
		json_t *lj = json_array_get(row, 3);
		char *link = lj && !json_is_null(lj) ? dec(lj) : NULL;
		struct ecr_layer_entry *e = path ? ecr_layer_add(fx, path, (int)json_integer_value(json_array_get(row, 1)), link) : NULL;
		free(path);
		free(link);
		if (!e)
			return -1;
		e->ord = (long)json_integer_value(json_array_get(row, 2));
		json_t *pj = json_array_get(row, 4);
		if (pj && !(e->payload = payload_from_json(pj)))
			return -1;
	}
	return 0;
}

/* The cached JSON for key in table's sql in *out (new reference), NULL when there is
 * none: no table yet (the first write makes it) or text that does not parse (it is
 * recomputed and written again). A state that cannot be read is a state error, never
 * "nothing cached" that would hide it. */
static int get(struct ecr_ctx *ctx, const char *table, const char *sql, const char *key, json_t **out,
	       struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT 1 FROM sqlite_master WHERE name = ?", err);
	int rc;
	*out = NULL;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rc = ecr_state_step(st, err);
	ecr_state_done(st);
	if (rc <= 0)
		return rc;
	if (!(st = ecr_state_prepare(ctx->db, sql, err)))
		return ECR_E_STATE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ECR_SCANNER_VERSION, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(st, err)) > 0) {
		*out = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
		rc = 0;
	}
	ecr_state_done(st);
	return rc;
}

int ecr_layercache_get(struct ecr_ctx *ctx, const char *blob, struct ecr_layer_fx *out, struct ecr_err *err)
{
	json_t *j;
	int rc = get(ctx, "layer_cache", "SELECT fx FROM layer_cache WHERE blob = ? AND scanner = ?", blob, &j, err);
	if (rc || !j)
		return rc;
	if (ecr_layercache_layer_from_json(j, out)) {
		ecr_layer_release(out); /* malformed: read the layer again */
		rc = 0;
	} else {
		rc = 1;
	}
	json_decref(j);
	return rc;
}

int ecr_layercache_inventory(struct ecr_ctx *ctx, const char *manifest, json_t **out, struct ecr_err *err)
{
	return get(ctx, "inventory_cache", "SELECT result FROM inventory_cache WHERE manifest = ? AND scanner = ?",
		   manifest, out, err);
}

/* best effort (err NULL): a scan stands without its cache, which is computed again */
static void put(struct ecr_ctx *ctx, const char *sql, const char *key, const char *extra, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
	sqlite3_stmt *st = text ? ecr_state_prepare(ctx->db, sql, NULL) : NULL;
	if (st) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ECR_SCANNER_VERSION, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
		if (extra)
			sqlite3_bind_text(st, 4, extra, -1, SQLITE_STATIC);
		sqlite3_step(st);
	}
	ecr_state_done(st);
	free(text);
}

void ecr_layercache_put(struct ecr_ctx *ctx, json_t *writes)
{
	size_t i;
	json_t *row;
	if (!writes)
		return;
	/* best effort, as put: a table that cannot be made leaves its rows unwritten */
	sqlite3_exec(ctx->db,
		     "CREATE TABLE IF NOT EXISTS layer_cache(blob TEXT NOT NULL, scanner TEXT NOT NULL,"
		     " diff_id TEXT NOT NULL, fx TEXT NOT NULL, PRIMARY KEY(blob, scanner));"
		     "CREATE TABLE IF NOT EXISTS inventory_cache(manifest TEXT NOT NULL, scanner TEXT NOT NULL,"
		     " result TEXT NOT NULL, PRIMARY KEY(manifest, scanner));"
		     /* rows of older scanner versions are never read again */
		     "DELETE FROM layer_cache WHERE scanner <> '" ECR_SCANNER_VERSION "';"
		     "DELETE FROM inventory_cache WHERE scanner <> '" ECR_SCANNER_VERSION "';",
		     NULL, NULL, NULL);
	json_array_foreach(json_object_get(writes, "layers"), i, row)
		put(ctx, "INSERT OR REPLACE INTO layer_cache(blob, scanner, fx, diff_id) VALUES(?, ?, ?, ?)",
		    json_string_value(json_array_get(row, 0)), json_string_value(json_array_get(row, 1)),
		    json_array_get(row, 2));
	if (json_object_get(writes, "manifest"))
		put(ctx, "INSERT OR REPLACE INTO inventory_cache(manifest, scanner, result) VALUES(?, ?, ?)",
		    json_string_value(json_object_get(writes, "manifest")), NULL, json_object_get(writes, "result"));
}
