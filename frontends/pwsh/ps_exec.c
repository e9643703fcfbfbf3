/* Runs parsed statements: pipelines (an expression or command feeding commands, each
 * command given the whole list its predecessor emitted), assignments, if/foreach/exit.
 * ECR cmdlets go through ps_invoke, everything else through ps_builtins.c. Output of
 * statements run for display collects in the session's Out-Default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_lang.h"

static int is_switch(const char *cmd, const char *param)
{
	if (ps_cmdlet_find(cmd))
		return ps_is_cmdlet_switch(cmd, param);
	return ps_builtin_is_switch(cmd, param);
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
		} else if (a->s && !is_switch(c->s, a->s) && i + 1 < c->n && !c->kid[i + 1]->s) {
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

static json_t *run_command(struct node *c, struct ps_sess *s, json_t *input)
{
	struct ps_arg *args = calloc((size_t)c->n + 1, sizeof(*args));
	int n = 0;
	json_t *out = NULL;
	if (eval_args(c, s, args, &n)) {
		free(args);
		return NULL;
	}
	if (ps_cmdlet_find(c->s)) {
		struct ps_out *o = ps_out_new();
		int rc = ps_invoke(c->s, args, n, input, o, s->interactive);
		out = ps_out_take(o);
		ps_out_free(o);
		s->last_ok = !rc;
		/* -ErrorAction Stop makes the cmdlet's error terminating: the script ends, exit 1 */
		for (int i = 0; rc && i < n; i++)
			if (args[i].param && (!strcasecmp(args[i].param, "ErrorAction") || !strcasecmp(args[i].param, "ea")) &&
			    json_is_string(args[i].value) && !strcasecmp(json_string_value(args[i].value), "Stop"))
				s->error = 1;
	} else if (ps_builtin_exists(c->s)) {
		struct ps_barg *b = calloc((size_t)n + 1, sizeof(*b));
		for (int i = 0; i < n; i++) {
			b[i].name = args[i].param;
			b[i].value = args[i].has_value ? args[i].value : NULL;
		}
		out = json_array();
		s->last_ok = !ps_builtin_run(c->s, b, n, input, out, s);
		free(b);
	} else {
		fprintf(stderr, "%s: The term '%s' is not recognized as a name of a cmdlet, function, script file, or executable program.\n"
				"Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\n",
			c->s, c->s);
		s->last_ok = 0;
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

json_t *ps_run_pipeline(struct node *pl, struct ps_sess *s, json_t *input)
{
	json_t *items = input ? json_incref(input) : NULL;
	for (int i = 0; i < pl->n; i++) {
		struct node *e = pl->kid[i];
		json_t *next;
		if (e->k == X_CMD) {
			next = run_command(e, s, items);
		} else {
			json_t *v = ps_eval(e, s);
			next = v ? enumerate(v) : NULL;
			s->last_ok = v != NULL;
		}
		json_decref(items);
		if (!next)
			return NULL;
		items = next;
	}
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

/* After a loop body: 1 when a break ends the loop; a continue just goes on. */
static int loop_jump(struct ps_sess *s)
{
	int brk = s->jump == 1;
	s->jump = 0;
	return brk;
}

json_t *ps_run_statements(struct node *st, struct ps_sess *s, int display)
{
	json_t *out = json_array();
	for (int i = 0; i < st->n && !s->exited && !s->error && !s->jump; i++) {
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
			if (r) {
				v = r;
				if (x->has_value) {
					char op[2] = {(char)x->has_value, 0};
					json_t *old = ps_var_get(x->s), *nv = ps_binop(op, old, v);
					json_decref(old);
					json_decref(v);
					v = nv;
				}
				ps_var_set(x->s, v);
				json_decref(v);
			}
			break;
		case X_IF: {
			int k = 0;
			for (; k + 1 < x->n; k += 2) {
				r = ps_run_pipeline(x->kid[k], s, NULL);
				v = r ? ps_unwrap(r) : json_null();
				int yes = ps_truthy(v);
				json_decref(v);
				if (yes)
					break;
			}
			if (k < x->n)
				run_block(x->kid[k + 1 < x->n ? k + 1 : k], s, display, out);
			break;
		}
		case X_FOREACH:
			r = ps_run_pipeline(x->kid[0], s, NULL);
			if (r) {
				size_t j;
				json_array_foreach(r, j, v) {
					if (s->exited || s->error)
						break;
					ps_var_set(x->s, v);
					run_block(x->kid[1], s, display, out);
					if (loop_jump(s))
						break;
				}
				json_decref(r);
			}
			break;
		case X_WHILE:
		case X_DO:
			for (int first = 1; !s->exited && !s->error; first = 0) {
				if (x->k == X_WHILE || !first) {
					r = ps_run_pipeline(x->kid[0], s, NULL);
					v = r ? ps_unwrap(r) : json_null();
					int go = ps_truthy(v) == !(x->s && !strcmp(x->s, "until"));
					json_decref(v);
					if (!go)
						break;
				}
				run_block(x->kid[1], s, display, out);
				if (loop_jump(s))
					break;
			}
			break;
		case X_BREAK:
		case X_CONTINUE:
			s->jump = x->k == X_BREAK ? 1 : 2;
			break;
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
		ps_var_set("?", s->last_ok ? json_true() : json_false());
	}
	return out;
}

void ps_sess_init(struct ps_sess *s, int interactive)
{
	memset(s, 0, sizeof(*s));
	s->out = ps_out_new();
	s->interactive = interactive;
	s->last_ok = 1;
}

void ps_sess_done(struct ps_sess *s)
{
	ps_out_flush(s->out);
	ps_out_free(s->out);
	for (int i = 0; i < s->ntrees; i++)
		ps_node_free(s->trees[i]);
	free(s->trees);
	ps_vars_free();
}

int ps_run_source(const char *src, struct ps_sess *s)
{
	char err[300];
	int inc;
	struct node *x = ps_parse(src, err, sizeof(err), &inc);
	if (!x) {
		fprintf(stderr, "ParserError: %s\n", err);
		s->last_ok = 0;
		return 1;
	}
	/* the tree lives as long as the session: script blocks stored in variables point into it */
	s->trees = realloc(s->trees, sizeof(*s->trees) * (size_t)(s->ntrees + 1));
	s->trees[s->ntrees++] = x;
	json_t *r = ps_run_statements(x, s, 1);
	json_decref(r);
	s->jump = 0; /* a break or continue outside a loop stops the script, as in PowerShell */
	ps_out_flush(s->out);
	return s->error;
}
