/* The .NET methods scripts call on the values they hold: a handful on strings
 * (ToUpper, StartsWith, Split, Replace, …), Contains/IndexOf on arrays, ToString and
 * GetType on anything. .NET's own rules: string methods are ordinal and case-sensitive,
 * unlike PowerShell's operators. A method an array lacks is called on each element
 * (member enumeration). Anything else fails as PowerShell says it does. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_lang.h"

static json_t *fail(struct ps_sess *s, const char *fmt, const char *a, const char *b)
{
	ps_raise(s, "InvalidOperation", "System.Management.Automation.RuntimeException", NULL, 1, fmt, a, b);
	return NULL;
}

static const char *arg_str(json_t **args, int n, int i, char **hold)
{
	*hold = i < n ? ps_to_string(args[i]) : strdup("");
	return *hold;
}

static json_t *string_method(struct ps_sess *s, const char *m, const char *str, json_t **args, int n)
{
	char *a = NULL, *b = NULL;
	json_t *r = NULL;
	size_t sl = strlen(str);
	if (!strcasecmp(m, "ToUpper") || !strcasecmp(m, "ToLower")) {
		char *t = strdup(str);
		for (char *c = t; *c; c++)
			*c = (char)(m[2] == 'U' || m[2] == 'u' ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
		r = json_string(t);
		free(t);
	} else if (!strcasecmp(m, "Trim") || !strcasecmp(m, "TrimStart") || !strcasecmp(m, "TrimEnd")) {
		const char *set = n ? arg_str(args, n, 0, &a) : " \t\r\n";
		size_t st = 0, en = sl;
		if (strcasecmp(m, "TrimEnd"))
			while (st < en && strchr(set, str[st]))
				st++;
		if (strcasecmp(m, "TrimStart"))
			while (en > st && strchr(set, str[en - 1]))
				en--;
		r = json_stringn(str + st, en - st);
	} else if (!strcasecmp(m, "StartsWith") || !strcasecmp(m, "EndsWith") || !strcasecmp(m, "Contains")) {
		const char *x = arg_str(args, n, 0, &a);
		size_t xl = strlen(x);
		int yes = !strcasecmp(m, "Contains") ? strstr(str, x) != NULL :
			  xl > sl ? 0 : !strcasecmp(m, "StartsWith") ? !strncmp(str, x, xl) : !strcmp(str + sl - xl, x);
		r = json_boolean(yes);
	} else if (!strcasecmp(m, "IndexOf") || !strcasecmp(m, "LastIndexOf")) {
		const char *x = arg_str(args, n, 0, &a), *hit = strstr(str, x), *last = hit;
		while (last && !strcasecmp(m, "LastIndexOf") && strstr(last + 1, x) && *x)
			last = strstr(last + 1, x);
		hit = !strcasecmp(m, "LastIndexOf") ? last : hit;
		r = json_integer(hit ? (json_int_t)(hit - str) : -1);
	} else if (!strcasecmp(m, "Replace")) {
		const char *x = arg_str(args, n, 0, &a), *y = arg_str(args, n, 1, &b);
		size_t xl = strlen(x);
		if (!xl)
			return fail(s, "Exception calling \"Replace\" with \"2\" argument(s): \"%s%s\"", "String cannot be of zero length.", "");
		char *out = NULL;
		size_t ol = 0;
		FILE *f = open_memstream(&out, &ol);
		for (const char *p = str; *p;) {
			if (!strncmp(p, x, xl)) {
				fputs(y, f);
				p += xl;
			} else {
				fputc(*p++, f);
			}
		}
		fclose(f);
		r = json_stringn(out, ol);
		free(out);
	} else if (!strcasecmp(m, "Split")) {
		const char *x = n ? arg_str(args, n, 0, &a) : " ";
		size_t xl = strlen(x);
		r = json_array();
		const char *p = str, *q;
		while (xl && (q = strstr(p, x))) {
			json_array_append_new(r, json_stringn(p, (size_t)(q - p)));
			p = q + xl;
		}
		json_array_append_new(r, json_string(p));
	} else if (!strcasecmp(m, "Substring")) {
		json_int_t st = n > 0 && json_is_integer(args[0]) ? json_integer_value(args[0]) : -1;
		json_int_t len = n > 1 && json_is_integer(args[1]) ? json_integer_value(args[1]) : (json_int_t)sl - st;
		if (st < 0 || st > (json_int_t)sl || len < 0 || st + len > (json_int_t)sl)
			return fail(s, "Exception calling \"Substring\" with \"%s\" argument(s): \"%s\"", n > 1 ? "2" : "1",
				    "Index and length must refer to a location within the string. (Parameter 'length')");
		r = json_stringn(str + st, (size_t)len);
	}
	free(a);
	free(b);
	return r;
}

/* v's method m with args; NULL after an error was raised */
static json_t *call(struct ps_sess *s, json_t *v, const char *m, json_t **args, int n)
{
	if (json_is_null(v))
		return fail(s, "You cannot call a method on a null-valued expression.%s%s", "", "");
	if (!strcasecmp(m, "ToString") && !(ps_is_date(v) && n)) {
		char *t = ps_to_string(v);
		json_t *r = json_string(t);
		free(t);
		return r;
	}
	if (!strcasecmp(m, "GetType")) {
		const char *full = ps_net_type(v), *dot = strrchr(full, '.');
		return json_pack("{s:s, s:s, s:s}", PS_TYPE_KEY, "System.RuntimeType", "FullName", full, "Name", dot ? dot + 1 : full);
	}
	if (json_is_object(v) && (json_object_get(v, PS_HASH_KEY) || json_object_get(v, PS_DICT_KEY))) {
		/* a hashtable: keys case-insensitive, as PowerShell makes them */
		char *k = n ? ps_to_string(args[0]) : strdup("");
		const char *found = NULL, *key;
		json_t *e;
		json_object_foreach(v, key, e) if (!ps_is_marker(key) && !strcasecmp(key, k)) found = key;
		json_t *r = NULL;
		if (!strcasecmp(m, "ContainsKey") && n == 1) {
			r = json_boolean(found != NULL);
		} else if (!strcasecmp(m, "Add") && n == 2) {
			if (found) {
				fail(s, "Exception calling \"Add\" with \"2\" argument(s): \"Item has already been added. Key in dictionary: '%s'%s\"",
				     found, "");
				free(k);
				return NULL;
			}
			json_object_set(v, k, args[1]);
			r = json_null();
		} else if (!strcasecmp(m, "Remove") && n == 1) {
			if (found) {
				char *copy = strdup(found); /* found lives in the entry being removed */
				json_object_del(v, copy);
				free(copy);
			}
			r = json_null();
		}
		free(k);
		if (r)
			return r;
	}
	if (json_is_array(v) && (!strcasecmp(m, "Contains") || !strcasecmp(m, "IndexOf"))) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) if (n && json_equal(e, args[0])) /* Equals: case-sensitive */
			return !strcasecmp(m, "Contains") ? json_true() : json_integer((json_int_t)i);
		return !strcasecmp(m, "Contains") ? json_false() : json_integer(-1);
	}
	if (json_is_array(v)) { /* member enumeration: each element's method */
		json_t *out = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			json_t *r = call(s, e, m, args, n);
			if (!r) {
				json_decref(out);
				return NULL;
			}
			if (!json_is_null(r))
				json_array_append(out, r);
			json_decref(r);
		}
		return out;
	}
	json_t *r = json_is_string(v) ? string_method(s, m, json_string_value(v), args, n) :
		    ps_is_date(v) ? ps_date_method(v, m, args, n) : NULL;
	if (!r && !ps_error_pending(s)) {
		char t[300];
		snprintf(t, sizeof(t), "[%s]", ps_net_type(v));
		return fail(s, "Method invocation failed because %s does not contain a method named '%s'.", t, m);
	}
	return r;
}

json_t *ps_method(struct ps_sess *s, json_t *v, const char *m, json_t **args, int n)
{
	return call(s, v, m, args, n);
}
