/* rpm's SQLite database (rpmdb.sqlite): table Packages(hnum, blob), each blob an rpm
 * header without its magic: il and dl (big-endian 32-bit), il index entries of
 * {tag, type, offset, count}, then dl bytes of data. Every offset is bounds-checked.
 * Besides name and versions, the file list (for owned.c). */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"

enum { TAG_NAME = 1000, TAG_VERSION = 1001, TAG_RELEASE = 1002, TAG_EPOCH = 1003,
       TAG_ARCH = 1022, TAG_SOURCERPM = 1044, TAG_DIRINDEXES = 1116, TAG_BASENAMES = 1117,
       TAG_DIRNAMES = 1118 };
enum { TYPE_INT32 = 4, TYPE_STRING = 6, TYPE_STRING_ARRAY = 8, TYPE_I18NSTRING = 9 };

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct arr {
	uint32_t off, count;     /* where a tag's array starts in the data, its length */
	int set;                 /* the tag is there with the expected type */
};

struct hdr {
	const char *name, *version, *release, *arch, *sourcerpm; /* borrowed from the blob */
	long epoch;                                               /* -1 when absent */
	const unsigned char *data;                                /* the data store */
	uint32_t dl;                                              /* its length */
	struct arr dirindexes, basenames, dirnames;               /* the file list */
};

/* A NUL-terminated string at off inside data[0..dl), or NULL. */
static const char *str_at(const unsigned char *data, uint32_t dl, uint32_t off)
{
	if (off >= dl || !memchr(data + off, '\0', dl - off))
		return NULL;
	return (const char *)data + off;
}

static int parse(const unsigned char *b, size_t n, struct hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->epoch = -1;
	if (n < 8)
		return -1;
	uint32_t il = be32(b), dl = be32(b + 4);
	if (il > 100000 || dl > ECR_PKGDB_MAX || 8 + (size_t)il * 16 + dl > n)
		return -1;
	const unsigned char *idx = b + 8, *data = b + 8 + (size_t)il * 16;
	h->data = data;
	h->dl = dl;
	for (uint32_t i = 0; i < il; i++) {
		uint32_t tag = be32(idx + 16 * i), type = be32(idx + 16 * i + 4);
		uint32_t off = be32(idx + 16 * i + 8), count = be32(idx + 16 * i + 12);
		const char **dst = NULL;
		switch (tag) {
		case TAG_NAME: dst = &h->name; break;
		case TAG_VERSION: dst = &h->version; break;
		case TAG_RELEASE: dst = &h->release; break;
		case TAG_ARCH: dst = &h->arch; break;
		case TAG_SOURCERPM: dst = &h->sourcerpm; break;
		case TAG_EPOCH:
			if (type == TYPE_INT32 && count >= 1 && off <= dl && dl - off >= 4)
				h->epoch = (long)be32(data + off);
			continue;
		case TAG_DIRINDEXES:
			if (type == TYPE_INT32 && off <= dl && count <= (dl - off) / 4)
				h->dirindexes = (struct arr){off, count, 1};
			continue;
		case TAG_BASENAMES:
		case TAG_DIRNAMES:
			if (type == TYPE_STRING_ARRAY && off < dl)
				*(tag == TAG_BASENAMES ? &h->basenames : &h->dirnames) = (struct arr){off, count, 1};
			continue;
		default:
			continue;
		}
		if (type == TYPE_STRING || type == TYPE_I18NSTRING)
			*dst = str_at(data, dl, off);
	}
	return h->name && h->version && h->release ? 0 : -1;
}

/* The i-th string of a string array (strings back to back, each NUL-terminated);
 * NULL past the data. Walks from the start: callers go in order (see files). */
static const char *next_str(const struct hdr *h, uint32_t *at)
{
	const char *s = str_at(h->data, h->dl, *at);
	if (s)
		*at += (uint32_t)strlen(s) + 1;
	return s;
}

/* The package's files: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (rpm's compressed file
 * list), for leaving out language packages rpm owns. A list that does not add up is
 * not used. */
static void files(const struct hdr *h, struct ecr_pkgs *out)
{
	if (!h->basenames.set || !h->dirnames.set || !h->dirindexes.set ||
	    h->dirindexes.count != h->basenames.count || h->dirnames.count > 65536)
		return;
	const char **dirs = malloc(((size_t)h->dirnames.count + 1) * sizeof(*dirs));
	uint32_t at = h->dirnames.off;
	if (!dirs)
		return;
	for (uint32_t i = 0; i < h->dirnames.count; i++)
		if (!(dirs[i] = next_str(h, &at)))
			goto out;
	at = h->basenames.off;
	for (uint32_t i = 0; i < h->basenames.count; i++) {
		const char *base = next_str(h, &at);
		uint32_t d = be32(h->data + h->dirindexes.off + 4 * i);
		if (!base || d >= h->dirnames.count)
			goto out;
		char path[8192];
		int k = snprintf(path, sizeof(path), "%s%s", dirs[d], base);
		if (k > 0 && (size_t)k < sizeof(path))
			ecr_pkgs_own(out, path, (size_t)k);
	}
out:
	free(dirs);
}

int ecr_pkg_rpm_sqlite(const char *data, size_t n, struct ecr_pkgs *out, struct ecr_err *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = 0, row = 0;
	unsigned char *copy = NULL;
	if (n < 100 || memcmp(data, "SQLite format 3", 16))
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed rpm database: not an SQLite database");
	/* The database is read from memory; nothing is written to disk. A WAL-mode file
	 * (header bytes 18 and 19 = 2) is read as a rollback-journal one. */
	copy = sqlite3_malloc64(n);
	if (!copy)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	memcpy(copy, data, n);
	copy[18] = copy[19] = 1;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_deserialize(db, "main", copy, (sqlite3_int64)n, (sqlite3_int64)n,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &st, NULL) != SQLITE_OK) {
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "malformed rpm database: %s", db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hdr h;
		row++;
		if (parse(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), &h)) {
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "malformed rpm database: header %d is corrupt", row);
			goto out;
		}
		char ver[600], src[600] = "", srcver[600] = "";
		if (h.epoch >= 0)
			snprintf(ver, sizeof(ver), "%ld:%s-%s", h.epoch, h.version, h.release);
		else
			snprintf(ver, sizeof(ver), "%s-%s", h.version, h.release);
		if (h.sourcerpm) {
			/* name-version-release.src.rpm: the last two dashes split it */
			snprintf(src, sizeof(src), "%s", h.sourcerpm);
			char *dot = strstr(src, ".src.rpm");
			if (!dot)
				dot = strstr(src, ".nosrc.rpm");
			if (dot)
				*dot = '\0';
			char *d2 = strrchr(src, '-');
			char *d1 = NULL;
			if (d2) {
				*d2 = '\0';
				d1 = strrchr(src, '-');
				*d2 = '-';
			}
			if (d1) {
				snprintf(srcver, sizeof(srcver), "%s", d1 + 1);
				*d1 = '\0';
			}
		}
		if (ecr_pkgs_add(out, h.name, ver, src, srcver, h.arch ? h.arch : "", "rpm")) {
			rc = ecr_pkgs_add_failed(out, err);
			goto out;
		}
		files(&h, out);
	}
	rc = rc == SQLITE_DONE ? 0 : ecr_err_set(err, ECR_E_ARCHIVE, "malformed rpm database: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
