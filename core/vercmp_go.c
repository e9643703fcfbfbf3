/* Go module version ordering (golang.org/x/mod/semver). vMAJOR[.MINOR[.PATCH]], the short
 * forms meaning .0; a pre-release or build suffix only after all three numbers; no
 * leading zeros in numbers or numeric pre-release identifiers; build metadata, such as
 * "+incompatible", is ignored. Pseudo-versions (v0.0.0-20220906165146-f3363e06e74c,
 * vX.Y.Z-0.2022…, vX.Y.Z-pre.0.2022…) are pre-releases and so order as Go orders them.
 * The leading "v" may be left out, as OSV's Go records spell versions (and the toolchain
 * "1.19.8"). Invalid versions are all equal and below every valid one, as x/mod says. */
#include <ctype.h>
#include <string.h>

#include "semver.h"
#include "vercmp.h"

static int parse(const char *v, struct ecr_semver *o)
{
	const char *end = v + strlen(v);
	if (v < end && *v == 'v')
		v++;
	static const char zero[] = "0";
	int i;
	for (i = 0; i < 3; i++) {
		if (i) {
			if (v == end)
				break; /* v1, v1.2: shorthands */
			if (*v != '.')
				break;
			v++;
		}
		const char *st = v;
		while (v < end && isdigit((unsigned char)*v))
			v++;
		if (v == st || (v - st > 1 && *st == '0'))
			return 0;
		o->num[i] = st;
		o->numlen[i] = (size_t)(v - st);
	}
	int shorthand = i < 3;
	for (; i < 3; i++) {
		o->num[i] = zero;
		o->numlen[i] = 1;
	}
	/* "0" is one digit: numbers compare by length then digits */
	for (i = 0; i < 3; i++)
		if (o->numlen[i] == 1 && *o->num[i] == '0')
			o->num[i] = zero;
	o->pre = NULL;
	o->prelen = 0;
	if (v < end && *v == '-') {
		if (shorthand)
			return 0;
		const char *st = v + 1, *e = ecr_semver_idents(st, end, 1);
		if (!e)
			return 0;
		o->pre = st;
		o->prelen = (size_t)(e - st);
		v = e;
	}
	if (v < end && *v == '+') {
		if (shorthand)
			return 0;
		v = ecr_semver_idents(v + 1, end, 0);
		if (!v)
			return 0;
	}
	return v == end;
}

int ecr_vercmp_go(const char *a, const char *b)
{
	struct ecr_semver x, y;
	int vx = parse(a, &x), vy = parse(b, &y);
	if (!vx || !vy)
		return vx - vy;
	return ecr_semver_cmp(&x, &y);
}
