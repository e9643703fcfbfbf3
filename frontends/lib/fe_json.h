/* Dotted JSON paths ("imageScanStatus.status"): how the model names a nested member
 * (a paginator's result keys, a waiter's argument, a cmdlet parameter's request member),
 * walked in one place for every frontend.
 * Ownership: fe_json_path and fe_json_path_parent return borrowed references (valid while
 * o holds them); fe_json_path_set_new steals v. */
#ifndef FE_JSON_H
#define FE_JSON_H
#include <jansson.h>

/* The value at path in o, or NULL when a step is missing or is not an object. An empty
 * path is o itself. */
json_t *fe_json_path(json_t *o, const char *path);
/* The value holding path's last member: o for a top-level member, else the value at the
 * path without its last step (NULL when that is missing). */
json_t *fe_json_path_parent(json_t *o, const char *path);
/* Sets path in the object o to v (stolen), making each missing step, or a step that is not
 * an object, an empty object first. 0, or -1 when o is not an object or memory ran out. */
int fe_json_path_set_new(json_t *o, const char *path, json_t *v);

/* d as Python's repr writes a float ("100.0", "1e-05", "Infinity"), which the CLI's
 * outputs and jmespath.py's messages show. */
void fe_pyfloat(double d, char *buf, size_t n);

/* v as compact JSON (json_dumps' JSON_COMPACT | JSON_ENCODE_ANY, members in their order),
 * but each real in the fewest digits that read back as it (fe_pyfloat: 0.1, 9.8), where
 * jansson writes 17 (0.10000000000000001, 9.8000000000000007). NULL when memory ran out or
 * the text would pass max bytes; free() it. */
char *fe_json_compact(const json_t *v, size_t max);

#endif
