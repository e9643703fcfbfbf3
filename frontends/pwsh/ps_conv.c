/* PowerShell's conversions of any value to a string ("$v", -join, comparisons), to a
 * truth value (if, -and, Where-Object) and to the types a script names (casts, -as),
 * and what a value's type is (GetType, -is). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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


/* The types a script can name: PowerShell's accelerators and the .NET names behind
 * them (about_Type_Accelerators; [pscustomobject] and [psobject] are one type,
 * PSObject), plus the SDK types the cmdlets return (Amazon.ECR.Model.*, from the model) */
static const struct {
	const char *names; /* lower case, comma-separated: accelerators and the full name */
	const char *full;  /* the .NET full name */
} types[] = {
	{"int,int32,system.int32", "System.Int32"},
	{"long,int64,system.int64", "System.Int64"},
	{"double,system.double", "System.Double"},
	{"string,system.string", "System.String"},
	{"bool,boolean,system.boolean", "System.Boolean"},
	{"array,system.array", "System.Array"},
	{"hashtable,system.collections.hashtable", "System.Collections.Hashtable"},
	{"datetime,system.datetime", "System.DateTime"},
	{"timespan,system.timespan", "System.TimeSpan"},
	{"pscustomobject,psobject,system.management.automation.psobject", "System.Management.Automation.PSObject"},
	{"scriptblock,system.management.automation.scriptblock", "System.Management.Automation.ScriptBlock"},
	{"object,system.object", "System.Object"},
};

int ps_type_lookup(const char *name, char *full, size_t n)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		for (const char *p = types[i].names; *p;) {
			size_t k = strcspn(p, ",");
			if (k == len && !strncasecmp(p, name, len)) {
				snprintf(full, n, "%s", types[i].full);
				return 1;
			}
			p += k + (p[k] == ',');
		}
	static const char sdk[] = "Amazon.ECR.Model.";
	if (!strncasecmp(name, sdk, sizeof(sdk) - 1))
		for (int i = 0; i < ecr_nshapes; i++)
			if (ecr_shapes[i].type == ECR_T_STRUCT && !strcasecmp(ecr_shapes[i].name, name + sizeof(sdk) - 1)) {
				snprintf(full, n, "%s%s", sdk, ecr_shapes[i].name);
				return 1;
			}
	return 0;
}

json_t *ps_type_value(const char *full)
{
	const char *dot = strrchr(full, '.');
	return json_pack("{s:s, s:s, s:s}", PS_TYPE_KEY, "System.RuntimeType", "FullName", full, "Name", dot ? dot + 1 : full);
}

/* The subset holds one 64-bit integer where .NET has Int32 and Int64: it reads as an
 * [int] while it fits 32 bits (as a literal of that value is one) and as a [long] past
 * that (README, pwsh: [long]5 -is [long] is False here) */
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

/* TypeOps.IsInstance: $null is an instance of nothing, everything else of [object];
 * [psobject] ([pscustomobject]) holds for what PowerShell has wrapped in a PSObject:
 * custom objects and cmdlet output (the SDK objects) */
int ps_is_instance(json_t *v, const char *full)
{
	if (!v || json_is_null(v))
		return 0;
	if (!strcmp(full, "System.Object"))
		return 1;
	if (!strcmp(full, "System.Array"))
		return json_is_array(v);
	const char *t = ps_net_type(v);
	if (!strcmp(full, "System.Management.Automation.PSObject"))
		return !strcmp(t, "System.Management.Automation.PSCustomObject") || !strncmp(t, "Amazon.ECR.Model.", 17);
	return !strcasecmp(t, full);
}

/* a value as a conversion error quotes it: its ToString(), an array's being its type */
static char *conv_text(json_t *v)
{
	return json_is_array(v) ? strdup("System.Object[]") : ps_to_string(v);
}

/* [int] [long] [double]: a number, a boolean or a numeric string; .NET rounds half to
 * even (nearbyint's default) and refuses what the type cannot hold */
static json_t *to_number(const char *full, json_t *v, char *why, size_t n)
{
	double d = 0;
	int ok = 1;
	if (json_is_number(v)) {
		d = json_number_value(v);
	} else if (json_is_boolean(v)) {
		d = json_is_true(v);
	} else if (json_is_string(v)) {
		char *end;
		const char *t = json_string_value(v);
		errno = 0;
		long long whole = strtoll(t, &end, 10);
		while (*end == ' ')
			end++;
		if (end != t && !*end && !errno && strcmp(full, "System.Double")) {
			/* digits alone: exact, where a double would round past 2^53 */
			if (!strcmp(full, "System.Int64") || (whole >= INT32_MIN && whole <= INT32_MAX))
				return json_integer((json_int_t)whole);
		}
		d = strtod(t, &end);
		while (*end == ' ')
			end++;
		ok = end != t && !*end;
	} else if (!json_is_null(v)) {
		ok = 0;
	}
	char *t = conv_text(v);
	if (!ok) {
		if (json_is_string(v))
			snprintf(why, n, "Cannot convert value \"%s\" to type \"%s\". Error: \"The input string '%s' was not in a correct format.\"",
				 t, full, t);
		else
			snprintf(why, n, "Cannot convert the \"%s\" value of type \"%s\" to type \"%s\".", t, ps_net_type(v), full);
		free(t);
		return NULL;
	}
	if (!strcmp(full, "System.Double")) {
		free(t);
		return json_real(d);
	}
	double r = nearbyint(d);
	int is32 = !strcmp(full, "System.Int32");
	if (is32 ? !(r >= -2147483648.0 && r <= 2147483647.0) : !(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) {
		snprintf(why, n, "Cannot convert value \"%s\" to type \"%s\". Error: \"Value was either too large or too small for an %s.\"",
			 t, full, is32 ? "Int32" : "Int64");
		free(t);
		return NULL;
	}
	free(t);
	if (json_is_integer(v))
		return json_integer(json_integer_value(v)); /* exact past 2^53, where a double is not */
	return json_integer((json_int_t)r);
}

json_t *ps_convert(const char *full, json_t *v, char *why, size_t n)
{
	if (!strcmp(full, "System.String")) {
		char *t = ps_to_string(v);
		json_t *r = json_string(t);
		free(t);
		return r;
	}
	if (!strcmp(full, "System.Boolean"))
		return json_boolean(ps_truthy(v));
	if (!strcmp(full, "System.Int32") || !strcmp(full, "System.Int64") || !strcmp(full, "System.Double"))
		return to_number(full, v, why, n);
	if (!strcmp(full, "System.DateTime")) {
		json_t *r = ps_is_date(v) ? json_incref(v) : json_is_string(v) ? ps_date_parse(json_string_value(v)) :
			    json_is_number(v) ? ps_date_new(json_number_value(v), 1) : NULL;
		if (!r) {
			char *t = ps_to_string(v);
			snprintf(why, n, "Cannot convert value \"%s\" to type \"System.DateTime\". Error: \"String '%s' was not recognized as a valid DateTime.\"", t, t);
			free(t);
		}
		return r;
	}
	if (!strcmp(full, "System.Array")) {
		json_t *r = json_is_array(v) ? json_incref(v) : json_array();
		if (!json_is_array(v) && !json_is_null(v))
			json_array_append(r, v);
		return r;
	}
	if (!strcmp(full, "System.Object") || !strcmp(full, "System.Management.Automation.PSObject"))
		return json_incref(v); /* PowerShell wraps the value; the subset has nothing to wrap */
	if (ps_is_instance(v, full))
		return json_incref(v);
	/* a hashtable to an SDK type (its setters), and the like: not in the subset */
	char *t = conv_text(v);
	snprintf(why, n, "Cannot convert the \"%s\" value of type \"%s\" to type \"%s\".", t, ps_net_type(v), full);
	free(t);
	return NULL;
}
