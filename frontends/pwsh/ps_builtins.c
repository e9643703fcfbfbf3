/* The built-in commands the shell's pipelines need around the ECR cmdlets: filtering,
 * projection, sorting, grouping, measuring, formatting, JSON, files and host output.
 * Each is one table row: its name, aliases, parameters (switches marked) and function. */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "timefmt.h"
#include "../config.h"
#include "ps_lang.h"

struct bparam {
	const char *name;     /* parameter */
	int is_switch;        /* takes no value */
	int position;         /* positional slot, -1 for none */
};

/* a call: its bound parameters by table name */
struct call {
	const struct builtin *b;
	json_t *bound;        /* name -> value (true for switches) */
	json_t *input;        /* pipeline input, NULL when first */
	json_t *out;          /* what it emits */
	struct ps_sess *s;
};

struct builtin {
	const char *name;
	const char *aliases;  /* comma-separated */
	int (*fn)(struct call *c);
	struct bparam params[40]; /* ended by an empty entry */
};

static const struct builtin *find(const char *name);

/* a built-in's error: terminating for the command, as an ArgumentException (the
 * built-ins' errors are about their arguments or input) */
static int berr(struct call *c, const char *fmt, const char *a)
{
	char msg[4096];
	snprintf(msg, sizeof(msg), fmt, a);
	ps_out_flush(c->s->out);
	ps_raise(c->s, c->b->name, PS_E_ARGUMENT, NULL, 1, "%s", msg);
	return 1;
}

static json_t *arg(struct call *c, const char *name)
{
	return json_object_get(c->bound, name);
}

static int flag(struct call *c, const char *name)
{
	return ps_truthy(arg(c, name) ? arg(c, name) : json_false());
}

static long num(struct call *c, const char *name, long dflt)
{
	json_t *v = arg(c, name);
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return atol(json_string_value(v));
	return dflt;
}

/* The input, or when a command is first, what its -InputObject names. */
static json_t *input(struct call *c)
{
	if (c->input)
		return c->input;
	json_t *v = arg(c, "InputObject");
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		json_t *a = json_array();
		json_array_append(a, v);
		json_object_set_new(c->bound, "\001in", a);
		return a;
	}
	return v;
}

/* A property list argument as a list (a single name or block as one element). */
static json_t *list_of(json_t *v)
{
	if (!v)
		return json_array();
	if (json_is_array(v))
		return json_incref(v);
	json_t *a = json_array();
	json_array_append(a, v);
	return a;
}

/* The value a property name, a script block, or a calculated property gives for item. */
static json_t *value_of(json_t *prop, json_t *item, struct ps_sess *s)
{
	if (ps_is_block(prop)) {
		json_t *r = ps_call_block(prop, item, s);
		return r ? ps_unwrap(r) : json_null();
	}
	if (json_is_object(prop)) {
		json_t *e = ps_prop(prop, "Expression");
		if (!e)
			e = ps_prop(prop, "E");
		return e ? value_of(e, item, s) : json_null();
	}
	if (json_is_string(prop))
		return ps_member(item, json_string_value(prop));
	return json_null();
}

/* The column name a property argument gives. */
static char *name_of(json_t *prop)
{
	if (json_is_object(prop) && !ps_is_block(prop)) {
		const char *keys[] = {"Name", "N", "Label", "L"};
		for (int i = 0; i < 4; i++)
			if (json_is_string(ps_prop(prop, keys[i])))
				return strdup(json_string_value(ps_prop(prop, keys[i])));
		json_t *e = ps_prop(prop, "Expression");
		return json_is_string(e) ? strdup(json_string_value(e)) : strdup("Expression");
	}
	if (json_is_string(prop))
		return strdup(json_string_value(prop));
	return strdup("Expression");
}

/* The property names of an object, in order (for '*'). */
static json_t *all_props(json_t *o)
{
	json_t *a = json_array();
	const char *k;
	json_t *v;
	if (json_is_object(o))
		json_object_foreach(o, k, v) if (!ps_is_marker(k)) json_array_append_new(a, json_string(k));
	return a;
}

/* Property arguments with wildcards ("*", "Sev*") resolved against an object. */
static json_t *resolve_props(struct ps_sess *s, json_t *props, json_t *sample)
{
	json_t *r = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(props, i, p) {
		if (json_is_string(p) && strpbrk(json_string_value(p), "*?")) {
			json_t *all = all_props(sample);
			size_t j;
			json_t *k;
			json_array_foreach(all, j, k) {
				json_t *m = ps_binop(s, "like", k, p);
				if (json_is_true(m))
					json_array_append(r, k);
				json_decref(m);
			}
			json_decref(all);
		} else {
			json_array_append(r, p);
		}
	}
	return r;
}

/* --- the commands ------------------------------------------------------------------ */

/* Where-Object's simplified syntax: one parameter per comparison row of the operator
 * table (ps_ops): -EQ … -NotIn -Is -IsNot, then the case-sensitive -CEQ … -CNotIn (the
 * type tests have none). The i-th of
 * them (its row and spelling into *op_out and *cs_out), NULL past the last. */
static const char *where_op(int i, const struct ps_op **op_out, int *cs_out)
{
	for (int pass = 0; pass < 2; pass++)
		for (const struct ps_op *o = ps_ops; o->name; o++)
			if ((o->flags & PS_OP_CMP) && (!pass || o->cparam) && !i--) {
				*op_out = o;
				*cs_out = pass;
				return pass ? o->cparam : o->param;
			}
	return NULL;
}

static int where_object(struct call *c)
{
	json_t *in = input(c), *fs = arg(c, "FilterScript"), *prop = arg(c, "Property");
	const struct ps_op *op = NULL, *o;
	const char *opname = NULL, *pn;
	int cs = 0, ocs;
	for (int i = 0; (pn = where_op(i, &o, &ocs)); i++)
		if (arg(c, pn))
			op = o, cs = ocs, opname = pn;
	if (!fs && !prop)
		return berr(c, "%sCannot bind argument: a script block or a property is needed (Where-Object { $_.Severity -eq 'HIGH' }).", "");
	size_t i;
	json_t *item;
	json_array_foreach(in, i, item) {
		json_t *r;
		if (fs && ps_is_block(fs)) {
			r = ps_call_block(fs, item, c->s);
			r = r ? ps_unwrap(r) : json_null();
		} else {
			json_t *v = value_of(prop ? prop : fs, item, c->s);
			if (op) {
				r = op->fn(c->s, v, arg(c, opname), cs);
				json_decref(v);
				if (!r) /* -Is with no type: the operator's error ends the command */
					return 1;
			} else if (flag(c, "Not")) { /* Where-Object -Not Prop: where it is false */
				r = json_boolean(!ps_truthy(v));
				json_decref(v);
			} else {
				r = v;
			}
		}
		if (ps_truthy(r))
			json_array_append(c->out, item);
		json_decref(r);
	}
	return 0;
}

/* a block's output (or a value) onto the command's output; 1 when it failed */
static int emit_result(struct call *c, json_t *r)
{
	if (!r)
		return 1;
	if (json_is_array(r))
		json_array_extend(c->out, r);
	else if (!json_is_null(r))
		json_array_append(c->out, r);
	json_decref(r);
	return 0;
}

static int foreach_object(struct call *c)
{
	json_t *in = input(c), *p = arg(c, "Process"), *m = arg(c, "MemberName");
	json_t *begin = arg(c, "Begin"), *end = arg(c, "End");
	if (!p && !m && !begin && !end)
		return berr(c, "%sCannot bind argument: a script block or a member name is needed (ForEach-Object { $_.Name }).", "");
	if (ps_is_block(begin) && emit_result(c, ps_call_block(begin, NULL, c->s)))
		return 1;
	size_t i;
	json_t *item;
	json_array_foreach(in, i, item) {
		if ((p || m) && emit_result(c, ps_is_block(p) ? ps_call_block(p, item, c->s) : value_of(p ? p : m, item, c->s)))
			return 1;
	}
	if (ps_is_block(end) && emit_result(c, ps_call_block(end, NULL, c->s)))
		return 1;
	return 0;
}

static int select_object(struct call *c)
{
	json_t *in = input(c), *props = list_of(arg(c, "Property"));
	const char *expand = json_string_value(arg(c, "ExpandProperty"));
	long first = num(c, "First", -1), last = num(c, "Last", -1), skip = num(c, "Skip", 0);
	size_t n = json_array_size(in), from = (size_t)skip, to = n;
	if (first >= 0 && from + (size_t)first < to)
		to = from + (size_t)first;
	if (last >= 0 && to > from + (size_t)last)
		from = to - (size_t)last;
	json_t *seen = flag(c, "Unique") ? json_array() : NULL;
	for (size_t i = from; i < to && i < n; i++) {
		json_t *item = json_array_get(in, i), *r;
		if (expand) {
			r = ps_member(item, expand);
			if (json_is_null(r) && !ps_prop(item, expand)) {
				json_decref(r);
				json_decref(props);
				json_decref(seen);
				return berr(c, "Property \"%s\" cannot be found.", expand);
			}
		} else if (json_array_size(props)) {
			/* a new object with just those properties (PowerShell's Selected.* objects) */
			json_t *names = resolve_props(c->s, props, item);
			r = json_object();
			size_t j;
			json_t *p;
			json_array_foreach(names, j, p) {
				char *nm = name_of(p);
				json_object_set_new(r, nm, value_of(p, item, c->s));
				free(nm);
			}
			json_decref(names);
		} else {
			r = json_incref(item);
		}
		if (seen) {
			int dup = 0;
			size_t j;
			json_t *e;
			json_array_foreach(seen, j, e) dup |= json_equal(e, r);
			if (dup) {
				json_decref(r);
				continue;
			}
			json_array_append(seen, r);
		}
		if (json_is_array(r))
			json_array_extend(c->out, r);
		else
			json_array_append(c->out, r);
		json_decref(r);
	}
	json_decref(props);
	json_decref(seen);
	return 0;
}

/* Sort keys are computed once per item; the sort is stable (merge of indices). */
struct sortctx {
	json_t **keys;       /* per item: list of key values */
	int nkeys, desc;
};

static int cmp_items(const struct sortctx *x, size_t a, size_t b)
{
	for (int k = 0; k < x->nkeys; k++) {
		json_t *ka = json_array_get(x->keys[a], (size_t)k), *kb = json_array_get(x->keys[b], (size_t)k);
		int r;
		if (json_is_null(ka) || json_is_null(kb))
			r = json_is_null(ka) == json_is_null(kb) ? 0 : json_is_null(ka) ? -1 : 1; /* nulls first */
		else
			r = ps_compare(ka, kb);
		if (r == 2)
			r = 0;
		if (r)
			return x->desc ? -r : r;
	}
	return 0;
}

static void merge_sort(const struct sortctx *x, size_t *idx, size_t *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2, i = 0, j = h, o = 0;
	merge_sort(x, idx, tmp, h);
	merge_sort(x, idx + h, tmp, n - h);
	while (i < h && j < n)
		tmp[o++] = cmp_items(x, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
	while (i < h)
		tmp[o++] = idx[i++];
	while (j < n)
		tmp[o++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

static int sort_object(struct call *c)
{
	json_t *in = input(c), *props = list_of(arg(c, "Property"));
	size_t n = json_array_size(in);
	struct sortctx x = {calloc(n + 1, sizeof(json_t *)), 0, flag(c, "Descending")};
	size_t *idx = calloc(n + 1, sizeof(size_t)), *tmp = calloc(n + 1, sizeof(size_t));
	x.nkeys = json_array_size(props) ? (int)json_array_size(props) : 1;
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(in, i);
		x.keys[i] = json_array();
		idx[i] = i;
		if (!json_array_size(props))
			json_array_append(x.keys[i], item);
		for (size_t k = 0; k < json_array_size(props); k++)
			json_array_append_new(x.keys[i], value_of(json_array_get(props, k), item, c->s));
	}
	merge_sort(&x, idx, tmp, n);
	for (size_t i = 0; i < n; i++) {
		if (flag(c, "Unique") && i && !cmp_items(&x, idx[i - 1], idx[i]))
			continue;
		json_array_append(c->out, json_array_get(in, idx[i]));
	}
	for (size_t i = 0; i < n; i++)
		json_decref(x.keys[i]);
	free(x.keys);
	free(idx);
	free(tmp);
	json_decref(props);
	return 0;
}

static int group_object(struct call *c)
{
	json_t *in = input(c), *props = list_of(arg(c, "Property"));
	json_t *groups = json_array(); /* GroupInfo objects in first-seen order */
	size_t i;
	json_t *item;
	json_array_foreach(in, i, item) {
		char *name = NULL;
		for (size_t k = 0; k < json_array_size(props) || (!k && !json_array_size(props)); k++) {
			json_t *v = json_array_size(props) ? value_of(json_array_get(props, k), item, c->s) : json_incref(item);
			char *t = ps_to_string(v);
			json_decref(v);
			if (name) {
				char *j = malloc(strlen(name) + strlen(t) + 3);
				sprintf(j, "%s, %s", name, t);
				free(name);
				free(t);
				name = j;
			} else {
				name = t;
			}
		}
		json_t *g = NULL, *e;
		size_t j;
		json_array_foreach(groups, j, e) if (!strcasecmp(json_string_value(json_object_get(e, "Name")), name)) g = e;
		if (!g) {
			g = json_pack("{s:i, s:s, s:[]}", "Count", 0, "Name", name, "Group");
			json_array_append_new(groups, g);
		}
		json_array_append(json_object_get(g, "Group"), item);
		json_object_set_new(g, "Count", json_integer((json_int_t)json_array_size(json_object_get(g, "Group"))));
		free(name);
	}
	if (flag(c, "NoElement"))
		json_array_foreach(groups, i, item) json_object_del(item, "Group");
	json_array_extend(c->out, groups);
	json_decref(groups);
	json_decref(props);
	return 0;
}

static int measure_object(struct call *c)
{
	json_t *in = input(c), *prop = arg(c, "Property");
	int want[4] = {flag(c, "Average"), flag(c, "Sum"), flag(c, "Maximum"), flag(c, "Minimum")};
	double sum = 0, mx = 0, mn = 0;
	long count = 0;
	json_t *maxv = NULL, *minv = NULL;
	size_t i;
	json_t *item;
	json_array_foreach(in, i, item) {
		json_t *v = prop ? value_of(prop, item, c->s) : json_incref(item);
		if (json_is_null(v)) {
			json_decref(v);
			continue;
		}
		count++;
		if (json_is_number(v)) {
			double d = json_number_value(v);
			sum += d;
			mx = count == 1 || d > mx ? d : mx;
			mn = count == 1 || d < mn ? d : mn;
		} else if (want[0] || want[1]) {
			json_decref(v);
			return berr(c, "Input object \"%s\" is not numeric.", json_string_value(v) ? json_string_value(v) : "?");
		}
		if (!maxv || ps_compare(v, maxv) == 1)
			json_decref(maxv), maxv = json_incref(v);
		if (!minv || ps_compare(v, minv) == -1)
			json_decref(minv), minv = json_incref(v);
		json_decref(v);
	}
	(void)mx;
	(void)mn;
	json_t *o = json_object();
	json_object_set_new(o, "Count", json_integer(count));
	json_object_set_new(o, "Average", want[0] && count ? json_real(sum / (double)count) : json_null());
	json_object_set_new(o, "Sum", want[1] ? (sum == (double)(json_int_t)sum ? json_integer((json_int_t)sum) : json_real(sum)) : json_null());
	json_object_set_new(o, "Maximum", want[2] && maxv ? json_incref(maxv) : json_null());
	json_object_set_new(o, "Minimum", want[3] && minv ? json_incref(minv) : json_null());
	json_object_set_new(o, "StandardDeviation", json_null());
	json_object_set_new(o, "Property", prop ? (json_is_string(prop) ? json_incref(prop) : json_string("")) : json_null());
	json_decref(maxv);
	json_decref(minv);
	json_array_append_new(c->out, o);
	return 0;
}

/* Format-Table / Format-List print now (after what is pending), and emit nothing. */
static int format(struct call *c, int list)
{
	json_t *in = input(c), *props = list_of(arg(c, "Property"));
	if (!json_array_size(in)) {
		json_decref(props);
		return 0;
	}
	json_t *names;
	if (json_array_size(props))
		names = resolve_props(c->s, props, json_array_get(in, 0));
	else
		names = all_props(json_array_get(in, 0));
	/* rows of the computed columns, so blocks and calculated properties show */
	json_t *rows = json_array();
	size_t i, j;
	json_t *item, *p;
	const char *cols[64];
	char *colnames[64];
	int nc = 0;
	json_array_foreach(names, j, p) if (nc < 64) colnames[nc] = name_of(p), cols[nc] = colnames[nc], nc++;
	json_array_foreach(in, i, item) {
		if (!json_is_object(item) || ps_is_block(item)) {
			json_array_append(rows, item);
			continue;
		}
		json_t *r = json_object();
		for (int k = 0; k < nc; k++)
			json_object_set_new(r, cols[k], value_of(json_array_get(names, (size_t)k), item, c->s));
		json_array_append_new(rows, r);
	}
	ps_out_flush(c->s->out);
	if (json_is_object(json_array_get(rows, 0))) {
		if (list)
			ps_list(stdout, rows, cols, nc);
		else
			ps_table(stdout, rows, cols, nc);
	} else {
		struct ps_out *o = ps_out_new();
		json_array_foreach(rows, i, item) ps_out_add(o, item);
		ps_out_flush(o);
		ps_out_free(o);
	}
	fflush(stdout);
	for (int k = 0; k < nc; k++)
		free(colnames[k]);
	json_decref(rows);
	json_decref(names);
	json_decref(props);
	return 0;
}

static int format_table(struct call *c) { return format(c, 0); }
static int format_list(struct call *c) { return format(c, 1); }

/* A value as ConvertTo-Json sees it: SDK objects are their properties, and what lies
 * deeper than -Depth becomes its string form (PowerShell warns when it cuts). */
static json_t *plain(json_t *v, int depth, int *cut)
{
	if (ps_is_block(v))
		return json_string("<script block>");
	if (ps_is_date(v)) { /* ISO 8601 with the offset, as Json.NET writes a local DateTime */
		double t = ps_date_time(v);
		char *s = ps_date_format(v, t == (double)(long long)t ? "yyyy-MM-ddTHH:mm:ssK" : "yyyy-MM-ddTHH:mm:ss.fffK");
		json_t *r = json_string(s);
		free(s);
		return r;
	}
	if (json_is_object(v) || json_is_array(v)) {
		if (depth < 0) {
			*cut = 1;
			char *s = ps_to_string(v);
			json_t *r = json_string(s);
			free(s);
			return r;
		}
		if (json_is_array(v)) {
			json_t *a = json_array();
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e) json_array_append_new(a, plain(e, depth - 1, cut));
			return a;
		}
		json_t *o = json_object();
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) if (!ps_is_marker(k)) json_object_set_new(o, k, plain(e, depth - 1, cut));
		return o;
	}
	return json_incref(v);
}

static int convertto_json(struct call *c)
{
	json_t *in = input(c);
	int depth = (int)num(c, "Depth", 2), cut = 0;
	json_t *v = json_array_size(in) == 1 && !flag(c, "AsArray") ? json_incref(json_array_get(in, 0)) : json_incref(in);
	json_t *p = plain(v, depth, &cut);
	json_decref(v);
	if (cut) {
		char w[128];
		snprintf(w, sizeof(w), "Resulting JSON is truncated as serialization has exceeded the set depth of %d.", depth);
		ps_warning(c->s, w);
	}
	char *text = json_dumps(p, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER |
				       (flag(c, "Compress") ? JSON_COMPACT : JSON_INDENT(2)) |
				       JSON_REAL_PRECISION(15)); /* 3.19, not 3.1899999999999999: .NET's digits */
	json_array_append_new(c->out, json_string(text ? text : "null"));
	free(text);
	json_decref(p);
	return 0;
}

/* PowerShell 7 reads ISO 8601 date-time strings as DateTime values (Json.NET's date
 * parsing); everything else stays as JSON has it. Returns v, converted in place. */
static json_t *json_dates(json_t *v)
{
	size_t i;
	json_t *e;
	const char *k;
	void *tmp;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) json_array_set_new(v, i, json_dates(json_incref(e)));
	} else if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, k, e) json_object_set_new(v, k, json_dates(json_incref(e)));
	} else if (json_is_string(v) && json_string_length(v) >= 19 && json_string_value(v)[10] == 'T') {
		json_t *d = ps_date_parse(json_string_value(v));
		if (d) {
			json_decref(v);
			return d;
		}
	}
	return v;
}

static int convertfrom_json(struct call *c)
{
	json_t *in = input(c);
	/* the input lines together are one JSON text */
	size_t len = 0, i;
	json_t *e;
	char *text = calloc(1, 1);
	json_array_foreach(in, i, e) {
		char *s = ps_to_string(e);
		text = realloc(text, len + strlen(s) + 2);
		len += (size_t)sprintf(text + len, "%s\n", s);
		free(s);
	}
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
	free(text);
	if (!v)
		return berr(c, "Conversion from JSON failed with error: %s", err.text);
	v = json_dates(v);
	if (json_is_array(v) && !flag(c, "NoEnumerate"))
		json_array_extend(c->out, v);
	else
		json_array_append(c->out, v);
	json_decref(v);
	return 0;
}

static int write_output(struct call *c)
{
	json_t *v = c->input ? c->input : arg(c, "InputObject");
	if (json_is_array(v))
		json_array_extend(c->out, v);
	else if (v)
		json_array_append(c->out, v);
	return 0;
}

static int write_host(struct call *c)
{
	json_t *v = c->input ? c->input : arg(c, "Object");
	char *s = v ? ps_to_string(v) : strdup("");
	ps_out_flush(c->s->out);
	printf("%s%s", s, flag(c, "NoNewline") ? "" : "\n");
	fflush(stdout);
	free(s);
	return 0;
}

static int write_stream(struct call *c, const char *prefix, int fails)
{
	json_t *v = c->input ? c->input : arg(c, "Message");
	char *text = v ? ps_to_string(v) : strdup("");
	ps_out_flush(c->s->out);
	if (fails) /* Write-Error: a non-terminating error, in $Error too; try does not catch it */
		ps_raise(c->s, prefix, PS_E_WRITE_ERROR, NULL, 0, "%s", text);
	else
		ps_warning(c->s, text);
	free(text);
	return fails;
}

static int write_error(struct call *c) { return write_stream(c, "Write-Error", 1); }
static int write_warning(struct call *c) { return write_stream(c, "WARNING", 0); }

static int out_null(struct call *c)
{
	(void)c;
	return 0;
}

/* Out-File: the objects as they would display, written to a file. */
/* the default display of the input, written to f */
static void display_to(struct call *c, FILE *f)
{
	ps_out_flush(c->s->out); /* what came before shows first */
	struct ps_out *o = ps_out_new();
	size_t i;
	json_t *e, *in = input(c);
	json_array_foreach(in, i, e) ps_out_add(o, e);
	ps_out_write(o, f);
	ps_out_free(o);
}

static int out_file(struct call *c)
{
	const char *path = json_string_value(arg(c, "FilePath"));
	if (!path)
		return berr(c, "%sCannot bind argument to parameter 'FilePath' because it is null.", "");
	FILE *f = fopen(path, flag(c, "Append") ? "a" : "w");
	if (!f)
		return berr(c, "Could not open file '%s'.", path);
	display_to(c, f);
	return fclose(f) ? berr(c, "Could not write '%s'.", path) : 0;
}

/* -Delimiter, -UseQuotes, -IncludeTypeInformation (-NoTypeInformation is PowerShell
 * 7's default, accepted) */
static int csv_lines(struct call *c, json_t *items, int header, json_t *out)
{
	const char *d = json_string_value(arg(c, "Delimiter"));
	const char *q = json_string_value(arg(c, "UseQuotes"));
	char quotes = !q ? 'A' : !strcasecmp(q, "Never") ? 'N' : !strcasecmp(q, "AsNeeded") ? 'S' : !strcasecmp(q, "Always") ? 'A' : 0;
	if (!quotes)
		return berr(c, "Cannot bind parameter 'UseQuotes'. Cannot convert value \"%s\" to type \"Microsoft.PowerShell.Commands.BaseCsvWritingCommand+QuoteKind\".", q);
	ps_csv(items ? items : json_array(), d && *d ? d : ",", quotes, flag(c, "IncludeTypeInformation"), header, out);
	return 0;
}

static int convertto_csv(struct call *c)
{
	json_t *in = input(c);
	return in ? csv_lines(c, in, !flag(c, "NoHeader"), c->out) : 0;
}

static int export_csv(struct call *c)
{
	const char *path = json_string_value(arg(c, "Path"));
	if (!path)
		return berr(c, "%sCannot bind argument to parameter 'Path' because it is null.", "");
	int append = flag(c, "Append");
	FILE *exists = append ? fopen(path, "r") : NULL;
	int header = !exists || fgetc(exists) == EOF; /* appending to a file with lines: no header again */
	if (exists)
		fclose(exists);
	json_t *lines = json_array();
	if (csv_lines(c, input(c), header && !flag(c, "NoHeader"), lines)) {
		json_decref(lines);
		return 1;
	}
	FILE *f = fopen(path, append ? "a" : "w");
	if (!f) {
		json_decref(lines);
		return berr(c, "Could not find a part of the path '%s'.", path);
	}
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l) fprintf(f, "%s\n", json_string_value(l));
	json_decref(lines);
	return fclose(f) ? berr(c, "Could not write '%s'.", path) : 0;
}

/* Get-Date [-Date d] [-Format f | -UFormat u] [-AsUTC]; now is $ECRLITE_NOW when set,
 * the same fixed clock the core's scans use in tests */
static int get_date(struct call *c)
{
	json_t *d = arg(c, "Date"), *v;
	if (d && !ps_is_date(d) && !(json_is_string(d) && (d = ps_date_parse(json_string_value(d)))))
		return berr(c, "Cannot bind parameter 'Date'. Cannot convert value to type \"System.DateTime\".%s", "");
	if (d && ps_is_date(d) && d == arg(c, "Date"))
		json_incref(d);
	if (!d) {
		d = ps_date_new(fe_now(), 0);
	}
	if (flag(c, "AsUTC")) {
		v = ps_date_new(ps_date_time(d), 1);
		json_decref(d);
		d = v;
	}
	const char *fmt = json_string_value(arg(c, "Format")), *ufmt = json_string_value(arg(c, "UFormat"));
	if (fmt || ufmt) {
		char *t = fmt ? ps_date_format(d, fmt) : ps_date_uformat(d, ufmt);
		json_array_append_new(c->out, json_string(t));
		free(t);
		json_decref(d);
	} else {
		json_array_append_new(c->out, d);
	}
	return 0;
}

static int get_content(struct call *c)
{
	const char *path = json_string_value(arg(c, "Path"));
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return berr(c, "Cannot find path '%s' because it does not exist.", path ? path : "");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		json_array_append_new(c->out, json_stringn(line, (size_t)n));
	}
	free(line);
	fclose(f);
	return 0;
}

static int get_command(struct call *c)
{
	json_t *pat = arg(c, "Name");
	for (int i = 0; i < ps_cmdlet_count(); i++) {
		json_t *name = json_string(ps_cmdlet_at(i)->name);
		json_t *m = pat ? ps_binop(c->s, "like", name, pat) : json_true();
		if (json_is_true(m))
			json_array_append_new(c->out, json_pack("{s:s, s:O, s:s, s:s}", "CommandType", "Cmdlet", "Name", name,
								"Version", "4.1", "Source", "AWS.Tools.ECR"));
		json_decref(m);
		json_decref(name);
	}
	return 0;
}

static int start_sleep(struct call *c)
{
	long ms = num(c, "Milliseconds", 0) + num(c, "Seconds", 0) * 1000;
	ps_out_flush(c->s->out);
	fflush(stdout);
	usleep((useconds_t)(ms > 0 ? ms : 0) * 1000);
	return 0;
}

/* The cmdlets are built in: importing their module is accepted and does nothing. */
static int import_module(struct call *c)
{
	const char *name = json_string_value(arg(c, "Name"));
	if (name && (!strncasecmp(name, "AWS.Tools.", 10) || !strcasecmp(name, "AWSPowerShell.NetCore") ||
		     !strcasecmp(name, "AWSPowerShell")))
		return 0;
	return berr(c, "The specified module '%s' was not loaded because no valid module file was found in any module directory.",
		    name ? name : "");
}

static int out_string(struct call *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	display_to(c, m);
	fclose(m);
	json_array_append_new(c->out, json_stringn(text, len));
	free(text);
	return 0;
}

static const struct builtin builtins[] = {
	{"Start-Sleep", "sleep", start_sleep, {{"Seconds", 0, 0}, {"Milliseconds", 0, -1}}},
	{"Import-Module", "ipmo", import_module, {{"Name", 0, 0}}},
	{"Out-String", NULL, out_string, {{"InputObject", 0, -1}, {"Stream", 1, -1}, {"Width", 0, -1}}},
	{"Where-Object", "where,?", where_object,
	 /* and one parameter per comparison operator (where_op) */
	 {{"FilterScript", 0, 0}, {"Property", 0, 0}, {"Value", 0, 1}, {"InputObject", 0, -1}, {"Not", 1, -1}}},
	{"ForEach-Object", "foreach,%", foreach_object,
	 {{"Process", 0, 0}, {"MemberName", 0, -1}, {"InputObject", 0, -1}, {"Begin", 0, -1}, {"End", 0, -1}}},
	{"Select-Object", "select", select_object,
	 {{"Property", 0, 0}, {"ExpandProperty", 0, -1}, {"First", 0, -1}, {"Last", 0, -1}, {"Skip", 0, -1},
	  {"Unique", 1, -1}, {"InputObject", 0, -1}}},
	{"Sort-Object", "sort", sort_object, {{"Property", 0, 0}, {"Descending", 1, -1}, {"Unique", 1, -1}, {"InputObject", 0, -1}}},
	{"Group-Object", "group", group_object, {{"Property", 0, 0}, {"NoElement", 1, -1}, {"InputObject", 0, -1}}},
	{"Measure-Object", "measure", measure_object,
	 {{"Property", 0, 0}, {"Sum", 1, -1}, {"Average", 1, -1}, {"Maximum", 1, -1}, {"Minimum", 1, -1}, {"InputObject", 0, -1}}},
	{"Format-Table", "ft", format_table, {{"Property", 0, 0}, {"AutoSize", 1, -1}, {"Wrap", 1, -1}, {"InputObject", 0, -1}}},
	{"Format-List", "fl", format_list, {{"Property", 0, 0}, {"InputObject", 0, -1}}},
	{"ConvertTo-Json", NULL, convertto_json,
	 {{"InputObject", 0, 0}, {"Depth", 0, -1}, {"Compress", 1, -1}, {"AsArray", 1, -1}}},
	{"ConvertFrom-Json", NULL, convertfrom_json, {{"InputObject", 0, 0}, {"NoEnumerate", 1, -1}}},
	{"Write-Output", "echo,write", write_output, {{"InputObject", 0, 0}, {"NoEnumerate", 1, -1}}},
	{"Write-Host", NULL, write_host,
	 {{"Object", 0, 0}, {"NoNewline", 1, -1}, {"ForegroundColor", 0, -1}, {"BackgroundColor", 0, -1}, {"Separator", 0, -1}}},
	{"Write-Error", NULL, write_error, {{"Message", 0, 0}}},
	{"Write-Warning", NULL, write_warning, {{"Message", 0, 0}}},
	{"Out-Null", NULL, out_null, {{"InputObject", 0, -1}}},
	{"Out-File", NULL, out_file, {{"FilePath", 0, 0}, {"Append", 1, -1}, {"InputObject", 0, -1}, {"Encoding", 0, -1}}},
	{"Get-Content", "cat,gc,type", get_content, {{"Path", 0, 0}}},
	{"Get-Date", NULL, get_date, {{"Date", 0, 0}, {"Format", 0, -1}, {"UFormat", 0, -1}, {"AsUTC", 1, -1}}},
	{"ConvertTo-Csv", NULL, convertto_csv,
	 {{"InputObject", 0, 0}, {"Delimiter", 0, 1}, {"NoTypeInformation", 1, -1}, {"IncludeTypeInformation", 1, -1},
	  {"UseQuotes", 0, -1}, {"NoHeader", 1, -1}}},
	{"Export-Csv", "epcsv", export_csv,
	 {{"Path", 0, 0}, {"InputObject", 0, -1}, {"Delimiter", 0, 1}, {"NoTypeInformation", 1, -1},
	  {"IncludeTypeInformation", 1, -1}, {"UseQuotes", 0, -1}, {"NoHeader", 1, -1}, {"Append", 1, -1},
	  {"Encoding", 0, -1}, {"Force", 1, -1}}},
	{"Get-Command", "gcm", get_command, {{"Name", 0, 0}, {"Module", 0, -1}}},
};

#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static const struct builtin *find(const char *name)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (!strcasecmp(builtins[i].name, name) || ps_alias_is(builtins[i].aliases, name, strlen(name), 0))
			return &builtins[i];
	return NULL;
}

static int exists(const char *name)
{
	return find(name) != NULL;
}

/* b's i-th parameter into *out (Where-Object's comparison ones after its own); 0 past
 * the last */
static int nth_param(const struct builtin *b, int i, struct bparam *out)
{
	int own = 0;
	while (b->params[own].name)
		own++;
	if (i < own) {
		*out = b->params[i];
		return 1;
	}
	const struct ps_op *o;
	int cs;
	const char *name = b->fn == where_object ? where_op(i - own, &o, &cs) : NULL;
	if (!name)
		return 0;
	*out = (struct bparam){name, 0, -1};
	return 1;
}

static const char *builtin_param_at(const void *set, int i, const char **aliases)
{
	struct bparam p;
	*aliases = NULL;
	return nth_param(set, i, &p) ? p.name : NULL;
}

/* A parameter by name or unambiguous prefix (ps_param_match) into *out (1); 0 with a
 * message (to s, unless quiet) otherwise. */
static int param(struct ps_sess *s, const struct builtin *b, const char *name, int quiet, struct bparam *out)
{
	int i = ps_param_match(b, builtin_param_at, name, strlen(name));
	if (i >= 0)
		return nth_param(b, i, out);
	if (!quiet)
		ps_raise(s, b->name, PS_E_BINDING, NULL, 1,
			 i == PS_PARAM_AMBIGUOUS ? "Parameter cannot be processed because the parameter name '%s' is ambiguous."
						 : "A parameter cannot be found that matches parameter name '%s'.",
			 name);
	*out = (struct bparam){NULL, 0, 0};
	return 0;
}

static int is_switch(const char *name, const char *pname)
{
	const struct builtin *b = find(name);
	struct bparam p;
	return b && param(NULL, b, pname, 1, &p) && p.is_switch;
}

static int run(const char *name, const struct ps_barg *a, int n, json_t *input, json_t *out, struct ps_sess *s)
{
	const struct builtin *b = find(name);
	struct call c = {b, json_object(), input, out, s};
	int pos = 0, rc = 1;
	for (int i = 0; i < n; i++) {
		const struct bparam *p = NULL;
		struct bparam named;
		if (a[i].name) {
			if (!param(s, b, a[i].name, 0, &named))
				goto out;
			p = &named;
			if (!p->is_switch && !a[i].value) {
				ps_raise(s, b->name, PS_E_BINDING, NULL, 1,
					 "Missing an argument for parameter '%s'. Specify a parameter of type 'System.Object' and try again.", p->name);
				goto out;
			}
		} else {
			/* positional: the slot's parameter (Where-Object's first is a block or a property) */
			for (const struct bparam *q = b->params; q->name && !p; q++)
				if (q->position == pos && !json_object_get(c.bound, q->name) &&
				    !(b->fn == where_object && pos == 0 && !strcmp(q->name, "FilterScript") && !ps_is_block(a[i].value)))
					p = q;
			pos++;
			/* Write-Host and Write-Output take all their positional arguments */
			if (!p && (b->fn == write_host || b->fn == write_output)) {
				json_t *prev = json_object_get(c.bound, b->params[0].name);
				json_t *all = json_is_array(prev) ? json_incref(prev) : json_pack("[O]", prev);
				json_array_append(all, a[i].value);
				json_object_set_new(c.bound, b->params[0].name, all);
				continue;
			}
			if (!p) {
				char *t = ps_to_string(a[i].value);
				ps_raise(s, b->name, PS_E_BINDING, NULL, 1, "A positional parameter cannot be found that accepts argument '%s'.", t);
				free(t);
				goto out;
			}
		}
		json_object_set(c.bound, p->name, a[i].value ? a[i].value : json_true());
	}
	/* the simplified Where-Object: Where-Object Severity -EQ HIGH (the value binds to the operator) */
	if (b->fn == where_object && json_object_get(c.bound, "Value")) {
		const struct ps_op *o;
		const char *pn;
		int cs;
		for (int k = 0; (pn = where_op(k, &o, &cs)); k++)
			if (json_is_true(json_object_get(c.bound, pn)))
				json_object_set(c.bound, pn, json_object_get(c.bound, "Value"));
	}
	if (!c.input) {
		c.input = NULL;
		if (!input && !json_object_get(c.bound, "InputObject") && b->fn != write_host && b->fn != write_output &&
		    b->fn != get_content && b->fn != get_command && b->fn != write_error && b->fn != write_warning &&
		    b->fn != start_sleep && b->fn != import_module) {
			json_t *empty = json_array();
			json_object_set_new(c.bound, "\001empty", empty);
			c.input = empty;
		}
	}
	rc = b->fn(&c);
out:
	json_decref(c.bound);
	return rc;
}

const struct ps_commands ps_builtin_commands = {exists, is_switch, run};

const char *ps_builtin_name(int i)
{
	return i >= 0 && (size_t)i < NBUILTINS ? builtins[i].name : NULL;
}
