/* The binary operators: comparisons (case-insensitive unless -c…, the right side
 * converted to the left's type; a collection on the left filters), -like, -match,
 * -replace, -split, -join, -f, containment, -and/-or and arithmetic. */
/* FNM_CASEFOLD: -like is case-insensitive, as PowerShell's is */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <regex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_lang.h"

/* cs: one of the case-sensitive operators runs (-ceq, -clike, -cmatch, …); -ieq … are
 * the ordinary ones, spelled out. It is passed down, never kept. */
static int icase(int cs)
{
	return cs ? 0 : REG_ICASE;
}

/* -eq and friends: strings compare case-insensitively unless cs; the right side
 * converts to the left's type. <0, 0, >0, or 2 when not comparable. */
static int compare(json_t *a, json_t *b, int cs)
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
	int r = cs ? strcmp(x, y) : strcasecmp(x, y);
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

int ps_compare(json_t *a, json_t *b)
{
	return compare(a, b, 0);
}

/* The scalar comparisons: one element each. A collection on the left filters instead
 * (op_filter), as PowerShell's comparison operators do. set_matches: a scalar -match
 * fills $Matches. */
typedef int (*test_fn)(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches);

static int t_eq(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	(void)s, (void)set_matches;
	return compare(a, b, cs) == 0;
}

static int t_ne(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	(void)s, (void)set_matches;
	return compare(a, b, cs) != 0;
}

static int t_gt(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	(void)s, (void)set_matches;
	int c = compare(a, b, cs);
	return c != 2 && c > 0;
}

static int t_ge(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	(void)s, (void)set_matches;
	int c = compare(a, b, cs);
	return c != 2 && c >= 0;
}

static int t_lt(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	(void)s, (void)set_matches;
	int c = compare(a, b, cs);
	return c != 2 && c < 0;
}

static int t_le(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	(void)s, (void)set_matches;
	int c = compare(a, b, cs);
	return c != 2 && c <= 0;
}

static int t_like(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	(void)s, (void)set_matches;
	char *x = ps_to_string(a), *y = ps_to_string(b);
	int m = fnmatch(y, x, cs ? 0 : FNM_CASEFOLD) == 0;
	free(x);
	free(y);
	return m;
}

static int t_notlike(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	return !t_like(s, a, b, cs, set_matches);
}

static int t_match(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	char *x = ps_to_string(a), *y = ps_to_string(b);
	regex_t re;
	int m = 0;
	if (!re_compile(&re, y, REG_EXTENDED | icase(cs))) {
		regmatch_t g[10];
		m = regexec(&re, x, 10, g, 0) == 0;
		if (m && set_matches) { /* 0 the match, 1… the groups */
			json_t *h = json_pack("{s:b}", PS_HASH_KEY, 1);
			for (int i = 0; i < 10 && i <= (int)re.re_nsub; i++)
				if (g[i].rm_so >= 0) {
					char k[12]; /* an int's digits */
					snprintf(k, sizeof(k), "%d", i);
					json_object_set_new(h, k, json_stringn(x + g[i].rm_so, (size_t)(g[i].rm_eo - g[i].rm_so)));
				}
			ps_var_set(s, "Matches", h);
			json_decref(h);
		}
		regfree(&re);
	}
	free(x);
	free(y);
	return m;
}

static int t_notmatch(struct ps_sess *s, json_t *a, json_t *b, int cs, int set_matches)
{
	return !t_match(s, a, b, cs, set_matches);
}

static json_t *filter(struct ps_sess *s, json_t *a, json_t *b, int cs, test_fn t)
{
	if (!json_is_array(a))
		return json_boolean(t(s, a, b, cs, 1));
	/* a collection on the left filters: the elements for which it holds */
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) if (t(s, e, b, cs, 0)) json_array_append(out, e);
	return out;
}

#define SCALAR(name) \
	static json_t *op_##name(struct ps_sess *s, json_t *a, json_t *b, int cs) { return filter(s, a, b, cs, t_##name); }
SCALAR(eq) SCALAR(ne) SCALAR(gt) SCALAR(ge) SCALAR(lt) SCALAR(le)
SCALAR(like) SCALAR(notlike) SCALAR(match) SCALAR(notmatch)
#undef SCALAR



static json_t *as_list(json_t *v)
{
	if (json_is_array(v))
		return json_incref(v);
	json_t *a = json_array();
	if (!json_is_null(v))
		json_array_append(a, v);
	return a;
}

/* + - * / %: numbers (the right converted to a number), + also joins strings and
 * collections, as PowerShell's operators do with the left operand's type. */
static json_t *arith(struct ps_sess *s, char op, json_t *a, json_t *b)
{
	if (op == '+' && json_is_string(a)) {
		char *y = ps_to_string(b);
		if (json_string_length(a) + strlen(y) > PS_MAX_STRING) {
			free(y);
			return ps_too_big(s, 0);
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
				return ps_too_big(s, 1);
			json_t *r = json_array();
			for (json_int_t i = 0; i < k && json_array_size(a); i++)
				json_array_extend(r, a);
			return r;
		}
		size_t n = json_string_length(a);
		if (n && (size_t)k > PS_MAX_STRING / n)
			return ps_too_big(s, 0);
		char *t = malloc(n * (size_t)k + 1);
		if (!t)
			return ps_too_big(s, 0);
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
	/* a number and a string that is not one: PowerShell's conversion error, never 0 */
	if (json_is_number(a) && json_is_string(b)) {
		const char *t = json_string_value(b);
		char *end;
		strtod(t, &end);
		while (*end == ' ')
			end++;
		if (end == t || *end) {
			ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1,
				 "Cannot convert value \"%s\" to type \"%s\". Error: \"The input string '%s' was not in a correct format.\"",
				 t, json_is_integer(a) ? "System.Int32" : "System.Double", t);
			return NULL; /* the statement fails: an assignment keeps its old value */
		}
	}
	double x = json_is_number(a) ? json_number_value(a) : json_is_string(a) ? atof(json_string_value(a)) : 0;
	double y = json_is_number(b) ? json_number_value(b) : json_is_string(b) ? atof(json_string_value(b)) : 0;
	if ((op == '/' || op == '%') && y == 0 && !json_is_real(a) && !json_is_real(b)) {
		/* whole numbers: .NET's DivideByZeroException, which PowerShell raises */
		ps_raise(s, "RuntimeException", "System.Management.Automation.RuntimeException", "System.DivideByZeroException", 1,
			 "%s", "Attempted to divide by zero.");
		return NULL;
	}
	double r = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : op == '/' ? (y ? x / y : 0) :
		   (y ? x - y * (double)(long long)(x / y) : 0);
	if (json_is_integer(a) && (json_is_integer(b) || json_is_null(b)) && (op != '/' || r == (double)(long long)r))
		return json_integer((json_int_t)r);
	return json_real(r);
}

/* The bitwise operators as PowerShell's binder runs them (Binders.cs BinaryBitwiseOp,
 * Shift; NumericOps.cs DoubleOps): integers stay integers ([int] with [int] gives an
 * [int], a [long] on either side a [long]); a double on either side rounds both half
 * to even into 64 bits; a string becomes the number its text is (Parser.ScanNumber:
 * trimmed, "" is 0, "0x10" and "1kb" as literals) or fails as the conversion to the
 * other side's type fails. */
struct num {
	int real;     /* d holds it, else i */
	json_int_t i; /* an integer (null and booleans are 0 and 1) */
	double d;     /* a double */
};

static const char *int_type(json_int_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX ? "System.Int32" : "System.Int64";
}

/* the type a string converts to when it meets other: other's, else [int] */
static const char *num_type(json_t *other)
{
	return json_is_integer(other) ? int_type(json_integer_value(other)) : json_is_real(other) ? "System.Double" : "System.Int32";
}

/* 1: *out is v's number; 0: v is no number (an array, an object); -1: an error was raised */
static int operand(struct ps_sess *s, json_t *v, json_t *other, struct num *out)
{
	*out = (struct num){0, 0, 0};
	switch (json_typeof(v)) {
	case JSON_NULL: return 1;
	case JSON_TRUE: out->i = 1; return 1;
	case JSON_FALSE: return 1;
	case JSON_INTEGER: out->i = json_integer_value(v); return 1;
	case JSON_REAL: out->real = 1, out->d = json_real_value(v); return 1;
	case JSON_STRING: {
		const char *t = json_string_value(v);
		while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
			t++;
		size_t n = strlen(t);
		while (n && strchr(" \t\n\r", t[n - 1]))
			n--;
		char *trim = strndup(t, n);
		json_t *num = NULL;
		int rc = 1;
		if (!n) {
			out->i = 0;
		} else if (!ps_num_literal(trim, &num)) {
			if (json_is_real(num))
				out->real = 1, out->d = json_real_value(num);
			else
				out->i = json_integer_value(num);
		} else {
			ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1,
				 "Cannot convert value \"%s\" to type \"%s\". Error: \"The input string '%s' was not in a correct format.\"",
				 trim, num_type(other), trim);
			rc = -1;
		}
		json_decref(num);
		free(trim);
		return rc;
	}
	default: return 0;
	}
}

/* a value as a conversion error quotes it: its ToString(), an array's being its type */
static char *quoted(json_t *v)
{
	return json_is_array(v) ? strdup("System.Object[]") : ps_to_string(v);
}

/* ParserOps.ImplicitOp, where an operand no number conversion fits ends up: the
 * operator is looked for on the left side's type, or the right's when the left is a
 * primitive (a number, a boolean) or $null; two primitives have none */
static json_t *no_operator(struct ps_sess *s, json_t *a, json_t *b, const char *method, const char *op)
{
	int pa = json_is_null(a) || json_is_boolean(a) || json_is_number(a);
	int pb = json_is_null(b) || json_is_boolean(b) || json_is_number(b);
	if (pa && pb)
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1, "The operation '[%s] %s [%s]' is not defined.",
			 json_is_null(a) ? "$null" : ps_net_type(a), op, json_is_null(b) ? "$null" : ps_net_type(b));
	else
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1, "Method invocation failed because [%s] does not contain a method named '%s'.",
			 ps_net_type(pa ? b : a), method);
	return NULL;
}

/* What the subset cannot hold: PowerShell's [ulong] results past [long]'s range */
static json_t *too_wide(struct ps_sess *s, unsigned long long u)
{
	ps_raise(s, "NotSupported", PS_E_RUNTIME, NULL, 1, "not supported yet: the UInt64 result %llu (the subset's integers are 64-bit signed)", u);
	return NULL;
}

/* DoubleOps.ConvertToUlong: a negative double as [long], others as [ulong], rounded */
static int dbl_bits(struct ps_sess *s, double v, unsigned long long *out)
{
	double r = nearbyint(v);
	int fits = v < 0 ? r >= -9223372036854775808.0 : r < 18446744073709551616.0;
	if (!fits) {
		json_t *jv = json_real(v);
		char *t = ps_to_string(jv);
		json_decref(jv);
		ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1,
			 "Cannot convert value \"%s\" to type \"%s\". Error: \"Value was either too large or too small for %s.\"",
			 t, v < 0 ? "System.Int64" : "System.UInt64", v < 0 ? "an Int64" : "a UInt64");
		free(t);
		return -1;
	}
	*out = v < 0 ? (unsigned long long)(long long)r : (unsigned long long)r;
	return 0;
}

static json_t *bitwise(struct ps_sess *s, char op, json_t *a, json_t *b)
{
	static const char *const method[] = {"op_BitwiseAnd", "op_BitwiseOr", "op_ExclusiveOr"}, *const text[] = {"-band", "-bor", "-bxor"};
	int k = op == '&' ? 0 : op == '|' ? 1 : 2;
	struct num x, y;
	if (json_is_null(a) && json_is_null(b))
		return json_integer(0);
	int ka = operand(s, a, b, &x);
	if (ka < 0)
		return NULL;
	int kb = operand(s, b, a, &y);
	if (kb < 0)
		return NULL;
	if (!ka || !kb)
		return no_operator(s, a, b, method[k], text[k]);
	if (x.real || y.real) {
		unsigned long long l, r;
		double dx = x.real ? x.d : (double)x.i, dy = y.real ? y.d : (double)y.i;
		if (dbl_bits(s, dx, &l) || dbl_bits(s, dy, &r))
			return NULL;
		unsigned long long u = op == '&' ? l & r : op == '|' ? l | r : l ^ r;
		if (dx < 0 || dy < 0) /* a negative operand: a signed result */
			return json_integer((json_int_t)(long long)u);
		return u > INT64_MAX ? too_wide(s, u) : json_integer((json_int_t)u);
	}
	return json_integer(op == '&' ? x.i & y.i : op == '|' ? x.i | y.i : x.i ^ y.i);
}

/* The shift count: converted to [int] (LanguagePrimitives), then masked by the shift */
static int shift_count(struct ps_sess *s, json_t *v, json_t *target, int *out)
{
	struct num c;
	int k = operand(s, v, target, &c);
	if (k < 0)
		return -1;
	if (!k) {
		char *t = quoted(v);
		ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1, "Cannot convert the \"%s\" value of type \"%s\" to type \"System.Int32\".",
			 t, ps_net_type(v));
		free(t);
		return -1;
	}
	double r = c.real ? nearbyint(c.d) : (double)c.i;
	if (r < -2147483648.0 || r > 2147483647.0) {
		char *t = ps_to_string(v);
		ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1,
			 "Cannot convert value \"%s\" to type \"System.Int32\". Error: \"Value was either too large or too small for an Int32.\"", t);
		free(t);
		return -1;
	}
	*out = (int)r;
	return 0;
}

static json_t *shift(struct ps_sess *s, int left, json_t *a, json_t *b)
{
	struct num x;
	int c;
	if (json_is_null(a))
		return json_integer(0);
	if (json_is_string(b)) { /* a string on either side is its number first (BinaryNumericStringOp) */
		struct num n;
		if (operand(s, b, a, &n) < 0)
			return NULL;
		json_t *nb = n.real ? json_real(n.d) : json_integer(n.i), *r = shift(s, left, a, nb);
		json_decref(nb);
		return r;
	}
	if (!json_is_number(a) && !json_is_string(a)) /* booleans too: not numeric to Shift */
		return no_operator(s, a, b, left ? "op_LeftShift" : "op_RightShift", left ? "-shl" : "-shr");
	if (operand(s, a, b, &x) < 0 || shift_count(s, b, a, &c) < 0)
		return NULL;
	if (x.real) { /* DoubleOps: the narrowest of [int] [uint] [long] that holds it */
		double v = x.d, r = nearbyint(v);
		if (v >= -2147483648.0 && v <= 2147483647.0) {
			int32_t i = (int32_t)r;
			return json_integer(left ? (int32_t)((uint32_t)i << (c & 31)) : i >> (c & 31));
		}
		if (v >= 0 && v <= 4294967295.0) {
			uint32_t u = (uint32_t)r;
			return json_integer(left ? (uint32_t)(u << (c & 31)) : u >> (c & 31));
		}
		if (v >= -9223372036854775808.0 && v < 9223372036854775808.0) {
			long long l = (long long)r;
			return json_integer(left ? (long long)((unsigned long long)l << (c & 63)) : l >> (c & 63));
		}
		if (v >= 0 && v < 18446744073709551616.0) {
			unsigned long long u = (unsigned long long)r;
			u = left ? u << (c & 63) : u >> (c & 63);
			return u > INT64_MAX ? too_wide(s, u) : json_integer((json_int_t)u);
		}
		json_t *jv = json_real(v);
		char *t = ps_to_string(jv);
		json_decref(jv);
		ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1, "Cannot convert the \"%s\" value of type \"System.Double\" to type \"System.UInt64\".", t);
		free(t);
		return NULL;
	}
	if (x.i >= INT32_MIN && x.i <= INT32_MAX) { /* an [int]: 32 bits, the count masked to 5 */
		int32_t i = (int32_t)x.i;
		return json_integer(left ? (int32_t)((uint32_t)i << (c & 31)) : i >> (c & 31));
	}
	return json_integer(left ? (json_int_t)((unsigned long long)x.i << (c & 63)) : x.i >> (c & 63));
}

json_t *ps_bnot(struct ps_sess *s, json_t *v)
{
	struct num x;
	int k = operand(s, v, NULL, &x);
	if (k < 0)
		return NULL;
	if (!k) {
		char *t = quoted(v);
		ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1, "Cannot convert the \"%s\" value of type \"%s\" to type \"System.Int32\".",
			 t, ps_net_type(v));
		free(t);
		return NULL;
	}
	if (json_is_null(v))
		return json_integer(-1);
	if (!x.real)
		return json_integer(~x.i);
	double d = x.d, r = nearbyint(d); /* DoubleOps.BNot: the narrowest type that holds it */
	if (d >= -2147483648.0 && d <= 2147483647.0)
		return json_integer(~(int32_t)r);
	if (d >= 0 && d <= 4294967295.0)
		return json_integer((uint32_t) ~(uint32_t)r);
	if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
		return json_integer(~(long long)r);
	if (d >= 0 && d < 18446744073709551616.0)
		return json_integer((json_int_t) ~(unsigned long long)r);
	json_t *jv = json_real(d);
	char *t = ps_to_string(jv);
	json_decref(jv);
	ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1, "Cannot convert the \"%s\" value of type \"System.Double\" to type \"System.UInt64\".", t);
	free(t);
	return NULL;
}

static json_t *op_band(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return bitwise(s, '&', a, b);
}

static json_t *op_bor(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return bitwise(s, '|', a, b);
}

static json_t *op_bxor(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return bitwise(s, '^', a, b);
}

static json_t *op_shl(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return shift(s, 1, a, b);
}

static json_t *op_shr(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return shift(s, 0, a, b);
}

/* -xor: both sides evaluated (nothing short-circuits it) and taken as booleans */
static json_t *op_xor(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s, (void)cs;
	return json_boolean(ps_truthy(a) != ps_truthy(b));
}

/* The right side of -is -isnot -as: a type literal's value ([int]), or what converts to
 * a type (a name: 'int'); anything else fails as ConvertTo<Type> does */
static int rhs_type(struct ps_sess *s, json_t *b, char *full, size_t n, const char *op)
{
	const char *t = ps_type_name(b);
	if (json_is_null(b)) { /* ConvertTo<Type>($null) is null: IsOperatorRequiresType */
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1, "The right operand of '%s' must be a type.", op);
		return -1;
	}
	if (t && !strcmp(t, "System.RuntimeType") && json_is_string(ps_prop(b, "FullName"))) {
		snprintf(full, n, "%s", json_string_value(ps_prop(b, "FullName")));
		return 0;
	}
	if (json_is_string(b) && ps_type_lookup(json_string_value(b), full, n))
		return 0;
	char *q = quoted(b);
	ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1, "Cannot convert the \"%s\" value of type \"%s\" to type \"System.Type\".", q,
		 ps_net_type(b));
	free(q);
	return -1;
}

/* -is, -isnot (TypeOps.IsInstance): the left side as it is, a collection included */
static json_t *op_is(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	char full[200];
	(void)cs;
	return rhs_type(s, b, full, sizeof(full), "-is") ? NULL : json_boolean(ps_is_instance(a, full));
}

static json_t *op_isnot(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	char full[200];
	(void)cs;
	return rhs_type(s, b, full, sizeof(full), "-is") ? NULL : json_boolean(!ps_is_instance(a, full)); /* the same resource */
}

/* -as (TypeOps.AsOperator): the cast's conversion, $null instead of its error */
static json_t *op_as(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	char full[200], why[600];
	(void)cs;
	if (rhs_type(s, b, full, sizeof(full), "-as"))
		return NULL;
	json_t *r = ps_convert(full, a, why, sizeof(why));
	return r ? r : json_null();
}

/* -contains/-notcontains (the collection on the left) and -in/-notin (on the right) */
static json_t *containment(json_t *coll, json_t *item, int cs, int negate)
{
	json_t *l = as_list(coll);
	int found = 0;
	size_t i;
	json_t *e;
	json_array_foreach(l, i, e) found |= compare(e, item, cs) == 0;
	json_decref(l);
	return json_boolean(negate ? !found : found);
}

static json_t *op_contains(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s;
	return containment(a, b, cs, 0);
}

static json_t *op_notcontains(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s;
	return containment(a, b, cs, 1);
}

static json_t *op_in(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s;
	return containment(b, a, cs, 0);
}

static json_t *op_notin(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s;
	return containment(b, a, cs, 1);
}

/* -and, -or: the evaluator skips the right side when the left decides (PS_OP_AND/OR) */
static json_t *op_and(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s, (void)cs;
	return json_boolean(ps_truthy(a) && ps_truthy(b));
}

static json_t *op_or(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s, (void)cs;
	return json_boolean(ps_truthy(a) || ps_truthy(b));
}

static json_t *op_add(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return arith(s, '+', a, b);
}

static json_t *op_sub(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	if (ps_is_date(a) && ps_is_date(b))
		return ps_date_sub(a, b); /* DateTime - DateTime: a TimeSpan */
	return arith(s, '-', a, b);
}

static json_t *op_mul(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return arith(s, '*', a, b);
}

static json_t *op_div(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return arith(s, '/', a, b);
}

static json_t *op_mod(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	return arith(s, '%', a, b);
}

/* the elements' strings with the separator between */
static json_t *op_join(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s, (void)cs;
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

/* -replace pattern, replacement ($1 … $9 and $0 refer to groups) */
static json_t *op_replace(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s;
	json_t *pat = json_is_array(b) ? json_array_get(b, 0) : b, *rep = json_is_array(b) ? json_array_get(b, 1) : NULL;
	char *x = ps_to_string(a), *y = ps_to_string(pat), *z = rep ? ps_to_string(rep) : strdup("");
	regex_t re;
	regmatch_t m[10];
	size_t cap = strlen(x) + 64, o = 0;
	char *out = malloc(cap);
	const char *p = x;
	int ok = !re_compile(&re, y, REG_EXTENDED | icase(cs));
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

/* "{0,-10} {1:N2}" -f a, b: ps_fmt.c */
static json_t *op_format(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)cs;
	json_t *args = as_list(b), *r = ps_format_op(s, a, args);
	json_decref(args);
	return r;
}

/* a string cut at each match of a regular expression */
static json_t *op_split(struct ps_sess *s, json_t *a, json_t *b, int cs)
{
	(void)s;
	char *x = ps_to_string(a), *y = ps_to_string(b);
	json_t *r = json_array();
	regex_t re;
	regmatch_t m;
	const char *p = x;
	if (!re_compile(&re, y, REG_EXTENDED | icase(cs))) {
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

/* The one operator table: the lexer (ps_parse.c) knows an operator by it, the evaluator
 * runs a row's fn (the parser resolves the row once, into the X_BIN node), and
 * Where-Object's simplified syntax takes the comparison rows' parameters
 * (ps_builtins.c). The comparisons come first, in Where-Object's parameter order. */
const struct ps_op ps_ops[] = {
	{"eq", "EQ", "CEQ", PS_OP_CMP | PS_OP_CASEABLE, 3, op_eq},
	{"ne", "NE", "CNE", PS_OP_CMP | PS_OP_CASEABLE, 3, op_ne},
	{"gt", "GT", "CGT", PS_OP_CMP | PS_OP_CASEABLE, 3, op_gt},
	{"ge", "GE", "CGE", PS_OP_CMP | PS_OP_CASEABLE, 3, op_ge},
	{"lt", "LT", "CLT", PS_OP_CMP | PS_OP_CASEABLE, 3, op_lt},
	{"le", "LE", "CLE", PS_OP_CMP | PS_OP_CASEABLE, 3, op_le},
	{"like", "Like", "CLike", PS_OP_CMP | PS_OP_CASEABLE, 3, op_like},
	{"notlike", "NotLike", "CNotLike", PS_OP_CMP | PS_OP_CASEABLE, 3, op_notlike},
	{"match", "Match", "CMatch", PS_OP_CMP | PS_OP_CASEABLE, 3, op_match},
	{"notmatch", "NotMatch", "CNotMatch", PS_OP_CMP | PS_OP_CASEABLE, 3, op_notmatch},
	{"contains", "Contains", "CContains", PS_OP_CMP | PS_OP_CASEABLE, 3, op_contains},
	{"notcontains", "NotContains", "CNotContains", PS_OP_CMP | PS_OP_CASEABLE, 3, op_notcontains},
	{"in", "In", "CIn", PS_OP_CMP | PS_OP_CASEABLE, 3, op_in},
	{"notin", "NotIn", "CNotIn", PS_OP_CMP | PS_OP_CASEABLE, 3, op_notin},
	{"replace", NULL, NULL, PS_OP_CASEABLE, 3, op_replace},
	{"split", NULL, NULL, PS_OP_CASEABLE, 3, op_split},
	{"join", NULL, NULL, 0, 3, op_join},
	/* PowerShell's parser (token.cs TokenFlags) puts -shl and -shr with the comparisons
	 * and -band -bor -bxor on their own level between them and -and -or -xor;
	 * about_Operator_Precedence lists -shl -shr with -band, which the parser does not do
	 * (1 -shl 2 -eq 4 is True) */
	{"shl", NULL, NULL, 0, 3, op_shl},
	{"shr", NULL, NULL, 0, 3, op_shr},
	{"band", NULL, NULL, 0, 2, op_band},
	{"bor", NULL, NULL, 0, 2, op_bor},
	{"bxor", NULL, NULL, 0, 2, op_bxor},
	{"is", "Is", NULL, PS_OP_CMP, 3, op_is},
	{"isnot", "IsNot", NULL, PS_OP_CMP, 3, op_isnot},
	{"as", NULL, NULL, 0, 3, op_as},
	/* PowerShell's precedence (about_Operator_Precedence): -f above * / %, the
	 * comparisons below + -, and -and -or -xor on one level, left to right
	 * ($true -or $true -and $false is False; "{0}" -f 1 + 1 is "11") */
	{"f", NULL, NULL, 0, 6, op_format},
	{"and", NULL, NULL, PS_OP_AND, 1, op_and},
	{"or", NULL, NULL, PS_OP_OR, 1, op_or},
	{"xor", NULL, NULL, 0, 1, op_xor},
	{"+", NULL, NULL, PS_OP_ARITH, 4, op_add},
	{"-", NULL, NULL, PS_OP_ARITH, 4, op_sub},
	{"*", NULL, NULL, PS_OP_ARITH, 5, op_mul},
	{"/", NULL, NULL, PS_OP_ARITH, 5, op_div},
	{"%", NULL, NULL, PS_OP_ARITH, 5, op_mod},
	{NULL, NULL, NULL, 0, 0, NULL},
};

const struct ps_op *ps_op_find(const char *name, int *cs)
{
	*cs = 0;
	for (const struct ps_op *o = ps_ops; o->name; o++)
		if (!strcasecmp(name, o->name))
			return o;
	/* -ceq -cne … case-sensitive, -ieq … explicitly not: the CASEABLE rows only */
	if (name[0] == 'c' || name[0] == 'C' || name[0] == 'i' || name[0] == 'I')
		for (const struct ps_op *o = ps_ops; o->name; o++)
			if ((o->flags & PS_OP_CASEABLE) && !strcasecmp(name + 1, o->name)) {
				*cs = name[0] == 'c' || name[0] == 'C';
				return o;
			}
	return NULL;
}

json_t *ps_binop(struct ps_sess *s, const char *op, json_t *a, json_t *b)
{
	int cs;
	const struct ps_op *o = ps_op_find(op, &cs);
	if (!o) /* what an unknown comparison always gave */
		return json_is_array(a) ? json_array() : json_false();
	return o->fn(s, a, b, cs);
}
