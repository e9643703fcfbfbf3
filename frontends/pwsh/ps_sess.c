/* A session's life: what it starts with (the command sources the runner dispatches
 * to: built-ins here, so ps_exec.c never calls up into them), running source text in
 * it, and what it frees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_lang.h"

void ps_sess_init(struct ps_sess *s, int interactive)
{
	memset(s, 0, sizeof(*s));
	s->out = ps_out_new();
	s->interactive = interactive;
	s->last_ok = 1;
	s->builtins = &ps_builtin_commands;
	s->scopes[s->nscopes++] = json_object(); /* the global scope */
}

void ps_sess_done(struct ps_sess *s)
{
	ps_out_flush(s->out);
	ps_out_free(s->out);
	s->out = NULL;
	for (int i = 0; i < s->ntrees; i++)
		ps_node_free(s->trees[i]);
	free(s->trees);
	ps_vars_free(s);
	json_decref(s->functions);
	json_decref(s->err.all);
	json_decref(s->err.pending);
	memset(s, 0, sizeof(*s));
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
	s->jump = 0; /* a break, continue or return outside a loop stops the script, as in PowerShell */
	ps_out_flush(s->out);
	return s->error;
}
