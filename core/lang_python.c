/* Python installed-package metadata: dist-info METADATA, egg-info PKG-INFO (or the
 * one-file .egg-info). The core-metadata header block (RFC 822 style: "Key: value",
 * indented continuation lines, ended by the first empty line) gives Name and Version;
 * without both the file is skipped with a warning. Names are kept as written (PyPI's
 * display name); matching normalises them (PEP 503). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lang.h"

#define FIELD_MAX 256

/* copies a header value, trimmed; 0 when it does not fit or is empty */
static int take(const char *v, size_t n, char *out)
{
	while (n && isspace((unsigned char)*v))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (!n || n >= FIELD_MAX || memchr(v, '\0', n))
		return 0;
	memcpy(out, v, n);
	out[n] = '\0';
	return 1;
}

void ecr_lang_python(const char *path, const char *data, size_t n, struct ecr_langpkgs *out)
{
	char name[FIELD_MAX] = "", version[FIELD_MAX] = "";
	if (n > ECR_LANG_META_MAX) {
		ecr_langpkgs_warn(out, "%s: Python metadata over %u MiB not read", path, ECR_LANG_META_MAX >> 20);
		return;
	}
	const char *p = data, *end = data + n;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((eol ? eol : end) - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len == 0)
			break; /* the body (the long description) follows */
		if (*p != ' ' && *p != '\t') {
			const char *colon = memchr(p, ':', len);
			if (colon) {
				size_t kl = (size_t)(colon - p);
				const char *v = colon + 1;
				size_t vl = len - kl - 1;
				if (kl == 4 && !strncasecmp(p, "Name", 4) && !*name)
					take(v, vl, name);
				else if (kl == 7 && !strncasecmp(p, "Version", 7) && !*version)
					take(v, vl, version);
			}
		}
		p = eol ? eol + 1 : end;
	}
	if (!*name || !*version) {
		ecr_langpkgs_warn(out, "%s: Python metadata without %s; skipped", path, !*name ? "Name" : "Version");
		return;
	}
	ecr_langpkgs_add(out, ECR_LANG_PYTHON, name, version, path);
}
