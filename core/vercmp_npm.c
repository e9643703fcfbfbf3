/* npm version ordering (SemVer 2.0 as node-semver compares, read in its loose mode so that
 * "v1.2.3", "=1.2.3", " 1.2.3" and "1.2.3beta" are versions). The shared SemVer compare
 * lives here too, used by the Go ordering. A string that is no version sorts below every
 * version, such strings among themselves by bytes (node-semver throws instead; a sort
 * needs a total order). */
#include <ctype.h>
#include <string.h>

#include "semver.h"
#include "vercmp.h"

int ecr_semver_numcmp(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	int c = memcmp(a, b, an);
	return (c > 0) - (c < 0);
}

static int is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

const char *ecr_semver_idents(const char *s, const char *end, int numeric_strict)
{
	for (;;) {
		const char *st = s;
		int digits = 1;
		while (s < end && is_ident_char(*s)) {
			digits &= isdigit((unsigned char)*s) != 0;
			s++;
		}
		if (s == st)
			return NULL;
		if (numeric_strict && digits && s - st > 1 && *st == '0')
			return NULL;
		if (s == end || *s != '.')
			return s;
		s++;
	}
}

/* the next identifier of a pre-release list: [*p, *p+len) */
static size_t ident_len(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && *q != '.')
		q++;
	return (size_t)(q - p);
}

static int all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

static int identcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int ad = all_digits(a, an), bd = all_digits(b, bn);
	if (ad && bd) {
		while (an > 1 && *a == '0')
			a++, an--;
		while (bn > 1 && *b == '0')
			b++, bn--;
		return ecr_semver_numcmp(a, an, b, bn);
	}
	if (ad != bd)
		return ad ? -1 : 1;
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return (c > 0) - (c < 0);
	return an == bn ? 0 : an < bn ? -1 : 1;
}

int ecr_semver_cmp(const struct ecr_semver *a, const struct ecr_semver *b)
{
	for (int i = 0; i < 3; i++) {
		int c = ecr_semver_numcmp(a->num[i], a->numlen[i], b->num[i], b->numlen[i]);
		if (c)
			return c;
	}
	if (!a->pre || !b->pre)
		return a->pre ? -1 : b->pre ? 1 : 0;
	const char *p = a->pre, *pe = a->pre + a->prelen, *q = b->pre, *qe = b->pre + b->prelen;
	for (;;) {
		if (p >= pe || q >= qe)
			return p >= pe ? (q >= qe ? 0 : -1) : 1;
		size_t pl = ident_len(p, pe), ql = ident_len(q, qe);
		int c = identcmp(p, pl, q, ql);
		if (c)
			return c;
		p += pl + 1;
		q += ql + 1;
	}
}

/* [v=\s]* N.N.N (-?PRE)? (+BUILD)? with surrounding space, as node-semver's loose mode */
static int parse(const char *v, struct ecr_semver *o)
{
	const char *end = v + strlen(v);
	while (v < end && isspace((unsigned char)*v))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	while (v < end && (*v == 'v' || *v == '=' || isspace((unsigned char)*v)))
		v++;
	for (int i = 0; i < 3; i++) {
		if (i && (v >= end || *v++ != '.'))
			return 0;
		const char *st = v;
		while (v < end && isdigit((unsigned char)*v))
			v++;
		if (v == st)
			return 0;
		while (st + 1 < v && *st == '0')
			st++;
		o->num[i] = st;
		o->numlen[i] = (size_t)(v - st);
	}
	o->pre = NULL;
	o->prelen = 0;
	if (v < end && *v != '+') {
		if (*v == '-')
			v++;
		const char *st = v, *e = ecr_semver_idents(v, end, 0);
		if (!e)
			return 0;
		o->pre = st;
		o->prelen = (size_t)(e - st);
		v = e;
	}
	if (v < end && *v == '+') {
		v = ecr_semver_idents(v + 1, end, 0);
		if (!v)
			return 0;
	}
	return v == end;
}

int ecr_vercmp_npm(const char *a, const char *b)
{
	struct ecr_semver x, y;
	int vx = parse(a, &x), vy = parse(b, &y);
	if (!vx || !vy) {
		if (vx != vy)
			return vx ? 1 : -1;
		int c = strcmp(a, b);
		return (c > 0) - (c < 0);
	}
	return ecr_semver_cmp(&x, &y);
}
