/* --cli-input-yaml: the YAML the CLI's skeletons and users write, read into JSON:
 * block mappings and sequences by indentation, flow {…} and […], plain, single- and
 * double-quoted scalars, comments. Plain scalars resolve as YAML 1.2's core schema
 * does (null, booleans, integers, floats). Anchors, tags and multi-line scalars are
 * refused with a clear message rather than misread. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"

struct yp {
	const char *s;        /* the document */
	size_t i;             /* position */
	char err[256];        /* first error */
};

static int yerr(struct yp *p, const char *msg)
{
	if (!p->err[0]) {
		size_t line = 1;
		for (size_t k = 0; k < p->i && p->s[k]; k++)
			line += p->s[k] == '\n';
		snprintf(p->err, sizeof(p->err), "%s (line %zu)", msg, line);
	}
	return -1;
}

static void skip_inline_ws(struct yp *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t')
		p->i++;
}

/* Skips blank lines and comment-only lines; returns the indentation of the next
 * content line (position at its first character), or -1 at the end. */
static int next_line(struct yp *p)
{
	for (;;) {
		size_t start = p->i;
		int ind = 0;
		while (p->s[p->i] == ' ')
			p->i++, ind++;
		if (p->s[p->i] == '#')
			while (p->s[p->i] && p->s[p->i] != '\n')
				p->i++;
		if (p->s[p->i] == '\n' || p->s[p->i] == '\r') {
			p->i++;
			continue;
		}
		if (!p->s[p->i])
			return -1;
		if (!strncmp(p->s + p->i, "---", 3) && (!p->s[p->i + 3] || isspace((unsigned char)p->s[p->i + 3])) && ind == 0) {
			p->i += 3;
			continue;
		}
		(void)start;
		return ind;
	}
}

static json_t *resolve(const char *t)
{
	char *end;
	if (!*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") || !strcmp(t, "NULL"))
		return json_null();
	if (!strcmp(t, "true") || !strcmp(t, "True") || !strcmp(t, "TRUE"))
		return json_true();
	if (!strcmp(t, "false") || !strcmp(t, "False") || !strcmp(t, "FALSE"))
		return json_false();
	long long n = strtoll(t, &end, 10);
	if (!*end && end != t && strspn(t, "+-0123456789") == strlen(t))
		return json_integer(n);
	if (!strncmp(t, "0x", 2) && t[2]) {
		n = strtoll(t + 2, &end, 16);
		if (!*end)
			return json_integer(n);
	}
	if (!strncmp(t, "0o", 2) && t[2]) {
		n = strtoll(t + 2, &end, 8);
		if (!*end)
			return json_integer(n);
	}
	if (strpbrk(t, "0123456789") && strspn(t, "+-0123456789.eE") == strlen(t)) {
		double d = strtod(t, &end);
		if (!*end)
			return json_real(d);
	}
	return json_string(t);
}

static json_t *quoted(struct yp *p)
{
	char q = p->s[p->i++];
	struct buf b;
	ecr_buf_init(&b, 1 << 24);
	for (;;) {
		char c = p->s[p->i];
		if (!c || c == '\n') {
			ecr_buf_release(&b);
			yerr(p, "unterminated quoted scalar (multi-line scalars are not supported)");
			return NULL;
		}
		if (q == '\'' && c == '\'') {
			if (p->s[p->i + 1] == '\'') {
				ecr_buf_add(&b, "'", 1);
				p->i += 2;
				continue;
			}
			p->i++;
			break;
		}
		if (q == '"' && c == '"') {
			p->i++;
			break;
		}
		if (q == '"' && c == '\\') {
			char e = p->s[p->i + 1], out = 0;
			switch (e) {
			case 'n': out = '\n'; break;
			case 't': out = '\t'; break;
			case 'r': out = '\r'; break;
			case '"': out = '"'; break;
			case '\\': out = '\\'; break;
			case '/': out = '/'; break;
			case '0': out = '\0'; break;
			default:
				ecr_buf_release(&b);
				yerr(p, "unsupported escape in a double-quoted scalar");
				return NULL;
			}
			ecr_buf_add(&b, &out, 1);
			p->i += 2;
			continue;
		}
		ecr_buf_add(&b, &c, 1);
		p->i++;
	}
	json_t *v = json_stringn(b.data ? b.data : "", b.len);
	ecr_buf_release(&b);
	return v;
}

/* A plain scalar up to one of the stop characters (and never past ": " or " #"). */
static json_t *plain(struct yp *p, const char *stop)
{
	size_t start = p->i;
	while (p->s[p->i] && p->s[p->i] != '\n' && !strchr(stop, p->s[p->i])) {
		if (p->s[p->i] == ':' && (p->s[p->i + 1] == ' ' || p->s[p->i + 1] == '\n' || !p->s[p->i + 1]))
			break;
		if (p->s[p->i] == '#' && p->i > start && (p->s[p->i - 1] == ' ' || p->s[p->i - 1] == '\t'))
			break;
		p->i++;
	}
	size_t end = p->i;
	while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t' || p->s[end - 1] == '\r'))
		end--;
	char *t = strndup(p->s + start, end - start);
	if (t[0] == '&' || t[0] == '*' || t[0] == '!' || t[0] == '|' || t[0] == '>') {
		free(t);
		yerr(p, "anchors, aliases, tags and block scalars are not supported");
		return NULL;
	}
	json_t *v = resolve(t);
	free(t);
	return v;
}

static json_t *flow(struct yp *p, int depth);

static json_t *flow_scalar(struct yp *p)
{
	if (p->s[p->i] == '\'' || p->s[p->i] == '"')
		return quoted(p);
	if (p->s[p->i] == '{' || p->s[p->i] == '[')
		return flow(p, 1);
	return plain(p, ",]}");
}

static void flow_ws(struct yp *p)
{
	while (isspace((unsigned char)p->s[p->i]))
		p->i++;
}

static json_t *flow(struct yp *p, int depth)
{
	char open = p->s[p->i++], close = open == '{' ? '}' : ']';
	json_t *v = open == '{' ? json_object() : json_array();
	if (depth > 64) {
		json_decref(v);
		yerr(p, "nested too deeply");
		return NULL;
	}
	flow_ws(p);
	while (p->s[p->i] != close) {
		if (!p->s[p->i]) {
			json_decref(v);
			yerr(p, "unterminated flow collection");
			return NULL;
		}
		if (open == '{') {
			json_t *k = flow_scalar(p);
			flow_ws(p);
			if (!json_is_string(k) || p->s[p->i] != ':') {
				json_decref(k);
				json_decref(v);
				yerr(p, "expected 'key: value' in a flow mapping");
				return NULL;
			}
			p->i++;
			flow_ws(p);
			json_t *val = flow_scalar(p);
			if (!val) {
				json_decref(k);
				json_decref(v);
				return NULL;
			}
			json_object_set_new(v, json_string_value(k), val);
			json_decref(k);
		} else {
			json_t *e = flow_scalar(p);
			if (!e) {
				json_decref(v);
				return NULL;
			}
			json_array_append_new(v, e);
		}
		flow_ws(p);
		if (p->s[p->i] == ',') {
			p->i++;
			flow_ws(p);
		} else if (p->s[p->i] != close) {
			json_decref(v);
			yerr(p, "expected ',' in a flow collection");
			return NULL;
		}
	}
	p->i++;
	return v;
}

static json_t *block(struct yp *p, int indent, int depth, int inline_first);

/* The value after "key:" or "- ": inline, or a nested block on the following lines. */
static json_t *after(struct yp *p, int indent, int depth)
{
	skip_inline_ws(p);
	char c = p->s[p->i];
	if (c == '#' || c == '\n' || c == '\r' || !c) {
		size_t save = p->i;
		int ind = next_line(p);
		if (ind > indent || (ind == indent && p->s[p->i] == '-' && p->s[p->i + 1] == ' ')) {
			p->i -= (size_t)ind; /* block() reads the indentation itself */
			return block(p, ind, depth + 1, 0);
		}
		p->i = save;
		while (p->s[p->i] && p->s[p->i] != '\n')
			p->i++;
		return json_null();
	}
	json_t *v;
	/* !!binary, as the CLI's yaml-input skeleton writes a blob: its base64 text is
	 * what the request carries */
	int binary = !strncmp(p->s + p->i, "!!binary", 8) && (p->s[p->i + 8] == ' ' || p->s[p->i + 8] == '\t');
	if (binary) {
		p->i += 8;
		skip_inline_ws(p);
		c = p->s[p->i];
	}
	if (c == '\'' || c == '"')
		v = quoted(p);
	else if (c == '{' || c == '[')
		v = flow(p, 0);
	else
		v = plain(p, "");
	if (!v)
		return NULL;
	if (binary && !json_is_string(v)) {
		json_decref(v);
		yerr(p, "a !!binary value must be base64 text");
		return NULL;
	}
	skip_inline_ws(p);
	if (p->s[p->i] == '#')
		while (p->s[p->i] && p->s[p->i] != '\n')
			p->i++;
	if (p->s[p->i] && p->s[p->i] != '\n' && p->s[p->i] != '\r') {
		json_decref(v);
		yerr(p, "unexpected text after a value");
		return NULL;
	}
	return v;
}

/* A block collection at indent; inline_first: the first entry starts here, mid-line
 * (the mapping of "- key: value"). */
static json_t *block(struct yp *p, int indent, int depth, int inline_first)
{
	json_t *v = NULL;
	if (depth > 64) {
		yerr(p, "nested too deeply");
		return NULL;
	}
	for (;;) {
		size_t line_start = p->i;
		int ind = inline_first ? indent : next_line(p);
		inline_first = 0;
		if (ind < 0 || ind < indent) {
			p->i = line_start;
			break;
		}
		if (ind > indent) {
			json_decref(v);
			yerr(p, "bad indentation");
			return NULL;
		}
		if (p->s[p->i] == '-' && (p->s[p->i + 1] == ' ' || p->s[p->i + 1] == '\n')) {
			if (!v)
				v = json_array();
			if (!json_is_array(v)) {
				json_decref(v);
				yerr(p, "a sequence entry inside a mapping");
				return NULL;
			}
			p->i++;
			skip_inline_ws(p);
			json_t *e;
			/* "- key: value" starts a mapping at the item's column */
			size_t k = p->i;
			while (p->s[k] && p->s[k] != '\n' && !(p->s[k] == ':' && (p->s[k + 1] == ' ' || p->s[k + 1] == '\n')))
				k++;
			if (p->s[k] == ':' && p->s[p->i] != '{' && p->s[p->i] != '[' && p->s[p->i] != '\'' && p->s[p->i] != '"') {
				size_t ls = p->i;
				while (ls > 0 && p->s[ls - 1] != '\n')
					ls--;
				/* a block mapping whose column is where this entry's key starts */
				e = block(p, (int)(p->i - ls), depth + 1, 1);
			} else {
				e = after(p, indent, depth);
			}
			if (!e) {
				json_decref(v);
				return NULL;
			}
			json_array_append_new(v, e);
			continue;
		}
		if (json_is_array(v)) {
			/* a sequence at its key's indentation ends at the next key */
			p->i = line_start;
			break;
		}
		if (!v)
			v = json_object();
		json_t *key = p->s[p->i] == '\'' || p->s[p->i] == '"' ? quoted(p) : plain(p, "");
		skip_inline_ws(p);
		if (!json_is_string(key) || p->s[p->i] != ':') {
			json_decref(key);
			json_decref(v);
			yerr(p, "expected 'key: value'");
			return NULL;
		}
		p->i++;
		json_t *val = after(p, indent, depth);
		if (!val) {
			json_decref(key);
			json_decref(v);
			return NULL;
		}
		json_object_set_new(v, json_string_value(key), val);
		json_decref(key);
	}
	return v ? v : json_null();
}

/* Whether the line at s is a lone scalar: not "- item", not "key: value" (a quoted
 * key included), not a directive or tag we refuse anyway. */
static int scalar_doc(const char *s)
{
	size_t n = strcspn(s, "\n"), i = 0;
	if (s[0] == '-' && (n == 1 || s[1] == ' ' || s[1] == '\t'))
		return 0;
	if (s[0] == '\'' || s[0] == '"') {
		const char *q = memchr(s + 1, s[0], n - 1);
		if (!q)
			return 0; /* block() says what is wrong */
		i = (size_t)(q - s) + 1;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		return i == n || s[i] == '#';
	}
	for (; i < n; i++) {
		if (s[i] == ':' && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\r'))
			return 0;
		if (s[i] == '#' && i && (s[i - 1] == ' ' || s[i - 1] == '\t'))
			break;
	}
	return !strchr("&*!|>%@`", s[0]);
}

json_t *aws_yaml_load(const char *doc, char *err, size_t n)
{
	struct yp p = {doc, 0, ""};
	json_t *v;
	size_t save = p.i;
	int ind = next_line(&p);
	if (ind < 0)
		v = json_null();
	else if (p.s[p.i] == '{' || p.s[p.i] == '[') {
		v = flow(&p, 0);
		if (v && next_line(&p) >= 0) {
			json_decref(v);
			v = NULL;
			yerr(&p, "unexpected text after the document");
		}
	} else if (scalar_doc(p.s + p.i)) {
		/* a document that is one scalar ('abc', 5, ~): the CLI then says its type */
		v = after(&p, ind, 0);
		if (v && next_line(&p) >= 0) {
			json_decref(v);
			v = NULL;
			yerr(&p, "unexpected text after the document");
		}
	} else {
		p.i = save;
		v = block(&p, ind, 0, 0);
		if (v && next_line(&p) >= 0) {
			json_decref(v);
			v = NULL;
			yerr(&p, "bad indentation");
		}
	}
	if (!v)
		snprintf(err, n, "%s", p.err[0] ? p.err : "invalid YAML");
	return v;
}
