#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstree.h"
#include "str.h"

/* Keeps the tree's first failure (ecr_fstree_error reports it). A statement of the
 * in-memory database fails only when memory runs out; the walk that met it goes on as
 * if the path were absent, so the read must fail at the end, never keep that answer. */
static void fail(struct ecr_fstree *t, const char *what)
{
	if (!t->err.code)
		ecr_err_set(&t->err, ECR_E_INTERNAL, "in-memory file tree: %s: %s", what, sqlite3_errmsg(t->db));
}

int ecr_fstree_error(const struct ecr_fstree *t, struct ecr_err *err)
{
	if (!t->err.code)
		return 0;
	if (err)
		*err = t->err;
	return t->err.code;
}

int ecr_fstree_open(struct ecr_fstree *t)
{
	memset(t, 0, sizeof(*t));
	if (sqlite3_open(":memory:", &t->db) != SQLITE_OK ||
	    sqlite3_exec(t->db, "CREATE TABLE fs(path TEXT PRIMARY KEY, type INT, link TEXT, layer INT, ent INT, row INT)"
			 " WITHOUT ROWID; CREATE INDEX fs_row ON fs(row) WHERE row >= 0; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	sqlite3_prepare_v2(t->db, "INSERT OR REPLACE INTO fs VALUES(?, ?, ?, ?, ?, ?)", -1, &t->put, NULL);
	sqlite3_prepare_v2(t->db, "SELECT type, link, layer, ent FROM fs WHERE path = ?", -1, &t->get, NULL);
	/* '0' is the character after '/': [P/, P0) is everything under P */
	sqlite3_prepare_v2(t->db, "DELETE FROM fs WHERE path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')", -1, &t->del, NULL);
	sqlite3_prepare_v2(t->db, "DELETE FROM fs WHERE path > ?1 || '/' AND path < ?1 || '0'", -1, &t->under, NULL);
	sqlite3_prepare_v2(t->db, "SELECT path FROM fs WHERE path > ?1 || '/' AND path < ?1 || '0'"
			   " AND instr(substr(path, length(?1) + 2), '/') = 0 ORDER BY path", -1, &t->kids, NULL);
	return t->put && t->get && t->del && t->under && t->kids ? 0 : -1;
}

void ecr_fstree_close(struct ecr_fstree *t)
{
	sqlite3_finalize(t->put);
	sqlite3_finalize(t->get);
	sqlite3_finalize(t->del);
	sqlite3_finalize(t->under);
	sqlite3_finalize(t->kids);
	sqlite3_close(t->db);
	memset(t, 0, sizeof(*t));
}

static void run_path(struct ecr_fstree *t, sqlite3_stmt *st, const char *path)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail(t, "delete");
}

static void put(struct ecr_fstree *t, const char *path, int type, const char *link, int layer, long ent, int row)
{
	sqlite3_reset(t->put);
	sqlite3_bind_text(t->put, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(t->put, 2, type);
	if (link)
		sqlite3_bind_text(t->put, 3, link, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(t->put, 3);
	sqlite3_bind_int(t->put, 4, layer);
	sqlite3_bind_int64(t->put, 5, ent);
	sqlite3_bind_int(t->put, 6, row);
	if (sqlite3_step(t->put) != SQLITE_DONE)
		fail(t, "insert");
}

/* The node at path itself (no link followed): its type, or -1. link (if asked) is
 * copied into a buffer of 4096. */
static int get(struct ecr_fstree *t, const char *path, char *link, int *layer, long *ent)
{
	sqlite3_reset(t->get);
	sqlite3_bind_text(t->get, 1, path, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(t->get);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			fail(t, "lookup");
		return -1;
	}
	if (link) {
		const char *l = (const char *)sqlite3_column_text(t->get, 1);
		if (ecr_str_ncopy(link, 4096, l ? l : "", l ? strlen(l) : 0))
			return -1; /* a target longer than any tree path resolves nowhere, never cut */
	}
	if (layer)
		*layer = sqlite3_column_int(t->get, 2);
	if (ent)
		*ent = (long)sqlite3_column_int64(t->get, 3);
	return sqlite3_column_int(t->get, 0);
}

/* Walks path component by component, following symlinks inside the root. create: a
 * missing component, or one that is not a directory, becomes a directory (as
 * extraction makes parents); else such a path fails. Returns 0 with the real path in
 * out (and the last node's type), -1 on a missing path or a loop. */
static int walk(struct ecr_fstree *t, const char *path, int create, char out[4096], int *type_out)
{
	char cur[4096] = "", rest[8192], link[4096];
	int hops = 0, type = ECR_NODE_DIR;
	if (ecr_str_ncopy(rest, sizeof(rest), path, strlen(path)))
		return -1; /* longer than any path the tree holds */
	while (rest[0]) {
		char comp[1024], next[4096];
		char *slash = strchr(rest, '/');
		size_t cl = slash ? (size_t)(slash - rest) : strlen(rest);
		if (ecr_str_ncopy(comp, sizeof(comp), rest, cl))
			return -1; /* a name longer than any the tree holds */
		memmove(rest, slash ? slash + 1 : rest + cl, strlen(slash ? slash + 1 : rest + cl) + 1);
		if (!*comp || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *s = strrchr(cur, '/');
			if (s)
				*s = '\0';
			else
				cur[0] = '\0';
			type = ECR_NODE_DIR;
			continue;
		}
		if (ecr_str_join(next, sizeof(next), cur, "/", comp))
			return -1; /* longer than any path the tree holds */
		int nt = get(t, next, link, NULL, NULL);
		if (nt == ECR_NODE_SYMLINK) {
			if (++hops > ECR_FSTREE_HOPS)
				return -1;
			char joined[8192];
			if (ecr_str_join(joined, sizeof(joined), link, "/", rest))
				return -1; /* a link that makes the path longer than any the tree holds */
			if (link[0] == '/')
				cur[0] = '\0';
			memcpy(rest, joined, sizeof(rest)); /* the same size: it fits */
			continue;
		}
		if (nt < 0 || (nt != ECR_NODE_DIR && (rest[0] || create))) {
			if (!create)
				return -1;
			if (nt >= 0)
				run_path(t, t->del, next);
			put(t, next, ECR_NODE_DIR, NULL, -1, -1, -1);
			nt = ECR_NODE_DIR;
		}
		snprintf(cur, sizeof(cur), "%s", next);
		type = nt;
	}
	snprintf(out, 4096, "%s", cur);
	if (type_out)
		*type_out = type;
	return 0;
}

/* Where an entry written at path lands: its parent resolved (created if need be), its
 * own name kept. 0, or -1 when it would be the root itself. */
static int place(struct ecr_fstree *t, const char *path, int create, char out[4096])
{
	char parent[4096], dir[4096];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (ecr_str_ncopy(dir, sizeof(dir), path, slash ? (size_t)(slash - path) : 0))
		return -1; /* no tree path is longer */
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return -1;
	if (walk(t, dir, create, parent, NULL))
		return -1;
	if (ecr_str_join(out, 4096, parent, "/", base))
		return -1; /* no tree path is longer */
	return 0;
}

void ecr_fstree_apply(struct ecr_fstree *t, const struct ecr_layer_fx *fx, int layer)
{
	char real[4096];
	/* deletions first: they hide what lower layers have, never this layer's own */
	for (size_t i = 0; i < fx->n; i++) {
		const struct ecr_layer_entry *e = &fx->e[i];
		if (e->type == ECR_NODE_OPAQUE) {
			if (!*e->path) {
				if (sqlite3_exec(t->db, "DELETE FROM fs", NULL, NULL, NULL) != SQLITE_OK)
					fail(t, "delete");
			} else if (!walk(t, e->path, 0, real, NULL)) {
				run_path(t, t->under, real);
			}
		} else if (e->type == ECR_NODE_WHITEOUT && !place(t, e->path, 0, real)) {
			run_path(t, t->del, real);
		}
	}
	for (size_t i = 0; i < fx->n; i++) {
		const struct ecr_layer_entry *e = &fx->e[i];
		if (e->type == ECR_NODE_OPAQUE || e->type == ECR_NODE_WHITEOUT || place(t, e->path, 1, real))
			continue;
		int old = get(t, real, NULL, NULL, NULL);
		switch (e->type) {
		case ECR_NODE_DIR:
			if (old != ECR_NODE_DIR) {
				run_path(t, t->del, real);
				put(t, real, ECR_NODE_DIR, NULL, -1, -1, -1);
			}
			break;
		case ECR_NODE_HARDLINK: {
			/* a hard link shares its target's bytes (this layer or a lower one) */
			char target[4096];
			int tl = -1, tt = -1;
			long te = -1;
			if (!place(t, e->link, 0, target))
				tt = get(t, target, NULL, &tl, &te);
			if (old >= 0)
				run_path(t, t->del, real);
			if (tt == ECR_NODE_FILE)
				put(t, real, ECR_NODE_FILE, NULL, tl, te, -1);
			else
				put(t, real, ECR_NODE_FILE, NULL, -1, -1, -1);
			break;
		}
		default:
			if (old >= 0)
				run_path(t, t->del, real);
			put(t, real, e->type, e->type == ECR_NODE_SYMLINK ? e->link : NULL, layer, (long)i,
			    e->type == ECR_NODE_FILE && e->payload ? e->payload->row : -1);
		}
	}
}

int ecr_fstree_lookup(struct ecr_fstree *t, const char *path, struct ecr_fsnode *out)
{
	int type;
	if (walk(t, path, 0, out->path, &type) || !out->path[0])
		return -1;
	out->type = get(t, out->path, NULL, &out->layer, &out->ent);
	return out->type < 0 ? -1 : 0;
}

void ecr_fstree_children(struct ecr_fstree *t, const char *dir, void (*fn)(void *ud, const char *path), void *ud)
{
	/* collected first: fn may look up other paths with the same statements */
	char **paths = NULL;
	size_t n = 0, cap = 0;
	int rc;
	sqlite3_reset(t->kids);
	sqlite3_bind_text(t->kids, 1, dir, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(t->kids)) == SQLITE_ROW) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *p = realloc(paths, nc * sizeof(*paths));
			if (!p) {
				rc = SQLITE_NOMEM;
				break;
			}
			paths = p;
			cap = nc;
		}
		if (!(paths[n++] = strdup((const char *)sqlite3_column_text(t->kids, 0)))) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	if (rc == SQLITE_NOMEM && !t->err.code)
		ecr_err_oom(&t->err);
	else if (rc != SQLITE_DONE)
		fail(t, "children");
	sqlite3_reset(t->kids);
	for (size_t i = 0; i < n; i++) {
		if (paths[i])
			fn(ud, paths[i]);
		free(paths[i]);
	}
	free(paths);
}

void ecr_fstree_each_row(struct ecr_fstree *t, int row, void (*fn)(void *ud, const struct ecr_fsnode *n), void *ud)
{
	sqlite3_stmt *st = NULL;
	/* its own statement: fn may use the shared ones */
	int rc;
	if (sqlite3_prepare_v2(t->db, "SELECT path, type, layer, ent FROM fs WHERE row = ? ORDER BY path", -1, &st, NULL)) {
		fail(t, "files by row");
		return;
	}
	sqlite3_bind_int(st, 1, row);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ecr_fsnode n;
		snprintf(n.path, sizeof(n.path), "%s", (const char *)sqlite3_column_text(st, 0));
		n.type = sqlite3_column_int(st, 1);
		n.layer = sqlite3_column_int(st, 2);
		n.ent = (long)sqlite3_column_int64(st, 3);
		fn(ud, &n);
	}
	if (rc != SQLITE_DONE)
		fail(t, "files by row");
	sqlite3_finalize(st);
}
