/* Runs parsed statements: pipelines (an expression or command feeding commands, each
 * command given the whole list its predecessor emitted), assignments, if/foreach/exit.
 * ECR cmdlets go through ps_invoke, everything else through ps_builtins.c. Output of
 * statements run for display collects in the session's Out-Default. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_lang.h"

/* Functions defined so far are the session's (s->functions: name lower-cased → the
 * X_FUNC node, which lives as long as the session's trees). */
static struct node *function_find(struct ps_sess *s, const char *name)
{
	char k[256];
	snprintf(k, sizeof(k), "%s", name);
	for (char *c = k; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	json_t *f = s->functions ? json_object_get(s->functions, k) : NULL;
	return f ? (struct node *)(intptr_t)json_integer_value(f) : NULL;
}

static void function_define(struct ps_sess *s, struct node *f)
{
	char k[256];
	snprintf(k, sizeof(k), "%s", f->s);
	for (char *c = k; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!s->functions)
		s->functions = json_object();
	json_object_set_new(s->functions, k, json_integer((json_int_t)(intptr_t)f));
}

/* 1 when a declared parameter of the function is a [switch] */
static int function_switch(struct node *f, const char *param)
{
	struct node *pa = f->kid[0];
	for (int i = 0; i < pa->n; i++)
		if (!strcasecmp(pa->kid[i]->s, param))
			return pa->kid[i]->has_value;
	return 0;
}

/* PowerShell's common parameters (the PR_COMMON rows of ps_roles): the built-ins take
 * them all. 1: a common parameter, 2: one of its switches. */
static int ps_common_param(const char *param)
{
	for (const struct ps_role_param *r = ps_roles; r->p.name; r++)
		if (r->role == PR_COMMON && (!strcasecmp(param, r->p.name) || (r->p.aliases && !strcasecmp(param, r->p.aliases))))
			return r->p.type == PT_SWITCH ? 2 : 1; /* each has one alias */
	return 0;
}

static int is_switch(struct ps_sess *s, const char *cmd, const char *param)
{
	struct node *f = function_find(s, cmd);
	if (f)
		return function_switch(f, param);
	if (ps_cmdlet_find(cmd))
		return ps_is_cmdlet_switch(cmd, param);
	return s->builtins->is_switch(cmd, param) || ps_common_param(param) == 2;
}

/* A command's arguments evaluated; a parameter that is not a switch takes the next
 * positional value, as PowerShell's binder does. */
static int eval_args(struct node *c, struct ps_sess *s, struct ps_arg *args, int *nargs)
{
	int n = 0;
	for (int i = 0; i < c->n; i++) {
		struct node *a = c->kid[i];
		struct ps_arg *o = &args[n];
		memset(o, 0, sizeof(*o));
		o->param = a->s;
		if (a->n) {
			if (!(o->value = ps_eval(a->kid[0], s)))
				goto fail;
			o->has_value = 1;
		} else if (a->s && !is_switch(s, c->s, a->s) && i + 1 < c->n && !c->kid[i + 1]->s) {
			if (!(o->value = ps_eval(c->kid[++i]->kid[0], s)))
				goto fail;
			o->has_value = 1;
		}
		n++;
	}
	*nargs = n;
	return 0;
fail:
	for (int i = 0; i < n; i++)
		json_decref(args[i].value);
	*nargs = 0;
	return -1;
}

static const char *function_param_at(const void *set, int i, const char **aliases)
{
	const struct node *pa = set;
	*aliases = NULL;
	return i < pa->n ? pa->kid[i]->s : NULL;
}

/* Binds a param block from $args-style values: named ones (a {"\001param": name}
 * marker from a call, or a "-Name" string from the -File command line that names a
 * parameter) then the rest by position; what is left stays in $args. 0, or 1 reported. */
static int bind_params(struct node *pa, json_t *argv, const char *origin, struct ps_sess *s)
{
	json_t *rest = json_array(), *bound = json_object();
	size_t n = json_array_size(argv);
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(argv, i);
		const char *name = json_string_value(json_object_get(a, "\001param"));
		if (!name && json_is_string(a) && json_string_value(a)[0] == '-' && isalpha((unsigned char)json_string_value(a)[1]))
			name = json_string_value(a) + 1;
		int k = name ? ps_param_match(pa, function_param_at, name, strlen(name)) : PS_PARAM_NONE;
		struct node *hit = k >= 0 ? pa->kid[k] : NULL;
		if (name && !hit) {
			if (json_is_string(a)) { /* a "-word" that names no parameter is a value */
				json_array_append(rest, a);
				continue;
			}
			ps_raise(s, origin, PS_E_BINDING, NULL, 1, k == PS_PARAM_AMBIGUOUS ? "Parameter cannot be processed because the parameter name '%s' is ambiguous."
					       : "A parameter cannot be found that matches parameter name '%s'.", name);
			json_decref(rest);
			json_decref(bound);
			return 1;
		}
		if (name) {
			json_t *v = json_object_get(a, "\001value");
			if (hit->has_value) /* [switch] */
				v = v ? v : json_true();
			else if (!v && !json_is_string(a))
				v = json_null();
			else if (!v && i + 1 < n)
				v = json_array_get(argv, ++i);
			if (!v) {
				ps_raise(s, origin, PS_E_BINDING, NULL, 1,
					 "Missing an argument for parameter '%s'. Specify a parameter of type 'System.Object' and try again.", hit->s);
				json_decref(rest);
				json_decref(bound);
				return 1;
			}
			json_object_set(bound, hit->s, v);
			continue;
		}
		json_array_append(rest, a);
	}
	size_t used = 0;
	for (int k = 0; k < pa->n; k++) {
		struct node *p = pa->kid[k];
		json_t *v = json_object_get(bound, p->s);
		if (v) {
			ps_var_set(s, p->s, v);
		} else if (!p->has_value && used < json_array_size(rest)) {
			ps_var_set(s, p->s, json_array_get(rest, used++));
		} else if (p->n) {
			json_t *d = ps_eval(p->kid[0], s);
			if (!d) {
				json_decref(rest);
				json_decref(bound);
				return 1;
			}
			ps_var_set(s, p->s, d);
			json_decref(d);
		} else {
			ps_var_set(s, p->s, p->has_value ? json_false() : json_null());
		}
	}
	json_t *left = json_array();
	for (size_t i = used; i < json_array_size(rest); i++)
		json_array_append(left, json_array_get(rest, i));
	ps_var_set(s, "args", left);
	json_decref(left);
	json_decref(rest);
	json_decref(bound);
	return 0;
}

/* A function call: a scope of its own, the arguments bound, its output collected. */
static json_t *call_function(struct node *f, struct ps_sess *s, struct ps_arg *args, int n, json_t *input)
{
	if (ps_scope_push(s)) {
		ps_raise(s, f->s, PS_E_RUNTIME, NULL, 1, "The script failed due to call depth overflow.");
		s->error = 1;
		return NULL;
	}
	json_t *argv = json_array();
	for (int i = 0; i < n; i++) {
		if (args[i].param) {
			json_t *m = json_pack("{s:s}", "\001param", args[i].param);
			if (args[i].has_value)
				json_object_set(m, "\001value", args[i].value);
			json_array_append_new(argv, m);
		} else {
			json_array_append(argv, args[i].value);
		}
	}
	json_t *none = json_array();
	ps_var_set(s, "input", input ? input : none);
	json_decref(none);
	json_t *out = NULL;
	if (!bind_params(f->kid[0], argv, f->s, s)) {
		out = ps_run_statements(f->kid[1], s, 0);
		if (s->jump == 3) /* return */
			s->jump = 0;
	}
	json_decref(argv);
	ps_scope_pop(s);
	s->last_ok = out != NULL && !s->error && !ps_error_pending(s);
	return out;
}

static json_t *run_command(struct node *c, struct ps_sess *s, json_t *input)
{
	struct ps_arg *args = calloc((size_t)c->n + 1, sizeof(*args));
	int n = 0;
	json_t *out = NULL;
	if (eval_args(c, s, args, &n)) {
		free(args);
		return NULL;
	}
	struct node *fn = function_find(s, c->s);
	/* the common parameters every cmdlet and built-in takes: -ErrorAction sets what
	 * becomes of its non-terminating errors, -ErrorVariable collects them */
	const char *ea = NULL, *ev = NULL;
	for (int i = 0; !fn && i < n; i++)
		if (args[i].param && args[i].has_value && json_is_string(args[i].value)) {
			if (!strcasecmp(args[i].param, "ErrorAction") || !strcasecmp(args[i].param, "ea"))
				ea = json_string_value(args[i].value);
			else if (!strcasecmp(args[i].param, "ErrorVariable") || !strcasecmp(args[i].param, "ev"))
				ev = json_string_value(args[i].value);
		}
	json_t *before = ps_var_get(s, "global:Error");
	size_t errors = json_array_size(before);
	json_decref(before);
	ps_error_action(s, ea);
	if (fn) {
		out = call_function(fn, s, args, n, input);
	} else if (ps_cmdlet_find(c->s)) {
		struct ps_out *o = ps_out_new();
		int rc = ps_invoke(s, c->s, args, n, input, o, s->interactive);
		out = ps_out_take(o);
		ps_out_free(o);
		s->last_ok = !rc;
	} else if (s->builtins->exists(c->s)) {
		struct ps_barg *b = calloc((size_t)n + 1, sizeof(*b));
		int nb = 0;
		for (int i = 0; i < n; i++) {
			if (args[i].param && ps_common_param(args[i].param))
				continue;
			b[nb].name = args[i].param;
			b[nb++].value = args[i].has_value ? args[i].value : NULL;
		}
		out = json_array();
		s->last_ok = !s->builtins->run(c->s, b, nb, input, out, s);
		free(b);
	} else {
		ps_raise(s, c->s, PS_E_NOT_FOUND, NULL, 1,
			 "The term '%s' is not recognized as a name of a cmdlet, function, script file, or executable program.\n"
			 "Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
			 c->s);
		s->last_ok = 0;
	}
	ps_error_action(s, NULL);
	if (ps_error_stop_requested(s)) /* Stop: the error ends the script (or goes to catch) */
		s->error = 1;
	if (ev) { /* -ErrorVariable name (or +name, appending): this command's errors */
		json_t *all = ps_var_get(s, "global:Error"), *mine = json_array(), *old = NULL;
		size_t now = json_array_size(all);
		if (ev[0] == '+' && json_is_array(old = ps_var_get(s, ev + 1)))
			json_array_extend(mine, old);
		for (size_t i = now - errors; i-- > 0;)
			json_array_append(mine, json_array_get(all, i));
		ps_var_set(s, ev[0] == '+' ? ev + 1 : ev, mine);
		json_decref(old);
		json_decref(mine);
		json_decref(all);
	}
	for (int i = 0; i < n; i++)
		json_decref(args[i].value);
	free(args);
	return out;
}

/* What an expression sends down a pipeline: a collection's elements, else itself. */
static json_t *enumerate(json_t *v)
{
	if (json_is_array(v))
		return v;
	json_t *a = json_array();
	if (!json_is_null(v))
		json_array_append(a, v);
	json_decref(v);
	return a;
}

static json_t *run_elements(struct node *pl, int n, struct ps_sess *s, json_t *input);

/* a redirection's target: NULL for $null, else the path (caller frees); *bad on error */
static char *redirect_target(struct node *r, struct ps_sess *s, int *bad)
{
	json_t *t = ps_eval(r->kid[0], s);
	*bad = !t;
	char *path = t && !json_is_null(t) ? ps_to_string(t) : NULL;
	json_decref(t);
	return path;
}

/* A pipeline with redirections (X_REDIR kids at its end): > and >> write the output's
 * display to a file (as Out-File), 2> the errors as they would show, 3> the warnings,
 * *> all three; $null drops; 2>&1 puts the error records in the output. */
static json_t *run_redirected(struct node *pl, int n, struct ps_sess *s, json_t *input)
{
	FILE *files[3] = {0}, *to[4] = {0}; /* the files opened; per stream 1..3 */
	char *paths[3] = {0};
	int drop[4] = {0}, set[4] = {0}, merge = 0, nf = 0, bad = 0;
	for (int i = n; i < pl->n && !bad; i++) /* each stream once, as PowerShell allows: before any file opens */
		for (int k = 1; k <= 3 && !bad; k++)
			if ((pl->kid[i]->s[0] == '*' || pl->kid[i]->s[0] == '0' + k) && set[k]++) {
				ps_raise(s, "out-file", PS_E_RUNTIME, NULL, 1, "The %s stream for this command is already redirected.",
					 k == 1 ? "output" : k == 2 ? "error" : "warning");
				bad = 1;
			}
	for (int i = n; i < pl->n && !bad; i++) {
		struct node *r = pl->kid[i];
		char stream = r->s[0];
		if (!strcmp(r->s + 1, "&1")) {
			merge = 1;
			continue;
		}
		char *path = redirect_target(r, s, &bad);
		FILE *f = NULL;
		for (int k = 0; path && k < nf && !f; k++) /* 2> f beside > f: one file */
			if (!strcmp(paths[k], path))
				f = files[k];
		if (path && !f) {
			if (!(f = fopen(path, !strcmp(r->s + 1, ">>") ? "a" : "w"))) {
				ps_raise(s, "out-file", PS_E_INVALID_OP, NULL, 1, "Could not find a part of the path '%s'.", path);
				free(path);
				bad = 1;
				break;
			}
			files[nf] = f, paths[nf++] = path, path = NULL; /* at most 3: a stream is redirected once */
		}
		free(path);
		for (int k = 1; k <= 3; k++)
			if (stream == '*' || stream == '0' + k) {
				to[k] = f;
				drop[k] = f == NULL;
			}
	}
	json_t *out = NULL, *sink = json_array();
	if (!bad) {
		struct ps_redirect e = ps_redirect_errors(s, (struct ps_redirect){drop[2], to[2], merge ? sink : NULL});
		struct ps_redirect w = ps_redirect_warnings(s, (struct ps_redirect){drop[3], to[3], NULL});
		out = run_elements(pl, n, s, input);
		ps_redirect_errors(s, e);
		ps_redirect_warnings(s, w);
		if (out && merge)
			json_array_extend(out, sink);
		if (out && (to[1] || drop[1])) {
			if (to[1]) {
				struct ps_out *o = ps_out_new();
				size_t i;
				json_t *v;
				json_array_foreach(out, i, v) ps_out_add(o, v);
				ps_out_flush(s->out); /* what came before shows first */
				ps_out_write(o, to[1]);
				ps_out_free(o);
			}
			json_array_clear(out);
		}
	}
	json_decref(sink);
	for (int k = 0; k < nf; k++) {
		fclose(files[k]);
		free(paths[k]);
	}
	return out;
}

json_t *ps_run_pipeline(struct node *pl, struct ps_sess *s, json_t *input)
{
	int n = pl->n;
	while (n > 0 && pl->kid[n - 1]->k == X_REDIR)
		n--;
	return n < pl->n ? run_redirected(pl, n, s, input) : run_elements(pl, n, s, input);
}

static json_t *run_elements(struct node *pl, int n, struct ps_sess *s, json_t *input)
{
	json_t *items = input ? json_incref(input) : NULL;
	int ok = 1; /* $? of a pipeline: false when any of its commands failed, not only the last */
	for (int i = 0; i < n; i++) {
		struct node *e = pl->kid[i];
		json_t *next;
		if (e->k == X_CMD) {
			next = run_command(e, s, items);
		} else {
			json_t *v = ps_eval(e, s);
			next = v ? enumerate(v) : NULL;
			s->last_ok = v != NULL;
		}
		ok = ok && s->last_ok;
		json_decref(items);
		if (!next)
			return NULL;
		items = next;
		/* an AWS cmdlet's failure is a terminating error (the module throws the service's
		 * exception): the pipeline stops there, what follows never runs */
		if (e->k == X_CMD && !s->last_ok && ps_cmdlet_find(e->s))
			break;
	}
	s->last_ok = ok;
	return items ? items : json_array();
}

static void emit(json_t *dst, json_t *items, struct ps_sess *s, int display)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) {
		if (display)
			ps_out_add(s->out, v);
		else
			json_array_append(dst, v);
	}
}

static int run_block(struct node *blk, struct ps_sess *s, int display, json_t *dst)
{
	json_t *r = ps_run_statements(blk->kid[0], s, display);
	if (!r)
		return -1;
	emit(dst, r, s, 0);
	json_decref(r);
	return 0;
}

/* $a[i] = v, $h['k'] = v, $h.k = v, $o.Prop = v (kid 1 of x is the target; v stolen):
 * the container is changed in place — hashtables, arrays and objects are references
 * in PowerShell too. A hashtable's keys match case-insensitively, as its own do. */
static void assign_element(struct node *x, json_t *v, struct ps_sess *s)
{
	struct node *t = x->kid[1];
	json_t *c = ps_eval(t->kid[0], s), *key = NULL;
	if (!c || (t->k == X_INDEX && !(key = ps_eval(t->kid[1], s)))) {
		json_decref(c);
		json_decref(v);
		return;
	}
	char *name = t->k == X_MEMBER ? strdup(t->s) : ps_to_string(key);
	json_t *old = NULL;
	const char *found = NULL, *k;
	json_t *e;
	if (json_is_object(c))
		json_object_foreach(c, k, e) if (!ps_is_marker(k) && !strcasecmp(k, name)) found = k, old = e;
	if (json_is_array(c) && json_is_integer(key)) {
		json_int_t i = json_integer_value(key), n = (json_int_t)json_array_size(c);
		old = json_array_get(c, (size_t)(i < 0 ? i + n : i));
	}
	if (x->has_value) {
		char op[2] = {(char)x->has_value, 0};
		json_t *nv = ps_binop(s, op, old ? old : json_null(), v);
		json_decref(v);
		v = nv;
	}
	int is_hash = json_is_object(c) && (json_object_get(c, PS_HASH_KEY) || json_object_get(c, PS_DICT_KEY));
	if (json_is_array(c) && json_is_integer(key) && old) {
		json_int_t i = json_integer_value(key);
		json_array_set(c, (size_t)(i < 0 ? i + (json_int_t)json_array_size(c) : i), v);
	} else if (json_is_array(c)) {
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1, "Index was outside the bounds of the array.");
	} else if (json_is_object(c) && (found || is_hash) && !ps_is_date(c)) {
		json_object_set(c, found ? found : name, v);
	} else if (json_is_object(c) || t->k == X_MEMBER) {
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1, "The property '%s' cannot be found on this object. Verify that the property exists and can be set.", name);
	} else {
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1, json_is_null(c) ? "You cannot call a method on a null-valued expression." :
			 "Unable to index into an object of type %s.", json_is_string(c) ? "System.String" : "System.Object");
	}
	free(name);
	json_decref(key);
	json_decref(c);
	json_decref(v);
}

/* A condition: the pipeline's output, as PowerShell converts it to a Boolean */
static int condition(struct node *pl, struct ps_sess *s)
{
	json_t *r = ps_run_pipeline(pl, s, NULL);
	json_t *v = r ? ps_unwrap(r) : json_null();
	int yes = ps_truthy(v);
	json_decref(v);
	return yes;
}

/* After a loop body: 1 when a break or return ends the loop; a continue goes on. */
static int loop_jump(struct ps_sess *s)
{
	int brk = s->jump == 1 || s->jump == 3;
	if (s->jump != 3) /* a return goes on leaving, up to its function */
		s->jump = 0;
	return brk;
}

/* the script, or the innermost try body, is over */
static int stopping(struct ps_sess *s)
{
	return s->exited || s->error || ps_error_pending(s);
}

/* switch: each value of the pipeline against every clause in turn; all that match
 * run, with $_ the value; break leaves the switch, continue goes to the next value;
 * default runs when nothing else matched that value */
static void run_switch(struct node *x, struct ps_sess *s, int display, json_t *out)
{
	json_t *values = ps_run_pipeline(x->kid[0], s, NULL), *saved = ps_var_get(s, "_"), *v;
	size_t i;
	if (!values) {
		json_decref(saved);
		return;
	}
	json_array_foreach(values, i, v) {
		int matched = 0, leave = 0;
		for (int pass = 0; pass < 2 && !leave; pass++) /* the clauses, then default */
			for (int k = 1; k + 1 < x->n && !leave && !stopping(s); k += 2) {
				struct node *c = x->kid[k];
				int is_default = c->k == X_ARG;
				if (is_default != pass || (pass && matched))
					continue;
				int hit = 1;
				if (!is_default) {
					json_t *cv = ps_eval(c, s);
					if (!cv) {
						leave = 1;
						break;
					}
					if (ps_is_block(cv)) {
						json_t *r = ps_call_block(cv, v, s);
						json_t *u = r ? ps_unwrap(r) : json_null();
						hit = ps_truthy(u);
						json_decref(u);
					} else {
						json_t *b = ps_binop(s, !x->s ? "eq" : !strcmp(x->s, "wildcard") ? "like" : "match", v, cv);
						hit = ps_truthy(b);
						json_decref(b);
					}
					json_decref(cv);
				}
				if (!hit)
					continue;
				matched = 1;
				ps_var_set(s, "_", v);
				run_block(x->kid[k + 1], s, display, out);
				if (s->jump == 1 || s->jump == 2) { /* break: out of the switch; continue: next value */
					leave = 1;
					if (s->jump == 1)
						i = json_array_size(values);
					s->jump = 0;
				} else if (s->jump == 3 || stopping(s)) {
					leave = 1;
					i = json_array_size(values);
				}
			}
		if (i >= json_array_size(values))
			break;
	}
	ps_var_set(s, "_", saved);
	json_decref(saved);
	json_decref(values);
}

/* try/catch/finally: the body with errors kept instead of shown; the first catch whose
 * types match (or that has none) runs with $_ the ErrorRecord; finally always. */
static void run_try(struct node *x, struct ps_sess *s, int display, json_t *out)
{
	int error = s->error;
	ps_trap_enter(s);
	run_block(x->kid[0], s, display, out);
	json_t *err = ps_trap_leave(s);
	int fatal = s->error; /* throw or -ErrorAction Stop end the script unless caught;
				 a cmdlet's own error ends only its statement */
	if (err) {
		s->error = error; /* the script goes on: caught, or only the statement ends */
		struct node *hit = NULL;
		for (int i = 1; i < x->n && !hit; i++) {
			if (x->kid[i]->k != X_CATCH)
				continue;
			if (!x->kid[i]->s) {
				hit = x->kid[i];
				break;
			}
			char types[1024];
			snprintf(types, sizeof(types), "%s", x->kid[i]->s);
			for (char *save, *t = strtok_r(types, ",", &save); t && !hit; t = strtok_r(NULL, ",", &save))
				if (ps_error_is_a(err, t))
					hit = x->kid[i];
		}
		if (hit) {
			json_t *saved = ps_var_get(s, "_");
			ps_var_set(s, "_", err);
			run_block(hit->kid[0], s, display, out);
			ps_var_set(s, "_", saved);
			json_decref(saved);
			json_decref(err);
			err = NULL;
		}
	}
	for (int i = 1; i < x->n; i++)
		if (x->kid[i]->k == X_FINALLY) {
			int e = s->error, j = s->jump;
			s->error = 0, s->jump = 0;
			run_block(x->kid[i]->kid[0], s, display, out);
			s->error |= e;
			if (!s->jump)
				s->jump = j;
		}
	if (err) { /* not caught here: on to an outer try, or shown */
		ps_error_rethrow(s, err, 1);
		s->error |= fatal;
		json_decref(err);
	}
}

json_t *ps_run_statements(struct node *st, struct ps_sess *s, int display)
{
	json_t *out = json_array();
	for (int i = 0; i < st->n && !stopping(s) && !s->jump; i++) {
		struct node *x = st->kid[i];
		json_t *r, *v;
		switch (x->k) {
		case X_ASSIGN:
			/* an expression keeps its value ($l = @() is an empty array); a pipeline
			 * with commands gives its output: nothing, one object, or a list */
			if (x->kid[0]->n == 1 && x->kid[0]->kid[0]->k != X_CMD) {
				r = ps_eval(x->kid[0]->kid[0], s);
				s->last_ok = r != NULL;
			} else {
				r = ps_run_pipeline(x->kid[0], s, NULL);
				r = r ? ps_unwrap(r) : NULL;
			}
			if (r && !x->s) {
				assign_element(x, r, s);
			} else if (r) {
				v = r;
				if (x->has_value) {
					char op[2] = {(char)x->has_value, 0};
					json_t *old = ps_var_get(s, x->s), *nv = ps_binop(s, op, old, v);
					json_decref(old);
					json_decref(v);
					v = nv;
				}
				if (v) /* a failed $x += … (a cap, a division by zero) keeps $x, $? false */
					ps_var_set(s, x->s, v);
				else
					s->last_ok = 0;
				json_decref(v);
			}
			break;
		case X_IF: {
			int k = 0;
			for (; k + 1 < x->n; k += 2)
				if (condition(x->kid[k], s))
					break;
			if (k < x->n)
				run_block(x->kid[k + 1 < x->n ? k + 1 : k], s, display, out);
			break;
		}
		case X_FOREACH:
			r = ps_run_pipeline(x->kid[0], s, NULL);
			if (r) {
				size_t j;
				json_array_foreach(r, j, v) {
					if (stopping(s))
						break;
					ps_var_set(s, x->s, v);
					run_block(x->kid[1], s, display, out);
					if (loop_jump(s))
						break;
				}
				json_decref(r);
			}
			break;
		case X_WHILE:
		case X_DO:
			for (int first = 1; !stopping(s); first = 0) {
				if ((x->k == X_WHILE || !first) && condition(x->kid[0], s) != !(x->s && !strcmp(x->s, "until")))
					break;
				run_block(x->kid[1], s, display, out);
				if (loop_jump(s))
					break;
			}
			break;
		case X_FOR:
			json_decref(ps_run_statements(x->kid[0], s, 0));
			while (!stopping(s)) {
				if (x->kid[1]->n && !condition(x->kid[1]->kid[0], s))
					break;
				run_block(x->kid[3], s, display, out);
				if (loop_jump(s))
					break;
				json_decref(ps_run_statements(x->kid[2], s, 0));
			}
			break;
		case X_BREAK:
		case X_CONTINUE:
			s->jump = x->k == X_BREAK ? 1 : 2;
			break;
		case X_TRY:
			run_try(x, s, display, out);
			break;
		case X_SWITCH:
			run_switch(x, s, display, out);
			break;
		case X_THROW: {
			/* throw "text", throw $_ (again), or a bare throw: a script-terminating error */
			json_t *rec = NULL;
			v = NULL;
			if (x->n && (r = ps_run_pipeline(x->kid[0], s, NULL)))
				v = ps_unwrap(r);
			if (v && ps_is_error_record(v)) {
				rec = json_incref(v);
			} else {
				char *t = v && !json_is_null(v) ? ps_to_string(v) : strdup("ScriptHalted");
				rec = ps_error_record("Exception", PS_E_RUNTIME, NULL, t);
				free(t);
			}
			json_decref(v);
			ps_error_throw(s, rec);
			json_decref(rec);
			s->error = 1;
			s->last_ok = 0;
			break;
		}
		case X_RETURN:
			if (x->n && (r = ps_run_pipeline(x->kid[0], s, NULL))) {
				emit(out, r, s, display);
				json_decref(r);
			}
			s->jump = 3;
			break;
		case X_FUNC:
			function_define(s, x);
			break;
		case X_PARAM: { /* a script's param block: from its arguments */
			json_t *argv = ps_var_get(s, "args");
			if (!json_is_array(argv)) {
				json_decref(argv);
				argv = json_array();
			}
			if (bind_params(x, argv, "param", s))
				s->error = 1;
			json_decref(argv);
			break;
		}
		case X_EXIT:
			s->exited = 1;
			s->exit_code = 0;
			if (x->n && (v = ps_eval(x->kid[0], s))) {
				s->exit_code = json_is_integer(v) ? (int)json_integer_value(v) :
					       json_is_string(v) ? atoi(json_string_value(v)) : ps_truthy(v);
				json_decref(v);
			}
			break;
		default:
			r = ps_run_pipeline(x, s, NULL);
			if (r) {
				emit(out, r, s, display);
				json_decref(r);
			}
		}
		ps_var_set(s, "?", s->last_ok ? json_true() : json_false());
	}
	return out;
}

