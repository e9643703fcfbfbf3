/* Layer-upload sessions, shared by the ECR API (InitiateLayerUpload, UploadLayerPart,
 * CompleteLayerUpload) and the registry's blob uploads (POST, PATCH, PUT): one row per
 * session in `upload`, its bytes in <state>/tmp/upload-<id>, hashed as they arrive (the
 * running SHA-256 state is kept in the row, so a session survives a restart and memory
 * per upload stays bounded). A blob enters the store only at completion, by rename,
 * after its digest matched. Sessions idle longer than ECR_UPLOAD_IDLE_SECONDS are
 * removed by ecr_upload_gc. */
#ifndef ECR_UPLOAD_H
#define ECR_UPLOAD_H
#include <stddef.h>

#include "digest.h"
#include "err.h"

struct ecr_ctx;
struct ecr_repo; /* registry.h */

#define ECR_UPLOAD_PART_MAX 20971520LL        /* UploadLayerPart: the model's layerPartBlob max */
#define ECR_UPLOAD_PART_MIN (5LL << 20)       /* ECR: every API part but the last (LayerPartTooSmall) */
#define ECR_UPLOAD_MAX_PARTS 4200             /* ECR's parts-per-layer quota */
#define ECR_UPLOAD_MAX_SIZE (52000LL << 20)   /* ECR's layer size quota, 52 000 MiB */
#define ECR_UPLOAD_MAX_OPEN 512               /* open sessions per state (concurrent uploads) */
#define ECR_UPLOAD_IDLE_SECONDS 3600          /* a session untouched this long is removed */
#define ECR_UPLOAD_ID_LEN 36                  /* a UUID, as the model's UploadId pattern */

/* An append in progress. */
struct ecr_upload_writer {
	int fd;                         /* the session's file, locked, -1 when closed */
	void *sha;                      /* running SHA-256 state (libcrypto's SHA256_CTX) */
	char id[ECR_UPLOAD_ID_LEN + 1]; /* session id */
	long long start;                /* the session's size when this append began */
	long long size;                 /* its size now */
	int parts;                      /* parts before this one */
	int api;                        /* an UploadLayerPart part (its size rules apply) */
};

/* A new session for repository r (inside the caller's write transaction): removes idle
 * sessions first; LimitExceededException past ECR_UPLOAD_MAX_OPEN. */
int ecr_upload_create(struct ecr_ctx *ctx, const struct ecr_repo *r, char id[ECR_UPLOAD_ID_LEN + 1],
		      struct ecr_err *err);
/* Starts appending to session id of r at byte first (-1: at its end); the caller's
 * transaction (own_txn 0) or a short one of its own (own_txn 1). UploadNotFoundException;
 * InvalidLayerPartException when first is not the session's size (lastValidByteReceived
 * in *size_out when size_out is not NULL); LimitExceededException past the part count. */
int ecr_upload_open(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, long long first,
		    int own_txn, struct ecr_upload_writer *w, long long *size_out, struct ecr_err *err);
/* Appends n bytes; LimitExceededException past ECR_UPLOAD_MAX_SIZE (or the part cap). */
int ecr_upload_write(struct ecr_upload_writer *w, const void *p, size_t n, struct ecr_err *err);
/* Records the part (the session's new size and hash state); on failure the bytes are
 * taken back. Always closes w. */
int ecr_upload_close(struct ecr_ctx *ctx, struct ecr_upload_writer *w, int own_txn, struct ecr_err *err);
/* Takes back what this append wrote and closes w. */
void ecr_upload_abort(struct ecr_upload_writer *w);
/* Completes session id of r: the bytes must hash to expect (InvalidLayerException),
 * else the session had no bytes (EmptyUploadException), an API part but the last was
 * under 5 MiB (LayerPartTooSmallException), or (api) the repository had the blob
 * (LayerAlreadyExistsException). The blob goes into the store and the repository. */
int ecr_upload_finish(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, const char *expect,
		      int api, int own_txn, long long *size_out, struct ecr_err *err);
/* The session's size so far (UploadNotFoundException). */
int ecr_upload_size(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, long long *size,
		    struct ecr_err *err);
/* Drops session id of r (UploadNotFoundException), own transaction. */
int ecr_upload_cancel(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *id, struct ecr_err *err);
/* Removes sessions idle longer than ECR_UPLOAD_IDLE_SECONDS and session files without
 * a row (a crash between file and row), inside the caller's write transaction. */
int ecr_upload_gc(struct ecr_ctx *ctx, struct ecr_err *err);

#endif
