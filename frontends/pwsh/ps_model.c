/* Model-shaped JSON (a core response) as PowerShell objects: SDK types get their
 * .NET names and PascalCase properties in declaration order, maps become
 * dictionaries, timestamps DateTime values. */
#include <stdio.h>
#include <strings.h>

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
