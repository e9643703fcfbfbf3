/* Java archives (jar, war, ear, par) read with libarchive's zip reader from memory
 * (the central directory, so sizes are known before anything is read):
 * - every pom.properties under META-INF/maven/ (any depth) gives groupId:artifactId and version (all
 *   three needed; '#' comment lines skipped);
 * - an archive inside (WEB-INF/lib/x.jar, an ear's modules) is read into memory and
 *   walked the same way, up to ECR_LANG_JAR_DEPTH archives deep and ECR_LANG_NESTED_MAX
 *   bytes; its packages carry the path OUTER/INNER (/app/x.war/WEB-INF/lib/y.jar);
 * - when no pom.properties names the archive itself (its file name is artifactId or
 *   artifactId-…), META-INF/MANIFEST.MF's main section is the fallback, as Trivy
 *   reads it offline: group from Implementation-Vendor-Id, Bundle-SymbolicName (up to
 *   its last dot), Implementation-Vendor, Specification-Vendor; artifact from
 *   Implementation-Title, Specification-Title, Bundle-Name; version from
 *   Implementation-Version, Specification-Version, Bundle-Version; all three needed.
 * Anything past a cap, or not a zip, is skipped with a warning; what was read before
 * a corrupt entry stays. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang.h"
#include "lazy_archive.h"
#include "str.h"

#define FIELD_MAX 256

static int is_archive_name(const char *name)
{
	size_t n = strlen(name);
	static const char *const ext[] = {".jar", ".war", ".ear", ".par"};
	for (size_t i = 0; i < 4; i++)
		if (n > 4 && !strcasecmp(name + n - 4, ext[i]))
			return 1;
	return 0;
}

static const char BUDGET[] = "passes the scan's memory budget";
static const char INFLATED[] = "inflates past the archive's cap";

/* The entry's bytes, at most cap; NULL (and why) when it is bigger or unreadable.
 * held (NULL: nothing charged): the scan's budget, asked for every allocation past
 * the size the headers claim (the caller charged that much), and for the first one
 * when there is no claim. A streamed zip learns the size of an entry written with a
 * data descriptor (`jar` and ZipOutputStream write deflated entries so) only after
 * the data, and headers may lie (100 bytes claimed, a megabyte inflated: libarchive
 * says so only at the end): without this such nested archives were held up to the cap
 * and never charged, whatever the budget said. */
static char *read_entry(struct archive *a, struct archive_entry *e, size_t cap, struct ecr_langpkgs *held,
			unsigned long long *inflated, size_t *len, const char **why)
{
	int sized = archive_entry_size_is_set(e);
	if (sized && (archive_entry_size(e) < 0 || (unsigned long long)archive_entry_size(e) > cap)) {
		*why = "over the cap";
		return NULL;
	}
	size_t alloc = sized ? (size_t)archive_entry_size(e) + 1 : 65536, n = 0;
	if (!sized && held && held->hold && held->hold(held->hold_ud, alloc)) {
		*why = BUDGET;
		return NULL;
	}
	char *buf = malloc(alloc);
	if (!buf) {
		*why = "out of memory";
		return NULL;
	}
	for (;;) {
		if (n == alloc) {
			if (alloc > cap) {
				free(buf);
				*why = "over the cap";
				return NULL;
			}
			if (held && held->hold && held->hold(held->hold_ud, alloc)) {
				free(buf);
				*why = BUDGET;
				return NULL;
			}
			char *b = realloc(buf, alloc * 2);
			if (!b) {
				free(buf);
				*why = "out of memory";
				return NULL;
			}
			buf = b;
			alloc *= 2;
		}
		la_ssize_t r = archive_read_data(a, buf + n, alloc - n);
		if (r < 0) {
			free(buf);
			*why = archive_error_string(a) ? archive_error_string(a) : "unreadable";
			return NULL;
		}
		if (r == 0)
			break;
		/* every byte the walk inflates out of one outer archive, nested ones included,
		 * counts against ECR_LANG_JAR_MAX: a kilobyte of deflated '#' is a megabyte of
		 * work, and a few hundred kilobytes of such entries were minutes of a scan */
		if (*inflated > ECR_LANG_JAR_MAX || (*inflated += (unsigned long long)r) > ECR_LANG_JAR_MAX) {
			free(buf);
			*why = INFLATED;
			return NULL;
		}
		n += (size_t)r;
		if (n > cap) {
			free(buf);
			*why = "over the cap";
			return NULL;
		}
	}
	*len = n;
	return buf;
}

/* the trimmed value after "key=" on a properties line */
static void prop(const char *line, size_t len, const char *key, char *out)
{
	size_t kl = strlen(key);
	while (len && isspace((unsigned char)*line))
		line++, len--;
	if (len <= kl || memcmp(line, key, kl))
		return;
	line += kl, len -= kl;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	if (!len || (*line != '=' && *line != ':'))
		return;
	line++, len--;
	while (len && isspace((unsigned char)*line))
		line++, len--;
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	if (len && len < FIELD_MAX && !memchr(line, '\0', len)) {
		memcpy(out, line, len);
		out[len] = '\0';
	}
}

struct coord {
	char group[FIELD_MAX], artifact[FIELD_MAX], version[FIELD_MAX];
};

static void pom_properties(const char *data, size_t n, struct coord *c)
{
	memset(c, 0, sizeof(*c));
	const char *p = data, *end = data + n;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((eol ? eol : end) - p);
		if (len && *p != '#' && *p != '!') {
			prop(p, len, "groupId", c->group);
			prop(p, len, "artifactId", c->artifact);
			prop(p, len, "version", c->version);
		}
		p = eol ? eol + 1 : end;
	}
}

/* a main-section attribute of MANIFEST.MF, continuation lines joined */
static void manifest_attr(const char *data, size_t n, const char *key, char *out)
{
	const char *p = data, *end = data + n;
	size_t kl = strlen(key);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((eol ? eol : end) - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (!len)
			return; /* the main section ends at the first empty line */
		if (len > kl + 1 && !strncasecmp(p, key, kl) && p[kl] == ':') {
			size_t o = 0;
			const char *v = p + kl + 1;
			size_t vl = len - kl - 1;
			for (;;) {
				while (o == 0 && vl && *v == ' ')
					v++, vl--;
				if (o + vl >= FIELD_MAX) {
					/* too long to keep, as pom.properties values are: no value (the
					 * next key is asked), not its first lines as if they were it */
					out[0] = '\0';
					return;
				}
				memcpy(out + o, v, vl);
				o += vl;
				/* a line starting with one space continues this one */
				p = eol ? eol + 1 : end;
				if (p >= end || *p != ' ')
					break;
				eol = memchr(p, '\n', (size_t)(end - p));
				len = (size_t)((eol ? eol : end) - p);
				if (len && p[len - 1] == '\r')
					len--;
				v = p + 1;
				vl = len - 1;
			}
			while (o && out[o - 1] == ' ')
				o--;
			out[o] = '\0';
			return;
		}
		p = eol ? eol + 1 : end;
	}
}

static void first_attr(const char *data, size_t n, const char *const *keys, char *out)
{
	for (; *keys && !*out; keys++)
		manifest_attr(data, n, *keys, out);
}

static void manifest(const char *data, size_t n, const char *path, struct ecr_langpkgs *out)
{
	static const char *const gk[] = {"Implementation-Vendor-Id", NULL};
	static const char *const gk2[] = {"Implementation-Vendor", "Specification-Vendor", NULL};
	static const char *const ak[] = {"Implementation-Title", "Specification-Title", "Bundle-Name", NULL};
	static const char *const vk[] = {"Implementation-Version", "Specification-Version", "Bundle-Version", NULL};
	struct coord c;
	memset(&c, 0, sizeof(c));
	first_attr(data, n, gk, c.group);
	if (!*c.group) {
		char sym[FIELD_MAX] = "";
		manifest_attr(data, n, "Bundle-SymbolicName", sym);
		sym[strcspn(sym, ";")] = '\0';
		char *dot = strrchr(sym, '.');
		if (dot) {
			*dot = '\0';
			strcpy(c.group, sym);
		}
	}
	first_attr(data, n, gk2, c.group);
	first_attr(data, n, ak, c.artifact);
	first_attr(data, n, vk, c.version);
	if (*c.group && *c.artifact && *c.version) {
		char name[2 * FIELD_MAX + 2];
		snprintf(name, sizeof(name), "%s:%s", c.group, c.artifact);
		ecr_langpkgs_add(out, ECR_LANG_JAVA, name, c.version, path);
	}
}

/* whether the archive's own file name is artifactId or artifactId-… */
static int names_archive(const char *path, const char *artifact)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t l = strlen(artifact);
	return !strncmp(base, artifact, l) && (base[l] == '.' || base[l] == '-');
}

static void walk(const char *path, const char *data, size_t n, int depth, unsigned long long *inflated,
		 struct ecr_langpkgs *out);

/* The entries of an open zip: pom.properties, MANIFEST.MF, archives inside. */
static void walk_archive(struct archive *a, const char *path, int depth, unsigned long long *inflated,
			 struct ecr_langpkgs *out)
{
	struct archive_entry *e;
	char *mf = NULL;
	char mf_why[160] = ""; /* why the manifest could not be read: a copy, as the reason may
				* be libarchive's error text, which its next call frees */
	size_t mflen = 0;
	int own = 0, r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		const char *base = strrchr(name, '/');
		base = base ? base + 1 : name;
		const char *why = NULL;
		size_t len = 0;
		if (!strcmp(base, "pom.properties")) {
			char *b = read_entry(a, e, ECR_LANG_ENTRY_MAX, NULL, inflated, &len, &why);
			if (!b && why == INFLATED)
				break;
			if (!b) {
				ecr_langpkgs_warn(out, "%s: %s %s; skipped", path, name, why);
				continue;
			}
			struct coord c;
			pom_properties(b, len, &c);
			free(b);
			if (!*c.group || !*c.artifact || !*c.version) {
				ecr_langpkgs_warn(out, "%s: %s lacks groupId, artifactId or version; skipped", path, name);
				continue;
			}
			char full[2 * FIELD_MAX + 2];
			snprintf(full, sizeof(full), "%s:%s", c.group, c.artifact);
			ecr_langpkgs_add(out, ECR_LANG_JAVA, full, c.version, path);
			own |= names_archive(path, c.artifact);
		} else if (!strcmp(name, "META-INF/MANIFEST.MF") && !mf) {
			mf = read_entry(a, e, ECR_LANG_ENTRY_MAX, NULL, inflated, &mflen, &why);
			if (!mf && why == INFLATED)
				break;
			snprintf(mf_why, sizeof(mf_why), "%s", mf ? "" : why);
		} else if (is_archive_name(base)) {
			if (depth + 1 >= ECR_LANG_JAR_DEPTH) {
				ecr_langpkgs_warn(out, "%s: %s is nested deeper than %d archives; skipped", path, name,
						  ECR_LANG_JAR_DEPTH);
				continue;
			}
			if (out->hold && archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
			    archive_entry_size(e) <= ECR_LANG_NESTED_MAX && out->hold(out->hold_ud, (size_t)archive_entry_size(e))) {
				ecr_langpkgs_warn(out, "%s: nested archive %s %s; skipped", path, name, BUDGET);
				continue;
			}
			char *b = read_entry(a, e, ECR_LANG_NESTED_MAX, out, inflated, &len, &why);
			if (!b && why == INFLATED)
				break;
			if (!b && why == BUDGET) {
				ecr_langpkgs_warn(out, "%s: nested archive %s %s; skipped", path, name, BUDGET);
				continue;
			}
			if (!b) {
				ecr_langpkgs_warn(out, "%s: nested archive %s %s (cap %u MiB); skipped", path, name, why,
						  ECR_LANG_NESTED_MAX >> 20);
				continue;
			}
			char *inner = ecr_str_fmt("%s/%s", path, name);
			if (inner) {
				walk(inner, b, len, depth + 1, inflated, out);
				free(inner);
			}
			free(b);
		}
	}
	/* said once, where it happened: the archives around it stop at their next read */
	if (*inflated > ECR_LANG_JAR_MAX && *inflated != ~0ULL) {
		ecr_langpkgs_warn(out, "%s: its entries inflate past %u MiB; the rest skipped", path, ECR_LANG_JAR_MAX >> 20);
		*inflated = ~0ULL;
	} else if (r == ARCHIVE_FATAL)
		ecr_langpkgs_warn(out, "%s: corrupt zip archive (%s); the rest skipped", path,
				  archive_error_string(a) ? archive_error_string(a) : "fatal error");
	if (!own && mf)
		manifest(mf, mflen, path, out);
	else if (!own && *mf_why) /* the fallback was needed: a jar left out says why */
		ecr_langpkgs_warn(out, "%s: META-INF/MANIFEST.MF %s; skipped", path, mf_why);
	free(mf);
}

static void walk(const char *path, const char *data, size_t n, int depth, unsigned long long *inflated,
		 struct ecr_langpkgs *out)
{
	struct archive *a = archive_read_new();
	if (!a)
		return;
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, data, n) != ARCHIVE_OK) {
		ecr_langpkgs_warn(out, "%s: not a readable zip archive (%s); skipped", path,
				  archive_error_string(a) ? archive_error_string(a) : "unknown format");
		archive_read_free(a);
		return;
	}
	walk_archive(a, path, depth, inflated, out);
	archive_read_free(a);
}

/* The outer archive as a stream (a layer's tar entry): zip's local headers in file
 * order, so the file itself is never held; only entries the walk keeps are. */
struct stream {
	ecr_lang_read_fn read;     /* the caller's reader */
	void *ud;                  /* its argument */
	unsigned long long seen;   /* bytes read so far */
	char buf[64 * 1024];       /* the last chunk */
};

static la_ssize_t pull(struct archive *a, void *data, const void **out)
{
	struct stream *s = data;
	const char *why = NULL;
	long k = s->read(s->ud, s->buf, sizeof(s->buf), &why);
	if (k < 0) {
		archive_set_error(a, -1, "%s", why ? why : "read error");
		return -1;
	}
	s->seen += (unsigned long long)k;
	if (s->seen > ECR_LANG_JAR_MAX) {
		archive_set_error(a, -1, "archive over %u MiB", ECR_LANG_JAR_MAX >> 20);
		return -1;
	}
	*out = s->buf;
	return k;
}

void ecr_lang_java_stream(const char *path, ecr_lang_read_fn read, void *ud, long long size,
			  struct ecr_langpkgs *out)
{
	if (size > (long long)ECR_LANG_JAR_MAX) {
		ecr_langpkgs_warn(out, "%s: archive over %u MiB not read; skipped", path, ECR_LANG_JAR_MAX >> 20);
		return;
	}
	struct stream *s = malloc(sizeof(*s));
	struct archive *a = s ? archive_read_new() : NULL;
	if (!a) {
		free(s);
		ecr_langpkgs_warn(out, "%s: out of memory; skipped", path);
		return;
	}
	s->read = read;
	s->ud = ud;
	s->seen = 0;
	archive_read_support_format_zip_streamable(a);
	if (archive_read_open(a, s, NULL, pull, NULL) != ARCHIVE_OK)
		ecr_langpkgs_warn(out, "%s: not a readable zip archive (%s); skipped", path,
				  archive_error_string(a) ? archive_error_string(a) : "unknown format");
	else
		walk_archive(a, path, 0, &(unsigned long long){0}, out);
	archive_read_free(a);
	free(s);
}

void ecr_lang_java(const char *path, const char *data, size_t n, struct ecr_langpkgs *out)
{
	if (n > ECR_LANG_JAR_MAX) {
		ecr_langpkgs_warn(out, "%s: archive over %u MiB not read; skipped", path, ECR_LANG_JAR_MAX >> 20);
		return;
	}
	walk(path, data, n, 0, &(unsigned long long){0}, out);
}
