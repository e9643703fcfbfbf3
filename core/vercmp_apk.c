/* apk-tools 2.x version ordering. A version is read as tokens: numbers (a number after
 * '.' with leading zeros compares as a fraction), single letters, suffixes
 * (_alpha _beta _pre _rc sort before "no suffix", _cvs _svn _git _hg _p after) each
 * with an optional number, and a revision -rN. */
#include <ctype.h>
#include <string.h>

#include "vercmp.h"

enum tok { T_INVALID = -1, T_DIGIT_OR_ZERO, T_DIGIT, T_LETTER, T_SUFFIX, T_SUFFIX_NO, T_REVISION_NO, T_END };

struct cur {
	const char *p;  /* next character */
	size_t len;     /* characters left */
};

/* Decides what the next token is from the separator after the current one. */
static void next_token(int *type, struct cur *c)
{
	int n = T_INVALID;
	if (!c->len || !c->p[0]) {
		n = T_END;
	} else if ((*type == T_DIGIT || *type == T_DIGIT_OR_ZERO) && islower((unsigned char)c->p[0])) {
		n = T_LETTER;
	} else if (*type == T_LETTER && isdigit((unsigned char)c->p[0])) {
		n = T_DIGIT;
	} else if (*type == T_SUFFIX && isdigit((unsigned char)c->p[0])) {
		n = T_SUFFIX_NO;
	} else {
		switch (c->p[0]) {
		case '.':
			n = T_DIGIT_OR_ZERO;
			break;
		case '_':
			n = T_SUFFIX;
			break;
		case '-':
			if (c->len > 1 && c->p[1] == 'r') {
				n = T_REVISION_NO;
				c->p++;
				c->len--;
			}
			break;
		}
		c->p++;
		c->len--;
	}
	/* tokens only move forward, with three allowed steps back */
	if (n < *type && !((n == T_DIGIT_OR_ZERO && *type == T_DIGIT) ||
			   (n == T_SUFFIX && *type == T_SUFFIX_NO) || (n == T_DIGIT && *type == T_LETTER)))
		n = T_INVALID;
	*type = n;
}

static long get_token(int *type, struct cur *c)
{
	static const char *const pre[] = {"alpha", "beta", "pre", "rc"};
	static const char *const post[] = {"cvs", "svn", "git", "hg", "p"};
	long v = 0;
	size_t i = 0;
	int nt = T_INVALID;
	if (!c->len) {
		*type = T_END;
		return 0;
	}
	switch (*type) {
	case T_DIGIT_OR_ZERO:
		if (c->p[0] == '0') {
			while (i < c->len && c->p[i] == '0')
				i++;
			/* more digits after the zeros are their own DIGIT token */
			if (i < c->len && isdigit((unsigned char)c->p[i]))
				nt = T_DIGIT;
			v = -(long)i;
			break;
		}
		__attribute__((fallthrough));
	case T_DIGIT:
	case T_SUFFIX_NO:
	case T_REVISION_NO:
		while (i < c->len && isdigit((unsigned char)c->p[i]) && v < 100000000000L)
			v = v * 10 + (c->p[i++] - '0');
		break;
	case T_LETTER:
		v = (unsigned char)c->p[i++];
		break;
	case T_SUFFIX: {
		size_t k;
		for (k = 0; k < 4; k++) {
			i = strlen(pre[k]);
			if (i <= c->len && !strncmp(pre[k], c->p, i))
				break;
		}
		if (k < 4) {
			if (i < c->len && isdigit((unsigned char)c->p[i]))
				nt = T_SUFFIX_NO;
			v = (long)k - 4;
			break;
		}
		for (k = 0; k < 5; k++) {
			i = strlen(post[k]);
			if (i <= c->len && !strncmp(post[k], c->p, i))
				break;
		}
		if (k < 5) {
			if (i < c->len && isdigit((unsigned char)c->p[i]))
				nt = T_SUFFIX_NO;
			v = (long)k;
			break;
		}
	}
		__attribute__((fallthrough)); /* an unknown suffix */
	default:
		*type = T_INVALID;
		return -1;
	}
	c->p += i;
	c->len -= i;
	if (!c->len)
		*type = T_END;
	else if (nt != T_INVALID)
		*type = nt;
	else
		next_token(type, c);
	return v;
}

int ecr_vercmp_apk(const char *a, const char *b)
{
	struct cur x = {a, strlen(a)}, y = {b, strlen(b)};
	int at = T_DIGIT, bt = T_DIGIT, tt;
	long av = 0, bv = 0;
	/* a number after ".0" and a number after ".06" are both numbers: keep going */
#define NUMERIC(t) ((t) == T_DIGIT || (t) == T_DIGIT_OR_ZERO)
	while ((at == bt || (NUMERIC(at) && NUMERIC(bt))) && at != T_END && at != T_INVALID && av == bv) {
		av = get_token(&at, &x);
		bv = get_token(&bt, &y);
	}
	if (at == T_INVALID || bt == T_INVALID) {
		/* apk cannot order it: a plain string comparison decides */
		int c = strcmp(a, b);
		return c < 0 ? -1 : c > 0;
	}
	if (av < bv)
		return -1;
	if (av > bv)
		return 1;
	if (at == bt)
		return 0;
	/* equal so far: the longer one is greater, unless what follows is a pre-release */
	tt = at;
	if (at == T_SUFFIX && get_token(&tt, &x) < 0)
		return -1;
	tt = bt;
	if (bt == T_SUFFIX && get_token(&tt, &y) < 0)
		return 1;
	if (at > bt)
		return -1;
	if (bt > at)
		return 1;
	return 0;
}
