/* PowerShell objects as ecrlite's shell holds them: JSON objects whose keys are the
 * .NET property names (PascalCase, alphabetical for SDK types, as declared), with the
 * type name under a key no script can type ("\001type"); dictionaries marked "\001dict";
 * DateTime values as their display text. This is the bottom layer: it knows the
 * representation and calls nothing of the interpreter's. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ps_int.h"

int ps_is_marker(const char *key)
{
	return key[0] == '\001';
}

json_t *ps_prop(json_t *o, const char *name)
{
	const char *k;
	json_t *v;
	if (!json_is_object(o))
		return NULL;
	json_object_foreach(o, k, v) if (!ps_is_marker(k) && !strcasecmp(k, name)) return v;
	return NULL;
}

const char *ps_type_name(json_t *o)
{
	return json_string_value(json_object_get(o, PS_TYPE_KEY));
}

void ps_pascal(const char *camel, char *out, size_t n)
{
	snprintf(out, n, "%s", camel);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 32);
}

int ps_is_error_record(json_t *v)
{
	const char *t = ps_type_name(v);
	return t && !strcmp(t, PS_ERROR_RECORD);
}
