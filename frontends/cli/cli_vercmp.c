/* `ecrlite vercmp dpkg|apk|rpm A B`: prints <, = or >.
 * `ecrlite vercmp dpkg|apk|rpm -`: reads "A B" lines on stdin, prints one sign each. */
#include <stdio.h>
#include <string.h>

#include "../../core/vercmp.h"
#include "cli.h"

static const char *sign(int c)
{
	return c < 0 ? "<" : c > 0 ? ">" : "=";
}

int cli_vercmp(int argc, char **argv)
{
	ecr_vercmp_fn fn = argc >= 2 ? ecr_vercmp_for(argv[0]) : NULL;
	if (fn && argc == 2 && !strcmp(argv[1], "-")) {
		char line[8192], a[4096], b[4096];
		while (fgets(line, sizeof(line), stdin)) {
			if (sscanf(line, "%4095s %4095s", a, b) != 2) {
				fprintf(stderr, "ecrlite: vercmp: want two versions per line: %s", line);
				return 2;
			}
			puts(sign(fn(a, b)));
		}
		return 0;
	}
	if (!fn || argc != 3) {
		fprintf(stderr, "usage: ecrlite vercmp dpkg|apk|rpm VERSION1 VERSION2\n"
				"       ecrlite vercmp dpkg|apk|rpm -    (pairs on stdin)\n");
		return 2;
	}
	puts(sign(fn(argv[1], argv[2])));
	return 0;
}
