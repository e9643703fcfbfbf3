#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "event.h"
#include "timefmt.h"

/* Set by the program's main before any context opens (and before any thread
 * starts); read-only afterwards, so contexts on many threads share it safely. */
static struct {
	ecr_event_fn fn;
	void *ud;
} all[4];
static int nall;

int ecr_event_subscribe_all(ecr_event_fn fn, void *ud)
{
	if (nall == (int)(sizeof(all) / sizeof(all[0])))
		return -1;
	all[nall].fn = fn;
	all[nall].ud = ud;
	nall++;
	return 0;
}

void ecr_event_attach_defaults(struct ecr_ctx *ctx)
{
	for (int i = 0; i < nall; i++)
		ecr_event_subscribe(ctx, all[i].fn, all[i].ud);
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

json_t *ecr_event_inspector_scan(struct ecr_ctx *ctx, const char *repo, const char *digest, json_t *tags,
				 json_t *counts)
{
	char arn[512];
	snprintf(arn, sizeof(arn), "arn:aws:ecr:%s:%s:repository/%s", ctx->region, ctx->account, repo);
	json_t *c = json_object(), *v;
	const char *lvl;
	json_int_t total = 0;
	json_object_foreach(counts, lvl, v)
		if (json_integer_value(v)) {
			/* FindingSeverity's UNDEFINED is Inspector's UNTRIAGED */
			json_object_set(c, strcmp(lvl, "UNDEFINED") ? lvl : "UNTRIAGED", v);
			total += json_integer_value(v);
		}
	json_object_set_new(c, "TOTAL", json_integer(total));
	json_t *detail = json_pack("{s:s, s:s, s:o, s:s, s:O}", "scan-status", "INITIAL_SCAN_COMPLETE", "repository-name",
				   arn, "finding-severity-counts", c, "image-digest", digest, "image-tags", tags);
	return ecr_event_new(ctx, "aws.inspector2", "Inspector2 Scan", json_pack("[s]", arn), detail);
}

json_t *ecr_event_new(struct ecr_ctx *ctx, const char *source, const char *detail_type, json_t *resources,
		      json_t *detail)
{
	char id[37], when[40];
	uuid4(id);
	ecr_time_iso_utc(ecr_ctx_now(ctx), when, sizeof(when));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "version", "0", "id", id, "detail-type",
			 detail_type, "source", source, "account", ctx->account, "time", when, "region", ctx->region,
			 "resources", resources, "detail", detail);
}

void ecr_event_queue(struct ecr_ctx *ctx, json_t *ev)
{
	json_array_append_new(ctx->events, ev);
}

static void notice(struct ecr_ctx *ctx, const char *fmt, const char *a, const char *b)
{
	struct buf msg;
	ecr_buf_init(&msg, 16384); /* a state path and a consumer's words, whole */
	if (!ecr_buf_printf(&msg, fmt, a, b))
		json_array_append_new(ctx->notices, json_string(msg.data));
	ecr_buf_release(&msg);
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
		json_array_foreach(batch, i, ev) {
			char *line = json_dumps(ev, JSON_COMPACT);
			FILE *f = fopen(path, "a");
			if (!f || fprintf(f, "%s\n", line) < 0)
				notice(ctx, "cannot append to '%s'%s", path, "");
			if (f)
				fclose(f);
			for (int c = 0; c < ctx->nconsumers; c++) {
				char *why = NULL;
				if (ctx->consumers[c].fn(ctx->consumers[c].ud, ctx, ev, &why)) {
					notice(ctx, "%s%s", why ? why : "an event consumer failed", "");
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
