/* The interactive shell: readline with history in the state directory, a "PS path>"
 * prompt, ">>" continuation while a statement is incomplete, and Tab completion of
 * command names, a cmdlet's parameter names, and parameter values: the model's enum
 * values, and repository names (asked of the core, as any request). Variables and script
 * blocks live for the whole session. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>


#include "../lazy_readline.h"
#include "../lineread.h"
#include "model.h"
#include "../config.h"
#include "ps_lang.h"

/* the candidates of the word being completed, in a NULL-terminated list. File-scope
 * on purpose: readline's completion callbacks (rl_attempted_completion_function,
 * rl_completion_matches' generator) take no user pointer, and there is one terminal
 * per process; no interpreter state lives here (the session is in ps_shell's frame). */
static char **cands;
static int ncands;

static void add_cand(const char *word, const char *prefix, const char *lead)
{
	size_t n = strlen(prefix);
	if (strncasecmp(word, prefix, n))
		return;
	cands = realloc(cands, sizeof(char *) * (size_t)(ncands + 2));
	char *c = malloc(strlen(word) + 2);
	sprintf(c, "%s%s", lead, word);
	cands[ncands++] = c;
	cands[ncands] = NULL;
}

/* The command word of the pipeline element the cursor is in. */
static void command_at(int start, char *out, size_t n)
{
	int i = start;
	while (i > 0 && !strchr("|;{(", rl_line_buffer[i - 1]))
		i--;
	while (rl_line_buffer[i] == ' ')
		i++;
	size_t k = 0;
	while (rl_line_buffer[i] && rl_line_buffer[i] != ' ' && k + 1 < n)
		out[k++] = rl_line_buffer[i++];
	out[k] = '\0';
}

static char *next_cand(const char *text, int state)
{
	static int i; /* readline calls the generator with state 0, then 1, 2 …: where it is */
	(void)text;
	if (!state)
		i = 0;
	return i < ncands ? strdup(cands[i++]) : NULL;
}

/* The i-th parameter completion offers for c: its own, -NoAutoIteration where it pages,
 * and with common set the AWS and PowerShell common parameters (not -Force, -PassThru,
 * -WhatIf, -Confirm). NULL after the last. */
static const struct ps_param *listed(const struct ps_cmdlet *c, int i, int common)
{
	for (const struct ps_param *p = c->params; p->name; p++)
		if (!i--)
			return p;
	for (const struct ps_role_param *r = ps_roles; r->p.name; r++)
		if ((r->when == PW_PAGED || (common && r->when == PW_ALL)) && ps_cmdlet_takes(c, r) && !i--)
			return &r->p;
	return NULL;
}

/* The parameter the word before start names, for the cmdlet of this pipeline element. */
static const struct ps_param *param_before(int start, const struct ps_cmdlet **cmd)
{
	char name[128];
	command_at(start, name, sizeof(name));
	*cmd = ps_cmdlet_find(name);
	int e = start;
	while (e > 0 && rl_line_buffer[e - 1] == ' ')
		e--;
	int b = e;
	while (b > 0 && rl_line_buffer[b - 1] != ' ')
		b--;
	if (!*cmd || e - b < 2 || rl_line_buffer[b] != '-')
		return NULL;
	size_t n = (size_t)(e - b - 1);
	const struct ps_param *hit = NULL, *p;
	for (int i = 0; (p = listed(*cmd, i, 0)); i++) {
		if (strlen(p->name) == n && !strncasecmp(p->name, rl_line_buffer + b + 1, n))
			return p;
		if (!strncasecmp(p->name, rl_line_buffer + b + 1, n))
			hit = hit ? hit : p;
	}
	return hit;
}

/* Values for a parameter: the model's enum values, or the repositories there are. */
static void value_cands(const struct ps_cmdlet *c, const struct ps_param *p, const char *text)
{
	if (ps_param_role(p) != PR_MEMBER)
		return;
	if (!strcmp(p->path, "repositoryName") || !strcmp(p->path, "repositoryNames")) {
		struct ecr_ctx *ctx = NULL;
		struct ecr_err e = {0};
		char *region = fe_region(NULL, NULL);
		json_t *resp = NULL, *req = json_object();
		if (!fe_ctx_open(&ctx, region, &e) &&
		    !ecr_call(ctx, "DescribeRepositories", req, &resp, &e)) {
			size_t i;
			json_t *r;
			json_array_foreach(json_object_get(resp, "repositories"), i, r)
				add_cand(json_string_value(json_object_get(r, "repositoryName")), text, "");
		}
		json_decref(resp);
		json_decref(req);
		free(region);
		ecr_ctx_free(ctx);
		return;
	}
	const struct ecr_op_model *m = ecr_model_op(c->op);
	int shape = m ? m->input : -1;
	char path[128];
	snprintf(path, sizeof(path), "%s", p->path);
	for (char *seg = strtok(path, "."); seg && shape >= 0; seg = strtok(NULL, ".")) {
		const struct ecr_member *mm = ecr_model_member(&ecr_shapes[shape], seg);
		shape = mm ? mm->shape : -1;
		if (shape >= 0 && ecr_shapes[shape].type == ECR_T_LIST)
			shape = ecr_shapes[shape].member;
	}
	if (shape >= 0 && ecr_shapes[shape].enums)
		for (const char *const *v = ecr_shapes[shape].enums; *v; v++)
			add_cand(*v, text, "");
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	for (int i = 0; i < ncands; i++)
		free(cands[i]);
	ncands = 0;
	rl_attempted_completion_over = 1;
	const struct ps_cmdlet *c = NULL;
	const struct ps_param *p;
	if (text[0] == '-') {
		char cmd[128];
		command_at(start, cmd, sizeof(cmd));
		c = ps_cmdlet_find(cmd);
		for (int i = 0; c && (p = listed(c, i, 1)); i++)
			add_cand(p->name, text + 1, "-");
	} else if ((p = param_before(start, &c))) {
		value_cands(c, p, text);
	} else {
		for (int i = 0; i < ps_cmdlet_count(); i++)
			add_cand(ps_cmdlet_at(i)->name, text, "");
		for (int i = 0; ps_builtin_name(i); i++)
			add_cand(ps_builtin_name(i), text, "");
	}
	return ncands ? rl_completion_matches(text, next_cand) : NULL;
}

/* more lines while the statement is open (a brace, parenthesis or string) */
static int ps_incomplete(const char *code, void *ud)
{
	(void)ud;
	char err[300];
	int incomplete;
	struct node *x = ps_parse(code, err, sizeof(err), &incomplete);
	ps_node_free(x);
	return !x && incomplete;
}

int ps_shell(void)
{
	char cwd[PATH_MAX], prompt[PATH_MAX + 8];
	struct fe_history hist;
	fe_history_open(&hist, "pwsh_history");
	rl_readline_name = "ecrlite-pwsh";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n|;({=,";
	struct ps_sess s;
	ps_sess_init(&s, 1);
	printf("ecrlite %s PowerShell-style shell: AWS.Tools.ECR cmdlets, pipelines, variables (Get-Command lists them)\n",
	       ECRLITE_VERSION);
	while (!s.exited) {
		snprintf(prompt, sizeof(prompt), "PS %s> ", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		char *code = fe_read_statement(prompt, ps_incomplete, NULL);
		if (!code)
			break;
		if (*code) {
			ps_run_source(code, &s);
			s.error = 0; /* an error ends the line, not the session */
		}
		free(code);
	}
	if (!s.exited)
		putchar('\n');
	fe_history_close(&hist);
	for (int i = 0; i < ncands; i++)
		free(cands[i]);
	free(cands);
	int rc = s.exited ? s.exit_code : 0;
	ps_sess_done(&s);
	return rc;
}
