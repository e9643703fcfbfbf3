/* ecr_path_normalize (core/path.c): rows of {base, path, the name it becomes or NULL
 * when it climbs above the root}. */
#include <stdlib.h>

#include "../../core/path.h"
#include "unit.h"

void test_path_rows(void)
{
	static const struct { const char *base, *p, *want; } rows[] = {
		{"", "a/b/c", "a/b/c"},
		{"", "./a//b/./c/", "a/b/c"},
		{"", "/etc/os-release", "etc/os-release"},
		{"", "a/../b", "b"},
		{"", "a/b/../../c", "c"},
		{"", "a/..", ""},
		{"", ".", ""},
		{"", "", ""},
		{"", "..", NULL},
		{"", "a/../../b", NULL},
		{"", "/../x", NULL},
		{"usr/lib", "../share/x", "usr/share/x"},
		{"usr/lib", "/abs/x", "abs/x"},   /* an absolute target ignores the base */
		{"usr", "../../x", NULL},
		{"blobs/sha256", "./abc", "blobs/sha256/abc"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ecr_err err = {0};
		char *out = (char *)1;
		CHECK(ecr_path_normalize(rows[i].base, rows[i].p, &out, &err) == 0);
		if (!rows[i].want) {
			if (out)
				fprintf(stderr, "path row %zu: '%s' gave '%s'\n", i, rows[i].p, out);
			CHECK(out == NULL);
		} else {
			CHECK_STR(out, rows[i].want);
		}
		free(out);
	}
}
