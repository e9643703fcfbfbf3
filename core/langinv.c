/* Language packages over the merged tree (langinv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "langinv.h"
#include "owned.h"
#include "vercmp.h"
#include "wanted.h"

struct acc {
	struct ecr_view *v;      /* the image */
	json_t *pkgs;            /* the packages, as JSON objects */
	json_t *warnings;        /* res.databaseWarnings */
	size_t nwarn;            /* language warnings taken into it */
	char file[4100];         /* the file being taken, "/" + its real path */
};

/* A package path as the parser wrote it ("/" + the entry's own path, maybe + "/inner.jar")
 * moved onto the tree's real path (the entry's parents may have been links). */
static char *real_path(const char *pkgpath, const char *entpath, const char *real)
{
	size_t el = strlen(entpath), rl = strlen(real);
	const char *rest = pkgpath[0] == '/' && !strncmp(pkgpath + 1, entpath, el) ? pkgpath + 1 + el : "";
	char *s = malloc(rl + strlen(rest) + 2);
	if (s) {
		s[0] = '/';
		memcpy(s + 1, real, rl);
		strcpy(s + 1 + rl, rest);
	}
	return s;
}

static void one_file(void *ud, const struct ecr_fsnode *node)
{
	struct acc *a = ud;
	const struct ecr_layer_entry *e = &a->v->fx[node->layer]->e[node->ent];
	const struct ecr_payload *p = e->payload;
	if (!p)
		return;
	const char *layer = a->v->digests ? a->v->digests[node->layer] : NULL;
	snprintf(a->file, sizeof(a->file), "/%s", node->path);
	for (size_t i = 0; i < p->lang.n; i++) {
		const struct ecr_langpkg *k = &p->lang.v[i];
		char *path = real_path(k->path, e->path, node->path);
		json_t *o = json_pack("{s:o, s:o, s:s, s:s, s:o}", "name", ecr_layer_text(k->name), "version",
				      ecr_layer_text(k->version), "packageManager", ecr_lang_manager(k->kind), "ecosystem",
				      ecr_lang_ecosystem(k->kind), "filePath", ecr_layer_text(path ? path : k->path));
		if (o && layer)
			json_object_set_new(o, "sourceLayerHash", json_string(layer));
		if (o) /* the file itself (an archive's packages share it), for owned.c */
			json_object_set_new(o, "_file", ecr_layer_text(a->file));
		if (o)
			json_array_append_new(a->pkgs, o);
		free(path);
	}
	/* each file's list is capped (lang.c), but a layer of a million bad files would
	 * still be a million lines: the image's first 100 say enough, as a file's do */
	size_t i;
	json_t *w;
	json_array_foreach(p->lang.warnings, i, w) {
		if (a->nwarn < 100)
			json_array_append(a->warnings, w);
		else if (a->nwarn == 100)
			json_array_append_new(a->warnings, json_string("further language-package warnings left out"));
		else
			break;
		a->nwarn++;
	}
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int cmp(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	int c = strcmp(str(a, "filePath"), str(b, "filePath"));
	if (!c)
		c = strcmp(str(a, "name"), str(b, "name"));
	if (!c)
		c = strcmp(str(a, "version"), str(b, "version"));
	if (!c)
		c = strcmp(str(a, "packageManager"), str(b, "packageManager"));
	return c;
}

/* The site directory of a Python metadata path: the directory holding the
 * .dist-info/.egg-info directory, or the one-file .egg-info (length of the prefix). */
static size_t site_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	const char *base = slash ? slash + 1 : path;
	if (!strcmp(base, "METADATA") || !strcmp(base, "PKG-INFO")) {
		while (n && path[n - 1] != '/')
			n--;
		if (n)
			n--;
	}
	return n;
}

/* A Python install's identity: site directory, PEP 503 name, version (caller frees). */
static char *python_key(json_t *o)
{
	const char *path = str(o, "filePath"), *name = str(o, "name"), *ver = str(o, "version");
	size_t sl = site_dir(path), nl = strlen(name);
	char *k = malloc(sl + nl + strlen(ver) + 3);
	if (!k)
		return NULL;
	memcpy(k, path, sl);
	k[sl] = '\n';
	ecr_pypi_normalize(name, k + sl + 1);
	sprintf(k + strlen(k), "\n%s", ver);
	return k;
}

struct pykey {
	char *key;               /* python_key */
	json_t *o;               /* the package */
};

static int pycmp(const void *x, const void *y)
{
	const struct pykey *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(str(a->o, "filePath"), str(b->o, "filePath"));
}

/* python3-cryptography ships both cryptography-38.0.4.dist-info and
 * cryptography.egg-info for one install: marks ("dup") all but the first by path */
static void python_dups(json_t *pkgs)
{
	size_t n = json_array_size(pkgs), m = 0, i;
	struct pykey *v = calloc(n + 1, sizeof(*v));
	json_t *o;
	if (!v)
		return;
	json_array_foreach(pkgs, i, o)
		if (!strcmp(str(o, "packageManager"), "PYTHONPKG") && (v[m].key = python_key(o)))
			v[m++].o = o;
	qsort(v, m, sizeof(*v), pycmp);
	for (i = 1; i < m; i++)
		if (!strcmp(v[i].key, v[i - 1].key))
			json_object_set_new(v[i].o, "dup", json_true());
	for (i = 0; i < m; i++)
		free(v[i].key);
	free(v);
}

int ecr_langinv_read(struct ecr_view *v, json_t *res, struct ecr_err *err)
{
	struct acc a = {v, json_array(), json_object_get(res, "databaseWarnings"), 0, ""};
	json_t **all = NULL, *out = NULL;
	int rc = 0;
	if (!a.pkgs || !json_is_array(a.warnings)) {
		json_decref(a.pkgs);
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	}
	for (int r = 0; ecr_wanted_row(r); r++)
		if (ecr_wanted_row(r)->kind == ECR_WANT_LANG)
			ecr_fstree_each_row(&v->tree, r, one_file, &a);
	size_t n = json_array_size(a.pkgs);
	all = calloc(n + 1, sizeof(*all));
	out = json_array();
	if (!all || !out) {
		rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		all[i] = json_array_get(a.pkgs, i);
	qsort(all, n, sizeof(*all), cmp);
	python_dups(a.pkgs);
	/* Trivy's rule: what an OS package installed is not a language package too */
	json_t *files = json_object(), *owned;
	for (size_t i = 0; i < n; i++)
		json_object_set_new(files, str(all[i], "_file"), json_true());
	owned = ecr_owned_among(v, files);
	json_decref(files);
	for (size_t i = 0; i < n; i++) {
		if (json_object_get(owned, str(all[i], "_file")))
			json_object_set_new(all[i], "dup", json_true());
		json_object_del(all[i], "_file");
	}
	json_decref(owned);
	for (size_t i = 0; i < n; i++) {
		size_t m = json_array_size(out);
		json_t *last = m ? json_array_get(out, m - 1) : NULL;
		if (json_object_get(all[i], "dup") || (last && !cmp(&last, &all[i])))
			continue;
		json_array_append(out, all[i]);
	}
	json_object_set(res, "languagePackages", out);
out:
	free(all);
	json_decref(out);
	json_decref(a.pkgs);
	return rc;
}
