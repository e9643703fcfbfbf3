/* Manifests as a registry stores them: OCI image manifest, Docker v2 schema 2, OCI
 * image index and Docker manifest list. Parsing and media types. */
#ifndef ECR_MANIFEST_H
#define ECR_MANIFEST_H
#include <stddef.h>

#include "digest.h"
#include "err.h"

#define ECR_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define ECR_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define ECR_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define ECR_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define ECR_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define ECR_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define ECR_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define ECR_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define ECR_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

struct ecr_descriptor {
	char media_type[160];            /* mediaType */
	char digest[ECR_DIGEST_LEN + 1]; /* digest */
	long long size;                  /* size in bytes */
	int has_urls;                    /* a non-empty "urls" list (where else to fetch it) */
};

#define ECR_MANIFEST_MAX (4u << 20)   /* ECR's PutImage imageManifest cap, 4 MiB */
#define ECR_PLATFORM_UNKNOWN "unknown/unknown" /* buildx's attestation manifests */

/* One manifest an index names. */
struct ecr_mref {
	struct ecr_descriptor d;         /* mediaType, digest, size */
	char platform[128];              /* "os/arch[/variant]", "" when not given */
};

struct ecr_manifest {
	char media_type[160];            /* the manifest's own media type */
	int is_index;                    /* an OCI index or Docker manifest list */
	struct ecr_descriptor config;    /* config blob (image manifests) */
	struct ecr_descriptor *layers;   /* layers, base first */
	int nlayers;                     /* how many */
	struct ecr_mref *refs;           /* manifests an index names, in its order */
	int nrefs;                       /* how many */
	char subject[ECR_DIGEST_LEN + 1]; /* OCI 1.1 subject digest, "" when none */
	char artifact_type[160];         /* artifactType, else the config's media type for
					    a non-image config, else "" */
};

/* 1 when media type mt is one of the four manifest types a registry stores. */
int ecr_manifest_type_known(const char *mt);
/* Parses a manifest; hint is the media type the caller was told (may be NULL).
 * InvalidParameterException with the reason on anything else. */
int ecr_manifest_parse(const char *bytes, size_t n, const char *hint, struct ecr_manifest *out,
		       struct ecr_err *err);
void ecr_manifest_release(struct ecr_manifest *m);
/* What a stored manifest of type stored is served as to a client accepting accept (an
 * HTTP Accept list or acceptedMediaTypes, comma-separated; NULL or "": anything): the
 * stored type when accepted, else the other image format ECR converts to by tag (OCI
 * image manifest <-> Docker v2 schema 2) when that is accepted, else NULL. Borrowed. */
const char *ecr_manifest_negotiate(const char *stored, const char *accept);
/* An image manifest converted to media type to (the other of OCI image manifest and
 * Docker v2 schema 2): *out is new (caller frees), *out_n its length. 1 when it has no
 * such form (an artifact, a subject, a zstd layer, …: out NULL), 0 done, < 0 on error. */
int ecr_manifest_convert(const char *body, size_t n, const char *to, char **out, size_t *out_n,
			 struct ecr_err *err);
/* The total of layer sizes: ECR's imageSizeInBytes. */
long long ecr_manifest_image_size(const struct ecr_manifest *m);
/* A layer a registry need not hold: Docker's foreign layers and OCI's non-distributable
 * ones (Windows base layers), which clients fetch from the descriptor's urls (without
 * urls, nobody could: such a layer must be pushed like any other). */
int ecr_manifest_layer_external(const char *media_type);
/* The same test in SQL, on a column named media_type. */
#define ECR_SQL_LAYER_EXTERNAL "(media_type LIKE '%.foreign.%' OR media_type LIKE '%.nondistributable.%')"

#endif
