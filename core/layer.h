/* One layer read the way a container runtime would apply it: its entries (paths,
 * types, link targets), its whiteouts and opaque directories, and the bytes of the few
 * files a scan needs. Streamed with libarchive; nothing is extracted. */
#ifndef ECR_LAYER_H
#define ECR_LAYER_H
#include <jansson.h>

#include "buf.h"
#include "digest.h"
#include "err.h"

enum ecr_node { ECR_NODE_FILE = 0, ECR_NODE_DIR = 1, ECR_NODE_SYMLINK = 2, ECR_NODE_HARDLINK = 3,
		ECR_NODE_OTHER = 4 };

struct ecr_layer_entry {
	char *path;              /* normalized, relative to the image root */
	int type;                /* enum ecr_node */
	char *link;              /* symlink target as written, or hard link target (normalized) */
	struct buf content;      /* bytes of an interesting regular file (data NULL otherwise) */
	int has_content;         /* content holds the file */
};

struct ecr_layer_fx {
	char diff_id[ECR_DIGEST_LEN + 1];  /* sha256 of the uncompressed tar */
	struct ecr_layer_entry *e;         /* entries in tar order */
	size_t n, alloc;                   /* count, allocated */
	json_t *whiteouts;                 /* paths this layer deletes from lower layers */
	json_t *opaque;                    /* directories whose lower contents it hides */
	json_t *warnings;                  /* entries skipped, with why */
};

/* 1 when path (image-relative) is one of the files a scan reads. */
int ecr_layer_interesting(const char *path);
/* Reads the layer blob at blob_path (gzip/zstd/xz/uncompressed tar). `what` names the
 * layer in messages ("layer 2 (sha256:…)"). ECR_E_ARCHIVE on a corrupt or truncated
 * layer, a package database over ECR_PKGDB_MAX. */
int ecr_layer_read(const char *blob_path, const char *what, struct ecr_layer_fx *out, struct ecr_err *err);
void ecr_layer_release(struct ecr_layer_fx *fx);
/* Serialization for the layer cache (new reference / fills out). */
json_t *ecr_layer_to_json(const struct ecr_layer_fx *fx);
int ecr_layer_from_json(json_t *j, struct ecr_layer_fx *out);

#endif
