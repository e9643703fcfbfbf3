/* Evaluation of the PowerShell subset's expressions: literals, "…" expansion, casts,
 * member and index access, operators (ps_binop.c), method calls (ps_method.c) and
 * script blocks; statements and pipelines are ps_exec.c's. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_lang.h"

/* A piece of "…" text: "$name" expands; "`$" was kept as \002. Subexpressions are
 * parsed apart (X_DSTR kids, see interpolate). */
static json_t *expand(struct ps_sess *s, const char *t)
{
	size_t cap = strlen(t) * 2 + 64, o = 0;
	char *out = malloc(cap);
	for (const char *p = t; *p;) {
		char *text = NULL;
		if (*p == '$' && (isalnum((unsigned char)p[1]) || p[1] == '_' || p[1] == '?')) {
			const char *st = ++p;
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '?' || (*p == ':' && p - st == 3))
				p++;
			/* the whole name: a cut one would read another variable */
			char *name = strndup(st, (size_t)(p - st));
			json_t *v = name ? ps_var_get(s, name) : NULL;
			free(name);
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
static json_t *cast(struct ps_sess *s, const char *type, json_t *v)
{
	json_t *r = NULL;
	if (!strcmp(type, "pscustomobject") || !strcmp(type, "ordered")) {
		if (!json_is_object(v) || !json_object_get(v, PS_HASH_KEY))
			return v; /* [pscustomobject] on anything but a hashtable changes nothing */
		if (!strcmp(type, "ordered"))
			return v; /* hashtables here keep their order already */
		r = json_deep_copy(v);
		json_object_del(r, PS_HASH_KEY);
	} else {
		char full[160], why[600];
		ps_type_lookup(type, full, sizeof(full)); /* the parser let only known types through */
		r = ps_convert(full, v, why, sizeof(why));
		if (!r)
			ps_raise(s, "InvalidArgument", PS_E_RUNTIME, NULL, 1, "%s", why);
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

/* x.m(args) (X_METHOD: kid 0 the object) and [type]::m(args) (X_STATIC, at most 8
 * arguments evaluated, as it always took): the operands evaluated here, so ps_method.c
 * works on values and never calls back into the evaluator. */
static json_t *call(struct node *x, struct ps_sess *s)
{
	int first = x->k == X_METHOD, n = 0;
	int want = first ? x->n - 1 : x->n < 8 ? x->n : 8;
	json_t *v = first ? ps_eval(x->kid[0], s) : NULL, *r = NULL;
	json_t **args = calloc((size_t)want + 1, sizeof(*args));
	if (first && !v)
		goto out;
	for (; n < want; n++)
		if (!(args[n] = ps_eval(x->kid[first + n], s)))
			goto out;
	r = first ? ps_method(s, v, x->s, args, n) : ps_static(s, x->s, args, n);
out:
	for (int i = 0; i < n; i++)
		json_decref(args[i]);
	free(args);
	json_decref(v);
	return r;
}

/* The element at index i of an array, the character at i of a string (code points; a
 * [char] shows as its one-letter string), a scalar at 0; negative from the end; NULL
 * when out of range. A new reference. */
static json_t *index_one(json_t *a, json_int_t i)
{
	if (json_is_string(a)) {
		const unsigned char *t = (const unsigned char *)json_string_value(a);
		size_t len = json_string_length(a), n = 0;
		for (size_t k = 0; k < len; k++)
			n += (t[k] & 0xC0) != 0x80;
		if (i < 0)
			i += (json_int_t)n;
		if (i < 0 || i >= (json_int_t)n)
			return NULL;
		size_t k = 0;
		for (json_int_t c = -1; k < len; k++)
			if ((t[k] & 0xC0) != 0x80 && ++c == i)
				break;
		size_t e = k + 1;
		while (e < len && (t[e] & 0xC0) == 0x80)
			e++;
		return json_stringn((const char *)t + k, e - k);
	}
	json_int_t n = json_is_array(a) ? (json_int_t)json_array_size(a) : 1;
	if (i < 0)
		i += n;
	if (i < 0 || i >= n)
		return NULL;
	return json_incref(json_is_array(a) ? json_array_get(a, (size_t)i) : a);
}

json_t *ps_eval(struct node *x, struct ps_sess *s)
{
	json_t *a, *b, *r;
	switch (x->k) {
	case X_LIT: /* a copy of a collection (1..5): assignments change values in place */
		if (!x->v) /* a range past PS_MAX_ITEMS (ps_parse.c) */
			return ps_too_big(s, 1);
		return json_is_array(x->v) || json_is_object(x->v) ? json_deep_copy(x->v) : json_incref(x->v);
	case X_DSTR:
		return x->n ? interpolate(x, s) : expand(s, x->s);
	case X_VAR:
		return ps_var_get(s, x->s);
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
	case X_STATIC:
		return call(x, s);
	case X_CAST:
		a = ps_eval(x->kid[0], s);
		return a ? cast(s, x->s, a) : NULL;
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
		if (((x->op->flags & PS_OP_AND) && !ps_truthy(a)) || ((x->op->flags & PS_OP_OR) && ps_truthy(a))) {
			/* -and and -or stop at the first operand that decides */
			r = json_boolean(x->op->flags & PS_OP_OR);
			json_decref(a);
			return r;
		}
		b = ps_eval(x->kid[1], s);
		if (!b) {
			json_decref(a);
			return NULL;
		}
		r = x->op->fn(s, a, b, x->cs);
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
		if (json_is_array(b) && !json_is_object(a)) {
			/* $a[0..1], $a[0, 2]: each index's element, those out of range left out */
			json_t *out = json_array(), *ix;
			size_t k;
			json_array_foreach(b, k, ix) {
				json_t *e = json_is_integer(ix) ? index_one(a, json_integer_value(ix)) : NULL;
				if (e)
					json_array_append_new(out, e);
			}
			r = out;
		} else if (json_is_integer(b) && json_is_string(a)) {
			json_t *e = index_one(a, json_integer_value(b)); /* "abc"[1]: a [char] */
			if (e)
				r = e;
		} else if (json_is_integer(b) && json_is_object(a) &&
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
	case X_BNOT:
		a = ps_eval(x->kid[0], s);
		if (!a)
			return NULL;
		r = ps_bnot(s, a);
		json_decref(a);
		return r;
	case X_TYPE:
		return ps_type_value(x->s);
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
	json_t *saved = ps_var_get(s, "_");
	ps_var_set(s, "_", item ? item : json_null());
	json_t *r = ps_run_statements(b->kid[0], s, 0);
	s->jump = 0; /* break/continue end the block's run */
	ps_var_set(s, "_", saved);
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

