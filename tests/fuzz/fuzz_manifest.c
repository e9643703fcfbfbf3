/* Image manifests and indexes as a pushed archive carries them, and ECR's conversion
 * of an image manifest to the other format (a pull by tag). */
#include <stdlib.h>

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
	for (int to_docker = 0; to_docker < 2; to_docker++) {
		char *out = NULL;
		size_t n = 0;
		ecr_manifest_convert((const char *)data, size, to_docker ? ECR_MT_DOCKER_MANIFEST : ECR_MT_OCI_MANIFEST, &out,
				     &n, &err);
		free(out);
	}
	return 0;
}
