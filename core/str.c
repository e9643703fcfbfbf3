/* Strings into fixed buffers without cutting them (str.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"

int ecr_str_ncopy(char *out, size_t size, const char *s, size_t n)
{
	if (!size)
		return -1;
	out[0] = '\0';
	if (n >= size)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int ecr_str_join(char *out, size_t size, const char *a, const char *sep, const char *b)
{
	size_t al = strlen(a), bl = strlen(b), sl = *a && *b ? strlen(sep) : 0;
	if (!size)
		return -1;
	if (al >= size || sl >= size - al || bl >= size - al - sl) {
		out[0] = '\0';
		return -1;
	}
	memmove(out, a, al); /* a may be out itself (appending) */
	memcpy(out + al, sep, sl);
	memcpy(out + al + sl, b, bl);
	out[al + sl + bl] = '\0';
	return 0;
}

char *ecr_str_fmt(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

size_t ecr_str_chars(const char *s, size_t bytes)
{
	size_t n = 0;
	/* every character has one byte that is not a continuation byte (10xxxxxx) */
	for (size_t i = 0; i < bytes; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}
