/* Entry points: a link named like a cmdlet (argv are its arguments, each read as a
 * PowerShell argument, as pwsh would pass them), and `ecrlite pwsh` with pwsh's own
 * options: -Command text (or - for standard input), -File script [args], and with
 * neither the interactive shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ps_lang.h"
#include "../lib/fe_utf8.h"

/* `Cmdlet -?` (or --help): its syntax line as Get-Help's SYNTAX shows it, from the
 * cmdlet table: mandatory parameters bare, positional names in brackets. */
static int cmdlet_usage(const char *name)
{
	static const char *const types[] = {
		[PT_STRING] = "String", [PT_STRINGS] = "String[]", [PT_BOOL] = "Boolean", [PT_INT] = "Int32",
		[PT_LONG] = "Int64", [PT_BLOB] = "Byte[]", [PT_SWITCH] = "SwitchParameter", [PT_OBJECTS] = "Object[]",
		[PT_IGNORED] = "",
	};
	const struct ps_cmdlet *c = ps_cmdlet_find(name);
	printf("usage: %s", c->name);
	for (const struct ps_param *p = c->params; p && p->name; p++) {
		const char *t = types[p->type];
		if (p->type == PT_IGNORED)
			continue;
		if (p->type == PT_SWITCH)
			printf(" [-%s]", p->name);
		else if (p->position >= 0)
			printf(p->mandatory ? " [-%s] <%s>" : " [[-%s] <%s>]", p->name, t);
		else
			printf(p->mandatory ? " -%s <%s>" : " [-%s <%s>]", p->name, t);
	}
	printf(" [<CommonParameters>]\n");
	return 0;
}

int ps_link_main(const char *name, int argc, char **argv)
{
	if (argc == 1 && (!strcmp(argv[0], "-?") || !strcmp(argv[0], "--help")))
		return cmdlet_usage(name);
	/* arguments that are not UTF-8 read as .NET reads them (U+FFFD), never vanish */
	char **args = fe_utf8_argv(argc, argv);
	if (!args) {
		fprintf(stderr, "%s: out of memory\n", name);
		return 1;
	}
	struct ps_sess s; /* for the error state: the link runs one cmdlet, no script */
	ps_sess_init(&s, 1);
	int rc = ps_run(&s, name, argc, args, 1);
	ps_sess_done(&s);
	fe_utf8_argv_free(argc, args);
	return rc;
}

static char *slurp(FILE *f)
{
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

/* On stdout with exit 0 when asked for (pwsh's -Help, -h, -?, /?, and --help), else on
 * stderr with exit 2. */
static int usage(int asked)
{
	fprintf(asked ? stdout : stderr,
		"usage: ecrlite pwsh [-NoProfile] [-NonInteractive] [-Command text|- | -File script.ps1 [args…]]\n"
		"  with neither, an interactive shell; cmdlets also run through their links:\n"
		"  build/bin/Start-ECRImageScan -RepositoryName r -ImageId_ImageTag t\n");
	return asked ? 0 : 2;
}

int ps_main(int argc, char **argv)
{
	const char *cmd = NULL, *file = NULL;
	int interactive = isatty(STDIN_FILENO), i;
	for (i = 0; i < argc; i++) {
		if ((!strcasecmp(argv[i], "-Command") || !strcasecmp(argv[i], "-c")) && i + 1 < argc) {
			cmd = argv[++i];
		} else if ((!strcasecmp(argv[i], "-File") || !strcasecmp(argv[i], "-f")) && i + 1 < argc) {
			file = argv[++i];
			i++;
			break; /* the rest are the script's $args */
		} else if (!strcasecmp(argv[i], "-NonInteractive") || !strcasecmp(argv[i], "-noni")) {
			interactive = 0;
		} else if (!strcasecmp(argv[i], "-NoProfile") || !strcasecmp(argv[i], "-nop") || !strcasecmp(argv[i], "-NoLogo")) {
			continue;
		} else {
			static const char *const help[] = {"-Help", "-h", "-?", "/?", "--help", NULL};
			for (const char *const *h = help; *h; h++)
				if (!strcasecmp(argv[i], *h))
					return usage(1);
			return usage(0);
		}
	}
	if (!cmd && !file && isatty(STDIN_FILENO))
		return ps_shell();
	struct ps_sess s;
	ps_sess_init(&s, interactive && isatty(STDIN_FILENO));
	json_t *args = json_array();
	for (; file && i < argc; i++)
		json_array_append_new(args, fe_utf8_json_string(argv[i]));
	ps_var_set(&s, "args", args);
	json_decref(args);
	char *src;
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f) {
			fprintf(stderr, "The argument '%s' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\n",
				file);
			ps_sess_done(&s);
			return 64;
		}
		src = slurp(f);
		fclose(f);
	} else if (!cmd || !strcmp(cmd, "-")) {
		src = slurp(stdin);
	} else {
		src = strdup(cmd);
	}
	int err = ps_run_source(src, &s);
	free(src);
	/* pwsh's exit status: `exit n` wins; -Command reports the last pipeline's $?, -File
	 * only a parse or terminating error */
	int rc = s.exited ? s.exit_code : err ? 1 : (!file && !s.last_ok) ? 1 : 0;
	ps_sess_done(&s);
	return rc;
}
