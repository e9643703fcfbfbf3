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
static int m_os_release(const char *p) { return ends(p, "etc/os-release") || ends(p, "lib/os-release"); }
static int m_debian_version(const char *p) { return ends(p, "etc/debian_version"); }
static int m_alpine_release(const char *p) { return ends(p, "etc/alpine-release"); }
static int m_dpkg_status(const char *p) { return ends(p, "dpkg/status"); }
static int m_apk_installed(const char *p) { return ends(p, "apk/db/installed"); }
static int m_rpm_sqlite(const char *p) { return ends(p, "rpm/rpmdb.sqlite"); }
static int m_rpm_bdb(const char *p) { return ends(p, "rpm/Packages"); }
static int m_rpm_ndb(const char *p) { return ends(p, "rpm/Packages.db"); }

/* distroless: every file directly in a dpkg/status.d directory but *.md5sums */
static int m_dpkg_status_d(const char *p)
{
	const char *sd = strstr(p, "dpkg/status.d/");
	size_t n = strlen(p);
	return sd && (sd == p || sd[-1] == '/') && sd[14] && !strchr(sd + 14, '/') &&
	       !(n > 8 && !strcmp(p + n - 8, ".md5sums"));
}

static int read_status(const char *d, size_t n, struct ecr_pkgs *o, struct ecr_err *e)
{
	return ecr_pkg_dpkg(d, n, 0, o, e);
}

static int read_status_d(const char *d, size_t n, struct ecr_pkgs *o, struct ecr_err *e)
{
	return ecr_pkg_dpkg(d, n, 1, o, e);
}

static const struct ecr_wanted_row rows[] = {
	{"os-release", m_os_release, ECR_WANT_TEXT, NULL, ECR_TEXT_MAX, 0},
	{"debian_version", m_debian_version, ECR_WANT_TEXT, NULL, ECR_TEXT_MAX, 0},
	{"alpine-release", m_alpine_release, ECR_WANT_TEXT, NULL, ECR_TEXT_MAX, 0},
	{"dpkg-status", m_dpkg_status, ECR_WANT_PKGS, read_status, ECR_PKGDB_MAX, 0},
	{"dpkg-status.d", m_dpkg_status_d, ECR_WANT_PKGS, read_status_d, ECR_PKGDB_MAX, 0},
	{"apk-installed", m_apk_installed, ECR_WANT_PKGS, ecr_pkg_apk, ECR_PKGDB_MAX, 0},
	{"rpm-sqlite", m_rpm_sqlite, ECR_WANT_PKGS, ecr_pkg_rpm_sqlite, ECR_PKGDB_MAX, 0},
	{"rpm-bdb", m_rpm_bdb, ECR_WANT_MARK, NULL, 0, 0},
	{"rpm-ndb", m_rpm_ndb, ECR_WANT_MARK, NULL, 0, 0},
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

int ecr_wanted_find(const char *path)
{
	for (int i = 0; i < NROWS; i++)
		if (rows[i].match(path))
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
	free(p->error);
	free(p);
}

int ecr_payload_read(int row, long (*read_fn)(void *ud, char *buf, size_t n, const char **why_out), void *ud,
		     struct ecr_budget *budget, const char *what, const char *path, struct ecr_payload **out,
		     struct ecr_err *err)
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
