/* JMESPath's parts between its three files: the tree jp_compile.c builds, the
 * interpreter in jp_eval.c that walks it, and the built-in functions in jp_func.c.
 * jp_eval and jp_func call each other, as jmespath.py's interpreter and functions do:
 * a function call is evaluated, and a function evaluates its expref arguments. */
#ifndef JP_INT_H
#define JP_INT_H
#include "jmespath.h"

/* tokens: a comparator node keeps its operator's */
enum tok {
	T_EOF, T_UNQUOTED, T_QUOTED, T_LITERAL, T_RBRACKET, T_RPAREN, T_COMMA, T_RBRACE, T_NUMBER, T_CURRENT,
	T_EXPREF, T_COLON, T_PIPE, T_OR, T_AND, T_EQ, T_GT, T_LT, T_GTE, T_LTE, T_NE, T_FLATTEN, T_STAR, T_FILTER,
	T_DOT, T_NOT, T_LBRACE, T_LBRACKET, T_LPAREN,
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

/* An evaluation: where its runtime error goes, and whether one happened. */
struct jp_ctx {
	struct jp_error *err;  /* runtime errors */
	int failed;            /* set at the first one */
};

void jp_set_err(struct jp_error *e, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A new reference, or NULL with c->failed set. */
json_t *jp_eval(struct jp_ctx *c, const struct jp_node *n, json_t *v);
/* A function node applied to the current value v. */
json_t *jp_call(struct jp_ctx *c, const struct jp_node *n, json_t *v);
int jp_equal(json_t *a, json_t *b);
const char *jp_type_name(json_t *v);

#endif
