/* The CVSS vector parser: any bytes either give scores inside [0, 10] with one decimal,
 * or a refusal with a message. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "fuzz.h"

static int sane(double s)
{
	return s >= 0 && s <= 10 && fabs(s * 10 - round(s * 10)) < 1e-6;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size + 1);
	memcpy(v, data, size);
	v[size] = '\0';
	struct ecr_cvss s;
	char err[256];
	if (ecr_cvss_score(v, &s, err, sizeof(err)) == 0) {
		if (!sane(s.base) || (s.has_temporal && !sane(s.temporal)) ||
		    (s.has_environmental && !sane(s.environmental)))
			abort();
	} else if (!err[0]) {
		abort(); /* a refusal says why */
	}
	free(v);
	return 0;
}
