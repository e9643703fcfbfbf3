/* The registry's request pieces read as text: the /v2/ path, repository names and
 * tags, Range, Content-Range and If-None-Match; and STS's form body. Pure functions of their input (no
 * request, no state), so tests/fuzz/fuzz_ociparse.c runs them on any bytes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_parse.h"

/* /v2/<name>/<what>… with <name> holding slashes: the kind is read from the right. */
enum serve_oci_kind serve_oci_path(const char *path, char *name, size_t name_size, char *ref, size_t ref_size)
{
	const char *p = path + 3; /* after "/v2" */
	if (!*p || !strcmp(p, "/"))
		return K_BASE;
	p++;
	if (!strcmp(p, "_catalog"))
		return K_CATALOG;
	size_t n = strlen(p);
	struct {
		const char *suffix;  /* what ends the path */
		enum serve_oci_kind k;
		int has_ref;         /* a last component follows the suffix */
	} tab[] = {
		{"/tags/list", K_TAGS, 0},
		{"/blobs/uploads/", K_UPLOAD, 1},
		{"/blobs/uploads", K_UPLOAD, 0},
		{"/manifests/", K_MANIFEST, 1},
		{"/blobs/", K_BLOB, 1},
		{"/referrers/", K_REFERRERS, 1},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		size_t sl = strlen(tab[i].suffix);
		const char *at = NULL;
		if (!tab[i].has_ref) {
			if (n > sl && !strcmp(p + n - sl, tab[i].suffix))
				at = p + n - sl;
		} else {
			/* the last component: no slash in it */
			const char *last = strrchr(p, '/');
			if (last && last - p + 1 >= (long)sl && !strncmp(last + 1 - sl, tab[i].suffix, sl))
				at = last + 1 - sl;
			if (at && tab[i].k == K_BLOB && !strcmp(at + sl, "uploads"))
				at = NULL; /* "/blobs/uploads" is the row above */
		}
		if (!at || at == p || (size_t)(at - p) >= name_size)
			continue;
		const char *tail = tab[i].has_ref ? at + sl : "";
		if (strlen(tail) >= ref_size)
			return K_NONE;
		memcpy(name, p, (size_t)(at - p)); /* fits: checked above */
		name[at - p] = '\0';
		memcpy(ref, tail, strlen(tail) + 1);
		return tab[i].k;
	}
	return K_NONE;
}

/* ECR's RepositoryName, 2–256 characters of
 * (?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)* (serve.md §4.1): every
 * separator, slash included, between two of [a-z0-9]. A name outside it is NAME_INVALID,
 * not NAME_UNKNOWN ("a..b", "ab-", "a/-b" could never be created). */
int serve_oci_name_ok(const char *s)
{
	size_t n = strlen(s);
	int after_alnum = 0; /* the previous character is one of [a-z0-9] */
	if (n < 2 || n > 256)
		return 0;
	for (const char *p = s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			after_alnum = 1;
			continue;
		}
		if (!after_alnum || !strchr("._-/", *p))
			return 0;
		after_alnum = 0;
	}
	return after_alnum;
}

/* The spec's tag grammar, [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} (serve.md §4.1). ECR's API
 * takes up to 300 characters of anything, but its registry answered 400 to a tag with
 * '+' (bazel-contrib/rules_oci#720): a registry path's tag is the spec's. */
int serve_oci_tag_ok(const char *s)
{
	static const char more[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t n = strlen(s);
	return n >= 1 && n <= 128 && s[0] != '.' && s[0] != '-' && strspn(s, more) == n;
}

/* Range: bytes=A-B, A-, -N. 1 when satisfiable, -1 when not (416), 0 when absent or
 * to be ignored: RFC 9110 §14.2 lets a server ignore Range, and says to ignore one it
 * cannot parse or whose unit it does not know; several ranges are ignored too (served
 * whole, 200), since 416 would tell the client that none of them exists. */
int serve_oci_range(const char *h, long long size, long long *off, long long *len)
{
	long long a = -1, b = -1;
	char *end;
	if (!h || strncmp(h, "bytes=", 6) || strchr(h, ','))
		return 0;
	h += 6;
	if (*h == '-') {
		if (h[1] < '0' || h[1] > '9')
			return 0;
		long long k = strtoll(h + 1, &end, 10);
		if (*end || k < 0)
			return 0;
		if (k == 0 || size == 0)
			return -1; /* a suffix of nothing */
		a = k > size ? 0 : size - k;
		b = size - 1;
	} else {
		if (*h < '0' || *h > '9')
			return 0;
		a = strtoll(h, &end, 10);
		if (*end != '-')
			return 0;
		end++;
		if (*end) {
			if (*end < '0' || *end > '9')
				return 0;
			b = strtoll(end, &end, 10);
			if (*end || b < a)
				return 0;
		}
		if (a >= size)
			return -1;
		if (b < 0 || b >= size)
			b = size - 1;
	}
	*off = a;
	*len = b - a + 1;
	return 1;
}

/* Digits only, at most 18 of them (below 10^18: no overflow, and far past any blob): the
 * value, or -1. */
static long long count(const char **p)
{
	long long v = 0;
	int n = 0;
	while (**p >= '0' && **p <= '9') {
		if (++n > 18)
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	return n ? v : -1;
}

int serve_oci_content_range(const char *h, long long *first, long long *last)
{
	/* "<start>-<end>" as the spec writes it, or RFC 9110's "bytes <start>-<end>"; sscanf
	 * took signs, spaces and numbers past LLONG_MAX (undefined), and a length of
	 * end - start + 1 could overflow */
	if (!strncmp(h, "bytes ", 6))
		h += 6;
	long long a = count(&h);
	if (a < 0 || *h++ != '-')
		return -1;
	long long b = count(&h);
	h += strspn(h, " \t"); /* optional whitespace ends a field value (RFC 9110 §5.5) */
	if (b < 0 || *h || b < a)
		return -1;
	*first = a;
	*last = b;
	return 0;
}

/* 1 when If-None-Match names etag (weakly, as RFC 9110 §13.1.2 compares) or is "*".
 * A server that sends ETags MUST evaluate the preconditions it receives (RFC 9110
 * §13.2.1); the tags here are quoted digests, so no comma hides inside one. */
int serve_oci_etag_match(const char *h, const char *etag)
{
	size_t el = strlen(etag);
	for (const char *p = h; p && *p;) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, ",");
		const char *t = p;
		p += len;
		while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
			len--;
		if (len == 1 && *t == '*')
			return 1;
		if (len > 2 && !strncmp(t, "W/", 2)) {
			t += 2;
			len -= 2;
		}
		if (len == el && !strncmp(t, etag, el))
			return 1;
	}
	return 0;
}

int serve_form_value(const char *body, size_t n, const char *name, char *out, size_t outn)
{
	size_t nl = strlen(name), i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && body[end] != '&')
			end++;
		if (end - i > nl && !memcmp(body + i, name, nl) && body[i + nl] == '=') {
			size_t o = 0;
			for (size_t k = i + nl + 1; k < end && o + 1 < outn; k++) {
				char c = body[k];
				if (!c)
					return -1; /* a raw NUL: the value would end early as text */
				if (c == '+') {
					c = ' ';
				} else if (c == '%') {
					if (k + 2 >= end)
						return -1;
					char hex[3] = {body[k + 1], body[k + 2], 0};
					long v = strtol(hex, NULL, 16);
					if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]) || !v)
						return -1; /* not a %XX, or a NUL */
					c = (char)v;
					k += 2;
				}
				out[o++] = c;
			}
			out[o] = '\0';
			return 1;
		}
		i = end + 1;
	}
	return 0;
}
