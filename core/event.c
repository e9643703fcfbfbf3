#include <errno.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "event.h"
#include "timefmt.h"

static ecr_event_fn all_fn; /* set once by the program before any context opens */
static void *all_ud;

void ecr_event_subscribe_all(ecr_event_fn fn, void *ud)
{
	all_fn = fn;
	all_ud = ud;
}

void ecr_event_attach_defaults(struct ecr_ctx *ctx)
{
	if (all_fn)
		ecr_event_subscribe(ctx, all_fn, all_ud);
}

int ecr_event_subscribe(struct ecr_ctx *ctx, ecr_event_fn fn, void *ud)
{
	if (ctx->nconsumers == 8)
		return -1;
	ctx->consumers[ctx->nconsumers].fn = fn;
	ctx->consumers[ctx->nconsumers].ud = ud;
	ctx->nconsumers++;
	return 0;
}

static void uuid4(char out[37])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		memset(b, 0, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

json_t *ecr_event_scan(struct ecr_ctx *ctx, const char *repo, const char *digest, json_t *tags,
		       const char *status, json_t *counts)
{
	char id[37], when[40], arn[512];
	uuid4(id);
	ecr_time_iso_utc(ecr_ctx_now(ctx), when, sizeof(when));
	snprintf(arn, sizeof(arn), "arn:aws:ecr:%s:%s:repository/%s", ctx->region, ctx->account, repo);
	/* borrowed counts and tags: O takes a reference, o would steal */
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:s, s:o, s:s, s:o}}", "version", "0",
			 "id", id, "detail-type", "ECR Image Scan", "source", "aws.ecr", "account", ctx->account,
			 "time", when, "region", ctx->region, "resources", arn, "detail", "scan-status", status,
			 "repository-name", repo, "finding-severity-counts", counts ? json_incref(counts) : json_object(),
			 "image-digest", digest, "image-tags", tags ? json_incref(tags) : json_array());
}

void ecr_event_queue(struct ecr_ctx *ctx, json_t *ev)
{
	json_array_append_new(ctx->events, ev);
}

static void notice(struct ecr_ctx *ctx, const char *fmt, const char *a, const char *b)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, a, b);
	json_array_append_new(ctx->notices, json_string(msg));
}

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

/* $ECRLITE_EVENT_COMMAND: a shell command that reads the event on stdin. A command
 * that exits 0 without reading is its own business; any other failure is a notice. */
static int run_command(struct ecr_ctx *ctx, const char *cmd, const char *line)
{
	FILE *p = popen(cmd, "w");
	if (!p) {
		notice(ctx, "event command '%s' could not start%s", cmd, "");
		return -1;
	}
	int werr, st = write_and_wait(p, line, &werr);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		char code[32];
		snprintf(code, sizeof(code), "%d", st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		notice(ctx, "event command '%s' failed (exit %s); the scan result is kept", cmd, code);
		return -1;
	}
	if (werr && werr != EPIPE) {
		notice(ctx, "event command '%s': cannot write the event: %s", cmd, strerror(werr));
		return -1;
	}
	return 0;
}

size_t ecr_event_mark(struct ecr_ctx *ctx)
{
	return json_array_size(ctx->events);
}

void ecr_event_rollback(struct ecr_ctx *ctx, size_t mark)
{
	while (json_array_size(ctx->events) > mark)
		json_array_remove(ctx->events, json_array_size(ctx->events) - 1);
}

void ecr_event_flush(struct ecr_ctx *ctx)
{
	size_t i;
	json_t *ev;
	if (ctx->delivering)
		return; /* a consumer's own calls: their events go out after it returns */
	{
		/* take the queue: consumers may run operations that queue more */
		json_t *batch = ctx->events;
		ctx->events = json_array();
		ctx->delivering = 1;
		char path[4096];
		snprintf(path, sizeof(path), "%s/events.jsonl", ctx->home);
		const char *cmd = getenv("ECRLITE_EVENT_COMMAND");
		json_array_foreach(batch, i, ev) {
			char *line = json_dumps(ev, JSON_COMPACT);
			FILE *f = fopen(path, "a");
			if (!f || fprintf(f, "%s\n", line) < 0)
				notice(ctx, "cannot append to '%s'%s", path, "");
			if (f)
				fclose(f);
			if (cmd && *cmd)
				run_command(ctx, cmd, line);
			for (int c = 0; c < ctx->nconsumers; c++) {
				char *why = NULL;
				if (ctx->consumers[c].fn(ctx->consumers[c].ud, ctx, ev, &why)) {
					notice(ctx, "scan event hook failed: %s%s", why ? why : "unknown error", "");
					free(why);
				}
			}
			free(line);
		}
		json_decref(batch);
		ctx->delivering = 0;
		if (json_array_size(ctx->events))
			ecr_event_flush(ctx);
	}
}

json_t *ecr_ctx_take_notices(struct ecr_ctx *ctx)
{
	json_t *n = ctx->notices;
	ctx->notices = json_array();
	return n;
}
