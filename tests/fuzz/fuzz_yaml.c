/* --cli-input-yaml's reader. */
#include <stdlib.h>
#include <string.h>

#include "../../frontends/aws/aws.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *doc = malloc(size + 1), err[512];
	memcpy(doc, data, size);
	doc[size] = '\0';
	json_decref(aws_yaml_load(doc, err, sizeof(err)));
	free(doc);
	return 0;
}
