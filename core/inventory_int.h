/* What the inventory's readers share (inventory.c, osrelease.c, pkgdb.c; the view in
 * view.c): the merged tree of an image and its layers, seen through wanted files.
 * Core-internal. */
#ifndef ECR_INVENTORY_INT_H
#define ECR_INVENTORY_INT_H
#include <jansson.h>

#include "fstree.h"
#include "layer.h"

struct ecr_fetch {
	int layer;               /* which layer holds the bytes */
	size_t ent;              /* its entry */
	int row;                 /* read as this wanted row */
};

struct ecr_view {
	struct ecr_fstree tree;  /* the layers applied */
	struct ecr_layer_fx **fx; /* the layers, by index */
	int nlayers;             /* how many */
	const char **digests;    /* per layer its blob digest (sourceLayerHash); NULL for a rootfs */
	struct ecr_fetch *fetch; /* files reached through links whose bytes were not read */
	size_t nfetch, afetch;   /* count, allocated */
	int oom;                 /* 1: fetch could not grow (a file went unread): the read fails */
};

/* The payload of the regular file at path (through links) read as wanted row `row`,
 * NULL when there is none. A file whose bytes the first pass did not keep (it is
 * reached through a link and named otherwise) is recorded in v->fetch and NULL
 * returned: the caller reads it in a second pass and asks again. */
const struct ecr_payload *ecr_view_file(struct ecr_view *v, const char *path, int row);
/* 1 when path (through links) is a regular file. */
int ecr_view_exists(struct ecr_view *v, const char *path);

/* {id, versionId, codename, prettyName} or json null (new reference). */
json_t *ecr_osrelease_detect(struct ecr_view *v);
/* Sets packageManagers, packages, unsupported (when only unreadable databases were
 * found) and databaseWarnings in res. ECR_E_ARCHIVE when a database in use is refused. */
int ecr_pkgdb_read(struct ecr_view *v, json_t *res, struct ecr_err *err);

#endif
