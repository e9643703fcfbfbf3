/* Response → what the real CLI prints: members in model order (unknown ones dropped),
 * timestamps as local ISO 8601, then json (here) or the other formats (aws_out_*.c). */
#include <math.h>
#include <string.h>

#include "aws.h"
#include "timefmt.h"

json_t *aws_out_shape(json_t *v, int shape)
{
	const struct ecr_shape *sh = &ecr_shapes[shape];
	switch (sh->type) {
	case ECR_T_STRUCT: {
		if (!json_is_object(v))
			return json_incref(v);
		json_t *o = json_object();
		for (int i = 0; i < sh->nmembers; i++) {
			json_t *m = json_object_get(v, sh->members[i].name);
			if (m)
				json_object_set_new(o, sh->members[i].name, aws_out_shape(m, sh->members[i].shape));
		}
		return o;
	}
	case ECR_T_LIST: {
		if (!json_is_array(v))
			return json_incref(v);
		json_t *a = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			json_array_append_new(a, aws_out_shape(e, sh->member));
		return a;
	}
	case ECR_T_MAP: {
		if (!json_is_object(v))
			return json_incref(v);
		json_t *o = json_object(); /* wire order kept */
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e)
			json_object_set_new(o, k, aws_out_shape(e, sh->value));
		return o;
	}
	case ECR_T_TIMESTAMP:
		if (json_is_number(v)) {
			char s[64];
			ecr_time_iso_local(json_number_value(v), s, sizeof(s));
			return json_string(s);
		}
		if (json_is_string(v)) {
			double t;
			char s[64];
			if (!ecr_time_parse(json_string_value(v), &t)) {
				ecr_time_iso_local(t, s, sizeof(s));
				return json_string(s);
			}
		}
		return json_incref(v);
	default:
		return json_incref(v);
	}
}

static void put_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

void aws_pyfloat(double d, char *buf, size_t n)
{
	if (isinf(d)) {
		snprintf(buf, n, "%s", d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, n, "%.*g", p, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* Python writes 3.0 as "3.0" (and 1e+16 as "1e+16") */
	if (!strpbrk(buf, ".en") && strlen(buf) + 3 <= n)
		strcat(buf, ".0");
}

static void put_real(FILE *f, double d)
{
	char buf[40];
	aws_pyfloat(d, buf, sizeof(buf));
	fputs(buf, f);
}

static void dump(FILE *f, json_t *v, int level)
{
	size_t i;
	json_t *e;
	const char *k;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (!json_object_size(v)) {
			fputs("{}", f);
			return;
		}
		int first = 1;
		fputs("{\n", f);
		json_object_foreach(v, k, e) {
			if (!first)
				fputs(",\n", f);
			first = 0;
			fprintf(f, "%*s", (level + 1) * 4, "");
			put_string(f, k, strlen(k));
			fputs(": ", f);
			dump(f, e, level + 1);
		}
		fprintf(f, "\n%*s}", level * 4, "");
		return;
	}
	case JSON_ARRAY:
		if (!json_array_size(v)) {
			fputs("[]", f);
			return;
		}
		fputs("[\n", f);
		json_array_foreach(v, i, e) {
			if (i)
				fputs(",\n", f);
			fprintf(f, "%*s", (level + 1) * 4, "");
			dump(f, e, level + 1);
		}
		fprintf(f, "\n%*s]", level * 4, "");
		return;
	case JSON_STRING:
		put_string(f, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		fprintf(f, "%lld", (long long)json_integer_value(v));
		return;
	case JSON_REAL:
		put_real(f, json_real_value(v));
		return;
	case JSON_TRUE:
		fputs("true", f);
		return;
	case JSON_FALSE:
		fputs("false", f);
		return;
	case JSON_NULL:
		fputs("null", f);
		return;
	}
}

void aws_out_json(FILE *f, json_t *v)
{
	dump(f, v, 0);
	fputc('\n', f);
}

int aws_render(FILE *f, const struct aws_cmd *cmd, json_t *v)
{
	const char *fmt = cmd->output ? cmd->output : "json";
	/* An empty response prints nothing in any format (a --query result still prints). */
	if (json_is_object(v) && !json_object_size(v) && !cmd->query)
		return 0;
	if (!strcmp(fmt, "json")) {
		aws_out_json(f, v);
		return 0;
	}
	return aws_out_other(f, fmt, cmd, v);
}
