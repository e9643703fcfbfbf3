/* SemVer 2.0 pieces shared by the npm and Go orderings (core-internal). */
#ifndef ECR_SEMVER_H
#define ECR_SEMVER_H
#include <stddef.h>

struct ecr_semver {
	const char *num[3]; /* major, minor, patch digits without leading zeros */
	size_t numlen[3];
	const char *pre; /* pre-release identifiers, without the '-'; NULL when none */
	size_t prelen;
};

/* compares two digit strings without leading zeros */
int ecr_semver_numcmp(const char *a, size_t an, const char *b, size_t bn);
/* SemVer §11: major, minor, patch; a pre-release below the release; identifiers left to
 * right, numeric ones numerically and below alphanumeric ones (ASCII order); more
 * identifiers win when all before are equal. Build metadata is not part of it. */
int ecr_semver_cmp(const struct ecr_semver *a, const struct ecr_semver *b);
/* reads dot-separated [0-9A-Za-z-]+ identifiers at s (up to end or a '+');
 * numeric_strict refuses numeric identifiers with leading zeros. Returns the end, or
 * NULL when the text is not identifiers. */
const char *ecr_semver_idents(const char *s, const char *end, int numeric_strict);

#endif
