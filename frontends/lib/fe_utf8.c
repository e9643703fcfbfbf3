/* Ill-formed UTF-8 made well-formed (fe_utf8.h). Well-formed is RFC 3629's: no overlong
 * forms, no surrogates (U+D800..DFFF), nothing past U+10FFFF. Each maximal ill-formed
 * subpart becomes one U+FFFD, as the Unicode Standard (§3.9, "U+FFFD Substitution of
 * Maximal Subparts") recommends and .NET's decoder does. */
#include <stdlib.h>
#include <string.h>

#include "fe_utf8.h"

/* How many bytes at p (n left) form one well-formed character: >= 1. *bad says whether
 * they are a maximal ill-formed subpart instead. */
static size_t step(const unsigned char *p, size_t n, int *bad)
{
	unsigned char c = p[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
	*bad = 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else {
		*bad = 1;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		unsigned char b = i < n ? p[i] : 0;
		if (i >= n || b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) {
			*bad = 1;
			return i;
		}
	}
	return len;
}

int fe_utf8_repair(const char *s, size_t n, char **out, size_t *outn)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	int bad = 0;
	*out = NULL;
	for (i = 0; i < n; i += k)
		if (k = step(p + i, n - i, &bad), bad)
			break;
	if (i >= n)
		return 0;
	/* at most 3 output bytes per input byte (one U+FFFD for a lone byte) */
	char *o = malloc(3 * n + 1), *w = o;
	if (!o)
		return -1;
	for (i = 0; i < n; i += k) {
		k = step(p + i, n - i, &bad);
		if (bad) {
			memcpy(w, "\xEF\xBF\xBD", 3);
			w += 3;
		} else {
			memcpy(w, p + i, k);
			w += k;
		}
	}
	*w = '\0';
	*out = o;
	*outn = (size_t)(w - o);
	return 1;
}

json_t *fe_utf8_json_string(const char *s)
{
	char *fixed;
	size_t n;
	int r = fe_utf8_repair(s, strlen(s), &fixed, &n);
	if (r < 0)
		return NULL;
	json_t *j = r ? json_stringn(fixed, n) : json_string(s);
	free(fixed);
	return j;
}

char **fe_utf8_argv(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (int i = 0; i < argc; i++) {
		size_t n;
		int r = fe_utf8_repair(argv[i], strlen(argv[i]), &v[i], &n);
		if (r == 0)
			v[i] = strdup(argv[i]);
		if (r < 0 || !v[i]) {
			fe_utf8_argv_free(i, v);
			return NULL;
		}
	}
	return v;
}

void fe_utf8_argv_free(int argc, char **v)
{
	if (!v)
		return;
	for (int i = 0; i < argc; i++)
		free(v[i]);
	free(v);
}
