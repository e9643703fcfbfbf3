/* The server's lifecycle thread: ECR runs lifecycle policies on its own ("within 24
 * hours" of an image meeting a rule), so an age rule expires images in a repository
 * nobody pushes to. This thread calls ApplyLifecyclePolicies (core/ops_lifecycle_run.c)
 * once shortly after the start and then every --lifecycle-interval seconds, with a
 * context of its own (one SQLite connection per thread); the core keeps each write
 * transaction to one repository, so requests wait at most that long for it. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "serve.h"
#include "serve_int.h"

/* the first run comes this soon after the start (or after one interval, if shorter):
 * late enough that the server answers its first requests first */
#define FIRST_RUN_S 5
#define LINE_MAX_REPOS 4096 /* the log line's list of repositories; past it the count alone */

static pthread_t thread;
static int started;    /* the thread is running (joined at the stop) */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake; /* on CLOCK_MONOTONIC: a clock step neither hurries nor stalls a run */
static int stopping;   /* set at the stop: the thread leaves after the run it is in */
static unsigned interval; /* seconds between runs */

/* Sleeps seconds, or less when the stop comes; 1 when stopping. */
static int nap(unsigned seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)seconds;
	pthread_mutex_lock(&lock);
	while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) == 0)
		;
	int stop = stopping;
	pthread_mutex_unlock(&lock);
	return stop;
}

/* A repository of the run as the log names it: its name in the server's own registry
 * and region, else "registry/region/name" (the run covers every registry and region the
 * state holds, and two regions can each have an "app"). */
static int name_repo(struct buf *b, const struct ecr_ctx *ctx, json_t *entry, const char *sep)
{
	const char *acct = json_string_value(json_object_get(entry, "registryId"));
	const char *region = json_string_value(json_object_get(entry, "region"));
	const char *name = json_string_value(json_object_get(entry, "repositoryName"));
	if (acct && region && (strcmp(acct, ecr_ctx_account(ctx)) || strcmp(region, ecr_ctx_region(ctx))))
		return ecr_buf_printf(b, "%s%s/%s/%s", sep, acct, region, name);
	return ecr_buf_printf(b, "%s%s", sep, name);
}

/* The run's log line, when it expired something, in the request lines' shape (what, the
 * operation, the outcome, the time): "lifecycle ApplyLifecyclePolicies expired 3 images
 * (app 2, web 1) 4.1 ms". Failures are always told. */
static void report(const struct ecr_ctx *ctx, json_t *out, double ms)
{
	struct buf what;
	size_t i;
	long long n = 0;
	int whole = 1;
	json_t *repo, *f;
	ecr_buf_init(&what, LINE_MAX_REPOS);
	json_array_foreach(json_object_get(out, "repositories"), i, repo) {
		size_t k = json_array_size(json_object_get(repo, "expiredImages"));
		if (!k)
			continue;
		n += (long long)k;
		whole = whole && !name_repo(&what, ctx, repo, what.len ? ", " : "") && !ecr_buf_printf(&what, " %zu", k);
	}
	if (n && !serve_config()->quiet)
		fprintf(stderr, "lifecycle ApplyLifecyclePolicies expired %lld image%s (%s) %.1f ms\n", n, n == 1 ? "" : "s",
			whole ? what.data : "too many repositories to list", ms);
	ecr_buf_release(&what);
	json_array_foreach(json_object_get(out, "failures"), i, f) {
		ecr_buf_init(&what, 1024);
		name_repo(&what, ctx, f, "");
		fprintf(stderr, "ecrlite serve: lifecycle: %s: %s: %s\n", what.data ? what.data : "?",
			json_string_value(json_object_get(f, "failureCode")),
			json_string_value(json_object_get(f, "failureReason")));
		ecr_buf_release(&what);
	}
}

static void *loop(void *arg)
{
	struct ecr_ctx *ctx = arg;
	struct ecr_err err;
	unsigned first = interval < FIRST_RUN_S ? interval : FIRST_RUN_S;
	for (int stop = nap(first); !stop; stop = nap(interval)) {
		json_t *out = NULL;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		/* every stored policy, of every registry and region the state holds */
		if (ecr_call(ctx, "ApplyLifecyclePolicies", NULL, &out, &err)) {
			fprintf(stderr, "ecrlite serve: lifecycle: %s\n", err.message);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		report(ctx, out, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		json_decref(out);
	}
	ecr_ctx_free(ctx);
	return NULL;
}

int serve_lifecycle_start(unsigned seconds)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err;
	pthread_condattr_t ca;
	if (!seconds)
		return 0; /* --lifecycle-interval 0: policies run only at a put and a push */
	interval = seconds;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &ca);
	pthread_condattr_destroy(&ca);
	/* the server's region: the log names repositories of other regions in full */
	if (ecr_ctx_open(&ctx, &serve_config()->opts, &err) ||
	    (serve_config()->region && ecr_ctx_set_region(ctx, serve_config()->region, &err))) {
		fprintf(stderr, "ecrlite serve: error: lifecycle: %s\n", err.message);
		ecr_ctx_free(ctx);
		return -1;
	}
	if (pthread_create(&thread, NULL, loop, ctx)) {
		ecr_ctx_free(ctx);
		fprintf(stderr, "ecrlite serve: error: cannot start the lifecycle thread\n");
		return -1;
	}
	started = 1;
	return 0;
}

void serve_lifecycle_stop(void)
{
	if (!started)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	started = 0;
}
