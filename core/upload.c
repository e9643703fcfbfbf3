/* Layer-upload sessions (upload.h). */
/* The running SHA-256 state must outlive a request (a chunked upload is many requests,
 * possibly across a restart), and EVP contexts cannot be saved: libcrypto's plain
 * SHA256_CTX can, and is the same code underneath. It is deprecated, not removed. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "image.h"
#include "state.h"
#include "str.h"
#include "upload.h"

struct session {
	long long size;
	int parts;
	long long last_part;
	int small_part;
	SHA256_CTX sha;
	int have_sha;
};

static void file_path(struct ecr_ctx *ctx, const char *id, char *out, size_t n)
{
	snprintf(out, n, "%s/tmp/upload-%s", ctx->home, id);
}

static void uuid4(char out[ECR_UPLOAD_ID_LEN + 1])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, ECR_UPLOAD_ID_LEN + 1, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int not_found(const struct ecr_repo *r, const char *id, struct ecr_err *err)
{
	return ecr_err_set(err, ECR_E_UPLOAD_NOT_FOUND,
			   "The upload with id '%.64s' does not exist in the repository with name '%s' in the registry with id '%s'",
			   id, r->name, r->account);
}

static int load(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, struct session *s, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT size, parts, last_part, small_part, hash FROM upload WHERE id = ? AND repo_id = ?", err);
	int found = 0;
	if (!st)
		return ECR_E_STATE;
	memset(s, 0, sizeof(*s));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	if ((found = ecr_state_step(st, err)) > 0) {
		s->size = sqlite3_column_int64(st, 0);
		s->parts = sqlite3_column_int(st, 1);
		s->last_part = sqlite3_column_int64(st, 2);
		s->small_part = sqlite3_column_int(st, 3);
		if (sqlite3_column_bytes(st, 4) == (int)sizeof(s->sha)) {
			memcpy(&s->sha, sqlite3_column_blob(st, 4), sizeof(s->sha));
			s->have_sha = 1;
		}
	}
	ecr_state_done(st);
	if (found < 0)
		return found;
	if (!found)
		return not_found(r, id, err);
	if (!s->have_sha)
		SHA256_Init(&s->sha);
	return 0;
}

int ecr_upload_gc(struct ecr_ctx *ctx, struct ecr_err *err)
{
	double cutoff = ecr_ctx_now(ctx) - ECR_UPLOAD_IDLE_SECONDS;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "DELETE FROM upload WHERE touched_at < ? RETURNING id", err);
	char path[4096];
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_double(st, 1, cutoff);
	int rc;
	while ((rc = ecr_state_step(st, err)) > 0) {
		file_path(ctx, (const char *)sqlite3_column_text(st, 0), path, sizeof(path));
		unlink(path);
	}
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	/* files a crash left without their row (created, then killed before the insert) */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tmp", ctx->home);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct stat sb;
		if (strncmp(e->d_name, "upload-", 7) || strlen(e->d_name) != 7 + ECR_UPLOAD_ID_LEN)
			continue;
		if (ecr_str_join(path, sizeof(path), dir, "/", e->d_name))
			continue; /* not a file we made: ours fit */
		if (stat(path, &sb) || (double)sb.st_mtime >= cutoff)
			continue;
		/* best effort (err NULL): a sweep that cannot ask leaves the file, never
		 * removes a live session's */
		sqlite3_stmt *q = ecr_state_prepare(ctx->db, "SELECT 1 FROM upload WHERE id = ?", NULL);
		if (!q)
			break;
		sqlite3_bind_text(q, 1, e->d_name + 7, -1, SQLITE_STATIC);
		if (ecr_state_step(q, NULL) == 0)
			unlink(path);
		ecr_state_done(q);
	}
	if (d)
		closedir(d);
	return 0;
}

int ecr_upload_create(struct ecr_ctx *ctx, const struct ecr_repo *r, char id[ECR_UPLOAD_ID_LEN + 1],
		      struct ecr_err *err)
{
	char path[4096], dir[4096];
	int rc = ecr_upload_gc(ctx, err), fd;
	if (rc)
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT count(*) FROM upload", err);
	if (!st)
		return ECR_E_STATE;
	long long open_n = (rc = ecr_state_step(st, err)) > 0 ? sqlite3_column_int64(st, 0) : 0;
	ecr_state_done(st);
	if (rc < 0)
		return rc;
	if (open_n >= ECR_UPLOAD_MAX_OPEN)
		return ecr_err_set(err, ECR_E_LIMIT_EXCEEDED,
				   "The operation did not succeed because it would have exceeded a service limit for your account: at most %d layer uploads may be open at once",
				   ECR_UPLOAD_MAX_OPEN);
	snprintf(dir, sizeof(dir), "%s/tmp", ctx->home);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return ecr_err_set(err, ECR_E_STATE, "cannot create '%s': %s", dir, strerror(errno));
	uuid4(id);
	file_path(ctx, id, path, sizeof(path));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		return ecr_err_set(err, ECR_E_STATE, "cannot create '%s': %s", path, strerror(errno));
	close(fd);
	st = ecr_state_prepare(ctx->db, "INSERT INTO upload(id, repo_id, created_at, touched_at) VALUES(?, ?, ?, ?)", err);
	if (!st) {
		unlink(path);
		return ECR_E_STATE;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	sqlite3_bind_double(st, 3, ecr_ctx_now(ctx));
	sqlite3_bind_double(st, 4, ecr_ctx_now(ctx));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	if (rc)
		unlink(path);
	return rc;
}

static int txn_begin(struct ecr_ctx *ctx, int own, int write, struct ecr_err *err)
{
	return own ? ecr_state_begin(ctx->db, write, err) : 0;
}

static int txn_end(struct ecr_ctx *ctx, int own, int rc, struct ecr_err *err)
{
	if (!own)
		return rc;
	if (!rc && (rc = ecr_state_commit(ctx->db, err)) == 0)
		return 0;
	ecr_state_rollback(ctx->db);
	return rc;
}

int ecr_upload_open(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, long long first,
		    int own_txn, struct ecr_upload_writer *w, long long *size_out, struct ecr_err *err)
{
	struct session s;
	char path[4096];
	int rc;
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (strlen(id) != ECR_UPLOAD_ID_LEN)
		return not_found(r, id, err);
	if ((rc = txn_begin(ctx, own_txn, 0, err)))
		return rc;
	rc = load(ctx, r, id, &s, err);
	rc = txn_end(ctx, own_txn, rc, err);
	if (rc)
		return rc;
	if (size_out)
		*size_out = s.size;
	if (first >= 0 && first != s.size)
		return ecr_err_set(err, ECR_E_INVALID_LAYER_PART,
				   "The layer part must start at byte %lld (lastValidByteReceived %lld), not %lld",
				   s.size, s.size - 1, first);
	if (s.parts >= ECR_UPLOAD_MAX_PARTS)
		return ecr_err_set(err, ECR_E_LIMIT_EXCEEDED,
				   "The operation did not succeed because it would have exceeded a service limit for your account: at most %d parts per layer",
				   ECR_UPLOAD_MAX_PARTS);
	file_path(ctx, id, path, sizeof(path));
	if ((w->fd = open(path, O_WRONLY)) < 0)
		return not_found(r, id, err);
	/* one writer per session: a second concurrent append is refused, not interleaved */
	if (flock(w->fd, LOCK_EX | LOCK_NB)) {
		close(w->fd);
		w->fd = -1;
		return ecr_err_set(err, ECR_E_INVALID_LAYER_PART, "Another part of upload '%s' is being received", id);
	}
	/* bytes past the recorded size are a killed append's: not part of the session.
	 * Only then: ext4 marks a file truncated to 0 for a flush at close (auto_da_alloc),
	 * even when it was empty already, and the PATCH that closes it would then pay for
	 * starting the writeback of the whole layer (8% of the server's CPU in a push) */
	struct stat sb;
	if (fstat(w->fd, &sb) || (sb.st_size != s.size && ftruncate(w->fd, s.size)) ||
	    lseek(w->fd, s.size, SEEK_SET) < 0) {
		rc = ecr_err_set(err, ECR_E_STATE, "cannot write '%s': %s", path, strerror(errno));
		close(w->fd);
		w->fd = -1;
		return rc;
	}
	w->sha = malloc(sizeof(SHA256_CTX));
	if (!w->sha) {
		close(w->fd);
		w->fd = -1;
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	}
	memcpy(w->sha, &s.sha, sizeof(SHA256_CTX));
	snprintf(w->id, sizeof(w->id), "%s", id);
	w->start = w->size = s.size;
	w->parts = s.parts;
	return 0;
}

int ecr_upload_write(struct ecr_upload_writer *w, const void *p, size_t n, struct ecr_err *err)
{
	const char *c = p;
	if (w->size + (long long)n > ECR_UPLOAD_MAX_SIZE)
		return ecr_err_set(err, ECR_E_LIMIT_EXCEEDED,
				   "The operation did not succeed because it would have exceeded a service limit for your account: a layer is at most %lld bytes",
				   ECR_UPLOAD_MAX_SIZE);
	if (w->api && w->size - w->start + (long long)n > ECR_UPLOAD_PART_MAX)
		return ecr_err_set(err, ECR_E_INVALID_LAYER_PART, "A layer part is at most %lld bytes", ECR_UPLOAD_PART_MAX);
	SHA256_Update(w->sha, p, n);
	w->size += (long long)n;
	while (n) {
		ssize_t k = write(w->fd, c, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			/* ENOSPC and EDQUOT too: the state's disk, ecrlite's own condition as for
			 * a blob (blob.c) or a full database (state_err.c), never the client's */
			return ecr_err_set(err, ECR_E_STATE, "cannot write upload '%s': %s", w->id, strerror(errno));
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

void ecr_upload_abort(struct ecr_upload_writer *w)
{
	if (w->fd >= 0) {
		if (ftruncate(w->fd, w->start)) {
			/* the next open truncates to the recorded size anyway */
		}
		close(w->fd);
	}
	w->fd = -1;
	free(w->sha);
	w->sha = NULL;
}

int ecr_upload_close(struct ecr_ctx *ctx, struct ecr_upload_writer *w, int own_txn, struct ecr_err *err)
{
	int rc;
	long long part = w->size - w->start;
	if (!part && w->parts) {
		/* an empty PATCH changes nothing */
		ecr_upload_abort(w);
		return 0;
	}
	if ((rc = txn_begin(ctx, own_txn, 1, err))) {
		ecr_upload_abort(w);
		return rc;
	}
	/* the previous part was not the last: ECR wants it to be at least 5 MiB */
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"UPDATE upload SET size = ?, parts = parts + 1, last_part = ?, hash = ?, touched_at = ?,"
		" small_part = small_part OR (? AND parts > 0 AND last_part < ?) WHERE id = ? AND size = ?", err);
	if (!st) {
		rc = ECR_E_STATE;
	} else {
		sqlite3_bind_int64(st, 1, w->size);
		sqlite3_bind_int64(st, 2, part);
		sqlite3_bind_blob(st, 3, w->sha, (int)sizeof(SHA256_CTX), SQLITE_STATIC);
		sqlite3_bind_double(st, 4, ecr_ctx_now(ctx));
		sqlite3_bind_int(st, 5, w->api);
		sqlite3_bind_int64(st, 6, ECR_UPLOAD_PART_MIN);
		sqlite3_bind_text(st, 7, w->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, w->start);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
		ecr_state_done(st);
		if (!rc && !sqlite3_changes(ctx->db))
			rc = ecr_err_set(err, ECR_E_UPLOAD_NOT_FOUND, "The upload with id '%s' was completed or removed meanwhile", w->id);
	}
	rc = txn_end(ctx, own_txn, rc, err);
	if (rc) {
		ecr_upload_abort(w);
		return rc;
	}
	close(w->fd);
	w->fd = -1;
	free(w->sha);
	w->sha = NULL;
	return 0;
}

int ecr_upload_size(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, long long *size,
		    struct ecr_err *err)
{
	struct session s;
	int rc = ecr_state_begin(ctx->db, 0, err);
	if (rc)
		return rc;
	rc = load(ctx, r, id, &s, err);
	ecr_state_rollback(ctx->db);
	if (!rc) /* a session load did not find has no size to give */
		*size = s.size;
	return rc;
}

int ecr_upload_cancel(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, struct ecr_err *err)
{
	char path[4096];
	int rc = ecr_state_begin(ctx->db, 1, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "DELETE FROM upload WHERE id = ? AND repo_id = ?", err);
	if (!st) {
		ecr_state_rollback(ctx->db);
		return ECR_E_STATE;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	if (!rc && !sqlite3_changes(ctx->db))
		rc = not_found(r, id, err);
	if (rc || (rc = ecr_state_commit(ctx->db, err))) {
		ecr_state_rollback(ctx->db);
		return rc;
	}
	file_path(ctx, id, path, sizeof(path));
	unlink(path);
	return 0;
}

/* 1 when the repository holds digest, 0 when not, negative when the state failed */
static int repo_has_blob(struct ecr_ctx *ctx, long long repo_id, const char *digest, struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT 1 FROM repo_blob WHERE repo_id = ? AND digest = ?", err);
	int ok;
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, repo_id);
	sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
	ok = ecr_state_step(st, err);
	ecr_state_done(st);
	return ok;
}

int ecr_upload_finish(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, const char *expect,
		      int api, int own_txn, long long *size_out, struct ecr_err *err)
{
	struct session s;
	struct ecr_blob_writer bw;
	unsigned char md[32];
	char digest[ECR_DIGEST_LEN + 1];
	int rc, made = 0;
	if ((rc = txn_begin(ctx, own_txn, 1, err)))
		return rc;
	if ((rc = load(ctx, r, id, &s, err)))
		goto out;
	if (size_out)
		*size_out = s.size;
	if (!s.parts && api) {
		rc = ecr_err_set(err, ECR_E_EMPTY_UPLOAD, "The specified layer upload does not contain any layer parts.");
		goto out;
	}
	if (s.small_part) {
		rc = ecr_err_set(err, ECR_E_LAYER_PART_TOO_SMALL, "Layer parts must be at least 5 MiB in size");
		goto out;
	}
	SHA256_Final(md, &s.sha);
	memcpy(digest, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		snprintf(digest + 7 + 2 * i, 3, "%02x", md[i]);
	if (strcmp(digest, expect)) {
		rc = ecr_err_set(err, ECR_E_INVALID_LAYER,
				 "The layer digest calculation performed by Amazon ECR upon receipt of the image layer does not match the digest specified: %.80s was given, the bytes hash to %s",
				 expect, digest);
		goto out;
	}
	if (api && (rc = repo_has_blob(ctx, r->id, digest, err)) < 0)
		goto out;
	if (api && rc) {
		rc = ecr_err_set(err, ECR_E_LAYER_ALREADY_EXISTS, "The image layer already exists in the associated repository");
		goto out;
	}
	/* verified: the file becomes the blob by rename (blob.c's commit) */
	memset(&bw, 0, sizeof(bw));
	bw.fd = -1;
	file_path(ctx, id, bw.tmp, sizeof(bw.tmp));
	bw.size = s.size;
	snprintf(bw.digest, sizeof(bw.digest), "%s", digest);
	if ((rc = ecr_blob_writer_commit(ctx, &bw, &made, err)))
		goto out;
	sqlite3_stmt *st = ecr_state_prepare(ctx->db, "INSERT OR IGNORE INTO blob(digest, size) VALUES(?, ?)", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s.size);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
	ecr_state_done(st);
	if (!rc)
		rc = ecr_image_link_blob(ctx, r->id, digest, err);
	if (!rc && (st = ecr_state_prepare(ctx->db, "DELETE FROM upload WHERE id = ?", err))) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ecr_state_fail(ctx->db, err);
		ecr_state_done(st);
	} else if (!rc) {
		rc = ECR_E_STATE;
	}
	/* a file we just made a blob stays even if the rows fail: the rows are the truth,
	 * and a stray verified blob file is harmless (the next push of it reuses it) */
	(void)made;
	ecr_blob_writer_abort(&bw);
out:
	return txn_end(ctx, own_txn, rc, err);
}
