/* The package databases read from images: dpkg status (both forms), apk installed,
 * dpkg's info/PACKAGE.list and rpm's sqlite database. The first byte picks the reader (with
 * its high bit set: the last two), the rest is the file. Every owned path is a
 * non-empty line without a leading '/'. */
#include <stdlib.h>
#include <string.h>

#include "ecr.h"
#include "../../core/pkg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct ecr_pkgs p = {0};
	struct ecr_err err = {0};
	const char *body = (const char *)data + 1;
	if (data[0] & 0x80) {
		if (data[0] & 1)
			ecr_pkg_rpm_sqlite(body, size - 1, &p, &err);
		else
			ecr_pkg_dpkg_list(body, size - 1, &p, &err);
	} else {
		switch (data[0] % 3) {
		case 0: ecr_pkg_dpkg(body, size - 1, 0, &p, &err); break;
		case 1: ecr_pkg_dpkg(body, size - 1, 1, &p, &err); break;
		default: ecr_pkg_apk(body, size - 1, &p, &err); break;
		}
	}
	const char *end = p.owned.data ? p.owned.data + p.owned.len : NULL;
	for (const char *s = p.owned.data; s && s < end;) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		if (!eol || eol == s || *s == '/')
			abort();
		s = eol + 1;
	}
	ecr_pkgs_sort(&p);
	json_decref(ecr_pkgs_json(&p));
	ecr_pkgs_release(&p);
	return 0;
}
