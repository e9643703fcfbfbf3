/* What is installed in an image: layers applied in order into an in-memory tree,
 * symlinks resolved inside the image root, the OS and package databases read.
 * Per-layer results are cached by diff_id (and the scanner version), per-image results
 * by manifest digest, in the state database. */
#ifndef ECR_INVENTORY_H
#define ECR_INVENTORY_H
#include <jansson.h>

#include "ctx.h"

#define ECR_SCANNER_VERSION "ecrlite-inventory-2" /* bump to invalidate every cache */

/* Inventory of the manifest `digest` (stored in this registry). *out (new reference):
 * {os: {id, versionId, codename, prettyName} | null, packageManagers: [...],
 *  packages: [{name, version, sourceName, sourceVersion, arch, format}],
 *  unsupported: "why" (only when no supported OS/package database), warnings: [...],
 *  layers: [{digest, diffId, cached}]}.
 * ECR_E_ARCHIVE when a layer is corrupt, truncated, or its package database too big. */
int ecr_inventory(struct ecr_ctx *ctx, const char *digest, json_t **out, struct ecr_err *err);
/* The same, reading every layer again (no cache lookups; caches are rewritten). */
int ecr_inventory_fresh(struct ecr_ctx *ctx, const char *digest, json_t **out, struct ecr_err *err);

/* The same, for a scan that holds no transaction while it reads: the cache writes are
 * returned in *pending_out (new reference; fresh: no cache lookups) for ecr_inventory_save, which the caller runs
 * in its short write transaction (best effort: a cache is only a cache). */
int ecr_inventory_read(struct ecr_ctx *ctx, const char *digest, int fresh, json_t **pending_out, json_t **out,
		       struct ecr_err *err);
void ecr_inventory_save(struct ecr_ctx *ctx, json_t *pending);

/* The same for a root filesystem outside the registry: a directory (symlinks read,
 * never followed on the host) or a tar (any compression), read as one layer. Needs no
 * state. */
int ecr_inventory_rootfs(const char *path, json_t **out, struct ecr_err *err);

#endif
