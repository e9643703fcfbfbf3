/* The interactive shells' line reading (the Lua REPL, the PowerShell-style shell):
 * readline with history in the state directory, and statements that go on over lines. */
#ifndef FE_LINEREAD_H
#define FE_LINEREAD_H
#include <limits.h>

struct fe_history {
	char path[PATH_MAX]; /* $ECRLITE_HOME/NAME, else ~/.local/share/ecrlite/NAME; "" for none */
};

/* Reads the history file name (lua_history, pwsh_history) if there is one. */
void fe_history_open(struct fe_history *h, const char *name);
/* Writes it back. */
void fe_history_close(struct fe_history *h);
/* One statement: a line read with prompt, then more lines read with ">> " while
 * incomplete(text, ud) says it is unfinished; added to the history when not empty.
 * NULL at the end of input; the caller frees the text. */
char *fe_read_statement(const char *prompt, int (*incomplete)(const char *text, void *ud), void *ud);

#endif
