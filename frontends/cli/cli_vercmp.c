/* `ecrlite vercmp dpkg|apk|rpm|pypi|npm|go|maven A B`: prints <, = or >.
 * `ecrlite vercmp KIND -`: reads "A B" lines on stdin, prints one sign each; a line with
 * a tab is split at tabs instead, so versions may hold spaces (" = 1.2.3" for npm). */
#include <stdio.h>
#include <string.h>

#include "vercmp.h"
#include "cli.h"

static const char *sign(int c)
{
	return c < 0 ? "<" : c > 0 ? ">" : "=";
}

static int split(char *line, char **a, char **b)
{
	static char x[4096], y[4096];
	char *tab = strchr(line, '\t');
	if (tab) {
		*tab = '\0';
		char *e = strpbrk(tab + 1, "\t\r\n");
		if (e)
			*e = '\0';
		*a = line;
		*b = tab + 1;
		return 1;
	}
	if (sscanf(line, "%4095s %4095s", x, y) != 2)
		return 0;
	*a = x;
	*b = y;
	return 1;
}

const char cli_vercmp_usage[] =
	"usage: ecrlite vercmp dpkg|apk|rpm|pypi|npm|go|maven VERSION1 VERSION2\n"
	"       ecrlite vercmp KIND -    (pairs on stdin: \"A B\" or \"A<TAB>B\" lines)\n";

int cli_vercmp(int argc, char **argv)
{
	ecr_vercmp_fn fn = argc >= 2 ? ecr_vercmp_for(argv[0]) : NULL;
	if (fn && argc == 2 && !strcmp(argv[1], "-")) {
		char line[8192], *a, *b;
		while (fgets(line, sizeof(line), stdin)) {
			if (!split(line, &a, &b)) {
				fprintf(stderr, "ecrlite: vercmp: want two versions per line: %s", line);
				return 2;
			}
			puts(sign(fn(a, b)));
		}
		return 0;
	}
	if (!fn || argc != 3) {
		return cli_usage(cli_vercmp_usage);
	}
	puts(sign(fn(argv[1], argv[2])));
	return 0;
}
