/* PowerShell's default display (Out-Default) of the objects a statement emits: SDK
 * objects show their properties (PascalCase, as declared); up to four make a table,
 * more a list; nested objects show their type name, collections {a, b, c, d…}
 * ($FormatEnumerationLimit 4), dictionaries as Key/Value tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_lang.h"

struct ps_out {
	json_t *items;    /* emitted objects, in order */
};

struct ps_out *ps_out_new(void)
{
	struct ps_out *o = calloc(1, sizeof(*o));
	o->items = json_array();
	return o;
}

void ps_out_emit(struct ps_out *o, json_t *v, int shape)
{
	if (!v || json_is_null(v))
		return; /* $null writes nothing */
	json_array_append_new(o->items, shape >= 0 ? ps_obj_from_model(v, shape) : json_incref(v));
}

void ps_out_add(struct ps_out *o, json_t *v)
{
	if (v && !json_is_null(v))
		json_array_append(o->items, v);
}

void ps_cell(json_t *v, char *out, size_t n)
{
	if (!v || json_is_null(v)) {
		out[0] = '\0';
		return;
	}
	if (json_is_array(v)) {
		size_t o = 0, i;
		json_t *e;
		o += (size_t)snprintf(out + o, n - o, "{");
		json_array_foreach(v, i, e) {
			if (i == 4) {
				o += (size_t)snprintf(out + o, n - o, "…");
				break;
			}
			char item[512];
			ps_cell(e, item, sizeof(item));
			o += (size_t)snprintf(out + o, n - o, "%s%s", i ? ", " : "", item);
			if (o >= n - 1)
				break;
		}
		if (o < n - 1)
			snprintf(out + o, n - o, "}");
		return;
	}
	if (json_is_object(v) && (json_is_true(json_object_get(v, PS_DICT_KEY)) || json_is_true(json_object_get(v, PS_HASH_KEY)))) {
		size_t o = 0, count = 0;
		const char *k;
		json_t *e;
		o += (size_t)snprintf(out + o, n - o, "{");
		json_object_foreach(v, k, e) {
			if (ps_is_marker(k))
				continue;
			if (count == 4) {
				o += (size_t)snprintf(out + o, n - o, "…");
				break;
			}
			char item[512];
			ps_cell(e, item, sizeof(item));
			o += (size_t)snprintf(out + o, n - o, "%s[%s, %s]", count++ ? ", " : "", k, item);
			if (o >= n - 1)
				break;
		}
		if (o < n - 1)
			snprintf(out + o, n - o, "}");
		return;
	}
	char *s = ps_to_string(v);
	snprintf(out, n, "%s", s);
	free(s);
}

static int width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* The display properties of an object (dictionaries show as Key and Value rows). */
static int props(json_t *o, const char **out, int max)
{
	int n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) if (!ps_is_marker(k) && n < max) out[n++] = k;
	return n;
}

/* A table cell of text with line breaks (a policy document): its first line and "…",
 * in a column as wide as the whole text, as PowerShell 7 shows one without -Wrap
 * (PowerShell issue #24846 shows both, the width as a bug still open). */
static int table_cell(char *buf)
{
	int w = width(buf);
	char *nl = strchr(buf, '\n');
	if (nl) {
		if (nl > buf && nl[-1] == '\r')
			nl--;
		strcpy(nl, "…"); /* "…" is 3 bytes, never more than the line break and what follows */
	}
	return w;
}

void ps_table(FILE *f, json_t *items, const char **cols, int nc)
{
	int w[64];
	size_t count = json_array_size(items);
	char ***cells = calloc(count + 1, sizeof(char **));
	int num[64]; /* a column of numbers is right-aligned, its header too */
	for (int c = 0; c < nc; c++)
		w[c] = width(cols[c]), num[c] = count > 0;
	for (size_t r = 0; r < count; r++) {
		json_t *it = json_array_get(items, r);
		cells[r] = calloc((size_t)nc + 1, sizeof(char *));
		for (int c = 0; c < nc; c++) {
			char buf[65536];
			json_t *v = ps_prop(it, cols[c]);
			num[c] &= v == NULL || json_is_null(v) || json_is_number(v);
			ps_cell(v, buf, sizeof(buf));
			int cw = table_cell(buf);
			cells[r][c] = strdup(buf);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	fprintf(f, "\n");
	for (int c = 0; c < nc; c++) {
		int pad = num[c] || c < nc - 1 ? w[c] - width(cols[c]) : 0;
		fprintf(f, "%s%*s%s%*s", c ? " " : "", num[c] ? pad : 0, "", cols[c], num[c] ? 0 : pad, "");
	}
	fprintf(f, "\n");
	for (int c = 0; c < nc; c++) {
		int pad = num[c] || c < nc - 1 ? w[c] - width(cols[c]) : 0;
		fprintf(f, "%s%*s", c ? " " : "", num[c] ? pad : 0, "");
		for (int k = 0; k < width(cols[c]); k++)
			fputc('-', f);
		fprintf(f, "%*s", num[c] ? 0 : pad, "");
	}
	fprintf(f, "\n");
	for (size_t r = 0; r < count; r++) {
		/* the last column is not padded */
		int last = nc - 1;
		while (last > 0 && !cells[r][last][0])
			last--;
		for (int c = 0; c <= last; c++) {
			int pad = num[c] || c < last ? w[c] - width(cells[r][c]) : 0;
			fprintf(f, "%s%*s%s%*s", c ? " " : "", num[c] ? pad : 0, "", cells[r][c], num[c] ? 0 : pad, "");
		}
		fprintf(f, "\n");
		for (int c = 0; c < nc; c++)
			free(cells[r][c]);
		free(cells[r]);
	}
	free(cells);
	fprintf(f, "\n");
}

void ps_list(FILE *f, json_t *items, const char **cols, int nc)
{
	int w = 0;
	for (int c = 0; c < nc; c++)
		if (width(cols[c]) > w)
			w = width(cols[c]);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		fprintf(f, "\n");
		for (int c = 0; c < nc; c++) {
			char buf[65536];
			ps_cell(ps_prop(it, cols[c]), buf, sizeof(buf));
			/* a value of several lines: the lines after the first under the first, as
			 * PowerShell's ListWriter writes them */
			char *line = buf, *nl;
			fprintf(f, "%s%*s : ", cols[c], w - width(cols[c]), "");
			while ((nl = strchr(line, '\n'))) {
				fprintf(f, "%.*s\n%*s", (int)(nl - line - (nl > line && nl[-1] == '\r')), line, w + 3, "");
				line = nl + 1;
			}
			fprintf(f, "%s\n", line);
		}
	}
	fprintf(f, "\n");
}

/* What groups objects under one header: the type, or the property names */
static char *kind(json_t *v)
{
	if (!json_is_object(v))
		return strdup("");
	if (ps_type_name(v))
		return strdup(ps_type_name(v));
	if (json_is_true(json_object_get(v, PS_DICT_KEY)))
		return strdup("\001dict");
	if (json_is_true(json_object_get(v, PS_HASH_KEY)))
		return strdup("\001hash");
	char *k = ps_to_string(json_null());
	const char *name;
	json_t *x;
	size_t len = 0;
	json_object_foreach(v, name, x) {
		k = realloc(k, len + strlen(name) + 2);
		len += (size_t)sprintf(k + len, "%s;", name);
	}
	return k;
}

static void show_group(FILE *f, json_t *group)
{
	json_t *first = json_array_get(group, 0);
	if (!json_is_object(first) || ps_is_error_record(first) || ps_is_date(first)) { /* as their text */
		size_t i;
		json_t *v;
		json_array_foreach(group, i, v) {
			char buf[8192];
			ps_cell(v, buf, sizeof(buf));
			fprintf(f, "%s\n", buf);
		}
		return;
	}
	if (json_is_true(json_object_get(first, PS_DICT_KEY)) || json_is_true(json_object_get(first, PS_HASH_KEY))) {
		/* a dictionary shows its entries as Key / Value rows, a hashtable as Name / Value */
		int hash = json_is_true(json_object_get(first, PS_HASH_KEY));
		json_t *rows = json_array();
		size_t i;
		json_t *d;
		json_array_foreach(group, i, d) {
			const char *k;
			json_t *v;
			json_object_foreach(d, k, v) if (!ps_is_marker(k))
				json_array_append_new(rows, json_pack("{s:s, s:O}", hash ? "Name" : "Key", k, "Value", v));
		}
		const char *cols[] = {hash ? "Name" : "Key", "Value"};
		ps_table(f, rows, cols, 2);
		json_decref(rows);
		return;
	}
	const char *cols[64];
	int nc = props(first, cols, 64);
	if (nc == 0)
		return; /* a response without members (TagResourceResponse): the module's format
			 * file has no view for it (FormatGenerator skips a type without columns),
			 * so PowerShell would list the inherited ResponseMetadata, ContentLength and
			 * HttpStatusCode, which ecrlite's objects do not have: nothing to show */
	if (nc <= 4)
		ps_table(f, group, cols, nc);
	else
		ps_list(f, group, cols, nc);
}

void ps_out_flush(struct ps_out *o)
{
	ps_out_write(o, stdout);
}

void ps_out_write(struct ps_out *o, FILE *f)
{
	size_t i = 0, n = json_array_size(o->items);
	while (i < n) {
		char *k = kind(json_array_get(o->items, i));
		json_t *group = json_array();
		size_t j = i;
		for (; j < n; j++) {
			char *kj = kind(json_array_get(o->items, j));
			int same = !strcmp(k, kj);
			free(kj);
			if (!same)
				break;
			json_array_append(group, json_array_get(o->items, j));
		}
		show_group(f, group);
		json_decref(group);
		free(k);
		i = j;
	}
	json_array_clear(o->items);
	fflush(f);
}

void ps_out_free(struct ps_out *o)
{
	if (!o)
		return;
	json_decref(o->items);
	free(o);
}

json_t *ps_out_take(struct ps_out *o)
{
	json_t *items = o->items;
	o->items = json_array();
	return items;
}
