/* Text from outside that must become JSON (an argv value, a script's source): JSON and
 * jansson hold UTF-8 only, and jansson answers other bytes with no value at all, so a
 * value would silently vanish from a request. The real clients never drop it: Python
 * (the AWS CLI) and .NET (PowerShell) decode such bytes as replacement characters. */
#ifndef FE_UTF8_H
#define FE_UTF8_H
#include <jansson.h>
#include <stddef.h>

/* s (n bytes) with each ill-formed part replaced by U+FFFD, NUL-terminated, in *out
 * (malloc'ed; *outn its length without the NUL). 0 when s was well-formed (*out NULL:
 * use s as it is), 1 when *out holds the repaired copy, -1 when memory ran out. */
int fe_utf8_repair(const char *s, size_t n, char **out, size_t *outn);
/* A JSON string of the NUL-terminated s, repaired as above (NULL only when memory ran out). */
json_t *fe_utf8_json_string(const char *s);
/* argv[0..argc) with each argument repaired, in a new array (free with fe_utf8_argv_free),
 * or NULL when memory ran out. */
char **fe_utf8_argv(int argc, char **argv);
void fe_utf8_argv_free(int argc, char **v);

#endif
