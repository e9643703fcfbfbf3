/* Shared inside the cmdlet frontend. */
#ifndef PS_INT_H
#define PS_INT_H
#include <stddef.h>

#include "ps.h"

/* One argument's text (quotes included) as a PowerShell value (new reference). */
json_t *ps_value_parse(const char *text, char *err, size_t n);
/* PascalCase of a camelCase member name into out. */
void ps_pascal(const char *camel, char *out, size_t n);

/* ps_obj.c: PowerShell objects (see there) */
#define PS_TYPE_KEY "\001type"
#define PS_DICT_KEY "\001dict"
#define PS_BLOCK_KEY "\001block"
#define PS_HASH_KEY "\001hash"   /* a @{} hashtable: shows as Name/Value rows */
json_t *ps_obj_from_model(json_t *v, int shape);
int ps_is_marker(const char *key);
json_t *ps_prop(json_t *o, const char *name);      /* borrowed, case-insensitive */
const char *ps_type_name(json_t *o);
char *ps_to_string(json_t *v);                     /* caller frees */

/* ps_format.c: a value as a table cell or list line shows it; layouts */
void ps_cell(json_t *v, char *out, size_t n);
void ps_table(json_t *items, const char **cols, int nc);
void ps_list(json_t *items, const char **cols, int nc);

#endif
