/* PowerShell's default display of the objects a cmdlet emits, as AWS.Tools.ECR's
 * generated views give it: an object's properties are its model members in PascalCase,
 * alphabetical (the SDK declares them so); up to four make a table, more a list.
 * Nested objects show their type name, collections {a, b, c, d…}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ps_int.h"

struct item {
	json_t *v;     /* the object (a reference) */
	int shape;     /* its model shape, -1 for a plain value */
};

struct ps_out {
	struct item *items;  /* emitted so far */
	int n, alloc;        /* count, allocated */
};

struct ps_out *ps_out_new(void)
{
	return calloc(1, sizeof(struct ps_out));
}

void ps_out_emit(struct ps_out *o, json_t *v, int shape)
{
	if (!v || json_is_null(v))
		return; /* $null writes nothing */
	if (o->n == o->alloc) {
		o->alloc = o->alloc ? o->alloc * 2 : 16;
		o->items = realloc(o->items, sizeof(*o->items) * (size_t)o->alloc);
	}
	o->items[o->n].v = json_incref(v);
	o->items[o->n++].shape = shape >= 0 && ecr_shapes[shape].type == ECR_T_STRUCT ? shape : -1;
}

static void scalar_text(json_t *v, int shape, char *out, size_t n)
{
	if (shape >= 0 && ecr_shapes[shape].type == ECR_T_TIMESTAMP && json_is_number(v)) {
		/* DateTime in the invariant culture's general format */
		time_t t = (time_t)json_number_value(v);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(out, n, "%m/%d/%Y %H:%M:%S", &tm);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING: snprintf(out, n, "%s", json_string_value(v)); break;
	case JSON_INTEGER: snprintf(out, n, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: snprintf(out, n, "%g", json_real_value(v)); break;
	case JSON_TRUE: snprintf(out, n, "True"); break;
	case JSON_FALSE: snprintf(out, n, "False"); break;
	default: out[0] = '\0'; break;
	}
}

/* A property value as a cell or list line shows it. */
static void cell(json_t *v, int shape, char *out, size_t n)
{
	const struct ecr_shape *s = shape >= 0 ? &ecr_shapes[shape] : NULL;
	if (!v || json_is_null(v)) {
		out[0] = '\0';
		return;
	}
	if (s && s->type == ECR_T_STRUCT) {
		snprintf(out, n, "Amazon.ECR.Model.%s", s->name);
		return;
	}
	if (json_is_array(v) || json_is_object(v)) {
		/* {a, b, c, d…}: $FormatEnumerationLimit is 4 */
		size_t o = 0, count = 0;
		o += (size_t)snprintf(out + o, n - o, "{");
		if (json_is_array(v)) {
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e) {
				if (count == 4) {
					o += (size_t)snprintf(out + o, n - o, "…");
					break;
				}
				char item[512];
				cell(e, s && s->type == ECR_T_LIST ? s->member : -1, item, sizeof(item));
				o += (size_t)snprintf(out + o, n - o, "%s%s", count ? ", " : "", item);
				count++;
				if (o >= n - 1)
					break;
			}
		} else {
			const char *k;
			json_t *e;
			json_object_foreach(v, k, e) {
				if (count == 4) {
					o += (size_t)snprintf(out + o, n - o, "…");
					break;
				}
				char item[512];
				cell(e, s && s->type == ECR_T_MAP ? s->value : -1, item, sizeof(item));
				o += (size_t)snprintf(out + o, n - o, "%s[%s, %s]", count ? ", " : "", k, item);
				count++;
				if (o >= n - 1)
					break;
			}
		}
		if (o < n - 1)
			snprintf(out + o, n - o, "}");
		return;
	}
	scalar_text(v, shape, out, n);
}

struct prop {
	char name[128];   /* PascalCase */
	const char *key;  /* wire name */
	int shape;        /* member shape */
};

static int cmp_prop(const void *a, const void *b)
{
	return strcmp(((const struct prop *)a)->name, ((const struct prop *)b)->name);
}

static int props(int shape, struct prop *out)
{
	const struct ecr_shape *s = &ecr_shapes[shape];
	int n = 0;
	for (int i = 0; i < s->nmembers && n < 64; i++) {
		ps_pascal(s->members[i].name, out[n].name, sizeof(out[n].name));
		out[n].key = s->members[i].name;
		out[n].shape = s->members[i].shape;
		n++;
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_prop);
	return n;
}

static int width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void table(struct item *it, int count)
{
	struct prop p[64];
	int np = props(it[0].shape, p);
	int w[64];
	char ***cells = calloc((size_t)count, sizeof(char **));
	for (int c = 0; c < np; c++)
		w[c] = width(p[c].name);
	for (int r = 0; r < count; r++) {
		cells[r] = calloc((size_t)np, sizeof(char *));
		for (int c = 0; c < np; c++) {
			char buf[4096];
			cell(json_object_get(it[r].v, p[c].key), p[c].shape, buf, sizeof(buf));
			cells[r][c] = strdup(buf);
			if (width(buf) > w[c])
				w[c] = width(buf);
		}
	}
	printf("\n");
	for (int c = 0; c < np; c++)
		printf("%s%s%*s", c ? " " : "", p[c].name, c < np - 1 ? w[c] - width(p[c].name) : 0, "");
	printf("\n");
	for (int c = 0; c < np; c++) {
		printf("%s", c ? " " : "");
		for (int k = 0; k < width(p[c].name); k++)
			putchar('-');
		if (c < np - 1)
			printf("%*s", w[c] - width(p[c].name), "");
	}
	printf("\n");
	for (int r = 0; r < count; r++) {
		/* the last column is not padded */
		int last = np - 1;
		while (last > 0 && !cells[r][last][0])
			last--;
		for (int c = 0; c <= last; c++)
			printf("%s%s%*s", c ? " " : "", cells[r][c], c < last ? w[c] - width(cells[r][c]) : 0, "");
		printf("\n");
		for (int c = 0; c < np; c++)
			free(cells[r][c]);
		free(cells[r]);
	}
	free(cells);
	printf("\n");
}

static void list(struct item *it, int count)
{
	struct prop p[64];
	int np = props(it[0].shape, p), w = 0;
	for (int c = 0; c < np; c++)
		if (width(p[c].name) > w)
			w = width(p[c].name);
	for (int r = 0; r < count; r++) {
		printf("\n");
		for (int c = 0; c < np; c++) {
			char buf[4096];
			cell(json_object_get(it[r].v, p[c].key), p[c].shape, buf, sizeof(buf));
			printf("%s%*s : %s\n", p[c].name, w - width(p[c].name), "", buf);
		}
	}
	printf("\n");
}

void ps_out_flush(struct ps_out *o)
{
	int i = 0;
	while (i < o->n) {
		int j = i + 1;
		while (j < o->n && o->items[j].shape == o->items[i].shape)
			j++;
		if (o->items[i].shape < 0) {
			for (int k = i; k < j; k++) {
				char buf[8192];
				cell(o->items[k].v, -1, buf, sizeof(buf));
				printf("%s\n", buf);
			}
		} else if (ecr_shapes[o->items[i].shape].nmembers <= 4) {
			table(o->items + i, j - i);
		} else {
			list(o->items + i, j - i);
		}
		i = j;
	}
	for (int k = 0; k < o->n; k++)
		json_decref(o->items[k].v);
	free(o->items);
	o->items = NULL;
	o->n = o->alloc = 0;
	fflush(stdout);
}
