/* PowerShell's conversions of any value to a string ("$v", -join, comparisons) and
 * to a truth value (if, -and, Where-Object), and what a value's type is (GetType). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_lang.h"

/* PowerShell's string form of a value ("$v" and comparisons) */
char *ps_to_string(json_t *v)
{
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_STRING: return strdup(json_string_value(v));
	case JSON_INTEGER: snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v)); return strdup(buf);
	case JSON_REAL: {
		/* as .NET shows a double: 15 digits, and its exponent with a capital E (1E+16) */
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
		char *e = strchr(buf, 'e');
		if (e)
			*e = 'E';
		return strdup(buf);
	}
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

int ps_truthy(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_NULL: return 0;
	case JSON_FALSE: return 0;
	case JSON_TRUE: return 1;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_ARRAY: return json_array_size(v) == 1 ? ps_truthy(json_array_get(v, 0)) : json_array_size(v) > 0;
	default: return 1;
	}
}


/* The subset holds one 64-bit integer where .NET has Int32 and Int64: it reads as an
 * [int] while it fits 32 bits (as a literal of that value is one) and as a [long] past
 * that (README, pwsh) */
const char *ps_net_type(json_t *v)
{
	const char *t = ps_type_name(v);
	if (t)
		return t;
	switch (json_typeof(v)) {
	case JSON_STRING: return "System.String";
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);
		return i >= INT32_MIN && i <= INT32_MAX ? "System.Int32" : "System.Int64";
	}
	case JSON_REAL: return "System.Double";
	case JSON_TRUE:
	case JSON_FALSE: return "System.Boolean";
	case JSON_ARRAY: return "System.Object[]";
	case JSON_NULL: return "System.Object";
	default:
		if (json_object_get(v, PS_HASH_KEY))
			return "System.Collections.Hashtable";
		if (json_object_get(v, PS_DICT_KEY))
			return "System.Collections.Generic.Dictionary`2[System.String,System.Int32]";
		if (json_object_get(v, PS_BLOCK_KEY))
			return "System.Management.Automation.ScriptBlock";
		return "System.Management.Automation.PSCustomObject";
	}
}
