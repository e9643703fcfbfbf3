/* The server's scan workers. Request contexts run in the core's queued scan mode:
 * StartImageScan and scan on push only queue the scan and answer IN_PROGRESS, as ECR
 * does; these threads, each with its own context, run the queue with ecr_scan_work()
 * (read and match outside any transaction, the result in one short one). The queue
 * lives in the state, so scans queued before a stop or a crash run after the next
 * start, and ecr_scan_work() takes up scans whose worker died. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "serve.h"
#include "serve_int.h"

#define MAX_WORKERS 16
/* how often an idle worker looks at the queue unasked: scans queued by another process
 * (a second server on the same state) and leases of dead workers are found this way */
#define IDLE_POLL_S 2

static pthread_t workers[MAX_WORKERS];
static int nworkers;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping;   /* set at the stop: workers finish the scan they run, then leave */
static unsigned kicks; /* bumped by every notification, so none is lost between checks */

static void notify(void *ud)
{
	(void)ud;
	pthread_mutex_lock(&lock);
	kicks++;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

void serve_scan_attach(struct ecr_ctx *ctx)
{
	ecr_ctx_set_scan_mode(ctx, ECR_SCAN_QUEUED);
	ecr_ctx_set_scan_notify(ctx, notify, NULL);
}

static void *worker(void *arg)
{
	struct ecr_ctx *ctx = arg;
	struct ecr_err err;
	for (;;) {
		pthread_mutex_lock(&lock);
		unsigned seen = kicks;
		int stop = stopping;
		pthread_mutex_unlock(&lock);
		if (stop)
			break;
		int rc = ecr_scan_work(ctx, &err);
		if (rc == 1)
			continue; /* there may be more */
		if (rc < 0)
			fprintf(stderr, "ecrlite serve: scan worker: %s\n", err.message);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += rc < 0 ? 1 : IDLE_POLL_S;
		pthread_mutex_lock(&lock);
		while (!stopping && kicks == seen && pthread_cond_timedwait(&wake, &lock, &until) == 0)
			;
		pthread_mutex_unlock(&lock);
	}
	ecr_ctx_free(ctx);
	return NULL;
}

int serve_scan_start(int n)
{
	struct ecr_err err;
	for (int i = 0; i < n && i < MAX_WORKERS; i++) {
		struct ecr_ctx *ctx = NULL;
		if (ecr_ctx_open(&ctx, &serve_config()->opts, &err)) {
			fprintf(stderr, "ecrlite serve: error: scan worker: %s\n", err.message);
			return -1;
		}
		if (pthread_create(&workers[nworkers], NULL, worker, ctx)) {
			ecr_ctx_free(ctx);
			fprintf(stderr, "ecrlite serve: error: cannot start a scan worker\n");
			return -1;
		}
		nworkers++;
	}
	return 0;
}

void serve_scan_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	nworkers = 0;
}
