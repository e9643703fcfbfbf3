/* JMESPath 1.0 for --query, compiling: a lexer and a Pratt parser with the binding
 * powers of the reference implementation. Error kinds and texts follow jmespath.py,
 * which the AWS CLI uses. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp_int.h"

/* --- tokens --------------------------------------------------------------------- */

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
 * the tree (its height, which jp_eval and jp_free recurse over). jmespath.py runs out of
 * Python's recursion limit (1000 frames) at about 490 nested '(' or '!' and 326 '[';
 * past this bound we answer as it does, instead of overflowing the C stack. */
#define JP_MAX_DEPTH 500

void jp_set_err(struct jp_error *e, const char *kind, const char *fmt, ...)
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
	jp_set_err(p->err, "syntax", "Bad jmespath expression: %s:\n%s\n%s", msg, p->expr, under);
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

/* jmespath.py's ParseError (the CLI's words): the reason, the token and its type in
 * capitals (RBRACKET), the expression and a caret under the token; at the end of the
 * expression an IncompleteExpressionError instead, unless at_eof_too (a message that
 * names what it expected, as _raise_parse_error_for_token gives even there). */
static struct jp_node *fail_tok_eof(struct parser *p, struct token *t, const char *reason, int at_eof_too)
{
	if (p->failed)
		return NULL;
	p->failed = 1;
	char under[2048], type[32];
	int eof = t->type == T_EOF && !at_eof_too;
	/* the caret sits under the token (+1 for the opening quote); for an incomplete
	 * expression, just past its end */
	int at = (t->type == T_EOF ? (int)strlen(p->expr) : t->start) + 1;
	int k = at < (int)sizeof(under) - 2 ? at : (int)sizeof(under) - 2;
	memset(under, ' ', (size_t)k);
	under[k] = '^';
	under[k + 1] = '\0';
	size_t i = 0;
	for (; toks[t->type].name[i] && i < sizeof(type) - 1; i++)
		type[i] = (char)toupper((unsigned char)toks[t->type].name[i]);
	type[i] = '\0';
	if (eof)
		jp_set_err(p->err, "syntax", "Invalid jmespath expression: Incomplete expression:\n\"%s\"\n%s", p->expr, under);
	else
		jp_set_err(p->err, "syntax", "%s: Parse error at column %d, token \"%s\" (%s), for expression:\n\"%s\"\n%s", reason,
			t->type == T_EOF ? (int)strlen(p->expr) : t->start, t->text ? t->text : "", type, p->expr, under);
	return NULL;
}

static struct jp_node *fail_tok(struct parser *p, struct token *t, const char *reason)
{
	return fail_tok_eof(p, t, reason, 0);
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
	return fail_tok(p, cur(p), "invalid token");
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
			snprintf(reason, sizeof(reason), "Expecting: %s, got: %s", "['quoted_identifier', 'unquoted_identifier']",
				 toks[k->type].name);
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
		/* jmespath.py reads the next key after anything but '}' ({a: b c} fails at
		 * its missing colon) */
		if (cur(p)->type == T_COMMA)
			next(p);
		else if (cur(p)->type == T_RBRACE)
			break;
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
	return fail_tok_eof(p, cur(p), reason, 1);
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
					return fail_tok(p, cur(p), "syntax error");
				}
				next(p);
			} else if (cur(p)->type == T_NUMBER) {
				n->slice[part] = cur(p)->num;
				n->has[part] = 1;
				next(p);
			} else {
				jp_free(n);
				return fail_tok_eof(p, cur(p), "syntax error", 1); /* at the end too */
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
		if (cur(p)->type == T_LPAREN) {
			struct token at0 = *cur(p);
			at0.start = 0; /* jmespath.py reports it at column 0 */
			return fail_tok(p, &at0, "Quoted identifier not allowed for function names.");
		}
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
		return fail_tok(p, t, t->type == T_EOF ? "Incomplete expression" : "invalid token");
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
			/* named by the token before '(', as jmespath.py says it */
			struct token *prev = t > p->t ? t - 1 : t;
			char reason[600];
			snprintf(reason, sizeof(reason), "Invalid function name '%.512s'", prev->text ? prev->text : "");
			fail_tok(p, prev, reason);
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
			/* as jmespath.py reads arguments: a comma after one is optional, a last
			 * one may close the list (f(a,) and f(a b) parse, as in the CLI) */
			if (cur(p)->type == T_COMMA)
				next(p);
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
		fail_tok(p, t, "invalid token");
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
		jp_set_err(p->err, "syntax", "maximum recursion depth exceeded");
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
			char reason[600];
			snprintf(reason, sizeof(reason), "Unexpected token: %.512s", cur(&p)->text ? cur(&p)->text : "");
			fail_tok(&p, cur(&p), reason);
		}
	}
	for (int i = 0; i < p.n; i++) {
		free(p.t[i].text);
		json_decref(p.t[i].value);
	}
	free(p.t);
	return n;
}

