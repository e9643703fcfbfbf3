/* Reads an image archive (a tar, possibly gzip/xz/zstd/bzip2-compressed, or an OCI
 * layout directory) in one streaming pass, never extracting: each regular file goes to
 * a temp blob writer (hashed as it streams); nothing is kept in memory. The few JSON
 * files push reads (index.json, manifest.json, a manifest, a docker config) are loaded
 * back from their temp files, each and all together under a cap. */
#ifndef ECR_ARCHIVE_H
#define ECR_ARCHIVE_H
#include "blob.h"
#include "buf.h"

#define ECR_ARCHIVE_SMALL (4u << 20)    /* a JSON file loaded may be this big (ECR's manifest cap) */
#define ECR_ARCHIVE_LOADED (16u << 20)  /* and all those loaded from one archive this big */
#define ECR_ARCHIVE_MAX_ENTRIES 100000  /* more entries than this is not an image */

struct ecr_archive_entry {
	char *name;                    /* normalized path inside the archive */
	char *link;                    /* symlink target (normalized, archive-relative), or NULL */
	struct ecr_blob_writer w;      /* its bytes on disk, digest and size */
};

struct ecr_archive {
	struct ecr_archive_entry *e;   /* entries in archive order */
	size_t n;                      /* how many */
	size_t alloc;                  /* allocated */
	size_t loaded;                 /* bytes handed out by ecr_archive_load so far */
};

/* Reads path (file or directory). ECR_E_ARCHIVE with a one-line reason on bad input. */
int ecr_archive_read(struct ecr_ctx *ctx, const char *path, struct ecr_archive *out, struct ecr_err *err);
/* The entry named name (following archive-internal symlinks) in *out, NULL when there
 * is none (or the name climbs out of the archive, or its links loop); 0, or
 * ServerException when memory ran out (never read as "not in the archive"). */
int ecr_archive_find(struct ecr_archive *a, const char *name, struct ecr_archive_entry **out, struct ecr_err *err);
/* The bytes of entry e (NUL-terminated, caller frees) into *data and *len; refuses
 * with ECR_E_ARCHIVE "malformed WHAT: larger than N bytes" past ECR_ARCHIVE_SMALL, or
 * when the archive's loads together pass ECR_ARCHIVE_LOADED. */
int ecr_archive_load(struct ecr_archive *a, struct ecr_archive_entry *e, const char *what, char **data, size_t *len,
		     struct ecr_err *err);
/* Frees everything and removes every temp file not committed. */
void ecr_archive_release(struct ecr_archive *a);

#endif
