/* Variables: scopes of name → value, $true/$false/$null, $env:NAME and $HOME. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_lang.h"

/* Variables by scope (s->scopes), names lower-cased: [0] is the global (script) scope,
 * one more per function call. Reading looks outward; assigning writes the innermost
 * scope, as in PowerShell, unless the name says $global: or $script:. The global
 * $Error is the session's error list (s->err.all), which ps_err.c keeps. */

static void var_key(const char *name, char k[128], int *global)
{
	snprintf(k, 128, "%s", name);
	for (char *c = k; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	*global = 0;
	if (!strncmp(k, "global:", 7) || !strncmp(k, "script:", 7)) {
		memmove(k, k + 7, strlen(k + 7) + 1);
		*global = 1;
	}
	if (!strcmp(k, "psitem"))
		snprintf(k, 128, "_");
}

int ps_scope_push(struct ps_sess *s)
{
	if (s->nscopes > PS_MAX_CALL_DEPTH)
		return -1;
	if (!s->nscopes)
		s->scopes[s->nscopes++] = json_object();
	s->scopes[s->nscopes++] = json_object();
	return 0;
}

/* scope i's variable k (borrowed), or NULL */
static json_t *lookup(struct ps_sess *s, int i, const char *k)
{
	if (!i && !strcmp(k, "error"))
		return s->err.all;
	return json_object_get(s->scopes[i], k);
}

void ps_scope_pop(struct ps_sess *s)
{
	json_decref(s->scopes[--s->nscopes]);
	s->scopes[s->nscopes] = NULL;
}

json_t *ps_var_get(struct ps_sess *s, const char *name)
{
	char k[128];
	int global;
	var_key(name, k, &global);
	if (!strcmp(k, "true"))
		return json_true();
	if (!strcmp(k, "false"))
		return json_false();
	if (!strcmp(k, "null"))
		return json_null();
	if (!strncmp(k, "env:", 4)) {
		const char *e = getenv(name + 4);
		return e ? json_string(e) : json_null();
	}
	for (int i = global ? 0 : s->nscopes - 1; i >= 0; i--) {
		json_t *v = lookup(s, i, k);
		if (v)
			return json_incref(v);
	}
	if (!strcmp(k, "home"))
		return json_string(getenv("HOME") ? getenv("HOME") : "");
	return json_null();
}

void ps_var_set(struct ps_sess *s, const char *name, json_t *v)
{
	char k[128];
	int global;
	if (!s->nscopes)
		s->scopes[s->nscopes++] = json_object();
	var_key(name, k, &global);
	int i = global ? 0 : s->nscopes - 1;
	if (!i && !strcmp(k, "error")) {
		json_incref(v);
		json_decref(s->err.all);
		s->err.all = v;
		return;
	}
	json_object_set(s->scopes[i], k, v);
}

void ps_vars_free(struct ps_sess *s)
{
	while (s->nscopes)
		ps_scope_pop(s);
}
