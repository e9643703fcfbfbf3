/* `ecrlite rematch [--region R] --all | REPOSITORY:TAG|REPOSITORY@DIGEST…`: new findings
 * for pushed images after new vulnerability data, without waiting out the daily scan
 * quota: the cached inventory is matched again (RematchImage) and nothing counts as a
 * scan. */
#include <stdio.h>
#include <string.h>

#include "ecr.h"
#include "cli.h"
#include "../lib/fe_json.h"

static int one(struct ecr_ctx *ctx, json_t *req, const char *label)
{
	struct ecr_err err = {0};
	json_t *resp = NULL, *f = NULL;
	if (ecr_call(ctx, "RematchImage", req, &resp, &err))
		return cli_fail(label, &err);
	/* the counts as DescribeImageScanFindings reports them now */
	json_t *q = json_pack("{s:O, s:O, s:i}", "repositoryName", json_object_get(resp, "repositoryName"), "imageId",
			      json_object_get(resp, "imageId"), "maxResults", 1);
	char counts[512] = "";
	size_t len = 0;
	if (!ecr_call(ctx, "DescribeImageScanFindings", q, &f, &err)) {
		const char *k;
		json_t *v;
		json_object_foreach(fe_json_path(f, "imageScanFindings.findingSeverityCounts"), k, v)
			len += (size_t)snprintf(counts + len, len < sizeof(counts) ? sizeof(counts) - len : 0, "%s%s %lld",
						len ? ", " : "", k, (long long)json_integer_value(v));
	}
	printf("%s@%s: %s\n", json_string_value(json_object_get(resp, "repositoryName")),
	       json_string_value(fe_json_path(resp, "imageId.imageDigest")), len ? counts : "no findings");
	const char *desc = json_string_value(fe_json_path(resp, "imageScanStatus.description"));
	if (desc && strcmp(desc, "The scan was completed successfully."))
		printf("  %s\n", desc);
	json_decref(q);
	json_decref(f);
	json_decref(resp);
	return 0;
}

/* Every image of the region whose last scan is COMPLETE. */
static int all(struct ecr_ctx *ctx)
{
	struct ecr_err err = {0};
	json_t *repos = NULL;
	int rc = 0, n = 0;
	json_t *rq = json_object();
	for (;;) {
		if (ecr_call(ctx, "DescribeRepositories", rq, &repos, &err)) {
			json_decref(rq);
			return cli_fail("rematch", &err);
		}
		size_t i;
		json_t *repo;
		json_array_foreach(json_object_get(repos, "repositories"), i, repo) {
			json_t *iq = json_pack("{s:O}", "repositoryName", json_object_get(repo, "repositoryName")), *imgs = NULL;
			for (;;) {
				if (ecr_call(ctx, "DescribeImages", iq, &imgs, &err)) {
					rc = cli_fail("rematch", &err);
					break;
				}
				size_t k;
				json_t *img;
				json_array_foreach(json_object_get(imgs, "imageDetails"), k, img) {
					const char *st = json_string_value(fe_json_path(img, "imageScanStatus.status"));
					if (!st || strcmp(st, "COMPLETE"))
						continue;
					json_t *req = json_pack("{s:O, s:{s:O}}", "repositoryName", json_object_get(repo, "repositoryName"),
								"imageId", "imageDigest", json_object_get(img, "imageDigest"));
					rc |= one(ctx, req, "rematch");
					n++;
					json_decref(req);
				}
				json_t *next = json_object_get(imgs, "nextToken");
				if (!json_is_string(next))
					break;
				json_object_set(iq, "nextToken", next);
				json_decref(imgs);
				imgs = NULL;
			}
			json_decref(imgs);
			json_decref(iq);
		}
		json_t *next = json_object_get(repos, "nextToken");
		if (!json_is_string(next))
			break;
		json_object_set(rq, "nextToken", next);
		json_decref(repos);
		repos = NULL;
	}
	json_decref(repos);
	json_decref(rq);
	printf("rematch: %d image%s matched again (not counted as scans)\n", n, n == 1 ? "" : "s");
	return rc;
}

const char cli_rematch_usage[] =
	"usage: ecrlite rematch [--region REGION] --all | REPOSITORY[:TAG|@DIGEST]...\n"
	"  matches the images' cached inventory against the vulnerability data imported now;\n"
	"  new findings without waiting for the daily scan quota (nothing counts as a scan)\n";

int cli_rematch(int argc, char **argv)
{
	const char *region = NULL;
	int every = 0, nrefs = 0, rc = 0;
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--region") && i + 1 < argc)
			region = argv[++i];
		else if (!strcmp(argv[i], "--all"))
			every = 1;
		else if (argv[i][0] != '-')
			nrefs++;
		else
			nrefs = -1000;
	}
	if (nrefs < 0 || (every == !!nrefs)) {
		return cli_usage(cli_rematch_usage);
	}
	if (cli_open(&ctx, region, &err))
		return cli_fail("rematch", &err);
	if (every)
		rc = all(ctx);
	else
		for (int i = 0; i < argc; i++) {
			if (!strcmp(argv[i], "--region")) {
				i++;
				continue;
			}
			json_t *req = cli_image_request(argv[i]);
			rc |= one(ctx, req, "rematch");
			json_decref(req);
		}
	cli_notices(ctx);
	ecr_ctx_free(ctx);
	return rc ? 1 : 0;
}
