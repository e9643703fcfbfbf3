/* THE public header: the context, ecr_call() and the op table. Frontends see only
 * core/include/ (the Makefile compiles them with -Icore/include and refuses any other
 * core header they reach); err.h and model.h come with this one.
 * Ownership: ecr_call borrows req; *resp_out is a new reference the caller decrefs. */
#ifndef ECR_H
#define ECR_H
#include <jansson.h>

#include "err.h"
#include "model.h"

#define ECRLITE_VERSION "0.1.0"
#define ECR_DEFAULT_ACCOUNT "000000000000"
#define ECR_DEFAULT_REGION "us-east-1"

struct ecr_ctx;

/* What a context is opened with. The core reads no environment: frontends fill this
 * (frontends/config.c reads $ECRLITE_HOME, $ECRLITE_NOW, … into it). */
struct ecr_options {
	const char *home;          /* the state directory (created 0700 if missing); required */
	double now;                /* a fixed clock in epoch seconds (tests), or < 0 for the real one */
	const char *account;       /* default registry id (12 digits), or NULL for ECR_DEFAULT_ACCOUNT */
	int report_undetermined;   /* report advisories whose status is "undetermined" as findings */
};
/* The options a frontend starts from: no home, the real clock, the default account. */
void ecr_options_init(struct ecr_options *o);

/* Opens (creating if needed) the state directory opt->home, which must not be a
 * filesystem root and must be owned by the user. A state the user cannot write is
 * opened read-only: reads work, writes fail with StateException. The region is
 * ECR_DEFAULT_REGION until set. The options are copied. */
int ecr_ctx_open(struct ecr_ctx **out, const struct ecr_options *opt, struct ecr_err *err);
void ecr_ctx_free(struct ecr_ctx *ctx);
/* 0 for a well-formed region name, else InvalidParameterException (botocore's words). */
int ecr_region_check(const char *region, struct ecr_err *err);
/* region is copied; fails with InvalidParameterException on a malformed name. */
int ecr_ctx_set_region(struct ecr_ctx *ctx, const char *region, struct ecr_err *err);
const char *ecr_ctx_region(const struct ecr_ctx *ctx);   /* borrowed, while ctx lives */
/* The URL clients reach this state's registry at ("http://127.0.0.1:5000"): what
 * GetAuthorizationToken's proxyEndpoint, GetDownloadUrlForLayer's URL and repositories'
 * repositoryUri ("127.0.0.1:5000/NAME") name. Set by `ecrlite serve`; unset, they name
 * ECR's form and the blob's file. Copied. */
void ecr_ctx_set_endpoint(struct ecr_ctx *ctx, const char *url);
const char *ecr_ctx_account(const struct ecr_ctx *ctx);  /* borrowed, while ctx lives */
const char *ecr_ctx_home(const struct ecr_ctx *ctx);     /* borrowed, while ctx lives */
/* Seconds since the epoch: the context's fixed clock when it has one, else ecr_clock. */
double ecr_ctx_now(const struct ecr_ctx *ctx);
/* fixed when >= 0, else the real time to the millisecond (ECR's timestamps' precision):
 * the one clock, used by the core and by frontends that show "now" (pwsh Get-Date). */
double ecr_clock(double fixed);
/* Latest clock a context accepts (9999-12-31T23:59:59Z): later ones cannot be printed. */
#define ECR_CLOCK_MAX 253402300799.0

/* Runs one operation by its model name (CreateRepository …): validates req against
 * the model, runs it in one transaction, returns 0 and a response, or a negative
 * ECR_E_* with err filled. Timestamps in responses are epoch seconds (numbers). */
int ecr_call(struct ecr_ctx *ctx, const char *op, json_t *req, json_t **resp_out,
	     struct ecr_err *err);
/* 1 when ecrlite implements the model operation op locally. */
int ecr_op_supported(const char *op);
/* 1 when a server may offer op to remote callers: implemented, and reading no paths of
 * this host (Push, ImportVulnerabilityFeeds and GetRootfsInventory read local files). */
int ecr_op_remote_ok(const char *op);
/* Iterates the implemented operations: name of row i, NULL past the end. */
const char *ecr_op_name(int i);

/* Scans (core/scanwork.c). StartImageScan and scan on push only queue a scan: they
 * write a scan row IN_PROGRESS in their own short transaction and answer at once. Who
 * then reads the layers and matches depends on the context's scan mode:
 *  - ECR_SCAN_INLINE (the default, for the argv frontends): the same call runs the scan
 *    right after its transaction commits, before ecr_call returns; the read and match
 *    hold no transaction, the result is written in one short one.
 *  - ECR_SCAN_QUEUED (a server): the scan waits in the state; worker threads, each with
 *    its own ctx, call ecr_scan_work() to run queued scans one at a time.
 * A scan whose process died (its owner's pid is gone, or its lease ran out) is taken up
 * again by the next ecr_scan_work() (at most ECR_SCAN_ATTEMPTS times, then FAILED with
 * the reason); a scan run inline whose process died is marked FAILED ("interrupted")
 * when a context is next opened, and does not count against the daily quota. */
enum ecr_scan_mode {
	ECR_SCAN_INLINE = 0, /* the calling thread runs the scan after the commit */
	ECR_SCAN_QUEUED = 1, /* scans wait for ecr_scan_work() */
};
void ecr_ctx_set_scan_mode(struct ecr_ctx *ctx, enum ecr_scan_mode mode);
/* fn(ud) is called (in the calling thread, after the commit) whenever an operation
 * on ctx queued a scan in ECR_SCAN_QUEUED mode: a server wakes a worker with it. */
void ecr_ctx_set_scan_notify(struct ecr_ctx *ctx, void (*fn)(void *ud), void *ud);
/* Claims the oldest queued scan (in a short transaction), reads its image and matches
 * outside any transaction, and commits the result with its findings and the scan event
 * in one short transaction. Returns 1 when it ran a scan (whatever the scan's own
 * outcome: COMPLETE, FAILED or UNSUPPORTED_IMAGE), 0 when none waits, or a negative
 * ECR_E_* with err filled when the state itself failed. Safe to call from several
 * threads or processes at once, each with its own ctx. */
int ecr_scan_work(struct ecr_ctx *ctx, struct ecr_err *err);
/* Marks scans whose process died: inline ones FAILED, queued ones back in the queue
 * (ecr_ctx_open calls it). Returns how many rows changed, or a negative ECR_E_*. */
int ecr_scan_recover(struct ecr_ctx *ctx, struct ecr_err *err);

/* Events and notices (core/event.c). A consumer gets the context (its operation has
 * committed) and the event (borrowed); returns 0, or -1 with *why (malloc'd): the whole
 * warning to show. */
typedef int (*ecr_event_fn)(void *ud, struct ecr_ctx *ctx, json_t *event, char **why);
/* A consumer every context opened from now on gets (the program's hooks and event
 * command, whichever frontend runs), at most 4, in order. Call from main, before any
 * context opens or thread starts. -1 when full. */
int ecr_event_subscribe_all(ecr_event_fn fn, void *ud);
/* Messages about failed deliveries since the last call (new reference, a list). */
json_t *ecr_ctx_take_notices(struct ecr_ctx *ctx);

/* REPOSITORY[:TAG|@DIGEST], as ecrlite's commands and scripts name an image: the request
 * members {repositoryName, imageId: {imageTag} | {imageDigest}} (new reference), the
 * tag "latest" when ref names neither. The one parser (the CLI, Lua's ecr.parse_ref). */
json_t *ecr_image_ref_parse(const char *ref);

/* ECR's severities, most severe first: the one list (core/match.c) that matching,
 * counts, the Lua module (ecr.severities) and its scripts order findings by. */
#define ECR_NSEVERITIES 6
/* CRITICAL 0, HIGH 1, MEDIUM 2, LOW 3, INFORMATIONAL 4, UNDEFINED 5; an unknown name
 * ranks as UNDEFINED. */
int ecr_severity_rank(const char *sev);
/* The name of rank (0 … ECR_NSEVERITIES - 1), NULL past the end. */
const char *ecr_severity_name(int rank);

/* A COMPLETE scan whose OS release no imported feed covers says so in its
 * description, after "The scan was completed successfully.": "No imported
 * vulnerability data covers debian 12; …". Frontends recognise such a scan by this
 * text (ecr.no_data in Lua): it is not an image without findings. */
#define ECR_SCAN_NO_DATA_TEXT "No imported vulnerability data covers"

/* ecrlite's own operations are rows too (OP_EXT, not in the ECR model), reached through
 * ecr_call like the rest: Push {archive, repositoryName, imageTag?},
 * ImportVulnerabilityFeeds {paths}, DescribeVulnerabilitySources {},
 * GetImageInventory {repositoryName, imageId, platform?, noCache?}, RematchImage
 * {repositoryName, imageId}, ApplyLifecyclePolicies {repositoryNames?, registryId?} and
 * GetRootfsInventory {path}. GetRootfsInventory needs no state: ecr_call takes a NULL
 * ctx for it. */
/* Called as an import reads: the file (or archive member) and the records taken so far. */
typedef void (*ecr_progress_fn)(void *ud, const char *what, long long records);
/* Where ImportVulnerabilityFeeds reports its progress (NULL: nowhere). */
void ecr_ctx_set_progress(struct ecr_ctx *ctx, ecr_progress_fn fn, void *ud);

#endif
