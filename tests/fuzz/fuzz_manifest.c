/* Image manifests and indexes as a pushed archive carries them. */
#include "ecr.h"
#include "manifest.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecr_manifest m = {0};
	struct ecr_err err = {0};
	if (!ecr_manifest_parse((const char *)data, size, NULL, &m, &err))
		ecr_manifest_image_size(&m);
	ecr_manifest_release(&m); /* whatever a failed parse left */
	return 0;
}
