/* Evaluation of the PowerShell subset's expressions: variables, members (unrolled over
 * collections, as PowerShell does), comparison operators (case-insensitive, the right
 * side converted to the left's type; a collection on the left filters), script blocks. */
/* FNM_CASEFOLD: -like is case-insensitive, as PowerShell's is */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_lang.h"

/* -ceq, -clike, -cmatch, …: set while one of the case-sensitive operators runs
 * (the interpreter is single-threaded); -ieq … are the ordinary ones, spelled out */
static int case_sensitive;

static int icase(void)
{
	return case_sensitive ? 0 : REG_ICASE;
}

/* Variables by scope, names lower-cased: [0] is the global (script) scope, one more per
 * function call. Reading looks outward; assigning writes the innermost scope, as in
 * PowerShell, unless the name says $global: or $script:. */
static json_t *scopes[PS_MAX_CALL_DEPTH + 1];
static int nscopes;

static void var_key(const char *name, char k[128], int *global)
{
	snprintf(k, 128, "%s", name);
	for (char *c = k; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	*global = 0;
	if (!strncmp(k, "global:", 7) || !strncmp(k, "script:", 7)) {
		memmove(k, k + 7, strlen(k + 7) + 1);
		*global = 1;
	}
	if (!strcmp(k, "psitem"))
		snprintf(k, 128, "_");
}

int ps_scope_push(void)
{
	if (nscopes > PS_MAX_CALL_DEPTH)
		return -1;
	if (!nscopes)
		scopes[nscopes++] = json_object();
	scopes[nscopes++] = json_object();
	return 0;
}

void ps_scope_pop(void)
{
	json_decref(scopes[--nscopes]);
	scopes[nscopes] = NULL;
}

json_t *ps_var_get(const char *name)
{
	char k[128];
	int global;
	var_key(name, k, &global);
	if (!strcmp(k, "true"))
		return json_true();
	if (!strcmp(k, "false"))
		return json_false();
	if (!strcmp(k, "null"))
		return json_null();
	if (!strncmp(k, "env:", 4)) {
		const char *e = getenv(name + 4);
		return e ? json_string(e) : json_null();
	}
	for (int i = global ? 0 : nscopes - 1; i >= 0; i--) {
		json_t *v = json_object_get(scopes[i], k);
		if (v)
			return json_incref(v);
	}
	if (!strcmp(k, "home"))
		return json_string(getenv("HOME") ? getenv("HOME") : "");
	return json_null();
}

void ps_var_set(const char *name, json_t *v)
{
	char k[128];
	int global;
	if (!nscopes)
		scopes[nscopes++] = json_object();
	var_key(name, k, &global);
	json_object_set(scopes[global ? 0 : nscopes - 1], k, v);
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

/* -eq and friends: strings compare case-insensitively; the right side converts to the
 * left's type. <0, 0, >0, or 2 when not comparable. */
int ps_compare(json_t *a, json_t *b)
{
	if (ps_is_date(a)) { /* the right side converts to a DateTime, as PowerShell converts it */
		json_t *d = ps_is_date(b) ? json_incref(b) : json_is_string(b) ? ps_date_parse(json_string_value(b)) : NULL;
		if (!d)
			return 2;
		double x = ps_date_time(a), y = ps_date_time(d);
		json_decref(d);
		return x < y ? -1 : x > y;
	}
	if (json_is_number(a)) {
		double x = json_number_value(a), y;
		if (json_is_number(b))
			y = json_number_value(b);
		else if (json_is_string(b)) {
			char *end;
			y = strtod(json_string_value(b), &end);
			if (*end || !*json_string_value(b))
				return 2;
		} else {
			return 2;
		}
		return x < y ? -1 : x > y;
	}
	if (json_is_boolean(a))
		return ps_truthy(a) == ps_truthy(b) ? 0 : 2;
	if (json_is_null(a))
		return json_is_null(b) ? 0 : 2;
	char *x = ps_to_string(a), *y = ps_to_string(b);
	int r = case_sensitive ? strcmp(x, y) : strcasecmp(x, y);
	free(x);
	free(y);
	return r < 0 ? -1 : r > 0;
}

/* .NET's regular expressions as POSIX ERE: the class escapes \d \w \s (and their
 * negations) become bracket expressions; the rest of ERE is common ground. */
static int re_compile(regex_t *re, const char *pat, int flags)
{
	static const struct { char c; const char *out, *in; } esc[] = {
		{'d', "[0-9]", "0-9"}, {'D', "[^0-9]", NULL}, {'w', "[[:alnum:]_]", "[:alnum:]_"},
		{'W', "[^[:alnum:]_]", NULL}, {'s', "[[:space:]]", "[:space:]"}, {'S', "[^[:space:]]", NULL}};
	char *out = malloc(strlen(pat) * 14 + 1);
	size_t o = 0;
	int inbr = 0;
	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1]) {
			size_t k;
			for (k = 0; k < sizeof(esc) / sizeof(esc[0]); k++)
				if (esc[k].c == p[1] && (!inbr || esc[k].in))
					break;
			if (k < sizeof(esc) / sizeof(esc[0])) {
				const char *t = inbr ? esc[k].in : esc[k].out;
				memcpy(out + o, t, strlen(t));
				o += strlen(t);
				p++;
				continue;
			}
			out[o++] = *p++;
			out[o++] = *p;
			continue;
		}
		if (*p == '[' && !inbr)
			inbr = 1;
		else if (*p == ']' && inbr && p[-1] != '[')
			inbr = 0;
		out[o++] = *p;
	}
	out[o] = '\0';
	int rc = regcomp(re, out, flags);
	free(out);
	return rc;
}

static int scalar_op(const char *op, json_t *a, json_t *b, int set_matches)
{
	int c;
	if (!strcmp(op, "eq"))
		return ps_compare(a, b) == 0;
	if (!strcmp(op, "ne"))
		return ps_compare(a, b) != 0;
	if (!strcmp(op, "gt"))
		return (c = ps_compare(a, b)) != 2 && c > 0;
	if (!strcmp(op, "ge"))
		return (c = ps_compare(a, b)) != 2 && c >= 0;
	if (!strcmp(op, "lt"))
		return (c = ps_compare(a, b)) != 2 && c < 0;
	if (!strcmp(op, "le"))
		return (c = ps_compare(a, b)) != 2 && c <= 0;
	if (!strcmp(op, "like") || !strcmp(op, "notlike")) {
		char *x = ps_to_string(a), *y = ps_to_string(b);
		int m = fnmatch(y, x, case_sensitive ? 0 : FNM_CASEFOLD) == 0;
		free(x);
		free(y);
		return !strcmp(op, "like") ? m : !m;
	}
	if (!strcmp(op, "match") || !strcmp(op, "notmatch")) {
		char *x = ps_to_string(a), *y = ps_to_string(b);
		regex_t re;
		int m = 0;
		if (!re_compile(&re, y, REG_EXTENDED | icase())) {
			regmatch_t g[10];
			m = regexec(&re, x, 10, g, 0) == 0;
			if (m && set_matches) { /* a scalar -match fills $Matches: 0 the match, 1… the groups */
				json_t *h = json_pack("{s:b}", PS_HASH_KEY, 1);
				for (int i = 0; i < 10 && i <= (int)re.re_nsub; i++)
					if (g[i].rm_so >= 0) {
						char k[4];
						snprintf(k, sizeof(k), "%d", i);
						json_object_set_new(h, k, json_stringn(x + g[i].rm_so, (size_t)(g[i].rm_eo - g[i].rm_so)));
					}
				ps_var_set("Matches", h);
				json_decref(h);
			}
			regfree(&re);
		}
		free(x);
		free(y);
		return !strcmp(op, "match") ? m : !m;
	}
	return 0;
}

static json_t *as_list(json_t *v)
{
	if (json_is_array(v))
		return json_incref(v);
	json_t *a = json_array();
	if (!json_is_null(v))
		json_array_append(a, v);
	return a;
}

/* Past the caps (README "Caps"): .NET's out-of-memory errors, as PowerShell shows
 * them, instead of a result cut short. Returns $null (the error is raised). */
static json_t *too_big(int array)
{
	ps_raise("OperationStopped", "System.OutOfMemoryException", NULL, 1, "%s",
		 array ? "Array dimensions exceeded supported range." : "Exception of type 'System.OutOfMemoryException' was thrown.");
	return json_null();
}

/* + - * / %: numbers (the right converted to a number), + also joins strings and
 * collections, as PowerShell's operators do with the left operand's type. */
static json_t *arith(char op, json_t *a, json_t *b)
{
	if (op == '+' && json_is_string(a)) {
		char *y = ps_to_string(b);
		if (json_string_length(a) + strlen(y) > PS_MAX_STRING) {
			free(y);
			return too_big(0);
		}
		json_t *r = json_sprintf("%s%s", json_string_value(a), y);
		free(y);
		return r;
	}
	if (op == '*' && (json_is_string(a) || json_is_array(a)) && json_is_integer(b)) { /* repetition */
		json_int_t k = json_integer_value(b);
		if (k <= 0)
			return json_is_string(a) ? json_string("") : json_array();
		if (json_is_array(a)) {
			if (json_array_size(a) && (size_t)k > PS_MAX_ITEMS / json_array_size(a))
				return too_big(1);
			json_t *r = json_array();
			for (json_int_t i = 0; i < k && json_array_size(a); i++)
				json_array_extend(r, a);
			return r;
		}
		size_t n = json_string_length(a);
		if (n && (size_t)k > PS_MAX_STRING / n)
			return too_big(0);
		char *t = malloc(n * (size_t)k + 1);
		if (!t)
			return too_big(0);
		for (json_int_t i = 0; i < k; i++) /* one copy each: linear, not quadratic */
			memcpy(t + n * (size_t)i, json_string_value(a), n);
		json_t *r = json_stringn_nocheck(t, n * (size_t)k);
		free(t);
		return r;
	}
	if (op == '+' && json_is_null(a))
		return json_incref(b); /* $null + x is x ($s += … on a fresh variable) */
	if (op == '+' && json_is_array(a)) {
		json_t *r = json_copy(a);
		if (json_is_array(b))
			json_array_extend(r, b);
		else
			json_array_append(r, b);
		return r;
	}
	double x = json_is_number(a) ? json_number_value(a) : json_is_string(a) ? atof(json_string_value(a)) : 0;
	double y = json_is_number(b) ? json_number_value(b) : json_is_string(b) ? atof(json_string_value(b)) : 0;
	double r = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : op == '/' ? (y ? x / y : 0) :
		   (y ? x - y * (double)(long long)(x / y) : 0);
	if (json_is_integer(a) && (json_is_integer(b) || json_is_null(b)) && (op != '/' || r == (double)(long long)r))
		return json_integer((json_int_t)r);
	return json_real(r);
}

static const char *const folded[] = {"eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch",
				     "contains", "notcontains", "in", "notin", "replace", "split", NULL};

static int is_folded(const char *op)
{
	for (const char *const *f = folded; *f; f++)
		if (!strcmp(op, *f))
			return 1;
	return 0;
}

json_t *ps_binop(const char *op, json_t *a, json_t *b)
{
	if ((op[0] == 'c' || op[0] == 'i') && is_folded(op + 1)) {
		int saved = case_sensitive;
		case_sensitive = op[0] == 'c';
		json_t *r = ps_binop(op + 1, a, b);
		case_sensitive = saved;
		return r;
	}
	if (!strcmp(op, "-") && ps_is_date(a) && ps_is_date(b))
		return ps_date_sub(a, b); /* DateTime - DateTime: a TimeSpan */
	if (!op[1] && strchr("+-*/%", op[0]))
		return arith(op[0], a, b);
	if (!strcmp(op, "join")) { /* the elements' strings with the separator between */
		json_t *l = as_list(a);
		char *sep = ps_to_string(b), *acc = strdup("");
		size_t i;
		json_t *e;
		json_array_foreach(l, i, e) {
			char *t = ps_to_string(e), *n = malloc(strlen(acc) + strlen(sep) + strlen(t) + 1);
			sprintf(n, "%s%s%s", acc, i ? sep : "", t);
			free(acc);
			free(t);
			acc = n;
		}
		json_t *r = json_string(acc);
		free(acc);
		free(sep);
		json_decref(l);
		return r;
	}
	if (!strcmp(op, "replace")) { /* -replace pattern, replacement ($1 … $9 and $0 refer to groups) */
		json_t *pat = json_is_array(b) ? json_array_get(b, 0) : b, *rep = json_is_array(b) ? json_array_get(b, 1) : NULL;
		char *x = ps_to_string(a), *y = ps_to_string(pat), *z = rep ? ps_to_string(rep) : strdup("");
		regex_t re;
		regmatch_t m[10];
		size_t cap = strlen(x) + 64, o = 0;
		char *out = malloc(cap);
		const char *p = x;
		int ok = !re_compile(&re, y, REG_EXTENDED | icase());
		while (ok && *p && !regexec(&re, p, 10, m, p == x ? 0 : REG_NOTBOL)) {
			size_t need = (size_t)m[0].rm_so + strlen(z) * 4 + strlen(p) + 16;
			if (o + need >= cap)
				out = realloc(out, cap = (o + need) * 2);
			memcpy(out + o, p, (size_t)m[0].rm_so);
			o += (size_t)m[0].rm_so;
			for (const char *q = z; *q; q++) {
				if (*q == '$' && q[1] >= '0' && q[1] <= '9' && m[q[1] - '0'].rm_so >= 0) {
					regmatch_t g = m[q[1] - '0'];
					if (o + (size_t)(g.rm_eo - g.rm_so) + 1 >= cap)
						out = realloc(out, cap = (o + (size_t)(g.rm_eo - g.rm_so) + 1) * 2);
					memcpy(out + o, p + g.rm_so, (size_t)(g.rm_eo - g.rm_so));
					o += (size_t)(g.rm_eo - g.rm_so);
					q++;
				} else {
					out[o++] = *q;
				}
			}
			if (m[0].rm_eo == 0) { /* an empty match moves on by one character */
				out[o++] = *p++;
				continue;
			}
			p += m[0].rm_eo;
		}
		if (ok)
			regfree(&re);
		size_t rest = strlen(p);
		if (o + rest + 1 >= cap)
			out = realloc(out, cap = o + rest + 1);
		memcpy(out + o, p, rest);
		o += rest;
		json_t *r = json_stringn(out, o);
		free(out);
		free(x);
		free(y);
		free(z);
		return r;
	}
	if (!strcmp(op, "f")) { /* "{0,-10} {1:N2}" -f a, b: ps_fmt.c */
		json_t *args = as_list(b), *r = ps_format_op(a, args);
		json_decref(args);
		return r;
	}
	if (!strcmp(op, "split")) { /* a string cut at each match of a regular expression */
		char *x = ps_to_string(a), *y = ps_to_string(b);
		json_t *r = json_array();
		regex_t re;
		regmatch_t m;
		const char *p = x;
		if (!re_compile(&re, y, REG_EXTENDED | icase())) {
			while (*p && !regexec(&re, p, 1, &m, 0) && m.rm_eo > 0) {
				json_array_append_new(r, json_stringn(p, (size_t)m.rm_so));
				p += m.rm_eo;
			}
			regfree(&re);
		}
		json_array_append_new(r, json_string(p));
		free(x);
		free(y);
		return r;
	}
	if (!strcmp(op, "and"))
		return json_boolean(ps_truthy(a) && ps_truthy(b));
	if (!strcmp(op, "or"))
		return json_boolean(ps_truthy(a) || ps_truthy(b));
	if (!strcmp(op, "contains") || !strcmp(op, "notcontains") || !strcmp(op, "in") || !strcmp(op, "notin")) {
		int rev = op[0] == 'i' || op[3] == 'i';
		json_t *coll = as_list(rev ? b : a), *item = rev ? a : b;
		int found = 0;
		size_t i;
		json_t *e;
		json_array_foreach(coll, i, e) found |= ps_compare(e, item) == 0;
		json_decref(coll);
		return json_boolean(!strncmp(op, "not", 3) ? !found : found);
	}
	if (json_is_array(a)) {
		/* a collection on the left filters: the elements for which it holds */
		json_t *out = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(a, i, e) if (scalar_op(op, e, b, 0)) json_array_append(out, e);
		return out;
	}
	return json_boolean(scalar_op(op, a, b, 1));
}

/* A piece of "…" text: "$name" expands; "`$" was kept as \002. Subexpressions are
 * parsed apart (X_DSTR kids, see interpolate). */
static json_t *expand(const char *t)
{
	size_t cap = strlen(t) * 2 + 64, o = 0;
	char *out = malloc(cap);
	for (const char *p = t; *p;) {
		char *text = NULL;
		if (*p == '$' && (isalnum((unsigned char)p[1]) || p[1] == '_' || p[1] == '?')) {
			const char *st = ++p;
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '?' || (*p == ':' && p - st == 3))
				p++;
			char name[128];
			snprintf(name, sizeof(name), "%.*s", (int)(p - st), st);
			json_t *v = ps_var_get(name);
			text = ps_to_string(v);
			json_decref(v);
		}
		if (text) {
			size_t n = strlen(text);
			if (o + n + 1 >= cap)
				out = realloc(out, cap = (o + n + 1) * 2);
			memcpy(out + o, text, n);
			o += n;
			free(text);
			continue;
		}
		if (o + 2 >= cap)
			out = realloc(out, cap *= 2);
		out[o++] = *p == '\002' ? '$' : *p;
		p++;
	}
	json_t *r = json_stringn(out, o);
	free(out);
	return r;
}

/* [type]value for the types the parser lets through; steals v */
static json_t *cast(const char *type, json_t *v)
{
	json_t *r = NULL;
	if (!strcmp(type, "pscustomobject") || !strcmp(type, "ordered")) {
		if (!json_is_object(v) || !json_object_get(v, PS_HASH_KEY))
			return v; /* [pscustomobject] on anything but a hashtable changes nothing */
		if (!strcmp(type, "ordered"))
			return v; /* hashtables here keep their order already */
		r = json_deep_copy(v);
		json_object_del(r, PS_HASH_KEY);
	} else if (!strcmp(type, "string")) {
		char *t = ps_to_string(v);
		r = json_string(t);
		free(t);
	} else if (!strcmp(type, "bool")) {
		r = json_boolean(ps_truthy(v));
	} else if (!strcmp(type, "datetime")) {
		r = ps_is_date(v) ? json_incref(v) : json_is_string(v) ? ps_date_parse(json_string_value(v)) :
		    json_is_number(v) ? ps_date_new(json_number_value(v), 1) : NULL;
		if (!r) {
			char *t = ps_to_string(v);
			ps_raise("InvalidArgument", PS_E_RUNTIME, NULL, 1,
				 "Cannot convert value \"%s\" to type \"System.DateTime\". Error: \"String '%s' was not recognized as a valid DateTime.\"", t, t);
			free(t);
			json_decref(v);
			return NULL;
		}
	} else if (!strcmp(type, "array")) {
		r = json_is_array(v) ? json_incref(v) : json_array();
		if (!json_is_array(v) && !json_is_null(v))
			json_array_append(r, v);
	} else { /* int, long, double: .NET rounds half to even, as nearbyint does by default */
		double d = 0;
		int ok = 1;
		if (json_is_number(v)) {
			d = json_number_value(v);
		} else if (json_is_boolean(v)) {
			d = json_is_true(v);
		} else if (json_is_string(v)) {
			char *end;
			const char *t = json_string_value(v);
			d = strtod(t, &end);
			while (*end == ' ')
				end++;
			ok = end != t && !*end;
		} else if (!json_is_null(v)) {
			ok = 0;
		}
		if (!ok) {
			char *t = ps_to_string(v);
			const char *net = !strcmp(type, "double") ? "System.Double" : !strcmp(type, "long") ? "System.Int64" : "System.Int32";
			ps_raise("InvalidArgument", PS_E_RUNTIME, NULL, 1,
				 "Cannot convert value \"%s\" to type \"%s\". Error: \"The input string '%s' was not in a correct format.\"",
				 t, net, t);
			free(t);
			json_decref(v);
			return NULL;
		}
		r = !strcmp(type, "double") ? json_real(d) : json_integer((json_int_t)nearbyint(d));
	}
	json_decref(v);
	return r;
}

/* "a$(…)b": the kids' values as text, joined */
static json_t *interpolate(struct node *x, struct ps_sess *s)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	for (int i = 0; i < x->n; i++) {
		json_t *v = ps_eval(x->kid[i], s);
		if (!v) {
			fclose(f);
			free(out);
			return NULL;
		}
		char *text = ps_to_string(v);
		fputs(text, f);
		free(text);
		json_decref(v);
	}
	fclose(f);
	json_t *r = json_stringn(out, n);
	free(out);
	return r;
}

json_t *ps_eval(struct node *x, struct ps_sess *s)
{
	json_t *a, *b, *r;
	switch (x->k) {
	case X_LIT: /* a copy of a collection (1..5): assignments change values in place */
		if (!x->v) /* a range past PS_MAX_ITEMS (ps_parse.c) */
			return too_big(1);
		return json_is_array(x->v) || json_is_object(x->v) ? json_deep_copy(x->v) : json_incref(x->v);
	case X_DSTR:
		return x->n ? interpolate(x, s) : expand(x->s);
	case X_VAR:
		return ps_var_get(x->s);
	case X_MEMBER:
		a = ps_eval(x->kid[0], s);
		if (!a)
			return NULL;
		r = ps_member(a, x->s);
		json_decref(a);
		return r;
	case X_SUB:
		if (x->kid[0]->k == X_PIPE)
			r = ps_run_pipeline(x->kid[0], s, NULL);
		else
			r = ps_run_statements(x->kid[0], s, 0);
		return r ? ps_unwrap(r) : NULL;
	case X_ARRAY: {
		if (x->s && x->kid[0]->k == X_STMTS) /* @( statements ) */
			return ps_run_statements(x->kid[0], s, 0);
		r = json_array();
		for (int i = 0; i < x->n; i++) {
			a = ps_eval(x->kid[i], s);
			if (!a) {
				json_decref(r);
				return NULL;
			}
			json_array_append_new(r, a);
		}
		return r;
	}
	case X_METHOD:
		return ps_method(x, s);
	case X_STATIC:
		return ps_static(x, s);
	case X_CAST:
		a = ps_eval(x->kid[0], s);
		return a ? cast(x->s, a) : NULL;
	case X_HASH: {
		r = json_pack("{s:b}", PS_HASH_KEY, 1);
		for (int i = 0; i < x->n; i++) {
			a = ps_eval(x->kid[i]->kid[0], s);
			if (!a) {
				json_decref(r);
				return NULL;
			}
			json_object_set_new(r, x->kid[i]->s, a);
		}
		return r;
	}
	case X_BIN:
		a = ps_eval(x->kid[0], s);
		if (!a)
			return NULL;
		if ((!strcmp(x->s, "and") && !ps_truthy(a)) || (!strcmp(x->s, "or") && ps_truthy(a))) {
			/* -and and -or stop at the first operand that decides */
			r = json_boolean(!strcmp(x->s, "or"));
			json_decref(a);
			return r;
		}
		b = ps_eval(x->kid[1], s);
		if (!b) {
			json_decref(a);
			return NULL;
		}
		r = ps_binop(x->s, a, b);
		json_decref(a);
		json_decref(b);
		return r;
	case X_INDEX:
		a = ps_eval(x->kid[0], s);
		if (!a)
			return NULL;
		b = ps_eval(x->kid[1], s);
		if (!b) {
			json_decref(a);
			return NULL;
		}
		r = json_null();
		if (json_is_integer(b) && json_is_object(a) &&
		    (json_object_get(a, PS_HASH_KEY) || json_object_get(a, PS_DICT_KEY))) {
			char k[32]; /* $Matches[1]: a hashtable's key, not a position */
			snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(b));
			json_t *m = json_object_get(a, k);
			if (m)
				r = json_incref(m);
		} else if (json_is_integer(b)) {
			json_int_t i = json_integer_value(b), n = json_is_array(a) ? (json_int_t)json_array_size(a) : 1;
			if (i < 0)
				i += n; /* from the end */
			if (json_is_array(a) && i >= 0 && i < n)
				r = json_incref(json_array_get(a, (size_t)i));
			else if (!json_is_array(a) && i == 0)
				r = json_incref(a);
		} else if (json_is_string(b) && json_is_object(a)) {
			json_t *m = ps_prop(a, json_string_value(b)); /* $hash['key'] */
			if (m)
				r = json_incref(m);
		}
		json_decref(a);
		json_decref(b);
		return r;
	case X_NOT:
		a = ps_eval(x->kid[0], s);
		if (!a)
			return NULL;
		r = json_boolean(!ps_truthy(a));
		json_decref(a);
		return r;
	case X_BLOCK:
		return json_pack("{s:I}", PS_BLOCK_KEY, (json_int_t)(intptr_t)x);
	default:
		return json_null();
	}
}

/* Runs a script block with $_ bound to item; its outputs (new reference, a list). */
json_t *ps_call_block(json_t *blockv, json_t *item, struct ps_sess *s)
{
	struct node *b = (struct node *)(intptr_t)json_integer_value(json_object_get(blockv, PS_BLOCK_KEY));
	json_t *saved = ps_var_get("_");
	ps_var_set("_", item ? item : json_null());
	json_t *r = ps_run_statements(b->kid[0], s, 0);
	s->jump = 0; /* break/continue end the block's run */
	ps_var_set("_", saved);
	json_decref(saved);
	return r;
}

int ps_is_block(json_t *v)
{
	return json_is_object(v) && json_object_get(v, PS_BLOCK_KEY) != NULL;
}

json_t *ps_unwrap(json_t *list)
{
	json_t *r;
	if (!json_is_array(list))
		return list;
	if (json_array_size(list) == 1)
		r = json_incref(json_array_get(list, 0));
	else if (!json_array_size(list))
		r = json_null();
	else
		return list;
	json_decref(list);
	return r;
}

void ps_vars_free(void)
{
	while (nscopes)
		ps_scope_pop();
}
