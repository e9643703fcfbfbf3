/* The table of files a scan reads (wanted.h) and how their bytes are taken in. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wanted.h"

/* path ends with suffix at a component boundary */
static int ends(const char *path, const char *suffix)
{
	size_t n = strlen(path), k = strlen(suffix);
	return n >= k && !strcmp(path + n - k, suffix) && (n == k || path[n - k - 1] == '/');
}

/* Directories may be reached through symlinks (/lib -> usr/lib) or written under
 * another name than the one looked up, so rows match by suffix, not by whole path. */
static int m_os_release(const char *p, int x) { (void)x; return ends(p, "etc/os-release") || ends(p, "lib/os-release"); }
static int m_debian_version(const char *p, int x) { (void)x; return ends(p, "etc/debian_version"); }
static int m_alpine_release(const char *p, int x) { (void)x; return ends(p, "etc/alpine-release"); }
static int m_dpkg_status(const char *p, int x) { (void)x; return ends(p, "dpkg/status"); }
static int m_apk_installed(const char *p, int x) { (void)x; return ends(p, "apk/db/installed"); }
static int m_rpm_sqlite(const char *p, int x) { (void)x; return ends(p, "rpm/rpmdb.sqlite"); }
static int m_rpm_bdb(const char *p, int x) { (void)x; return ends(p, "rpm/Packages"); }
static int m_rpm_ndb(const char *p, int x) { (void)x; return ends(p, "rpm/Packages.db"); }

/* distroless: every file directly in a dpkg/status.d directory but *.md5sums */
static int m_dpkg_status_d(const char *p, int x)
{
	(void)x;
	const char *sd = strstr(p, "dpkg/status.d/");
	size_t n = strlen(p);
	return sd && (sd == p || sd[-1] == '/') && sd[14] && !strchr(sd + 14, '/') &&
	       !(n > 8 && !strcmp(p + n - 8, ".md5sums"));
}

/* dpkg's info/PACKAGE.list: which files each package installed (owned.c) */
static int m_dpkg_list(const char *p, int x)
{
	const char *d = strstr(p, "dpkg/info/");
	size_t n = strlen(p);
	(void)x;
	return d && (d == p || d[-1] == '/') && !strchr(d + 10, '/') && n > 5 && !strcmp(p + n - 5, ".list");
}

/* language metadata: the parsers' own name test (lang.c), one row per ecosystem */
static int m_python(const char *p, int x) { return ecr_lang_wants(p, x) == ECR_LANG_PYTHON; }
static int m_node(const char *p, int x) { return ecr_lang_wants(p, x) == ECR_LANG_NODE; }
static int m_java(const char *p, int x) { return ecr_lang_wants(p, x) == ECR_LANG_JAVA; }
static int m_go(const char *p, int x) { return x && ecr_lang_wants(p, x) == ECR_LANG_GO; }

static int read_status(const char *d, size_t n, struct ecr_pkgs *o, struct ecr_err *e)
{
	return ecr_pkg_dpkg(d, n, 0, o, e);
}

static int read_status_d(const char *d, size_t n, struct ecr_pkgs *o, struct ecr_err *e)
{
	return ecr_pkg_dpkg(d, n, 1, o, e);
}

static const struct ecr_wanted_row rows[] = {
	{"os-release", m_os_release, ECR_WANT_TEXT, NULL, ECR_TEXT_MAX, 0, ECR_LANG_NONE},
	{"debian_version", m_debian_version, ECR_WANT_TEXT, NULL, ECR_TEXT_MAX, 0, ECR_LANG_NONE},
	{"alpine-release", m_alpine_release, ECR_WANT_TEXT, NULL, ECR_TEXT_MAX, 0, ECR_LANG_NONE},
	{"dpkg-status", m_dpkg_status, ECR_WANT_PKGS, read_status, ECR_PKGDB_MAX, 0, ECR_LANG_NONE},
	{"dpkg-status.d", m_dpkg_status_d, ECR_WANT_PKGS, read_status_d, ECR_PKGDB_MAX, 0, ECR_LANG_NONE},
	{"apk-installed", m_apk_installed, ECR_WANT_PKGS, ecr_pkg_apk, ECR_PKGDB_MAX, 0, ECR_LANG_NONE},
	{"rpm-sqlite", m_rpm_sqlite, ECR_WANT_PKGS, ecr_pkg_rpm_sqlite, ECR_PKGDB_MAX, 0, ECR_LANG_NONE},
	{"rpm-bdb", m_rpm_bdb, ECR_WANT_MARK, NULL, 0, 0, ECR_LANG_NONE},
	{"rpm-ndb", m_rpm_ndb, ECR_WANT_MARK, NULL, 0, 0, ECR_LANG_NONE},
	{"dpkg-list", m_dpkg_list, ECR_WANT_PKGS, ecr_pkg_dpkg_list, ECR_PKGDB_MAX, 0, ECR_LANG_NONE},
	{"lang-python", m_python, ECR_WANT_LANG, NULL, ECR_LANG_META_MAX, 0, ECR_LANG_PYTHON},
	{"lang-node", m_node, ECR_WANT_LANG, NULL, ECR_LANG_META_MAX, 0, ECR_LANG_NODE},
	{"lang-java", m_java, ECR_WANT_LANG, NULL, ECR_LANG_JAR_MAX, 0, ECR_LANG_JAVA},
	{"lang-go", m_go, ECR_WANT_LANG, NULL, 0, 0, ECR_LANG_GO},
};
#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

const struct ecr_wanted_row *ecr_wanted_row(int i)
{
	return i >= 0 && i < NROWS ? &rows[i] : NULL;
}

int ecr_wanted_count(void)
{
	return NROWS;
}

int ecr_wanted_find(const char *path, int exec)
{
	for (int i = 0; i < NROWS; i++)
		if (rows[i].match(path, exec))
			return i;
	return -1;
}

int ecr_wanted_by_name(const char *name)
{
	for (int i = 0; i < NROWS; i++)
		if (!strcmp(rows[i].name, name))
			return i;
	return -1;
}

int ecr_budget_init(struct ecr_budget *b, size_t total)
{
	b->left = total;
	b->lock = malloc(sizeof(pthread_mutex_t));
	if (!b->lock || pthread_mutex_init(b->lock, NULL)) {
		free(b->lock);
		b->lock = NULL;
		return -1;
	}
	return 0;
}

int ecr_budget_take(struct ecr_budget *b, size_t n)
{
	int rc = 0;
	pthread_mutex_lock(b->lock);
	if (n > b->left)
		rc = -1;
	else
		b->left -= n;
	pthread_mutex_unlock(b->lock);
	return rc;
}

void ecr_budget_release(struct ecr_budget *b)
{
	if (b->lock) {
		pthread_mutex_destroy(b->lock);
		free(b->lock);
	}
	b->lock = NULL;
}

void ecr_payload_free(struct ecr_payload *p)
{
	if (!p)
		return;
	ecr_buf_release(&p->text);
	ecr_pkgs_release(&p->pkgs);
	ecr_langpkgs_release(&p->lang);
	free(p->error);
	free(p);
}

static int hold(void *ud, size_t n)
{
	return ecr_budget_take(ud, n);
}

/* A language file: packages and warnings into p->lang, never an error. Metadata files
 * are held (capped, charged to the budget), jars streamed, executables streamed
 * through the Go build-info scanner until it has its answer. */
static void read_lang(const struct ecr_wanted_row *w, long (*read_fn)(void *, char *, size_t, const char **), void *ud,
		      long long size, struct ecr_budget *budget, const char *path, struct ecr_langpkgs *out)
{
	char *abs = malloc(strlen(path) + 2);
	if (!abs) {
		ecr_langpkgs_warn(out, "/%s: out of memory; skipped", path);
		return;
	}
	sprintf(abs, "/%s", path);
	out->hold = budget ? hold : NULL;
	out->hold_ud = budget;
	if (w->lang == ECR_LANG_JAVA) {
		ecr_lang_java_stream(abs, read_fn, ud, size, out);
	} else if (w->lang == ECR_LANG_GO) {
		struct ecr_goscan *g = malloc(sizeof(*g));
		char *chunk = malloc(64 * 1024);
		const char *why = NULL;
		long k = 0;
		if (g && chunk) {
			ecr_goscan_init(g);
			while ((k = read_fn(ud, chunk, 64 * 1024, &why)) > 0)
				if (ecr_goscan_feed(g, chunk, (size_t)k))
					break;
			if (k < 0)
				ecr_langpkgs_warn(out, "%s: unreadable (%s); skipped", abs, why ? why : "read error");
			else
				ecr_goscan_finish(g, abs, out);
		}
		free(g);
		free(chunk);
	} else if (size > (long long)w->cap) {
		ecr_langpkgs_warn(out, "%s: over %u MiB, not read; skipped", abs, (unsigned)(w->cap >> 20));
	} else {
		struct buf b;
		char chunk[16 * 1024];
		const char *why = NULL;
		long k;
		int over = 0;
		ecr_buf_init(&b, w->cap);
		while (!over && (k = read_fn(ud, chunk, sizeof(chunk), &why)) > 0) {
			if (budget && ecr_budget_take(budget, (size_t)k))
				over = 2;
			else if (ecr_buf_add(&b, chunk, (size_t)k))
				over = 1;
		}
		if (over == 2)
			ecr_langpkgs_warn(out, "%s: the scan's budget of %u MiB for package metadata is spent; skipped", abs,
					  ECR_SCAN_PKGDB_BUDGET >> 20);
		else if (over)
			ecr_langpkgs_warn(out, "%s: over %u MiB, not read; skipped", abs, (unsigned)(w->cap >> 20));
		else if (k < 0)
			ecr_langpkgs_warn(out, "%s: unreadable (%s); skipped", abs, why ? why : "read error");
		else if (w->lang == ECR_LANG_PYTHON)
			ecr_lang_python(abs, b.data ? b.data : "", b.len, out);
		else
			ecr_lang_node(abs, b.data ? b.data : "", b.len, out);
		ecr_buf_release(&b);
	}
	out->hold = NULL;
	out->hold_ud = NULL;
	free(abs);
}

int ecr_payload_read(int row, long (*read_fn)(void *ud, char *buf, size_t n, const char **why_out), void *ud,
		     long long size, struct ecr_budget *budget, const char *what, const char *path,
		     struct ecr_payload **out, struct ecr_err *err)
{
	const struct ecr_wanted_row *w = &rows[row];
	struct ecr_payload *p = calloc(1, sizeof(*p));
	struct buf b;
	char chunk[64 * 1024];
	const char *why = NULL;
	long k;
	int rc = 0;
	*out = NULL;
	if (!p)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	p->row = row;
	if (w->kind == ECR_WANT_MARK) {
		*out = p;
		return 0;
	}
	if (w->kind == ECR_WANT_LANG) {
		read_lang(w, read_fn, ud, size, budget, path, &p->lang);
		if (!p->lang.n && !p->lang.warnings)
			ecr_payload_free(p);
		else
			*out = p;
		return 0;
	}
	ecr_buf_init(&b, w->cap);
	ecr_buf_add(&b, "", 0);
	while ((k = read_fn(ud, chunk, sizeof(chunk), &why)) > 0) {
		if (w->kind == ECR_WANT_PKGS && budget && ecr_budget_take(budget, (size_t)k)) {
			rc = ecr_err_set(err, ECR_E_ARCHIVE,
					 "%s: package databases too large: '%s' passes the scan's budget of %u MiB for all of them",
					 what, path, ECR_SCAN_PKGDB_BUDGET >> 20);
			goto out;
		}
		if (ecr_buf_add(&b, chunk, (size_t)k)) {
			if (w->kind == ECR_WANT_PKGS)
				rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: package database too large: '%s' is over %u MiB",
						 what, path, (unsigned)(w->cap >> 20));
			else
				rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: '%s' is over %u KiB", what, path,
						 (unsigned)(w->cap >> 10));
			goto out;
		}
	}
	if (k < 0) {
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer at '%s': %s", what, path,
				 why ? why : "read error");
		goto out;
	}
	if (w->kind == ECR_WANT_TEXT) {
		p->text = b;
		memset(&b, 0, sizeof(b));
	} else {
		struct ecr_err perr = {0};
		if (w->parse(b.data ? b.data : "", b.len, &p->pkgs, &perr)) {
			/* refused as a database: said when the file is the one used */
			p->error = strdup(perr.message);
			ecr_pkgs_release(&p->pkgs);
		}
	}
out:
	ecr_buf_release(&b);
	if (rc)
		ecr_payload_free(p);
	else
		*out = p;
	return rc;
}
