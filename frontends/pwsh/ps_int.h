/* Shared inside the cmdlet frontend. */
#ifndef PS_INT_H
#define PS_INT_H
#include <stddef.h>
#include <stdio.h>

#include "ps.h"

/* ps_bind.c: how every binder (cmdlets, built-ins, functions) reads a -Name token.
 * 1 when name[0..n) is one of the comma-separated aliases (prefix: or begins one). */
int ps_alias_is(const char *aliases, const char *name, size_t n, int prefix);
/* The i-th parameter of set: its name, and its aliases into *aliases (NULL: none); NULL
 * past the last. */
typedef const char *(*ps_param_at_fn)(const void *set, int i, const char **aliases);
#define PS_PARAM_NONE (-1)
#define PS_PARAM_AMBIGUOUS (-2)
/* The parameter name[0..n) means: an exact name or alias wins, else the one whose name
 * or alias it begins. Its index, PS_PARAM_NONE or PS_PARAM_AMBIGUOUS. */
int ps_param_match(const void *set, ps_param_at_fn at, const char *name, size_t n);

/* One argument's text (quotes included) as a PowerShell value (new reference). */
json_t *ps_value_parse(const char *text, char *err, size_t n);
/* ps_obj.c: PowerShell objects (see there), the bottom layer */
#define PS_TYPE_KEY "\001type"
#define PS_DICT_KEY "\001dict"
#define PS_BLOCK_KEY "\001block"
#define PS_HASH_KEY "\001hash"   /* a @{} hashtable: shows as Name/Value rows */
#define PS_ERROR_RECORD "System.Management.Automation.ErrorRecord"
int ps_is_marker(const char *key);
json_t *ps_prop(json_t *o, const char *name);      /* borrowed, case-insensitive */
const char *ps_type_name(json_t *o);
/* PascalCase of a camelCase member name into out. */
void ps_pascal(const char *camel, char *out, size_t n);
int ps_is_error_record(json_t *v);

/* ps_model.c: a core response's JSON of that model shape as PowerShell objects */
json_t *ps_obj_from_model(json_t *v, int shape);
/* ps_conv.c: a value as PowerShell converts it to string and bool */
char *ps_to_string(json_t *v);                     /* caller frees */
int ps_truthy(json_t *v);

/* ps_err.c: errors as ErrorRecords; shown at once, or kept for a try's catch */
#define PS_E_INVALID_OP "System.InvalidOperationException"
#define PS_E_ARGUMENT "System.ArgumentException"
#define PS_E_RUNTIME "System.Management.Automation.RuntimeException"
#define PS_E_BINDING "System.Management.Automation.ParameterBindingException"
#define PS_E_NOT_FOUND "System.Management.Automation.CommandNotFoundException"
#define PS_E_WRITE_ERROR "Microsoft.PowerShell.Commands.WriteErrorException"
struct ps_sess;
/* Raises an error from origin (a command name, or "Exception" for throw) of .NET type
 * type (inner: the SDK exception it wraps, or NULL). Terminating ones are kept when a
 * try is running; the others, and all outside a try, are shown. All of it is the
 * session's (struct ps_errs in ps_lang.h). */
void ps_raise(struct ps_sess *s, const char *origin, const char *type, const char *inner, int terminating,
	      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
json_t *ps_error_record(const char *origin, const char *type, const char *inner, const char *message);
void ps_error_push(struct ps_sess *s, json_t *record, int terminating);   /* record borrowed; into $Error too */
void ps_error_rethrow(struct ps_sess *s, json_t *record, int terminating); /* raised again: not into $Error */
void ps_error_throw(struct ps_sess *s, json_t *record);                    /* throw: $Error, then shown or caught */
int ps_error_is_a(json_t *record, const char *type);   /* catch [type] matches it */
void ps_trap_enter(struct ps_sess *s);
json_t *ps_trap_leave(struct ps_sess *s);              /* the kept error, or NULL */
int ps_error_pending(struct ps_sess *s);
/* Where 2> (errors) and 3> (warnings) send what would be shown; each returns the
 * previous setting, to be put back. */
struct ps_redirect {
	int drop;             /* > $null */
	FILE *f;              /* > file */
	json_t *sink;         /* 2>&1: error records appended here (borrowed) */
};
struct ps_redirect ps_redirect_errors(struct ps_sess *s, struct ps_redirect r);
struct ps_redirect ps_redirect_warnings(struct ps_sess *s, struct ps_redirect r);
void ps_warning(struct ps_sess *s, const char *text);   /* "WARNING: text", or where 3> says */
void ps_error_action(struct ps_sess *s, const char *a); /* the running command's -ErrorAction (NULL: none) */
int ps_error_stop_requested(struct ps_sess *s);         /* an error met Stop since the last call */
json_t *ps_too_big(struct ps_sess *s, int array);       /* a cap passed: OutOfMemoryException; NULL */

/* ps_csv.c: items as CSV lines, appended to out (see there) */
void ps_csv(json_t *items, const char *delim, char quotes, int type_info, int header, json_t *out);

/* ps_format.c: a value as a table cell or list line shows it; layouts */
void ps_cell(json_t *v, char *out, size_t n);
void ps_table(FILE *f, json_t *items, const char **cols, int nc);
void ps_list(FILE *f, json_t *items, const char **cols, int nc);

#endif
