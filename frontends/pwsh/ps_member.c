/* Member access ($x.Name): properties case-insensitively, unrolled over collections
 * as PowerShell does, Count and Length on anything, DateTime members, and a
 * hashtable's Keys and Values. */
#include <strings.h>

#include "ps_lang.h"

json_t *ps_member(json_t *v, const char *name)
{
	if (json_is_array(v) && (!strcasecmp(name, "Count") || !strcasecmp(name, "Length")))
		return json_integer((json_int_t)json_array_size(v));
	/* on a collection, member access gives each element's member (unrolled) */
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			json_t *m = ps_member(e, name);
			if (json_is_array(m))
				json_array_extend(out, m);
			else if (!json_is_null(m))
				json_array_append(out, m);
			json_decref(m);
		}
		return out;
	}
	if (!strcasecmp(name, "Count") || !strcasecmp(name, "Length")) {
		json_t *p = ps_prop(v, name);
		if (p)
			return json_incref(p);
		if (json_is_string(v) && !strcasecmp(name, "Length"))
			return json_integer((json_int_t)json_string_length(v));
		if (json_is_object(v) && !strcasecmp(name, "Count") &&
		    (json_object_get(v, PS_HASH_KEY) || json_object_get(v, PS_DICT_KEY))) {
			json_int_t n = 0; /* a hashtable's Count: its entries */
			const char *k;
			json_t *e;
			json_object_foreach(v, k, e) n += !ps_is_marker(k);
			return json_integer(n);
		}
		return json_integer(json_is_null(v) ? 0 : 1);
	}
	json_t *p = ps_prop(v, name);
	if (!p && ps_is_date(v) && (p = ps_date_member(v, name)))
		return p;
	if (!p && json_is_object(v) && (json_object_get(v, PS_HASH_KEY) || json_object_get(v, PS_DICT_KEY)) &&
	    (!strcasecmp(name, "Keys") || !strcasecmp(name, "Values"))) {
		json_t *out = json_array(); /* a hashtable's Keys and Values */
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) if (!ps_is_marker(k))
			json_array_append_new(out, !strcasecmp(name, "Keys") ? json_string(k) : json_incref(e));
		return out;
	}
	return p ? json_incref(p) : json_null();
}

