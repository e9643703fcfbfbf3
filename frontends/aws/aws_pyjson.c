/* Python's json module, as the AWS CLI shows it: its writer (json.dumps with indent 4,
 * Python's float repr) for --output json, and where and why it would reject a
 * document, in its words, for bad JSON arguments ("Expecting ',' delimiter: line 1
 * column 24 (char 23)"; positions count characters, code points, as Python's do). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "../lib/fe_json.h"

struct pj {
	const char *s;     /* the document */
	size_t i;          /* byte offset */
	const char *why;   /* first error */
	size_t at;         /* its byte offset */
};

static int fail(struct pj *p, const char *why, size_t at)
{
	if (!p->why) {
		p->why = why;
		p->at = at;
	}
	return -1;
}

static void ws(struct pj *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r')
		p->i++;
}

static int value(struct pj *p, int depth);

static int string(struct pj *p)
{
	size_t start = p->i++;
	for (;;) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (!c)
			return fail(p, "Unterminated string starting at", start);
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(p, "Invalid control character at", p->i);
		if (c == '\\') {
			char e = p->s[p->i + 1];
			if (!e)
				return fail(p, "Unterminated string starting at", start);
			if (e == 'u') {
				for (int k = 2; k < 6; k++)
					if (!strchr("0123456789abcdefABCDEF", p->s[p->i + k]) || !p->s[p->i + k])
						return fail(p, "Invalid \\uXXXX escape", p->i + 1);
				p->i += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e))
				return fail(p, "Invalid \\escape", p->i);
			p->i += 2;
			continue;
		}
		p->i++;
	}
}

static int number(struct pj *p)
{
	size_t start = p->i;
	if (p->s[p->i] == '-')
		p->i++;
	if (p->s[p->i] == '0')
		p->i++;
	else if (p->s[p->i] >= '1' && p->s[p->i] <= '9')
		while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	else
		return fail(p, "Expecting value", start);
	if (p->s[p->i] == '.' && p->s[p->i + 1] >= '0' && p->s[p->i + 1] <= '9') {
		p->i++;
		while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if ((p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		size_t k = p->i + 1;
		if (p->s[k] == '+' || p->s[k] == '-')
			k++;
		if (p->s[k] >= '0' && p->s[k] <= '9') {
			p->i = k;
			while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
				p->i++;
		}
	}
	return 0;
}

static int value(struct pj *p, int depth)
{
	static const char *const words[] = {"true", "false", "null", "NaN", "Infinity", "-Infinity"};
	char c = p->s[p->i];
	if (depth > 512)
		return fail(p, "Expecting value", p->i);
	if (c == '"')
		return string(p);
	if (c == '{') {
		p->i++;
		ws(p);
		if (p->s[p->i] == '}') {
			p->i++;
			return 0;
		}
		for (;;) {
			if (p->s[p->i] != '"')
				return fail(p, "Expecting property name enclosed in double quotes", p->i);
			if (string(p))
				return -1;
			ws(p);
			if (p->s[p->i] != ':')
				return fail(p, "Expecting ':' delimiter", p->i);
			p->i++;
			ws(p);
			if (value(p, depth + 1))
				return -1;
			ws(p);
			if (p->s[p->i] == '}') {
				p->i++;
				return 0;
			}
			if (p->s[p->i] != ',')
				return fail(p, "Expecting ',' delimiter", p->i);
			p->i++;
			ws(p);
		}
	}
	if (c == '[') {
		p->i++;
		ws(p);
		if (p->s[p->i] == ']') {
			p->i++;
			return 0;
		}
		for (;;) {
			if (value(p, depth + 1))
				return -1;
			ws(p);
			if (p->s[p->i] == ']') {
				p->i++;
				return 0;
			}
			if (p->s[p->i] != ',')
				return fail(p, "Expecting ',' delimiter", p->i);
			p->i++;
			ws(p);
		}
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (!strncmp(p->s + p->i, words[k], strlen(words[k]))) {
			p->i += strlen(words[k]);
			return 0;
		}
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(p);
	return fail(p, "Expecting value", p->i);
}

/* Python's message for a document json.loads refuses; 0 when it would accept it. */
int aws_pyjson_error(const char *doc, char *out, size_t n)
{
	struct pj p = {doc, 0, NULL, 0};
	ws(&p);
	if (!value(&p, 0)) {
		ws(&p);
		if (doc[p.i])
			fail(&p, "Extra data", p.i);
	}
	if (!p.why)
		return 0;
	/* character positions, line and column as Python counts them */
	size_t chars = 0, line = 1, col_start = 0;
	for (size_t k = 0; k < p.at; k++) {
		if (((unsigned char)doc[k] & 0xc0) == 0x80)
			continue;
		if (doc[k] == '\n') {
			line++;
			col_start = chars + 1;
		}
		chars++;
	}
	snprintf(out, n, "%s: line %zu column %zu (char %zu)", p.why, line, chars - col_start + 1, chars);
	return -1;
}

/* --- the writer ------------------------------------------------------------------ */

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
	fe_pyfloat(d, buf, n);
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
