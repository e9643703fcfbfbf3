/* Which wanted row reads a layer entry (paths as layers write them: no leading '/'),
 * and the owned-file lists the package readers give for Trivy's rule. */
#include <stdio.h>
#include <string.h>

#include "../../core/pkg.h"
#include "../../core/wanted.h"
#include "unit.h"

void test_wanted_rows(void)
{
	static const struct {
		const char *path;
		int exec;
		const char *want; /* row name, NULL: none */
	} rows[] = {
		{"var/lib/dpkg/status", 0, "dpkg-status"},
		{"var/lib/dpkg/info/python3-aiohttp.list", 0, "dpkg-list"},
		{"var/lib/dpkg/info/python3-aiohttp.md5sums", 0, NULL},
		{"var/lib/dpkg/info/sub/x.list", 0, NULL},
		{"lib/apk/db/installed", 0, "apk-installed"},
		{"usr/lib/python3/dist-packages/aiohttp-3.8.4.egg-info/PKG-INFO", 0, "lang-python"},
		{"srv/app/node_modules/@scope/name/package.json", 0, "lang-node"},
		{"srv/app/node_modules/rxjs/ajax/package.json", 0, NULL},
		{"usr/share/java/log4j-core.jar", 0, "lang-java"},
		{"usr/share/java/log4j-core.jar", 1, "lang-java"},
		{"usr/bin/skopeo", 1, "lang-go"},
		{"usr/bin/skopeo", 0, NULL},
		{"etc/os-release", 1, "os-release"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int r = ecr_wanted_find(rows[i].path, rows[i].exec);
		const char *got = r >= 0 ? ecr_wanted_row(r)->name : NULL;
		if (got != rows[i].want && (!got || !rows[i].want || strcmp(got, rows[i].want))) {
			unit_failed++;
			fprintf(stderr, "ecr_wanted_find(%s, %d) = %s, want %s\n", rows[i].path, rows[i].exec,
				got ? got : "none", rows[i].want ? rows[i].want : "none");
		}
	}
}

static void owned_is(const char *what, const struct ecr_pkgs *p, const char *want)
{
	const char *got = p->owned.data ? p->owned.data : "";
	if (strcmp(got, want)) {
		unit_failed++;
		fprintf(stderr, "%s: owned '%s', want '%s'\n", what, got, want);
	}
}

void test_pkg_owned(void)
{
	struct ecr_pkgs p = {0};
	struct ecr_err err = {0};
	const char *list = "/.\n/usr\n/usr/lib/python3/dist-packages/aiohttp-3.8.4.egg-info/PKG-INFO\n\n/usr/bin/x";
	ecr_pkg_dpkg_list(list, strlen(list), &p, &err);
	owned_is("dpkg list", &p, "usr\nusr/lib/python3/dist-packages/aiohttp-3.8.4.egg-info/PKG-INFO\nusr/bin/x\n");
	ecr_pkgs_release(&p);
	/* apk: R: lines name files of the F: directory before them, per package */
	const char *apk = "P:busybox\nV:1.36.1-r15\nF:bin\nR:busybox\nF:etc\nR:passwd\n\nP:musl\nV:1.2.4-r2\nR:ld\n";
	ecr_pkg_apk(apk, strlen(apk), &p, &err);
	owned_is("apk installed", &p, "bin/busybox\netc/passwd\nld\n");
	if (p.n != 2) {
		unit_failed++;
		fprintf(stderr, "apk installed: %zu packages, want 2\n", p.n);
	}
	ecr_pkgs_release(&p);
}
