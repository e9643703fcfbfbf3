#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "inventory.h"
#include "inventory_int.h"
#include "langinv.h"
#include "layercache.h"
#include "manifest.h"
#include "state.h"

/* The OS and the packages of the applied tree (new reference in *out). */
static int analyze(struct ecr_view *v, json_t **out, struct ecr_err *err)
{
	json_t *res = json_pack("{s:o}", "os", ecr_osrelease_detect(v));
	int rc = ecr_pkgdb_read(v, res, err);
	if (!rc)
		rc = ecr_langinv_read(v, res, err);
	if (rc) {
		json_decref(res);
		return rc;
	}
	/* an image of language packages alone is scanned under ENHANCED (scan.c decides) */
	if (json_is_null(json_object_get(res, "os")) && !json_array_size(json_object_get(res, "packages")) &&
	    !json_array_size(json_object_get(res, "languagePackages")) && !json_object_get(res, "unsupported"))
		json_object_set_new(res, "unsupported", json_string("no supported operating system or package database found"));
	*out = res;
	return 0;
}

/* Where a layer's bytes can be read again for the second pass. */
struct source {
	const char *blob;        /* a layer blob (or tar), or NULL */
	const char *root;        /* a root directory, or NULL */
	const char *what;        /* the layer in messages */
};

static long file_bytes(void *ud, char *buf, size_t n, const char **why)
{
	long k = (long)read(*(int *)ud, buf, n);
	if (k < 0)
		*why = strerror(errno);
	return k;
}

/* A file of a root directory by its image path, never following a link on the host. */
static int read_host_file(const char *root, const char *path, int row, struct ecr_budget *budget,
			  struct ecr_payload **out, struct ecr_err *err)
{
	char full[8192];
	snprintf(full, sizeof(full), "%s/%s", root, path);
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		*out = NULL;
		return 0; /* gone or changed since the walk: as if absent */
	}
	int rc = ecr_payload_read(row, file_bytes, &fd, (long long)st.st_size, budget, root, path, out, err);
	close(fd);
	return rc;
}

/* Analysis, with the second pass when a wanted path reached a file whose bytes the
 * first did not keep: those files are read from their layers, then analysis runs again. */
static int analyze_passes(struct ecr_view *v, const struct source *src, struct ecr_budget *budget, json_t **out,
			  struct ecr_err *err)
{
	int rc = analyze(v, out, err);
	if (rc || !v->nfetch)
		return rc;
	json_decref(*out);
	*out = NULL;
	size_t *idx = calloc(v->nfetch, sizeof(*idx));
	int *rows = calloc(v->nfetch, sizeof(*rows));
	if (!idx || !rows) {
		free(idx);
		free(rows);
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	}
	for (int l = 0; l < v->nlayers && !rc; l++) {
		size_t n = 0;
		for (size_t i = 0; i < v->nfetch; i++)
			if (v->fetch[i].layer == l) {
				idx[n] = v->fetch[i].ent;
				rows[n++] = v->fetch[i].row;
			}
		if (!n)
			continue;
		if (src[l].blob) {
			rc = ecr_layer_fetch(src[l].blob, src[l].what, budget, v->fx[l], idx, rows, n, err);
		} else {
			for (size_t k = 0; k < n && !rc; k++) {
				struct ecr_layer_entry *e = &v->fx[l]->e[idx[k]];
				if (!e->payload)
					rc = read_host_file(src[l].root, e->path, rows[k], budget, &e->payload, err);
			}
		}
	}
	free(idx);
	free(rows);
	v->nfetch = 0;
	if (!rc)
		rc = analyze(v, out, err); /* what it asks now was read: no third pass */
	v->nfetch = 0;
	return rc;
}

/* The analysis, trusted only when the tree and the view never failed under it. */
static int analyze_all(struct ecr_view *v, const struct source *src, struct ecr_budget *budget, json_t **out,
		       struct ecr_err *err)
{
	*out = NULL;
	int rc = analyze_passes(v, src, budget, out, err);
	if (!rc && v->oom)
		rc = ecr_err_oom(err);
	if (!rc)
		rc = ecr_fstree_error(&v->tree, err);
	if (rc) { /* an analysis that is not trusted is not handed out */
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static void view_release(struct ecr_view *v)
{
	if (v->tree.db)
		ecr_fstree_close(&v->tree);
	free(v->fx);
	free(v->fetch);
	memset(v, 0, sizeof(*v));
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
	int failed;                 /* a job failed: the others stop taking work */
	struct ecr_budget budget;   /* package-database bytes, for all layers together */
	pthread_mutex_t lock;       /* guards next, failed */
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->next < p->n && !p->jobs[p->next].todo)
			p->next++;
		int i = p->next < p->n && !p->failed ? p->next++ : -1;
		pthread_mutex_unlock(&p->lock);
		if (i < 0)
			return NULL;
		struct job *j = &p->jobs[i];
		j->rc = ecr_layer_read(j->path, j->what, &p->budget, &j->fx, &j->err);
		if (j->rc) {
			pthread_mutex_lock(&p->lock);
			p->failed = 1;
			pthread_mutex_unlock(&p->lock);
		}
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

/* The config's diff_ids must be what the layers are. A config that cannot be read
 * fails the read (the check is never skipped); one without diff_ids has none to check. */
static int check_diff_ids(struct ecr_ctx *ctx, const char *digest, struct pool *pool, struct ecr_err *err)
{
	int rc;
	sqlite3_stmt *cs = ecr_state_prepare(ctx->db, "SELECT config_digest FROM manifest WHERE digest = ?", err);
	if (!cs)
		return ECR_E_STATE;
	sqlite3_bind_text(cs, 1, digest, -1, SQLITE_STATIC);
	if ((rc = ecr_state_step(cs, err)) > 0 && sqlite3_column_text(cs, 0)) {
		char path[4096];
		json_error_t jerr;
		rc = 0;
		ecr_blob_path(ctx, (const char *)sqlite3_column_text(cs, 0), path, sizeof(path));
		json_t *cfg = json_load_file(path, 0, &jerr);
		if (!cfg)
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "image config %s cannot be read: %s",
					 (const char *)sqlite3_column_text(cs, 0), jerr.text);
		json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
		for (int i = 0; json_is_array(ids) && i < pool->n && !rc; i++) {
			const char *want = json_string_value(json_array_get(ids, (size_t)i));
			if (want && strcmp(want, pool->jobs[i].fx.diff_id))
				rc = ecr_err_set(err, ECR_E_ARCHIVE,
						 "%s: digest mismatch: the uncompressed layer is %s, the image config says %s",
						 pool->jobs[i].what, pool->jobs[i].fx.diff_id, want);
		}
		json_decref(cfg);
	}
	ecr_state_done(cs);
	return rc < 0 ? rc : 0;
}

int ecr_inventory_read(struct ecr_ctx *ctx, const char *digest, int fresh, json_t **pending_out, json_t **out,
		       struct ecr_err *err)
{
	struct pool pool;
	struct ecr_view view;
	struct source *src = NULL;
	const char **digests = NULL; /* borrowed from layers */
	json_t *res = NULL, *layers = NULL, *writes = NULL;
	int rc = 0;
	*out = NULL;
	*pending_out = NULL;
	memset(&pool, 0, sizeof(pool));
	memset(&view, 0, sizeof(view));
	if (!fresh && ((rc = ecr_layercache_inventory(ctx, digest, &res, err)) || res)) {
		*out = res;
		return rc;
	}
	if (ecr_budget_init(&pool.budget, ECR_SCAN_PKGDB_BUDGET))
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		/* an external layer the store does not hold (a Windows base layer) is not read:
		 * its files are the base OS's, and the client fetched it from elsewhere */
		"SELECT digest FROM manifest_layer WHERE manifest = ? AND (NOT " ECR_SQL_LAYER_EXTERNAL
		" OR EXISTS(SELECT 1 FROM blob b WHERE b.digest = manifest_layer.digest)) ORDER BY idx", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	layers = json_array();
	while ((rc = ecr_state_step(st, err)) > 0)
		json_array_append_new(layers, json_string((const char *)sqlite3_column_text(st, 0)));
	ecr_state_done(st);
	if (rc)
		goto out;
	pool.n = (int)json_array_size(layers);
	pool.jobs = calloc((size_t)pool.n + 1, sizeof(*pool.jobs));
	src = calloc((size_t)pool.n + 1, sizeof(*src));
	view.fx = calloc((size_t)pool.n + 1, sizeof(*view.fx));
	digests = calloc((size_t)pool.n + 1, sizeof(*digests));
	if (!pool.jobs || !src || !view.fx || !digests) {
		rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
		goto out;
	}
	for (int i = 0; i < pool.n; i++) {
		struct job *j = &pool.jobs[i];
		const char *ld = json_string_value(json_array_get(layers, (size_t)i));
		snprintf(j->what, sizeof(j->what), "layer %d (%s)", i + 1, ld);
		ecr_blob_path(ctx, ld, j->path, sizeof(j->path));
		if (!fresh && (rc = ecr_layercache_get(ctx, ld, &j->fx, err)) < 0)
			goto out;
		if (rc > 0)
			j->cached = 1;
		else
			j->todo = 1;
		rc = 0;
		src[i] = (struct source){j->path, NULL, j->what};
		view.fx[i] = &j->fx;
	}
	view.nlayers = pool.n;
	view.digests = digests;
	for (int i = 0; i < pool.n; i++)
		digests[i] = json_string_value(json_array_get(layers, (size_t)i));
	int bad = read_layers(&pool);
	if (bad >= 0) {
		*err = pool.jobs[bad].err;
		rc = pool.jobs[bad].rc;
		goto out;
	}
	if ((rc = check_diff_ids(ctx, digest, &pool, err)))
		goto out;
	if (ecr_fstree_open(&view.tree)) {
		rc = ecr_err_set(err, ECR_E_INTERNAL, "cannot create the in-memory tree");
		goto out;
	}
	json_t *warnings = json_array(), *linfo = json_array();
	for (int i = 0; i < pool.n; i++) {
		ecr_fstree_apply(&view.tree, &pool.jobs[i].fx, i);
		json_array_extend(warnings, pool.jobs[i].fx.warnings);
		json_array_append_new(linfo, json_pack("{s:O, s:s, s:b}", "digest", json_array_get(layers, (size_t)i),
						       "diffId", pool.jobs[i].fx.diff_id, "cached", pool.jobs[i].cached));
	}
	if ((rc = analyze_all(&view, src, &pool.budget, &res, err))) {
		json_decref(warnings);
		json_decref(linfo);
		goto out;
	}
	json_array_extend(warnings, json_object_get(res, "databaseWarnings"));
	json_object_del(res, "databaseWarnings");
	json_object_set_new(res, "warnings", warnings);
	json_object_set_new(res, "layers", linfo);
	/* caches: only for results that are complete and verified; a layer the second
	 * pass added to is written again with what it read */
	writes = json_pack("{s:[], s:s, s:O}", "layers", "manifest", digest, "result", res);
	for (int i = 0; i < pool.n; i++)
		json_array_append_new(json_object_get(writes, "layers"),
				      json_pack("[O, s, o]", json_array_get(layers, (size_t)i), pool.jobs[i].fx.diff_id,
						ecr_layercache_layer_json(&pool.jobs[i].fx)));
	*pending_out = writes;
	writes = NULL;
	*out = res;
	res = NULL;
out:
	view_release(&view);
	for (int i = 0; pool.jobs && i < pool.n; i++)
		ecr_layer_release(&pool.jobs[i].fx);
	free(pool.jobs);
	free(src);
	free(digests);
	ecr_budget_release(&pool.budget);
	json_decref(layers);
	json_decref(res);
	json_decref(writes);
	return rc;
}

void ecr_inventory_save(struct ecr_ctx *ctx, json_t *pending)
{
	ecr_layercache_put(ctx, pending);
}

int ecr_inventory(struct ecr_ctx *ctx, const char *digest, json_t **out, struct ecr_err *err)
{
	json_t *pending = NULL;
	int rc = ecr_inventory_read(ctx, digest, 0, &pending, out, err);
	if (!rc)
		ecr_inventory_save(ctx, pending);
	json_decref(pending);
	return rc;
}

/* --- a root filesystem outside the registry ------------------------------------- */

/* A directory read as one layer: lstat, never following links; the wanted files' bytes
 * read as a layer's would be. */
static int walk(const char *root, const char *rel, struct ecr_layer_fx *fx, struct ecr_budget *budget, int depth,
		struct ecr_err *err)
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
		struct ecr_layer_entry *e = NULL;
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
			e = ecr_layer_add(fx, sub, ECR_NODE_SYMLINK, target);
		} else if (S_ISDIR(st.st_mode)) {
			e = ecr_layer_add(fx, sub, ECR_NODE_DIR, NULL);
			if (e && depth < 64)
				rc = walk(root, sub, fx, budget, depth + 1, err);
		} else if (S_ISREG(st.st_mode)) {
			e = ecr_layer_add(fx, sub, ECR_NODE_FILE, NULL);
			int row = e ? ecr_wanted_find(sub, (st.st_mode & 0111) != 0) : -1;
			if (row >= 0)
				rc = read_host_file(root, sub, row, budget, &fx->e[fx->n - 1].payload, err);
		} else {
			e = ecr_layer_add(fx, sub, ECR_NODE_OTHER, NULL);
		}
		if (!e && !rc)
			rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	}
	closedir(d);
	return rc;
}

int ecr_inventory_rootfs(const char *path, json_t **out, struct ecr_err *err)
{
	struct ecr_layer_fx fx;
	struct ecr_view view;
	struct ecr_budget budget;
	struct ecr_layer_fx *fxp = &fx;
	struct stat st;
	int rc, dir;
	*out = NULL;
	memset(&fx, 0, sizeof(fx));
	memset(&view, 0, sizeof(view));
	if (stat(path, &st)) {
		ecr_layer_release(&fx);
		return ecr_err_set(err, ECR_E_ARCHIVE, "cannot read '%s': %s", path, strerror(errno));
	}
	/* /dev/zero would be read forever, a FIFO block: a rootfs is a directory or a tar */
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		ecr_layer_release(&fx);
		return ecr_err_set(err, ECR_E_ARCHIVE, "cannot read '%s': not a regular file or a directory", path);
	}
	if (ecr_budget_init(&budget, ECR_SCAN_PKGDB_BUDGET)) {
		ecr_layer_release(&fx);
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	}
	dir = S_ISDIR(st.st_mode);
	if (dir) {
		ecr_layer_init(&fx);
		rc = walk(path, "", &fx, &budget, 0, err);
	} else {
		rc = ecr_layer_read(path, path, &budget, &fx, err);
	}
	if (rc)
		goto out;
	if (ecr_fstree_open(&view.tree)) {
		rc = ecr_err_set(err, ECR_E_INTERNAL, "cannot create the in-memory tree");
		goto out;
	}
	view.fx = &fxp;
	view.nlayers = 1;
	ecr_fstree_apply(&view.tree, &fx, 0);
	struct source src = {dir ? NULL : path, dir ? path : NULL, path};
	rc = analyze_all(&view, &src, &budget, out, err);
	view.fx = NULL;
	if (!rc) {
		json_array_extend(fx.warnings, json_object_get(*out, "databaseWarnings"));
		json_object_del(*out, "databaseWarnings");
		json_object_set(*out, "warnings", fx.warnings);
	}
out:
	view_release(&view);
	ecr_layer_release(&fx);
	ecr_budget_release(&budget);
	return rc;
}
