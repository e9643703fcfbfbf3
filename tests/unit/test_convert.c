/* ECR's manifest negotiation by tag (core/manifest_convert.c): which type a stored
 * manifest is served as for an Accept list, as clients write them (one header per type
 * joined by ",", q-values, a wildcard), and that a conversion round-trips the types. */
#include <stdlib.h>

#include "manifest.h"
#include "unit.h"

#define OCI ECR_MT_OCI_MANIFEST
#define DV2 ECR_MT_DOCKER_MANIFEST

void test_manifest_negotiate(void)
{
	static const struct {
		const char *stored, *accept, *want; /* want NULL: nothing the client takes */
	} rows[] = {
		{OCI, NULL, OCI},
		{OCI, "", OCI},
		{OCI, OCI, OCI},
		{OCI, "*/*", OCI},
		/* docker 20.10's `docker manifest inspect`: three Accept headers, no OCI manifest */
		{OCI, ECR_MT_DOCKER_LIST "," ECR_MT_OCI_INDEX "," DV2, DV2},
		{OCI, " " DV2 " ;q=0.9 ", DV2},
		{DV2, OCI ";q=0.5", OCI},
		{DV2, ECR_MT_OCI_INDEX, NULL},
		{ECR_MT_OCI_INDEX, DV2, NULL}, /* indexes and lists are not converted */
		{OCI, "application/vnd.oci.image.manifest.v1+jsonx", NULL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = ecr_manifest_negotiate(rows[i].stored, rows[i].accept);
		if (rows[i].want)
			CHECK_STR(got, rows[i].want);
		else
			CHECK(got == NULL);
	}
}

void test_manifest_convert(void)
{
	static const char oci[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" OCI "\",\"config\":{\"mediaType\":\"" ECR_MT_OCI_CONFIG "\","
		"\"digest\":\"sha256:aa\",\"size\":3},\"layers\":[{\"mediaType\":\"" ECR_MT_OCI_LAYER_GZIP "\","
		"\"digest\":\"sha256:bb\",\"size\":5,\"annotations\":{\"a\":\"b\"}}],\"annotations\":{\"x\":\"y\"}}";
	struct ecr_err err = {0};
	char *dv2 = NULL, *back = NULL;
	size_t n = 0, m = 0;
	CHECK(ecr_manifest_convert(oci, sizeof(oci) - 1, DV2, &dv2, &n, &err) == 0);
	CHECK(dv2 && strstr(dv2, "\"application/vnd.docker.image.rootfs.diff.tar.gzip\"") && !strstr(dv2, "annotations"));
	CHECK(dv2 && ecr_manifest_convert(dv2, n, OCI, &back, &m, &err) == 0);
	CHECK(back && strstr(back, "\"" ECR_MT_OCI_LAYER_GZIP "\"") && strstr(back, "\"" ECR_MT_OCI_CONFIG "\""));
	free(dv2);
	free(back);
	/* no schema 2 form: a zstd layer, an artifact */
	static const char zstd[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" OCI "\",\"config\":{\"mediaType\":\"" ECR_MT_OCI_CONFIG "\","
		"\"digest\":\"sha256:aa\",\"size\":3},\"layers\":[{\"mediaType\":\"" ECR_MT_OCI_LAYER_ZSTD "\","
		"\"digest\":\"sha256:bb\",\"size\":5}]}";
	static const char art[] = "{\"schemaVersion\":2,\"mediaType\":\"" OCI "\",\"artifactType\":\"x/y\","
				  "\"config\":{\"mediaType\":\"" ECR_MT_OCI_CONFIG "\",\"digest\":\"sha256:aa\",\"size\":3},\"layers\":[]}";
	CHECK(ecr_manifest_convert(zstd, sizeof(zstd) - 1, DV2, &dv2, &n, &err) == 1 && !dv2);
	CHECK(ecr_manifest_convert(art, sizeof(art) - 1, DV2, &dv2, &n, &err) == 1 && !dv2);
	CHECK(ecr_manifest_convert("[", 1, DV2, &dv2, &n, &err) == 1 && !dv2);
}
