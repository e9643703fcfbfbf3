/* Errors as PowerShell raises them. Each is an ErrorRecord whose Exception has the
 * .NET type PowerShell would have (a cmdlet's service error: InvalidOperationException
 * around Amazon.ECR.Model.<Code>; binding: ParameterBindingException; throw:
 * RuntimeException). Outside a try body it is shown at once in ConciseView, "Origin:
 * message" on stderr; inside one, the first terminating error is kept for the catch
 * (ps_exec.c). Every error is also put first in $Error. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_int.h"
#include "ps_lang.h"

static int trap_depth;  /* try bodies being run */
static char command_action[32]; /* the running command's -ErrorAction, or "" */
static struct ps_redirect errors_to, warnings_to; /* 2> and 3> of the running pipeline */
static int stop_requested;      /* an error met the Stop action: the script ends */
static struct ps_out *out_before; /* the session's display, shown before an error is */
static json_t *pending; /* the error the innermost try will catch */

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
	char id[512], cls[300] = "";
	const char *dash = origin ? strchr(origin, '-') : NULL;
	if (dash && !strncmp(dash + 1, "ECR", 3))
		snprintf(cls, sizeof(cls), "Amazon.PowerShell.Cmdlets.ECR.%.*s%sCmdlet", (int)(dash - origin), origin, dash + 1);
	else if (origin)
		snprintf(cls, sizeof(cls), "%s", origin);
	snprintf(id, sizeof(id), "%s%s%s", inner ? inner : type, cls[0] ? "," : "", cls);
	return json_pack("{s:s, s:o, s:s, s:s}", PS_TYPE_KEY, PS_ERROR_RECORD, "Exception", exc, "FullyQualifiedErrorId", id,
			 "\001origin", origin ? origin : "");
}

void ps_error_display(struct ps_out *o)
{
	out_before = o;
}

struct ps_redirect ps_redirect_errors(struct ps_redirect r)
{
	struct ps_redirect old = errors_to;
	errors_to = r;
	return old;
}

struct ps_redirect ps_redirect_warnings(struct ps_redirect r)
{
	struct ps_redirect old = warnings_to;
	warnings_to = r;
	return old;
}

void ps_warning(const char *text)
{
	if (warnings_to.drop)
		return;
	if (out_before && !warnings_to.f)
		ps_out_flush(out_before);
	fprintf(warnings_to.f ? warnings_to.f : stderr, "WARNING: %s\n", text);
}

/* "Origin: message", as ConciseView shows an error (or where 2> sends it) */
static void show(json_t *record)
{
	if (errors_to.drop)
		return;
	if (errors_to.sink) { /* 2>&1: the record joins the output */
		json_array_append(errors_to.sink, record);
		return;
	}
	if (out_before && !errors_to.f)
		ps_out_flush(out_before);
	const char *origin = json_string_value(json_object_get(record, "\001origin"));
	const char *msg = json_string_value(ps_prop(ps_prop(record, "Exception"), "Message"));
	fprintf(errors_to.f ? errors_to.f : stderr, "%s%s%s\n", origin && *origin ? origin : "", origin && *origin ? ": " : "",
		msg ? msg : "");
}

static void add_to_error(json_t *record);

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

static char action(int terminating)
{
	if (!terminating && command_action[0])
		return command_action[0];
	json_t *pref = ps_var_get("ErrorActionPreference");
	char a = action_of(json_string_value(pref));
	json_decref(pref);
	return a;
}

void ps_error_action(const char *a)
{
	command_action[0] = a ? action_of(a) : 0;
	command_action[1] = 0;
}

int ps_error_stop_requested(void)
{
	int r = stop_requested;
	stop_requested = 0;
	return r;
}

void ps_error_push(json_t *record, int terminating)
{
	char a = action(terminating);
	if (a == A_IGNORE && !trap_depth) /* not even in $Error */
		return;
	if (a == A_SILENT && !trap_depth) { /* kept in $Error, not shown */
		add_to_error(record);
		return;
	}
	if (a == A_SILENT || a == A_IGNORE) { /* inside try: what terminates is still caught */
		if (terminating)
			add_to_error(record), ps_error_rethrow(record, 1);
		else if (a == A_SILENT)
			add_to_error(record);
		return;
	}
	if (a == A_STOP)
		stop_requested = 1, terminating = 1;
	add_to_error(record);
	ps_error_rethrow(record, terminating);
}

static void add_to_error(json_t *record)
{
	json_t *all = ps_var_get("global:Error"), *now = json_array();
	json_array_append(now, record);
	if (json_is_array(all))
		json_array_extend(now, all);
	json_decref(all);
	ps_var_set("global:Error", now);
	json_decref(now);
}

void ps_error_throw(json_t *record)
{
	add_to_error(record); /* throw is script-terminating whatever the preference says */
	ps_error_rethrow(record, 1);
}

void ps_error_rethrow(json_t *record, int terminating)
{
	if (terminating && trap_depth) {
		if (!pending)
			pending = json_incref(record);
	} else {
		show(record);
	}
}

void ps_raise(const char *origin, const char *type, const char *inner, int terminating, const char *fmt, ...)
{
	char msg[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *r = ps_error_record(origin, type, inner, msg);
	ps_error_push(r, terminating);
	json_decref(r);
}

void ps_trap_enter(void)
{
	trap_depth++;
}

json_t *ps_trap_leave(void)
{
	trap_depth--;
	json_t *r = pending;
	pending = NULL;
	return r;
}

int ps_error_pending(void)
{
	return pending != NULL;
}

/* Past the caps (README "Caps"): .NET's out-of-memory errors, as PowerShell shows
 * them, instead of a result cut short. Returns $null (the error is raised). */
json_t *ps_too_big(int array)
{
	ps_raise("OperationStopped", "System.OutOfMemoryException", NULL, 1, "%s",
		 array ? "Array dimensions exceeded supported range." : "Exception of type 'System.OutOfMemoryException' was thrown.");
	return json_null();
}
