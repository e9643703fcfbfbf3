/* JMESPath 1.0 for --query: a lexer, a Pratt parser with the binding powers of the
 * reference implementation, a tree interpreter over jansson values, and the built-in
 * functions. Error kinds and texts follow jmespath.py, which the AWS CLI uses. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmespath.h"

/* --- tokens --------------------------------------------------------------------- */

enum tok {
	T_EOF, T_UNQUOTED, T_QUOTED, T_LITERAL, T_RBRACKET, T_RPAREN, T_COMMA, T_RBRACE, T_NUMBER, T_CURRENT,
	T_EXPREF, T_COLON, T_PIPE, T_OR, T_AND, T_EQ, T_GT, T_LT, T_GTE, T_LTE, T_NE, T_FLATTEN, T_STAR, T_FILTER,
	T_DOT, T_NOT, T_LBRACE, T_LBRACKET, T_LPAREN,
};

static const struct { const char *name; int bp; } toks[] = {
	[T_EOF] = {"eof", 0}, [T_UNQUOTED] = {"unquoted_identifier", 0}, [T_QUOTED] = {"quoted_identifier", 0},
	[T_LITERAL] = {"literal", 0}, [T_RBRACKET] = {"rbracket", 0}, [T_RPAREN] = {"rparen", 0},
	[T_COMMA] = {"comma", 0}, [T_RBRACE] = {"rbrace", 0}, [T_NUMBER] = {"number", 0}, [T_CURRENT] = {"current", 0},
	[T_EXPREF] = {"expref", 0}, [T_COLON] = {"colon", 0}, [T_PIPE] = {"pipe", 1}, [T_OR] = {"or", 2},
	[T_AND] = {"and", 3}, [T_EQ] = {"eq", 5}, [T_GT] = {"gt", 5}, [T_LT] = {"lt", 5}, [T_GTE] = {"gte", 5},
	[T_LTE] = {"lte", 5}, [T_NE] = {"ne", 5}, [T_FLATTEN] = {"flatten", 9}, [T_STAR] = {"star", 20},
	[T_FILTER] = {"filter", 21}, [T_DOT] = {"dot", 40}, [T_NOT] = {"not", 45}, [T_LBRACE] = {"lbrace", 50},
	[T_LBRACKET] = {"lbracket", 55}, [T_LPAREN] = {"lparen", 60},
};

struct token {
	enum tok type;    /* kind */
	int start;        /* offset in the expression */
	char *text;       /* identifier name / the lexeme for messages (owned) */
	json_t *value;    /* literal / quoted identifier value (owned) */
	long num;         /* number */
};

/* --- the tree ------------------------------------------------------------------- */

enum kind {
	N_FIELD, N_SUBEXPR, N_INDEX_EXPR, N_INDEX, N_SLICE, N_PROJECTION, N_VALUE_PROJECTION, N_FLATTEN,
	N_FILTER_PROJECTION, N_COMPARATOR, N_AND, N_OR, N_NOT, N_PIPE, N_MULTI_LIST, N_MULTI_HASH, N_LITERAL,
	N_CURRENT, N_EXPREF, N_FUNCTION,
};

struct jp_node {
	enum kind kind;            /* what it is */
	char *name;                /* field name, function name, hash keys via children's names */
	json_t *value;             /* literal */
	enum tok op;               /* comparator */
	long slice[3];             /* start, stop, step */
	int has[3];                /* which slice parts were given */
	long index;                /* index */
	struct jp_node **kids;     /* children */
	int nkids;                 /* how many */
	char **keys;               /* multi-select hash keys (one per child) */
	int height;                /* 1 + the tallest child: bounds eval's and jp_free's recursion */
};

struct parser {
	const char *expr;          /* the expression */
	struct token *t;           /* tokens */
	int n, pos;                /* count, current */
	int alloc;                 /* tokens allocated */
	struct jp_error *err;      /* where errors go */
	int failed;                /* set at the first error */
	int depth;                 /* expression() calls now open: bounds the parser's recursion */
};

/* How deep an expression may nest, both while parsing (open expression() calls) and in
 * the tree (its height, which eval and jp_free recurse over). jmespath.py runs out of
 * Python's recursion limit (1000 frames) at about 490 nested '(' or '!' and 326 '[';
 * past this bound we answer as it does, instead of overflowing the C stack. */
#define JP_MAX_DEPTH 500

static void set_err(struct jp_error *e, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(struct jp_error *e, const char *kind, const char *fmt, ...)
{
	va_list ap;
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

static struct jp_node *node(enum kind k)
{
	struct jp_node *n = calloc(1, sizeof(*n));
	n->kind = k;
	n->height = 1;
	return n;
}

static void add(struct jp_node *n, struct jp_node *kid)
{
	n->kids = realloc(n->kids, sizeof(*n->kids) * (size_t)(n->nkids + 1));
	n->kids[n->nkids++] = kid;
	if (kid && kid->height + 1 > n->height)
		n->height = kid->height + 1;
}

static struct jp_node *node2(enum kind k, struct jp_node *a, struct jp_node *b)
{
	struct jp_node *n = node(k);
	add(n, a);
	add(n, b);
	return n;
}

void jp_free(struct jp_node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->nkids; i++) {
		jp_free(n->kids[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->kids);
	free(n->keys);
	free(n->name);
	json_decref(n->value);
	free(n);
}

/* --- lexer ------------------------------------------------------------------------ */

static int lex_error(struct parser *p, int pos, const char *msg)
{
	char under[2048];
	int k = pos < (int)sizeof(under) - 2 ? pos : (int)sizeof(under) - 2;
	memset(under, ' ', (size_t)k);
	under[k] = '^';
	under[k + 1] = '\0';
	set_err(p->err, "syntax", "Bad jmespath expression: %s:\n%s\n%s", msg, p->expr, under);
	p->failed = 1;
	return -1;
}

static void push(struct parser *p, enum tok type, int start, const char *text, size_t len)
{
	if (p->n == p->alloc) { /* doubling: a 100 KB --query has 50,000 tokens */
		p->alloc = p->alloc ? p->alloc * 2 : 64;
		p->t = realloc(p->t, sizeof(*p->t) * (size_t)p->alloc);
	}
	struct token *t = &p->t[p->n++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->start = start;
	t->text = text ? strndup(text, len) : NULL;
}

/* Text up to an unescaped delimiter (a backslash keeps the next character). */
static char *until(struct parser *p, int *i, char delim)
{
	const char *s = p->expr;
	int start = *i;
	size_t cap = strlen(s) + 1, o = 0;
	char *buf = malloc(cap);
	(*i)++;
	while (s[*i] != delim) {
		if (s[*i] == '\\') {
			buf[o++] = '\\';
			(*i)++;
		}
		if (!s[*i]) {
			free(buf);
			char msg[64];
			snprintf(msg, sizeof(msg), "Unclosed %c delimiter", delim);
			lex_error(p, start, msg);
			return NULL;
		}
		buf[o++] = s[(*i)++];
	}
	(*i)++;
	buf[o] = '\0';
	return buf;
}

static int lex(struct parser *p)
{
	const char *s = p->expr;
	int i = 0;
	while (s[i]) {
		char c = s[i];
		int start = i;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		if (isalpha((unsigned char)c) || c == '_') {
			while (isalnum((unsigned char)s[i]) || s[i] == '_')
				i++;
			push(p, T_UNQUOTED, start, s + start, (size_t)(i - start));
			continue;
		}
		if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)s[i + 1]))) {
			i++;
			while (isdigit((unsigned char)s[i]))
				i++;
			push(p, T_NUMBER, start, s + start, (size_t)(i - start));
			p->t[p->n - 1].num = strtol(s + start, NULL, 10);
			continue;
		}
		switch (c) {
		case '.': push(p, T_DOT, start, ".", 1); i++; continue;
		case '*': push(p, T_STAR, start, "*", 1); i++; continue;
		case ']': push(p, T_RBRACKET, start, "]", 1); i++; continue;
		case ',': push(p, T_COMMA, start, ",", 1); i++; continue;
		case ':': push(p, T_COLON, start, ":", 1); i++; continue;
		case '@': push(p, T_CURRENT, start, "@", 1); i++; continue;
		case '(': push(p, T_LPAREN, start, "(", 1); i++; continue;
		case ')': push(p, T_RPAREN, start, ")", 1); i++; continue;
		case '{': push(p, T_LBRACE, start, "{", 1); i++; continue;
		case '}': push(p, T_RBRACE, start, "}", 1); i++; continue;
		case '[':
			if (s[i + 1] == ']') { push(p, T_FLATTEN, start, "[]", 2); i += 2; }
			else if (s[i + 1] == '?') { push(p, T_FILTER, start, "[?", 2); i += 2; }
			else { push(p, T_LBRACKET, start, "[", 1); i++; }
			continue;
		case '|':
			if (s[i + 1] == '|') { push(p, T_OR, start, "||", 2); i += 2; }
			else { push(p, T_PIPE, start, "|", 1); i++; }
			continue;
		case '&':
			if (s[i + 1] == '&') { push(p, T_AND, start, "&&", 2); i += 2; }
			else { push(p, T_EXPREF, start, "&", 1); i++; }
			continue;
		case '!':
			if (s[i + 1] == '=') { push(p, T_NE, start, "!=", 2); i += 2; }
			else { push(p, T_NOT, start, "!", 1); i++; }
			continue;
		case '<':
			if (s[i + 1] == '=') { push(p, T_LTE, start, "<=", 2); i += 2; }
			else { push(p, T_LT, start, "<", 1); i++; }
			continue;
		case '>':
			if (s[i + 1] == '=') { push(p, T_GTE, start, ">=", 2); i += 2; }
			else { push(p, T_GT, start, ">", 1); i++; }
			continue;
		case '=':
			if (s[i + 1] == '=') { push(p, T_EQ, start, "==", 2); i += 2; continue; }
			return lex_error(p, i, "Unknown token '='");
		case '"': {
			char *body = until(p, &i, '"');
			if (!body)
				return -1;
			size_t n = strlen(body);
			char *q = malloc(n + 3);
			q[0] = '"';
			memcpy(q + 1, body, n);
			q[n + 1] = '"';
			q[n + 2] = '\0';
			json_t *v = json_loads(q, JSON_DECODE_ANY, NULL);
			free(q);
			if (!json_is_string(v)) {
				json_decref(v);
				free(body);
				return lex_error(p, start, "Invalid quoted identifier");
			}
			push(p, T_QUOTED, start, body, n);
			p->t[p->n - 1].value = v;
			free(body);
			continue;
		}
		case '\'': {
			char *body = until(p, &i, '\'');
			if (!body)
				return -1;
			/* raw string: only \' is an escape */
			char *o = body;
			for (char *r = body; *r; r++) {
				if (r[0] == '\\' && r[1] == '\'')
					r++;
				*o++ = *r;
			}
			*o = '\0';
			push(p, T_LITERAL, start, body, strlen(body));
			p->t[p->n - 1].value = json_string(body);
			free(body);
			continue;
		}
		case '`': {
			char *body = until(p, &i, '`');
			if (!body)
				return -1;
			char *o = body; /* \` is an escaped backtick */
			for (char *r = body; *r; r++) {
				if (r[0] == '\\' && r[1] == '`')
					r++;
				*o++ = *r;
			}
			*o = '\0';
			json_t *v = json_loads(body, JSON_DECODE_ANY, NULL);
			if (!v) {
				/* the deprecated form: `foo` is the string "foo" */
				const char *t = body;
				while (*t == ' ' || *t == '\t' || *t == '\n')
					t++;
				size_t n = strlen(t);
				char *q = malloc(n + 3);
				q[0] = '"';
				memcpy(q + 1, t, n);
				q[n + 1] = '"';
				q[n + 2] = '\0';
				v = json_loads(q, JSON_DECODE_ANY, NULL);
				free(q);
				if (!v) {
					char msg[600];
					snprintf(msg, sizeof(msg), "Bad token %s", body);
					free(body);
					return lex_error(p, start, msg);
				}
			}
			push(p, T_LITERAL, start, body, strlen(body));
			p->t[p->n - 1].value = v;
			free(body);
			continue;
		}
		default: {
			char msg[32];
			snprintf(msg, sizeof(msg), "Unknown token '%c'", c);
			return lex_error(p, i, msg);
		}
		}
	}
	push(p, T_EOF, i, "", 0);
	return 0;
}

/* --- parser --------------------------------------------------------------------------- */

static struct token *cur(struct parser *p) { return &p->t[p->pos]; }
static struct token *ahead(struct parser *p, int k)
{
	return &p->t[p->pos + k < p->n ? p->pos + k : p->n - 1];
}
static void next(struct parser *p)
{
	if (p->pos < p->n - 1)
		p->pos++;
}

static struct jp_node *fail_tok(struct parser *p, struct token *t, const char *reason)
{
	if (p->failed)
		return NULL;
	p->failed = 1;
	char under[2048];
	/* the caret sits under the token (+1 for the opening quote); for an incomplete
	 * expression, just past its end */
	int at = (t->type == T_EOF ? (int)strlen(p->expr) : t->start) + 1;
	int k = at < (int)sizeof(under) - 2 ? at : (int)sizeof(under) - 2;
	memset(under, ' ', (size_t)k);
	under[k] = '^';
	under[k + 1] = '\0';
	if (t->type == T_EOF)
		set_err(p->err, "syntax", "Invalid jmespath expression: Incomplete expression:\n\"%s\"\n%s", p->expr, under);
	else
		set_err(p->err, "syntax", "%s: Parse error at column %d, token \"%s\" (%s), for expression:\n\"%s\"\n%s", reason,
			t->start, t->text ? t->text : "", toks[t->type].name, p->expr, under);
	return NULL;
}

static int match(struct parser *p, enum tok want)
{
	if (cur(p)->type == want) {
		next(p);
		return 0;
	}
	char reason[128];
	snprintf(reason, sizeof(reason), "Expecting: %s, got: %s", toks[want].name, toks[cur(p)->type].name);
	fail_tok(p, cur(p), reason);
	return -1;
}

static struct jp_node *expression(struct parser *p, int bp);
struct jp_node *jp_dot_rhs(struct parser *p, int bp);
struct jp_node *jp_led_filter(struct parser *p, struct jp_node *left);

static struct jp_node *projection_rhs(struct parser *p, int bp)
{
	enum tok t = cur(p)->type;
	if (toks[t].bp < 10)
		return node(N_CURRENT);
	if (t == T_LBRACKET || t == T_FILTER)
		return expression(p, bp);
	if (t == T_DOT) {
		next(p);
		return jp_dot_rhs(p, bp);
	}
	return fail_tok(p, cur(p), "Invalid token");
}

static struct jp_node *multi_list(struct parser *p)
{
	struct jp_node *n = node(N_MULTI_LIST);
	for (;;) {
		struct jp_node *e = expression(p, 0);
		if (!e) {
			jp_free(n);
			return NULL;
		}
		add(n, e);
		if (cur(p)->type == T_RBRACKET)
			break;
		if (match(p, T_COMMA)) {
			jp_free(n);
			return NULL;
		}
	}
	next(p);
	return n;
}

static struct jp_node *multi_hash(struct parser *p)
{
	struct jp_node *n = node(N_MULTI_HASH);
	for (;;) {
		struct token *k = cur(p);
		if (k->type != T_QUOTED && k->type != T_UNQUOTED) {
			jp_free(n);
			char reason[128];
			snprintf(reason, sizeof(reason), "Expecting: %s, got: %s", "quoted_identifier", toks[k->type].name);
			return fail_tok(p, k, reason);
		}
		char *key = strdup(k->type == T_QUOTED ? json_string_value(k->value) : k->text);
		next(p);
		if (match(p, T_COLON)) {
			free(key);
			jp_free(n);
			return NULL;
		}
		struct jp_node *v = expression(p, 0);
		if (!v) {
			free(key);
			jp_free(n);
			return NULL;
		}
		n->keys = realloc(n->keys, sizeof(char *) * (size_t)(n->nkids + 1));
		n->keys[n->nkids] = key;
		add(n, v);
		if (cur(p)->type == T_COMMA)
			next(p);
		else if (cur(p)->type == T_RBRACE)
			break;
		else if (match(p, T_RBRACE)) {
			jp_free(n);
			return NULL;
		}
	}
	next(p);
	return n;
}

struct jp_node *jp_dot_rhs(struct parser *p, int bp)
{
	enum tok t = cur(p)->type;
	if (t == T_QUOTED || t == T_UNQUOTED || t == T_STAR)
		return expression(p, bp);
	if (t == T_LBRACKET) {
		next(p);
		return multi_list(p);
	}
	if (t == T_LBRACE) {
		next(p);
		return multi_hash(p);
	}
	char reason[160];
	snprintf(reason, sizeof(reason), "Expecting: %s, got: %s", "['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace']",
		 toks[t].name);
	return fail_tok(p, cur(p), reason);
}

static struct jp_node *index_expr(struct parser *p)
{
	if (cur(p)->type == T_COLON || ahead(p, 1)->type == T_COLON) {
		struct jp_node *n = node(N_SLICE);
		int part = 0;
		while (cur(p)->type != T_RBRACKET && part < 3) {
			if (cur(p)->type == T_COLON) {
				part++;
				if (part == 3) {
					jp_free(n);
					return fail_tok(p, cur(p), "Syntax error");
				}
				next(p);
			} else if (cur(p)->type == T_NUMBER) {
				n->slice[part] = cur(p)->num;
				n->has[part] = 1;
				next(p);
			} else {
				jp_free(n);
				char reason[128];
				snprintf(reason, sizeof(reason), "Expecting: %s, got: %s", "number", toks[cur(p)->type].name);
				return fail_tok(p, cur(p), reason);
			}
		}
		if (match(p, T_RBRACKET)) {
			jp_free(n);
			return NULL;
		}
		return n;
	}
	struct jp_node *n = node(N_INDEX);
	n->index = cur(p)->num;
	next(p);
	if (match(p, T_RBRACKET)) {
		jp_free(n);
		return NULL;
	}
	return n;
}

static struct jp_node *project_if_slice(struct parser *p, struct jp_node *left, struct jp_node *right)
{
	struct jp_node *ix = node2(N_INDEX_EXPR, left, right);
	if (right->kind != N_SLICE)
		return ix;
	struct jp_node *rhs = projection_rhs(p, toks[T_STAR].bp);
	if (!rhs) {
		jp_free(ix);
		return NULL;
	}
	return node2(N_PROJECTION, ix, rhs);
}

static struct jp_node *nud(struct parser *p, struct token *t)
{
	struct jp_node *n, *r;
	switch (t->type) {
	case T_LITERAL:
		n = node(N_LITERAL);
		n->value = json_incref(t->value);
		return n;
	case T_UNQUOTED:
		n = node(N_FIELD);
		n->name = strdup(t->text);
		return n;
	case T_QUOTED:
		if (cur(p)->type == T_LPAREN)
			return fail_tok(p, cur(p), "Quoted identifier not allowed for function names.");
		n = node(N_FIELD);
		n->name = strdup(json_string_value(t->value));
		return n;
	case T_STAR:
		if (cur(p)->type == T_RBRACKET)
			r = node(N_CURRENT);
		else if (!(r = projection_rhs(p, toks[T_STAR].bp)))
			return NULL;
		return node2(N_VALUE_PROJECTION, node(N_CURRENT), r);
	case T_FILTER:
		return jp_led_filter(p, node(N_CURRENT));
	case T_LBRACE:
		return multi_hash(p);
	case T_LPAREN:
		if (!(n = expression(p, 0)))
			return NULL;
		if (match(p, T_RPAREN)) {
			jp_free(n);
			return NULL;
		}
		return n;
	case T_FLATTEN:
		if (!(r = projection_rhs(p, toks[T_FLATTEN].bp)))
			return NULL;
		n = node(N_FLATTEN);
		add(n, node(N_CURRENT));
		return node2(N_PROJECTION, n, r);
	case T_NOT:
		if (!(r = expression(p, toks[T_NOT].bp)))
			return NULL;
		n = node(N_NOT);
		add(n, r);
		return n;
	case T_LBRACKET:
		if (cur(p)->type == T_NUMBER || cur(p)->type == T_COLON) {
			if (!(r = index_expr(p)))
				return NULL;
			return project_if_slice(p, node(N_CURRENT), r);
		}
		if (cur(p)->type == T_STAR && ahead(p, 1)->type == T_RBRACKET) {
			next(p);
			next(p);
			if (!(r = projection_rhs(p, toks[T_STAR].bp)))
				return NULL;
			return node2(N_PROJECTION, node(N_CURRENT), r);
		}
		return multi_list(p);
	case T_CURRENT:
		return node(N_CURRENT);
	case T_EXPREF:
		if (!(r = expression(p, toks[T_EXPREF].bp)))
			return NULL;
		n = node(N_EXPREF);
		add(n, r);
		return n;
	default:
		return fail_tok(p, t, t->type == T_EOF ? "Incomplete expression" : "Invalid token");
	}
}

struct jp_node *jp_led_filter(struct parser *p, struct jp_node *left)
{
	struct jp_node *cond = expression(p, 0), *r;
	if (!cond || match(p, T_RBRACKET)) {
		jp_free(cond);
		jp_free(left);
		return NULL;
	}
	if (cur(p)->type == T_FLATTEN)
		r = node(N_CURRENT);
	else if (!(r = projection_rhs(p, toks[T_FILTER].bp))) {
		jp_free(cond);
		jp_free(left);
		return NULL;
	}
	struct jp_node *n = node(N_FILTER_PROJECTION);
	add(n, left);
	add(n, r);
	add(n, cond);
	return n;
}

static struct jp_node *led(struct parser *p, struct token *t, struct jp_node *left)
{
	struct jp_node *r, *n;
	switch (t->type) {
	case T_DOT:
		if (cur(p)->type != T_STAR) {
			if (!(r = jp_dot_rhs(p, toks[T_DOT].bp)))
				break;
			if (left->kind == N_SUBEXPR) {
				add(left, r);
				return left;
			}
			return node2(N_SUBEXPR, left, r);
		}
		next(p);
		if (!(r = projection_rhs(p, toks[T_DOT].bp)))
			break;
		return node2(N_VALUE_PROJECTION, left, r);
	case T_PIPE:
		if (!(r = expression(p, toks[T_PIPE].bp)))
			break;
		return node2(N_PIPE, left, r);
	case T_OR:
		if (!(r = expression(p, toks[T_OR].bp)))
			break;
		return node2(N_OR, left, r);
	case T_AND:
		if (!(r = expression(p, toks[T_AND].bp)))
			break;
		return node2(N_AND, left, r);
	case T_LPAREN: {
		if (left->kind != N_FIELD) {
			fail_tok(p, t, "Invalid function name");
			break;
		}
		n = node(N_FUNCTION);
		n->name = strdup(left->name);
		jp_free(left);
		while (cur(p)->type != T_RPAREN) {
			struct jp_node *a = expression(p, 0);
			if (!a) {
				jp_free(n);
				return NULL;
			}
			if (cur(p)->type == T_COMMA) {
				next(p);
				if (cur(p)->type == T_RPAREN) {
					jp_free(a);
					jp_free(n);
					return fail_tok(p, cur(p), "Invalid token");
				}
			} else if (cur(p)->type != T_RPAREN) {
				jp_free(a);
				jp_free(n);
				char reason[128];
				snprintf(reason, sizeof(reason), "Expecting: %s, got: %s", "comma", toks[cur(p)->type].name);
				return fail_tok(p, cur(p), reason);
			}
			add(n, a);
		}
		next(p);
		return n;
	}
	case T_FILTER:
		return jp_led_filter(p, left);
	case T_EQ: case T_NE: case T_GT: case T_GTE: case T_LT: case T_LTE:
		if (!(r = expression(p, toks[t->type].bp)))
			break;
		n = node2(N_COMPARATOR, left, r);
		n->op = t->type;
		return n;
	case T_FLATTEN:
		n = node(N_FLATTEN);
		add(n, left);
		if (!(r = projection_rhs(p, toks[T_FLATTEN].bp))) {
			jp_free(n);
			return NULL;
		}
		return node2(N_PROJECTION, n, r);
	case T_LBRACKET:
		if (cur(p)->type == T_NUMBER || cur(p)->type == T_COLON) {
			if (!(r = index_expr(p)))
				break;
			if (left->kind == N_INDEX_EXPR) {
				add(left, r);
				return left;
			}
			return project_if_slice(p, left, r);
		}
		if (match(p, T_STAR) || match(p, T_RBRACKET))
			break;
		if (!(r = projection_rhs(p, toks[T_STAR].bp)))
			break;
		return node2(N_PROJECTION, left, r);
	default:
		fail_tok(p, t, "Invalid token");
		break;
	}
	jp_free(left);
	return NULL;
}

static struct jp_node *too_deep(struct parser *p, struct jp_node *left)
{
	jp_free(left);
	if (!p->failed) {
		p->failed = 1;
		set_err(p->err, "syntax", "maximum recursion depth exceeded");
	}
	return NULL;
}

static struct jp_node *expression(struct parser *p, int bp)
{
	if (p->depth >= JP_MAX_DEPTH)
		return too_deep(p, NULL);
	p->depth++;
	struct token *t = cur(p);
	next(p);
	struct jp_node *left = nud(p, t);
	while (left && !p->failed && left->height <= JP_MAX_DEPTH && bp < toks[cur(p)->type].bp) {
		struct token *o = cur(p);
		next(p);
		left = led(p, o, left);
	}
	p->depth--;
	if (left && left->height > JP_MAX_DEPTH)
		return too_deep(p, left);
	if (p->failed) {
		jp_free(left);
		return NULL;
	}
	return left;
}

struct jp_node *jp_compile(const char *expr, struct jp_error *err)
{
	struct parser p = {.expr = expr, .err = err};
	struct jp_node *n = NULL;
	if (!lex(&p)) {
		n = expression(&p, 0);
		if (n && cur(&p)->type != T_EOF) {
			jp_free(n);
			n = NULL;
			fail_tok(&p, cur(&p), "Unexpected token");
		}
	}
	for (int i = 0; i < p.n; i++) {
		free(p.t[i].text);
		json_decref(p.t[i].value);
	}
	free(p.t);
	return n;
}

/* --- interpreter ---------------------------------------------------------------------- */

struct ctx {
	struct jp_error *err;  /* runtime errors */
	int failed;            /* set at the first one */
};

static json_t *eval(struct ctx *c, const struct jp_node *n, json_t *v);

static int truthy(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return json_object_size(v) > 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_FALSE:
	case JSON_NULL: return 0;
	default: return 1;
	}
}

static int equal(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

static const char *type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

/* Python's slice semantics over a list. */
static json_t *slice(struct ctx *c, const struct jp_node *n, json_t *v)
{
	if (!json_is_array(v))
		return json_null();
	long len = (long)json_array_size(v), step = n->has[2] ? n->slice[2] : 1, start, stop;
	if (step == 0) {
		set_err(c->err, "invalid-value", "Invalid slice expression: step cannot be 0");
		c->failed = 1;
		return NULL;
	}
	if (n->has[0]) {
		start = n->slice[0];
		if (start < 0)
			start = start + len < 0 ? (step < 0 ? -1 : 0) : start + len;
		else if (start >= len)
			start = step < 0 ? len - 1 : len;
	} else {
		start = step < 0 ? len - 1 : 0;
	}
	if (n->has[1]) {
		stop = n->slice[1];
		if (stop < 0)
			stop = stop + len < 0 ? (step < 0 ? -1 : 0) : stop + len;
		else if (stop >= len)
			stop = step < 0 ? len - 1 : len;
	} else {
		stop = step < 0 ? -1 : len;
	}
	json_t *out = json_array();
	if (step > 0)
		for (long i = start; i < stop; i += step)
			json_array_append(out, json_array_get(v, (size_t)i));
	else
		for (long i = start; i > stop; i += step)
			json_array_append(out, json_array_get(v, (size_t)i));
	return out;
}

static json_t *project(struct ctx *c, const struct jp_node *rhs, json_t *list)
{
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		json_t *r = eval(c, rhs, e);
		if (c->failed) {
			json_decref(out);
			return NULL;
		}
		if (!json_is_null(r))
			json_array_append(out, r);
		json_decref(r);
	}
	return out;
}

static json_t *call(struct ctx *c, const struct jp_node *n, json_t *v);

static json_t *eval(struct ctx *c, const struct jp_node *n, json_t *v)
{
	json_t *a, *b, *r;
	if (c->failed)
		return NULL;
	switch (n->kind) {
	case N_FIELD:
		r = json_is_object(v) ? json_object_get(v, n->name) : NULL;
		return r ? json_incref(r) : json_null();
	case N_SUBEXPR:
	case N_INDEX_EXPR:
		r = json_incref(v);
		for (int i = 0; i < n->nkids && !c->failed; i++) {
			json_t *next = eval(c, n->kids[i], r);
			json_decref(r);
			r = next;
		}
		return c->failed ? (json_decref(r), NULL) : r;
	case N_INDEX: {
		if (!json_is_array(v))
			return json_null();
		long i = n->index < 0 ? n->index + (long)json_array_size(v) : n->index;
		r = i >= 0 ? json_array_get(v, (size_t)i) : NULL;
		return r ? json_incref(r) : json_null();
	}
	case N_SLICE:
		return slice(c, n, v);
	case N_PROJECTION:
		a = eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		r = json_is_array(a) ? project(c, n->kids[1], a) : json_null();
		json_decref(a);
		return r;
	case N_VALUE_PROJECTION: {
		a = eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		if (!json_is_object(a)) {
			json_decref(a);
			return json_null();
		}
		json_t *vals = json_array();
		const char *k;
		json_t *e;
		json_object_foreach(a, k, e) json_array_append(vals, e);
		r = project(c, n->kids[1], vals);
		json_decref(vals);
		json_decref(a);
		return r;
	}
	case N_FLATTEN: {
		a = eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		if (!json_is_array(a)) {
			json_decref(a);
			return json_null();
		}
		r = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(a, i, e) {
			if (json_is_array(e))
				json_array_extend(r, e);
			else
				json_array_append(r, e);
		}
		json_decref(a);
		return r;
	}
	case N_FILTER_PROJECTION: {
		a = eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		if (!json_is_array(a)) {
			json_decref(a);
			return json_null();
		}
		r = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(a, i, e) {
			json_t *cond = eval(c, n->kids[2], e);
			if (c->failed)
				break;
			if (truthy(cond)) {
				json_t *x = eval(c, n->kids[1], e);
				if (c->failed) {
					json_decref(cond);
					break;
				}
				if (!json_is_null(x))
					json_array_append(r, x);
				json_decref(x);
			}
			json_decref(cond);
		}
		json_decref(a);
		if (c->failed) {
			json_decref(r);
			return NULL;
		}
		return r;
	}
	case N_COMPARATOR: {
		a = eval(c, n->kids[0], v);
		b = eval(c, n->kids[1], v);
		if (c->failed) {
			json_decref(a);
			json_decref(b);
			return NULL;
		}
		if (n->op == T_EQ || n->op == T_NE) {
			int eq = equal(a, b);
			r = json_boolean(n->op == T_EQ ? eq : !eq);
		} else if (json_is_number(a) && json_is_number(b)) {
			double x = json_number_value(a), y = json_number_value(b);
			int res = n->op == T_LT ? x < y : n->op == T_LTE ? x <= y : n->op == T_GT ? x > y : x >= y;
			r = json_boolean(res);
		} else {
			r = json_null();
		}
		json_decref(a);
		json_decref(b);
		return r;
	}
	case N_OR:
		a = eval(c, n->kids[0], v);
		if (!a || truthy(a))
			return a;
		json_decref(a);
		return eval(c, n->kids[1], v);
	case N_AND:
		a = eval(c, n->kids[0], v);
		if (!a || !truthy(a))
			return a;
		json_decref(a);
		return eval(c, n->kids[1], v);
	case N_NOT:
		a = eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		r = json_boolean(!truthy(a));
		json_decref(a);
		return r;
	case N_PIPE:
		a = eval(c, n->kids[0], v);
		if (!a)
			return NULL;
		r = eval(c, n->kids[1], a);
		json_decref(a);
		return r;
	case N_MULTI_LIST:
		if (json_is_null(v))
			return json_null();
		r = json_array();
		for (int i = 0; i < n->nkids; i++) {
			json_t *x = eval(c, n->kids[i], v);
			if (!x) {
				json_decref(r);
				return NULL;
			}
			json_array_append_new(r, x);
		}
		return r;
	case N_MULTI_HASH:
		if (json_is_null(v))
			return json_null();
		r = json_object();
		for (int i = 0; i < n->nkids; i++) {
			json_t *x = eval(c, n->kids[i], v);
			if (!x) {
				json_decref(r);
				return NULL;
			}
			json_object_set_new(r, n->keys[i], x);
		}
		return r;
	case N_LITERAL:
		return json_incref(n->value);
	case N_CURRENT:
		return json_incref(v);
	case N_EXPREF:
		set_err(c->err, "invalid-type", "expression references are only valid as function arguments");
		c->failed = 1;
		return NULL;
	case N_FUNCTION:
		return call(c, n, v);
	}
	return json_null();
}

/* --- functions ------------------------------------------------------------------------ */

enum {                   /* argument type masks */
	A_NUM = 1, A_STR = 2, A_BOOL = 4, A_ARR = 8, A_OBJ = 16, A_NULL = 32, A_EXPREF = 64,
	A_ANY = 63, A_ARR_NUM = 128, A_ARR_STR = 256,
};

struct arg {
	json_t *v;                   /* evaluated value (NULL for an expref) */
	const struct jp_node *ref;   /* the expression of an expref argument */
};

typedef json_t *(*fn_t)(struct ctx *c, struct arg *a, int n, json_t *cur);

struct fdef {
	const char *name;    /* function name */
	int min, max;        /* arity; max -1 for variadic */
	int types[3];        /* accepted types per argument (last repeats) */
	fn_t fn;             /* implementation */
};

static json_t *fail_type(struct ctx *c, const char *fn, json_t *v, const char *expected)
{
	char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	set_err(c->err, "invalid-type", "In function %s(), invalid type for value: %s, expected one of: %s, received: \"%s\"", fn,
		d ? d : "?", expected, type_name(v));
	free(d);
	c->failed = 1;
	return NULL;
}

static size_t utf8_len(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

static json_t *f_abs(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_integer(a[0].v))
		return json_integer(llabs(json_integer_value(a[0].v)));
	return json_real(fabs(json_real_value(a[0].v)));
}

static json_t *num(double d)
{
	if (d == floor(d) && fabs(d) < 9e15)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *f_avg(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t k = json_array_size(a[0].v), i;
	json_t *e;
	double t = 0;
	if (!k)
		return json_null();
	json_array_foreach(a[0].v, i, e) t += json_number_value(e);
	return json_real(t / (double)k);
}

static json_t *f_ceil(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	return num(ceil(json_number_value(a[0].v)));
}

static json_t *f_floor(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	return num(floor(json_number_value(a[0].v)));
}

static json_t *f_contains(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_string(a[0].v)) {
		if (!json_is_string(a[1].v))
			return json_false();
		return json_boolean(strstr(json_string_value(a[0].v), json_string_value(a[1].v)) != NULL);
	}
	size_t i;
	json_t *e;
	json_array_foreach(a[0].v, i, e) if (equal(e, a[1].v)) return json_true();
	return json_false();
}

static json_t *f_ends_with(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t x = json_string_length(a[0].v), y = json_string_length(a[1].v);
	return json_boolean(y <= x && !memcmp(json_string_value(a[0].v) + x - y, json_string_value(a[1].v), y));
}

static json_t *f_starts_with(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t x = json_string_length(a[0].v), y = json_string_length(a[1].v);
	return json_boolean(y <= x && !memcmp(json_string_value(a[0].v), json_string_value(a[1].v), y));
}

static json_t *f_join(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t i, len = 0;
	json_t *e;
	json_array_foreach(a[1].v, i, e) len += json_string_length(e) + json_string_length(a[0].v);
	char *buf = malloc(len + 1), *o = buf;
	json_array_foreach(a[1].v, i, e) {
		if (i) {
			memcpy(o, json_string_value(a[0].v), json_string_length(a[0].v));
			o += json_string_length(a[0].v);
		}
		memcpy(o, json_string_value(e), json_string_length(e));
		o += json_string_length(e);
	}
	json_t *r = json_stringn(buf, (size_t)(o - buf));
	free(buf);
	return r;
}

static json_t *f_keys(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *r = json_array();
	const char *k;
	json_t *e;
	json_object_foreach(a[0].v, k, e) json_array_append_new(r, json_string(k));
	return r;
}

static json_t *f_values(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *r = json_array();
	const char *k;
	json_t *e;
	json_object_foreach(a[0].v, k, e) json_array_append(r, e);
	return r;
}

static json_t *f_length(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *v = a[0].v;
	if (json_is_string(v))
		return json_integer((json_int_t)utf8_len(json_string_value(v), json_string_length(v)));
	if (json_is_array(v))
		return json_integer((json_int_t)json_array_size(v));
	return json_integer((json_int_t)json_object_size(v));
}

static json_t *f_map(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	json_t *r = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(a[1].v, i, e) {
		json_t *x = eval(c, a[0].ref, e);
		if (!x) {
			json_decref(r);
			return NULL;
		}
		json_array_append_new(r, x);
	}
	return r;
}

/* <0, 0, >0 for two numbers or two strings (code point order = UTF-8 byte order) */
static int cmp_values(json_t *x, json_t *y)
{
	if (json_is_number(x)) {
		double a = json_number_value(x), b = json_number_value(y);
		return a < b ? -1 : a > b;
	}
	size_t lx = json_string_length(x), ly = json_string_length(y);
	int r = memcmp(json_string_value(x), json_string_value(y), lx < ly ? lx : ly);
	return r ? r : (lx < ly ? -1 : lx > ly);
}

static int same_kind(json_t *x, json_t *y)
{
	return (json_is_number(x) && json_is_number(y)) || (json_is_string(x) && json_is_string(y));
}

static json_t *minmax(struct ctx *c, struct arg *a, const char *fn, int want)
{
	size_t i;
	json_t *e, *best = NULL;
	json_array_foreach(a[0].v, i, e) {
		if (!json_is_number(e) && !json_is_string(e))
			return fail_type(c, fn, a[0].v, "['array-number', 'array-string']");
		if (best && !same_kind(best, e))
			return fail_type(c, fn, a[0].v, "['array-number', 'array-string']");
		if (!best || cmp_values(e, best) * want > 0)
			best = e;
	}
	return best ? json_incref(best) : json_null();
}

static json_t *f_max(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return minmax(c, a, "max", 1);
}

static json_t *f_min(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return minmax(c, a, "min", -1);
}

/* keys computed by an expref for each element, checked to be all numbers or all strings */
static json_t **keys_by(struct ctx *c, struct arg *a, const char *fn)
{
	size_t k = json_array_size(a[0].v), i;
	json_t **keys = calloc(k + 1, sizeof(*keys)), *e;
	json_array_foreach(a[0].v, i, e) {
		keys[i] = eval(c, a[1].ref, e);
		if (!keys[i] || (!json_is_number(keys[i]) && !json_is_string(keys[i])) || (i && !same_kind(keys[0], keys[i]))) {
			if (keys[i] && !c->failed) {
				char want[64];
				snprintf(want, sizeof(want), "%s", i && json_is_number(keys[0]) ? "['number']" :
								      i ? "['string']" : "['number', 'string']");
				fail_type(c, fn, keys[i], want);
			}
			for (size_t j = 0; j <= i; j++)
				json_decref(keys[j]);
			free(keys);
			return NULL;
		}
	}
	return keys;
}

static json_t *by(struct ctx *c, struct arg *a, const char *fn, int want)
{
	json_t **keys = keys_by(c, a, fn);
	size_t k = json_array_size(a[0].v), best = 0;
	if (!keys)
		return NULL;
	for (size_t i = 1; i < k; i++)
		if (cmp_values(keys[i], keys[best]) * want > 0)
			best = i;
	json_t *r = k ? json_incref(json_array_get(a[0].v, best)) : json_null();
	for (size_t i = 0; i < k; i++)
		json_decref(keys[i]);
	free(keys);
	return r;
}

static json_t *f_max_by(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return by(c, a, "max_by", 1);
}

static json_t *f_min_by(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	return by(c, a, "min_by", -1);
}

static json_t *f_merge(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)cur;
	json_t *r = json_object();
	for (int i = 0; i < n; i++)
		json_object_update(r, a[i].v);
	return r;
}

static json_t *f_not_null(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)cur;
	for (int i = 0; i < n; i++)
		if (!json_is_null(a[i].v))
			return json_incref(a[i].v);
	return json_null();
}

static json_t *f_reverse(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_string(a[0].v)) {
		/* by code point */
		const char *s = json_string_value(a[0].v);
		size_t len = json_string_length(a[0].v), o = len;
		char *buf = malloc(len + 1);
		for (size_t i = 0; i < len;) {
			size_t k = 1;
			while (i + k < len && ((unsigned char)s[i + k] & 0xc0) == 0x80)
				k++;
			o -= k;
			memcpy(buf + o, s + i, k);
			i += k;
		}
		json_t *r = json_stringn(buf, len);
		free(buf);
		return r;
	}
	json_t *r = json_array();
	for (size_t i = json_array_size(a[0].v); i-- > 0;)
		json_array_append(r, json_array_get(a[0].v, i));
	return r;
}

struct sortent {
	json_t *key;   /* sort key */
	json_t *val;   /* element */
	size_t pos;    /* original position: the sort is stable */
};

static int cmp_ent(const void *x, const void *y)
{
	const struct sortent *a = x, *b = y;
	int r = cmp_values(a->key, b->key);
	return r ? r : (a->pos < b->pos ? -1 : 1);
}

static json_t *f_sort(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	size_t k = json_array_size(a[0].v), i;
	struct sortent *v = calloc(k + 1, sizeof(*v));
	json_t *e;
	json_array_foreach(a[0].v, i, e) {
		if ((!json_is_number(e) && !json_is_string(e)) || (i && !same_kind(v[0].key, e))) {
			free(v);
			return fail_type(c, "sort", a[0].v, "['array-number', 'array-string']");
		}
		v[i].key = v[i].val = e;
		v[i].pos = i;
	}
	qsort(v, k, sizeof(*v), cmp_ent);
	json_t *r = json_array();
	for (i = 0; i < k; i++)
		json_array_append(r, v[i].val);
	free(v);
	return r;
}

static json_t *f_sort_by(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)n, (void)cur;
	json_t **keys = keys_by(c, a, "sort_by");
	size_t k = json_array_size(a[0].v);
	if (!keys)
		return NULL;
	struct sortent *v = calloc(k + 1, sizeof(*v));
	for (size_t i = 0; i < k; i++) {
		v[i].key = keys[i];
		v[i].val = json_array_get(a[0].v, i);
		v[i].pos = i;
	}
	qsort(v, k, sizeof(*v), cmp_ent);
	json_t *r = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append(r, v[i].val);
	for (size_t i = 0; i < k; i++)
		json_decref(keys[i]);
	free(keys);
	free(v);
	return r;
}

static json_t *f_sum(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	size_t i;
	json_t *e;
	double t = 0;
	int all_int = 1;
	json_array_foreach(a[0].v, i, e) {
		t += json_number_value(e);
		all_int &= json_is_integer(e);
	}
	return all_int ? json_integer((json_int_t)t) : json_real(t);
}

static json_t *f_to_array(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_array(a[0].v))
		return json_incref(a[0].v);
	json_t *r = json_array();
	json_array_append(r, a[0].v);
	return r;
}

/* json.dumps(v, separators=(',', ':')): ASCII only, \uXXXX for the rest */
static void py_dumps(json_t *v, char **out)
{
	*out = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
}

static json_t *f_to_string(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	if (json_is_string(a[0].v))
		return json_incref(a[0].v);
	char *s;
	py_dumps(a[0].v, &s);
	json_t *r = json_string(s ? s : "null");
	free(s);
	return r;
}

static json_t *f_to_number(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	json_t *v = a[0].v;
	if (json_is_number(v))
		return json_incref(v);
	if (!json_is_string(v))
		return json_null();
	const char *s = json_string_value(v);
	char *end;
	if (!*s)
		return json_null();
	if (strspn(s, "-0123456789") == strlen(s) && strcmp(s, "-")) {
		long long x = strtoll(s, &end, 10);
		return *end ? json_null() : json_integer(x);
	}
	double d = strtod(s, &end);
	if (*end || isspace((unsigned char)*s) || strpbrk(s, "xXnN"))
		return json_null();
	return json_real(d);
}

static json_t *f_type(struct ctx *c, struct arg *a, int n, json_t *cur)
{
	(void)c, (void)n, (void)cur;
	return json_string(type_name(a[0].v));
}

static const struct fdef fns[] = {
	{"abs", 1, 1, {A_NUM}, f_abs},
	{"avg", 1, 1, {A_ARR_NUM}, f_avg},
	{"ceil", 1, 1, {A_NUM}, f_ceil},
	{"contains", 2, 2, {A_ARR | A_STR, A_ANY}, f_contains},
	{"ends_with", 2, 2, {A_STR, A_STR}, f_ends_with},
	{"floor", 1, 1, {A_NUM}, f_floor},
	{"join", 2, 2, {A_STR, A_ARR_STR}, f_join},
	{"keys", 1, 1, {A_OBJ}, f_keys},
	{"length", 1, 1, {A_STR | A_ARR | A_OBJ}, f_length},
	{"map", 2, 2, {A_EXPREF, A_ARR}, f_map},
	{"max", 1, 1, {A_ARR}, f_max},
	{"max_by", 2, 2, {A_ARR, A_EXPREF}, f_max_by},
	{"merge", 1, -1, {A_OBJ}, f_merge},
	{"min", 1, 1, {A_ARR}, f_min},
	{"min_by", 2, 2, {A_ARR, A_EXPREF}, f_min_by},
	{"not_null", 1, -1, {A_ANY}, f_not_null},
	{"reverse", 1, 1, {A_STR | A_ARR}, f_reverse},
	{"sort", 1, 1, {A_ARR}, f_sort},
	{"sort_by", 2, 2, {A_ARR, A_EXPREF}, f_sort_by},
	{"starts_with", 2, 2, {A_STR, A_STR}, f_starts_with},
	{"sum", 1, 1, {A_ARR_NUM}, f_sum},
	{"to_array", 1, 1, {A_ANY}, f_to_array},
	{"to_number", 1, 1, {A_ANY}, f_to_number},
	{"to_string", 1, 1, {A_ANY}, f_to_string},
	{"type", 1, 1, {A_ANY}, f_type},
	{"values", 1, 1, {A_OBJ}, f_values},
};

static int type_ok(json_t *v, const struct jp_node *ref, int t)
{
	if (t & A_EXPREF)
		return ref != NULL;
	if (ref)
		return 0;
	if (t & A_ARR_NUM || t & A_ARR_STR) {
		if (!json_is_array(v))
			return 0;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) if ((t & A_ARR_NUM) ? !json_is_number(e) : !json_is_string(e)) return 0;
		return 1;
	}
	return ((t & A_NUM) && json_is_number(v)) || ((t & A_STR) && json_is_string(v)) ||
	       ((t & A_BOOL) && json_is_boolean(v)) || ((t & A_ARR) && json_is_array(v)) ||
	       ((t & A_OBJ) && json_is_object(v)) || ((t & A_NULL) && json_is_null(v));
}

static void type_list(int t, char *out, size_t n)
{
	static const struct { int bit; const char *name; } names[] = {
		{A_NUM, "number"}, {A_STR, "string"}, {A_BOOL, "boolean"}, {A_ARR, "array"}, {A_OBJ, "object"},
		{A_NULL, "null"}, {A_EXPREF, "expref"}, {A_ARR_NUM, "array-number"}, {A_ARR_STR, "array-string"}};
	size_t o = 0;
	o += (size_t)snprintf(out + o, n - o, "[");
	int first = 1;
	if ((t & A_ANY) == A_ANY)
		t = A_ANY;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (t & names[i].bit) {
			o += (size_t)snprintf(out + o, n - o, "%s'%s'", first ? "" : ", ", names[i].name);
			first = 0;
		}
	snprintf(out + o, n - o, "]");
}

static json_t *call(struct ctx *c, const struct jp_node *n, json_t *v)
{
	const struct fdef *f = NULL;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(fns[i].name, n->name))
			f = &fns[i];
	if (!f) {
		set_err(c->err, "unknown-function", "Unknown function: %s()", n->name);
		c->failed = 1;
		return NULL;
	}
	if (n->nkids < f->min || (f->max >= 0 && n->nkids > f->max)) {
		if (f->max < 0)
			set_err(c->err, "invalid-arity", "Expected at least %d argument%s for function %s(), received %d", f->min,
				f->min == 1 ? "" : "s", f->name, n->nkids);
		else
			set_err(c->err, "invalid-arity", "Expected %d argument%s for function %s(), received %d", f->min,
				f->min == 1 ? "" : "s", f->name, n->nkids);
		c->failed = 1;
		return NULL;
	}
	struct arg *a = calloc((size_t)n->nkids + 1, sizeof(*a));
	json_t *r = NULL;
	for (int i = 0; i < n->nkids; i++) {
		if (n->kids[i]->kind == N_EXPREF)
			a[i].ref = n->kids[i]->kids[0];
		else if (!(a[i].v = eval(c, n->kids[i], v)))
			goto out;
	}
	for (int i = 0; i < n->nkids; i++) {
		/* a variadic function's arguments all take its first type */
		int t = f->max < 0 ? f->types[0] : f->types[i < 3 ? i : 2];
		if (!t)
			t = f->types[0];
		if (!type_ok(a[i].v, a[i].ref, t)) {
			char want[200];
			type_list(t, want, sizeof(want));
			if (a[i].ref)
				set_err(c->err, "invalid-type", "In function %s(), invalid type for value: <expression>, expected one of: %s, received: \"expref\"",
					f->name, want), c->failed = 1;
			else
				fail_type(c, f->name, a[i].v, want);
			goto out;
		}
	}
	r = f->fn(c, a, n->nkids, v);
out:
	for (int i = 0; i < n->nkids; i++)
		json_decref(a[i].v);
	free(a);
	return r;
}

json_t *jp_search(const struct jp_node *n, json_t *data, struct jp_error *err)
{
	struct ctx c = {.err = err};
	json_t *r = eval(&c, n, data ? data : json_null());
	if (c.failed) {
		json_decref(r);
		return NULL;
	}
	return r;
}
