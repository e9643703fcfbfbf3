/* JMESPath (the --query language): compile once, search JSON (jansson) values.
 * Ownership: jp_search returns a new reference; the compiled tree is freed by jp_free. */
#ifndef JMESPATH_H
#define JMESPATH_H
#include <jansson.h>

struct jp_node;

struct jp_error {
	char kind[24];       /* syntax, invalid-type, invalid-arity, invalid-value, unknown-function */
	char message[1024];  /* the text jmespath.py's exception prints */
};

struct jp_node *jp_compile(const char *expr, struct jp_error *err);
/* NULL with err filled on a runtime error. */
json_t *jp_search(const struct jp_node *n, json_t *data, struct jp_error *err);
void jp_free(struct jp_node *n);

#endif
