/* `ecrlite lifecycle run [--region R] [--output text|json] [REPOSITORY...]`: the stored
 * lifecycle policies run now (ApplyLifecyclePolicies), as `ecrlite serve` runs them every
 * hour: locally nothing else runs an age rule that came due without a push or a put. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ecr.h"
#include "cli.h"

#define TAGS_MAX (1 << 20) /* an image's tags, listed (ECR allows 1000 of up to 300 bytes) */

const char cli_lifecycle_usage[] =
	"usage: ecrlite lifecycle run [--region REGION] [--output text|json] [REPOSITORY...]\n"
	"  runs the repositories' lifecycle policies now and expires what their rules select\n"
	"  (without REPOSITORY: every policy in the state, every region)\n";

/* One line per expired image, one per failure (stderr), then the count. */
static int print_text(json_t *out)
{
	size_t i, k, t;
	json_t *repo, *img, *tag, *f;
	long long n = 0;
	json_array_foreach(json_object_get(out, "repositories"), i, repo) {
		json_array_foreach(json_object_get(repo, "expiredImages"), k, img) {
			struct buf tags;
			int whole = 1;
			ecr_buf_init(&tags, TAGS_MAX);
			json_array_foreach(json_object_get(img, "imageTags"), t, tag)
				whole = whole && !ecr_buf_printf(&tags, "%s%s", t ? "," : "", json_string_value(tag));
			printf("expired %s@%s (%s; rule %lld)\n", json_string_value(json_object_get(repo, "repositoryName")),
			       json_string_value(json_object_get(img, "imageDigest")),
			       !whole ? "too many tags to list" : tags.data ? tags.data : "untagged",
			       (long long)json_integer_value(json_object_get(img, "appliedRulePriority")));
			ecr_buf_release(&tags);
			n++;
		}
	}
	size_t nrepos = json_array_size(json_object_get(out, "repositories"));
	printf("lifecycle: %zu polic%s run, %lld image%s expired\n", nrepos, nrepos == 1 ? "y" : "ies", n,
	       n == 1 ? "" : "s");
	json_array_foreach(json_object_get(out, "failures"), i, f)
		fprintf(stderr, "ecrlite: lifecycle run failed: %s: %s: %s\n",
			json_string_value(json_object_get(f, "repositoryName")),
			json_string_value(json_object_get(f, "failureCode")),
			json_string_value(json_object_get(f, "failureReason")));
	return json_array_size(json_object_get(out, "failures")) ? 1 : 0;
}

int cli_lifecycle(int argc, char **argv)
{
	const char *region = NULL, *output = "text";
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	json_t *names = json_array(), *req = json_object(), *out = NULL;
	int rc;
	if (argc < 1 || strcmp(argv[0], "run")) {
		rc = cli_usage(cli_lifecycle_usage);
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--region") && i + 1 < argc)
			region = argv[++i];
		else if (!strcmp(argv[i], "--output") && i + 1 < argc &&
			 (!strcmp(argv[i + 1], "text") || !strcmp(argv[i + 1], "json")))
			output = argv[++i];
		else if (argv[i][0] == '-') {
			rc = cli_usage(cli_lifecycle_usage);
			goto out;
		} else if (json_array_append_new(names, json_string(argv[i]))) {
			/* refused, never dropped: a list emptied by a dropped name would run every
			 * policy in the state instead of the one named (json_string takes only UTF-8) */
			fprintf(stderr, "ecrlite: lifecycle run failed: argument %d (a repository name) is not UTF-8\n", i + 1);
			rc = 1;
			goto out;
		}
	}
	if (json_array_size(names))
		json_object_set(req, "repositoryNames", names);
	if ((rc = cli_open(&ctx, region, &err)) || (rc = ecr_call(ctx, "ApplyLifecyclePolicies", req, &out, &err))) {
		rc = cli_fail("lifecycle run", &err);
		goto out;
	}
	if (!strcmp(output, "json")) {
		char *s = json_dumps(out, JSON_INDENT(4));
		printf("%s\n", s);
		free(s);
		rc = json_array_size(json_object_get(out, "failures")) ? 1 : 0;
	} else {
		rc = print_text(out);
	}
	cli_notices(ctx);
out:
	json_decref(out);
	json_decref(req);
	json_decref(names);
	ecr_ctx_free(ctx);
	return rc;
}
