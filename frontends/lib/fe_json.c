/* Dotted JSON paths: get, the holder of the last step, set. A step is the text up to the
 * next '.', matched exactly (json_object_getn: no copy, so no length limit). */
#include <string.h>

#include "fe_json.h"

json_t *fe_json_path(json_t *o, const char *path)
{
	while (o && *path) {
		size_t n = strcspn(path, ".");
		o = json_object_getn(o, path, n);
		path += n + (path[n] == '.');
	}
	return o;
}

json_t *fe_json_path_parent(json_t *o, const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return o;
	/* every step but the last, without copying the path */
	while (o && path < dot) {
		size_t n = strcspn(path, ".");
		o = json_object_getn(o, path, n);
		path += n + 1;
	}
	return o;
}

int fe_json_path_set_new(json_t *o, const char *path, json_t *v)
{
	if (!json_is_object(o)) {
		json_decref(v);
		return -1;
	}
	for (;;) {
		size_t n = strcspn(path, ".");
		if (!path[n])
			return json_object_setn_new(o, path, n, v);
		json_t *next = json_object_getn(o, path, n);
		if (!json_is_object(next)) {
			next = json_object();
			if (json_object_setn_new(o, path, n, next)) {
				json_decref(v);
				return -1;
			}
		}
		o = next;
		path += n + 1;
	}
}
