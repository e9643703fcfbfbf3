#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

#define MAX_LAYERS 4096 /* far beyond any real image; a cap for hostile manifests */

static int descriptor(json_t *j, struct ecr_descriptor *d, const char *what, struct ecr_err *err)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const char *dg = json_string_value(json_object_get(j, "digest"));
	json_t *sz = json_object_get(j, "size");
	if (!json_is_object(j) || !dg || !json_is_integer(sz) || json_integer_value(sz) < 0)
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'imageManifest' failed to satisfy constraint: '%s descriptor needs digest and size'", what);
	if (!ecr_digest_valid(dg))
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid %s digest %s'", what, dg);
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt ? mt : "");
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	d->size = json_integer_value(sz);
	return 0;
}

int ecr_manifest_parse(const char *bytes, size_t n, const char *hint, struct ecr_manifest *out,
		       struct ecr_err *err)
{
	json_error_t je;
	json_t *j = json_loadb(bytes, n, 0, &je);
	int rc = 0;
	memset(out, 0, sizeof(*out));
	if (!json_is_object(j)) {
		json_decref(j);
		return ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				   "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'");
	}
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	if (!mt)
		mt = hint;
	if (!mt && json_object_get(j, "config"))
		mt = ECR_MT_OCI_MANIFEST;
	if (json_integer_value(json_object_get(j, "schemaVersion")) != 2 || !mt ||
	    (strcmp(mt, ECR_MT_OCI_MANIFEST) && strcmp(mt, ECR_MT_DOCKER_MANIFEST))) {
		rc = ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				 "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'only schemaVersion 2 image manifests (%s, %s) are supported'",
				 ECR_MT_OCI_MANIFEST, ECR_MT_DOCKER_MANIFEST);
		goto out;
	}
	snprintf(out->media_type, sizeof(out->media_type), "%s", mt);
	if ((rc = descriptor(json_object_get(j, "config"), &out->config, "config", err)))
		goto out;
	json_t *layers = json_object_get(j, "layers");
	if (!json_is_array(layers) || json_array_size(layers) > MAX_LAYERS) {
		rc = ecr_err_set(err, ECR_E_INVALID_PARAMETER,
				 "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'layers must be a list of at most %d descriptors'", MAX_LAYERS);
		goto out;
	}
	out->nlayers = (int)json_array_size(layers);
	out->layers = calloc((size_t)out->nlayers + 1, sizeof(*out->layers));
	for (int i = 0; i < out->nlayers; i++)
		if ((rc = descriptor(json_array_get(layers, (size_t)i), &out->layers[i], "layer", err)))
			goto out;
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
}

long long ecr_manifest_image_size(const struct ecr_manifest *m)
{
	long long t = 0;
	for (int i = 0; i < m->nlayers; i++)
		t += m->layers[i].size;
	return t;
}
