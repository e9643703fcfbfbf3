/* Strings into fixed buffers without cutting them: a path, a key or a name copied in
 * part would mean another one (a whiteout hiding the wrong file, two findings merged),
 * so each helper either copies all of it or says it does not fit. snprintf's own
 * truncation is for text only a person reads. Returned char * is caller-owned. */
#ifndef ECR_STR_H
#define ECR_STR_H
#include <stddef.h>

/* The first n bytes of s into out (size bytes, NUL-terminated): 0, or -1 with out
 * empty when they do not fit. */
int ecr_str_ncopy(char *out, size_t size, const char *s, size_t n);
/* a, then sep when a and b are both non-empty, then b, into out: 0, or -1 with out
 * empty when the whole does not fit. a may be out itself; b must not overlap it. */
int ecr_str_join(char *out, size_t size, const char *a, const char *sep, const char *b);
/* printf into a new string sized to fit (caller frees); NULL when memory ran out. */
char *ecr_str_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The characters of UTF-8 text s (bytes long): the length AWS counts for a string
 * (Smithy's length trait, Python's len()), not its bytes; 200 'é' are 200. */
size_t ecr_str_chars(const char *s, size_t bytes);
/* At most max: the length a message quotes of an input (a message is not the data). */
static inline int ecr_str_quote(size_t n, size_t max)
{
	return (int)(n < max ? n : max);
}

#endif
