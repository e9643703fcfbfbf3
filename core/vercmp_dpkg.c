/* Debian's version ordering (deb-version(7)): epochs numerically, then upstream and
 * revision by alternating non-digit and digit runs; in non-digit runs '~' sorts before
 * everything (even the end), letters before non-letters. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vercmp.h"

static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;
		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

struct ver {
	unsigned long epoch;  /* 0 when absent */
	char *upstream;       /* owned copy */
	const char *revision; /* into upstream's buffer, "" when absent */
};

static void parse(const char *s, struct ver *v)
{
	const char *colon = strchr(s, ':');
	v->epoch = colon ? strtoul(s, NULL, 10) : 0;
	v->upstream = strdup(colon ? colon + 1 : s);
	char *dash = strrchr(v->upstream, '-');
	if (dash) {
		*dash = '\0';
		v->revision = dash + 1;
	} else {
		v->revision = "";
	}
}

int ecr_vercmp_dpkg(const char *a, const char *b)
{
	struct ver x, y;
	int rc;
	parse(a, &x);
	parse(b, &y);
	if (x.epoch != y.epoch)
		rc = x.epoch > y.epoch ? 1 : -1;
	else if (!(rc = verrevcmp(x.upstream, y.upstream)))
		rc = verrevcmp(x.revision, y.revision);
	free(x.upstream);
	free(y.upstream);
	return rc;
}

ecr_vercmp_fn ecr_vercmp_for(const char *format)
{
	static const struct {
		const char *name;
		ecr_vercmp_fn fn;
	} table[] = {
		{"dpkg", ecr_vercmp_dpkg}, {"apk", ecr_vercmp_apk}, {"rpm", ecr_vercmp_rpm},
		{"pypi", ecr_vercmp_pypi}, {"npm", ecr_vercmp_npm}, {"go", ecr_vercmp_go},
		{"maven", ecr_vercmp_maven},
	};
	if (!format)
		return NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcasecmp(format, table[i].name))
			return table[i].fn;
	return NULL;
}
