/* The PowerShell language subset: parse tree, evaluation, pipeline runner, built-in
 * commands. Shared by -Command, -File and the interactive shell. */
#ifndef PS_LANG_H
#define PS_LANG_H
#include <stddef.h>

#include "ps_int.h"

/* Caps on what one value may grow to (README "Caps"): past them PowerShell's own
 * out-of-memory errors, never a value cut short. */
#define PS_MAX_STRING (64u << 20)  /* characters (bytes) in a string built by + or * */
#define PS_MAX_ITEMS 1000000u      /* elements of a range or a repeated array */

enum nk { X_LIT, X_DSTR, X_VAR, X_MEMBER, X_SUB, X_ARRAY, X_HASH, X_BIN, X_NOT, X_BLOCK, X_PIPE, X_CMD, X_ASSIGN,
	  X_IF, X_FOREACH, X_EXIT, X_STMTS, X_ARG, X_INDEX, X_WHILE, X_DO, X_BREAK, X_CONTINUE,
	  X_TRY,      /* kids: the body (X_BLOCK), then X_CATCH (s: "T1,T2" or NULL) and X_FINALLY */
	  X_CATCH, X_FINALLY, X_THROW, X_RETURN,
	  X_FUNC,     /* s: name; kid 0: X_PARAM; kid 1: the body (X_STMTS) */
	  X_PARAM,    /* kids: X_ARG, s the name, has_value 1 for [switch], kid 0 the default */
	  X_CAST,     /* s: the type, lower-cased; kid 0: the value */
	  X_METHOD,   /* s: the method; kid 0: the object; then the arguments */
	  X_FOR,      /* kids: init, condition, step (X_STMTS, maybe empty), body */
	  X_SWITCH,   /* s: "wildcard", "regex" or NULL; kid 0: the value; then condition, body
			 pairs (a condition X_ARG "default" is the default clause) */
	  X_STATIC,   /* s: "type::member"; kids: the arguments of a call */
	  X_REDIR,    /* the last kids of an X_PIPE: s "1>", "2>>", "2&1", "*>" …; kid 0 the target */
	  X_BNOT,     /* -bnot: kid 0 the value */
	  X_TYPE };   /* a type literal ([int] with no value after it): s the .NET full name */

struct ps_op;
struct node {
	enum nk k;            /* kind */
	char *s;              /* name, operator, string template, parameter */
	const struct ps_op *op; /* X_BIN: the operator's row (ps_ops), resolved by the parser */
	int cs;               /* X_BIN: the -c… (case-sensitive) spelling */
	json_t *v;            /* literal */
	struct node **kid;    /* children */
	int n;                /* how many */
	int has_value;        /* X_ARG: a value follows the parameter */
};

struct ps_barg;
struct ps_sess;
/* A source of commands the runner dispatches to by name (the built-ins): held by the
 * session, so the runner (ps_exec.c) does not depend on what sits above it. */
struct ps_commands {
	int (*exists)(const char *name);
	/* 1 when param names a switch of that command (so the next argument is not its value) */
	int (*is_switch)(const char *name, const char *param);
	/* runs it over input (a list, or NULL when it is first); appends to out; 0 or 1 */
	int (*run)(const char *name, const struct ps_barg *a, int n, json_t *input, json_t *out, struct ps_sess *s);
};

/* What becomes of errors in a session (ps_err.c) */
struct ps_errs {
	int trap_depth;                 /* try bodies being run */
	char command_action;            /* the running command's -ErrorAction (an action letter), or 0 */
	struct ps_redirect errors_to;   /* 2> of the running pipeline */
	struct ps_redirect warnings_to; /* 3> of the running pipeline */
	int stop_requested;             /* an error met the Stop action: the script ends */
	json_t *pending;                /* the error the innermost try will catch */
	json_t *all;                    /* $Error, newest first (ps_var.c reads and sets it) */
};

#define PS_MAX_CALL_DEPTH 100 /* function calls; deeper is PowerShell's call depth overflow */

/* One run of the interpreter: a script, a -Command, or an interactive session. All of
 * the interpreter's state is here, passed to every function that needs it (as Lua
 * passes lua_State), so two sessions in one process never see each other's. */
struct ps_sess {
	const struct ps_commands *builtins; /* the built-in commands (ps_sess_init sets them) */
	struct ps_out *out;   /* what statements display (Out-Default); errors flush it first */
	json_t *scopes[PS_MAX_CALL_DEPTH + 1]; /* variables: [0] global, one more per call */
	int nscopes;          /* scopes in use */
	json_t *functions;    /* name lower-cased -> the X_FUNC node (in trees), or NULL */
	struct ps_errs err;   /* errors: try state, -ErrorAction, redirections, $Error */
	int interactive;      /* confirmation prompts may read the terminal */
	int exited;           /* an `exit` ran */
	int exit_code;        /* its value */
	int last_ok;          /* $? of the last pipeline */
	int error;            /* a terminating error stopped the script */
	int jump;             /* a break (1), continue (2) or return (3) is leaving its body */
	struct node **trees;  /* parsed trees, kept while script blocks may refer to them */
	int ntrees;
};

/* ps_parse.c: a tree (free with ps_node_free), or NULL with a message in err. *incomplete
 * is set when more lines could complete it (an open brace, parenthesis or string). */
struct node *ps_parse(const char *src, char *err, size_t n, int *incomplete);
void ps_node_free(struct node *x);

/* ps_var.c: variables by scope */
json_t *ps_var_get(struct ps_sess *s, const char *name);
int ps_scope_push(struct ps_sess *s);   /* a function's scope; -1 past PS_MAX_CALL_DEPTH */
void ps_scope_pop(struct ps_sess *s);
void ps_var_set(struct ps_sess *s, const char *name, json_t *v);
void ps_vars_free(struct ps_sess *s);
/* ps_member.c: $v.name (new reference) */
json_t *ps_member(json_t *v, const char *name);
/* ps_binop.c: the binary operators, one row each in ps_ops (ended by a NULL name) */
enum {
	PS_OP_CMP = 1,      /* a comparison: Where-Object takes it as -Param and -CParam */
	PS_OP_CASEABLE = 2, /* -c… (case-sensitive) and -i… spellings exist */
	PS_OP_AND = 4,      /* logical: a false left side decides, the right is not evaluated */
	PS_OP_OR = 8,       /* logical: a true left side decides */
	PS_OP_ARITH = 16,   /* + - * / %: written without a dash */
};
struct ps_op {
	const char *name;   /* as written after '-' (lower case), or the arithmetic sign */
	const char *param;  /* PS_OP_CMP: Where-Object's parameter ("EQ", "NotLike") */
	const char *cparam; /* PS_OP_CMP: its case-sensitive one ("CEQ"), NULL for -Is -IsNot */
	int flags;          /* PS_OP_… */
	int prec;           /* binding: 1 -and -or -xor, 2 -band -bor -bxor, 3 comparisons, 4 + -, 5 * / %, 6 -f */
	/* a op b (new reference; NULL or $null after an error was raised); cs: -c… */
	json_t *(*fn)(struct ps_sess *s, json_t *a, json_t *b, int cs);
};
extern const struct ps_op ps_ops[];
/* The row of an operator as written ("eq", "CEQ", "ilike", "+"), case-insensitively;
 * *cs is 1 for a -c… spelling. NULL: not an operator. */
const struct ps_op *ps_op_find(const char *name, int *cs);
/* a op b by the operator's name, for callers that hold a name ("like", "join", "eq") */
json_t *ps_binop(struct ps_sess *s, const char *op, json_t *a, json_t *b);
int ps_compare(json_t *a, json_t *b);  /* as -eq: <0, 0, >0, or 2: not comparable */
json_t *ps_bnot(struct ps_sess *s, json_t *v); /* -bnot v (new reference); NULL after an error */
/* ps_parse.c: a PowerShell number literal ("5", "0x1F", "2.5", "1kb") into *out (new
 * reference) when out is given; 0 when s is one, -1 when not */
int ps_num_literal(const char *s, json_t **out);

/* ps_conv.c: the types the subset knows by name ([int], [Amazon.ECR.Model.Repository]) */
/* name as a type literal writes it ("int", "System.Int32", case-insensitive) to its .NET
 * full name in full; 1 when known */
int ps_type_lookup(const char *name, char *full, size_t n);
json_t *ps_type_value(const char *full);        /* the System.RuntimeType value of [full] */
const char *ps_net_type(json_t *v);             /* v.GetType().FullName; static storage */
int ps_is_instance(json_t *v, const char *full); /* v -is [full] */
/* v converted to [full] as a cast converts it (new reference; v borrowed), or NULL with
 * PowerShell's message for the failure in why */
json_t *ps_convert(const char *full, json_t *v, char *why, size_t n);

/* ps_eval.c: values are jansson values; PowerShell objects as in ps_obj.c, script
 * blocks as {"\001block": node}. NULL means an error was reported. */
json_t *ps_eval(struct node *x, struct ps_sess *s);
json_t *ps_call_block(json_t *block, json_t *item, struct ps_sess *s);
int ps_is_block(json_t *v);
/* ps_date.c: DateTime (and TimeSpan) values */
json_t *ps_date_new(double epoch_seconds, int utc);
int ps_is_date(json_t *v);
double ps_date_time(json_t *v);
char *ps_date_format(json_t *d, const char *net_format);  /* caller frees */
char *ps_date_uformat(json_t *d, const char *unix_format); /* caller frees */
json_t *ps_date_parse(const char *text);
json_t *ps_date_sub(json_t *a, json_t *b);
json_t *ps_date_member(json_t *d, const char *name);
json_t *ps_date_method(json_t *d, const char *method, json_t **args, int n);

/* ps_fmt.c: fmt -f args (args a list) */
json_t *ps_format_op(struct ps_sess *s, json_t *fmt, json_t *args);

/* ps_method.c: v.m(args) with the arguments already evaluated; NULL after an error */
json_t *ps_method(struct ps_sess *s, json_t *v, const char *m, json_t **args, int n);
/* [type]::Member and [type]::Method(args) (member "type::Name"); NULL after an error */
json_t *ps_static(struct ps_sess *s, const char *member, json_t **args, int n);
/* A pipeline's output as a single value: nothing is $null, one item is itself. */
json_t *ps_unwrap(json_t *list);

/* ps_exec.c: a pipeline's output (a list, new reference), NULL when it failed. */
json_t *ps_run_pipeline(struct node *pl, struct ps_sess *s, json_t *input);
/* Statements: with display, their output goes to s->out and an empty list comes back. */
json_t *ps_run_statements(struct node *st, struct ps_sess *s, int display);
/* Runs source text in the session; 0 or 1 (parse error or terminating error). */
int ps_run_source(const char *src, struct ps_sess *s);
/* ps_sess.c */
void ps_sess_init(struct ps_sess *s, int interactive);
void ps_sess_done(struct ps_sess *s);

/* ps_builtins.c: the built-in commands. Arguments as the runner bound them. */
struct ps_barg {
	const char *name;     /* parameter as written (no '-'), NULL when positional */
	json_t *value;        /* borrowed; NULL for a switch */
};
extern const struct ps_commands ps_builtin_commands;
/* Names for completion: built-ins and their aliases. */
const char *ps_builtin_name(int i);

/* ps_shell.c */
int ps_shell(void);  /* its own session */

#endif
