/* The multi-call main: the program's name picks the frontend (toybox style); invoked
 * as `ecrlite`, the first argument does. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "aws/aws.h"
#include "cli/cli.h"
#include "lua/lua_fe.h"
#include "pwsh/ps.h"
#include "serve/serve_int.h"
#include "digest.h"
#include "ecr.h"

struct entry {
	const char *name;                      /* argv[0] basename or ecrlite subcommand */
	int (*fn)(int argc, char **argv);      /* gets the arguments after the name */
	const char *help;                      /* one line for `ecrlite help` */
	const char *usage;                     /* `ecrlite NAME --help`, or NULL: NAME reads its own */
};

static int cmd_help(int argc, char **argv);

/* Sorted by name. */
static const struct entry entries[] = {
	{"aws", aws_main, "aws ecr …: the AWS CLI v2's argv and output, on the local registry", NULL},
	{"aws_completer", aws_completer_main, "bash completion for aws (complete -C 'ecrlite aws_completer' aws)", NULL},
	{"cvss", cli_cvss, "cvss VECTOR…: CVSS v2/v3.0/v3.1 base, temporal and environmental scores", cli_cvss_usage},
	{"help", cmd_help, "this list", NULL},
	{"inventory", cli_inventory, "inventory REPOSITORY[:TAG|@DIGEST]: the OS and installed packages of an image", cli_inventory_usage},
	{"jp", cli_jp, "jp EXPRESSION [FILE]: JMESPath over JSON, as aws --query evaluates it", cli_jp_usage},
	{"lifecycle", cli_lifecycle, "lifecycle run [REPOSITORY…]: the lifecycle policies run now, expiring what their rules select", cli_lifecycle_usage},
	{"lua", lecr_main, "lua [SCRIPT [ARGS…] | -e CODE | -l MODULE | -i]: Lua 5.4 with the ecr module", NULL},
	{"pwsh", ps_main, "pwsh [-Command '…' | -File f.ps1]: PowerShell-style shell and scripts with the AWS.Tools.ECR cmdlets (also links named after them)", NULL},
	{"push", cli_push, "push ARCHIVE REPOSITORY[:TAG]: a docker save tarball or OCI archive/layout into a repository", cli_push_usage},
	{"rematch", cli_rematch, "rematch --all | REPOSITORY[:TAG|@DIGEST]…: new findings after new vulnerability data, without a scan", cli_rematch_usage},
	{"serve", serve_main, "serve [--listen HOST:PORT] [--no-auth]: the ECR API and the registry over HTTP", NULL},
	{"vercmp", cli_vercmp, "vercmp dpkg|apk|rpm|pypi|npm|go|maven A B: prints <, = or > in that ordering", cli_vercmp_usage},
	{"version", cli_version, "print the version", NULL},
	{"vulndb", cli_vulndb, "vulndb import PATH… | vulndb status: vulnerability feeds, offline", cli_vulndb_usage},
};
#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

/* --help or -h anywhere among a command's arguments asks for its usage: on stdout with
 * exit 0, as GNU tools and git do, so that `ecrlite push --help | less` works; the
 * commands print the same text on stderr with exit 2 for a wrong argument. No argument
 * of these commands can be spelled -h or --help (no version, vector, path or name
 * starting with '-' is taken). */
static int wants_help(const struct entry *e, int argc, char **argv)
{
	if (!e->usage)
		return 0;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

static int run(const struct entry *e, int argc, char **argv)
{
	if (wants_help(e, argc, argv)) {
		fputs(e->usage, stdout);
		return 0;
	}
	return e->fn(argc, argv);
}

static const struct entry *find(const char *name)
{
	for (size_t i = 0; i < NENTRIES; i++)
		if (!strcmp(entries[i].name, name))
			return &entries[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("usage: ecrlite COMMAND [ARGS…]\n\ncommands:\n");
	for (size_t i = 0; i < NENTRIES; i++)
		printf("  %-10s %s\n", entries[i].name, entries[i].help);
	printf("\nThe state lives in $ECRLITE_HOME (default $XDG_DATA_HOME/ecrlite, else ~/.local/share/ecrlite).\n"
	       "ecrlite's aws: 'ecrlite aws ecr …', or its link named aws (libexec/ecrlite/aws once installed).\n"
	       "More: man ecrlite, and 'aws ecr help'.\n");
	return 0;
}

int main(int argc, char **argv)
{
	char *self = strdup(argv[0]);
	const char *base = basename(self);
	ecr_crypto_init(); /* before the aws frontend's SigV4 or any digest */
	/* the event command, then the Lua scan hooks, whichever frontend completes a scan */
	ecr_event_subscribe_all(fe_event_command, (void *)fe_event_command_line());
	ecr_event_subscribe_all(lecr_hooks_consumer, NULL);
	const struct entry *e = strcmp(base, "ecrlite") ? find(base) : NULL;
	int rc;
	if (!e && ps_cmdlet_find(base)) {
		rc = ps_link_main(base, argc - 1, argv + 1);
	} else if (e) {
		rc = run(e, argc - 1, argv + 1);
	} else if (argc < 2) {
		cmd_help(0, NULL);
		rc = 2;
	} else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		rc = cmd_help(0, NULL);
	} else if (!strcmp(argv[1], "--list-links")) {
		/* the names ecrlite answers to as a link: the Makefile and bash completion
		 * read them here, so the cmdlet table is the only list */
		printf("aws\n");
		for (int i = 0; i < ps_cmdlet_count(); i++)
			printf("%s\n", ps_cmdlet_at(i)->name);
		rc = 0;
	} else if (!strcmp(argv[1], "--version")) {
		rc = cli_version(argc - 2, argv + 2);
	} else if ((e = find(argv[1]))) {
		rc = run(e, argc - 2, argv + 2);
	} else {
		fprintf(stderr, "ecrlite: error: unknown command '%s' (see 'ecrlite help')\n", argv[1]);
		rc = 2;
	}
	free(self);
	return rc;
}
