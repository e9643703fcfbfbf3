/* --query: JMESPath compiled, then evaluated against a small document with every JSON
 * type in it, so that the interpreter's type checks and functions run too. */
#include <stdlib.h>
#include <string.h>

#include "../../frontends/lib/jmespath.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *expr = malloc(size + 1);
	memcpy(expr, data, size);
	expr[size] = '\0';
	struct jp_error err;
	struct jp_node *n = jp_compile(expr, &err);
	if (n) {
		json_t *doc = json_loads("{\"a\": [1, 2.5, \"x\", null, true, {\"b\": [3, {\"c\": \"d\"}]}], \"e\": {\"f\": -1}, \"g\": \"h\"}",
					 0, NULL);
		json_decref(jp_search(n, doc, &err));
		json_decref(doc);
		jp_free(n);
	}
	free(expr);
	return 0;
}
