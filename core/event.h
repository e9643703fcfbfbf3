/* The EventBridge "ECR Image Scan" event: built when a scan completes, appended as one
 * JSON line to <state>/events.jsonl and handed to consumers after the scan's
 * transaction commits. A failing consumer is reported, never loses the scan. */
#ifndef ECR_EVENT_H
#define ECR_EVENT_H
#include <jansson.h>

#include "ctx.h"

/* A consumer: gets the event (borrowed); returns 0, or -1 with *why (malloc'd). */
typedef int (*ecr_event_fn)(void *ud, json_t *event, char **why);

/* Registers a consumer for this context (at most 8). */
int ecr_event_subscribe(struct ecr_ctx *ctx, ecr_event_fn fn, void *ud);
/* The event for one scan (new reference); tags and counts are borrowed. */
json_t *ecr_event_scan(struct ecr_ctx *ctx, const char *repo, const char *digest, json_t *tags,
		       const char *status, json_t *counts);
/* Queues ev (stolen) until the running operation commits. */
void ecr_event_queue(struct ecr_ctx *ctx, json_t *ev);
/* Delivers queued events (after commit) or drops them (after rollback). */
void ecr_event_flush(struct ecr_ctx *ctx, int deliver);
/* Messages about failed deliveries since the last call (new reference, a list). */
json_t *ecr_ctx_take_notices(struct ecr_ctx *ctx);

#endif
