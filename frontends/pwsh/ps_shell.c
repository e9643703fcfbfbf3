/* The interactive shell: readline with history in the state directory, a "PS path>"
 * prompt, ">>" continuation while a statement is incomplete, and Tab completion of
 * command names and, after a cmdlet, of its parameter names. Variables and script
 * blocks live for the whole session. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "ps_lang.h"

/* the candidates of the word being completed, in a NULL-terminated list */
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
	while (i > 0 && rl_line_buffer[i - 1] != '|' && rl_line_buffer[i - 1] != ';' && rl_line_buffer[i - 1] != '{')
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
	static int i;
	(void)text;
	if (!state)
		i = 0;
	return i < ncands ? strdup(cands[i++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	for (int i = 0; i < ncands; i++)
		free(cands[i]);
	ncands = 0;
	rl_attempted_completion_over = 1;
	if (text[0] == '-') {
		char cmd[128];
		command_at(start, cmd, sizeof(cmd));
		const struct ps_cmdlet *c = ps_cmdlet_find(cmd);
		if (c) {
			for (const struct ps_param *p = c->params; p->name; p++)
				add_cand(p->name, text + 1, "-");
			for (const struct ps_param *p = ps_common; p->name; p++)
				add_cand(p->name, text + 1, "-");
		}
	} else {
		for (int i = 0; i < ps_cmdlet_count(); i++)
			add_cand(ps_cmdlet_at(i)->name, text, "");
		for (int i = 0; ps_builtin_name(i); i++)
			add_cand(ps_builtin_name(i), text, "");
	}
	return ncands ? rl_completion_matches(text, next_cand) : NULL;
}

int ps_shell(void)
{
	char hist[PATH_MAX] = "", cwd[PATH_MAX], prompt[PATH_MAX + 8];
	const char *home = getenv("ECRLITE_HOME"), *h = getenv("HOME");
	if (home && *home)
		snprintf(hist, sizeof(hist), "%s/pwsh_history", home);
	else if (h)
		snprintf(hist, sizeof(hist), "%s/.local/share/ecrlite/pwsh_history", h);
	using_history();
	if (hist[0])
		read_history(hist);
	rl_readline_name = "ecrlite-pwsh";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n|;({=,";
	struct ps_sess s;
	ps_sess_init(&s, 1);
	printf("ecrlite %s PowerShell-style shell: AWS.Tools.ECR cmdlets, pipelines, variables (Get-Command lists them)\n",
	       ECRLITE_VERSION);
	while (!s.exited) {
		snprintf(prompt, sizeof(prompt), "PS %s> ", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		char *code = readline(prompt);
		if (!code)
			break;
		/* more lines while the statement is open (a brace, parenthesis or string) */
		for (;;) {
			char err[300];
			int incomplete;
			struct node *x = ps_parse(code, err, sizeof(err), &incomplete);
			ps_node_free(x);
			if (x || !incomplete)
				break;
			char *more = readline(">> ");
			if (!more)
				break;
			char *joined = malloc(strlen(code) + strlen(more) + 2);
			sprintf(joined, "%s\n%s", code, more);
			free(code);
			free(more);
			code = joined;
		}
		if (*code) {
			add_history(code);
			ps_run_source(code, &s);
			s.error = 0; /* an error ends the line, not the session */
		}
		free(code);
	}
	if (!s.exited)
		putchar('\n');
	if (hist[0])
		write_history(hist);
	for (int i = 0; i < ncands; i++)
		free(cands[i]);
	free(cands);
	int rc = s.exited ? s.exit_code : 0;
	ps_sess_done(&s);
	return rc;
}
