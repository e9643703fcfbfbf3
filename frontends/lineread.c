#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lazy_readline.h"
#include "lineread.h"
#include "str.h"

void fe_history_open(struct fe_history *h, const char *name)
{
	char home[sizeof(h->path)];
	h->path[0] = '\0';
	/* beside the state, wherever fe_state_home puts it */
	if (!fe_state_home(home, sizeof(home)) && ecr_str_join(h->path, sizeof(h->path), home, "/", name))
		h->path[0] = '\0'; /* no history rather than another file's */
	using_history();
	if (h->path[0])
		read_history(h->path);
}

void fe_history_close(struct fe_history *h)
{
	if (h->path[0])
		write_history(h->path);
}

char *fe_read_statement(const char *prompt, int (*incomplete)(const char *text, void *ud), void *ud)
{
	char *code = readline(prompt);
	while (code && *code && incomplete(code, ud)) {
		char *more = readline(">> ");
		if (!more)
			break;
		char *joined = malloc(strlen(code) + strlen(more) + 2);
		sprintf(joined, "%s\n%s", code, more);
		free(code);
		free(more);
		code = joined;
	}
	if (code && *code)
		add_history(code);
	return code;
}
