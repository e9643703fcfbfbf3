/* JMESPath's tree interpreter over jansson values (jmespath.py's TreeInterpreter). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp_int.h"

static int truthy(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return json_object_size(v) > 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_FALSE:
	case JSON_NULL: return 0;
	default: return 1;
	}
}

int jp_equal(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

const char *jp_type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

/* Python's slice semantics over a list. */
static json_t *slice(struct jp_ctx *c, const struct jp_node *n, json_t *v)
{
	if (!json_is_array(v))
		return json_null();
	long len = (long)json_array_size(v), step = n->has[2] ? n->slice[2] : 1, start, stop;
	if (step == 0) {
		jp_set_err(c->err, "invalid-value", "Invalid slice expression: step cannot be 0");
		c->failed = 1;
		return NULL;
	}
	if (n->has[0]) {
		start = n->slice[0];
		if (start < 0)
			start = start + len < 0 ? (step < 0 ? -1 : 0) : start + len;
		else if (start >= len)
			start = step < 0 ? len - 1 : len;
	} else {
		start = step < 0 ? len - 1 : 0;
	}
	if (n->has[1]) {
		stop = n->slice[1];
		if (stop < 0)
			stop = stop + len < 0 ? (step < 0 ? -1 : 0) : stop + len;
		else if (stop >= len)
			stop = step < 0 ? len - 1 : len;
	} else {
		stop = step < 0 ? -1 : len;
	}
	json_t *out = json_array();
	if (step > 0)
		for (long i = start; i < stop; i += step)
			json_array_append(out, json_array_get(v, (size_t)i));
	else
		for (long i = start; i > stop; i += step)
			json_array_append(out, json_array_get(v, (size_t)i));
	return out;
}

static json_t *project(struct jp_ctx *c, const struct jp_node *rhs, json_t *list)
{
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		json_t *r = jp_eval(c, rhs, e);
		if (c->failed) {
			json_decref(out);
			return NULL;
		}
		if (!json_is_null(r))
			json_array_append(out, r);
		json_decref(r);
	}
	return out;
}

/* [] over a list: its lists' items spliced in, one level. */
static json_t *flatten(json_t *list)
{
	json_t *r = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		if (json_is_array(e))
			json_array_extend(r, e);
		else
			json_array_append(r, e);
	}
	return r;
}

/* [?cond] over a list: the right side of each item whose condition is truthy, nulls
 * dropped; NULL after an error. */
static json_t *filter(struct jp_ctx *c, const struct jp_node *n, json_t *list)
{
	json_t *r = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		json_t *cond = jp_eval(c, n->kids[2], e);
		if (c->failed)
			break;
		if (truthy(cond)) {
			json_t *x = jp_eval(c, n->kids[1], e);
			if (c->failed) {
				json_decref(cond);
				break;
			}
			if (!json_is_null(x))
				json_array_append(r, x);
			json_decref(x);
		}
		json_decref(cond);
	}
	if (c->failed) {
		json_decref(r);
		return NULL;
	}
	return r;
}

json_t *jp_eval(struct jp_ctx *c, const struct jp_node *n, json_t *v)
{
	json_t *a, *b, *r;
	if (c->failed)
		return NULL;
	switch (n->kind) {
	case N_FIELD:
		r = json_is_object(v) ? json_object_get(v, n->name) : NULL;
		return r ? json_incref(r) : json_null();
	case N_SUBEXPR:
	case N_INDEX_EXPR:
		r = json_incref(v);
		for (int i = 0; i < n->nkids && !c->failed; i++) {
			json_t *next = jp_eval(c, n->kids[i], r);
			json_decref(r);
			r = next;
		}
		return c->failed ? (json_decref(r), NULL) : r;
	case N_INDEX: {
		if (!json_is_array(v))
			return json_null();
		long i = n->index < 0 ? n->index + (long)json_array_size(v) : n->index;
		r = i >= 0 ? json_array_get(v, (size_t)i) : NULL;
		return r ? json_incref(r) : json_null();
	}
	case N_SLICE:
		return slice(c, n, v);
	case N_PROJECTION:
	case N_FLATTEN:
	case N_FILTER_PROJECTION:
		/* the three list projections: null unless the left side is a list */
		if (!(a = jp_eval(c, n->kids[0], v)))
			return NULL;
		if (!json_is_array(a))
			r = json_null();
		else if (n->kind == N_PROJECTION)
			r = project(c, n->kids[1], a);
		else
			r = n->kind == N_FLATTEN ? flatten(a) : filter(c, n, a);
		json_decref(a);
		return r;
	case N_VALUE_PROJECTION: {
		a = jp_eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		if (!json_is_object(a)) {
			json_decref(a);
			return json_null();
		}
		json_t *vals = json_array();
		const char *k;
		json_t *e;
		json_object_foreach(a, k, e) json_array_append(vals, e);
		r = project(c, n->kids[1], vals);
		json_decref(vals);
		json_decref(a);
		return r;
	}
	case N_COMPARATOR: {
		a = jp_eval(c, n->kids[0], v);
		b = jp_eval(c, n->kids[1], v);
		if (c->failed) {
			json_decref(a);
			json_decref(b);
			return NULL;
		}
		if (n->op == T_EQ || n->op == T_NE) {
			int eq = jp_equal(a, b);
			r = json_boolean(n->op == T_EQ ? eq : !eq);
		} else if (json_is_number(a) && json_is_number(b)) {
			double x = json_number_value(a), y = json_number_value(b);
			int res = n->op == T_LT ? x < y : n->op == T_LTE ? x <= y : n->op == T_GT ? x > y : x >= y;
			r = json_boolean(res);
		} else if (json_is_string(a) && json_is_string(b)) {
			/* jmespath.py orders strings too (by code point: UTF-8's byte order), as
			 * the CLI's --query does; the spec leaves them out */
			int d = strcmp(json_string_value(a), json_string_value(b));
			int res = n->op == T_LT ? d < 0 : n->op == T_LTE ? d <= 0 : n->op == T_GT ? d > 0 : d >= 0;
			r = json_boolean(res);
		} else if ((json_is_number(a) || json_is_string(a)) && (json_is_number(b) || json_is_string(b))) {
			/* a number against a string: jmespath.py lets Python compare them, which
			 * raises, and the CLI says Python's words */
			static const char *const ops[] = {"<", "<=", ">", ">="};
			int i = n->op == T_LT ? 0 : n->op == T_LTE ? 1 : n->op == T_GT ? 2 : 3;
			jp_set_err(c->err, "invalid-type", "'%s' not supported between instances of '%s' and '%s'", ops[i],
				   json_is_string(a) ? "str" : json_is_integer(a) ? "int" : "float",
				   json_is_string(b) ? "str" : json_is_integer(b) ? "int" : "float");
			c->failed = 1;
			r = NULL;
		} else {
			r = json_null();
		}
		json_decref(a);
		json_decref(b);
		return r;
	}
	case N_OR:
		a = jp_eval(c, n->kids[0], v);
		if (!a || truthy(a))
			return a;
		json_decref(a);
		return jp_eval(c, n->kids[1], v);
	case N_AND:
		a = jp_eval(c, n->kids[0], v);
		if (!a || !truthy(a))
			return a;
		json_decref(a);
		return jp_eval(c, n->kids[1], v);
	case N_NOT:
		a = jp_eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		r = json_boolean(!truthy(a));
		json_decref(a);
		return r;
	case N_PIPE:
		a = jp_eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		r = jp_eval(c, n->kids[1], a);
		json_decref(a);
		return r;
	case N_MULTI_LIST:
		if (json_is_null(v))
			return json_null();
		r = json_array();
		for (int i = 0; i < n->nkids; i++) {
			json_t *x = jp_eval(c, n->kids[i], v);
			if (!x) {
				json_decref(r);
				return NULL;
			}
			json_array_append_new(r, x);
		}
		return r;
	case N_MULTI_HASH:
		if (json_is_null(v))
			return json_null();
		r = json_object();
		for (int i = 0; i < n->nkids; i++) {
			json_t *x = jp_eval(c, n->kids[i], v);
			if (!x) {
				json_decref(r);
				return NULL;
			}
			json_object_set_new(r, n->keys[i], x);
		}
		return r;
	case N_LITERAL:
		return json_incref(n->value);
	case N_CURRENT:
		return json_incref(v);
	case N_EXPREF:
		jp_set_err(c->err, "invalid-type", "expression references are only valid as function arguments");
		c->failed = 1;
		return NULL;
	case N_FUNCTION:
		return jp_call(c, n, v);
	}
	return json_null();
}

json_t *jp_search(const struct jp_node *n, json_t *data, struct jp_error *err)
{
	struct jp_ctx c = {.err = err};
	json_t *r = jp_eval(&c, n, data ? data : json_null());
	if (c.failed) {
		json_decref(r);
		return NULL;
	}
	return r;
}

