/* PowerShell argument values: 'single' and "double" quoted strings, barewords,
 * numbers, $true/$false/$null, comma lists, @(…) arrays and @{k=v; …} hashtables. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_int.h"

struct vp {
	const char *s;    /* text */
	size_t i;         /* position */
	char err[256];    /* first error */
};

static void ws(struct vp *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r')
		p->i++;
}

static json_t *element(struct vp *p, int depth);

static json_t *quoted(struct vp *p)
{
	char q = p->s[p->i++];
	size_t cap = strlen(p->s) + 1, o = 0;
	char *buf = malloc(cap);
	for (;;) {
		char c = p->s[p->i];
		if (!c) {
			free(buf);
			snprintf(p->err, sizeof(p->err), "The string is missing the terminator: %c.", q);
			return NULL;
		}
		if (c == q) {
			if (p->s[p->i + 1] == q) { /* '' or "" is one quote */
				buf[o++] = q;
				p->i += 2;
				continue;
			}
			p->i++;
			break;
		}
		if (q == '"' && c == '`' && p->s[p->i + 1]) {
			char e = p->s[p->i + 1];
			buf[o++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
			p->i += 2;
			continue;
		}
		if (q == '"' && c == '$' && (isalpha((unsigned char)p->s[p->i + 1]) || p->s[p->i + 1] == '(' || p->s[p->i + 1] == '{')) {
			free(buf);
			snprintf(p->err, sizeof(p->err), "not supported yet: variable expansion in double-quoted strings");
			return NULL;
		}
		buf[o++] = c;
		p->i++;
	}
	json_t *v = json_stringn(buf, o);
	free(buf);
	return v;
}

static json_t *bareword(struct vp *p, const char *stop)
{
	size_t start = p->i;
	while (p->s[p->i] && !strchr(stop, p->s[p->i]) && !isspace((unsigned char)p->s[p->i]))
		p->i++;
	char *t = strndup(p->s + start, p->i - start);
	json_t *v;
	char *end;
	if (!strcasecmp(t, "$true"))
		v = json_true();
	else if (!strcasecmp(t, "$false"))
		v = json_false();
	else if (!strcasecmp(t, "$null"))
		v = json_null();
	else if (t[0] == '$') {
		snprintf(p->err, sizeof(p->err), "not supported yet: the variable '%s'", t);
		v = NULL;
	} else {
		long long n = strtoll(t, &end, 10);
		v = *t && !*end && strspn(t, "-0123456789") == strlen(t) && strcmp(t, "-") ? json_integer(n) : json_string(t);
	}
	free(t);
	return v;
}

static json_t *hashtable(struct vp *p, int depth)
{
	json_t *o = json_object();
	p->i += 2; /* @{ */
	for (;;) {
		while (isspace((unsigned char)p->s[p->i]) || p->s[p->i] == ';')
			p->i++;
		if (p->s[p->i] == '}') {
			p->i++;
			return o;
		}
		if (!p->s[p->i]) {
			json_decref(o);
			snprintf(p->err, sizeof(p->err), "Missing closing '}' in statement block or type definition.");
			return NULL;
		}
		json_t *k = p->s[p->i] == '\'' || p->s[p->i] == '"' ? quoted(p) : bareword(p, "=;}");
		ws(p);
		if (!json_is_string(k) || p->s[p->i] != '=') {
			json_decref(k);
			json_decref(o);
			snprintf(p->err, sizeof(p->err), "Missing '=' operator after key in hash literal.");
			return NULL;
		}
		p->i++;
		ws(p);
		json_t *v = element(p, depth + 1);
		if (!v) {
			json_decref(k);
			json_decref(o);
			return NULL;
		}
		/* a comma list as the value */
		ws(p);
		if (p->s[p->i] == ',') {
			json_t *a = json_array();
			json_array_append_new(a, v);
			while (p->s[p->i] == ',') {
				p->i++;
				ws(p);
				json_t *e = element(p, depth + 1);
				if (!e) {
					json_decref(a);
					json_decref(k);
					json_decref(o);
					return NULL;
				}
				json_array_append_new(a, e);
				ws(p);
			}
			v = a;
		}
		json_object_set_new(o, json_string_value(k), v);
		json_decref(k);
	}
}

static json_t *list(struct vp *p, int depth, const char *close);

static json_t *element(struct vp *p, int depth)
{
	if (depth > 32) {
		snprintf(p->err, sizeof(p->err), "nested too deeply");
		return NULL;
	}
	char c = p->s[p->i];
	if (c == '\'' || c == '"')
		return quoted(p);
	if (c == '@' && p->s[p->i + 1] == '{')
		return hashtable(p, depth);
	if (c == '@' && p->s[p->i + 1] == '(') {
		p->i += 2;
		json_t *a = list(p, depth + 1, ")");
		if (a && !json_is_array(a)) {
			json_t *w = json_array();
			json_array_append_new(w, a);
			a = w;
		}
		return a;
	}
	if (c == '(') {
		snprintf(p->err, sizeof(p->err), "not supported yet: the expression '(…)' as an argument");
		return NULL;
	}
	return bareword(p, ",;})");
}

/* elements separated by commas, up to close (or the end when close is "") */
static json_t *list(struct vp *p, int depth, const char *close)
{
	json_t *a = json_array();
	ws(p);
	while (p->s[p->i] && !(*close && p->s[p->i] == *close)) {
		json_t *e = element(p, depth);
		if (!e) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, e);
		ws(p);
		if (p->s[p->i] == ',') {
			p->i++;
			ws(p);
			continue;
		}
		if (p->s[p->i] && !(*close && p->s[p->i] == *close)) {
			json_decref(a);
			snprintf(p->err, sizeof(p->err), "Unexpected token '%c' in expression or statement.", p->s[p->i]);
			return NULL;
		}
	}
	if (*close) {
		if (p->s[p->i] != *close) {
			json_decref(a);
			snprintf(p->err, sizeof(p->err), "Missing closing '%s' in expression.", close);
			return NULL;
		}
		p->i++;
	}
	if (json_array_size(a) == 1 && !*close) {
		json_t *one = json_incref(json_array_get(a, 0));
		json_decref(a);
		return one;
	}
	return a;
}

json_t *ps_value_parse(const char *text, char *err, size_t n)
{
	struct vp p = {text, 0, ""};
	json_t *v = list(&p, 0, "");
	if (!v)
		snprintf(err, n, "%s", p.err[0] ? p.err : "invalid argument");
	return v;
}
