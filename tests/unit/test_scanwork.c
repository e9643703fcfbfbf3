/* Queued scans (core/scanwork.c): StartImageScan only queues, ecr_scan_work runs one
 * scan at a time from any thread (one ctx each), dead claims are taken up again or
 * FAILED, and an inline scan whose process died stops counting against the quota. */
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../core/ctx.h"
#include "../../core/push.h"
#include "../../core/scanclaim.h"
#include "../../core/scanwork.h"
#include "../../core/state.h"
#include "unit.h"

/* A context on dir with the default options. */
static int open_at(struct ecr_ctx **ctx, const char *dir, struct ecr_err *err)
{
	struct ecr_options o;
	ecr_options_init(&o);
	o.home = dir;
	return ecr_ctx_open(ctx, &o, err);
}

#define IMAGE "../shared/images/alpine-3.19.oci.tar"

static char *setup(int repos)
{
	char *dir = strdup("/tmp/ecrlite-unit-XXXXXX");
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	if (!mkdtemp(dir) || open_at(&ctx, dir, &err)) {
		CHECK(!"state");
		return dir;
	}
	for (int i = 0; i < repos; i++) {
		char name[32];
		json_t *resp = NULL, *req;
		snprintf(name, sizeof(name), "r%d", i);
		req = json_pack("{s:s}", "repositoryName", name);
		CHECK(ecr_call(ctx, "CreateRepository", req, &resp, &err) == 0);
		json_decref(req);
		json_decref(resp);
		resp = NULL;
		CHECK(ecr_push(ctx, IMAGE, name, "v1", &resp, &err) == 0);
		json_decref(resp);
	}
	ecr_ctx_free(ctx);
	return dir;
}

static void cleanup(char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
}

/* The status a user sees through DescribeImageScanFindings ("" when none). */
static const char *status_of(struct ecr_ctx *ctx, const char *repo, char *out, size_t n)
{
	struct ecr_err err = {0};
	json_t *resp = NULL, *req = json_pack("{s:s, s:{s:s}}", "repositoryName", repo, "imageId", "imageTag", "v1");
	out[0] = '\0';
	if (!ecr_call(ctx, "DescribeImageScanFindings", req, &resp, &err))
		snprintf(out, n, "%s", json_string_value(json_object_get(json_object_get(resp, "imageScanStatus"), "status")));
	json_decref(req);
	json_decref(resp);
	return out;
}

static int start(struct ecr_ctx *ctx, const char *repo)
{
	struct ecr_err err = {0};
	json_t *resp = NULL, *req = json_pack("{s:s, s:{s:s}}", "repositoryName", repo, "imageId", "imageTag", "v1");
	int rc = ecr_call(ctx, "StartImageScan", req, &resp, &err);
	json_decref(req);
	json_decref(resp);
	return rc;
}

static int skip(void)
{
	if (access(IMAGE, R_OK) == 0)
		return 0;
	fprintf(stderr, "scanwork: %s absent; skipped\n", IMAGE);
	return 1;
}

void test_scanwork_queue(void)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	char s[64];
	if (skip())
		return;
	char *dir = setup(1);
	CHECK(open_at(&ctx, dir, &err) == 0);
	ecr_ctx_set_scan_mode(ctx, ECR_SCAN_QUEUED);
	CHECK(start(ctx, "r0") == 0);
	/* queued, not run: the answer came at once and the scan waits for a worker */
	CHECK_STR(status_of(ctx, "r0", s, sizeof(s)), "IN_PROGRESS");
	CHECK(start(ctx, "r0") == ECR_E_LIMIT_EXCEEDED);
	CHECK(ecr_scan_work(ctx, &err) == 1);
	CHECK_STR(status_of(ctx, "r0", s, sizeof(s)), "COMPLETE");
	CHECK(ecr_scan_work(ctx, &err) == 0);
	ecr_ctx_free(ctx);
	cleanup(dir);
}

struct worker_arg {
	const char *dir;  /* state */
	int ran;          /* scans this thread ran */
	int failed;       /* ecr_scan_work errors */
};

static void *worker(void *p)
{
	struct worker_arg *a = p;
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	int rc;
	if (open_at(&ctx, a->dir, &err)) {
		a->failed++;
		return NULL;
	}
	while ((rc = ecr_scan_work(ctx, &err)) != 0)
		if (rc > 0)
			a->ran++;
		else
			a->failed++;
	ecr_ctx_free(ctx);
	return NULL;
}

void test_scanwork_threads(void)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	struct worker_arg a[3] = {{0}};
	pthread_t th[3];
	char s[64], name[16];
	if (skip())
		return;
	char *dir = setup(5);
	CHECK(open_at(&ctx, dir, &err) == 0);
	ecr_ctx_set_scan_mode(ctx, ECR_SCAN_QUEUED);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		CHECK(start(ctx, name) == 0);
	}
	for (int i = 0; i < 3; i++) {
		a[i].dir = dir;
		CHECK(pthread_create(&th[i], NULL, worker, &a[i]) == 0);
	}
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	/* every scan ran exactly once, whichever thread took it */
	CHECK(a[0].ran + a[1].ran + a[2].ran == 5);
	CHECK(a[0].failed + a[1].failed + a[2].failed == 0);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		CHECK_STR(status_of(ctx, name, s, sizeof(s)), "COMPLETE");
	}
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT count(*), sum(attempts) FROM scan", NULL);
	CHECK(st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 5 && sqlite3_column_int(st, 1) == 5);
	ecr_state_done(st);
	ecr_ctx_free(ctx);
	cleanup(dir);
}

/* A pid that no process has any more. */
static long dead_pid(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return (long)p;
}

static void claim_as_dead(struct ecr_ctx *ctx, int attempts, int queued)
{
	char owner[128], sql[400];
	ecr_scanclaim_owner(owner, sizeof(owner));
	*strrchr(owner, ':') = '\0';
	snprintf(sql, sizeof(sql),
		 "UPDATE scan SET worker = '%s:%ld', claim = 'gone', lease_until = 1e12, attempts = %d, queued = %d"
		 " WHERE status = 'IN_PROGRESS'", owner, dead_pid(), attempts, queued);
	CHECK(ecr_state_exec(ctx->db, sql, NULL) == 0);
}

static const char *description(struct ecr_ctx *ctx, char *out, size_t n)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT description FROM scan ORDER BY id DESC LIMIT 1", NULL);
	out[0] = '\0';
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	ecr_state_done(st);
	return out;
}

void test_scanwork_recover(void)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	char s[64], d[600];
	if (skip())
		return;
	char *dir = setup(3);
	CHECK(open_at(&ctx, dir, &err) == 0);
	ecr_ctx_set_scan_mode(ctx, ECR_SCAN_QUEUED);
	/* a worker died holding the claim: the next worker takes the scan up again */
	CHECK(start(ctx, "r0") == 0);
	claim_as_dead(ctx, 1, 1);
	CHECK(ecr_scan_work(ctx, &err) == 1);
	CHECK_STR(status_of(ctx, "r0", s, sizeof(s)), "COMPLETE");
	/* ... but not forever: after ECR_SCAN_ATTEMPTS claims it is FAILED, with why */
	CHECK(start(ctx, "r1") == 0);
	claim_as_dead(ctx, ECR_SCAN_ATTEMPTS, 1);
	CHECK(ecr_scan_work(ctx, &err) == 0);
	CHECK_STR(status_of(ctx, "r1", s, sizeof(s)), "FAILED");
	CHECK(strstr(description(ctx, d, sizeof(d)), "attempts were interrupted") != NULL);
	/* an inline scan whose process died: FAILED when a context is opened, and the
	 * image may be scanned again at once */
	ecr_ctx_set_scan_mode(ctx, ECR_SCAN_QUEUED);
	CHECK(start(ctx, "r2") == 0);
	claim_as_dead(ctx, 1, 0);
	ecr_ctx_free(ctx);
	CHECK(open_at(&ctx, dir, &err) == 0);
	CHECK_STR(status_of(ctx, "r2", s, sizeof(s)), "FAILED");
	CHECK(strstr(description(ctx, d, sizeof(d)), "interrupted") != NULL);
	CHECK(start(ctx, "r2") == 0); /* inline: runs before the call returns */
	CHECK_STR(status_of(ctx, "r2", s, sizeof(s)), "COMPLETE");
	ecr_ctx_free(ctx);
	cleanup(dir);
}
