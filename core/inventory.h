/* What is installed in an image: its layers read (in parallel, with one budget for
 * package-database bytes), applied in order into the merged tree (fstree.c), the OS
 * (osrelease.c) and package databases (pkgdb.c) read from it, with a second pass for
 * files reached through links under other names. Per-layer and per-image results are
 * cached (layercache.c). This file is the orchestration. */
#ifndef ECR_INVENTORY_H
#define ECR_INVENTORY_H
#include <jansson.h>

#include "ctx.h"

/* Inventory of the manifest `digest` (stored in this registry), for callers that hold
 * no write transaction while it reads. *out (new reference):
 * {os: {id, versionId, codename, prettyName} | null, packageManagers: [...],
 *  packages: [{name, version, sourceName, sourceVersion, arch, format}],
 *  unsupported: "why" (only when no supported OS/package database), warnings: [...],
 *  layers: [{digest, diffId, cached}]}.
 * fresh: read every layer again (no cache lookups). The cache writes are returned in
 * *pending_out (new reference) for ecr_inventory_save, which the caller runs in its
 * short write transaction (best effort: a cache is only a cache).
 * ECR_E_ARCHIVE when a layer is corrupt, truncated, or its package databases too big. */
int ecr_inventory_read(struct ecr_ctx *ctx, const char *digest, int fresh, json_t **pending_out, json_t **out,
		       struct ecr_err *err);
void ecr_inventory_save(struct ecr_ctx *ctx, json_t *pending);
/* Both at once, for callers inside their own transaction (RematchImage): the cached
 * inventory, else the layers read and the caches written. */
int ecr_inventory(struct ecr_ctx *ctx, const char *digest, json_t **out, struct ecr_err *err);

/* The inventory (GetImageInventory's shape) of a root filesystem outside the registry:
 * a directory (symlinks read, never followed on the host) or a tar (any compression),
 * read as one layer. Needs no state. A FIFO, device or socket is refused. */
int ecr_inventory_rootfs(const char *path, json_t **out, struct ecr_err *err);

#endif
