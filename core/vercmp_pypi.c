/* PyPI version ordering (PEP 440, as pypa/packaging compares versions). A version is
 * read into epoch, release, pre-release, post-release, dev-release and local parts;
 * the spellings PEP 440 normalises (alpha/a, beta/b, c/pre/preview/rc, r/rev/post,
 * "-N" posts, optional separators, any case, leading "v", leading zeros) read the same.
 * Numbers are compared as digit strings, so no length overflows. A string that is not
 * PEP 440 sorts below every valid version, and such strings among themselves by bytes
 * (the fallback keeps the order total, as a sort needs). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "vercmp.h"

/* a number: its digits without leading zeros ("" is zero) */
struct num {
	const char *p;
	size_t n;
};

#define MAX_RELEASE 64
#define MAX_LOCAL 64

struct pep440 {
	struct num epoch;
	struct num release[MAX_RELEASE];
	size_t nrelease;
	int pre;  /* 0 none, 1 a, 2 b, 3 rc */
	struct num pre_n;
	int has_post, has_dev;
	struct num post_n, dev_n;
	const char *local[MAX_LOCAL]; /* segment starts; each ends at a separator or the end */
	size_t local_len[MAX_LOCAL];
	size_t nlocal;
	int has_local;
};

static int numcmp(struct num a, struct num b)
{
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	int c = memcmp(a.p, b.p, a.n);
	return (c > 0) - (c < 0);
}

/* reads [0-9]+ at *s; 0 when there is none */
static int read_num(const char **s, const char *end, struct num *out)
{
	const char *p = *s;
	if (p >= end || !isdigit((unsigned char)*p))
		return 0;
	while (p < end && isdigit((unsigned char)*p))
		p++;
	const char *q = *s;
	while (q < p && *q == '0')
		q++;
	out->p = q;
	out->n = (size_t)(p - q);
	*s = p;
	return 1;
}

static int is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

/* a label from a list at *s (case-insensitive, first listed wins, as the regex tries) */
static int read_label(const char **s, const char *end, const char *const *labels, const int *values, int *out)
{
	for (int i = 0; labels[i]; i++) {
		size_t l = strlen(labels[i]);
		if ((size_t)(end - *s) >= l && !strncasecmp(*s, labels[i], l)) {
			*s += l;
			*out = values[i];
			return 1;
		}
	}
	return 0;
}

/* [-_.]? LABEL [-_.]? [0-9]*: the shape of pre, post (lettered) and dev parts */
static int read_part(const char **s, const char *end, const char *const *labels, const int *values, int *label,
		     struct num *n)
{
	const char *p = *s;
	if (p < end && is_sep(*p))
		p++;
	if (!read_label(&p, end, labels, values, label))
		return 0;
	/* the separator is taken even with no number after it, as the regex takes it */
	if (p < end && is_sep(*p))
		p++;
	n->p = "";
	n->n = 0;
	read_num(&p, end, n);
	*s = p;
	return 1;
}

static int parse(const char *v, struct pep440 *o)
{
	static const char *const pre_l[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc", NULL};
	static const int pre_v[] = {1, 1, 2, 2, 3, 3, 3, 3};
	static const char *const post_l[] = {"post", "rev", "r", NULL};
	static const char *const dev_l[] = {"dev", NULL};
	static const int one[] = {1, 1, 1};
	memset(o, 0, sizeof(*o));
	o->epoch.p = o->pre_n.p = o->post_n.p = o->dev_n.p = "";
	const char *end = v + strlen(v);
	while (v < end && isspace((unsigned char)*v))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	if (v < end && (*v == 'v' || *v == 'V'))
		v++;
	const char *s = v;
	struct num n;
	if (!read_num(&s, end, &n))
		return 0;
	if (s < end && *s == '!') {
		o->epoch = n;
		s++;
		if (!read_num(&s, end, &n))
			return 0;
	}
	o->release[o->nrelease++] = n;
	while (s + 1 < end && *s == '.' && isdigit((unsigned char)s[1])) {
		s++;
		read_num(&s, end, &n);
		if (o->nrelease == MAX_RELEASE)
			return 0;
		o->release[o->nrelease++] = n;
	}
	int label;
	if (read_part(&s, end, pre_l, pre_v, &label, &o->pre_n))
		o->pre = label;
	/* post: "-N", or [-_.]? post|rev|r [-_.]? N? */
	const char *t = s;
	if (t < end && *t == '-' && read_num(&(const char *){t + 1}, end, &n)) {
		t++;
		read_num(&t, end, &o->post_n);
		o->has_post = 1;
		s = t;
	} else if (read_part(&s, end, post_l, one, &label, &o->post_n)) {
		o->has_post = 1;
	}
	if (read_part(&s, end, dev_l, one, &label, &o->dev_n))
		o->has_dev = 1;
	if (s < end && *s == '+') {
		s++;
		o->has_local = 1;
		for (;;) {
			const char *st = s;
			while (s < end && isalnum((unsigned char)*s))
				s++;
			if (s == st || o->nlocal == MAX_LOCAL)
				return 0;
			o->local[o->nlocal] = st;
			o->local_len[o->nlocal++] = (size_t)(s - st);
			if (s == end)
				break;
			if (!is_sep(*s))
				return 0;
			s++;
		}
	}
	return s == end;
}

static int all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

/* local segments: numeric ones numerically and above alphanumeric ones, those
 * lexically ignoring case; a shorter list that is a prefix sorts first */
static int localcmp(const struct pep440 *a, const struct pep440 *b)
{
	if (a->has_local != b->has_local)
		return a->has_local ? 1 : -1;
	for (size_t i = 0; i < a->nlocal && i < b->nlocal; i++) {
		int an = all_digits(a->local[i], a->local_len[i]), bn = all_digits(b->local[i], b->local_len[i]);
		int c;
		if (an && bn) {
			struct num x = {a->local[i], a->local_len[i]}, y = {b->local[i], b->local_len[i]};
			while (x.n && *x.p == '0')
				x.p++, x.n--;
			while (y.n && *y.p == '0')
				y.p++, y.n--;
			c = numcmp(x, y);
		} else if (an != bn) {
			c = an ? 1 : -1;
		} else {
			size_t l = a->local_len[i] < b->local_len[i] ? a->local_len[i] : b->local_len[i];
			c = strncasecmp(a->local[i], b->local[i], l);
			if (!c && a->local_len[i] != b->local_len[i])
				c = a->local_len[i] < b->local_len[i] ? -1 : 1;
		}
		if (c)
			return (c > 0) - (c < 0);
	}
	if (a->nlocal != b->nlocal)
		return a->nlocal < b->nlocal ? -1 : 1;
	return 0;
}

/* pre-release rank: a version with only a dev part sorts before all its pre-releases;
 * none sorts after them */
static int pre_rank(const struct pep440 *v)
{
	if (!v->pre && !v->has_post && v->has_dev)
		return -1;
	return v->pre ? v->pre : 4;
}

int ecr_vercmp_pypi(const char *a, const char *b)
{
	static struct num zero = {"", 0};
	struct pep440 x, y;
	int vx = parse(a, &x), vy = parse(b, &y);
	if (!vx || !vy) {
		if (vx != vy)
			return vx ? 1 : -1;
		int c = strcmp(a, b);
		return (c > 0) - (c < 0);
	}
	int c = numcmp(x.epoch, y.epoch);
	if (c)
		return c;
	/* trailing zeros do not count: 1.0 = 1 */
	for (size_t i = 0; i < x.nrelease || i < y.nrelease; i++) {
		c = numcmp(i < x.nrelease ? x.release[i] : zero, i < y.nrelease ? y.release[i] : zero);
		if (c)
			return c;
	}
	int px = pre_rank(&x), py = pre_rank(&y);
	if (px != py)
		return px < py ? -1 : 1;
	if (x.pre && (c = numcmp(x.pre_n, y.pre_n)))
		return c;
	if (x.has_post != y.has_post)
		return x.has_post ? 1 : -1;
	if ((c = numcmp(x.post_n, y.post_n)))
		return c;
	if (x.has_dev != y.has_dev)
		return x.has_dev ? -1 : 1;
	if ((c = numcmp(x.dev_n, y.dev_n)))
		return c;
	return localcmp(&x, &y);
}

/* PEP 503: lower case, each run of '-', '_' and '.' one '-'. out has len(name)+1 bytes. */
void ecr_pypi_normalize(const char *name, char *out)
{
	char *o = out;
	for (const char *p = name; *p; p++) {
		if (is_sep(*p)) {
			if (o == out || o[-1] != '-')
				*o++ = '-';
		} else {
			*o++ = (char)tolower((unsigned char)*p);
		}
	}
	*o = '\0';
}
