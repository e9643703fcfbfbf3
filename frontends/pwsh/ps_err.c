/* Errors as PowerShell raises them. Each is an ErrorRecord whose Exception has the
 * .NET type PowerShell would have (a cmdlet's service error: InvalidOperationException
 * around Amazon.ECR.Model.<Code>; binding: ParameterBindingException; throw:
 * RuntimeException). Outside a try body it is shown at once in ConciseView, "Origin:
 * message" on stderr; inside one, the first terminating error is kept for the catch
 * (ps_exec.c). Every error is also put first in $Error. The state is the session's
 * (s->err); the session's display (s->out) is flushed before an error shows. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_int.h"
#include "ps_lang.h"
#include "str.h"

/* .NET base types, for `catch [Type]`: each type, then what it derives from */
static const char *const bases[][4] = {
	{"System.InvalidOperationException", "System.SystemException", "System.Exception", NULL},
	{"System.ArgumentException", "System.SystemException", "System.Exception", NULL},
	{"System.Management.Automation.RuntimeException", "System.SystemException", "System.Exception", NULL},
	{"System.Management.Automation.ParameterBindingException", "System.Management.Automation.RuntimeException",
	 "System.SystemException", "System.Exception"},
	{"System.Management.Automation.CommandNotFoundException", "System.Management.Automation.RuntimeException",
	 "System.SystemException", "System.Exception"},
	{"Microsoft.PowerShell.Commands.WriteErrorException", "System.SystemException", "System.Exception", NULL},
};

/* `[RuntimeException]` names System.Management.Automation.RuntimeException: PowerShell
 * resolves a short name against the namespaces it knows; so does this, by suffix */
static int same_type(const char *full, const char *wanted)
{
	size_t fl = strlen(full), wl = strlen(wanted);
	return !strcasecmp(full, wanted) || (wl < fl && full[fl - wl - 1] == '.' && !strcasecmp(full + fl - wl, wanted));
}

int ps_error_is_a(json_t *record, const char *wanted)
{
	const char *t = ps_type_name(ps_prop(record, "Exception"));
	if (!t)
		return 0;
	if (same_type(t, wanted))
		return 1;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (!strcmp(bases[i][0], t))
			for (int k = 1; k < 4 && bases[i][k]; k++)
				if (same_type(bases[i][k], wanted))
					return 1;
	return 0;
}

json_t *ps_error_record(const char *origin, const char *type, const char *inner, const char *message)
{
	json_t *exc = json_pack("{s:s, s:s}", PS_TYPE_KEY, type, "Message", message);
	if (inner) {
		const char *code = strrchr(inner, '.');
		json_object_set_new(exc, "InnerException", json_pack("{s:s, s:s, s:s}", PS_TYPE_KEY, inner, "Message", message,
								    "ErrorCode", code ? code + 1 : inner));
	}
	/* FullyQualifiedErrorId: the error's id, then the command's class; the ECR cmdlets'
	 * classes are Amazon.PowerShell.Cmdlets.ECR.<Verb><Noun>Cmdlet */
	const char *dash = origin ? strchr(origin, '-') : NULL;
	char *cls = dash && !strncmp(dash + 1, "ECR", 3)
			    ? ecr_str_fmt("Amazon.PowerShell.Cmdlets.ECR.%.*s%sCmdlet", (int)(dash - origin), origin, dash + 1)
			    : NULL;
	const char *c = cls ? cls : origin ? origin : "";
	json_t *id = json_sprintf("%s%s%s", inner ? inner : type, *c ? "," : "", c);
	free(cls);
	return json_pack("{s:s, s:o, s:o, s:s}", PS_TYPE_KEY, PS_ERROR_RECORD, "Exception", exc, "FullyQualifiedErrorId", id,
			 "\001origin", origin ? origin : "");
}

struct ps_redirect ps_redirect_errors(struct ps_sess *s, struct ps_redirect r)
{
	struct ps_redirect old = s->err.errors_to;
	s->err.errors_to = r;
	return old;
}

struct ps_redirect ps_redirect_warnings(struct ps_sess *s, struct ps_redirect r)
{
	struct ps_redirect old = s->err.warnings_to;
	s->err.warnings_to = r;
	return old;
}

void ps_warning(struct ps_sess *s, const char *text)
{
	struct ps_redirect *to = &s->err.warnings_to;
	if (to->drop)
		return;
	if (s->out && !to->f)
		ps_out_flush(s->out);
	fprintf(to->f ? to->f : stderr, "WARNING: %s\n", text);
}

/* "Origin: message", as ConciseView shows an error (or where 2> sends it) */
static void show(struct ps_sess *s, json_t *record)
{
	struct ps_redirect *to = &s->err.errors_to;
	if (to->drop)
		return;
	if (to->sink) { /* 2>&1: the record joins the output */
		json_array_append(to->sink, record);
		return;
	}
	if (s->out && !to->f)
		ps_out_flush(s->out);
	const char *origin = json_string_value(json_object_get(record, "\001origin"));
	const char *msg = json_string_value(ps_prop(ps_prop(record, "Exception"), "Message"));
	fprintf(to->f ? to->f : stderr, "%s%s%s\n", origin && *origin ? origin : "", origin && *origin ? ": " : "",
		msg ? msg : "");
}

static void add_to_error(struct ps_sess *s, json_t *record);

/* What becomes of an error (about_Error_Handling, about_Preference_Variables): a
 * non-terminating one follows the command's -ErrorAction, else $ErrorActionPreference; a
 * statement-terminating one (a cmdlet's ThrowTerminatingError) only the preference —
 * -ErrorAction is not consulted for it. Stop makes either end the script. */
enum { A_CONTINUE = 'c', A_SILENT = 'q', A_IGNORE = 'i', A_STOP = 'x' };

static char action_of(const char *a)
{
	return !a ? A_CONTINUE : !strcasecmp(a, "SilentlyContinue") ? A_SILENT : !strcasecmp(a, "Ignore") ? A_IGNORE :
	       !strcasecmp(a, "Stop") ? A_STOP : A_CONTINUE;
}

static char action(struct ps_sess *s, int terminating)
{
	if (!terminating && s->err.command_action)
		return s->err.command_action;
	json_t *pref = ps_var_get(s, "ErrorActionPreference");
	char a = action_of(json_string_value(pref));
	json_decref(pref);
	return a;
}

void ps_error_action(struct ps_sess *s, const char *a)
{
	s->err.command_action = a ? action_of(a) : 0;
}

int ps_error_stop_requested(struct ps_sess *s)
{
	int r = s->err.stop_requested;
	s->err.stop_requested = 0;
	return r;
}

void ps_error_push(struct ps_sess *s, json_t *record, int terminating)
{
	char a = action(s, terminating);
	int trapped = s->err.trap_depth > 0;
	if (a == A_IGNORE && !trapped) /* not even in $Error */
		return;
	if (a == A_SILENT && !trapped) { /* kept in $Error, not shown */
		add_to_error(s, record);
		return;
	}
	if (a == A_SILENT || a == A_IGNORE) { /* inside try: what terminates is still caught */
		if (terminating)
			add_to_error(s, record), ps_error_rethrow(s, record, 1);
		else if (a == A_SILENT)
			add_to_error(s, record);
		return;
	}
	if (a == A_STOP)
		s->err.stop_requested = 1, terminating = 1;
	add_to_error(s, record);
	ps_error_rethrow(s, record, terminating);
}

/* $Error gets a new list, newest first: a script's copy of an earlier $Error keeps
 * what it had */
static void add_to_error(struct ps_sess *s, json_t *record)
{
	json_t *now = json_array();
	json_array_append(now, record);
	if (json_is_array(s->err.all))
		json_array_extend(now, s->err.all);
	json_decref(s->err.all);
	s->err.all = now;
}

void ps_error_throw(struct ps_sess *s, json_t *record)
{
	add_to_error(s, record); /* throw is script-terminating whatever the preference says */
	ps_error_rethrow(s, record, 1);
}

void ps_error_rethrow(struct ps_sess *s, json_t *record, int terminating)
{
	if (terminating && s->err.trap_depth) {
		if (!s->err.pending)
			s->err.pending = json_incref(record);
	} else {
		show(s, record);
	}
}

void ps_raise(struct ps_sess *s, const char *origin, const char *type, const char *inner, int terminating,
	      const char *fmt, ...)
{
	char msg[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *r = ps_error_record(origin, type, inner, msg);
	ps_error_push(s, r, terminating);
	json_decref(r);
}

void ps_trap_enter(struct ps_sess *s)
{
	s->err.trap_depth++;
}

json_t *ps_trap_leave(struct ps_sess *s)
{
	s->err.trap_depth--;
	json_t *r = s->err.pending;
	s->err.pending = NULL;
	return r;
}

int ps_error_pending(struct ps_sess *s)
{
	return s->err.pending != NULL;
}

/* Past the caps (README "Caps"): .NET's out-of-memory errors, as PowerShell shows
 * them, instead of a result cut short. Returns NULL, no value: the statement fails
 * ($? false, pwsh -Command exits 1) as a terminating error does in PowerShell. */
json_t *ps_too_big(struct ps_sess *s, int array)
{
	ps_raise(s, "OperationStopped", "System.OutOfMemoryException", NULL, 1, "%s",
		 array ? "Array dimensions exceeded supported range." : "Exception of type 'System.OutOfMemoryException' was thrown.");
	return NULL;
}
