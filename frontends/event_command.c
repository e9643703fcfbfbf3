/* $ECRLITE_EVENT_COMMAND: a shell command that reads each scan event on stdin, one
 * JSON line, after the scan has committed. It runs a shell, so it lives here and not
 * in the core; main.c subscribes it for every context. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "config.h"

/* Writes line to the consumer and waits for it with SIGPIPE blocked for this thread:
 * a consumer that exits without reading must not kill a command whose work has
 * committed (git blocks it the same way around gpg). The SIGPIPE that the write
 * raised stays pending; it is taken here before the old mask comes back. Returns the
 * wait status (pclose), -1 when it could not be had; *werr is the write's errno. */
static int write_and_wait(FILE *p, const char *line, int *werr)
{
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	errno = 0;
	*werr = fputs(line, p) < 0 || fputc('\n', p) == EOF || fflush(p) ? errno : 0;
	int st = pclose(p);
	if (!sigismember(&old, SIGPIPE) && !sigpending(&pending) && sigismember(&pending, SIGPIPE)) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return st;
}

static char *says(const char *fmt, const char *cmd, const char *what)
{
	size_t n = strlen(fmt) + strlen(cmd) + strlen(what) + 1;
	char *m = malloc(n);
	if (m)
		snprintf(m, n, fmt, cmd, what);
	return m;
}

/* A command that exits 0 without reading is its own business; any other failure is
 * a warning (the scan result is kept). */
int fe_event_command(void *ud, struct ecr_ctx *ctx, json_t *event, char **why)
{
	const char *cmd = ud;
	(void)ctx;
	if (!cmd || !*cmd)
		return 0;
	char *line = json_dumps(event, JSON_COMPACT);
	if (!line) {
		*why = says("event command '%s': %s", cmd, "out of memory");
		return -1;
	}
	FILE *p = popen(cmd, "w");
	if (!p) {
		free(line);
		*why = says("event command '%s' could not start%s", cmd, "");
		return -1;
	}
	int werr, st = write_and_wait(p, line, &werr);
	free(line);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		char code[32];
		snprintf(code, sizeof(code), "%d", st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		*why = says("event command '%s' failed (exit %s); the scan result is kept", cmd, code);
		return -1;
	}
	if (werr && werr != EPIPE) {
		*why = says("event command '%s': cannot write the event: %s", cmd, strerror(werr));
		return -1;
	}
	return 0;
}
