#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lazy_readline.h"
#include "lineread.h"

void fe_history_open(struct fe_history *h, const char *name)
{
	const char *home = getenv("ECRLITE_HOME"), *user = getenv("HOME");
	h->path[0] = '\0';
	if (home && *home)
		snprintf(h->path, sizeof(h->path), "%s/%s", home, name);
	else if (user)
		snprintf(h->path, sizeof(h->path), "%s/.local/share/ecrlite/%s", user, name);
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
