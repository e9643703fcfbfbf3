/* The registry's request-text parsers (frontends/serve/serve_parse.c): any bytes, no
 * crash, and what each accepts holds: a path's name and reference fit their buffers, a
 * satisfiable Range lies inside the blob, a Content-Range runs forwards. The input is
 * split at NULs into a path, a Range, a blob size, a Content-Range, an If-None-Match, an
 * ETag, and an STS form body (the rest, NULs and all), whose decoded values must be
 * NUL-free and fit their buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../frontends/serve/serve_parse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	const char *part[7] = {"", "", "", "", "", "", ""};
	memcpy(buf, data, size);
	buf[size] = '\0';
	int k = 0;
	part[k++] = buf;
	for (size_t i = 0; i < size && k < 7; i++)
		if (!buf[i])
			part[k++] = buf + i + 1;
	/* the form body: everything after the sixth NUL, NULs included */
	size_t form_n = k == 7 ? size - (size_t)(part[6] - buf) : 0;
	/* a path as libmicrohttpd hands it: /v2/… */
	char path[600], name[260], ref[300];
	snprintf(path, sizeof(path), "/v2%s", part[0]);
	memset(name, 'x', sizeof(name));
	memset(ref, 'x', sizeof(ref));
	enum serve_oci_kind kind = serve_oci_path(path, name, sizeof(name), ref, sizeof(ref));
	if (kind != K_BASE && kind != K_CATALOG && kind != K_NONE &&
	    (!memchr(name, '\0', sizeof(name)) || !memchr(ref, '\0', sizeof(ref)) || !name[0]))
		abort();
	if (kind != K_NONE && kind != K_BASE && kind != K_CATALOG) {
		serve_oci_name_ok(name);
		serve_oci_tag_ok(ref);
	}
	long long bsize = strtoll(part[2], NULL, 10), off = -1, len = -1;
	if (bsize < 0)
		bsize = 0;
	if (serve_oci_range(part[1], bsize, &off, &len) == 1 && (off < 0 || len < 1 || off > bsize - len))
		abort();
	long long first, last;
	if (!serve_oci_content_range(part[3], &first, &last) && (first < 0 || last < first))
		abort();
	serve_oci_etag_match(part[4], part[5]);
	serve_oci_etag_match(NULL, part[5]);
	serve_oci_range(NULL, bsize, &off, &len);
	char v[16];
	for (size_t cap = 1; cap <= sizeof(v); cap += 7) {
		memset(v, 'x', sizeof(v));
		int got = serve_form_value(part[6], form_n, "Action", v, cap);
		if (got == 1 && strlen(v) >= cap)
			abort();
	}
	free(buf);
	return 0;
}
