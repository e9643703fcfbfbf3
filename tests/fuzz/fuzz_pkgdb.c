/* The package databases read from images: dpkg status (both forms) and apk installed.
 * The first byte picks the reader, the rest is the file. */
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
	switch (data[0] % 3) {
	case 0: ecr_pkg_dpkg(body, size - 1, 0, &p, &err); break;
	case 1: ecr_pkg_dpkg(body, size - 1, 1, &p, &err); break;
	default: ecr_pkg_apk(body, size - 1, &p, &err); break;
	}
	ecr_pkgs_sort(&p);
	json_decref(ecr_pkgs_json(&p));
	ecr_pkgs_release(&p);
	return 0;
}
