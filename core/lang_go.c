/* Go executables: the build info the linker writes (Go >= 1.18's pointer-free form).
 * Header, 32 bytes at a 16-aligned file offset: "\xff Go buildinf:", pointer size,
 * flags (bit 1: pointer-free); then two strings, each an unsigned LEB128 length and
 * bytes: the toolchain version ("go1.19.8") and the module info, framed by 16-byte
 * sentinels, lines "path\tP", "mod\tM\tV[\tSUM]", "dep\tM\tV[\tSUM]" and "=>\tM\tV\tSUM"
 * (replaces the line before). Found while the file streams by: the ELF program headers
 * come first and say which file ranges are writable data (PT_LOAD, W, not X), where the
 * linker puts .go.buildinfo; a magic anywhere else (the toolchain's own copy of the
 * string in read-only data) is not build info. Nothing is executed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"

static const unsigned char MAGIC[14] = "\xff Go buildinf:";

void ecr_goscan_init(struct ecr_goscan *g)
{
	memset(g, 0, sizeof(*g));
}

static unsigned long long rd(const unsigned char *p, int size, int be)
{
	unsigned long long v = 0;
	for (int i = 0; i < size; i++)
		v |= (unsigned long long)p[be ? size - 1 - i : i] << (8 * i);
	return v;
}

/* 1 once the ELF header and program headers are read (segments known), 0 when more
 * bytes are needed, -1 when this is not an ELF file we read */
static int read_elf(struct ecr_goscan *g)
{
	const unsigned char *h = g->head;
	if (g->headlen < 64)
		return g->headlen >= 4 && memcmp(h, "\x7f" "ELF", 4) ? -1 : 0;
	if (memcmp(h, "\x7f" "ELF", 4) || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2))
		return -1;
	int is64 = h[4] == 2, be = h[5] == 2;
	unsigned long long phoff = is64 ? rd(h + 32, 8, be) : rd(h + 28, 4, be);
	unsigned phentsize = (unsigned)(is64 ? rd(h + 54, 2, be) : rd(h + 42, 2, be));
	unsigned phnum = (unsigned)(is64 ? rd(h + 56, 2, be) : rd(h + 44, 2, be));
	/* each term bounded first: a phoff near 2^64 must not wrap the sum below the cap */
	if (phentsize < (is64 ? 56u : 32u) || phnum == 0 || phoff > sizeof(g->head) ||
	    phoff + (unsigned long long)phentsize * phnum > sizeof(g->head)) {
		snprintf(g->why, sizeof(g->why), "ELF program headers outside the first %zu bytes", sizeof(g->head));
		return -1;
	}
	if (g->headlen < phoff + (unsigned long long)phentsize * phnum)
		return 0;
	for (unsigned i = 0; i < phnum && g->nseg < 8; i++) {
		const unsigned char *ph = h + phoff + (unsigned long long)i * phentsize;
		unsigned type = (unsigned)rd(ph, 4, be);
		unsigned flags = (unsigned)(is64 ? rd(ph + 4, 4, be) : rd(ph + 24, 4, be));
		unsigned long long off = is64 ? rd(ph + 8, 8, be) : rd(ph + 4, 4, be);
		unsigned long long sz = is64 ? rd(ph + 32, 8, be) : rd(ph + 16, 4, be);
		if (type == 1 && (flags & 2) && !(flags & 1) && sz) {
			g->seg_lo[g->nseg] = off;
			g->seg_hi[g->nseg++] = off + sz < off ? ~0ULL : off + sz; /* no wrap past 2^64 */
		}
	}
	return g->nseg ? 1 : -1;
}

static int in_data(const struct ecr_goscan *g, unsigned long long pos)
{
	for (int i = 0; i < g->nseg; i++)
		if (pos >= g->seg_lo[i] && pos < g->seg_hi[i])
			return 1;
	return 0;
}

/* reads a LEB128 varint at info[*at]; 0 when incomplete, -1 when too long */
static int varint(const struct ecr_goscan *g, size_t *at, unsigned long long *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*at >= g->infolen)
			return 0;
		unsigned char b = g->info[(*at)++];
		*v |= (unsigned long long)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 1;
	}
	return -1;
}

/* whether the collected bytes hold both strings (1), need more (0), or are bad (-1) */
static int complete(struct ecr_goscan *g)
{
	if (g->infolen < 32)
		return 0;
	if (!(g->info[15] & 2)) {
		snprintf(g->why, sizeof(g->why), "Go build info in the pre-1.18 pointer form, not read");
		return -1;
	}
	size_t at = 32;
	for (int i = 0; i < 2; i++) {
		unsigned long long len;
		int r = varint(g, &at, &len);
		if (r <= 0) {
			if (r < 0)
				snprintf(g->why, sizeof(g->why), "Go build info length is not a number");
			return r;
		}
		if (len > ECR_LANG_MODINFO_MAX) {
			snprintf(g->why, sizeof(g->why), "Go build info string of %llu bytes, over the %u MiB cap", len,
				 ECR_LANG_MODINFO_MAX >> 20);
			return -1;
		}
		if (g->infolen - at < len)
			return 0;
		at += (size_t)len;
	}
	return 1;
}

static void collect(struct ecr_goscan *g, const unsigned char *p, size_t n)
{
	size_t cap = 32 + 2 * (10 + ECR_LANG_MODINFO_MAX);
	if (g->infolen + n > cap)
		n = cap - g->infolen;
	if (g->infolen + n > g->infocap) {
		size_t nc = g->infocap ? g->infocap : 4096;
		while (nc < g->infolen + n)
			nc *= 2;
		unsigned char *q = realloc(g->info, nc);
		if (!q) {
			snprintf(g->why, sizeof(g->why), "out of memory reading Go build info");
			g->state = 2;
			return;
		}
		g->info = q;
		g->infocap = nc;
	}
	memcpy(g->info + g->infolen, p, n);
	g->infolen += n;
	int r = complete(g);
	if (r)
		g->state = 2;
}

static int scan(struct ecr_goscan *g, const unsigned char *p, size_t n);

int ecr_goscan_feed(struct ecr_goscan *g, const void *data, size_t n)
{
	const unsigned char *p = data;
	if (g->state || g->nseg)
		return scan(g, p, n);
	/* until the program headers are in, every byte seen is kept in head */
	size_t k = sizeof(g->head) - g->headlen < n ? sizeof(g->head) - g->headlen : n;
	memcpy(g->head + g->headlen, p, k);
	g->headlen += k;
	int r = read_elf(g);
	if (r <= 0) {
		g->off += n;
		if (r < 0)
			g->state = 2;
		return r < 0;
	}
	/* the segments are known: scan what was seen from the file's start (all in head,
	 * so the result never depends on how the file was cut), then the rest of p */
	g->off = 0;
	g->carrylen = 0;
	if (scan(g, g->head, g->headlen) && g->state == 2) {
		g->off += n - k;
		return 1;
	}
	return scan(g, p + k, n - k);
}

/* The bytes at file offset g->off on, once the segments are known. */
static int scan(struct ecr_goscan *g, const unsigned char *p, size_t n)
{
	unsigned long long off = g->off; /* file offset of p[0] */
	g->off += n;
	if (g->state == 2)
		return 1;
	if (g->state == 1) {
		collect(g, p, n);
		return g->state == 2;
	}
	/* aligned positions from the carried bytes' start to the last whose 14 bytes are here */
	unsigned long long start = off - g->carrylen, end = off + n;
	for (unsigned long long pos = (start + 15) & ~15ULL; pos + 14 <= end; pos += 16) {
		if (!in_data(g, pos))
			continue;
		unsigned char m[14];
		for (int i = 0; i < 14; i++) {
			unsigned long long a = pos + (unsigned long long)i;
			m[i] = a < off ? g->carry[a - start] : p[a - off];
		}
		if (memcmp(m, MAGIC, 14))
			continue;
		g->state = 1;
		if (pos < off) {
			collect(g, g->carry + (pos - start), (size_t)(off - pos));
			if (g->state == 1)
				collect(g, p, n);
		} else {
			collect(g, p + (pos - off), (size_t)(end - pos));
		}
		return g->state == 2;
	}
	/* past every writable segment, with its last aligned positions checked whole: the
	 * header cannot come any more */
	unsigned long long hi = 0;
	for (int i = 0; i < g->nseg; i++)
		hi = g->seg_hi[i] > hi ? g->seg_hi[i] : hi;
	if (hi <= ~0ULL - sizeof(MAGIC) && end >= hi + sizeof(MAGIC)) {
		g->state = 2;
		return 1;
	}
	/* keep the bytes from the last aligned position that could not be checked */
	unsigned long long last = (end >= 13 ? (end - 13 + 15) & ~15ULL : 0);
	if (last < start)
		last = start;
	g->carrylen = 0;
	for (unsigned long long a = last; a < end && g->carrylen < sizeof(g->carry); a++)
		g->carry[g->carrylen++] = a < off ? g->carry[a - start] : p[a - off];
	return 0;
}

/* one tab-separated field of a modinfo line */
static const char *field(const char *line, size_t len, int i, size_t *flen)
{
	const char *p = line, *end = line + len;
	for (; i > 0; i--) {
		const char *t = memchr(p, '\t', (size_t)(end - p));
		if (!t)
			return NULL;
		p = t + 1;
	}
	const char *t = memchr(p, '\t', (size_t)(end - p));
	*flen = (size_t)((t ? t : end) - p);
	return p;
}

static void add(struct ecr_langpkgs *out, const char *path, const char *m, size_t ml, const char *v, size_t vl)
{
	char name[512], ver[256];
	if (!ml || ml >= sizeof(name) || vl >= sizeof(ver))
		return;
	memcpy(name, m, ml);
	name[ml] = '\0';
	memcpy(ver, v, vl);
	ver[vl] = '\0';
	ecr_langpkgs_add(out, ECR_LANG_GO, name, strcmp(ver, "(devel)") ? ver : "", path);
}

static void modinfo(const char *s, size_t n, const char *path, struct ecr_langpkgs *out)
{
	/* the sentinels: 16 bytes each side, the text ending in '\n' before the last */
	if (n < 33 || s[n - 17] != '\n')
		return;
	s += 16;
	n -= 32;
	/* a dep is added once the next line shows it is not replaced */
	const char *pm = NULL, *pv = NULL;
	size_t pml = 0, pvl = 0;
	const char *end = s + n;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		size_t len = (size_t)((eol ? eol : end) - s);
		size_t kl, ml, vl;
		const char *k = field(s, len, 0, &kl), *m = field(s, len, 1, &ml), *v = field(s, len, 2, &vl);
		if (k && m && v && kl == 2 && !memcmp(k, "=>", 2)) {
			pm = m, pml = ml, pv = v, pvl = vl; /* the replacement is what is built in */
		} else {
			if (pm)
				add(out, path, pm, pml, pv, pvl);
			pm = NULL;
			if (k && m && v && ((kl == 3 && !memcmp(k, "dep", 3)) || (kl == 3 && !memcmp(k, "mod", 3))))
				pm = m, pml = ml, pv = v, pvl = vl;
		}
		s = eol ? eol + 1 : end;
	}
	if (pm)
		add(out, path, pm, pml, pv, pvl);
}

static size_t digits(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* A pre-release toolchain tag without its "go" ("1.21rc2", "1.19beta1", "1.20.1rc3")
 * as SemVer, the way the Go vulnerability database writes stdlib versions (x/vuln's
 * GoTagToSemver: "1.21.0-rc.2"), in out; its length, or 0 for any other form (a
 * release, "1.19.8", is left as it is). Kept as Go writes it, such a tag is no version
 * to the Go ordering and sorts below every range's bound: every stdlib advisory took
 * it in. */
static size_t prerelease(const char *v, size_t n, char *out, size_t cap)
{
	size_t a = digits(v, n), b, c = 0, at;
	if (!a || a == n || v[a] != '.' || !(b = digits(v + a + 1, n - a - 1)))
		return 0;
	at = a + 1 + b;
	if (at < n && v[at] == '.') {
		if (!(c = digits(v + at + 1, n - at - 1)))
			return 0;
		at += 1 + c;
	}
	size_t kl = n - at >= 4 && !memcmp(v + at, "beta", 4) ? 4 : n - at >= 2 && !memcmp(v + at, "rc", 2) ? 2 : 0;
	size_t dl = kl ? digits(v + at + kl, n - at - kl) : 0;
	if (!kl || !dl || at + kl + dl != n)
		return 0;
	/* X.Y[.Z] + ".0" when Z is missing + "-" + kind + "." + number + NUL */
	if (at + 2 + 1 + kl + 1 + dl + 1 > cap)
		return 0;
	size_t o = 0;
	memcpy(out, v, at), o = at;
	if (!c)
		memcpy(out + o, ".0", 2), o += 2;
	out[o++] = '-';
	memcpy(out + o, v + at, kl), o += kl;
	out[o++] = '.';
	memcpy(out + o, v + at + kl, dl), o += dl;
	out[o] = '\0';
	return o;
}

void ecr_goscan_finish(struct ecr_goscan *g, const char *path, struct ecr_langpkgs *out)
{
	int ok = g->state == 2 && g->info && complete(g) == 1;
	if (!ok) {
		if (g->state == 1)
			ecr_langpkgs_warn(out, "%s: Go build info runs past the end of the file; skipped", path);
		else if (g->why[0])
			ecr_langpkgs_warn(out, "%s: %s; skipped", path, g->why);
		else if (!g->nseg && g->headlen >= 4 && !memcmp(g->head, "\x7f" "ELF", 4) && g->state != 2)
			ecr_langpkgs_warn(out, "%s: truncated ELF file; skipped", path);
		free(g->info);
		ecr_goscan_init(g);
		return;
	}
	size_t at = 32;
	unsigned long long vl, ml;
	varint(g, &at, &vl);
	const char *ver = (const char *)g->info + at;
	at += (size_t)vl;
	varint(g, &at, &ml);
	const char *mi = (const char *)g->info + at;
	/* the toolchain: "go1.19.8" -> stdlib 1.19.8, cut at a space ("go1.21 X:…" or a
	 * vendor's note) and at "-X:" (GOEXPERIMENT) */
	if (vl > 2 && !memcmp(ver, "go", 2)) {
		size_t l = 2;
		while (l < vl && ver[l] != ' ' && !(l + 3 <= vl && !memcmp(ver + l, "-X:", 3)))
			l++;
		char semver[64];
		size_t sl = prerelease(ver + 2, l - 2, semver, sizeof(semver));
		if (sl)
			add(out, path, "stdlib", 6, semver, sl);
		else
			add(out, path, "stdlib", 6, ver + 2, l - 2);
	}
	modinfo(mi, (size_t)ml, path, out);
	free(g->info);
	ecr_goscan_init(g);
}

void ecr_lang_go(const char *path, const char *data, size_t n, struct ecr_langpkgs *out)
{
	struct ecr_goscan *g = malloc(sizeof(*g));
	if (!g)
		return;
	ecr_goscan_init(g);
	ecr_goscan_feed(g, data, n);
	ecr_goscan_finish(g, path, out);
	free(g);
}
