/* `ecrlite cvss VECTOR…`: one line per vector, "BASE TEMPORAL ENVIRONMENTAL RATING"
 * ("-" where the vector defines no such score; the rating is the base score's).
 * `ecrlite cvss -` reads one vector a line on stdin. A bad vector is named on stderr
 * and the exit code is 1. */
#include <stdio.h>
#include <string.h>

#include "cvss.h"
#include "cli.h"

static int one(const char *v)
{
	struct ecr_cvss s;
	char err[256];
	if (ecr_cvss_score(v, &s, err, sizeof(err))) {
		fprintf(stderr, "ecrlite: cvss: %s: %s\n", v, err);
		puts("error");
		return 1;
	}
	printf("%.1f ", s.base);
	if (s.has_temporal)
		printf("%.1f ", s.temporal);
	else
		fputs("- ", stdout);
	if (s.has_environmental)
		printf("%.1f ", s.environmental);
	else
		fputs("- ", stdout);
	printf("%s\n", ecr_cvss_rating(s.base));
	return 0;
}

const char cli_cvss_usage[] =
	"usage: ecrlite cvss VECTOR...   (CVSS v2, v3.0, v3.1)\n"
	"       ecrlite cvss -           (one vector a line on stdin)\n";

int cli_cvss(int argc, char **argv)
{
	if (argc < 1)
		return cli_usage(cli_cvss_usage);
	int rc = 0;
	if (argc == 1 && !strcmp(argv[0], "-")) {
		char line[1024];
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\r\n")] = '\0';
			rc |= one(line);
		}
		return rc;
	}
	/* no vector starts with '-' (v2's is AV:…, v3's and v4's CVSS:…): an option, and
	 * this command has none */
	for (int i = 0; i < argc; i++)
		if (argv[i][0] == '-')
			return cli_usage(cli_cvss_usage);
	for (int i = 0; i < argc; i++)
		rc |= one(argv[i]);
	return rc;
}
