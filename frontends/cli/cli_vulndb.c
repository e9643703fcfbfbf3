/* `ecrlite vulndb import PATH…` and `ecrlite vulndb status [--output json]` */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timefmt.h"
#include "ecr.h"
#include "cli.h"

static void progress(void *ud, const char *what, long long records)
{
	(void)ud;
	/* on a terminal only: a line that rewrites itself */
	fprintf(stderr, "\r\033[Kimporting %s: %lld records", what, records);
}

const char cli_vulndb_usage[] =
	"usage: ecrlite vulndb import PATH...   (files, directories, zips; gzip/xz/bzip2/zstd too)\n"
	"       ecrlite vulndb status [--output text|json]\n";

int cli_vulndb(int argc, char **argv)
{
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err = {0};
	json_t *out = NULL;
	int rc = 0, tty = isatty(2);
	if (argc < 1)
		return cli_usage(cli_vulndb_usage);
	if (!strcmp(argv[0], "import")) {
		if (argc < 2)
			return cli_usage(cli_vulndb_usage);
		json_t *req = json_pack("{s:[]}", "paths");
		for (int i = 1; i < argc; i++)
			json_array_append_new(json_object_get(req, "paths"), json_string(argv[i]));
		rc = cli_open(&ctx, NULL, &err);
		if (!rc) {
			ecr_ctx_set_progress(ctx, tty ? progress : NULL, NULL);
			rc = ecr_call(ctx, "ImportVulnerabilityFeeds", req, &out, &err);
		}
		json_decref(req);
		if (rc) {
			if (tty)
				fputc('\n', stderr);
			rc = cli_fail("vulndb import", &err);
			goto out;
		}
		if (tty)
			fputc('\n', stderr);
		size_t i;
		json_t *s;
		long long docs = json_integer_value(json_object_get(out, "documents"));
		long long recs = json_integer_value(json_object_get(out, "records"));
		long long same = json_integer_value(json_object_get(out, "unchangedFiles"));
		printf("imported %lld document%s, %lld record%s", docs, docs == 1 ? "" : "s", recs, recs == 1 ? "" : "s");
		if (same)
			printf(" (%lld file%s unchanged since last imported: skipped)", same, same == 1 ? "" : "s");
		printf("\n");
		json_array_foreach(json_object_get(out, "sources"), i, s)
			printf("  %s (%s)\n", json_string_value(json_object_get(s, "name")), json_string_value(json_object_get(s, "format")));
		cli_notices(ctx); /* change events not sent or not delivered: said, as push says them */
	} else if (!strcmp(argv[0], "status")) {
		int json = argc == 3 && !strcmp(argv[1], "--output") && !strcmp(argv[2], "json");
		if (argc != 1 && !json)
			return cli_usage(cli_vulndb_usage);
		if (cli_open(&ctx, NULL, &err) || ecr_call(ctx, "DescribeVulnerabilitySources", NULL, &out, &err)) {
			rc = cli_fail("vulndb status", &err);
			goto out;
		}
		if (json) {
			char *s = json_dumps(out, JSON_INDENT(4));
			printf("%s\n", s);
			free(s);
			goto out;
		}
		size_t i;
		json_t *s;
		if (!json_array_size(json_object_get(out, "sources")))
			printf("no vulnerability data imported (ecrlite vulndb import PATH…)\n");
		else
			printf("%-32s %-14s %8s  %-25s %s\n", "SOURCE", "FORMAT", "RECORDS", "UPDATED", "IMPORTED FROM");
		json_array_foreach(json_object_get(out, "sources"), i, s) {
			char upd[64];
			ecr_time_iso_utc(json_real_value(json_object_get(s, "updatedAt")), upd, sizeof(upd));
			printf("%-32s %-14s %8lld  %-25s %s\n", json_string_value(json_object_get(s, "name")),
			       json_string_value(json_object_get(s, "format")),
			       (long long)json_integer_value(json_object_get(s, "records")), upd,
			       json_string_value(json_object_get(s, "path")));
			/* a source read from several files names each */
			size_t k;
			json_t *p;
			json_array_foreach(json_object_get(s, "paths"), k, p)
				if (k)
					printf("%-32s %-14s %8s  %-25s %s\n", "", "", "", "", json_string_value(p));
		}
	} else {
		return cli_usage(cli_vulndb_usage);
	}
out:
	json_decref(out);
	ecr_ctx_free(ctx);
	return rc;
}
