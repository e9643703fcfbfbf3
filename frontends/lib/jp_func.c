/* JMESPath's built-in functions, with jmespath.py's arity and type checks and texts. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fe_json.h"
#include "jp_int.h"

enum {                   /* argument type masks */
	A_NUM = 1, A_STR = 2, A_BOOL = 4, A_ARR = 8, A_OBJ = 16, A_NULL = 32, A_EXPREF = 64,
	A_ANY = 63, A_ARR_NUM = 128, A_ARR_STR = 256,
};

struct arg {
	json_t *v;                   /* evaluated value (NULL for an expref) */
	const struct jp_node *ref;   /* the expression of an expref argument */
};

typedef json_t *(*fn_t)(struct jp_ctx *c, struct arg *a, int n, json_t *cur);

struct fdef {
	const char *name;    /* function name */
	int min, max;        /* arity; max -1 for variadic */
	int types[3];        /* accepted types per argument (last repeats) */
	fn_t fn;             /* implementation */
};

/* Python's repr of v into b (jmespath.py's messages show values the way Python does) */
static void py_repr(struct buf *b, json_t *v)
{
	char num[40];
	size_t i;
	json_t *e;
	const char *k;
	switch (json_typeof(v)) {
	case JSON_NULL: ecr_buf_addstr(b, "None"); return;
	case JSON_TRUE: ecr_buf_addstr(b, "True"); return;
	case JSON_FALSE: ecr_buf_addstr(b, "False"); return;
	case JSON_INTEGER: ecr_buf_printf(b, "%lld", (long long)json_integer_value(v)); return;
	case JSON_REAL: fe_pyfloat(json_real_value(v), num, sizeof(num)); ecr_buf_addstr(b, num); return;
	case JSON_STRING: {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
		ecr_buf_add(b, &q, 1);
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '\\' || c == (unsigned char)q)
				ecr_buf_printf(b, "\\%c", c);
			else if (c == '\n')
				ecr_buf_addstr(b, "\\n");
			else if (c == '\r')
				ecr_buf_addstr(b, "\\r");
			else if (c == '\t')
				ecr_buf_addstr(b, "\\t");
			else if (c < 0x20 || c == 0x7f)
				ecr_buf_printf(b, "\\x%02x", c);
			else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] < 0xA0)
				ecr_buf_printf(b, "\\x%02x", (unsigned char)s[++i] & 0xff); /* a C1 control */
			else
				ecr_buf_add(b, &s[i], 1);
		}
		ecr_buf_add(b, &q, 1);
		return;
	}
	case JSON_ARRAY:
		ecr_buf_addstr(b, "[");
		json_array_foreach(v, i, e) {
			if (i)
				ecr_buf_addstr(b, ", ");
			py_repr(b, e);
		}
		ecr_buf_addstr(b, "]");
		return;
	case JSON_OBJECT: {
		int first = 1;
		ecr_buf_addstr(b, "{");
		json_object_foreach(v, k, e) {
			json_t *key = json_string(k);
			if (!first)
				ecr_buf_addstr(b, ", ");
			first = 0;
			py_repr(b, key);
			ecr_buf_addstr(b, ": ");
			py_repr(b, e);
			json_decref(key);
		}
		ecr_buf_addstr(b, "}");
		return;
	}
	}
}

/* Python's type() name of v, as jmespath.py's element checks report it */
static const char *py_type(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "dict";
	case JSON_ARRAY: return "list";
	case JSON_STRING: return "str";
	case JSON_INTEGER: return "int";
	case JSON_REAL: return "float";
	case JSON_TRUE: case JSON_FALSE: return "bool";
	default: return "NoneType";
	}
}

/* jmespath.py's JMESPathTypeError: the value as str() shows it (a string bare, the rest
 * as repr), received: the type name given */
static json_t *fail_type_as(struct jp_ctx *c, const char *fn, json_t *v, const char *expected, const char *received)
{
	struct buf b;
	ecr_buf_init(&b, 1 << 20);
	if (json_is_string(v))
		ecr_buf_addstr(&b, json_string_value(v));
	else
		py_repr(&b, v);
	jp_set_err(c->err, "invalid-type", "In function %s(), invalid type for value: %s, expected one of: %s, received: \"%s\"", fn,
		b.data ? b.data : "", expected, received);
	ecr_buf_release(&b);
	c->failed = 1;
	return NULL;
}

static json_t *fail_type(struct jp_ctx *c, const char *fn, json_t *v, const char *expected)
{
	return fail_type_as(c, fn, v, expected, jp_type_name(v));
}

/* jmespath.py's check of a list that must hold numbers or strings, all alike (max, min,
 * sort): the first element decides, and the first one that differs is named with its
 * Python type. -1 with the error set. */
static int alike_check(struct jp_ctx *c, const char *fn, json_t *arr, const char *want)
{
	json_t *first = json_array_get(arr, 0), *e;
	size_t i;
	if (!first)
		return 0;
	if (!json_is_number(first) && !json_is_string(first)) {
		fail_type_as(c, fn, first, want, py_type(first));
		return -1;
	}
	json_array_foreach(arr, i, e)
		if (!(json_is_string(first) ? json_is_string(e) : json_is_number(e))) {
			fail_type_as(c, fn, e, want, py_type(e));
			return -1;
		}
	return 0;
}

static size_t utf8_len(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

static json_t *f_abs(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_integer(a[0].v))
		return json_integer(llabs(json_integer_value(a[0].v)));
	return json_real(fabs(json_real_value(a[0].v)));
}

static json_t *num(double d)
{
	if (d == floor(d) && fabs(d) < 9e15)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *f_avg(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t k = json_array_size(a[0].v), i;
	json_t *e;
	double t = 0;
	if (!k)
		return json_null();
	json_array_foreach(a[0].v, i, e) t += json_number_value(e);
	return json_real(t / (double)k);
}

static json_t *f_ceil(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	return num(ceil(json_number_value(a[0].v)));
}

static json_t *f_floor(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	return num(floor(json_number_value(a[0].v)));
}

static json_t *f_contains(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_string(a[0].v)) {
		if (!json_is_string(a[1].v))
			return json_false();
		return json_boolean(strstr(json_string_value(a[0].v), json_string_value(a[1].v)) != NULL);
	}
	size_t i;
	json_t *e;
	json_array_foreach(a[0].v, i, e) if (jp_equal(e, a[1].v)) return json_true();
	return json_false();
}

static json_t *f_ends_with(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t x = json_string_length(a[0].v), y = json_string_length(a[1].v);
	return json_boolean(y <= x && !memcmp(json_string_value(a[0].v) + x - y, json_string_value(a[1].v), y));
}

static json_t *f_starts_with(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t x = json_string_length(a[0].v), y = json_string_length(a[1].v);
	return json_boolean(y <= x && !memcmp(json_string_value(a[0].v), json_string_value(a[1].v), y));
}

static json_t *f_join(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t i, len = 0;
	json_t *e;
	json_array_foreach(a[1].v, i, e) len += json_string_length(e) + json_string_length(a[0].v);
	char *buf = malloc(len + 1), *o = buf;
	json_array_foreach(a[1].v, i, e) {
		if (i) {
			memcpy(o, json_string_value(a[0].v), json_string_length(a[0].v));
			o += json_string_length(a[0].v);
		}
		memcpy(o, json_string_value(e), json_string_length(e));
		o += json_string_length(e);
	}
	json_t *r = json_stringn(buf, (size_t)(o - buf));
	free(buf);
	return r;
}

static json_t *f_keys(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *r = json_array();
	const char *k;
	json_t *e;
	json_object_foreach(a[0].v, k, e) json_array_append_new(r, json_string(k));
	return r;
}

static json_t *f_values(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *r = json_array();
	const char *k;
	json_t *e;
	json_object_foreach(a[0].v, k, e) json_array_append(r, e);
	return r;
}

static json_t *f_length(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *v = a[0].v;
	if (json_is_string(v))
		return json_integer((json_int_t)utf8_len(json_string_value(v), json_string_length(v)));
	if (json_is_array(v))
		return json_integer((json_int_t)json_array_size(v));
	return json_integer((json_int_t)json_object_size(v));
}

static json_t *f_map(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	json_t *r = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(a[1].v, i, e) {
		json_t *x = jp_eval(c, a[0].ref, e);
		if (!x) {
			json_decref(r);
			return NULL;
		}
		json_array_append_new(r, x);
	}
	return r;
}

/* <0, 0, >0 for two numbers or two strings (code point order = UTF-8 byte order) */
static int cmp_values(json_t *x, json_t *y)
{
	if (json_is_number(x)) {
		double a = json_number_value(x), b = json_number_value(y);
		return a < b ? -1 : a > b;
	}
	size_t lx = json_string_length(x), ly = json_string_length(y);
	int r = memcmp(json_string_value(x), json_string_value(y), lx < ly ? lx : ly);
	return r ? r : (lx < ly ? -1 : lx > ly);
}

static int same_kind(json_t *x, json_t *y)
{
	return (json_is_number(x) && json_is_number(y)) || (json_is_string(x) && json_is_string(y));
}

static json_t *minmax(struct jp_ctx *c, struct arg *a, const char *fn, int want)
{
	size_t i;
	json_t *e, *best = NULL;
	if (alike_check(c, fn, a[0].v, "['array-number', 'array-string']"))
		return NULL;
	json_array_foreach(a[0].v, i, e) {
		if (!best || cmp_values(e, best) * want > 0)
			best = e;
	}
	return best ? json_incref(best) : json_null();
}

static json_t *f_max(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return minmax(c, a, "max", 1);
}

static json_t *f_min(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return minmax(c, a, "min", -1);
}

/* keys computed by an expref for each element, checked to be all numbers or all strings */
static json_t **keys_by(struct jp_ctx *c, struct arg *a, const char *fn)
{
	size_t k = json_array_size(a[0].v), i;
	json_t **keys = calloc(k + 1, sizeof(*keys)), *e;
	json_array_foreach(a[0].v, i, e) {
		keys[i] = jp_eval(c, a[1].ref, e);
		if (!keys[i] || (!json_is_number(keys[i]) && !json_is_string(keys[i])) || (i && !same_kind(keys[0], keys[i]))) {
			if (keys[i] && !c->failed) {
				char want[64];
				snprintf(want, sizeof(want), "%s", i && json_is_number(keys[0]) ? "['number']" :
								      i ? "['string']" : "['number', 'string']");
				fail_type(c, fn, keys[i], want);
			}
			for (size_t j = 0; j <= i; j++)
				json_decref(keys[j]);
			free(keys);
			return NULL;
		}
	}
	return keys;
}

static json_t *by(struct jp_ctx *c, struct arg *a, const char *fn, int want)
{
	json_t **keys = keys_by(c, a, fn);
	size_t k = json_array_size(a[0].v), best = 0;
	if (!keys)
		return NULL;
	for (size_t i = 1; i < k; i++)
		if (cmp_values(keys[i], keys[best]) * want > 0)
			best = i;
	json_t *r = k ? json_incref(json_array_get(a[0].v, best)) : json_null();
	for (size_t i = 0; i < k; i++)
		json_decref(keys[i]);
	free(keys);
	return r;
}

static json_t *f_max_by(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return by(c, a, "max_by", 1);
}

static json_t *f_min_by(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return by(c, a, "min_by", -1);
}

static json_t *f_merge(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)cur;
	json_t *r = json_object();
	for (int i = 0; i < n; i++)
		json_object_update(r, a[i].v);
	return r;
}

static json_t *f_not_null(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)cur;
	for (int i = 0; i < n; i++)
		if (!json_is_null(a[i].v))
			return json_incref(a[i].v);
	return json_null();
}

static json_t *f_reverse(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_string(a[0].v)) {
		/* by code point */
		const char *s = json_string_value(a[0].v);
		size_t len = json_string_length(a[0].v), o = len;
		char *buf = malloc(len + 1);
		for (size_t i = 0; i < len;) {
			size_t k = 1;
			while (i + k < len && ((unsigned char)s[i + k] & 0xc0) == 0x80)
				k++;
			o -= k;
			memcpy(buf + o, s + i, k);
			i += k;
		}
		json_t *r = json_stringn(buf, len);
		free(buf);
		return r;
	}
	json_t *r = json_array();
	for (size_t i = json_array_size(a[0].v); i-- > 0;)
		json_array_append(r, json_array_get(a[0].v, i));
	return r;
}

struct sortent {
	json_t *key;   /* sort key */
	json_t *val;   /* element */
	size_t pos;    /* original position: the sort is stable */
};

static int cmp_ent(const void *x, const void *y)
{
	const struct sortent *a = x, *b = y;
	int r = cmp_values(a->key, b->key);
	return r ? r : (a->pos < b->pos ? -1 : 1);
}

static json_t *f_sort(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	size_t k = json_array_size(a[0].v), i;
	struct sortent *v = calloc(k + 1, sizeof(*v));
	json_t *e;
	if (alike_check(c, "sort", a[0].v, "['array-string', 'array-number']")) {
		free(v);
		return NULL;
	}
	json_array_foreach(a[0].v, i, e) {
		v[i].key = v[i].val = e;
		v[i].pos = i;
	}
	qsort(v, k, sizeof(*v), cmp_ent);
	json_t *r = json_array();
	for (i = 0; i < k; i++)
		json_array_append(r, v[i].val);
	free(v);
	return r;
}

static json_t *f_sort_by(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	json_t **keys = keys_by(c, a, "sort_by");
	size_t k = json_array_size(a[0].v);
	if (!keys)
		return NULL;
	struct sortent *v = calloc(k + 1, sizeof(*v));
	for (size_t i = 0; i < k; i++) {
		v[i].key = keys[i];
		v[i].val = json_array_get(a[0].v, i);
		v[i].pos = i;
	}
	qsort(v, k, sizeof(*v), cmp_ent);
	json_t *r = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append(r, v[i].val);
	for (size_t i = 0; i < k; i++)
		json_decref(keys[i]);
	free(keys);
	free(v);
	return r;
}

static json_t *f_sum(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t i;
	json_t *e;
	double t = 0;
	int all_int = 1;
	json_array_foreach(a[0].v, i, e) {
		t += json_number_value(e);
		all_int &= json_is_integer(e);
	}
	return all_int ? json_integer((json_int_t)t) : json_real(t);
}

static json_t *f_to_array(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_array(a[0].v))
		return json_incref(a[0].v);
	json_t *r = json_array();
	json_array_append(r, a[0].v);
	return r;
}

/* json.dumps(v, separators=(',', ':')): ASCII only, \uXXXX for the rest */
static void py_dumps(json_t *v, char **out)
{
	*out = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
}

static json_t *f_to_string(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_string(a[0].v))
		return json_incref(a[0].v);
	char *s;
	py_dumps(a[0].v, &s);
	json_t *r = json_string(s ? s : "null");
	free(s);
	return r;
}

static json_t *f_to_number(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *v = a[0].v;
	if (json_is_number(v))
		return json_incref(v);
	if (!json_is_string(v))
		return json_null();
	const char *s = json_string_value(v);
	char *end;
	if (!*s)
		return json_null();
	if (strspn(s, "-0123456789") == strlen(s) && strcmp(s, "-")) {
		long long x = strtoll(s, &end, 10);
		return *end ? json_null() : json_integer(x);
	}
	double d = strtod(s, &end);
	if (*end || isspace((unsigned char)*s) || strpbrk(s, "xXnN"))
		return json_null();
	return json_real(d);
}

static json_t *f_type(struct jp_ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	return json_string(jp_type_name(a[0].v));
}

static const struct fdef fns[] = {
	{"abs", 1, 1, {A_NUM}, f_abs},
	{"avg", 1, 1, {A_ARR_NUM}, f_avg},
	{"ceil", 1, 1, {A_NUM}, f_ceil},
	{"contains", 2, 2, {A_ARR | A_STR, A_ANY}, f_contains},
	{"ends_with", 2, 2, {A_STR, A_STR}, f_ends_with},
	{"floor", 1, 1, {A_NUM}, f_floor},
	{"join", 2, 2, {A_STR, A_ARR_STR}, f_join},
	{"keys", 1, 1, {A_OBJ}, f_keys},
	{"length", 1, 1, {A_STR | A_ARR | A_OBJ}, f_length},
	{"map", 2, 2, {A_EXPREF, A_ARR}, f_map},
	{"max", 1, 1, {A_ARR}, f_max},
	{"max_by", 2, 2, {A_ARR, A_EXPREF}, f_max_by},
	{"merge", 1, -1, {A_OBJ}, f_merge},
	{"min", 1, 1, {A_ARR}, f_min},
	{"min_by", 2, 2, {A_ARR, A_EXPREF}, f_min_by},
	{"not_null", 1, -1, {A_ANY}, f_not_null},
	{"reverse", 1, 1, {A_STR | A_ARR}, f_reverse},
	{"sort", 1, 1, {A_ARR}, f_sort},
	{"sort_by", 2, 2, {A_ARR, A_EXPREF}, f_sort_by},
	{"starts_with", 2, 2, {A_STR, A_STR}, f_starts_with},
	{"sum", 1, 1, {A_ARR_NUM}, f_sum},
	{"to_array", 1, 1, {A_ANY}, f_to_array},
	{"to_number", 1, 1, {A_ANY}, f_to_number},
	{"to_string", 1, 1, {A_ANY}, f_to_string},
	{"type", 1, 1, {A_ANY}, f_type},
	{"values", 1, 1, {A_OBJ}, f_values},
};

static int type_ok(json_t *v, const struct jp_node *ref, int t)
{
	if (t & A_EXPREF)
		return ref != NULL;
	if (ref)
		return 0;
	if (t & A_ARR_NUM || t & A_ARR_STR) {
		if (!json_is_array(v))
			return 0;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) if ((t & A_ARR_NUM) ? !json_is_number(e) : !json_is_string(e)) return 0;
		return 1;
	}
	return ((t & A_NUM) && json_is_number(v)) || ((t & A_STR) && json_is_string(v)) ||
	       ((t & A_BOOL) && json_is_boolean(v)) || ((t & A_ARR) && json_is_array(v)) ||
	       ((t & A_OBJ) && json_is_object(v)) || ((t & A_NULL) && json_is_null(v));
}

static void type_list(int t, char *out, size_t n)
{
	static const struct { int bit; const char *name; } names[] = {
		{A_NUM, "number"}, {A_STR, "string"}, {A_BOOL, "boolean"}, {A_ARR, "array"}, {A_OBJ, "object"},
		{A_NULL, "null"}, {A_EXPREF, "expref"}, {A_ARR_NUM, "array-number"}, {A_ARR_STR, "array-string"}};
	size_t o = 0;
	o += (size_t)snprintf(out + o, n - o, "[");
	int first = 1;
	if ((t & A_ANY) == A_ANY)
		t = A_ANY;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (t & names[i].bit) {
			o += (size_t)snprintf(out + o, n - o, "%s'%s'", first ? "" : ", ", names[i].name);
			first = 0;
		}
	snprintf(out + o, n - o, "]");
}

json_t *jp_call(struct jp_ctx *c, const struct jp_node *n, json_t *v)
{
	const struct fdef *f = NULL;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(fns[i].name, n->name))
			f = &fns[i];
	if (!f) {
		jp_set_err(c->err, "unknown-function", "Unknown function: %s()", n->name);
		c->failed = 1;
		return NULL;
	}
	if (n->nkids < f->min || (f->max >= 0 && n->nkids > f->max)) {
		if (f->max < 0)
			jp_set_err(c->err, "invalid-arity", "Expected at least %d argument%s for function %s(), received %d", f->min,
				f->min == 1 ? "" : "s", f->name, n->nkids);
		else
			jp_set_err(c->err, "invalid-arity", "Expected %d argument%s for function %s(), received %d", f->min,
				f->min == 1 ? "" : "s", f->name, n->nkids);
		c->failed = 1;
		return NULL;
	}
	struct arg *a = calloc((size_t)n->nkids + 1, sizeof(*a));
	json_t *r = NULL;
	for (int i = 0; i < n->nkids; i++) {
		if (n->kids[i]->kind == N_EXPREF)
			a[i].ref = n->kids[i]->kids[0];
		else if (!(a[i].v = jp_eval(c, n->kids[i], v)))
			goto out;
	}
	for (int i = 0; i < n->nkids; i++) {
		/* a variadic function's arguments all take its first type */
		int t = f->max < 0 ? f->types[0] : f->types[i < 3 ? i : 2];
		if (!t)
			t = f->types[0];
		if (!type_ok(a[i].v, a[i].ref, t)) {
			/* the types as jmespath.py's signature lists them, where its order is not
			 * type_list's or the list is checked past the top level */
			static const struct { const char *fn; const char *types; } sig[] = {
				{"contains", "['array', 'string']"}, {"max", "['array-number', 'array-string']"},
				{"min", "['array-number', 'array-string']"}, {"reverse", "['array', 'string']"},
				{"sort", "['array-string', 'array-number']"},
			};
			char want[200];
			type_list(t, want, sizeof(want));
			for (size_t k = 0; k < sizeof(sig) / sizeof(sig[0]); k++)
				if (i == 0 && !strcmp(sig[k].fn, f->name))
					snprintf(want, sizeof(want), "%s", sig[k].types);
			if (a[i].ref) {
				jp_set_err(c->err, "invalid-type", "In function %s(), invalid type for value: <expression>, expected one of: %s, received: \"expref\"",
					f->name, want), c->failed = 1;
			} else if ((t & (A_ARR_NUM | A_ARR_STR)) && json_is_array(a[i].v)) {
				/* a list of the wrong elements: jmespath.py names the first such
				 * element and its Python type */
				json_t *e = NULL;
				for (size_t k = 0; k < json_array_size(a[i].v) && !e; k++) {
					json_t *x = json_array_get(a[i].v, k);
					if ((t & A_ARR_NUM) ? !json_is_number(x) : !json_is_string(x))
						e = x;
				}
				if (e)
					fail_type_as(c, f->name, e, want, py_type(e));
				else
					fail_type(c, f->name, a[i].v, want);
			} else {
				fail_type(c, f->name, a[i].v, want);
			}
			goto out;
		}
	}
	r = f->fn(c, a, n->nkids, v);
out:
	for (int i = 0; i < n->nkids; i++)
		json_decref(a[i].v);
	free(a);
	return r;
}

