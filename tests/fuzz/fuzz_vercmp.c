/* Version ordering (dpkg, apk, rpm, pypi, npm, go, maven) on two versions split at the first newline. Beyond
 * not crashing, each order must be antisymmetric and reflexive: a sort built on a
 * comparator that is not would misplace fixed versions. */
#include <stdlib.h>
#include <string.h>

#include "vercmp.h"
#include "fuzz.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *b = strchr(buf, '\n');
	if (b)
		*b++ = '\0';
	else
		b = buf + size;
	const char *formats[] = {"dpkg", "apk", "rpm", "pypi", "npm", "go", "maven"};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		ecr_vercmp_fn cmp = ecr_vercmp_for(formats[i]);
		if (sign(cmp(buf, b)) != -sign(cmp(b, buf)) || cmp(buf, buf) != 0)
			abort(); /* the order is not an order */
	}
	free(buf);
	return 0;
}
