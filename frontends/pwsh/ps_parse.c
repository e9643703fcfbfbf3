/* The PowerShell subset's lexer and parser: statements (pipelines, $var = …,
 * if/elseif/else, foreach, exit), pipelines of commands fed by an expression,
 * expressions with variables, property access, comparison and logical operators,
 * script blocks, @() arrays, @{} hashtables, $() subexpressions, strings with $var
 * expansion. Anything else is refused with a message naming the construct. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ps_lang.h"
#include "../lib/fe_utf8.h"

#define TOKEN_MAX ((size_t)16 << 20) /* one argument or catch list: a script is smaller */

/* --- lexer ------------------------------------------------------------------------ */

/* A "…" string without $( ) is one K_DSTR. One with subexpressions is lexed in place,
 * once: K_DBEG, then K_SPART text pieces and K_DOLLP … K_RP subexpressions, then K_DEND.
 * (Re-lexing each subexpression's text when the string is evaluated made nested
 * "$( "$( … )" )" cost depth x length.) */
enum tk { K_EOF, K_SEP, K_PIPE, K_LP, K_RP, K_LB, K_RB, K_COMMA, K_ASSIGN, K_DOT, K_VAR, K_STR, K_DSTR, K_NUM,
	  K_WORD, K_DASH, K_ATLP, K_ATLB, K_DOLLP, K_NOT, K_LBRACK, K_RBRACK, K_DBEG, K_SPART, K_DEND };

#define MAX_NESTING 200 /* parser and string subexpressions: hostile input cannot exhaust the stack */

struct tok {
	enum tk t;       /* kind */
	char *s;         /* text: name, string body, word */
	int space;       /* whitespace before it */
};

struct lx {
	struct tok *v;   /* tokens */
	int n, pos, cap; /* count, parser position, room */
	char err[256];   /* first error */
	int open_string; /* the text ended inside a string */
};

static void add(struct lx *l, enum tk t, const char *s, size_t n, int space)
{
	if (l->n == l->cap) /* doubling: a long script is not quadratic (asan's realloc always copies) */
		l->v = realloc(l->v, sizeof(*l->v) * (size_t)(l->cap = l->cap ? 2 * l->cap : 64));
	l->v[l->n].t = t;
	l->v[l->n].s = s ? strndup(s, n) : NULL;
	l->v[l->n].space = space;
	l->n++;
}

/* the token before is a value and nothing separates them: 1+1, $i-1, $a*2 read as
 * arithmetic, as PowerShell's expression mode reads them */
static int after_value(const struct lx *l, int space)
{
	if (space || !l->n)
		return 0;
	enum tk t = l->v[l->n - 1].t;
	return t == K_NUM || t == K_VAR || t == K_RP || t == K_RBRACK || t == K_STR || t == K_DSTR || t == K_DEND;
}

static int word_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("|;(){},=\"']", c);
}

static int lex_at(struct lx *l, const char *s, size_t *pi, int sub);

/* A PowerShell number literal: decimal (5, 2.5, 1e3), hex (0x1F; an [int] when it fits
 * 32 bits, 0xFFFFFFFF being -1, else a [long]), either with a multiplier (1kb, 2.5MB);
 * into *out (new reference) when out is given. 0 when s is one, -1 when not. The
 * operators read numeric strings by it too, as PowerShell's Parser.ScanNumber does. */
int ps_num_literal(const char *s, json_t **out)
{
	static const char *const mult[] = {"kb", "mb", "gb", "tb", "pb"};
	size_t n = strlen(s);
	long double m = 1;
	for (size_t i = 0; i < 5; i++)
		if (n > 2 && !strcasecmp(s + n - 2, mult[i])) {
			n -= 2;
			for (size_t k = 0; k <= i; k++)
				m *= 1024;
			break;
		}
	char *t = strndup(s, n), *end;
	int neg = t[0] == '-', rc = -1;
	const char *d = t + neg;
	if ((d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) && d[2] && strspn(d + 2, "0123456789abcdefABCDEF") == strlen(d + 2)) {
		if (strlen(d + 2) <= 16) {
			unsigned long long u = strtoull(d + 2, NULL, 16);
			long long v = u <= 0xFFFFFFFFULL ? (long long)(int)(unsigned int)u : (long long)u;
			if (out)
				*out = json_integer((json_int_t)((neg ? -v : v) * (long long)m));
			rc = 0;
		}
	} else if (isdigit((unsigned char)d[0]) || (d[0] == '.' && isdigit((unsigned char)d[1]))) {
		long long v = strtoll(t, &end, 10);
		if (!*end) {
			if (out)
				*out = json_integer((json_int_t)(v * (long long)m));
			rc = 0;
		} else if (strchr(".eE", *end)) {
			double x = strtod(t, &end);
			if (!*end) {
				if (out)
					*out = json_real((double)(x * m));
				rc = 0;
			}
		}
	}
	free(t);
	return rc;
}

/* The sign of a number's exponent (1e-5, 2.5E+3): part of the number, not an operator */
static int exp_sign(const char *s, size_t st, size_t i)
{
	size_t d = st + (s[st] == '-');
	if (s[d] == '0' && (s[d + 1] == 'x' || s[d + 1] == 'X'))
		return 0; /* 0x1E-5 is 0x1E minus 5 */
	return (s[i] == '-' || s[i] == '+') && i >= st + 2 && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
	       (isdigit((unsigned char)s[i - 2]) || s[i - 2] == '.') && isdigit((unsigned char)s[i + 1]);
}

/* A string from its opening quote; *pi ends past the closing one. */
static int lex_string(struct lx *l, const char *s, size_t *pi, int space, int sub)
{
	char q = s[*pi];
	size_t i = *pi + 1, o = 0, cap = 64;
	char *buf = malloc(cap);
	int parts = 0; /* subexpressions met: the string is K_DBEG … K_DEND */
	for (;;) {
		if (o + 2 >= cap)
			buf = realloc(buf, cap *= 2);
		if (!s[i]) {
			free(buf);
			l->open_string = 1;
			snprintf(l->err, sizeof(l->err), "The string is missing the terminator: %c.", q);
			return -1;
		}
		if (s[i] == q && s[i + 1] == q) {
			buf[o++] = q;
			i += 2;
			continue;
		}
		if (s[i] == q) {
			i++;
			break;
		}
		if (q == '"' && s[i] == '$' && s[i + 1] == '(') {
			if (sub + 1 > MAX_NESTING) {
				free(buf);
				snprintf(l->err, sizeof(l->err), "The script is nested too deeply (more than %d levels).", MAX_NESTING);
				return -1;
			}
			if (!parts++)
				add(l, K_DBEG, NULL, 0, space);
			add(l, K_SPART, buf, o, 0);
			o = 0;
			add(l, K_DOLLP, NULL, 0, 0);
			i += 2;
			if (lex_at(l, s, &i, sub + 1)) { /* up to and with its ')' */
				free(buf);
				return -1;
			}
			continue;
		}
		if (q == '"' && s[i] == '`' && s[i + 1]) {
			char e = s[i + 1];
			buf[o++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == '$' ? '\002' : e;
			i += 2;
			continue;
		}
		buf[o++] = s[i++];
	}
	if (parts) {
		add(l, K_SPART, buf, o, 0);
		add(l, K_DEND, NULL, 0, 0);
	} else {
		add(l, q == '"' ? K_DSTR : K_STR, buf, o, space);
	}
	free(buf);
	*pi = i;
	return 0;
}

/* Tokens from s + *pi. At the top (sub 0) up to the end of the text; inside a string's
 * $( ) (sub > 0) up to the ')' that closes it, emitted as K_RP. */
static int lex_at(struct lx *l, const char *s, size_t *pi, int sub)
{
	size_t i = *pi;
	int space = 1, parens = 0;
	while (s[i]) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			space = 1;
			continue;
		}
		if (c == '`' && s[i + 1] == '\n') { /* line continuation */
			i += 2;
			space = 1;
			continue;
		}
		if (c == '<' && s[i + 1] == '#') { /* <# block comment #> */
			const char *e = strstr(s + i + 2, "#>");
			if (!e) {
				l->open_string = 1;
				snprintf(l->err, sizeof(l->err), "Missing closing '#>' in block comment.");
				return -1;
			}
			i = (size_t)(e - s) + 2;
			continue;
		}
		if (c == '#') {
			while (s[i] && s[i] != '\n')
				i++;
			continue;
		}
		size_t st = i;
		if (c == '\n' || c == ';') {
			add(l, K_SEP, NULL, 0, space), i++;
		} else if (c == '|') {
			add(l, K_PIPE, NULL, 0, space), i++;
		} else if (c == '(') {
			add(l, K_LP, NULL, 0, space), i++, parens++;
		} else if (c == ')') {
			add(l, K_RP, NULL, 0, space), i++;
			if (sub && parens-- == 0) { /* the string's subexpression ends */
				*pi = i;
				return 0;
			}
		} else if (c == '{') {
			add(l, K_LB, NULL, 0, space), i++;
		} else if (c == '}') {
			add(l, K_RB, NULL, 0, space), i++;
		} else if (c == '[') {
			add(l, K_LBRACK, NULL, 0, space), i++;
		} else if (c == ']') {
			add(l, K_RBRACK, NULL, 0, space), i++;
		} else if (c == ',') {
			add(l, K_COMMA, NULL, 0, space), i++;
		} else if (c == '=') {
			add(l, K_ASSIGN, NULL, 0, space), i++;
		} else if (c == '!') {
			add(l, K_NOT, NULL, 0, space), i++;
		} else if (c == '@' && s[i + 1] == '(') {
			add(l, K_ATLP, NULL, 0, space), i += 2, parens++;
		} else if (c == '@' && s[i + 1] == '{') {
			add(l, K_ATLB, NULL, 0, space), i += 2;
		} else if (c == '$' && s[i + 1] == '(') {
			add(l, K_DOLLP, NULL, 0, space), i += 2, parens++;
		} else if (c == '$' && (isalnum((unsigned char)s[i + 1]) || s[i + 1] == '_' || s[i + 1] == '?')) {
			i++;
			while (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '?' || s[i] == ':')
				i++;
			add(l, K_VAR, s + st + 1, i - st - 1, space);
		} else if (c == '.' && !space && l->n && (l->v[l->n - 1].t == K_VAR || l->v[l->n - 1].t == K_RP || l->v[l->n - 1].t == K_RBRACK ||
							   l->v[l->n - 1].t == K_STR || l->v[l->n - 1].t == K_DSTR || l->v[l->n - 1].t == K_DEND ||
							   l->v[l->n - 1].t == K_DOT) && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_')) {
			i++;
			while (isalnum((unsigned char)s[i]) || s[i] == '_')
				i++;
			add(l, K_DOT, s + st + 1, i - st - 1, space);
		} else if (c == '\'' || c == '"') {
			if (lex_string(l, s, &i, space, sub))
				return -1;
		} else if (strchr("+-*/%", c) && after_value(l, space) && !(c == '-' && isalpha((unsigned char)s[i + 1]))) {
			/* an operator right after a value; ++ and -- stay whole */
			size_t n = (c == '+' || c == '-') && s[i + 1] == c ? 2 : 1;
			add(l, K_WORD, s + st, n, space), i += n;
		} else if (c == '-' && isalpha((unsigned char)s[i + 1])) {
			i++;
			while (s[i] && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' ))
				i++;
			if (s[i] == ':') { /* -Name:value */
				i++;
				add(l, K_DASH, s + st + 1, i - st - 1, space);
				space = 0;
				continue;
			}
			add(l, K_DASH, s + st + 1, i - st - 1, space);
		} else if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)s[i + 1]))) {
			/* a number ends at an operator: 1+1, 2*3, 5-1 (3.19-alpine stays one word) */
			i++;
			while (word_char(s[i]) && (exp_sign(s, st, i) || (!strchr("+*/%", s[i]) &&
			       !(s[i] == '-' && (isdigit((unsigned char)s[i + 1]) || s[i + 1] == '$' || s[i + 1] == '(')))))
				i++;
			char *t = strndup(s + st, i - st);
			/* 2.5, 1e3, 0x1F, 1kb: a number; 1..5 stays a word (a range) */
			add(l, ps_num_literal(t, NULL) ? K_WORD : K_NUM, t, strlen(t), space);
			free(t);
		} else {
			while (word_char(s[i]))
				i++;
			if (i == st) {
				snprintf(l->err, sizeof(l->err), "Unexpected token '%c' in expression or statement.", c);
				return -1;
			}
			add(l, K_WORD, s + st, i - st, space);
		}
		space = 0;
	}
	if (sub) {
		l->open_string = 1;
		snprintf(l->err, sizeof(l->err), "The string is missing the terminator: \".");
		return -1;
	}
	*pi = i;
	return 0;
}

static int lex(struct lx *l, const char *s)
{
	size_t i = 0;
	if (lex_at(l, s, &i, 0))
		return -1;
	add(l, K_EOF, NULL, 0, 1);
	return 0;
}

/* --- tree --------------------------------------------------------------------------- */

static struct node *mk(enum nk k, const char *s)
{
	struct node *x = calloc(1, sizeof(*x));
	x->k = k;
	x->s = s ? strdup(s) : NULL;
	return x;
}

static void push(struct node *p, struct node *c)
{
	if ((p->n & (p->n - 1)) == 0) /* room doubles when n reaches a power of two */
		p->kid = realloc(p->kid, sizeof(*p->kid) * (size_t)(p->n ? 2 * p->n : 1));
	p->kid[p->n++] = c;
}

void ps_node_free(struct node *x)
{
	if (!x)
		return;
	for (int i = 0; i < x->n; i++)
		ps_node_free(x->kid[i]);
	free(x->kid);
	free(x->s);
	json_decref(x->v);
	free(x);
}

/* --- parser --------------------------------------------------------------------------- */

struct ps {
	struct lx *l;     /* tokens */
	char err[300];    /* first error */
	int at_eof;       /* it was met at the end of the text: more lines could complete it */
	int depth;        /* nesting, bounded so hostile input cannot exhaust the stack */
	int no_comma;     /* a param default or method argument: the comma separates them
			     (brackets inside start afresh) */
};

static struct tok *cur(struct ps *p) { return &p->l->v[p->l->pos]; }
static struct tok *peek(struct ps *p, int k) { int i = p->l->pos + k; return &p->l->v[i < p->l->n ? i : p->l->n - 1]; }
static void nx(struct ps *p) { if (p->l->pos < p->l->n - 1) p->l->pos++; }

/* How a token reads in a message. */
static const char *tok_text(struct tok *t)
{
	static const char *const fixed[] = {[K_EOF] = "end of input", [K_SEP] = ";", [K_PIPE] = "|", [K_LP] = "(",
					    [K_RP] = ")", [K_LB] = "{", [K_RB] = "}", [K_COMMA] = ",", [K_ASSIGN] = "=",
					    [K_ATLP] = "@(", [K_ATLB] = "@{", [K_DOLLP] = "$(", [K_NOT] = "!",
					    [K_LBRACK] = "[", [K_RBRACK] = "]", [K_DBEG] = "\"", [K_SPART] = "", [K_DEND] = "\""};
	return t->s ? t->s : fixed[t->t] ? fixed[t->t] : "?";
}

/* 1 when a word is an integer range (1..3), filled in */
static int is_range(const char *w, long long *a, long long *b)
{
	char *e;
	*a = strtoll(w, &e, 10);
	if (e == w || strncmp(e, "..", 2))
		return 0;
	const char *r = e + 2;
	*b = strtoll(r, &e, 10);
	return e != r && !*e;
}

static struct node *perr(struct ps *p, const char *fmt, const char *a)
{
	if (!p->err[0]) {
		snprintf(p->err, sizeof(p->err), fmt, a);
		p->at_eof = p->l->v[p->l->pos].t == K_EOF;
	}
	return NULL;
}

static void skip_seps(struct ps *p)
{
	while (cur(p)->t == K_SEP)
		nx(p);
}

static struct node *statements(struct ps *p, enum tk until);
static struct node *pipeline(struct ps *p);
static struct node *statement(struct ps *p);
static struct node *expr(struct ps *p);
static struct node *unary(struct ps *p);
static char *type_name(struct ps *p);
static int is_redirect(struct tok *t);
static int is_arith(struct tok *t);
static int call_args(struct ps *p, struct node *m);

/* an operator after '-': the one operator table's rows (ps_binop.c), not + - * / % */
static int is_binop(const char *w)
{
	int cs;
	const struct ps_op *o = ps_op_find(w, &cs);
	return o && !(o->flags & PS_OP_ARITH);
}

static struct node *block(struct ps *p)
{
	nx(p); /* { */
	if (p->depth >= MAX_NESTING)
		return perr(p, "The script is nested too deeply (more than %s levels).", "200");
	p->depth++;
	struct node *b = statements(p, K_RB);
	p->depth--;
	if (!b)
		return NULL;
	if (cur(p)->t != K_RB) {
		ps_node_free(b);
		return perr(p, "Missing closing '}' in statement block or type definition.%s", "");
	}
	nx(p);
	struct node *sb = mk(X_BLOCK, NULL);
	push(sb, b);
	return sb;
}

static struct node *hash(struct ps *p)
{
	struct node *h = mk(X_HASH, NULL);
	for (;;) {
		skip_seps(p);
		if (cur(p)->t == K_RB) {
			nx(p);
			return h;
		}
		struct tok *k = cur(p);
		if (k->t != K_WORD && k->t != K_STR && k->t != K_DSTR && k->t != K_NUM) {
			ps_node_free(h);
			return perr(p, "Missing '=' operator after key in hash literal.%s", "");
		}
		struct node *kv = mk(X_ARG, k->s);
		nx(p);
		if (cur(p)->t != K_ASSIGN) {
			ps_node_free(kv);
			ps_node_free(h);
			return perr(p, "Missing '=' operator after key in hash literal.%s", "");
		}
		nx(p);
		struct node *v = expr(p);
		if (!v) {
			ps_node_free(kv);
			ps_node_free(h);
			return NULL;
		}
		push(kv, v);
		push(h, kv);
	}
}

static struct node *primary_in(struct ps *p);

static struct node *primary(struct ps *p)
{
	if (p->depth >= MAX_NESTING)
		return perr(p, "The script is nested too deeply (more than %s levels).", "200");
	p->depth++;
	int no_comma = p->no_comma;
	enum tk t = cur(p)->t;
	if (t == K_LP || t == K_DOLLP || t == K_ATLP || t == K_LB || t == K_ATLB)
		p->no_comma = 0;
	struct node *x = primary_in(p);
	p->no_comma = no_comma;
	p->depth--;
	return x;
}

/* A token a value can begin with: after [type] it makes a cast, not a type literal */
static int starts_value(struct tok *t)
{
	switch (t->t) {
	case K_VAR: case K_NUM: case K_STR: case K_DSTR: case K_DBEG: case K_LP: case K_LB:
	case K_ATLP: case K_ATLB: case K_DOLLP: case K_LBRACK: case K_NOT:
		return 1;
	case K_WORD:
		return !is_arith(t) && !is_redirect(t);
	case K_DASH:
		return !strcasecmp(t->s, "not") || !strcasecmp(t->s, "bnot");
	default:
		return 0;
	}
}

static struct node *primary_in(struct ps *p)
{
	struct tok *t = cur(p);
	struct node *x = NULL;
	switch (t->t) {
	case K_NUM:
		x = mk(X_LIT, NULL);
		if (ps_num_literal(t->s, &x->v))
			x->v = json_integer(0); /* the lexer made it K_NUM only when it is one */
		nx(p);
		break;
	case K_STR:
		x = mk(X_LIT, NULL);
		x->v = json_string(t->s);
		nx(p);
		break;
	case K_DSTR:
		x = mk(X_DSTR, t->s);
		nx(p);
		break;
	case K_DBEG: /* kids: X_DSTR text pieces and X_SUB subexpressions, joined when evaluated */
		nx(p);
		x = mk(X_DSTR, NULL);
		while (cur(p)->t != K_DEND) {
			struct node *part = NULL;
			if (cur(p)->t == K_SPART) {
				part = mk(X_DSTR, cur(p)->s);
				nx(p);
			} else if (cur(p)->t == K_DOLLP) {
				part = primary_in(p); /* one level per string, as in primary() */
			} else {
				perr(p, "Missing closing ')' in subexpression.%s", "");
			}
			if (!part) {
				ps_node_free(x);
				return NULL;
			}
			push(x, part);
		}
		nx(p);
		break;
	case K_VAR:
		x = mk(X_VAR, t->s);
		nx(p);
		break;
	case K_LP: {
		nx(p);
		struct node *in = pipeline(p);
		if (!in)
			return NULL;
		if (cur(p)->t != K_RP) {
			ps_node_free(in);
			return perr(p, "Missing closing ')' in expression.%s", "");
		}
		nx(p);
		x = mk(X_SUB, NULL);
		push(x, in);
		break;
	}
	case K_DOLLP:
	case K_ATLP: {
		int arr = t->t == K_ATLP;
		nx(p);
		struct node *in = statements(p, K_RP);
		if (!in)
			return NULL;
		if (cur(p)->t != K_RP) {
			ps_node_free(in);
			return perr(p, "Missing closing ')' in subexpression.%s", "");
		}
		nx(p);
		x = mk(arr ? X_ARRAY : X_SUB, arr ? "@" : NULL);
		push(x, in);
		break;
	}
	case K_ATLB:
		nx(p);
		x = hash(p);
		break;
	case K_LB:
		x = block(p);
		break;
	case K_WORD: {
		long long a, b;
		x = mk(X_LIT, NULL);
		if (is_range(t->s, &a, &b)) { /* 1..3: the integers from one end to the other */
			/* more than PS_MAX_ITEMS: no value; evaluating it raises PowerShell's
			 * out-of-memory error (ps_eval.c) */
			unsigned long long count = (a <= b ? (unsigned long long)b - (unsigned long long)a
							   : (unsigned long long)a - (unsigned long long)b) + 1;
			if (count <= PS_MAX_ITEMS) {
				x->v = json_array();
				for (long long i = a;; i += a <= b ? 1 : -1) {
					json_array_append_new(x->v, json_integer(i));
					if (i == b)
						break;
				}
			}
		} else {
			x->v = json_string(t->s);
		}
		nx(p);
		break;
	}
	case K_LBRACK: {
		/* [pscustomobject]@{…}, [int]$x …: the casts scripts use; other types are refused */
		static const char *const casts[] = {"pscustomobject", "ordered", "int", "long", "double", "string", "bool", "array", "datetime", NULL};
		char *ty = type_name(p);
		if (ty && cur(p)->t == K_WORD && !cur(p)->space && !strncmp(cur(p)->s, "::", 2) && cur(p)->s[2]) {
			/* [math]::Round(…), [datetime]::Now: a static member, called or read. The
			 * word runs on over dots ([datetime]::Now.Year): what follows the first
			 * one are members of the static's value, the last one called if '(' follows */
			char name[300], *rest = NULL;
			const char *w = cur(p)->s + 2, *dot = strchr(w, '.');
			size_t tn = strlen(ty), mn = dot ? (size_t)(dot - w) : strlen(w);
			if (tn + 2 + mn >= sizeof(name)) { /* a cut name would be another member */
				free(ty);
				return perr(p, "not supported yet: a static member name over %s bytes", "300");
			}
			memcpy(name, ty, tn);
			memcpy(name + tn, "::", 2);
			memcpy(name + tn + 2, w, mn);
			name[tn + 2 + mn] = '\0';
			free(ty);
			if (dot && (!dot[1] || strstr(dot, "..") || dot[strlen(dot) - 1] == '.'))
				return perr(p, "Missing property name after reference operator.%s", "");
			if (dot)
				rest = strdup(dot + 1);
			x = mk(X_STATIC, name);
			nx(p);
			struct node *last = x;
			for (char *seg = rest, *next; seg; seg = next) {
				next = strchr(seg, '.');
				if (next)
					*next++ = '\0';
				last = mk(X_MEMBER, seg);
				push(last, x);
				x = last;
			}
			free(rest);
			if (cur(p)->t == K_LP && !cur(p)->space) {
				if (last != x || last->k == X_MEMBER)
					last->k = X_METHOD;
				if (!call_args(p, last)) {
					ps_node_free(x);
					return NULL;
				}
			}
			break;
		}
		char full[200];
		if (ty && !starts_value(cur(p)) && ps_type_lookup(ty, full, sizeof(full))) {
			/* [int] with no value after it: the type itself ($x -is [int], [int].Name) */
			free(ty);
			x = mk(X_TYPE, full);
			break;
		}
		int known = 0;
		for (const char *const *c = casts; ty && *c; c++)
			known |= !strcasecmp(ty, *c);
		if (!known) {
			struct node *e = perr(p, "not supported yet: the type literal or cast '[%s]'", ty ? ty : "...");
			free(ty);
			return e;
		}
		for (char *c = ty; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		x = mk(X_CAST, ty);
		free(ty);
		struct node *v = primary(p); /* [int]$a.Count, 2: the cast binds tighter than the comma */
		if (!v) {
			ps_node_free(x);
			return NULL;
		}
		push(x, v);
		break;
	}
	default:
		return perr(p, "Unexpected token '%s' in expression or statement.", tok_text(t));
	}
	while (x && (cur(p)->t == K_DOT || (cur(p)->t == K_LBRACK && !cur(p)->space))) {
		if (cur(p)->t == K_LBRACK) { /* $a[0], $a[-1] */
			nx(p);
			struct node *i = expr(p);
			if (!i || cur(p)->t != K_RBRACK) {
				ps_node_free(i);
				ps_node_free(x);
				return i ? perr(p, "Array index expression is missing or not valid.%s", "") : NULL;
			}
			nx(p);
			struct node *ix = mk(X_INDEX, NULL);
			push(ix, x);
			push(ix, i);
			x = ix;
			continue;
		}
		struct node *m = mk(X_MEMBER, cur(p)->s);
		push(m, x);
		x = m;
		nx(p);
		if (cur(p)->t == K_LP && !cur(p)->space) { /* .Name(args): the member becomes a call */
			m->k = X_METHOD;
			if (!call_args(p, m)) {
				ps_node_free(x);
				return NULL;
			}
		}
	}
	return x;
}

static struct node *unary(struct ps *p)
{
	if (p->depth >= MAX_NESTING)
		return perr(p, "The script is nested too deeply (more than %s levels).", "200");
	if (cur(p)->t == K_NOT || (cur(p)->t == K_DASH && !strcasecmp(cur(p)->s, "not"))) {
		nx(p);
		p->depth++;
		struct node *in = unary(p);
		p->depth--;
		if (!in)
			return NULL;
		struct node *x = mk(X_NOT, NULL);
		push(x, in);
		return x;
	}
	if (cur(p)->t == K_DASH && !strcasecmp(cur(p)->s, "bnot")) {
		/* -bnot, right to left as -not (about_Operator_Precedence) */
		nx(p);
		p->depth++;
		struct node *in = unary(p);
		p->depth--;
		if (!in)
			return NULL;
		struct node *x = mk(X_BNOT, NULL);
		push(x, in);
		return x;
	}
	struct node *x = primary(p);
	/* a comma list in an expression: an array */
	if (x && cur(p)->t == K_COMMA && !p->no_comma) {
		struct node *a = mk(X_ARRAY, NULL);
		push(a, x);
		while (cur(p)->t == K_COMMA) {
			nx(p);
			struct node *e = primary(p);
			if (!e) {
				ps_node_free(a);
				return NULL;
			}
			push(a, e);
		}
		x = a;
	}
	return x;
}

/* arithmetic operators lex as words ('*' is also a wildcard argument in command mode) */
static int is_arith(struct tok *t)
{
	return t->t == K_WORD && strlen(t->s) == 1 && strchr("+-*/%", t->s[0]);
}

static int prec(const char *op)
{
	int cs;
	const struct ps_op *o = ps_op_find(op, &cs);
	return o ? o->prec : 3;
}

static struct node *binary(struct ps *p, int minp)
{
	struct node *l = unary(p);
	while (l && ((cur(p)->t == K_DASH && is_binop(cur(p)->s)) || is_arith(cur(p))) && prec(cur(p)->s) >= minp) {
		char *op = strdup(cur(p)->s);
		for (char *c = op; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		nx(p);
		struct node *r = binary(p, prec(op) + 1);
		if (!r) {
			free(op);
			ps_node_free(l);
			return NULL;
		}
		struct node *b = mk(X_BIN, op);
		b->op = ps_op_find(op, &b->cs);
		free(op);
		push(b, l);
		push(b, r);
		l = b;
	}
	return l;
}

static struct node *expr(struct ps *p)
{
	return binary(p, 1);
}

/* A command's arguments, until '|', a separator, ')' or '}'. */
static struct node *command(struct ps *p)
{
	struct node *c = mk(X_CMD, cur(p)->s);
	nx(p);
	for (;;) {
		enum tk t = cur(p)->t;
		if (t == K_EOF || t == K_SEP || t == K_PIPE || t == K_RP || t == K_RB)
			return c;
		if (t == K_DASH) {
			struct node *a = mk(X_ARG, cur(p)->s);
			size_t len = strlen(cur(p)->s);
			int colon = len && cur(p)->s[len - 1] == ':';
			nx(p);
			if (colon) {
				a->s[len - 1] = '\0';
				struct node *v = primary(p);
				if (!v) {
					ps_node_free(a);
					ps_node_free(c);
					return NULL;
				}
				push(a, v);
				a->has_value = 1;
			}
			push(c, a);
			continue;
		}
		if (is_redirect(cur(p)))
			return c; /* the pipeline takes it */
		struct node *v;
		if ((t == K_VAR || t == K_WORD || t == K_NUM) &&
		    (peek(p, 1)->t == K_WORD || peek(p, 1)->t == K_VAR || peek(p, 1)->t == K_NUM) && !peek(p, 1)->space) {
			/* $HOME/findings.json, out-$tag.txt: one argument, expanded as a "…" string */
			struct buf tmpl;
			int full = 0;
			ecr_buf_init(&tmpl, TOKEN_MAX);
			do {
				full |= ecr_buf_printf(&tmpl, "%s%s", cur(p)->t == K_VAR ? "$" : "", cur(p)->s);
				nx(p);
			} while ((cur(p)->t == K_WORD || cur(p)->t == K_VAR || cur(p)->t == K_NUM) && !cur(p)->space);
			if (full) { /* appends after a failed one may have started a new buffer */
				ecr_buf_release(&tmpl);
				ps_node_free(c);
				return perr(p, "An argument is longer than a script can hold.%s", "");
			}
			v = mk(X_DSTR, tmpl.data ? tmpl.data : "");
			ecr_buf_release(&tmpl);
		} else {
			v = primary(p);
		}
		if (!v) {
			ps_node_free(c);
			return NULL;
		}
		if (cur(p)->t == K_COMMA) {
			struct node *arr = mk(X_ARRAY, NULL);
			push(arr, v);
			while (cur(p)->t == K_COMMA) {
				nx(p);
				struct node *e = primary(p);
				if (!e) {
					ps_node_free(arr);
					ps_node_free(c);
					return NULL;
				}
				push(arr, e);
			}
			v = arr;
		}
		struct node *a = mk(X_ARG, NULL);
		push(a, v);
		a->has_value = 1;
		push(c, a);
	}
}

/* > file, >> file, 2> file, 2>$null, 2>&1, *> …: streams 1 (output), 2 (errors), 3 (warnings) */
static int is_redirect(struct tok *t)
{
	const char *s = t->t == K_WORD ? t->s : "";
	return s[0] == '>' || ((isdigit((unsigned char)s[0]) || s[0] == '*') && s[1] == '>');
}

/* X_REDIR: s is the stream ('1' '2' '3' or '*'), then ">" or ">>", or "&1" (into the
 * output); kid 0 the target (a path, or $null) */
static struct node *redirect(struct ps *p)
{
	const char *w = cur(p)->s;
	char stream = isdigit((unsigned char)w[0]) || w[0] == '*' ? *w++ : '1', spec[8];
	int append = w[1] == '>';
	const char *rest = w + 1 + append;
	if (!strchr("123*", stream))
		return perr(p, "not supported yet: redirecting stream %s (only 1, 2, 3 and *)", (char[2]){stream, 0});
	snprintf(spec, sizeof(spec), "%c%s", stream, !strcmp(rest, "&1") ? "&1" : append ? ">>" : ">");
	struct node *x = mk(X_REDIR, spec), *target = NULL;
	if (!strcmp(rest, "&1")) {
		if (stream == '1') {
			ps_node_free(x);
			return perr(p, "not supported yet: redirection ('%s')", cur(p)->s);
		}
		nx(p);
		return x;
	}
	if (*rest == '&') {
		ps_node_free(x);
		return perr(p, "not supported yet: redirection ('%s')", cur(p)->s);
	}
	if (*rest) { /* >out.txt, 2>$null: the target in the same word */
		if (!strcasecmp(rest, "$null")) {
			target = mk(X_VAR, "null");
		} else {
			target = mk(X_LIT, NULL);
			target->v = json_string(rest);
		}
		nx(p);
	} else {
		nx(p);
		if (cur(p)->t == K_WORD) {
			target = mk(X_LIT, NULL);
			target->v = json_string(cur(p)->s);
			nx(p);
		} else if (cur(p)->t == K_EOF || cur(p)->t == K_SEP || cur(p)->t == K_PIPE || !(target = primary(p))) {
			ps_node_free(x);
			return p->err[0] ? NULL : perr(p, "Missing file specification after redirection operator.%s", "");
		}
	}
	push(x, target);
	return x;
}

static struct node *pipeline(struct ps *p)
{
	struct node *pl = mk(X_PIPE, NULL);
	for (;;) {
		struct node *e;
		long long a, b;
		if (cur(p)->t == K_WORD && (!strcmp(cur(p)->s, "&") || !strcmp(cur(p)->s, ".")))
			e = perr(p, "not supported yet: the call operator '%s'", cur(p)->s);
		else if (cur(p)->t == K_WORD && !(pl->n == 0 && is_range(cur(p)->s, &a, &b)))
			e = command(p);
		else if (pl->n == 0)
			e = expr(p);
		else
			e = (struct node *)perr(p, "Expressions are only allowed as the first element of a pipeline.%s", "");
		if (!e) {
			ps_node_free(pl);
			return NULL;
		}
		push(pl, e);
		while (is_redirect(cur(p))) {
			struct node *r = redirect(p);
			if (!r) {
				ps_node_free(pl);
				return NULL;
			}
			push(pl, r);
		}
		if (cur(p)->t != K_PIPE)
			return pl;
		if (pl->kid[pl->n - 1]->k == X_REDIR) {
			ps_node_free(pl);
			return perr(p, "not supported yet: redirection before the end of a pipeline%s", "");
		}
		nx(p);
		skip_seps(p);
	}
}

/* [Type] as a word: the K_LBRACK was current; NULL when it is not a type name */
static char *type_name(struct ps *p)
{
	if (cur(p)->t != K_LBRACK || peek(p, 1)->t != K_WORD || peek(p, 2)->t != K_RBRACK)
		return NULL;
	char *name = strdup(peek(p, 1)->s);
	nx(p), nx(p), nx(p);
	return name;
}

/* (a, b, …) of a method call, at '(': each argument pushed on m; 0 after an error */
static int call_args(struct ps *p, struct node *m)
{
	nx(p);
	p->no_comma++;
	while (cur(p)->t != K_RP) {
		struct node *a = expr(p);
		if (!a) {
			p->no_comma--;
			return 0;
		}
		push(m, a);
		if (cur(p)->t == K_COMMA) {
			nx(p);
		} else if (cur(p)->t != K_RP) {
			p->no_comma--;
			perr(p, "Missing closing ')' in method call.%s", "");
			return 0;
		}
	}
	p->no_comma--;
	nx(p);
	return 1;
}

/* param( [type]$a = default, [switch]$b ): after the keyword, at '(' */
static struct node *params(struct ps *p)
{
	struct node *x = mk(X_PARAM, NULL);
	nx(p); /* ( */
	for (;;) {
		skip_seps(p);
		if (cur(p)->t == K_RP) {
			nx(p);
			return x;
		}
		char *type = NULL, *t;
		while ((t = type_name(p))) { /* [Parameter(...)] attributes are not supported: refused below */
			free(type);
			type = t;
			skip_seps(p);
		}
		if (cur(p)->t != K_VAR) {
			free(type);
			ps_node_free(x);
			return perr(p, "Missing variable name in the parameter list (attributes such as [Parameter()] are not supported yet).%s", "");
		}
		struct node *a = mk(X_ARG, cur(p)->s);
		a->has_value = type && !strcasecmp(type, "switch");
		free(type);
		nx(p);
		if (cur(p)->t == K_ASSIGN) {
			nx(p);
			p->no_comma++;
			struct node *d = expr(p);
			p->no_comma--;
			if (!d) {
				ps_node_free(a);
				ps_node_free(x);
				return NULL;
			}
			push(a, d);
		}
		push(x, a);
		skip_seps(p);
		if (cur(p)->t == K_COMMA)
			nx(p);
		else if (cur(p)->t != K_RP) {
			ps_node_free(x);
			return perr(p, "Missing ')' in function parameter list.%s", "");
		}
	}
}

/* function Name [(params)] { [param(...)] statements } */
static struct node *function(struct ps *p)
{
	nx(p);
	if (cur(p)->t != K_WORD) {
		return perr(p, "Missing name after function keyword.%s", "");
	}
	struct node *f = mk(X_FUNC, cur(p)->s), *pa = NULL;
	nx(p);
	if (cur(p)->t == K_LP && !(pa = params(p))) {
		ps_node_free(f);
		return NULL;
	}
	skip_seps(p);
	if (cur(p)->t != K_LB) {
		ps_node_free(pa);
		ps_node_free(f);
		return perr(p, "Missing function body in function declaration.%s", "");
	}
	nx(p);
	skip_seps(p);
	if (cur(p)->t == K_WORD && !strcasecmp(cur(p)->s, "param") && peek(p, 1)->t == K_LP) {
		if (pa) {
			ps_node_free(f);
			ps_node_free(pa);
			return perr(p, "A function cannot have both a parameter list and a param block.%s", "");
		}
		nx(p);
		if (!(pa = params(p))) {
			ps_node_free(f);
			return NULL;
		}
	}
	struct node *body = statements(p, K_RB);
	if (!body || cur(p)->t != K_RB) {
		ps_node_free(body);
		ps_node_free(pa);
		ps_node_free(f);
		return body ? perr(p, "Missing closing '}' in statement block or type definition.%s", "") : NULL;
	}
	nx(p);
	push(f, pa ? pa : mk(X_PARAM, NULL));
	push(f, body);
	return f;
}

/* for (init; condition; step) { body }: X_FOR, kids init, condition, step (each may be
 * an empty X_STMTS) and the body */
static struct node *for_statement(struct ps *p)
{
	nx(p);
	if (cur(p)->t != K_LP)
		return perr(p, "Missing opening '(' after keyword 'for'.%s", "");
	nx(p);
	struct node *x = mk(X_FOR, NULL);
	for (int part = 0; part < 3; part++) {
		struct node *e = mk(X_STMTS, NULL);
		enum tk end = part < 2 ? K_SEP : K_RP;
		if (cur(p)->t != end) {
			struct node *st = part == 1 ? pipeline(p) : statement(p);
			if (!st) {
				ps_node_free(e);
				ps_node_free(x);
				return NULL;
			}
			push(e, st);
		}
		push(x, e);
		if (cur(p)->t != end) {
			ps_node_free(x);
			return perr(p, "Missing %s in the for statement.", part < 2 ? "';'" : "')'");
		}
		nx(p);
	}
	skip_seps(p);
	struct node *b;
	if (cur(p)->t != K_LB || !(b = block(p))) {
		ps_node_free(x);
		return p->err[0] ? NULL : perr(p, "Missing statement body in for loop.%s", "");
	}
	push(x, b);
	return x;
}

/* switch [-Wildcard|-Regex|-Exact] (pipeline) { condition { body } … default { body } } */
static struct node *switch_statement(struct ps *p)
{
	struct node *x = mk(X_SWITCH, NULL), *v;
	nx(p);
	while (cur(p)->t == K_DASH) {
		const char *o = cur(p)->s;
		if (!strcasecmp(o, "Wildcard") || !strcasecmp(o, "Regex")) {
			free(x->s);
			x->s = strdup(!strcasecmp(o, "Wildcard") ? "wildcard" : "regex");
		} else if (strcasecmp(o, "Exact")) {
			ps_node_free(x);
			return perr(p, "not supported yet: the switch option '-%s'", o);
		}
		nx(p);
	}
	if (cur(p)->t != K_LP) {
		ps_node_free(x);
		return perr(p, "Missing '(' after 'switch' (not supported yet: switch -File).%s", "");
	}
	nx(p);
	if (!(v = pipeline(p)) || cur(p)->t != K_RP) {
		ps_node_free(v);
		ps_node_free(x);
		return p->err[0] ? NULL : perr(p, "Missing closing ')' after expression in 'switch' statement.%s", "");
	}
	nx(p);
	push(x, v);
	skip_seps(p);
	if (cur(p)->t != K_LB) {
		ps_node_free(x);
		return perr(p, "Missing opening '{' after 'switch' condition.%s", "");
	}
	nx(p);
	for (;;) {
		skip_seps(p);
		if (cur(p)->t == K_RB) {
			nx(p);
			return x;
		}
		struct node *cond, *body;
		if (cur(p)->t == K_WORD && !strcasecmp(cur(p)->s, "default")) {
			cond = mk(X_ARG, "default");
			nx(p);
		} else if (!(cond = primary(p))) {
			ps_node_free(x);
			return NULL;
		}
		skip_seps(p);
		if (cur(p)->t != K_LB || !(body = block(p))) {
			ps_node_free(cond);
			ps_node_free(x);
			return p->err[0] ? NULL : perr(p, "Missing statement block in switch statement clause.%s", "");
		}
		push(x, cond);
		push(x, body);
	}
}

/* try { } catch [T1], [T2] { } catch { } finally { } */
static struct node *try_statement(struct ps *p)
{
	struct node *x = mk(X_TRY, NULL), *b;
	nx(p);
	skip_seps(p);
	if (cur(p)->t != K_LB || !(b = block(p))) {
		ps_node_free(x);
		return p->err[0] ? NULL : perr(p, "Missing statement block after 'try'.%s", "");
	}
	push(x, b);
	for (;;) {
		int save = p->l->pos;
		skip_seps(p);
		if (cur(p)->t == K_WORD && !strcasecmp(cur(p)->s, "catch")) {
			nx(p);
			/* every type named: a cut list would catch other errors */
			struct buf types;
			char *t;
			int full = 0;
			ecr_buf_init(&types, TOKEN_MAX);
			while ((t = type_name(p))) {
				full |= ecr_buf_printf(&types, "%s%s", types.len ? "," : "", t);
				free(t);
				if (cur(p)->t != K_COMMA)
					break;
				nx(p);
			}
			if (full) {
				ecr_buf_release(&types);
				ps_node_free(x);
				return perr(p, "The catch block names more types than a script can.%s", "");
			}
			skip_seps(p);
			struct node *c = mk(X_CATCH, types.data);
			ecr_buf_release(&types);
			if (cur(p)->t != K_LB || !(b = block(p))) {
				ps_node_free(c);
				ps_node_free(x);
				return p->err[0] ? NULL : perr(p, "Missing statement block in catch block.%s", "");
			}
			push(c, b);
			push(x, c);
			continue;
		}
		if (cur(p)->t == K_WORD && !strcasecmp(cur(p)->s, "finally")) {
			nx(p);
			skip_seps(p);
			struct node *f = mk(X_FINALLY, NULL);
			if (cur(p)->t != K_LB || !(b = block(p))) {
				ps_node_free(f);
				ps_node_free(x);
				return p->err[0] ? NULL : perr(p, "Missing statement block in finally block.%s", "");
			}
			push(f, b);
			push(x, f);
			break; /* finally is last */
		}
		p->l->pos = save; /* what follows is the next statement */
		break;
	}
	if (x->n == 1) {
		ps_node_free(x);
		return perr(p, "The Try statement is missing its Catch or Finally block.%s", "");
	}
	return x;
}

/* What an assignment assigns: a pipeline, or a statement ($r = switch/if/foreach …,
 * whose output it takes, as $( ) gives it). NULL after an error. */
static struct node *assign_value(struct ps *p)
{
	static const char *const flow[] = {"switch", "if", "foreach", "for", "while", "do", "try", NULL};
	int stmt = 0;
	for (const char *const *f = flow; cur(p)->t == K_WORD && *f; f++)
		stmt |= !strcasecmp(cur(p)->s, *f);
	if (!stmt)
		return pipeline(p);
	struct node *st = statement(p);
	if (!st)
		return NULL;
	struct node *body = mk(X_STMTS, NULL), *sub = mk(X_SUB, NULL), *v = mk(X_PIPE, NULL);
	push(body, st);
	push(sub, body);
	push(v, sub);
	return v;
}

/* $a[i] = v, $h.Name = v, $c[$k] += 1, $c[$k]++: assignment to an element or a
 * property. The target is parsed as an expression; when no assignment follows, 0 and
 * p unchanged (the tokens are read again as a pipeline); else 1 with *out the node, or
 * NULL after an error. */
static int element_assignment(struct ps *p, struct node **out)
{
	int save = p->l->pos;
	struct node *target = primary(p), *x = NULL, *v = NULL;
	int op = 0;
	if (target && (target->k == X_MEMBER || target->k == X_INDEX)) {
		struct tok *t = cur(p), *n = peek(p, 1);
		if (t->t == K_ASSIGN)
			op = '=';
		else if (t->t == K_WORD && !t->space && (!strcmp(t->s, "++") || !strcmp(t->s, "--")))
			op = t->s[0] == '+' ? 'i' : 'd';
		else if (t->t == K_WORD && strlen(t->s) == 1 && strchr("+-*/%", t->s[0]) && n->t == K_ASSIGN && !n->space)
			op = t->s[0];
	}
	if (!op) {
		ps_node_free(target);
		p->l->pos = save;
		p->err[0] = '\0';
		p->at_eof = 0;
		return 0;
	}
	*out = NULL;
	x = mk(X_ASSIGN, NULL);
	if (op == 'i' || op == 'd') { /* $c[$k]++: += 1 */
		struct node *one = mk(X_LIT, NULL);
		one->v = json_integer(1);
		v = mk(X_PIPE, NULL);
		push(v, one);
		x->has_value = op == 'i' ? '+' : '-';
		nx(p);
	} else {
		x->has_value = op == '=' ? 0 : op;
		nx(p);
		if (op != '=')
			nx(p);
		if (!(v = assign_value(p))) {
			ps_node_free(target);
			ps_node_free(x);
			return 1;
		}
	}
	push(x, v);
	push(x, target);
	*out = x;
	return 1;
}

static struct node *if_statement(struct ps *p)
{
	nx(p); /* if */
	struct node *x = mk(X_IF, NULL);
	for (;;) {
		if (cur(p)->t != K_LP) {
			ps_node_free(x);
			return perr(p, "Missing '(' after 'if' in if statement.%s", "");
		}
		nx(p);
		struct node *cond = pipeline(p);
		if (!cond || cur(p)->t != K_RP) {
			ps_node_free(cond);
			ps_node_free(x);
			return cond ? perr(p, "Missing closing ')' after expression in 'if' statement.%s", "") : NULL;
		}
		nx(p);
		skip_seps(p);
		if (cur(p)->t != K_LB) {
			ps_node_free(cond);
			ps_node_free(x);
			return perr(p, "Missing statement block after if ( condition ).%s", "");
		}
		struct node *b = block(p);
		if (!b) {
			ps_node_free(cond);
			ps_node_free(x);
			return NULL;
		}
		push(x, cond);
		push(x, b);
		int save = p->l->pos;
		skip_seps(p);
		if (cur(p)->t == K_WORD && !strcasecmp(cur(p)->s, "elseif")) {
			nx(p);
			continue;
		}
		if (cur(p)->t == K_WORD && !strcasecmp(cur(p)->s, "else")) {
			nx(p);
			skip_seps(p);
			struct node *e = cur(p)->t == K_LB ? block(p) : NULL;
			if (!e) {
				ps_node_free(x);
				return perr(p, "Missing statement block after 'else' keyword.%s", "");
			}
			push(x, e);
		} else {
			p->l->pos = save;
		}
		return x;
	}
}

static struct node *foreach_statement(struct ps *p)
{
	nx(p);
	if (cur(p)->t != K_LP || peek(p, 1)->t != K_VAR || peek(p, 2)->t != K_WORD || strcasecmp(peek(p, 2)->s, "in"))
		return perr(p, "Missing variable name after foreach.%s", "");
	struct node *x = mk(X_FOREACH, peek(p, 1)->s);
	nx(p), nx(p), nx(p);
	struct node *coll = pipeline(p);
	if (!coll || cur(p)->t != K_RP) {
		ps_node_free(coll);
		ps_node_free(x);
		return coll ? perr(p, "Missing closing ')' after expression in 'foreach' statement.%s", "") : NULL;
	}
	nx(p);
	skip_seps(p);
	struct node *b = cur(p)->t == K_LB ? block(p) : NULL;
	if (!b) {
		ps_node_free(coll);
		ps_node_free(x);
		return perr(p, "Missing statement body in foreach loop.%s", "");
	}
	push(x, coll);
	push(x, b);
	return x;
}

/* while (cond) { … }  /  do { … } while|until (cond): kids are cond, body */
static struct node *loop_statement(struct ps *p, int is_do)
{
	struct node *x = mk(is_do ? X_DO : X_WHILE, NULL), *body = NULL, *cond = NULL;
	nx(p);
	skip_seps(p);
	if (is_do) {
		if (cur(p)->t != K_LB || !(body = block(p))) {
			ps_node_free(x);
			return perr(p, "Missing statement block in do loop.%s", "");
		}
		skip_seps(p);
		if (cur(p)->t != K_WORD || (strcasecmp(cur(p)->s, "while") && strcasecmp(cur(p)->s, "until"))) {
			ps_node_free(body);
			ps_node_free(x);
			return perr(p, "Missing while or until keyword in do loop.%s", "");
		}
		x->s = strdup(cur(p)->s[0] == 'u' || cur(p)->s[0] == 'U' ? "until" : "while");
		nx(p);
	}
	if (cur(p)->t != K_LP) {
		perr(p, "Missing opening '(' after keyword '%s'.", is_do ? x->s : "while"); /* before x goes */
		ps_node_free(body);
		ps_node_free(x);
		return NULL;
	}
	nx(p);
	cond = pipeline(p);
	if (!cond || cur(p)->t != K_RP) {
		ps_node_free(cond);
		ps_node_free(body);
		ps_node_free(x);
		return cond ? perr(p, "Missing closing ')' after expression in '%s' statement.", "while") : NULL;
	}
	nx(p);
	if (!is_do) {
		skip_seps(p);
		if (cur(p)->t != K_LB || !(body = block(p))) {
			ps_node_free(cond);
			ps_node_free(x);
			return perr(p, "Missing statement body in while loop.%s", "");
		}
	}
	push(x, cond);
	push(x, body);
	return x;
}

/* A statement that starts with a variable: $i++, $a.b = / $a[0] = …, $x = / $x += …, or a
 * pipeline */
static struct node *var_statement(struct ps *p)
{
	struct tok *t = cur(p);
	if (peek(p, 1)->t == K_WORD && !peek(p, 1)->space && (!strcmp(peek(p, 1)->s, "++") || !strcmp(peek(p, 1)->s, "--"))) {
		/* $i++ / $i--: as $i += 1 (a statement here, as scripts use it) */
		struct node *x = mk(X_ASSIGN, t->s), *pl = mk(X_PIPE, NULL), *one = mk(X_LIT, NULL);
		x->has_value = peek(p, 1)->s[0];
		one->v = json_integer(1);
		push(pl, one);
		push(x, pl);
		nx(p), nx(p);
		return x;
	}
	if (peek(p, 1)->t == K_DOT || (peek(p, 1)->t == K_LBRACK && !peek(p, 1)->space)) {
		struct node *x;
		if (element_assignment(p, &x))
			return x;
	}
	int compound = peek(p, 1)->t == K_WORD && strlen(peek(p, 1)->s) == 1 &&
		       strchr("+-*/%", peek(p, 1)->s[0]) && peek(p, 2)->t == K_ASSIGN && !peek(p, 2)->space;
	if (peek(p, 1)->t == K_ASSIGN || compound) {
		struct node *x = mk(X_ASSIGN, t->s);
		if (compound) { /* $n += 1: the operator kept in has_value */
			x->has_value = peek(p, 1)->s[0];
			nx(p);
		}
		nx(p), nx(p);
		struct node *v = assign_value(p);
		if (!v) {
			ps_node_free(x);
			return NULL;
		}
		push(x, v);
		return x;
	}
	return pipeline(p);
}

/* break, continue; exit [expression]; throw [pipeline]; return [pipeline] (value: 0
 * none, 1 an expression, 2 a pipeline) */
static struct node *jump_statement(struct ps *p, enum nk kind, int value)
{
	struct node *x = mk(kind, NULL);
	nx(p);
	if (value && cur(p)->t != K_SEP && cur(p)->t != K_EOF && cur(p)->t != K_RB) {
		struct node *v = value == 2 ? pipeline(p) : expr(p);
		if (!v) {
			ps_node_free(x);
			return NULL;
		}
		push(x, v);
	}
	return x;
}

/* The statement keywords, as words (PowerShell's are words too: `Write-Output if` is an
 * argument), matched in any case where a statement begins. */
enum kw { KW_NONE, KW_IF, KW_FOREACH, KW_WHILE, KW_DO, KW_BREAK, KW_CONTINUE, KW_EXIT, KW_THROW, KW_RETURN,
	  KW_TRY, KW_FUNCTION, KW_PARAM, KW_FOR, KW_SWITCH, KW_UNSUPPORTED };

static enum kw keyword(const struct tok *t)
{
	static const struct { const char *word; enum kw kw; } rows[] = {
		{"if", KW_IF}, {"foreach", KW_FOREACH}, {"while", KW_WHILE}, {"do", KW_DO}, {"break", KW_BREAK},
		{"continue", KW_CONTINUE}, {"exit", KW_EXIT}, {"throw", KW_THROW}, {"return", KW_RETURN}, {"try", KW_TRY},
		{"function", KW_FUNCTION}, {"param", KW_PARAM}, {"for", KW_FOR}, {"switch", KW_SWITCH},
		{"filter", KW_UNSUPPORTED}, {"trap", KW_UNSUPPORTED}, {"class", KW_UNSUPPORTED},
	};
	for (size_t i = 0; t->t == K_WORD && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcasecmp(t->s, rows[i].word))
			return rows[i].kw;
	return KW_NONE;
}

static struct node *statement(struct ps *p)
{
	struct tok *t = cur(p);
	switch (keyword(t)) {
	case KW_IF: return if_statement(p);
	case KW_FOREACH: return foreach_statement(p);
	case KW_WHILE: return loop_statement(p, 0);
	case KW_DO: return loop_statement(p, 1);
	case KW_BREAK: return jump_statement(p, X_BREAK, 0);
	case KW_CONTINUE: return jump_statement(p, X_CONTINUE, 0);
	case KW_EXIT: return jump_statement(p, X_EXIT, 1);
	case KW_THROW: return jump_statement(p, X_THROW, 2);
	case KW_RETURN: return jump_statement(p, X_RETURN, 2);
	case KW_TRY: return try_statement(p);
	case KW_FUNCTION: return function(p);
	case KW_PARAM: /* a keyword only before '(' */
		return peek(p, 1)->t == K_LP ? (nx(p), params(p)) : pipeline(p);
	case KW_FOR: return for_statement(p);
	case KW_SWITCH: return switch_statement(p);
	case KW_UNSUPPORTED: return perr(p, "not supported yet: the '%s' statement", t->s);
	case KW_NONE: break;
	}
	return t->t == K_VAR ? var_statement(p) : pipeline(p);
}

static struct node *statements(struct ps *p, enum tk until)
{
	struct node *s = mk(X_STMTS, NULL);
	for (;;) {
		skip_seps(p);
		if (cur(p)->t == K_EOF || cur(p)->t == until)
			return s;
		struct node *x = statement(p);
		if (!x) {
			ps_node_free(s);
			return NULL;
		}
		push(s, x);
		if (cur(p)->t != K_SEP && cur(p)->t != K_EOF && cur(p)->t != until) {
			ps_node_free(s);
			return perr(p, "Unexpected token in expression or statement.%s", "");
		}
	}
}

struct node *ps_parse(const char *src, char *err, size_t n, int *incomplete)
{
	struct lx l = {0};
	struct ps p = {.l = &l};
	struct node *x = NULL;
	*incomplete = 0;
	/* a script's bytes that are not UTF-8 read as .NET reads them (U+FFFD), never as a
	   string that vanishes from what the script sends or prints */
	char *fixed = NULL;
	size_t fixed_len;
	if (fe_utf8_repair(src, strlen(src), &fixed, &fixed_len) > 0)
		src = fixed;
	if (lex(&l, src)) {
		snprintf(err, n, "%s", l.err);
		*incomplete = l.open_string;
	} else if (!(x = statements(&p, K_EOF))) {
		snprintf(err, n, "%s", p.err[0] ? p.err : "syntax error");
		*incomplete = p.at_eof;
	} else if (cur(&p)->t != K_EOF) {
		ps_node_free(x);
		x = NULL;
		snprintf(err, n, "Unexpected token '%s' in expression or statement.",
			 cur(&p)->t == K_RB ? "}" : cur(&p)->t == K_RP ? ")" : "?");
	}
	for (int i = 0; i < l.n; i++)
		free(l.v[i].s);
	free(l.v);
	free(fixed);
	return x;
}
