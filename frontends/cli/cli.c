/* What ecrlite's own commands share: opening the state for a region, printing a
 * failure and the core's notices as every command prints them, image references. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecr.h"
#include "cli.h"
#include "../config.h"

/* REPOSITORY:TAG or REPOSITORY@DIGEST into a request (new reference). */
json_t *cli_image_request(const char *ref)
{
	return ecr_image_ref_parse(ref);
}

int cli_open(struct ecr_ctx **ctx, const char *region, struct ecr_err *err)
{
	char *r = fe_region(region, NULL);
	int rc = fe_ctx_open(ctx, r, err);
	free(r);
	return rc;
}

int cli_usage(const char *usage)
{
	fputs(usage, stderr);
	return 2;
}

int cli_fail(const char *what, const struct ecr_err *err)
{
	fe_exit_if_fatal(err);
	if (ecr_err_own(err))
		fprintf(stderr, "ecrlite: %s failed: %s\n", what, err->message);
	else
		fprintf(stderr, "ecrlite: %s failed: %s: %s\n", what, ecr_err_name(err), err->message);
	return 1;
}

void cli_notices(struct ecr_ctx *ctx)
{
	fe_notices(ctx, "ecrlite: warning: ");
}

int cli_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("ecrlite %s\n", ECRLITE_VERSION);
	return 0;
}
