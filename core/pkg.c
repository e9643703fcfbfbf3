/* The package list shared by the database readers. */
#include <stdlib.h>
#include <string.h>

#include "pkg.h"

int ecr_pkgs_add(struct ecr_pkgs *p, const char *name, const char *version, const char *source,
		 const char *source_version, const char *arch, const char *format)
{
	if (p->n >= ECR_PKGS_MAX)
		return -1; /* a hostile database must not turn into gigabytes of packages */
	if (p->n == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 64;
		void *v = realloc(p->v, na * sizeof(*p->v));
		if (!v)
			return -1;
		p->v = v;
		p->alloc = na;
	}
	struct ecr_pkg *k = &p->v[p->n++];
	k->name = strdup(name);
	k->version = strdup(version);
	k->source = strdup(source && *source ? source : name);
	k->source_version = strdup(source_version && *source_version ? source_version : version);
	k->arch = strdup(arch ? arch : "");
	k->format = format;
	return 0;
}

int ecr_pkgs_add_failed(const struct ecr_pkgs *p, struct ecr_err *err)
{
	if (p->n >= ECR_PKGS_MAX)
		return ecr_err_set(err, ECR_E_ARCHIVE, "too many packages: more than %d", ECR_PKGS_MAX);
	return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
}

static void pkg_free(struct ecr_pkg *k)
{
	free(k->name);
	free(k->version);
	free(k->source);
	free(k->source_version);
	free(k->arch);
}

void ecr_pkgs_release(struct ecr_pkgs *p)
{
	for (size_t i = 0; i < p->n; i++)
		pkg_free(&p->v[i]);
	free(p->v);
	ecr_buf_release(&p->owned);
	memset(p, 0, sizeof(*p));
}

void ecr_pkgs_own(struct ecr_pkgs *p, const char *path, size_t n)
{
	while (n && *path == '/')
		path++, n--;
	if (!n || p->owned_lost)
		return;
	if (!p->owned.max)
		ecr_buf_init(&p->owned, ECR_PKGDB_MAX);
	/* a path holding a newline cannot be one line: such a file is simply not owned */
	if (memchr(path, '\n', n) || memchr(path, '\0', n))
		return;
	if (ecr_buf_add(&p->owned, path, n) || ecr_buf_add(&p->owned, "\n", 1))
		p->owned_lost = 1;
}

int ecr_pkg_dpkg_list(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err)
{
	(void)err;
	const char *p = data, *end = data + n;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((eol ? eol : end) - p);
		/* "/." heads every list: the root itself */
		if (len && !(len == 2 && !memcmp(p, "/.", 2)))
			ecr_pkgs_own(out, p, len);
		p = eol ? eol + 1 : end;
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	const struct ecr_pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->version, y->version);
	if (!c)
		c = strcmp(x->arch, y->arch);
	return c;
}

void ecr_pkgs_sort(struct ecr_pkgs *p)
{
	size_t w = 0;
	if (!p->n)
		return;
	qsort(p->v, p->n, sizeof(*p->v), cmp);
	for (size_t i = 0; i < p->n; i++) {
		if (w && !cmp(&p->v[w - 1], &p->v[i])) {
			pkg_free(&p->v[i]);
			continue;
		}
		p->v[w++] = p->v[i];
	}
	p->n = w;
}

json_t *ecr_pkgs_json(const struct ecr_pkgs *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const struct ecr_pkg *k = &p->v[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", k->name,
						   "version", k->version, "sourceName", k->source,
						   "sourceVersion", k->source_version, "arch", k->arch,
						   "format", k->format));
	}
	return a;
}
