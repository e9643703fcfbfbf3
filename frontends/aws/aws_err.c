/* Error texts exactly as the real AWS CLI v2 prints them (see
 * ../shared/spec/awscli-behaviour.md §2–3). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws.h"

static const char usage[] =
	"usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
	"To see help text, you can run:\n"
	"\n"
	"  aws help\n"
	"  aws <command> help\n"
	"  aws <command> <subcommand> help\n";

int aws_usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\n%s\naws: error: ", usage);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	return AWS_EXIT_PARAM;
}

int aws_unknown_options(const char *list)
{
	fprintf(stderr, "\n%s\nUnknown options: %s\n\n", usage, list);
	return AWS_EXIT_PARAM;
}

int aws_plain_error(int status, const char *fmt, ...)
{
	va_list ap;
	fputc('\n', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int aws_service_error(const char *code, const char *op, const char *msg, int retried)
{
	fprintf(stderr, "\nAn error occurred (%s) when calling the %s operation%s: %s\n", code, op,
		retried ? " (reached max retries: 2)" : "", msg);
	return AWS_EXIT_SERVICE;
}

/* difflib.SequenceMatcher.ratio() for short ASCII strings: 2*M/T where M counts the
 * characters of the longest-common-block decomposition difflib uses. */
static int matches(const char *a, size_t al, const char *b, size_t bl)
{
	size_t best = 0, bi = 0, bj = 0;
	for (size_t i = 0; i < al; i++)
		for (size_t j = 0; j < bl; j++) {
			size_t k = 0;
			while (i + k < al && j + k < bl && a[i + k] == b[j + k])
				k++;
			if (k > best)
				best = k, bi = i, bj = j;
		}
	if (!best)
		return 0;
	return (int)best + matches(a, bi, b, bj) +
	       matches(a + bi + best, al - bi - best, b + bj + best, bl - bj - best);
}

static double ratio(const char *a, const char *b)
{
	size_t t = strlen(a) + strlen(b);
	return t ? 2.0 * matches(a, strlen(a), b, strlen(b)) / (double)t : 1.0;
}

int aws_invalid_choice(const char *what, const char *const *choices, const char *given)
{
	int n = 0;
	fprintf(stderr, "\n%s\naws: error: argument %s: Invalid choice, valid choices are:\n\n", usage, what);
	for (const char *const *c = choices; *c; c++, n++) {
		if (n % 2 == 0)
			fprintf(stderr, "%-40s", *c);
		else
			fprintf(stderr, " | %-40s\n", *c);
	}
	if (n % 2)
		fputc('\n', stderr);
	/* close matches: ratio >= 0.8, best first, at most 3 (difflib.get_close_matches) */
	const char *best[3] = {0};
	double score[3] = {0};
	for (const char *const *c = choices; *c; c++) {
		double r = ratio(given, *c);
		if (r < 0.8)
			continue;
		for (int i = 0; i < 3; i++)
			if (!best[i] || r > score[i]) {
				for (int j = 2; j > i; j--)
					best[j] = best[j - 1], score[j] = score[j - 1];
				best[i] = *c, score[i] = r;
				break;
			}
	}
	if (best[0]) {
		fprintf(stderr, "\n\nInvalid choice: '%s', maybe you meant:\n\n", given);
		for (int i = 0; i < 3 && best[i]; i++)
			fprintf(stderr, "  * %s\n", best[i]);
	}
	fputc('\n', stderr);
	return AWS_EXIT_PARAM;
}
