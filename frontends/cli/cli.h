/* ecrlite's own commands (push, version, …): thin wrappers over core calls. */
#ifndef CLI_H
#define CLI_H

#include <jansson.h>

#include "ecr.h"

int cli_push(int argc, char **argv);
int cli_inventory(int argc, char **argv);
int cli_vercmp(int argc, char **argv);
int cli_cvss(int argc, char **argv);
int cli_vulndb(int argc, char **argv);
int cli_jp(int argc, char **argv);
int cli_rematch(int argc, char **argv);
int cli_lifecycle(int argc, char **argv);
/* Each command's usage: `ecrlite CMD --help` prints it on stdout and exits 0 (main.c,
 * as GNU tools and the aws CLI's help do); a wrong argument prints it on stderr and
 * exits 2 (cli_usage). */
extern const char cli_push_usage[], cli_inventory_usage[], cli_vercmp_usage[], cli_cvss_usage[],
	cli_vulndb_usage[], cli_jp_usage[], cli_rematch_usage[], cli_lifecycle_usage[];
int cli_usage(const char *usage);
/* cli.c: helpers shared by the commands */
json_t *cli_image_request(const char *ref);
int cli_open(struct ecr_ctx **ctx, const char *region, struct ecr_err *err);
int cli_fail(const char *what, const struct ecr_err *err);
/* Prints the core's notices (failed event deliveries) as warnings. */
void cli_notices(struct ecr_ctx *ctx);
int cli_version(int argc, char **argv);

#endif
