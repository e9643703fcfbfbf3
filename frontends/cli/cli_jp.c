/* `ecrlite jp EXPRESSION [FILE]`: JMESPath over JSON (a file or stdin), as --query
 * sees it; prints the result as JSON. Errors: "KIND: message" on stderr, exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/jmespath.h"
#include "cli.h"

const char cli_jp_usage[] = "usage: ecrlite jp EXPRESSION [FILE]   (JSON on stdin without FILE)\n";

int cli_jp(int argc, char **argv)
{
	json_error_t je;
	struct jp_error err = {{0}, {0}};
	if (argc < 1 || argc > 2)
		return cli_usage(cli_jp_usage);
	json_t *data = argc == 2 ? json_load_file(argv[1], JSON_DECODE_ANY, &je) : json_loadf(stdin, JSON_DECODE_ANY, &je);
	if (!data) {
		fprintf(stderr, "ecrlite jp: invalid JSON input: %s (line %d column %d)\n", je.text, je.line, je.column);
		return 1;
	}
	struct jp_node *n = jp_compile(argv[0], &err);
	json_t *r = n ? jp_search(n, data, &err) : NULL;
	int rc = 0;
	if (!r) {
		fprintf(stderr, "%s: %s\n", err.kind, err.message);
		rc = 1;
	} else {
		char *s = json_dumps(r, JSON_ENCODE_ANY | JSON_COMPACT);
		printf("%s\n", s);
		free(s);
	}
	json_decref(r);
	json_decref(data);
	jp_free(n);
	return rc;
}
