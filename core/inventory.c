#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "inventory.h"
#include "layer.h"
#include "pkg.h"
#include "state.h"

#define MAX_HOPS 40 /* symlinks followed in one lookup, as the kernel's ELOOP limit */

/* --- the tree: an in-memory SQLite table, path → node ------------------------- */

struct tree {
	sqlite3 *db;             /* :memory: */
	sqlite3_stmt *put;       /* INSERT OR REPLACE a node */
	sqlite3_stmt *get;       /* SELECT type, link, content */
	sqlite3_stmt *del;       /* DELETE a path and everything under it */
	sqlite3_stmt *under;     /* DELETE everything under a directory */
};

static int tree_open(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	if (sqlite3_open(":memory:", &t->db) != SQLITE_OK ||
	    sqlite3_exec(t->db, "CREATE TABLE fs(path TEXT PRIMARY KEY, type INT, link TEXT, content BLOB) WITHOUT ROWID;"
			 "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	sqlite3_prepare_v2(t->db, "INSERT OR REPLACE INTO fs VALUES(?, ?, ?, ?)", -1, &t->put, NULL);
	sqlite3_prepare_v2(t->db, "SELECT type, link, content FROM fs WHERE path = ?", -1, &t->get, NULL);
	/* '0' is the character after '/': [P/, P0) is everything under P */
	sqlite3_prepare_v2(t->db, "DELETE FROM fs WHERE path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')", -1, &t->del, NULL);
	sqlite3_prepare_v2(t->db, "DELETE FROM fs WHERE path > ?1 || '/' AND path < ?1 || '0'", -1, &t->under, NULL);
	return t->put && t->get && t->del && t->under ? 0 : -1;
}

static void tree_close(struct tree *t)
{
	sqlite3_finalize(t->put);
	sqlite3_finalize(t->get);
	sqlite3_finalize(t->del);
	sqlite3_finalize(t->under);
	sqlite3_close(t->db);
}

static void run_path(sqlite3_stmt *st, const char *path)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
}

/* Applies one layer: its deletions first (opaque directories, whiteouts), then its
 * own entries; an entry that is not a directory hides whatever was under its path. */
static void tree_apply(struct tree *t, const struct ecr_layer_fx *fx)
{
	size_t i;
	json_t *v;
	json_array_foreach(fx->opaque, i, v) {
		const char *d = json_string_value(v);
		if (!*d)
			sqlite3_exec(t->db, "DELETE FROM fs", NULL, NULL, NULL);
		else
			run_path(t->under, d);
	}
	json_array_foreach(fx->whiteouts, i, v) run_path(t->del, json_string_value(v));
	for (i = 0; i < fx->n; i++) {
		const struct ecr_layer_entry *e = &fx->e[i];
		const void *blob = NULL;
		int blen = 0, type = e->type;
		char *copied = NULL;
		if (type != ECR_NODE_DIR)
			run_path(t->under, e->path);
		if (type == ECR_NODE_HARDLINK) {
			/* a hard link shares its target's bytes (same layer or lower) */
			sqlite3_reset(t->get);
			sqlite3_bind_text(t->get, 1, e->link, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(t->get) == SQLITE_ROW && sqlite3_column_int(t->get, 0) == ECR_NODE_FILE &&
			    sqlite3_column_type(t->get, 2) == SQLITE_BLOB) {
				blen = sqlite3_column_bytes(t->get, 2);
				copied = malloc((size_t)blen + 1);
				memcpy(copied, sqlite3_column_blob(t->get, 2), (size_t)blen);
				blob = copied;
			}
			type = ECR_NODE_FILE;
		} else if (e->has_content) {
			blob = e->content.data ? e->content.data : "";
			blen = (int)e->content.len;
		}
		sqlite3_reset(t->put);
		sqlite3_bind_text(t->put, 1, e->path, -1, SQLITE_STATIC);
		sqlite3_bind_int(t->put, 2, type);
		if (e->type == ECR_NODE_SYMLINK)
			sqlite3_bind_text(t->put, 3, e->link, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(t->put, 3);
		if (blob)
			sqlite3_bind_blob(t->put, 4, blob, blen, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(t->put, 4);
		sqlite3_step(t->put);
		free(copied);
	}
}

/* Resolves path inside the image root, following symlinks in every component the
 * way the kernel would in a chroot: ".." stops at the root, absolute targets start
 * from it. Returns the final path (caller frees) or NULL (missing, loop). */
static char *tree_resolve(struct tree *t, const char *path, int *type_out)
{
	char cur[4096] = "", rest[4096];
	int hops = 0;
	snprintf(rest, sizeof(rest), "%s", path);
	while (rest[0]) {
		char comp[1024];
		char *slash = strchr(rest, '/');
		size_t cl = slash ? (size_t)(slash - rest) : strlen(rest);
		snprintf(comp, sizeof(comp), "%.*s", (int)cl, rest);
		memmove(rest, slash ? slash + 1 : rest + cl, strlen(slash ? slash + 1 : rest + cl) + 1);
		if (!*comp || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *s = strrchr(cur, '/');
			if (s)
				*s = '\0';
			else
				cur[0] = '\0';
			continue;
		}
		char next[4096];
		snprintf(next, sizeof(next), "%s%s%s", cur, *cur ? "/" : "", comp);
		sqlite3_reset(t->get);
		sqlite3_bind_text(t->get, 1, next, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(t->get) != SQLITE_ROW)
			return NULL;
		int type = sqlite3_column_int(t->get, 0);
		if (type == ECR_NODE_SYMLINK) {
			if (++hops > MAX_HOPS)
				return NULL;
			const char *target = (const char *)sqlite3_column_text(t->get, 1);
			char joined[4096];
			snprintf(joined, sizeof(joined), "%s%s%s", target ? target : "", rest[0] ? "/" : "", rest);
			if (target && target[0] == '/')
				cur[0] = '\0';
			snprintf(rest, sizeof(rest), "%s", joined);
			continue;
		}
		snprintf(cur, sizeof(cur), "%s", next);
		if (type_out)
			*type_out = type;
		if (rest[0] && type != ECR_NODE_DIR)
			return NULL;
	}
	return cur[0] ? strdup(cur) : NULL;
}

/* The bytes of a regular file (through symlinks), or NULL. */
static struct buf *tree_read(struct tree *t, const char *path, struct buf *out)
{
	int type = -1;
	char *real = tree_resolve(t, path, &type);
	if (!real || type != ECR_NODE_FILE) {
		free(real);
		return NULL;
	}
	sqlite3_reset(t->get);
	sqlite3_bind_text(t->get, 1, real, -1, SQLITE_TRANSIENT);
	free(real);
	if (sqlite3_step(t->get) != SQLITE_ROW || sqlite3_column_type(t->get, 2) != SQLITE_BLOB)
		return NULL;
	ecr_buf_init(out, ECR_PKGDB_MAX);
	ecr_buf_add(out, "", 0);
	ecr_buf_add(out, sqlite3_column_blob(t->get, 2), (size_t)sqlite3_column_bytes(t->get, 2));
	return out;
}

/* --- OS and package databases -------------------------------------------------- */

static void osr_value(const char *data, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = data; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t vl = len - kl - 1;
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0])
				v++, vl -= 2;
			snprintf(out, n, "%.*s", (int)vl, v);
			return;
		}
		p = eol ? eol + 1 : NULL;
	}
}

static json_t *detect_os(struct tree *t)
{
	struct buf b;
	char id[64] = "", ver[64] = "", code[64] = "", pretty[256] = "";
	if (tree_read(t, "etc/os-release", &b) || tree_read(t, "usr/lib/os-release", &b)) {
		osr_value(b.data, "ID", id, sizeof(id));
		osr_value(b.data, "VERSION_ID", ver, sizeof(ver));
		osr_value(b.data, "VERSION_CODENAME", code, sizeof(code));
		osr_value(b.data, "PRETTY_NAME", pretty, sizeof(pretty));
		ecr_buf_release(&b);
	}
	if (!id[0] && tree_read(t, "etc/alpine-release", &b)) {
		snprintf(id, sizeof(id), "alpine");
		snprintf(ver, sizeof(ver), "%.*s", (int)strcspn(b.data, "\n"), b.data);
		ecr_buf_release(&b);
	}
	if (tree_read(t, "etc/debian_version", &b)) {
		if (!id[0])
			snprintf(id, sizeof(id), "debian");
		if (!strcmp(id, "debian") && !ver[0])
			snprintf(ver, sizeof(ver), "%.*s", (int)strcspn(b.data, "."), b.data);
		ecr_buf_release(&b);
	}
	if (!id[0])
		return json_null();
	/* Debian's os-release has no codename on sid and older releases: derive it */
	static const struct { const char *ver, *code; } debian[] = {
		{"9", "stretch"}, {"10", "buster"}, {"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"},
	};
	if (!strcmp(id, "debian") && !code[0])
		for (size_t i = 0; i < sizeof(debian) / sizeof(debian[0]); i++)
			if (!strcmp(ver, debian[i].ver))
				snprintf(code, sizeof(code), "%s", debian[i].code);
	json_t *os = json_pack("{s:s, s:s}", "id", id, "versionId", ver);
	if (code[0])
		json_object_set_new(os, "codename", json_string(code));
	if (pretty[0])
		json_object_set_new(os, "prettyName", json_string(pretty));
	return os;
}

static int read_dpkg_status_d(struct tree *t, struct ecr_pkgs *pkgs, json_t *managers, struct ecr_err *err)
{
	int type = -1;
	char *dir = tree_resolve(t, "var/lib/dpkg/status.d", &type);
	int rc = 0;
	if (!dir || type != ECR_NODE_DIR) {
		free(dir);
		return 0;
	}
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(t->db, "SELECT path FROM fs WHERE path > ?1 || '/' AND path < ?1 || '0' AND instr(substr(path, length(?1) + 2), '/') = 0 ORDER BY path", -1, &st, NULL);
	sqlite3_bind_text(st, 1, dir, -1, SQLITE_TRANSIENT);
	json_t *files = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(files, json_string((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		struct buf b;
		const char *p = json_string_value(f);
		size_t n = strlen(p);
		if (n > 8 && !strcmp(p + n - 8, ".md5sums"))
			continue;
		if (!tree_read(t, p, &b))
			continue;
		rc = ecr_pkg_dpkg(b.data, b.len, 1, pkgs, err);
		ecr_buf_release(&b);
		if (rc) {
			char why[900];
			snprintf(why, sizeof(why), "%s", err->message);
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: %s", p, why);
			break;
		}
		if (!json_array_size(managers) || strcmp(json_string_value(json_array_get(managers, json_array_size(managers) - 1)), "dpkg"))
			json_array_append_new(managers, json_string("dpkg"));
	}
	json_decref(files);
	free(dir);
	return rc;
}

/* One row per database format: where it lives and how to read it. */
struct dbrow {
	const char *path;     /* inside the image */
	const char *manager;  /* dpkg, apk, rpm */
	int (*read)(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err);
	const char *unsupported; /* non-NULL: a database we can name but not read */
};

static int read_status(const char *d, size_t n, struct ecr_pkgs *o, struct ecr_err *e)
{
	return ecr_pkg_dpkg(d, n, 0, o, e);
}

static const struct dbrow dbs[] = {
	{"var/lib/dpkg/status", "dpkg", read_status, NULL},
	{"lib/apk/db/installed", "apk", ecr_pkg_apk, NULL},
	{"var/lib/rpm/rpmdb.sqlite", "rpm", ecr_pkg_rpm_sqlite, NULL},
	{"usr/lib/sysimage/rpm/rpmdb.sqlite", "rpm", ecr_pkg_rpm_sqlite, NULL},
	{"var/lib/rpm/Packages", "rpm", NULL, "rpm BerkeleyDB database (var/lib/rpm/Packages)"},
	{"var/lib/rpm/Packages.db", "rpm", NULL, "rpm NDB database (var/lib/rpm/Packages.db)"},
	{"usr/lib/sysimage/rpm/Packages.db", "rpm", NULL, "rpm NDB database (usr/lib/sysimage/rpm/Packages.db)"},
};

static int read_packages(struct tree *t, json_t *res, struct ecr_err *err)
{
	struct ecr_pkgs pkgs = {0};
	json_t *managers = json_array(), *notes = json_array();
	char unsupported[512] = "";
	int rc = 0, have_rpm_sqlite = 0;
	for (size_t i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		struct buf b;
		if (!tree_read(t, dbs[i].path, &b))
			continue;
		if (dbs[i].unsupported) {
			if (!have_rpm_sqlite && !unsupported[0])
				snprintf(unsupported, sizeof(unsupported), "unsupported package database: %s", dbs[i].unsupported);
			ecr_buf_release(&b);
			continue;
		}
		if (!strcmp(dbs[i].manager, "rpm")) {
			if (have_rpm_sqlite) {
				ecr_buf_release(&b);
				continue;
			}
			have_rpm_sqlite = 1;
		}
		int skipped = pkgs.skipped;
		rc = dbs[i].read(b.data, b.len, &pkgs, err);
		ecr_buf_release(&b);
		if (!rc && pkgs.skipped > skipped) {
			char w[512];
			snprintf(w, sizeof(w), "%s: skipped %d incomplete entries (%s)", dbs[i].path, pkgs.skipped - skipped,
				 pkgs.skipped_why);
			json_array_append_new(notes, json_string(w));
		}
		if (rc) {
			char why[900];
			snprintf(why, sizeof(why), "%s", err->message);
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: %s", dbs[i].path, why);
			goto out;
		}
		json_array_append_new(managers, json_string(dbs[i].manager));
	}
	if ((rc = read_dpkg_status_d(t, &pkgs, managers, err)))
		goto out;
	if (have_rpm_sqlite)
		unsupported[0] = '\0';
	ecr_pkgs_sort(&pkgs);
	json_object_set_new(res, "packageManagers", managers);
	managers = NULL;
	json_object_set_new(res, "packages", ecr_pkgs_json(&pkgs));
	if (unsupported[0] && !pkgs.n)
		json_object_set_new(res, "unsupported", json_string(unsupported));
	json_object_set(res, "databaseWarnings", notes);
out:
	json_decref(notes);
	json_decref(managers);
	ecr_pkgs_release(&pkgs);
	return rc;
}

/* The OS and the packages of an applied tree (new reference in *out). */
static int analyze(struct tree *t, json_t **out, struct ecr_err *err)
{
	json_t *res = json_pack("{s:o}", "os", detect_os(t));
	int rc = read_packages(t, res, err);
	if (rc) {
		json_decref(res);
		return rc;
	}
	if (json_is_null(json_object_get(res, "os")) && !json_array_size(json_object_get(res, "packages")) &&
	    !json_object_get(res, "unsupported"))
		json_object_set_new(res, "unsupported", json_string("no supported operating system or package database found"));
	*out = res;
	return 0;
}

/* --- caches ---------------------------------------------------------------------- */

static void ensure_cache_tables(struct ecr_ctx *ctx)
{
	/* Caches hold nothing that cannot be recomputed, so they live outside the
	 * migration list: created on first use, dropped freely. */
	sqlite3_exec(ctx->db,
		     "CREATE TABLE IF NOT EXISTS layer_cache(blob TEXT NOT NULL, scanner TEXT NOT NULL,"
		     " diff_id TEXT NOT NULL, fx TEXT NOT NULL, PRIMARY KEY(blob, scanner));"
		     "CREATE TABLE IF NOT EXISTS inventory_cache(manifest TEXT NOT NULL, scanner TEXT NOT NULL,"
		     " result TEXT NOT NULL, PRIMARY KEY(manifest, scanner));",
		     NULL, NULL, NULL);
}

static json_t *cache_get(struct ecr_ctx *ctx, const char *sql, const char *key)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, NULL);
	json_t *j = NULL;
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ECR_SCANNER_VERSION, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		j = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
	sqlite3_finalize(st);
	return j;
}

static void cache_put(struct ecr_ctx *ctx, const char *sql, const char *key, const char *extra, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, sql, NULL);
	if (st && text) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ECR_SCANNER_VERSION, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
		if (extra)
			sqlite3_bind_text(st, 4, extra, -1, SQLITE_STATIC);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	free(text);
}

/* --- layers, read in parallel ---------------------------------------------------- */

struct job {
	char path[4096];            /* blob file */
	char what[160];             /* "layer N (sha256:…)" */
	struct ecr_layer_fx fx;     /* result */
	struct ecr_err err;         /* failure */
	int rc;                     /* 0 or ECR_E_* */
	int cached;                 /* loaded from the cache, not read */
	int todo;                   /* to be read by a worker */
};

struct pool {
	struct job *jobs;           /* all layers */
	int n;                      /* how many */
	int next;                   /* next job index to take */
	pthread_mutex_t lock;       /* guards next */
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->next < p->n && !p->jobs[p->next].todo)
			p->next++;
		int i = p->next < p->n ? p->next++ : -1;
		pthread_mutex_unlock(&p->lock);
		if (i < 0)
			return NULL;
		struct job *j = &p->jobs[i];
		j->rc = ecr_layer_read(j->path, j->what, &j->fx, &j->err);
	}
}

static int read_layers(struct pool *p)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int todo = 0;
	for (int i = 0; i < p->n; i++)
		todo += p->jobs[i].todo;
	int nthreads = (int)(cpus < 1 ? 1 : cpus > 8 ? 8 : cpus);
	if (nthreads > todo)
		nthreads = todo;
	pthread_t th[8];
	int started = 0;
	pthread_mutex_init(&p->lock, NULL);
	/* the calling thread works too: one fewer thread to start */
	for (int i = 1; i < nthreads; i++)
		if (!pthread_create(&th[started], NULL, worker, p))
			started++;
	worker(p);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p->lock);
	for (int i = 0; i < p->n; i++)
		if (p->jobs[i].rc)
			return i;
	return -1;
}

static int inventory(struct ecr_ctx *ctx, const char *digest, int use_cache, json_t *pending, json_t **out,
		     struct ecr_err *err);

int ecr_inventory(struct ecr_ctx *ctx, const char *digest, json_t **out, struct ecr_err *err)
{
	return inventory(ctx, digest, 1, NULL, out, err);
}

int ecr_inventory_fresh(struct ecr_ctx *ctx, const char *digest, json_t **out, struct ecr_err *err)
{
	return inventory(ctx, digest, 0, NULL, out, err);
}

int ecr_inventory_read(struct ecr_ctx *ctx, const char *digest, int fresh, json_t **pending_out, json_t **out,
		       struct ecr_err *err)
{
	*pending_out = json_pack("{s:[]}", "layers");
	int rc = inventory(ctx, digest, !fresh, *pending_out, out, err);
	if (rc) {
		json_decref(*pending_out);
		*pending_out = NULL;
	}
	return rc;
}

void ecr_inventory_save(struct ecr_ctx *ctx, json_t *pending)
{
	size_t i;
	json_t *row;
	if (!pending)
		return;
	ensure_cache_tables(ctx);
	json_array_foreach(json_object_get(pending, "layers"), i, row)
		cache_put(ctx, "INSERT OR REPLACE INTO layer_cache(blob, scanner, fx, diff_id) VALUES(?, ?, ?, ?)",
			  json_string_value(json_array_get(row, 0)), json_string_value(json_array_get(row, 1)),
			  json_array_get(row, 2));
	if (json_object_get(pending, "manifest"))
		cache_put(ctx, "INSERT OR REPLACE INTO inventory_cache(manifest, scanner, result) VALUES(?, ?, ?)",
			  json_string_value(json_object_get(pending, "manifest")), NULL, json_object_get(pending, "result"));
}

/* pending NULL: caches written at once; else the writes are added to it, for
 * ecr_inventory_save in the caller's short write transaction. */
static int inventory(struct ecr_ctx *ctx, const char *digest, int use_cache, json_t *pending, json_t **out,
		     struct ecr_err *err)
{
	struct pool pool = {0};
	struct tree tree;
	json_t *res = NULL, *layers = NULL;
	int rc = 0, have_tree = 0;
	*out = NULL;
	if (!pending)
		ensure_cache_tables(ctx);
	res = use_cache ? cache_get(ctx, "SELECT result FROM inventory_cache WHERE manifest = ? AND scanner = ?", digest) : NULL;
	if (res) {
		*out = res;
		return 0;
	}
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT digest, media_type FROM manifest_layer WHERE manifest = ? ORDER BY idx", err);
	if (!st)
		return ECR_E_INTERNAL;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	layers = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(layers, json_string((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	pool.n = (int)json_array_size(layers);
	pool.jobs = calloc((size_t)pool.n + 1, sizeof(*pool.jobs));
	for (int i = 0; i < pool.n; i++) {
		struct job *j = &pool.jobs[i];
		const char *ld = json_string_value(json_array_get(layers, (size_t)i));
		snprintf(j->what, sizeof(j->what), "layer %d (%s)", i + 1, ld);
		ecr_blob_path(ctx, ld, j->path, sizeof(j->path));
		json_t *c = use_cache ? cache_get(ctx, "SELECT fx FROM layer_cache WHERE blob = ? AND scanner = ?", ld) : NULL;
		if (c && !ecr_layer_from_json(c, &j->fx)) {
			j->cached = 1;
		} else {
			if (c)
				ecr_layer_release(&j->fx);
			j->todo = 1;
		}
		json_decref(c);
	}
	int bad = read_layers(&pool);
	if (bad >= 0) {
		*err = pool.jobs[bad].err;
		rc = pool.jobs[bad].rc;
		goto out;
	}
	/* config diff_ids must match what the layers are */
	{
		sqlite3_stmt *cs = ecr_state_prepare(ctx->db, "SELECT config_digest FROM manifest WHERE digest = ?", err);
		if (cs) {
			sqlite3_bind_text(cs, 1, digest, -1, SQLITE_STATIC);
			if (sqlite3_step(cs) == SQLITE_ROW && sqlite3_column_text(cs, 0)) {
				char path[4096];
				ecr_blob_path(ctx, (const char *)sqlite3_column_text(cs, 0), path, sizeof(path));
				json_t *cfg = json_load_file(path, 0, NULL);
				json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
				for (int i = 0; json_is_array(ids) && i < pool.n && !rc; i++) {
					const char *want = json_string_value(json_array_get(ids, (size_t)i));
					if (want && strcmp(want, pool.jobs[i].fx.diff_id))
						rc = ecr_err_set(err, ECR_E_ARCHIVE,
								 "%s: digest mismatch: the uncompressed layer is %s, the image config says %s",
								 pool.jobs[i].what, pool.jobs[i].fx.diff_id, want);
				}
				json_decref(cfg);
			}
			sqlite3_finalize(cs);
		}
		if (rc)
			goto out;
	}
	if (tree_open(&tree)) {
		rc = ecr_err_set(err, ECR_E_INTERNAL, "cannot create the in-memory tree");
		goto out;
	}
	have_tree = 1;
	json_t *warnings = json_array(), *linfo = json_array();
	for (int i = 0; i < pool.n; i++) {
		tree_apply(&tree, &pool.jobs[i].fx);
		json_array_extend(warnings, pool.jobs[i].fx.warnings);
		json_array_append_new(linfo, json_pack("{s:o, s:s, s:b}", "digest", json_incref(json_array_get(layers, (size_t)i)),
						       "diffId", pool.jobs[i].fx.diff_id, "cached", pool.jobs[i].cached));
	}
	if ((rc = analyze(&tree, &res, err))) {
		json_decref(warnings);
		json_decref(linfo);
		goto out;
	}
	json_array_extend(warnings, json_object_get(res, "databaseWarnings"));
	json_object_del(res, "databaseWarnings");
	json_object_set_new(res, "warnings", warnings);
	json_object_set_new(res, "layers", linfo);
	/* caches: written only for results that are complete and verified */
	json_t *writes = pending ? json_incref(pending) : json_pack("{s:[]}", "layers");
	for (int i = 0; i < pool.n; i++)
		if (!pool.jobs[i].cached)
			json_array_append_new(json_object_get(writes, "layers"),
					      json_pack("[O, s, o]", json_array_get(layers, (size_t)i), pool.jobs[i].fx.diff_id,
							ecr_layer_to_json(&pool.jobs[i].fx)));
	json_object_set_new(writes, "manifest", json_string(digest));
	json_object_set(writes, "result", res);
	if (!pending)
		ecr_inventory_save(ctx, writes);
	json_decref(writes);
	*out = res;
	res = NULL;
out:
	if (have_tree)
		tree_close(&tree);
	for (int i = 0; i < pool.n; i++)
		ecr_layer_release(&pool.jobs[i].fx);
	free(pool.jobs);
	json_decref(layers);
	json_decref(res);
	return rc;
}

/* --- a root filesystem outside the registry ------------------------------------- */

static int add_entry(struct ecr_layer_fx *fx, const char *path, int type, const char *link)
{
	if (fx->n == fx->alloc) {
		size_t na = fx->alloc ? fx->alloc * 2 : 256;
		void *p = realloc(fx->e, na * sizeof(*fx->e));
		if (!p)
			return -1;
		fx->e = p;
		fx->alloc = na;
	}
	struct ecr_layer_entry *e = &fx->e[fx->n++];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	e->type = type;
	e->link = link ? strdup(link) : NULL;
	return 0;
}

/* A directory read as one layer: lstat, never following links, only the files a scan
 * needs read (capped). */
static int walk(const char *root, const char *rel, struct ecr_layer_fx *fx, int depth, struct ecr_err *err)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;
	if (!d)
		return ecr_err_set(err, ECR_E_ARCHIVE, "cannot read directory '%s': %s", dir, strerror(errno));
	while (!rc && (de = readdir(d))) {
		char sub[4096], full[8192];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, sub);
		if (lstat(full, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(full, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			rc = add_entry(fx, sub, ECR_NODE_SYMLINK, target);
		} else if (S_ISDIR(st.st_mode)) {
			rc = add_entry(fx, sub, ECR_NODE_DIR, NULL);
			if (!rc && depth < 64)
				rc = walk(root, sub, fx, depth + 1, err);
		} else if (S_ISREG(st.st_mode)) {
			rc = add_entry(fx, sub, ECR_NODE_FILE, NULL);
			if (!rc && ecr_layer_interesting(sub)) {
				struct ecr_layer_entry *e = &fx->e[fx->n - 1];
				FILE *f = fopen(full, "rb");
				char chunk[65536];
				size_t k;
				ecr_buf_init(&e->content, ECR_PKGDB_MAX);
				ecr_buf_add(&e->content, "", 0);
				e->has_content = 1;
				while (f && (k = fread(chunk, 1, sizeof(chunk), f)) > 0)
					if (ecr_buf_add(&e->content, chunk, k)) {
						rc = ecr_err_set(err, ECR_E_ARCHIVE, "package database too large: '%s' is over %u MiB",
								 sub, ECR_PKGDB_MAX >> 20);
						break;
					}
				if (f)
					fclose(f);
			}
		} else {
			rc = add_entry(fx, sub, ECR_NODE_OTHER, NULL);
		}
		if (rc && !err->code)
			rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	}
	closedir(d);
	return rc;
}

int ecr_inventory_rootfs(const char *path, json_t **out, struct ecr_err *err)
{
	struct ecr_layer_fx fx;
	struct tree tree;
	struct stat st;
	int rc;
	*out = NULL;
	memset(&fx, 0, sizeof(fx));
	if (stat(path, &st))
		return ecr_err_set(err, ECR_E_ARCHIVE, "cannot read '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		fx.whiteouts = json_array();
		fx.opaque = json_array();
		fx.warnings = json_array();
		rc = walk(path, "", &fx, 0, err);
	} else {
		rc = ecr_layer_read(path, path, &fx, err);
	}
	if (rc) {
		ecr_layer_release(&fx);
		return rc;
	}
	if (tree_open(&tree)) {
		ecr_layer_release(&fx);
		return ecr_err_set(err, ECR_E_INTERNAL, "cannot create the in-memory tree");
	}
	tree_apply(&tree, &fx);
	rc = analyze(&tree, out, err);
	if (!rc) {
		json_array_extend(fx.warnings, json_object_get(*out, "databaseWarnings"));
		json_object_del(*out, "databaseWarnings");
		json_object_set(*out, "warnings", fx.warnings);
	}
	tree_close(&tree);
	ecr_layer_release(&fx);
	return rc;
}
