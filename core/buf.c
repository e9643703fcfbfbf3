#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void ecr_buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->alloc = 0;
	b->max = max;
}

void ecr_buf_release(struct buf *b)
{
	free(b->data);
	ecr_buf_init(b, b->max);
}

int ecr_buf_add(struct buf *b, const void *p, size_t n)
{
	if (n > b->max - b->len) {
		ecr_buf_release(b);
		return -1;
	}
	if (b->len + n + 1 > b->alloc) {
		size_t a = b->alloc ? b->alloc : 256;
		while (a < b->len + n + 1)
			a *= 2;
		char *d = realloc(b->data, a);
		if (!d) {
			ecr_buf_release(b);
			return -1;
		}
		b->data = d;
		b->alloc = a;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int ecr_buf_addstr(struct buf *b, const char *s)
{
	return ecr_buf_add(b, s, strlen(s));
}

int ecr_buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return ecr_buf_add(b, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big)
		return -1;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int rc = ecr_buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

char *ecr_buf_detach(struct buf *b)
{
	char *d = b->data;
	if (!d)
		d = calloc(1, 1);
	ecr_buf_init(b, b->max);
	return d;
}
