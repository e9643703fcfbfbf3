/* The AWS CLI's shorthand syntax (key=value,key=[a,b],key={k=v}), parsed by the same
 * grammar and with the same error messages and caret positions as the real parser. */
#include <stdlib.h>
#include <string.h>

#include "aws.h"

struct sh {
	const char *s;   /* the input */
	size_t n;        /* its length */
	size_t i;        /* current index */
	char *err;       /* first error message (malloc'd) */
};

#define AT_EOF(p) ((p)->i >= (p)->n)
#define CUR(p) (AT_EOF(p) ? '\0' : (p)->s[(p)->i])

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void skip_ws(struct sh *p)
{
	while (!AT_EOF(p) && is_ws(CUR(p)))
		p->i++;
}

/* "input\n   ^" with the caret under index, as ShorthandParseError lays it out. */
static void fail(struct sh *p, const char *expected, const char *actual)
{
	if (p->err)
		return;
	struct buf b;
	size_t nl_before = (size_t)-1, spaces = p->i, line_end = p->n;
	for (size_t k = 0; k < p->i && k < p->n; k++)
		if (p->s[k] == '\n')
			nl_before = k;
	if (nl_before != (size_t)-1)
		spaces = p->i - nl_before - 1;
	for (size_t k = p->i; k < p->n; k++)
		if (p->s[k] == '\n') {
			line_end = k;
			break;
		}
	ecr_buf_init(&b, 1 << 20);
	ecr_buf_printf(&b, "Expected: '%s', received: '%s' for input:\n", expected, actual);
	ecr_buf_add(&b, p->s, line_end);
	ecr_buf_addstr(&b, "\n");
	for (size_t k = 0; k < spaces; k++)
		ecr_buf_addstr(&b, " ");
	ecr_buf_addstr(&b, "^");
	ecr_buf_add(&b, p->s + line_end, p->n - line_end);
	p->err = ecr_buf_detach(&b);
}

static int expect(struct sh *p, char c, int ws)
{
	char e[2] = {c, 0}, a[2] = {0, 0};
	if (ws)
		skip_ws(p);
	if (AT_EOF(p)) {
		fail(p, e, "EOF");
		return -1;
	}
	if (CUR(p) != c) {
		a[0] = CUR(p);
		fail(p, e, a);
		return -1;
	}
	p->i++;
	if (ws)
		skip_ws(p);
	return 0;
}

/* Character classes of the real parser's regexes (non-ASCII always allowed). */
static int start_word(unsigned char c)
{
	return c >= 0x80 || (c > 0x20 && c != '"' && c != '\'' && c != ',' && c != '=' && c != '[' && c != '{' && c != 0x7f);
}

static int first_follow(unsigned char c)
{
	return c >= 0x80 || is_ws((char)c) ||
	       (c > 0x20 && c != '"' && c != '\'' && c != ',' && c != ']' && c != '}' && c != 0x7f);
}

static int second_follow(unsigned char c)
{
	return c >= 0x80 || is_ws((char)c) || (c > 0x20 && c != '"' && c != '\'' && c != ',' && c != '=' && c != 0x7f);
}

/* Matches ({escaped comma}|[start])({escaped comma}|[follow])* at the index. */
static json_t *word(struct sh *p, int (*follow)(unsigned char), int must, const char *name)
{
	size_t start = p->i, k = p->i;
	if (k + 1 < p->n && p->s[k] == '\\' && p->s[k + 1] == ',')
		k += 2;
	else if (k < p->n && start_word((unsigned char)p->s[k]))
		k++;
	else {
		if (must)
			fail(p, name, "<none>");
		return must ? NULL : json_string("");
	}
	for (;;) {
		if (k + 1 < p->n && p->s[k] == '\\' && p->s[k + 1] == ',')
			k += 2;
		else if (k < p->n && follow((unsigned char)p->s[k]))
			k++;
		else
			break;
	}
	p->i = k;
	/* unescape "\," and strip trailing whitespace */
	char *v = malloc(k - start + 1);
	size_t o = 0;
	for (size_t j = start; j < k; j++) {
		if (p->s[j] == '\\' && j + 1 < k && p->s[j + 1] == ',')
			j++;
		v[o++] = p->s[j];
	}
	while (o && is_ws(v[o - 1]))
		o--;
	json_t *r = json_stringn(v, o);
	free(v);
	return r;
}

static json_t *quoted(struct sh *p, char q)
{
	size_t k = p->i + 1;
	while (k < p->n) {
		if (p->s[k] == '\\' && k + 1 < p->n && (p->s[k + 1] == '\\' || p->s[k + 1] == q))
			k += 2;
		else if (p->s[k] == q)
			break;
		else
			k++;
	}
	if (k >= p->n) {
		fail(p, q == '\'' ? "<singled quoted>" : "<double quoted>", "<none>");
		return NULL;
	}
	char *v = malloc(k - p->i);
	size_t o = 0;
	for (size_t j = p->i + 1; j < k; j++) {
		if (p->s[j] == '\\' && j + 1 < k && p->s[j + 1] == q)
			j++;
		v[o++] = p->s[j];
	}
	/* then "\\\\" → "\\", as the real parser does after unescaping quotes */
	size_t w = 0;
	for (size_t j = 0; j < o; j++) {
		if (v[j] == '\\' && j + 1 < o && v[j + 1] == '\\')
			j++;
		v[w++] = v[j];
	}
	p->i = k + 1;
	json_t *r = json_stringn(v, w);
	free(v);
	return r;
}

static json_t *first_value(struct sh *p)
{
	if (CUR(p) == '\'' || CUR(p) == '"')
		return quoted(p, CUR(p));
	return word(p, first_follow, 0, "first");
}

static json_t *second_value(struct sh *p)
{
	if (CUR(p) == '\'' || CUR(p) == '"')
		return quoted(p, CUR(p));
	return word(p, second_follow, 1, "<second>");
}

static json_t *explicit_values(struct sh *p);

static json_t *explicit_list(struct sh *p)
{
	json_t *l = json_array();
	if (expect(p, '[', 1))
		goto bad;
	while (CUR(p) != ']') {
		if (AT_EOF(p)) {
			expect(p, ']', 0);
			goto bad;
		}
		json_t *v = explicit_values(p);
		if (!v)
			goto bad;
		json_array_append_new(l, v);
		skip_ws(p);
		if (CUR(p) != ']') {
			if (expect(p, ',', 0))
				goto bad;
			skip_ws(p);
		}
	}
	if (expect(p, ']', 0))
		goto bad;
	return l;
bad:
	json_decref(l);
	return NULL;
}

static size_t key_len(struct sh *p)
{
	size_t k = p->i;
	while (k < p->n && (strchr("-_.#/:", p->s[k]) && p->s[k] ? 1 :
			    ((p->s[k] >= 'a' && p->s[k] <= 'z') || (p->s[k] >= 'A' && p->s[k] <= 'Z') ||
			     (p->s[k] >= '0' && p->s[k] <= '9'))))
		k++;
	return k - p->i;
}

static json_t *hash_literal(struct sh *p)
{
	json_t *o = json_object();
	if (expect(p, '{', 1))
		goto bad;
	while (CUR(p) != '}') {
		if (AT_EOF(p)) {
			expect(p, '}', 0);
			goto bad;
		}
		size_t kl = key_len(p);
		char *key = strndup(p->s + p->i, kl);
		p->i += kl;
		if (expect(p, '=', 1)) {
			free(key);
			goto bad;
		}
		json_t *v = explicit_values(p);
		if (!v) {
			free(key);
			goto bad;
		}
		skip_ws(p);
		if (CUR(p) != '}') {
			if (expect(p, ',', 0)) {
				free(key);
				json_decref(v);
				goto bad;
			}
			skip_ws(p);
		}
		json_object_set_new(o, key, v);
		free(key);
	}
	if (expect(p, '}', 0))
		goto bad;
	return o;
bad:
	json_decref(o);
	return NULL;
}

static json_t *explicit_values(struct sh *p)
{
	if (CUR(p) == '[')
		return explicit_list(p);
	if (CUR(p) == '{')
		return hash_literal(p);
	return first_value(p);
}

static json_t *csv_value(struct sh *p)
{
	json_t *first = first_value(p);
	if (!first)
		return NULL;
	skip_ws(p);
	if (AT_EOF(p) || CUR(p) != ',')
		return first;
	if (expect(p, ',', 1)) {
		json_decref(first);
		return NULL;
	}
	json_t *list = json_array();
	json_array_append_new(list, first);
	for (;;) {
		json_t *cur = second_value(p);
		if (!cur) {
			if (AT_EOF(p))
				goto bad;
			/* backtrack to the comma: the next item is another key=value */
			free(p->err);
			p->err = NULL;
			while (p->i > 0 && p->s[p->i] != ',')
				p->i--;
			break;
		}
		skip_ws(p);
		if (AT_EOF(p)) {
			json_array_append_new(list, cur);
			break;
		}
		if (CUR(p) != ',') {
			/* expect(',') failed and we are not at EOF: backtrack */
			json_decref(cur);
			while (p->i > 0 && p->s[p->i] != ',')
				p->i--;
			break;
		}
		p->i++;
		skip_ws(p);
		json_array_append_new(list, cur);
	}
	if (json_array_size(list) == 1) {
		json_t *f = json_incref(json_array_get(list, 0));
		json_decref(list);
		return f;
	}
	return list;
bad:
	json_decref(list);
	return NULL;
}

static json_t *values(struct sh *p)
{
	if (AT_EOF(p))
		return json_string("");
	if (CUR(p) == '[')
		return explicit_list(p);
	if (CUR(p) == '{')
		return hash_literal(p);
	return csv_value(p);
}

json_t *aws_shorthand_parse(const char *s, char **errmsg)
{
	struct sh p = {.s = s, .n = strlen(s), .i = 0, .err = NULL};
	json_t *o = json_object();
	size_t last = 0;
	int first = 1;
	*errmsg = NULL;
	while (first || p.i < p.n) {
		if (!first && expect(&p, ',', 1))
			goto bad;
		size_t kl = key_len(&p);
		char *key = strndup(p.s + p.i, kl);
		p.i += kl;
		if (expect(&p, '=', 1)) {
			free(key);
			goto bad;
		}
		json_t *v = values(&p);
		if (!v) {
			free(key);
			goto bad;
		}
		if (json_object_get(o, key)) {
			struct buf b;
			ecr_buf_init(&b, 1 << 20);
			ecr_buf_printf(&b, "Second instance of key \"%s\" encountered for input:\n%s\n", key, s);
			for (size_t k = 0; k < last + 1; k++)
				ecr_buf_addstr(&b, " ");
			ecr_buf_addstr(&b, "^\nThis is often because there is a preceding \",\" instead of a space.");
			p.err = ecr_buf_detach(&b);
			free(key);
			json_decref(v);
			goto bad;
		}
		json_object_set_new(o, key, v);
		free(key);
		last = p.i;
		first = 0;
	}
	return o;
bad:
	json_decref(o);
	*errmsg = p.err ? p.err : strdup("invalid shorthand");
	return NULL;
}

/* BackCompatVisitor: scalars to the model's types, a scalar where a list belongs
 * wrapped in a list. Values that do not convert are left for validation to report. */
void aws_shorthand_coerce(json_t **v, int shape)
{
	const struct ecr_shape *sh = &ecr_shapes[shape];
	if (!*v)
		return;
	switch (sh->type) {
	case ECR_T_STRUCT:
		if (json_is_object(*v))
			for (int i = 0; i < sh->nmembers; i++) {
				json_t *m = json_object_get(*v, sh->members[i].name);
				if (m) {
					json_incref(m);
					aws_shorthand_coerce(&m, sh->members[i].shape);
					json_object_set_new(*v, sh->members[i].name, m);
				}
			}
		return;
	case ECR_T_LIST:
		if (!json_is_array(*v)) {
			json_t *l = json_array();
			json_array_append(l, *v);
			json_decref(*v);
			*v = l;
		}
		for (size_t i = 0; i < json_array_size(*v); i++) {
			json_t *e = json_incref(json_array_get(*v, i));
			aws_shorthand_coerce(&e, sh->member);
			json_array_set_new(*v, i, e);
		}
		return;
	case ECR_T_MAP:
		if (json_is_object(*v)) {
			const char *k;
			json_t *e;
			void *tmp;
			json_object_foreach_safe(*v, tmp, k, e) {
				json_incref(e);
				aws_shorthand_coerce(&e, sh->value);
				json_object_set_new(*v, k, e);
			}
		}
		return;
	case ECR_T_INTEGER:
	case ECR_T_LONG:
		if (json_is_string(*v)) {
			char *end;
			const char *s = json_string_value(*v);
			long long n = strtoll(s, &end, 10);
			if (*s && !*end) {
				json_decref(*v);
				*v = json_integer(n);
			}
		}
		return;
	case ECR_T_DOUBLE:
		if (json_is_string(*v)) {
			char *end;
			const char *s = json_string_value(*v);
			double d = strtod(s, &end);
			if (*s && !*end) {
				json_decref(*v);
				*v = json_real(d);
			}
		}
		return;
	case ECR_T_BOOLEAN:
		if (json_is_string(*v)) {
			const char *s = json_string_value(*v);
			if (!strcasecmp(s, "true") || !strcasecmp(s, "false")) {
				int b = !strcasecmp(s, "true");
				json_decref(*v);
				*v = json_boolean(b);
			}
		}
		return;
	default:
		return;
	}
}
