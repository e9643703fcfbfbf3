/* rpm's ordering: epoch numerically (absent = 0), then version, then release, each by
 * rpmvercmp: alphanumeric segments, numbers numerically (longer wins after leading
 * zeros), letters by strcmp, a number beats letters, '~' sorts before everything and
 * '^' after the end but before anything else. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vercmp.h"

static int rpmvercmp(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 0;
	const char *one = a, *two = b;
	while (*one || *two) {
		while (*one && !isalnum((unsigned char)*one) && *one != '~' && *one != '^')
			one++;
		while (*two && !isalnum((unsigned char)*two) && *two != '~' && *two != '^')
			two++;
		if (*one == '~' || *two == '~') {
			if (*one != '~')
				return 1;
			if (*two != '~')
				return -1;
			one++, two++;
			continue;
		}
		if (*one == '^' || *two == '^') {
			if (!*one)
				return -1;
			if (!*two)
				return 1;
			if (*one != '^')
				return 1;
			if (*two != '^')
				return -1;
			one++, two++;
			continue;
		}
		if (!(*one && *two))
			break;
		const char *s1 = one, *s2 = two;
		int isnum = isdigit((unsigned char)*s1);
		if (isnum) {
			while (isdigit((unsigned char)*s1))
				s1++;
			while (isdigit((unsigned char)*s2))
				s2++;
		} else {
			while (isalpha((unsigned char)*s1))
				s1++;
			while (isalpha((unsigned char)*s2))
				s2++;
		}
		if (two == s2)
			return isnum ? 1 : -1;
		if (isnum) {
			while (*one == '0' && one < s1)
				one++;
			while (*two == '0' && two < s2)
				two++;
			if (s1 - one > s2 - two)
				return 1;
			if (s2 - two > s1 - one)
				return -1;
		}
		size_t l1 = (size_t)(s1 - one), l2 = (size_t)(s2 - two);
		int rc = strncmp(one, two, l1 < l2 ? l1 : l2);
		if (!rc && l1 != l2)
			rc = l1 < l2 ? -1 : 1;
		if (rc)
			return rc < 0 ? -1 : 1;
		one = s1;
		two = s2;
	}
	if (!*one && !*two)
		return 0;
	return !*one ? -1 : 1;
}

struct evr {
	long epoch;        /* 0 when absent */
	char *buf;         /* owned copy of version-release */
	const char *ver;   /* version */
	const char *rel;   /* release, "" when absent */
};

static void parse(const char *s, struct evr *e)
{
	const char *colon = strchr(s, ':');
	e->epoch = 0;
	if (colon) {
		int digits = 1;
		for (const char *p = s; p < colon; p++)
			digits &= isdigit((unsigned char)*p) != 0;
		if (digits) {
			e->epoch = strtol(s, NULL, 10);
			s = colon + 1;
		}
	}
	e->buf = strdup(s);
	char *dash = strrchr(e->buf, '-');
	e->ver = e->buf;
	e->rel = "";
	if (dash) {
		*dash = '\0';
		e->rel = dash + 1;
	}
}

int ecr_vercmp_rpm(const char *a, const char *b)
{
	struct evr x, y;
	int rc;
	parse(a, &x);
	parse(b, &y);
	if (x.epoch != y.epoch)
		rc = x.epoch < y.epoch ? -1 : 1;
	else if (!(rc = rpmvercmp(x.ver, y.ver)))
		rc = rpmvercmp(x.rel, y.rel);
	free(x.buf);
	free(y.buf);
	return rc;
}
