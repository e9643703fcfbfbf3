/* --output text, by the real CLI's rules: scalars of a dict on one TAB-joined line
 * (keys sorted, prefixed by the parent key in upper case), then its non-scalars. */
#include <stdlib.h>
#include <string.h>

#include "aws.h"

static int scalar(json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

/* Python's str() of a scalar. */
static void put_scalar(FILE *f, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: fwrite(json_string_value(v), 1, json_string_length(v), f); break;
	case JSON_INTEGER: fprintf(f, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: {
		char buf[40];
		aws_pyfloat(json_real_value(v), buf, sizeof(buf));
		fputs(buf, f);
		break;
	}
	case JSON_TRUE: fputs("True", f); break;
	case JSON_FALSE: fputs("False", f); break;
	default: fputs("None", f); break;
	}
}

static void put_upper(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s >= 'a' && *s <= 'z' ? *s - 32 : *s, f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted keys of o (borrowed strings; free the array). */
static const char **sorted_keys(json_t *o, size_t *n)
{
	const char **k = calloc(json_object_size(o) + 1, sizeof(*k));
	const char *key;
	json_t *v;
	*n = 0;
	json_object_foreach(o, key, v)
		k[(*n)++] = key;
	qsort(k, *n, sizeof(*k), cmp_str);
	return k;
}

static void text(FILE *f, json_t *v, const char *id, const char **skeys, size_t nskeys);

static void text_dict(FILE *f, json_t *o, const char *id, const char **skeys, size_t nskeys)
{
	size_t n;
	const char **keys = sorted_keys(o, &n);
	int any = 0;
	if (skeys) {
		if (nskeys) {
			if (id)
				put_upper(f, id), any = 1;
			for (size_t i = 0; i < nskeys; i++) {
				if (any)
					fputc('\t', f);
				any = 1;
				json_t *s = json_object_get(o, skeys[i]);
				if (s)
					put_scalar(f, s);
			}
			fputc('\n', f);
		}
		for (size_t i = 0; i < n; i++) {
			int is_skey = 0;
			for (size_t j = 0; j < nskeys; j++)
				if (!strcmp(skeys[j], keys[i]))
					is_skey = 1;
			if (!is_skey)
				text(f, json_object_get(o, keys[i]), keys[i], NULL, 0);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			json_t *s = json_object_get(o, keys[i]);
			if (!scalar(s))
				continue;
			if (!any && id) {
				put_upper(f, id);
				any = 1;
			}
			if (any)
				fputc('\t', f);
			any = 1;
			put_scalar(f, s);
		}
		if (any)
			fputc('\n', f);
		for (size_t i = 0; i < n; i++) {
			json_t *s = json_object_get(o, keys[i]);
			if (!scalar(s))
				text(f, s, keys[i], NULL, 0);
		}
	}
	free(keys);
}

static void scalar_list(FILE *f, json_t *a, const char *id, int only_scalars)
{
	size_t i;
	json_t *e;
	int first = 1;
	json_array_foreach(a, i, e) {
		if (only_scalars && !scalar(e))
			continue;
		if (id) {
			put_upper(f, id);
			fputc('\t', f);
			put_scalar(f, e);
			fputc('\n', f);
		} else {
			if (!first)
				fputc('\t', f);
			put_scalar(f, e);
			first = 0;
		}
	}
	if (!id)
		fputc('\n', f);
}

static void text(FILE *f, json_t *v, const char *id, const char **skeys, size_t nskeys)
{
	size_t i;
	json_t *e;
	if (json_is_object(v)) {
		text_dict(f, v, id, skeys, nskeys);
		return;
	}
	if (!json_is_array(v)) {
		put_scalar(f, v);
		fputc('\n', f);
		return;
	}
	if (!json_array_size(v))
		return;
	int dicts = 0, lists = 0;
	json_array_foreach(v, i, e) {
		dicts |= json_is_object(e);
		lists |= json_is_array(e);
	}
	if (dicts) {
		/* the column set: sorted union of scalar keys over all elements */
		const char *all[256];
		size_t na = 0;
		json_array_foreach(v, i, e) {
			const char *k;
			json_t *x;
			if (!json_is_object(e))
				continue;
			json_object_foreach(e, k, x) {
				if (!scalar(x))
					continue;
				size_t j;
				for (j = 0; j < na && strcmp(all[j], k); j++)
					;
				if (j == na && na < 256)
					all[na++] = k;
			}
		}
		qsort(all, na, sizeof(all[0]), cmp_str);
		json_array_foreach(v, i, e) {
			if (json_is_object(e))
				text_dict(f, e, id, all, na);
			else
				text(f, e, id, all, na);
		}
	} else if (lists) {
		int have_scalars = 0;
		json_array_foreach(v, i, e) have_scalars |= scalar(e);
		if (have_scalars)
			scalar_list(f, v, id, 1);
		json_array_foreach(v, i, e)
			if (!scalar(e))
				text(f, e, id, NULL, 0);
	} else {
		scalar_list(f, v, id, 0);
	}
}

void aws_out_text(FILE *f, json_t *v)
{
	text(f, v, NULL, NULL, 0);
}
