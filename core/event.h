/* The EventBridge "ECR Image Scan" event: built when a scan completes, appended as one
 * JSON line to <state>/events.jsonl and handed to consumers after the scan's
 * transaction commits. A failing consumer is reported, never loses the scan. */
#ifndef ECR_EVENT_H
#define ECR_EVENT_H
#include <jansson.h>

#include "ctx.h"

/* ecr_event_fn, ecr_event_subscribe_all and ecr_ctx_take_notices are public (ecr.h). */

/* Registers a consumer for this context (at most 8). */
int ecr_event_subscribe(struct ecr_ctx *ctx, ecr_event_fn fn, void *ud);
/* Subscribes the program-wide consumer to ctx (ecr_ctx_open does). */
void ecr_event_attach_defaults(struct ecr_ctx *ctx);
/* The event for one scan (new reference); tags and counts are borrowed. */
json_t *ecr_event_scan(struct ecr_ctx *ctx, const char *repo, const char *digest, json_t *tags,
		       const char *status, json_t *counts);
/* Inspector's "Inspector2 Scan" event for an image's first scan under ENHANCED (the
 * ECR user guide's shape: repository-name is the repository's ARN; the counts only the
 * non-zero levels, in Inspector's words, and TOTAL). counts: ecr_enhanced_findings'
 * (UNDEFINED read as UNTRIAGED); tags (a list) and counts borrowed (new reference). */
json_t *ecr_event_inspector_scan(struct ecr_ctx *ctx, const char *repo, const char *digest, json_t *tags,
				 json_t *counts);
/* Any event in EventBridge's envelope (id, time, account, region filled in);
 * resources and detail are stolen (new reference). */
json_t *ecr_event_new(struct ecr_ctx *ctx, const char *source, const char *detail_type, json_t *resources,
		      json_t *detail);
/* Queues ev (stolen) until the running operation commits. */
void ecr_event_queue(struct ecr_ctx *ctx, json_t *ev);
/* Delivers the queued events (after a commit); inside a consumer, they wait for it. */
void ecr_event_flush(struct ecr_ctx *ctx);
/* How many events are queued: a mark to roll back to. */
size_t ecr_event_mark(struct ecr_ctx *ctx);
/* Drops the events queued after mark (the operation that queued them rolled back). */
void ecr_event_rollback(struct ecr_ctx *ctx, size_t mark);

#endif
