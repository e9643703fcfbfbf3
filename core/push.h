/* `ecrlite push`: an image archive into a repository, in one transaction. ECR has no
 * archive upload call; this is ecrlite's own door in, shared by every frontend. */
#ifndef ECR_PUSH_H
#define ECR_PUSH_H
#include <jansson.h>

#include "ecr.h"

/* Pushes archive (docker save tarball, OCI archive or OCI layout directory; the
 * archive possibly compressed) to repository:tag; tag NULL takes the archive's own
 * tag, else "latest". *out (new reference): {repositoryName, imageId{imageDigest,
 * imageTag}, layers, imageSizeInBytes, imageManifestMediaType, changed}. */
int ecr_push(struct ecr_ctx *ctx, const char *archive, const char *repository, const char *tag,
	     json_t **out, struct ecr_err *err);

#endif
