/* apk-tools' installed database: one "X:value" line per field, a blank line between
 * packages (P name, V version, A arch, o origin = the source package; F a directory and
 * R a file in it: the files the package installs). */
#include <stdio.h>
#include <string.h>

#include "pkg.h"
#include "str.h"

struct apk {
	char name[256], version[256], arch[64], origin[256]; /* fields we use */
	char dir[4096];                                       /* the last F: (a directory) */
	int dir_long;                                         /* 1: that F: did not fit in dir */
	int line;                                             /* where it starts */
	char too_long;                                        /* a field that did not fit, or 0 */
};

static int finish(struct apk *a, struct ecr_pkgs *out, struct ecr_err *err)
{
	int rc = 0;
	if (a->too_long) {
		/* a cut name or version would be another package: the entry is left out */
		if (!out->skipped++)
			snprintf(out->skipped_why, sizeof(out->skipped_why), "the entry at line %d has a %c: value too long",
				 a->line, a->too_long);
	} else if (a->name[0] || a->version[0]) {
		if (!a->name[0] || !a->version[0]) {
			if (!out->skipped++)
				snprintf(out->skipped_why, sizeof(out->skipped_why), "the entry at line %d lacks %s", a->line,
					 a->name[0] ? "V:" : "P:");
		}
		/* the source version of an apk is its own version */
		else if (ecr_pkgs_add(out, a->name, a->version, a->origin, a->version, a->arch, "apk"))
			rc = ecr_pkgs_add_failed(out, err);
	}
	memset(a, 0, sizeof(*a));
	return rc;
}

int ecr_pkg_apk(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err)
{
	struct apk a;
	const char *p = data, *end = data + n;
	int line = 0, rc;
	memset(&a, 0, sizeof(a));
	if (n && memchr(data, '\0', n))
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed apk database: it contains NUL bytes");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
		line++;
		if (len == 0) {
			if ((rc = finish(&a, out, err)))
				return rc;
		} else if (len >= 2 && p[1] == ':') {
			char *dst = NULL;
			size_t cap = 0;
			switch (p[0]) {
			case 'P': dst = a.name, cap = sizeof(a.name); break;
			case 'V': dst = a.version, cap = sizeof(a.version); break;
			case 'A': dst = a.arch, cap = sizeof(a.arch); break;
			case 'o': dst = a.origin, cap = sizeof(a.origin); break;
			}
			if (!a.line)
				a.line = line;
			if (p[0] == 'F') {
				/* F: a directory the package owns, its files in the R: lines after it */
				a.dir_long = ecr_str_ncopy(a.dir, sizeof(a.dir), p + 2, len - 2) != 0;
			} else if (p[0] == 'R' && !a.dir_long) {
				/* a path longer than any layer holds is owned by nobody: never a cut one */
				char name[4096], f[8192];
				if (!ecr_str_ncopy(name, sizeof(name), p + 2, len - 2) &&
				    !ecr_str_join(f, sizeof(f), a.dir, "/", name))
					ecr_pkgs_own(out, f, strlen(f));
			}
			if (dst && ecr_str_ncopy(dst, cap, p + 2, len - 2))
				a.too_long = p[0];
		}
		p += len + 1;
	}
	return finish(&a, out, err);
}
