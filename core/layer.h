/* One layer read the way a container runtime would apply it: its entries (paths as
 * written, types, link targets, whiteouts and opaque directories in tar order) and,
 * for the entries whose own path is a wanted file (wanted.h), what their bytes became.
 * Streamed with libarchive; nothing is extracted. A second pass (ecr_layer_fetch) takes
 * in files a wanted path reaches through a link whatever their own name. */
#ifndef ECR_LAYER_H
#define ECR_LAYER_H
#include <jansson.h>

#include "digest.h"
#include "err.h"
#include "wanted.h"

enum ecr_node { ECR_NODE_FILE = 0, ECR_NODE_DIR = 1, ECR_NODE_SYMLINK = 2, ECR_NODE_HARDLINK = 3,
		ECR_NODE_OTHER = 4, ECR_NODE_WHITEOUT = 5, ECR_NODE_OPAQUE = 6 };

struct ecr_layer_entry {
	char *path;                  /* normalized, relative to the image root, as written; for a
				      * whiteout the path it deletes, for an opaque one the directory */
	int type;                    /* enum ecr_node */
	char *link;                  /* symlink target as written, or hard link target (normalized) */
	long ord;                    /* header number in the tar: finds the entry on a second pass */
	struct ecr_payload *payload; /* a wanted file's bytes as read (NULL otherwise) */
};

struct ecr_layer_fx {
	char diff_id[ECR_DIGEST_LEN + 1];  /* sha256 of the uncompressed tar */
	struct ecr_layer_entry *e;         /* entries in tar order */
	size_t n, alloc;                   /* count, allocated */
	json_t *warnings;                  /* entries skipped, with why (text made valid UTF-8) */
};

/* Reads the layer blob at blob_path (gzip/zstd/xz/uncompressed tar). `what` names the
 * layer in messages ("layer 2 (sha256:…)"); budget bounds the package-database bytes.
 * ECR_E_ARCHIVE on a corrupt or truncated layer, a package database over its cap. */
int ecr_layer_read(const char *blob_path, const char *what, struct ecr_budget *budget, struct ecr_layer_fx *out,
		   struct ecr_err *err);
/* The second pass: reads again the entries whose index is listed in idx (rows[k] the
 * wanted row to read entry idx[k] as) and attaches their payloads. */
int ecr_layer_fetch(const char *blob_path, const char *what, struct ecr_budget *budget, struct ecr_layer_fx *fx,
		    const size_t *idx, const int *rows, size_t n, struct ecr_err *err);
/* Adds an entry (path and link copied); NULL on out of memory. */
struct ecr_layer_entry *ecr_layer_add(struct ecr_layer_fx *fx, const char *path, int type, const char *link);
/* json_string that never fails: bytes that are not UTF-8 shown as \xNN. */
json_t *ecr_layer_text(const char *s);
void ecr_layer_init(struct ecr_layer_fx *fx);
void ecr_layer_release(struct ecr_layer_fx *fx);

#endif
