/* Content-addressed blob store under <state>/blobs/sha256/<hex>. Writers stream to a
 * temp file while hashing; a blob becomes visible only by rename, after its digest is
 * known, so a reader never sees a partial blob.
 *
 * Temp files live in a directory of their process, <state>/tmp/p-XXXXXX, which the
 * process holds an flock on while it has temp files there and removes when the last
 * goes. A process killed with temp files leaves its directory unlocked: the next
 * writer to start sweeps every unlocked p-* directory, so a live process's files are
 * never taken. */
#ifndef ECR_BLOB_H
#define ECR_BLOB_H
#include <stddef.h>

#include "ctx.h"
#include "digest.h"

struct ecr_blob_writer {
	int fd;                          /* temp file, -1 when closed */
	char tmp[4096];                  /* its path */
	struct ecr_sha256 *sha;          /* running digest */
	long long size;                  /* bytes written */
	char digest[ECR_DIGEST_LEN + 1]; /* set by _finish */
	int owner;                       /* 1 + the temp directory it holds (blob.c), 0 none */
};

int ecr_blob_writer_open(struct ecr_ctx *ctx, struct ecr_blob_writer *w, struct ecr_err *err);
int ecr_blob_writer_write(struct ecr_blob_writer *w, const void *p, size_t n, struct ecr_err *err);
/* Closes the file and computes w->digest. */
int ecr_blob_writer_finish(struct ecr_blob_writer *w, struct ecr_err *err);
/* Moves the finished temp file into the store as w->digest. *created_out is 1 when the
 * blob did not exist before (so a failed transaction can take it back). */
int ecr_blob_writer_commit(struct ecr_ctx *ctx, struct ecr_blob_writer *w, int *created_out,
			   struct ecr_err *err);
/* Removes the temp file if still there; safe to call twice. */
void ecr_blob_writer_abort(struct ecr_blob_writer *w);
/* Path of a stored blob into out. */
void ecr_blob_path(struct ecr_ctx *ctx, const char *digest, char *out, size_t n);
/* Removes a stored blob (used to undo a commit when the transaction fails). */
void ecr_blob_remove(struct ecr_ctx *ctx, const char *digest);

#endif
