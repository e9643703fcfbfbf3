/* The PowerShell-style lexer and parser (ps_parse): any text, no crash, no leak. */
#include <stdlib.h>
#include <string.h>

#include "../../frontends/pwsh/ps_lang.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = malloc(size + 1), err[300];
	memcpy(src, data, size);
	src[size] = '\0';
	int incomplete;
	ps_node_free(ps_parse(src, err, sizeof(err), &incomplete));
	free(src);
	return 0;
}
