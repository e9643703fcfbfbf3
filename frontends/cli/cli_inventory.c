/* `ecrlite inventory [--region R] [--output text|json] REPOSITORY:TAG|REPOSITORY@sha256:…`
 * Text: OS packages as NAME VERSION SOURCE SOURCE-VERSION ARCH FORMAT, then language
 * packages as NAME VERSION PACKAGE-MANAGER FILE-PATH (tab-separated). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecr.h"
#include "cli.h"
#include "../lib/fe_json.h"

const char cli_inventory_usage[] =
	"usage: ecrlite inventory [--region REGION] [--output text|json] [--no-cache] [--platform OS/ARCH] REPOSITORY[:TAG|@DIGEST]\n"
	"       ecrlite inventory [--output text|json] --rootfs DIRECTORY|TARBALL\n";

int cli_inventory(int argc, char **argv)
{
	const char *region = NULL, *output = "text", *ref = NULL, *rootfs = NULL, *platform = NULL;
	int no_cache = 0;
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	json_t *req = NULL, *resp = NULL;
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--region") && i + 1 < argc)
			region = argv[++i];
		else if (!strcmp(argv[i], "--output") && i + 1 < argc)
			output = argv[++i];
		else if (!strcmp(argv[i], "--platform") && i + 1 < argc)
			platform = argv[++i];
		else if (!strcmp(argv[i], "--no-cache"))
			no_cache = 1;
		else if (!strcmp(argv[i], "--rootfs") && i + 1 < argc)
			ref = rootfs = argv[++i];
		else if (!ref && argv[i][0] != '-')
			ref = argv[i];
		else
			ref = NULL, i = argc;
	}
	if (!ref || (strcmp(output, "text") && strcmp(output, "json"))) {
		return cli_usage(cli_inventory_usage);
	}
	if (rootfs) {
		json_t *rq = json_pack("{s:s}", "path", rootfs);
		int fail = ecr_call(NULL, "GetRootfsInventory", rq, &resp, &err); /* no state needed */
		json_decref(rq);
		if (fail) {
			rc = cli_fail("inventory", &err);
			goto out;
		}
		json_object_set_new(resp, "repositoryName", json_string("rootfs"));
		json_object_set_new(resp, "imageId", json_pack("{s:s}", "imageDigest", rootfs));
	} else if (req = cli_image_request(ref), json_object_set_new(req, "noCache", json_boolean(no_cache)),
		   platform && json_object_set_new(req, "platform", json_string(platform)),
		   cli_open(&ctx, region, &err) ||
		   ecr_call(ctx, "GetImageInventory", req, &resp, &err)) {
		rc = cli_fail("inventory", &err);
		goto out;
	}
	if (!strcmp(output, "json")) {
		char *s = json_dumps(resp, JSON_INDENT(4));
		printf("%s\n", s);
		free(s);
		goto out;
	}
	json_t *os = json_object_get(resp, "os"), *pi = json_object_get(resp, "platformImage");
	printf("image\t%s@%s\n", json_string_value(json_object_get(resp, "repositoryName")),
	       json_string_value(fe_json_path(resp, "imageId.imageDigest")));
	if (pi)
		printf("platform\t%s %s\n", json_string_value(json_object_get(pi, "platform")),
		       json_string_value(json_object_get(pi, "imageDigest")));
	if (json_is_object(os))
		printf("os\t%s %s%s%s\n", json_string_value(json_object_get(os, "id")),
		       json_string_value(json_object_get(os, "versionId")),
		       json_object_get(os, "codename") ? " " : "",
		       json_object_get(os, "codename") ? json_string_value(json_object_get(os, "codename")) : "");
	else
		printf("os\tunknown\n");
	if (json_object_get(resp, "unsupported"))
		printf("unsupported\t%s\n", json_string_value(json_object_get(resp, "unsupported")));
	size_t i;
	json_t *w, *p;
	json_array_foreach(json_object_get(resp, "warnings"), i, w)
		fprintf(stderr, "ecrlite: warning: %s\n", json_string_value(w));
	json_array_foreach(json_object_get(resp, "packages"), i, p)
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "version")), json_string_value(json_object_get(p, "sourceName")),
		       json_string_value(json_object_get(p, "sourceVersion")), json_string_value(json_object_get(p, "arch")),
		       json_string_value(json_object_get(p, "format")));
	/* language packages: their own columns, as they have no source or arch */
	json_array_foreach(json_object_get(resp, "languagePackages"), i, p)
		printf("%s\t%s\t%s\t%s\n", json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "version")), json_string_value(json_object_get(p, "packageManager")),
		       json_string_value(json_object_get(p, "filePath")));
out:
	json_decref(req);
	json_decref(resp);
	ecr_ctx_free(ctx);
	return rc;
}
