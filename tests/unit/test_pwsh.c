/* Two PowerShell sessions in one process: each has its own variables, functions,
 * $Error, $Matches and try state. The interpreter keeps all of it in struct ps_sess
 * (frontends/pwsh/ps_lang.h), so what one script does never shows in the other. */
#include <jansson.h>
#include <stdlib.h>

#include "../../frontends/pwsh/ps_lang.h"
#include "unit.h"

/* $name's string form in session s (static buffer, overwritten by the next call) */
static const char *var(struct ps_sess *s, const char *name)
{
	static char buf[512];
	json_t *v = ps_var_get(s, name);
	char *t = ps_to_string(v);
	snprintf(buf, sizeof(buf), "%s", t);
	free(t);
	json_decref(v);
	return buf;
}

static size_t count(struct ps_sess *s, const char *name)
{
	json_t *v = ps_var_get(s, name);
	size_t n = json_is_array(v) ? json_array_size(v) : !json_is_null(v);
	json_decref(v);
	return n;
}

void test_pwsh_sessions(void)
{
	struct ps_sess a, b;
	ps_sess_init(&a, 0);
	ps_sess_init(&b, 0);
	/* errors are not shown: a sends them to $null, b silences them */
	CHECK(!ps_run_source("$x = 'a'; function f { 'from a' }; $y = f; Write-Error 'one' 2>$null; "
			     "$null = 'Abc' -cmatch 'A(b)'", &a));
	CHECK(!ps_run_source("$ErrorActionPreference = 'SilentlyContinue'; $x = 'b'; $z = f", &b));
	CHECK_STR(var(&a, "x"), "a");
	CHECK_STR(var(&b, "x"), "b");
	CHECK_STR(var(&a, "y"), "from a");
	CHECK_STR(var(&b, "z"), "");          /* b has no function f */
	CHECK_STR(var(&a, "Matches"), "System.Collections.Hashtable");
	CHECK_STR(var(&b, "Matches"), "");
	CHECK(a.last_ok && !b.last_ok);
	/* each $Error holds its own session's one error */
	CHECK(count(&a, "Error") == 1);
	CHECK(count(&b, "Error") == 1);
	CHECK_STR(var(&a, "Error"), "one");
	CHECK(strstr(var(&b, "Error"), "The term 'f' is not recognized") != NULL);
	/* a try running in a keeps a's terminating error, not b's */
	ps_trap_enter(&a);
	ps_raise(&b, "Test", PS_E_RUNTIME, NULL, 1, "from b");
	CHECK(!ps_error_pending(&a));
	CHECK(count(&b, "Error") == 2);
	ps_raise(&a, "Test", PS_E_RUNTIME, NULL, 1, "from a");
	CHECK(ps_error_pending(&a) && !ps_error_pending(&b));
	json_decref(ps_trap_leave(&a));
	CHECK(count(&a, "Error") == 2);
	ps_sess_done(&a);
	/* b goes on after a is gone */
	CHECK(!ps_run_source("$w = $x + '!'", &b));
	CHECK_STR(var(&b, "w"), "b!");
	ps_sess_done(&b);
}
