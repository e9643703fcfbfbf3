/* Maven version ordering (ComparableVersion, Maven 4 rules). The lower-cased version is
 * split into a tree: '.' separates items of one list, '-' (and a letter run after a
 * number) opens a sub-list, a letter run followed by digits ("alpha1", "rc-2") is one
 * combination item. Items are numbers, qualifiers and lists; qualifiers rank
 * alpha < beta < milestone < rc=cr < snapshot < ""=ga=final=release < sp < any other
 * (those lexically), "a1"/"b1"/"m1" meaning alpha/beta/milestone. Trailing null items
 * (0, "", empty lists) drop out, so 1 = 1.0 = 1-0. Differences from the Java code,
 * kept on purpose: only ASCII digits are digits (Java's Character.isDigit lets an
 * Arabic-Indic digit after '-' start a number), lower-casing covers ASCII and Latin-1,
 * and a version longer than MAX_LEN bytes (Maven refuses those) is compared by bytes
 * after all valid ones. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vercmp.h"

#define MAX_LEN 256

enum kind { K_INT, K_STR, K_COMB, K_LIST };

struct item {
	enum kind kind;
	const char *s; /* K_INT: digits, no leading zeros ("" = 0); K_STR, K_COMB: qualifier */
	size_t n;
	struct item *digit; /* K_COMB: the number part */
	struct item **kids; /* K_LIST */
	size_t nkids;
};

/* all memory of one parsed version */
struct tree {
	struct item items[3 * MAX_LEN + 8];  /* per byte at most an item, a list and a number */
	struct item *slots[3 * MAX_LEN + 8]; /* children arrays, carved in order */
	size_t nitems, nslots;
	char low[MAX_LEN + 1];
	struct item *lists[MAX_LEN + 2];
	size_t nlists;
};

static struct item *new_item(struct tree *t, enum kind k)
{
	struct item *it = &t->items[t->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = k;
	return it;
}

/* lists take children one at a time and only the newest list grows, so each list's
 * children are contiguous in slots while it is the current list; a parent's list is
 * finished (its last child is the new sub-list) before the sub-list gets its own */
static void add(struct tree *t, struct item *list, struct item *it)
{
	if (!list->kids)
		list->kids = &t->slots[t->nslots];
	list->kids[list->nkids++] = it;
	t->nslots++;
}

static struct item *new_list(struct tree *t)
{
	struct item *l = new_item(t, K_LIST);
	t->lists[t->nlists++] = l;
	return l;
}

static const char *const QUALS[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};

/* rank of a qualifier: 0..6 for the known ones, 7 for others (then compared lexically) */
static int rank(const char *s, size_t n)
{
	if ((n == 2 && !memcmp(s, "ga", 2)) || (n == 5 && !memcmp(s, "final", 5)) ||
	    (n == 7 && !memcmp(s, "release", 7)))
		return 5;
	for (int i = 0; i < 7; i++)
		if (strlen(QUALS[i]) == n && !memcmp(QUALS[i], s, n))
			return i;
	return 7;
}

static void set_qualifier(struct item *it, const char *s, size_t n, int followed_by_digit)
{
	if (followed_by_digit && n == 1) {
		if (*s == 'a')
			s = "alpha", n = 5;
		else if (*s == 'b')
			s = "beta", n = 4;
		else if (*s == 'm')
			s = "milestone", n = 9;
	}
	if (n == 2 && !memcmp(s, "cr", 2))
		s = "rc";
	it->s = s;
	it->n = n;
}

static struct item *number(struct tree *t, const char *s, size_t n)
{
	struct item *it = new_item(t, K_INT);
	while (n && *s == '0')
		s++, n--;
	it->s = s;
	it->n = n;
	return it;
}

/* a letter run followed by digits, hyphens taken out ("rc-1" is "rc1") */
static struct item *combination(struct tree *t, const char *s, size_t n)
{
	struct item *it = new_item(t, K_COMB);
	size_t i = 0;
	while (i < n && !isdigit((unsigned char)s[i]))
		i++;
	size_t sl = i;
	while (sl && s[sl - 1] == '-')
		sl--;
	set_qualifier(it, s, sl, 1);
	it->digit = number(t, s + i, n - i);
	return it;
}

static struct item *parse_item(struct tree *t, int comb, int digit, const char *s, size_t n)
{
	if (comb)
		return combination(t, s, n);
	if (digit)
		return number(t, s, n);
	struct item *it = new_item(t, K_STR);
	set_qualifier(it, s, n, 0);
	return it;
}

static int is_null(const struct item *it)
{
	return it->kind == K_COMB ? 0 : it->kind == K_LIST ? it->nkids == 0 : it->n == 0;
}

static void normalize(struct item *l)
{
	for (size_t i = l->nkids; i-- > 0;) {
		if (!is_null(l->kids[i]))
			continue;
		int drop = i == l->nkids - 1 || l->kids[i + 1]->kind == K_STR;
		if (!drop && l->kids[i + 1]->kind == K_LIST && l->kids[i + 1]->nkids) {
			enum kind k = l->kids[i + 1]->kids[0]->kind;
			drop = k == K_COMB || k == K_STR;
		}
		if (drop) {
			memmove(&l->kids[i], &l->kids[i + 1], (l->nkids - i - 1) * sizeof(*l->kids));
			l->nkids--;
		}
	}
	/* a list left holding one list is that list (no extra nesting) */
	if (l->nkids == 1 && l->kids[0]->kind == K_LIST) {
		struct item *in = l->kids[0];
		l->kids = in->kids;
		l->nkids = in->nkids;
	}
}

static void lower(const char *v, char *out)
{
	const unsigned char *p = (const unsigned char *)v;
	char *o = out;
	for (; *p; p++) {
		if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e && p[1] != 0x97) {
			*o++ = (char)p[0];
			*o++ = (char)(p[1] + 0x20); /* Latin-1 capitals, UTF-8 */
			p++;
		} else {
			*o++ = (char)tolower(*p);
		}
	}
	*o = '\0';
}

static struct item *parse(struct tree *t, const char *v)
{
	t->nitems = t->nslots = t->nlists = 0;
	lower(v, t->low);
	const char *s = t->low;
	size_t len = strlen(s);
	struct item *root = new_list(t), *list = root;
	int digit = 0, comb = 0;
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (i == start)
				add(t, list, number(t, "", 0));
			else
				add(t, list, parse_item(t, comb, digit, s + start, i - start));
			comb = 0;
			start = i + 1;
		} else if (c == '-') {
			if (i == start) {
				add(t, list, number(t, "", 0));
			} else {
				/* X-1 is read as X1 */
				if (!digit && i != len - 1 && isdigit((unsigned char)s[i + 1])) {
					comb = 1;
					continue;
				}
				add(t, list, parse_item(t, comb, digit, s + start, i - start));
			}
			start = i + 1;
			if (list->nkids) {
				struct item *l = new_list(t);
				add(t, list, l);
				list = l;
			}
			comb = 0;
		} else if (isdigit((unsigned char)c)) {
			if (!digit && i > start) {
				comb = 1; /* X1 */
				if (list->nkids) {
					struct item *l = new_list(t);
					add(t, list, l);
					list = l;
				}
			}
			digit = 1;
		} else {
			if (digit && i > start) {
				add(t, list, parse_item(t, comb, 1, s + start, i - start));
				start = i;
				struct item *l = new_list(t);
				add(t, list, l);
				list = l;
				comb = 0;
			}
			digit = 0;
		}
	}
	if (len > start) {
		/* .X reads as -X for a qualifier X: 1.0.0.X1 < 1.0.0-X2 */
		if (!digit && list->nkids) {
			struct item *l = new_list(t);
			add(t, list, l);
			list = l;
		}
		add(t, list, parse_item(t, comb, digit, s + start, len - start));
	}
	for (size_t i = t->nlists; i-- > 0;)
		normalize(t->lists[i]);
	return root;
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

static int qualcmp(const struct item *a, const struct item *b)
{
	int ra = rank(a->s, a->n), rb = rank(b->s, b->n);
	if (ra != rb || ra != 7)
		return sign(ra - rb);
	int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
	return c ? sign(c) : a->n == b->n ? 0 : a->n < b->n ? -1 : 1;
}

static int numcmp(const struct item *a, const struct item *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return sign(memcmp(a->s, b->s, a->n));
}

static int cmp(const struct item *a, const struct item *b, int depth);

/* a string item as a list of one, for the list comparisons */
static int str_vs_null(const struct item *a)
{
	int r = rank(a->s, a->n);
	return sign(r - 5);
}

static int cmp(const struct item *a, const struct item *b, int depth)
{
	if (depth > MAX_LEN + 8)
		return 0; /* cannot happen: nesting is bounded by the length */
	if (!b) {
		switch (a->kind) {
		case K_INT:
			return a->n != 0;
		case K_STR:
			return str_vs_null(a);
		case K_COMB: {
			int r = str_vs_null(a);
			return r ? r : cmp(a->digit, NULL, depth + 1);
		}
		case K_LIST:
			for (size_t i = 0; i < a->nkids; i++) {
				int r = cmp(a->kids[i], NULL, depth + 1);
				if (r)
					return r;
			}
			return 0;
		}
	}
	switch (a->kind) {
	case K_INT:
		return b->kind == K_INT ? numcmp(a, b) : 1;
	case K_STR:
		switch (b->kind) {
		case K_INT:
			return -1;
		case K_STR:
			return qualcmp(a, b);
		case K_COMB: {
			int r = qualcmp(a, b);
			if (r)
				return r;
			return str_vs_null(a) == 0 ? -cmp(b->digit, NULL, depth + 1) : -1;
		}
		case K_LIST:
			return -cmp(b, a, depth + 1);
		}
		break;
	case K_COMB:
		switch (b->kind) {
		case K_INT:
			return -1;
		case K_STR: {
			int r = qualcmp(a, b);
			if (r)
				return r;
			return str_vs_null(a) == 0 ? cmp(a->digit, NULL, depth + 1) : 1;
		}
		case K_COMB: {
			int r = qualcmp(a, b);
			return r ? r : cmp(a->digit, b->digit, depth + 1);
		}
		case K_LIST:
			return -cmp(b, a, depth + 1);
		}
		break;
	case K_LIST:
		switch (b->kind) {
		case K_INT:
			return -1;
		case K_STR:
		case K_COMB: {
			int r = a->nkids ? cmp(a->kids[0], b, depth + 1) : -cmp(b, NULL, depth + 1);
			for (size_t i = 1; !r && i < a->nkids; i++)
				r = cmp(a->kids[i], NULL, depth + 1);
			return r;
		}
		case K_LIST:
			for (size_t i = 0; i < a->nkids || i < b->nkids; i++) {
				const struct item *l = i < a->nkids ? a->kids[i] : NULL;
				const struct item *r = i < b->nkids ? b->kids[i] : NULL;
				int c = l ? cmp(l, r, depth + 1) : -cmp(r, NULL, depth + 1);
				if (c)
					return c;
			}
			return 0;
		}
	}
	return 0;
}

int ecr_vercmp_maven(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* Latin-1 lower-casing keeps the length, so the buffers fit */
	if (la > MAX_LEN || lb > MAX_LEN) {
		if ((la > MAX_LEN) != (lb > MAX_LEN))
			return la > MAX_LEN ? 1 : -1;
		return sign(strcmp(a, b));
	}
	struct tree *x = malloc(sizeof(*x)), *y = malloc(sizeof(*y));
	int c = 0;
	if (x && y)
		c = cmp(parse(x, a), parse(y, b), 0);
	free(x);
	free(y);
	return c;
}
