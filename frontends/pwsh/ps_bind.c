/* How every binder reads a -Name token (cmdlets in ps_run.c, built-ins in
 * ps_builtins.c, functions in ps_exec.c), as PowerShell's one binder does: an exact
 * name or alias wins, else the one parameter the token begins. What a miss says stays
 * with each binder. */
#include <string.h>
#include <strings.h>

#include "ps_int.h"

int ps_alias_is(const char *aliases, const char *name, size_t n, int prefix)
{
	for (const char *a = aliases; a && *a;) {
		size_t k = strcspn(a, ",");
		if (prefix ? (n <= k && !strncasecmp(a, name, n)) : (n == k && !strncasecmp(a, name, n)))
			return 1;
		a += k + (a[k] == ',');
	}
	return 0;
}

int ps_param_match(const void *set, ps_param_at_fn at, const char *name, size_t n)
{
	const char *pn, *aliases;
	int hit = PS_PARAM_NONE, hits = 0;
	for (int i = 0; (pn = at(set, i, &aliases)); i++)
		if ((strlen(pn) == n && !strncasecmp(pn, name, n)) || ps_alias_is(aliases, name, n, 0))
			return i;
	for (int i = 0; (pn = at(set, i, &aliases)); i++)
		if ((strlen(pn) >= n && !strncasecmp(pn, name, n)) || ps_alias_is(aliases, name, n, 1))
			hit = i, hits++;
	return hits > 1 ? PS_PARAM_AMBIGUOUS : hit;
}
