#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"

static int ensure_dir(const char *path, struct ecr_err *err)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return ecr_err_set(err, ECR_E_STATE, "cannot create '%s': %s", path, strerror(errno));
	return 0;
}

void ecr_blob_path(struct ecr_ctx *ctx, const char *digest, char *out, size_t n)
{
	const char *hex = strchr(digest, ':');
	hex = hex ? hex + 1 : digest;
	snprintf(out, n, "%s/blobs/sha256/%.2s/%s", ctx->home, hex, hex);
}

int ecr_blob_writer_open(struct ecr_ctx *ctx, struct ecr_blob_writer *w, struct ecr_err *err)
{
	char dir[4096];
	int rc;
	w->fd = -1;
	w->sha = NULL;
	w->size = 0;
	w->digest[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/tmp", ctx->home);
	if ((rc = ensure_dir(dir, err)))
		return rc;
	snprintf(w->tmp, sizeof(w->tmp), "%s/blob-XXXXXX", dir);
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0)
		return ecr_err_set(err, ECR_E_STATE, "cannot create a temporary file in '%s': %s", dir, strerror(errno));
	w->sha = ecr_sha256_new();
	if (!w->sha) {
		ecr_blob_writer_abort(w);
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	}
	return 0;
}

int ecr_blob_writer_write(struct ecr_blob_writer *w, const void *p, size_t n, struct ecr_err *err)
{
	const char *c = p;
	ecr_sha256_update(w->sha, p, n);
	w->size += (long long)n;
	while (n) {
		ssize_t k = write(w->fd, c, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return ecr_err_set(err, ECR_E_STATE, "cannot write '%s': %s", w->tmp, strerror(errno));
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

int ecr_blob_writer_finish(struct ecr_blob_writer *w, struct ecr_err *err)
{
	ecr_sha256_final(w->sha, w->digest);
	w->sha = NULL;
	if (close(w->fd)) {
		w->fd = -1;
		return ecr_err_set(err, ECR_E_STATE, "cannot write '%s': %s", w->tmp, strerror(errno));
	}
	w->fd = -1;
	return 0;
}

int ecr_blob_writer_commit(struct ecr_ctx *ctx, struct ecr_blob_writer *w, int *created_out,
			   struct ecr_err *err)
{
	char path[4096], dir[4096];
	struct stat st;
	int rc;
	*created_out = 0;
	snprintf(dir, sizeof(dir), "%s/blobs", ctx->home);
	if ((rc = ensure_dir(dir, err)))
		return rc;
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", ctx->home);
	if ((rc = ensure_dir(dir, err)))
		return rc;
	snprintf(dir, sizeof(dir), "%s/blobs/sha256/%.2s", ctx->home, w->digest + 7);
	if ((rc = ensure_dir(dir, err)))
		return rc;
	ecr_blob_path(ctx, w->digest, path, sizeof(path));
	if (!stat(path, &st) && st.st_size == w->size) {
		ecr_blob_writer_abort(w);
		return 0;
	}
	if (rename(w->tmp, path))
		return ecr_err_set(err, ECR_E_STATE, "cannot store blob %s: %s", w->digest, strerror(errno));
	w->tmp[0] = '\0';
	*created_out = 1;
	return 0;
}

void ecr_blob_writer_abort(struct ecr_blob_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->sha)
		ecr_sha256_free(w->sha);
	w->sha = NULL;
	if (w->tmp[0])
		unlink(w->tmp);
	w->tmp[0] = '\0';
}

void ecr_blob_remove(struct ecr_ctx *ctx, const char *digest)
{
	char path[4096];
	ecr_blob_path(ctx, digest, path, sizeof(path));
	unlink(path);
}
