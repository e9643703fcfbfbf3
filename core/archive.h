/* Reads an image archive (a tar, possibly gzip/xz/zstd/bzip2-compressed, or an OCI
 * layout directory) in one streaming pass, never extracting: each regular file goes to
 * a temp blob writer (hashed as it streams) and, when small, is also kept in memory. */
#ifndef ECR_ARCHIVE_H
#define ECR_ARCHIVE_H
#include "blob.h"
#include "buf.h"

#define ECR_ARCHIVE_SMALL (4u << 20)    /* files up to this are kept in memory */
#define ECR_ARCHIVE_MAX_ENTRIES 100000  /* more entries than this is not an image */

struct ecr_archive_entry {
	char *name;                    /* normalized path inside the archive */
	char *link;                    /* symlink target (normalized, archive-relative), or NULL */
	struct ecr_blob_writer w;      /* its bytes on disk, digest and size */
	struct buf mem;                /* its bytes in memory when small (mem.data NULL otherwise) */
};

struct ecr_archive {
	struct ecr_archive_entry *e;   /* entries in archive order */
	size_t n;                      /* how many */
	size_t alloc;                  /* allocated */
};

/* Reads path (file or directory). ECR_E_ARCHIVE with a one-line reason on bad input. */
int ecr_archive_read(struct ecr_ctx *ctx, const char *path, struct ecr_archive *out, struct ecr_err *err);
/* The entry named name (following archive-internal symlinks), or NULL. */
struct ecr_archive_entry *ecr_archive_find(struct ecr_archive *a, const char *name);
/* Frees everything and removes every temp file not committed. */
void ecr_archive_release(struct ecr_archive *a);

#endif
