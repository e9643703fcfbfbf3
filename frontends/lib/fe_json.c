/* Dotted JSON paths: get, the holder of the last step, set; and Python's float repr. A step is the text up to the
 * next '.', matched exactly (json_object_getn: no copy, so no length limit). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fe_json.h"

json_t *fe_json_path(json_t *o, const char *path)
{
	while (o && *path) {
		size_t n = strcspn(path, ".");
		o = json_object_getn(o, path, n);
		path += n + (path[n] == '.');
	}
	return o;
}

json_t *fe_json_path_parent(json_t *o, const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return o;
	/* every step but the last, without copying the path */
	while (o && path < dot) {
		size_t n = strcspn(path, ".");
		o = json_object_getn(o, path, n);
		path += n + 1;
	}
	return o;
}

int fe_json_path_set_new(json_t *o, const char *path, json_t *v)
{
	if (!json_is_object(o)) {
		json_decref(v);
		return -1;
	}
	for (;;) {
		size_t n = strcspn(path, ".");
		if (!path[n])
			return json_object_setn_new(o, path, n, v);
		json_t *next = json_object_getn(o, path, n);
		if (!json_is_object(next)) {
			next = json_object();
			if (json_object_setn_new(o, path, n, next)) {
				json_decref(v);
				return -1;
			}
		}
		o = next;
		path += n + 1;
	}
}

void fe_pyfloat(double d, char *buf, size_t n)
{
	if (isinf(d)) {
		snprintf(buf, n, "%s", d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	/* Python's repr: the fewest digits that read back as d, written out in full for a
	 * decimal exponent from -4 to 15 (10.0, 100.0, 0.0001; %g would say 1e+01) and in
	 * scientific notation with a two-digit exponent past that (1e+16, 1e-05) */
	/* the precision goes in as an unsigned char so that gcc (-O1, -Wformat-truncation=2)
	 * can bound what %.*e writes: at most 17 digits are ever asked for */
	char sci[272];
	int p = 1;
	for (; p < 17; p++) {
		snprintf(sci, sizeof(sci), "%.*e", (unsigned char)(p - 1), d);
		if (strtod(sci, NULL) == d)
			break;
	}
	snprintf(sci, sizeof(sci), "%.*e", (unsigned char)(p - 1), d);
	char *e = strchr(sci, 'e');
	int exp = atoi(e + 1);
	if (exp < -4 || exp >= 16) {
		*e = '\0';
		snprintf(buf, n, "%se%c%02d", sci, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	int dec = p - 1 - exp; /* 0 to 20 here */
	snprintf(buf, n, "%.*f", dec < 0 ? 0 : dec > 20 ? 20 : dec, d);
	if (!strchr(buf, '.') && strlen(buf) + 3 <= n)
		strcat(buf, ".0"); /* Python writes 3.0 as "3.0" */
}

/* a string or key as jansson escapes it: only the numbers are written here */
static int put_string(struct buf *b, const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	int rc = t ? ecr_buf_addstr(b, t) : -1;
	free(t);
	json_decref(j);
	return rc;
}

static int put(struct buf *b, const json_t *v)
{
	char num[64];
	size_t i;
	const char *k;
	int rc = 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		void *it = json_object_iter((json_t *)v);
		rc = ecr_buf_add(b, "{", 1);
		for (i = 0; !rc && it; i++, it = json_object_iter_next((json_t *)v, it)) {
			k = json_object_iter_key(it);
			rc = (i && ecr_buf_add(b, ",", 1)) || put_string(b, k, json_object_iter_key_len(it)) ||
			     ecr_buf_add(b, ":", 1) || put(b, json_object_iter_value(it));
		}
		return rc || ecr_buf_add(b, "}", 1);
	}
	case JSON_ARRAY:
		rc = ecr_buf_add(b, "[", 1);
		for (i = 0; !rc && i < json_array_size(v); i++)
			rc = (i && ecr_buf_add(b, ",", 1)) || put(b, json_array_get(v, i));
		return rc || ecr_buf_add(b, "]", 1);
	case JSON_STRING: return put_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER: return ecr_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL: fe_pyfloat(json_real_value(v), num, sizeof(num)); return ecr_buf_addstr(b, num);
	case JSON_TRUE: return ecr_buf_addstr(b, "true");
	case JSON_FALSE: return ecr_buf_addstr(b, "false");
	default: return ecr_buf_addstr(b, "null");
	}
}

char *fe_json_compact(const json_t *v, size_t max)
{
	struct buf b;
	ecr_buf_init(&b, max);
	if (put(&b, v))
		return NULL; /* the buffer is freed on failure */
	return ecr_buf_detach(&b);
}
