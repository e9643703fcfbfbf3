/* Variables: scopes of name → value, $true/$false/$null, $env:NAME and $HOME. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_lang.h"

/* Variables by scope, names lower-cased: [0] is the global (script) scope, one more per
 * function call. Reading looks outward; assigning writes the innermost scope, as in
 * PowerShell, unless the name says $global: or $script:. */
static json_t *scopes[PS_MAX_CALL_DEPTH + 1];
static int nscopes;

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

int ps_scope_push(void)
{
	if (nscopes > PS_MAX_CALL_DEPTH)
		return -1;
	if (!nscopes)
		scopes[nscopes++] = json_object();
	scopes[nscopes++] = json_object();
	return 0;
}

void ps_scope_pop(void)
{
	json_decref(scopes[--nscopes]);
	scopes[nscopes] = NULL;
}

json_t *ps_var_get(const char *name)
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
	for (int i = global ? 0 : nscopes - 1; i >= 0; i--) {
		json_t *v = json_object_get(scopes[i], k);
		if (v)
			return json_incref(v);
	}
	if (!strcmp(k, "home"))
		return json_string(getenv("HOME") ? getenv("HOME") : "");
	return json_null();
}

void ps_var_set(const char *name, json_t *v)
{
	char k[128];
	int global;
	if (!nscopes)
		scopes[nscopes++] = json_object();
	var_key(name, k, &global);
	json_object_set(scopes[global ? 0 : nscopes - 1], k, v);
}

void ps_vars_free(void)
{
	while (nscopes)
		ps_scope_pop();
}
