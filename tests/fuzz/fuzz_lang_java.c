/* The Java archives (zip, nested archives, pom.properties, MANIFEST.MF) reader: any bytes give packages or warnings, never a crash, and every
 * package has a name. */
#include <stdlib.h>

#include "../../core/lang.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecr_langpkgs p = {0};
	ecr_lang_java("/srv/a.jar", (const char *)data, size, &p);
	for (size_t i = 0; i < p.n; i++)
		if (!p.v[i].name[0])
			abort();
	ecr_langpkgs_release(&p);
	return 0;
}
