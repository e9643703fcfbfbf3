/* A growable byte buffer with a mandatory cap: anything sized by input goes through it,
 * so hostile input hits the cap, not the OOM killer. The buffer owns its bytes. */
#ifndef ECR_BUF_H
#define ECR_BUF_H
#include <stddef.h>

struct buf {
	char *data;      /* NUL-terminated contents (NULL while empty) */
	size_t len;      /* bytes used, not counting the NUL */
	size_t alloc;    /* bytes allocated */
	size_t max;      /* cap on len; an append past it fails and frees the buffer */
};

void ecr_buf_init(struct buf *b, size_t max);
/* 0, or -1 when the cap would be passed or memory ran out (the buffer is then freed). */
int ecr_buf_add(struct buf *b, const void *p, size_t n);
int ecr_buf_addstr(struct buf *b, const char *s);
int ecr_buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ecr_buf_release(struct buf *b);
/* Hands the contents to the caller (free()), leaving b empty. */
char *ecr_buf_detach(struct buf *b);

#endif
