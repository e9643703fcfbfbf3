/* Lifecycle policy documents as PutLifecyclePolicy and StartLifecyclePolicyPreview take
 * them: a document that passes is kept as its compact text, and that text passes again
 * unchanged (what GetLifecyclePolicy answers must be a policy ECR would take). */
#include <stdlib.h>
#include <string.h>

#include "ecr.h"
#include "../../core/lifecycle.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ecr_lc_policy p, again;
	struct ecr_err err = {0};
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!ecr_lifecycle_parse(text, &p, &err)) {
		char *kept = ecr_lifecycle_text(&p), *twice = NULL;
		if (kept && !ecr_lifecycle_parse(kept, &again, &err)) {
			twice = ecr_lifecycle_text(&again);
			if (!twice || strcmp(kept, twice) || again.nrules != p.nrules)
				abort(); /* the kept text must read back as the same policy */
			ecr_lifecycle_release(&again);
		} else if (kept) {
			abort();
		}
		free(kept);
		free(twice);
		ecr_lifecycle_release(&p);
	}
	free(text);
	return 0;
}
