/* The context's insides, shared by core modules only (never included by frontends). */
#ifndef ECR_CTX_H
#define ECR_CTX_H
#include <sqlite3.h>

#include "ecr.h"

/* A unit of work's after-commit hook (txn.h, ecr_txn_hook). */
struct ecr_txn_hook {
	void (*committed)(struct ecr_ctx *ctx, void *arg, json_t **result_out); /* after the commit */
	void (*aborted)(struct ecr_ctx *ctx, void *arg); /* after a rollback, or NULL */
	void *arg;                                       /* their data */
};
#define ECR_TXN_HOOKS 4 /* slots: one per kind of hook (scan.c has the only one) */

struct ecr_ctx {
	char *home;          /* state directory, absolute */
	sqlite3 *db;         /* the one database, WAL mode */
	char account[16];    /* default registry id (12 digits) */
	char region[32];     /* region requests are served in */
	char endpoint[256];  /* the registry's URL when served (proxyEndpoint, download URLs), "" locally */
	double now;          /* fixed clock (ecr_options.now), or < 0 for the real one */
	int report_undetermined; /* ecr_options.report_undetermined */
	int readonly;        /* the user cannot write the state: opened read-only */
	json_t *events;      /* events waiting for the running operation to commit */
	json_t *notices;     /* what frontends should tell the user (failed deliveries) */
	struct {
		int (*fn)(void *ud, struct ecr_ctx *ctx, json_t *event, char **why); /* a consumer */
		void *ud;                                        /* its data */
	} consumers[8];      /* event consumers (event.h) */
	int nconsumers;      /* how many */
	int delivering;      /* inside a consumer: events it causes are delivered after */
	int scan_mode;       /* enum ecr_scan_mode: who runs a queued scan (scan.h) */
	json_t *scan_pending; /* [[scan id, claim]…] this process queued and runs after commit */
	void (*scan_notify)(void *ud); /* told after a commit that queued scans (queued mode) */
	void *scan_notify_ud; /* its data */
	int scan_queued;     /* the running operation queued a scan for the workers */
	struct ecr_txn_hook txn_hooks[ECR_TXN_HOOKS]; /* registered during the running unit of
	                      * work (txn.h); deduplicated, so a few slots hold every kind there is */
	int ntxn_hooks;      /* how many */
	ecr_progress_fn progress; /* ImportVulnerabilityFeeds' progress hook, or NULL */
	void *progress_ud;   /* its data */
};

/* ecr_options.report_undetermined, as the context was opened with. */
int ecr_ctx_report_undetermined(const struct ecr_ctx *ctx);
/* The registry id a request addresses: its registryId member, else the default. */
const char *ecr_ctx_registry(struct ecr_ctx *ctx, json_t *req);

#endif
