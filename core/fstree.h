/* The merged file tree of an image: layers applied in order into an in-memory SQLite
 * table (path → node), the way a runtime extracts them (containerd's applier, tar -x):
 * a layer's whiteouts and opaque directories first, then its entries in tar order (the
 * last of duplicates wins); an entry's parent directories are resolved through the
 * symlinks already in the tree, and missing ones are directories; everything stays
 * inside the image root. A node of a regular file names the layer entry that holds its
 * bytes (through hard links). A failure of the in-memory database reads as an absent
 * path where it happens and is kept: ecr_fstree_error says whether the tree can be
 * trusted, and a read asks it before it uses what it found. Core-internal. */
#ifndef ECR_FSTREE_H
#define ECR_FSTREE_H
#include <sqlite3.h>

#include "layer.h"

#define ECR_FSTREE_HOPS 40 /* symlinks followed in one lookup, as the kernel's ELOOP limit */

struct ecr_fstree {
	sqlite3 *db;             /* :memory: */
	sqlite3_stmt *put;       /* INSERT OR REPLACE a node */
	sqlite3_stmt *get;       /* a node by path */
	sqlite3_stmt *del;       /* a path and everything under it */
	sqlite3_stmt *under;     /* everything under a directory */
	sqlite3_stmt *kids;      /* the children of a directory */
	struct ecr_err err;      /* the first failure, ECR_E_INTERNAL (code 0 while none) */
};

struct ecr_fsnode {
	char path[4096];         /* the real path, links resolved */
	int type;                /* enum ecr_node (never SYMLINK after a lookup) */
	int layer;               /* FILE: the layer holding the bytes, -1 when unknown */
	long ent;                /* FILE: the entry in that layer */
};

int ecr_fstree_open(struct ecr_fstree *t);
void ecr_fstree_close(struct ecr_fstree *t);
/* Applies fx as layer number `layer`. */
void ecr_fstree_apply(struct ecr_fstree *t, const struct ecr_layer_fx *fx, int layer);
/* Resolves path through every symlink (".." stops at the root, absolute targets start
 * from it): 0 with *out filled, -1 when it does not exist or loops. */
int ecr_fstree_lookup(struct ecr_fstree *t, const char *path, struct ecr_fsnode *out);
/* Calls fn for each direct child of the real directory dir (sorted by name). */
void ecr_fstree_children(struct ecr_fstree *t, const char *dir, void (*fn)(void *ud, const char *path), void *ud);
/* Calls fn for each file whose own bytes were read as wanted row `row` (sorted). */
void ecr_fstree_each_row(struct ecr_fstree *t, int row, void (*fn)(void *ud, const struct ecr_fsnode *n), void *ud);
/* 0 when every call so far worked; else the first failure's code, with err (if not
 * NULL) filled from it. */
int ecr_fstree_error(const struct ecr_fstree *t, struct ecr_err *err);

#endif
