/* Installed-package databases, each read by its own rules, from bytes in memory.
 * Ownership: a struct ecr_pkgs owns its packages and their strings. */
#ifndef ECR_PKG_H
#define ECR_PKG_H
#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define ECR_PKGDB_MAX (64u << 20) /* bigger than any real package database; the cap */
#define ECR_PKGS_MAX 100000       /* packages one image may list (real ones: a few thousand) */

struct ecr_pkg {
	char *name;            /* binary package name */
	char *version;         /* full version as the format writes it (epoch included) */
	char *source;          /* source package name (= name when the db has none) */
	char *source_version;  /* source version (= version when the db has none) */
	char *arch;            /* architecture */
	const char *format;    /* "dpkg", "apk" or "rpm" (static) */
};

struct ecr_pkgs {
	struct ecr_pkg *v;     /* packages in database order */
	size_t n;              /* how many */
	size_t alloc;          /* allocated */
	int skipped;           /* entries left out as incomplete (no name or version) */
	char skipped_why[256]; /* the first such entry, for the warning */
	struct buf owned;      /* the files the packages install, image-relative (no leading
				* '/'), one per line: language packages whose metadata is
				* among them are not reported (owned.c); capped at ECR_PKGDB_MAX */
	int owned_lost;        /* owned passed its cap and was dropped */
};

/* /var/lib/dpkg/status (status_d 0: only "install ok installed"-style entries count)
 * or one file of status.d/ (status_d 1: entries carry no Status; every one counts). */
int ecr_pkg_dpkg(const char *data, size_t n, int status_d, struct ecr_pkgs *out, struct ecr_err *err);
/* /lib/apk/db/installed */
int ecr_pkg_apk(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err);
/* rpmdb.sqlite, given as its bytes: the Packages table's header blobs. */
int ecr_pkg_rpm_sqlite(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err);
void ecr_pkgs_release(struct ecr_pkgs *p);
/* Sorts by name, version, arch; drops exact duplicates. */
void ecr_pkgs_sort(struct ecr_pkgs *p);
/* [{name, version, sourceName, sourceVersion, arch, format}] (new reference). */
json_t *ecr_pkgs_json(const struct ecr_pkgs *p);
/* Adds a package (strings copied); 0, or -1 on out of memory or past ECR_PKGS_MAX. */
int ecr_pkgs_add(struct ecr_pkgs *p, const char *name, const char *version, const char *source,
		 const char *source_version, const char *arch, const char *format);

/* Records a file the database says a package installs (path as the database writes
 * it, n bytes; a leading '/' dropped). Past the cap the list is dropped (owned_lost). */
void ecr_pkgs_own(struct ecr_pkgs *p, const char *path, size_t n);
/* dpkg's info/PACKAGE.list: one installed path per line (files and directories). */
int ecr_pkg_dpkg_list(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err);

/* The error for a failed ecr_pkgs_add: the cap, or out of memory. */
int ecr_pkgs_add_failed(const struct ecr_pkgs *p, struct ecr_err *err);

#endif
