/* Node packages: a package.json's "name" and "version" (the dependency ranges inside are
 * not installed versions and are ignored). The name must be an npm name
 * ([@scope/]name of [A-Za-z0-9._-]); a package.json under node_modules that is not
 * JSON or lacks either field is skipped with a warning, one elsewhere (an
 * application's own, which often has no version) silently. */
#include <ctype.h>
#include <string.h>

#include "lang.h"

static int name_part(const char **s)
{
	const char *p = *s;
	while (isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_')
		p++;
	if (p == *s)
		return 0;
	*s = p;
	return 1;
}

static int npm_name(const char *n)
{
	if (strlen(n) > 214) /* npm's own limit */
		return 0;
	if (*n == '@') {
		n++;
		if (!name_part(&n) || *n++ != '/')
			return 0;
	}
	return name_part(&n) && !*n;
}

void ecr_lang_node(const char *path, const char *data, size_t n, struct ecr_langpkgs *out)
{
	int strict = strstr(path, "node_modules/") != NULL;
	if (n > ECR_LANG_META_MAX) {
		ecr_langpkgs_warn(out, "%s: package.json over %u MiB not read", path, ECR_LANG_META_MAX >> 20);
		return;
	}
	/* a UTF-8 byte order mark, as some published packages carry: Node's require() and
	 * npm strip it (stripBOM) and install the package; JSON itself does not allow it */
	if (n >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3, n -= 3;
	json_error_t e;
	json_t *j = json_loadb(data, n, JSON_DECODE_ANY, &e);
	if (!j || !json_is_object(j)) {
		if (strict)
			ecr_langpkgs_warn(out, "%s: not a JSON object (%s); skipped", path, j ? "not an object" : e.text);
		json_decref(j);
		return;
	}
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *version = json_string_value(json_object_get(j, "version"));
	if (name && version && *version && npm_name(name) && strlen(version) < 256)
		ecr_langpkgs_add(out, ECR_LANG_NODE, name, version, path);
	else if (strict)
		ecr_langpkgs_warn(out, "%s: package.json without a valid %s; skipped", path,
				  !name || !npm_name(name) ? "name" : "version");
	json_decref(j);
}
