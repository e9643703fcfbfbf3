/* The language-package list shared by the parsers, and which files they want. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang.h"

static const struct {
	const char *manager, *ecosystem;
} KINDS[] = {
	[ECR_LANG_PYTHON] = {"PYTHONPKG", "PyPI"},
	[ECR_LANG_NODE] = {"NODEPKG", "npm"},
	[ECR_LANG_JAVA] = {"JAR", "Maven"},
	[ECR_LANG_GO] = {"GOBINARY", "Go"},
};

const char *ecr_lang_manager(enum ecr_lang_kind k)
{
	return k < ECR_LANG_NONE ? KINDS[k].manager : "";
}

const char *ecr_lang_ecosystem(enum ecr_lang_kind k)
{
	return k < ECR_LANG_NONE ? KINDS[k].ecosystem : "";
}

static int ends_with(const char *s, size_t n, const char *suffix, int nocase)
{
	size_t l = strlen(suffix);
	if (n < l)
		return 0;
	return nocase ? !strncasecmp(s + n - l, suffix, l) : !memcmp(s + n - l, suffix, l);
}

/* Under the last node_modules only <name>/package.json and @scope/<name>/package.json
 * are packages (rxjs/ajax/package.json is a helper inside rxjs); package.json files
 * elsewhere (an application's own, Debian's /usr/share/nodejs/<name>/) count. */
static int node_root(const char *path)
{
	const char *nm = NULL;
	for (const char *p = path; (p = strstr(p, "node_modules/")); p++)
		if (p == path || p[-1] == '/')
			nm = p;
	if (!nm)
		return 1;
	const char *rest = nm + strlen("node_modules/");
	int slashes = 0;
	for (const char *p = rest; *p; p++)
		slashes += *p == '/';
	return rest[0] == '@' ? slashes == 2 : slashes == 1;
}

enum ecr_lang_kind ecr_lang_wants(const char *path, int exec)
{
	size_t n = strlen(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!strcmp(base, "METADATA")) {
		if (ends_with(path, n, ".dist-info/METADATA", 0) || ends_with(path, n, ".egg-info/METADATA", 0))
			return ECR_LANG_PYTHON;
	} else if (!strcmp(base, "PKG-INFO")) {
		if (ends_with(path, n, ".egg-info/PKG-INFO", 0) || ends_with(path, n, "EGG-INFO/PKG-INFO", 0))
			return ECR_LANG_PYTHON;
	} else if (ends_with(base, strlen(base), ".egg-info", 0)) {
		return ECR_LANG_PYTHON; /* the one-file form, setuptools' older layout */
	} else if (!strcmp(base, "package.json")) {
		return node_root(path) ? ECR_LANG_NODE : ECR_LANG_NONE;
	} else if (ends_with(base, strlen(base), ".jar", 1) || ends_with(base, strlen(base), ".war", 1) ||
		   ends_with(base, strlen(base), ".ear", 1) || ends_with(base, strlen(base), ".par", 1)) {
		return ECR_LANG_JAVA;
	}
	return exec ? ECR_LANG_GO : ECR_LANG_NONE;
}

void ecr_langpkgs_warn(struct ecr_langpkgs *p, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!p->warnings)
		p->warnings = json_array();
	/* a hostile layer could hold a million bad files: the first 100 warnings say enough;
	 * one more line stands for the rest and keeps the last of them, since an archive's
	 * closing word ("its entries inflate past …; the rest skipped", "corrupt zip
	 * archive") comes after its entries' own and was the one left out */
	if (json_array_size(p->warnings) < 100)
		json_array_append_new(p->warnings, json_string(buf));
	else if (json_array_size(p->warnings) == 100)
		json_array_append_new(p->warnings, json_sprintf("further language-package warnings left out; the last: %s", buf));
	else
		json_array_set_new(p->warnings, 100, json_sprintf("further language-package warnings left out; the last: %s", buf));
}

void ecr_langpkgs_add(struct ecr_langpkgs *p, enum ecr_lang_kind k, const char *name, const char *version,
		      const char *path)
{
	if (p->n == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 32;
		void *v = realloc(p->v, na * sizeof(*p->v));
		if (!v) {
			ecr_langpkgs_warn(p, "%s: out of memory; package %s left out", path, name);
			return;
		}
		p->v = v;
		p->alloc = na;
	}
	struct ecr_langpkg *x = &p->v[p->n];
	x->name = strdup(name);
	x->version = strdup(version ? version : "");
	x->path = strdup(path);
	x->kind = k;
	if (!x->name || !x->version || !x->path) {
		free(x->name);
		free(x->version);
		free(x->path);
		ecr_langpkgs_warn(p, "%s: out of memory; package %s left out", path, name);
		return;
	}
	p->n++;
}

static void pkg_free(struct ecr_langpkg *x)
{
	free(x->name);
	free(x->version);
	free(x->path);
}

void ecr_langpkgs_release(struct ecr_langpkgs *p)
{
	for (size_t i = 0; i < p->n; i++)
		pkg_free(&p->v[i]);
	free(p->v);
	json_decref(p->warnings);
	memset(p, 0, sizeof(*p));
}

static int cmp(const void *a, const void *b)
{
	const struct ecr_langpkg *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->version, y->version);
	if (!c)
		c = (int)x->kind - (int)y->kind;
	return c;
}

void ecr_langpkgs_sort(struct ecr_langpkgs *p)
{
	if (!p->n)
		return;
	qsort(p->v, p->n, sizeof(*p->v), cmp);
	size_t w = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (w && !cmp(&p->v[w - 1], &p->v[i])) {
			pkg_free(&p->v[i]);
			continue;
		}
		p->v[w++] = p->v[i];
	}
	p->n = w;
}

json_t *ecr_langpkgs_json(const struct ecr_langpkgs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const struct ecr_langpkg *x = &p->v[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", x->name, "version", x->version,
						   "packageManager", ecr_lang_manager(x->kind), "ecosystem",
						   ecr_lang_ecosystem(x->kind), "filePath", x->path));
	}
	return a;
}
