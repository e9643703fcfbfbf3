/* The scan caches in the state database: per layer (by blob digest) its entries and
 * the parsed payloads of its wanted files (never the raw bytes), per image (by manifest
 * digest) the inventory; both keyed by ECR_SCANNER_VERSION. Caches hold nothing that
 * cannot be recomputed, so they live outside the migrations: created on first write.
 * Bytes that are not UTF-8 (a path, a version) survive the round trip. Core-internal. */
#ifndef ECR_LAYERCACHE_H
#define ECR_LAYERCACHE_H
#include <jansson.h>

#include "ctx.h"
#include "layer.h"

#define ECR_SCANNER_VERSION "ecrlite-inventory-5" /* bump to invalidate every cache */

/* A layer from the cache: 1 with *out filled, 0 when absent or malformed (read it
 * again), or a negative state error with err filled: a failing state is never "not
 * cached". */
int ecr_layercache_get(struct ecr_ctx *ctx, const char *blob, struct ecr_layer_fx *out, struct ecr_err *err);
/* The cached inventory of a manifest in *out (new reference), NULL when none; 0, or a
 * negative state error with err filled. */
int ecr_layercache_inventory(struct ecr_ctx *ctx, const char *manifest, json_t **out, struct ecr_err *err);
/* What to write, as JSON (new reference), for ecr_layercache_put. */
json_t *ecr_layercache_layer_json(const struct ecr_layer_fx *fx);
/* Writes {layers: [[blob, diffId, fx json]…], manifest, result} (best effort). */
void ecr_layercache_put(struct ecr_ctx *ctx, json_t *writes);
/* The layer back from ecr_layercache_layer_json: 0, or -1 when malformed. */
int ecr_layercache_layer_from_json(json_t *j, struct ecr_layer_fx *out);

#endif
