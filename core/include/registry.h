/* What the OCI Distribution API needs below HTTP (frontends/serve/serve_oci.c): the
 * same repositories, images and blob store as the ECR API, with ECR's rules — no
 * repository is created by a push, a moved immutable tag is refused, manifests are
 * capped at 4 MiB, scan on push fires as for `ecrlite push`. Each call runs its own
 * short transaction(s); none prints. Errors are ECR exceptions (err.h); the server
 * maps them to registry codes. */
#ifndef ECR_REGISTRY_H
#define ECR_REGISTRY_H
#include <jansson.h>

#include "digest.h"
#include "err.h"
#include "upload.h"

struct ecr_ctx;

/* A repository as the core loads it (core/repo.c): what the registry calls take. */
struct ecr_repo {
	long long id;              /* repository.id */
	char account[16];          /* registry id */
	char name[260];            /* repositoryName */
	double created_at;         /* epoch seconds */
	char mutability[16];       /* MUTABLE or IMMUTABLE */
	int scan_on_push;          /* imageScanningConfiguration.scanOnPush */
	char encryption[16];       /* AES256 or KMS */
	char kms_key[2100];        /* kmsKey, "" when none */
};

/* Loads repository name of account (RepositoryNotFoundException). */
int ecr_registry_repo(struct ecr_ctx *ctx, const char *account, const char *name, struct ecr_repo *r,
		      struct ecr_err *err);
/* A blob repository r may serve: its size and path in the store (LayersNotFound-
 * Exception otherwise). */
int ecr_registry_blob(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *digest, long long *size,
		      char *path, size_t pathn, struct ecr_err *err);
/* Cross-repository mount: links blob digest of repository from (same account) into r.
 * LayersNotFoundException when from does not hold it. */
int ecr_registry_mount(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *from, const char *digest,
		       struct ecr_err *err);
/* A new upload session of r (LimitExceededException past the open-sessions cap). */
int ecr_registry_upload_start(struct ecr_ctx *ctx, const struct ecr_repo *r, char id[ECR_UPLOAD_ID_LEN + 1],
			      struct ecr_err *err);

struct ecr_registry_manifest {
	char *body;                      /* the exact bytes (owned) */
	size_t len;                      /* their length */
	char media_type[160];            /* the stored media type */
	char digest[ECR_DIGEST_LEN + 1]; /* sha256 of body */
};
/* The manifest reference (tag or digest) names in r (ImageNotFoundException). By tag,
 * a client whose accept list (the Accept header, NULL: anything) lacks the stored
 * format gets ECR's conversion (ecr_manifest_negotiate; out then holds the converted
 * bytes, type and digest); when there is none, the stored bytes. Records the pull time
 * as BatchGetImage does when record_pull (GET, not HEAD). */
int ecr_registry_manifest_get(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *reference, const char *accept,
			      int record_pull, struct ecr_registry_manifest *out, struct ecr_err *err);
void ecr_registry_manifest_release(struct ecr_registry_manifest *m);
/* Stores body as an image of r under reference (a tag; or a digest, which must be
 * body's). ctype is the request's Content-Type. InvalidParameterException (bad
 * manifest), ImageDigestDoesNotMatchException, LayersNotFoundException,
 * ReferencedImagesNotFoundException, ImageTagAlreadyExistsException. Then scan on
 * push. digest_out gets the manifest's digest, subject_out its subject ("" if none). */
int ecr_registry_manifest_put(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *reference, const char *body,
			      size_t n, const char *ctype, char digest_out[ECR_DIGEST_LEN + 1],
			      char subject_out[ECR_DIGEST_LEN + 1], struct ecr_err *err);
/* Deletes by digest (the image and its tags) or by tag (the tag), as BatchDeleteImage.
 * ImageNotFoundException when there is nothing to delete; an image that an index of
 * the repository references is kept (BatchDeleteImage's ImageReferencedByManifestList):
 * InvalidParameterException with ECR's reason, and *referenced set to 1. */
int ecr_registry_manifest_delete(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *reference,
				 int *referenced, struct ecr_err *err);
/* Tags of r in lexical order after last (NULL: from the start), at most n (n < 0: all);
 * *more is 1 when tags remain. *tags_out: new JSON array. */
int ecr_registry_tags(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *last, long long n,
		      json_t **tags_out, int *more, struct ecr_err *err);
/* The OCI referrers index of subject digest in r (an empty one when nothing refers to
 * it), filtered by artifact_type when not NULL, in *out (new reference). */
int ecr_registry_referrers(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *digest,
			   const char *artifact_type, json_t **out, struct ecr_err *err);
/* Repository names of account in lexical order after last, at most n, in *names_out
 * (new JSON array); *more is 1 when names remain. */
int ecr_registry_catalog(struct ecr_ctx *ctx, const char *account, const char *last, long long n,
			 json_t **names_out, int *more, struct ecr_err *err);

#endif
