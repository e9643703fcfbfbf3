/* Images in a repository: storing a manifest and moving tags (shared by PutImage and
 * `ecrlite push`), resolving imageIds, and ECR's ImageDetail shape. Core-internal. */
#ifndef ECR_IMAGE_H
#define ECR_IMAGE_H
#include <jansson.h>

#include "digest.h"
#include "repo.h"

enum ecr_image_change {
	ECR_IMAGE_UNCHANGED = 0,   /* digest and tag were already there */
	ECR_IMAGE_CREATED = 1,     /* a new image in this repository */
	ECR_IMAGE_RETAGGED = 2,    /* existing image, tag added or moved to it */
};

struct ecr_image_ref {
	long long id;                    /* image.id */
	char digest[ECR_DIGEST_LEN + 1]; /* imageDigest */
	char tag[304];                   /* the tag asked for, "" when by digest */
};

/* Stores bytes as an image of repo r (inside the caller's transaction): checks
 * expect_digest, that every blob it names exists, tag mutability. */
int ecr_image_put(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *bytes, size_t n,
		  const char *media_type_hint, const char *tag, const char *expect_digest,
		  struct ecr_image_ref *out, enum ecr_image_change *change_out, struct ecr_err *err);
/* Lets repository repo_id serve blob digest (inside the caller's transaction). */
int ecr_image_link_blob(struct ecr_ctx *ctx, long long repo_id, const char *digest, struct ecr_err *err);
/* For an image index, the digest of the image it names for platform ("os/arch[/variant]";
 * NULL: linux/amd64) into out; for an image manifest, digest itself. ImageNotFound-
 * Exception naming the platforms there are when none matches. */
int ecr_image_platform(struct ecr_ctx *ctx, const struct ecr_repo *r, const char *digest,
		       const char *platform, char out[ECR_DIGEST_LEN + 1], struct ecr_err *err);
/* Finds the image an ImageIdentifier names; ImageNotFoundException in ECR's words,
 * InvalidParameterException for an identifier with neither member or a bad digest. */
int ecr_image_resolve(struct ecr_ctx *ctx, const struct ecr_repo *r, json_t *image_id,
		      struct ecr_image_ref *out, struct ecr_err *err);
/* The ImageIdentifier ECR answers with: {imageDigest[, imageTag when tag is neither
 * NULL nor ""]} (new reference). */
json_t *ecr_image_id_json(const char *digest, const char *tag);
/* "{imageDigest:'…', imageTag:'…'}" as ECR's messages print an identifier. */
void ecr_image_id_text(json_t *image_id, char *out, size_t n);
/* ImageDetail for one image (new reference). */
/* The imageSizeInBytes DescribeImages reports for manifest digest (an index: its
 * largest image's), or -1 when it is not stored or the state fails. */
long long ecr_image_size(struct ecr_ctx *ctx, const char *digest);
int ecr_image_detail(struct ecr_ctx *ctx, const struct ecr_repo *r, long long image_id, json_t **out,
		     struct ecr_err *err);

#endif
