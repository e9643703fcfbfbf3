#include <stdlib.h>
#include <string.h>

#include "path.h"

int ecr_path_normalize(const char *base, const char *p, char **out_, struct ecr_err *err)
{
	size_t bl = p[0] == '/' ? 0 : strlen(base);
	char *buf = malloc(bl + strlen(p) + 2), *out = malloc(bl + strlen(p) + 2);
	size_t len = 0;
	*out_ = NULL;
	if (!buf || !out) {
		free(buf);
		free(out);
		return ecr_err_oom(err);
	}
	memcpy(buf, base, bl);
	buf[bl] = '/';
	strcpy(buf + bl + 1, p);
	/* out only shrinks on "..": its last component is dropped in place */
	out[0] = '\0';
	char *save = NULL;
	for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (!len) {
				free(buf);
				free(out);
				return 0;
			}
			char *slash = strrchr(out, '/');
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		if (len)
			out[len++] = '/';
		strcpy(out + len, tok);
		len += strlen(tok);
	}
	free(buf);
	*out_ = out;
	return 0;
}
