#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blob.h"

/* The temp directories this process holds, one per state directory (blob.h). */
static struct owner {
	char home[4096];     /* the state directory */
	char dir[4200];      /* its tmp/p-XXXXXX */
	pid_t pid;           /* the process that made it (a forked child makes its own) */
	int fd;              /* the directory, flock'ed */
	int users;           /* open temp files in it */
} owners[8];
static pthread_mutex_t owners_mu = PTHREAD_MUTEX_INITIALIZER;

/* Removes dir's files and dir itself, once the flock shows no process holds it. */
static void sweep_one(int tmpfd, const char *name)
{
	int fd = openat(tmpfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd); /* held: a live process's */
		return;
	}
	DIR *d = fdopendir(dup(fd));
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(fd, de->d_name, 0);
	if (d)
		closedir(d);
	unlinkat(tmpfd, name, AT_REMOVEDIR);
	close(fd);
}

/* What killed processes left in tmp/: unlocked p-* directories; n-* ones (a process
 * killed between mkdtemp and rename: empty) and blob-* files (ecrlite before
 * per-process directories) once older than an hour, when no live writer has them. */
static void sweep(const char *tmp)
{
	int tmpfd = open(tmp, O_RDONLY | O_DIRECTORY);
	if (tmpfd < 0)
		return;
	DIR *d = fdopendir(dup(tmpfd));
	struct dirent *de;
	time_t old = time(NULL) - 3600;
	struct stat st;
	while (d && (de = readdir(d))) {
		if (!strncmp(de->d_name, "p-", 2))
			sweep_one(tmpfd, de->d_name);
		else if (!strncmp(de->d_name, "n-", 2) && !fstatat(tmpfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
			 st.st_mtime < old)
			unlinkat(tmpfd, de->d_name, AT_REMOVEDIR);
		else if (!strncmp(de->d_name, "blob-", 5) && !fstatat(tmpfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
			 S_ISREG(st.st_mode) && st.st_mtime < old)
			unlinkat(tmpfd, de->d_name, 0);
	}
	if (d)
		closedir(d);
	close(tmpfd);
}

/* A locked directory of our own under tmp: made as n-XXXXXX, locked, then renamed to
 * p-XXXXXX without replacing anything, so a sweeper never sees it unlocked. */
static int make_own(const char *tmp, struct owner *o, struct ecr_err *err)
{
	for (int tries = 0; tries < 8; tries++) {
		char n[4200];
		snprintf(n, sizeof(n), "%s/n-XXXXXX", tmp);
		if (!mkdtemp(n))
			return ecr_err_set(err, ECR_E_STATE, "cannot create a temporary directory in '%s': %s", tmp, strerror(errno));
		int fd = open(n, O_RDONLY | O_DIRECTORY);
		if (fd < 0 || flock(fd, LOCK_EX)) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			rmdir(n);
			return ecr_err_set(err, ECR_E_STATE, "cannot lock '%s': %s", n, strerror(e));
		}
		snprintf(o->dir, sizeof(o->dir), "%s/p-%s", tmp, n + strlen(tmp) + 3);
		int r = renameat2(AT_FDCWD, n, AT_FDCWD, o->dir, RENAME_NOREPLACE);
		if (r && errno == EINVAL) { /* a filesystem without RENAME_NOREPLACE */
			struct stat st;
			r = lstat(o->dir, &st) ? rename(n, o->dir) : (errno = EEXIST, -1);
		}
		if (!r) {
			o->fd = fd;
			return 0;
		}
		int e = errno;
		close(fd);
		rmdir(n);
		if (e != EEXIST)
			return ecr_err_set(err, ECR_E_STATE, "cannot create a temporary directory in '%s': %s", tmp, strerror(e));
	}
	return ecr_err_set(err, ECR_E_STATE, "cannot create a temporary directory in '%s'", tmp);
}

/* The index of this process's temp directory for ctx's state (made on first use), one
 * more user counted; -1 with err set. */
static int own_acquire(struct ecr_ctx *ctx, const char *tmp, struct ecr_err *err)
{
	int slot = -1;
	pid_t me = getpid();
	pthread_mutex_lock(&owners_mu);
	for (int i = 0; i < 8; i++) {
		if (owners[i].users && owners[i].pid == me && !strcmp(owners[i].home, ctx->home)) {
			owners[i].users++;
			pthread_mutex_unlock(&owners_mu);
			return i;
		}
		if (slot < 0 && (!owners[i].users || owners[i].pid != me))
			slot = i;
	}
	if (slot < 0) {
		pthread_mutex_unlock(&owners_mu);
		ecr_err_set(err, ECR_E_INTERNAL, "too many state directories in one process");
		return -1;
	}
	struct owner *o = &owners[slot];
	if (o->users && o->pid != me)
		close(o->fd); /* our parent's, inherited by fork: its lock stays with it */
	memset(o, 0, sizeof(*o));
	sweep(tmp);
	if (make_own(tmp, o, err)) {
		pthread_mutex_unlock(&owners_mu);
		return -1;
	}
	snprintf(o->home, sizeof(o->home), "%s", ctx->home);
	o->pid = me;
	o->users = 1;
	pthread_mutex_unlock(&owners_mu);
	return slot;
}

/* One user fewer; the last removes the directory (empty by then) and its lock. */
static void own_release(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&owners_mu);
	struct owner *o = &owners[slot];
	if (o->users && o->pid == getpid() && !--o->users) {
		rmdir(o->dir);
		close(o->fd);
		memset(o, 0, sizeof(*o));
	}
	pthread_mutex_unlock(&owners_mu);
}

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
	w->tmp[0] = '\0';
	w->owner = 0;
	snprintf(dir, sizeof(dir), "%s/tmp", ctx->home);
	if ((rc = ensure_dir(dir, err)))
		return rc;
	int slot = own_acquire(ctx, dir, err);
	if (slot < 0)
		return err ? err->code : ECR_E_STATE;
	w->owner = slot + 1;
	if (snprintf(w->tmp, sizeof(w->tmp), "%s/blob-XXXXXX", owners[slot].dir) >= (int)sizeof(w->tmp)) {
		w->tmp[0] = '\0';
		ecr_blob_writer_abort(w);
		return ecr_err_set(err, ECR_E_STATE, "state directory '%s' is too long a path for its temporary files", ctx->home);
	}
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0) {
		int e = errno;
		w->tmp[0] = '\0';
		ecr_blob_writer_abort(w);
		return ecr_err_set(err, ECR_E_STATE, "cannot create a temporary file in '%s': %s", dir, strerror(e));
	}
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
	own_release(w->owner - 1);
	w->owner = 0;
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
	own_release(w->owner - 1);
	w->owner = 0;
}

void ecr_blob_remove(struct ecr_ctx *ctx, const char *digest)
{
	char path[4096];
	ecr_blob_path(ctx, digest, path, sizeof(path));
	unlink(path);
}
