/* Shared inside the cmdlet frontend. */
#ifndef PS_INT_H
#define PS_INT_H
#include <stddef.h>

#include "ps.h"

/* One argument's text (quotes included) as a PowerShell value (new reference). */
json_t *ps_value_parse(const char *text, char *err, size_t n);
/* PascalCase of a camelCase member name into out. */
void ps_pascal(const char *camel, char *out, size_t n);

#endif
