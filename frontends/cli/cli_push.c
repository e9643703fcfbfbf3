/* `ecrlite push [--region R] [--output json] ARCHIVE REPOSITORY[:TAG]` */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecr.h"
#include "cli.h"

const char cli_push_usage[] = "usage: ecrlite push [--region REGION] [--output text|json] ARCHIVE REPOSITORY[:TAG]\n";

int cli_push(int argc, char **argv)
{
	const char *region = NULL, *output = "text", *archive = NULL, *target = NULL;
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	json_t *out = NULL;
	int rc;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--region") && i + 1 < argc)
			region = argv[++i];
		else if (!strcmp(argv[i], "--output") && i + 1 < argc)
			output = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage(cli_push_usage);
		else if (!archive)
			archive = argv[i];
		else if (!target)
			target = argv[i];
		else
			return cli_usage(cli_push_usage);
	}
	if (!archive || !target)
		return cli_usage(cli_push_usage);
	char *repo = strdup(target), *tag = NULL;
	char *colon = strrchr(repo, ':');
	if (colon && !strchr(colon, '/')) {
		*colon = '\0';
		tag = colon + 1;
	}
	json_t *req = json_pack("{s:s, s:s}", "archive", archive, "repositoryName", repo);
	if (tag)
		json_object_set_new(req, "imageTag", json_string(tag));
	rc = cli_open(&ctx, region, &err);
	if (!rc)
		rc = ecr_call(ctx, "Push", req, &out, &err);
	json_decref(req);
	if (rc) {
		rc = cli_fail("push", &err);
		goto out;
	}
	if (!strcmp(output, "json")) {
		char *s = json_dumps(out, JSON_INDENT(4));
		printf("%s\n", s);
		free(s);
	} else {
		json_t *id = json_object_get(out, "imageId");
		long long nl = json_integer_value(json_object_get(out, "layers"));
		printf("%s %s:%s %s (%lld layer%s, %lld bytes)\n",
		       json_is_true(json_object_get(out, "changed")) ? "pushed" : "unchanged",
		       json_string_value(json_object_get(out, "repositoryName")),
		       json_string_value(json_object_get(id, "imageTag")),
		       json_string_value(json_object_get(id, "imageDigest")), nl, nl == 1 ? "" : "s",
		       (long long)json_integer_value(json_object_get(out, "imageSizeInBytes")));
		json_t *scan = json_object_get(out, "imageScanStatus");
		if (scan)
			printf("scan on push: %s: %s\n", json_string_value(json_object_get(scan, "status")),
			       json_string_value(json_object_get(scan, "description")));
	}
	cli_notices(ctx);
out:
	json_decref(out);
	ecr_ctx_free(ctx);
	free(repo);
	return rc;
}
