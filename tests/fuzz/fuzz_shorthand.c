/* The aws CLI's shorthand syntax (key=value,list=[a,b],map={k=v}). */
#include <stdlib.h>
#include <string.h>

#include "../../frontends/aws/aws.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *msg = NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	json_decref(aws_shorthand_parse(s, &msg));
	free(msg);
	free(s);
	return 0;
}
