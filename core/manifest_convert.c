/* ECR's manifest conversion by tag ("Container image manifest format support", ECR user
 * guide): an image stored as an OCI image manifest is served as Docker v2 schema 2 to a
 * client that accepts that and not OCI, and the other way round. Schema 1 is neither
 * stored nor made here; by digest nothing is converted (the client asked for those
 * bytes). docker's own CLI needs this: `docker manifest inspect` of docker 20.10 accepts
 * manifest lists, OCI indexes and schema 2, never an OCI image manifest. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "manifest.h"

/* The media types that differ between the two formats, row by row. */
static const struct {
	const char *oci;     /* the OCI type */
	const char *docker;  /* Docker schema 2's */
} types[] = {
	{ECR_MT_OCI_MANIFEST, ECR_MT_DOCKER_MANIFEST},
	{ECR_MT_OCI_CONFIG, ECR_MT_DOCKER_CONFIG},
	{ECR_MT_OCI_LAYER_GZIP, "application/vnd.docker.image.rootfs.diff.tar.gzip"},
	{ECR_MT_OCI_LAYER, "application/vnd.docker.image.rootfs.diff.tar"},
	{"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	 "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

/* mt in the other format (to_docker: OCI → Docker), or NULL when it has no counterpart. */
static const char *counterpart(const char *mt, int to_docker)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (!strcmp(mt, to_docker ? types[i].oci : types[i].docker))
			return to_docker ? types[i].docker : types[i].oci;
	return NULL;
}

/* 1 when the comma-separated list accept names mt, or any type ("*" + "/" + "*"). */
static int accepts(const char *accept, const char *mt)
{
	size_t n = strlen(mt);
	for (const char *p = accept; *p;) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, ",;");
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if ((len == n && !strncmp(p, mt, n)) || (len == 3 && !strncmp(p, "*/*", 3)))
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

const char *ecr_manifest_negotiate(const char *stored, const char *accept)
{
	if (!accept || !*accept || accepts(accept, stored))
		return stored;
	const char *other = !strcmp(stored, ECR_MT_OCI_MANIFEST)      ? ECR_MT_DOCKER_MANIFEST
			    : !strcmp(stored, ECR_MT_DOCKER_MANIFEST) ? ECR_MT_OCI_MANIFEST
								  : NULL;
	return other && accepts(accept, other) ? other : NULL;
}

/* One descriptor in the other format: mediaType, size and digest (and a foreign
 * layer's urls); annotations are an OCI member schema 2 lacks, so they are not kept
 * either way. NULL when its type has no counterpart (zstd layers, say). */
static json_t *descriptor(json_t *d, int to_docker)
{
	const char *mt = json_string_value(json_object_get(d, "mediaType"));
	const char *to = mt ? counterpart(mt, to_docker) : NULL;
	json_t *size = json_object_get(d, "size"), *digest = json_object_get(d, "digest");
	if (!to || !json_is_integer(size) || !json_is_string(digest))
		return NULL;
	json_t *out = json_pack("{s:s, s:O, s:O}", "mediaType", to, "size", size, "digest", digest);
	if (json_object_get(d, "urls"))
		json_object_set(out, "urls", json_object_get(d, "urls"));
	return out;
}

int ecr_manifest_convert(const char *body, size_t n, const char *to, char **out, size_t *out_n, struct ecr_err *err)
{
	int to_docker = !strcmp(to, ECR_MT_DOCKER_MANIFEST), rc = 1;
	json_t *m = json_loadb(body, n, 0, NULL), *layers, *l, *config = NULL, *ls, *res = NULL;
	size_t i;
	*out = NULL;
	*out_n = 0;
	/* an image only: an artifact (artifactType, subject) has no schema 2 form */
	if (!json_is_object(m) || json_object_get(m, "artifactType") || json_object_get(m, "subject") ||
	    !json_is_array(layers = json_object_get(m, "layers")) ||
	    !(config = descriptor(json_object_get(m, "config"), to_docker)))
		goto out;
	res = json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType", to, "config", config, "layers",
			ls = json_array());
	json_array_foreach(layers, i, l) {
		json_t *d = descriptor(l, to_docker);
		if (!d)
			goto out;
		json_array_append_new(ls, d);
	}
	/* docker's own layout (three spaces), as a schema 2 manifest usually reads */
	if (!(*out = json_dumps(res, JSON_INDENT(3) | JSON_PRESERVE_ORDER))) {
		rc = ecr_err_oom(err);
		goto out;
	}
	*out_n = strlen(*out);
	rc = 0;
out:
	json_decref(m);
	json_decref(res);
	return rc;
}
