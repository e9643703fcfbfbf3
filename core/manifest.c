#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

#define MAX_LAYERS 4096 /* far beyond any real image; a cap for hostile manifests */
#define MAX_REFS 4096   /* manifests per index, likewise */

static const char *const known_types[] = {
	ECR_MT_OCI_MANIFEST, ECR_MT_DOCKER_MANIFEST, ECR_MT_OCI_INDEX, ECR_MT_DOCKER_LIST,
};

int ecr_manifest_type_known(const char *mt)
{
	for (size_t i = 0; mt && i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (!strcmp(mt, known_types[i]))
			return 1;
	return 0;
}

static int bad(struct ecr_err *err, const char *why)
{
	return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
			   "Invalid parameter at 'imageManifest' failed to satisfy constraint: '%s'", why);
}

static int descriptor(json_t *j, struct ecr_descriptor *d, const char *what, struct ecr_err *err)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *dg = json_string_value(json_object_get(j, "digest"));
	json_t *sz = json_object_get(j, "size");
	char why[256];
	if (!json_is_object(j) || !dg || !json_is_integer(sz) || json_integer_value(sz) < 0) {
		snprintf(why, sizeof(why), "%s descriptor needs digest and size", what);
		return bad(err, why);
	}
	if (!ecr_digest_valid(dg)) {
		snprintf(why, sizeof(why), "Invalid %s digest %.80s", what, dg);
		return bad(err, why);
	}
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt ? mt : "");
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	d->size = json_integer_value(sz);
	d->has_urls = json_array_size(json_object_get(j, "urls")) > 0;
	return 0;
}

/* "os/arch[/variant]" of an index entry's platform object, "" without one. */
static void platform_text(json_t *p, char *out, size_t n)
{
	const char *os = json_string_value(json_object_get(p, "os"));
	const char *arch = json_string_value(json_object_get(p, "architecture"));
	const char *var = json_string_value(json_object_get(p, "variant"));
	out[0] = '\0';
	if (os && arch)
		snprintf(out, n, "%s/%s%s%s", os, arch, var && *var ? "/" : "", var && *var ? var : "");
}

static int parse_index(json_t *j, struct ecr_manifest *out, struct ecr_err *err)
{
	json_t *mans = json_object_get(j, "manifests");
	if (!json_is_array(mans) || json_array_size(mans) > MAX_REFS) {
		char why[128];
		snprintf(why, sizeof(why), "manifests must be a list of at most %d descriptors", MAX_REFS);
		return bad(err, why);
	}
	out->nrefs = (int)json_array_size(mans);
	out->refs = calloc((size_t)out->nrefs + 1, sizeof(*out->refs));
	if (!out->refs)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	for (int i = 0; i < out->nrefs; i++) {
		json_t *e = json_array_get(mans, (size_t)i);
		int rc = descriptor(e, &out->refs[i].d, "manifest", err);
		if (rc)
			return rc;
		platform_text(json_object_get(e, "platform"), out->refs[i].platform, sizeof(out->refs[i].platform));
	}
	return 0;
}

static int parse_image(json_t *j, struct ecr_manifest *out, struct ecr_err *err)
{
	int rc = descriptor(json_object_get(j, "config"), &out->config, "config", err);
	if (rc)
		return rc;
	json_t *layers = json_object_get(j, "layers");
	if (!json_is_array(layers) || json_array_size(layers) > MAX_LAYERS) {
		char why[128];
		snprintf(why, sizeof(why), "layers must be a list of at most %d descriptors", MAX_LAYERS);
		return bad(err, why);
	}
	out->nlayers = (int)json_array_size(layers);
	out->layers = calloc((size_t)out->nlayers + 1, sizeof(*out->layers));
	if (!out->layers)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	for (int i = 0; i < out->nlayers; i++)
		if ((rc = descriptor(json_array_get(layers, (size_t)i), &out->layers[i], "layer", err)))
			return rc;
	/* an OCI artifact says what it is by artifactType, else by a non-image config */
	const char *cmt = out->config.media_type;
	if (*cmt && strcmp(cmt, ECR_MT_OCI_CONFIG) && strcmp(cmt, ECR_MT_DOCKER_CONFIG))
		snprintf(out->artifact_type, sizeof(out->artifact_type), "%s", cmt);
	return 0;
}

int ecr_manifest_parse(const char *bytes, size_t n, const char *hint, struct ecr_manifest *out,
		       struct ecr_err *err)
{
	json_error_t je;
	int rc = 0;
	memset(out, 0, sizeof(*out));
	if (n > ECR_MANIFEST_MAX)
		return bad(err, "manifest larger than 4194304 bytes");
	json_t *j = json_loadb(bytes, n, 0, &je);
	if (!json_is_object(j)) {
		json_decref(j);
		return bad(err, "Invalid JSON syntax");
	}
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	/* the body's own mediaType wins; else the type the client sent; else the shape */
	if (!mt && ecr_manifest_type_known(hint))
		mt = hint;
	if (!mt)
		mt = json_object_get(j, "manifests") ? ECR_MT_OCI_INDEX : json_object_get(j, "config") ? ECR_MT_OCI_MANIFEST : NULL;
	if (json_integer_value(json_object_get(j, "schemaVersion")) != 2 || !ecr_manifest_type_known(mt)) {
		char why[512];
		snprintf(why, sizeof(why), "only schemaVersion 2 manifests (%s, %s, %s, %s) are supported",
			 ECR_MT_OCI_MANIFEST, ECR_MT_DOCKER_MANIFEST, ECR_MT_OCI_INDEX, ECR_MT_DOCKER_LIST);
		rc = bad(err, why);
		goto out;
	}
	snprintf(out->media_type, sizeof(out->media_type), "%s", mt);
	out->is_index = !strcmp(mt, ECR_MT_OCI_INDEX) || !strcmp(mt, ECR_MT_DOCKER_LIST);
	if ((rc = out->is_index ? parse_index(j, out, err) : parse_image(j, out, err)))
		goto out;
	json_t *subj = json_object_get(j, "subject");
	if (subj) {
		struct ecr_descriptor sd;
		if ((rc = descriptor(subj, &sd, "subject", err)))
			goto out;
		snprintf(out->subject, sizeof(out->subject), "%s", sd.digest);
	}
	const char *at = json_string_value(json_object_get(j, "artifactType"));
	if (at)
		snprintf(out->artifact_type, sizeof(out->artifact_type), "%s", at);
out:
	json_decref(j);
	if (rc)
		ecr_manifest_release(out);
	return rc;
}

void ecr_manifest_release(struct ecr_manifest *m)
{
	free(m->layers);
	m->layers = NULL;
	m->nlayers = 0;
	free(m->refs);
	m->refs = NULL;
	m->nrefs = 0;
}

int ecr_manifest_layer_external(const char *media_type)
{
	/* application/vnd.docker.image.rootfs.foreign.diff.tar.gzip,
	 * application/vnd.oci.image.layer.nondistributable.v1.tar(+gzip|+zstd) */
	return strstr(media_type, ".foreign.") || strstr(media_type, ".nondistributable.");
}

long long ecr_manifest_image_size(const struct ecr_manifest *m)
{
	long long t = 0;
	for (int i = 0; i < m->nlayers; i++)
		t += m->layers[i].size;
	return t;
}
