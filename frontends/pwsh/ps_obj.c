/* PowerShell objects as ecrlite's shell holds them: JSON objects whose keys are the
 * .NET property names (PascalCase, alphabetical for SDK types, as declared), with the
 * type name under a key no script can type ("\001type"); dictionaries marked "\001dict";
 * DateTime values as their display text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ps_lang.h"

json_t *ps_obj_from_model(json_t *v, int shape)
{
	const struct ecr_shape *s = shape >= 0 ? &ecr_shapes[shape] : NULL;
	if (!v || json_is_null(v))
		return json_null();
	if (s && s->type == ECR_T_STRUCT && json_is_object(v)) {
		json_t *o = json_object();
		char type[200];
		snprintf(type, sizeof(type), "Amazon.ECR.Model.%s", s->name);
		json_object_set_new(o, PS_TYPE_KEY, json_string(type));
		/* properties in the SDK's declaration order: alphabetical */
		const char *names[64];
		int idx[64], n = 0;
		for (int i = 0; i < s->nmembers && n < 64; i++) {
			names[n] = s->members[i].name;
			idx[n++] = i;
		}
		for (int a = 1; a < n; a++)
			for (int b = a; b > 0 && strcasecmp(names[b - 1], names[b]) > 0; b--) {
				const char *t = names[b];
				names[b] = names[b - 1];
				names[b - 1] = t;
				int ti = idx[b];
				idx[b] = idx[b - 1];
				idx[b - 1] = ti;
			}
		for (int k = 0; k < n; k++) {
			char pascal[128];
			const struct ecr_member *m = &s->members[idx[k]];
			ps_pascal(m->name, pascal, sizeof(pascal));
			json_object_set_new(o, pascal, ps_obj_from_model(json_object_get(v, m->name), m->shape));
		}
		return o;
	}
	if (s && s->type == ECR_T_LIST && json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) json_array_append_new(a, ps_obj_from_model(e, s->member));
		return a;
	}
	if (s && s->type == ECR_T_MAP && json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *e;
		json_object_set_new(o, PS_DICT_KEY, json_true());
		json_object_foreach(v, k, e) json_object_set_new(o, k, ps_obj_from_model(e, s->value));
		return o;
	}
	if (s && s->type == ECR_T_TIMESTAMP && json_is_number(v))
		return ps_date_new(json_number_value(v), 0);
	return json_incref(v);
}

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

/* PowerShell's string form of a value ("$v" and comparisons) */
char *ps_to_string(json_t *v)
{
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_STRING: return strdup(json_string_value(v));
	case JSON_INTEGER: snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v)); return strdup(buf);
	case JSON_REAL: snprintf(buf, sizeof(buf), "%.15g", json_real_value(v)); return strdup(buf); /* as .NET shows a double */
	case JSON_TRUE: return strdup("True");
	case JSON_FALSE: return strdup("False");
	case JSON_NULL: return strdup("");
	case JSON_ARRAY: {
		/* arrays join with spaces ($OFS) */
		size_t i, len = 0;
		json_t *e;
		char *out = calloc(1, 1);
		json_array_foreach(v, i, e) {
			char *s = ps_to_string(e);
			out = realloc(out, len + strlen(s) + 2);
			if (i)
				out[len++] = ' ';
			strcpy(out + len, s);
			len += strlen(s);
			free(s);
		}
		return out;
	}
	default: {
		const char *t = ps_type_name(v);
		if (ps_is_error_record(v)) /* an ErrorRecord reads as its message */
			return ps_to_string(ps_prop(ps_prop(v, "Exception"), "Message"));
		if (ps_is_date(v))
			return ps_date_format(v, "MM/dd/yyyy HH:mm:ss");
		if (t && !strcmp(t, "System.TimeSpan")) { /* .NET's "c" form: [-][d.]hh:mm:ss */
			double secs = json_number_value(ps_prop(v, "TotalSeconds"));
			long long a = (long long)(secs < 0 ? -secs : secs);
			if (a >= 86400)
				snprintf(buf, sizeof(buf), "%s%lld.%02lld:%02lld:%02lld", secs < 0 ? "-" : "", a / 86400, a % 86400 / 3600, a % 3600 / 60, a % 60);
			else
				snprintf(buf, sizeof(buf), "%s%02lld:%02lld:%02lld", secs < 0 ? "-" : "", a / 3600, a % 3600 / 60, a % 60);
			return strdup(buf);
		}
		if (t)
			return strdup(t);
		if (json_is_true(json_object_get(v, PS_DICT_KEY)))
			return strdup("System.Collections.Generic.Dictionary`2[System.String,System.Int32]");
		if (json_is_true(json_object_get(v, PS_HASH_KEY)))
			return strdup("System.Collections.Hashtable");
		/* a custom object: @{A=1; B=x} */
		size_t len = 2;
		char *out = strdup("@{");
		const char *k;
		json_t *e;
		int first = 1;
		json_object_foreach(v, k, e) {
			if (ps_is_marker(k))
				continue;
			char *s = ps_to_string(e);
			out = realloc(out, len + strlen(k) + strlen(s) + 4);
			len += (size_t)sprintf(out + len, "%s%s=%s", first ? "" : "; ", k, s);
			first = 0;
			free(s);
		}
		out = realloc(out, len + 2);
		strcpy(out + len, "}");
		return out;
	}
	}
}
