#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "lazy_archive.h"
#include "path.h"

static struct ecr_archive_entry *add(struct ecr_archive *a, struct ecr_err *err)
{
	if (a->n == ECR_ARCHIVE_MAX_ENTRIES) {
		ecr_err_set(err, ECR_E_ARCHIVE, "not an image archive: more than %d entries", ECR_ARCHIVE_MAX_ENTRIES);
		return NULL;
	}
	if (a->n == a->alloc) {
		size_t na = a->alloc ? a->alloc * 2 : 32;
		void *p = realloc(a->e, na * sizeof(*a->e));
		if (!p) {
			ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
			return NULL;
		}
		a->e = p;
		a->alloc = na;
	}
	struct ecr_archive_entry *e = &a->e[a->n++];
	memset(e, 0, sizeof(*e));
	e->w.fd = -1;
	return e;
}

/* Streams one file's bytes (from read_fn) into a new entry. */
typedef long (*read_fn)(void *src, void *buf, size_t n);

static int take_file(struct ecr_ctx *ctx, struct ecr_archive *a, char *name, read_fn rd, void *src,
		     struct ecr_err *err)
{
	struct ecr_archive_entry *e = add(a, err);
	char chunk[128 * 1024];
	int rc;
	if (!e) {
		free(name);
		return err ? err->code : ECR_E_ARCHIVE;
	}
	e->name = name;
	if ((rc = ecr_blob_writer_open(ctx, &e->w, err)))
		return rc;
	for (;;) {
		long k = rd(src, chunk, sizeof(chunk));
		if (k < 0)
			return ecr_err_set(err, ECR_E_ARCHIVE, "corrupt or truncated archive while reading '%s'", name);
		if (k == 0)
			break;
		if ((rc = ecr_blob_writer_write(&e->w, chunk, (size_t)k, err)))
			return rc;
	}
	return ecr_blob_writer_finish(&e->w, err);
}

static long ar_read(void *src, void *buf, size_t n)
{
	la_ssize_t k = archive_read_data(src, buf, n);
	return k < 0 ? -1 : (long)k;
}

static long fd_read(void *src, void *buf, size_t n)
{
	ssize_t k;
	do
		k = read(*(int *)src, buf, n);
	while (k < 0 && errno == EINTR);
	return k < 0 ? -1 : (long)k;
}

static int read_tar(struct ecr_ctx *ctx, const char *path, struct ecr_archive *out, struct ecr_err *err)
{
	int lrc = ecr_archive_lib_load(err);
	if (lrc)
		return lrc;
	struct archive *ar = archive_read_new();
	struct archive_entry *ent;
	int rc = 0, r, entries = 0;
	archive_read_support_filter_all(ar);
	archive_read_support_format_tar(ar);
	archive_read_support_format_gnutar(ar);
	archive_read_support_format_empty(ar);
	if (archive_read_open_filename(ar, path, 64 * 1024) != ARCHIVE_OK) {
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "not an image archive: %s", archive_error_string(ar));
		goto out;
	}
	while ((r = archive_read_next_header(ar, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		entries++;
		const char *nm = archive_entry_pathname(ent);
		if (!nm)
			continue;
		char *name;
		if ((rc = ecr_path_normalize("", nm, &name, err)))
			goto out;
		if (!name)
			continue; /* climbs out: never a name we look up */
		mode_t type = archive_entry_filetype(ent);
		if (type == AE_IFLNK || (type == AE_IFREG && archive_entry_hardlink(ent))) {
			const char *t = type == AE_IFLNK ? archive_entry_symlink(ent) : archive_entry_hardlink(ent);
			char dir[4096];
			snprintf(dir, sizeof(dir), "%s", name);
			char *slash = strrchr(dir, '/');
			if (slash && type == AE_IFLNK)
				*slash = '\0';
			else
				dir[0] = '\0';
			char *target = NULL;
			if (t && (rc = ecr_path_normalize(type == AE_IFLNK ? dir : "", t, &target, err))) {
				free(name);
				goto out;
			}
			if (!target) {
				free(name);
				continue;
			}
			struct ecr_archive_entry *e = add(out, err);
			if (!e) {
				free(name);
				free(target);
				rc = ECR_E_ARCHIVE;
				goto out;
			}
			e->name = name;
			e->link = target;
			continue;
		}
		if (type != AE_IFREG) {
			free(name);
			continue;
		}
		if ((rc = take_file(ctx, out, name, ar_read, ar, err)))
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		const char *why = archive_error_string(ar);
		if (!entries)
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "not an image archive: %s", why ? why : "unrecognized format");
		else
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "corrupt or truncated archive: %s", why ? why : "read error");
		goto out;
	}
	if (!entries)
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "not an image archive: '%s' is empty", path);
out:
	archive_read_free(ar);
	return rc;
}

/* An OCI layout directory: regular files only; symlinks are not followed. */
static int read_dir(struct ecr_ctx *ctx, const char *root, const char *rel, struct ecr_archive *out,
		    struct ecr_err *err, int depth)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	struct dirent *de;
	int rc = 0;
	if (!d)
		return ecr_err_set(err, ECR_E_ARCHIVE, "cannot read directory '%s': %s", path, strerror(errno));
	if (depth > 8) {
		closedir(d);
		return 0;
	}
	while ((de = readdir(d))) {
		char sub[4096], full[4096];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >= sizeof(sub) ||
		    strlen(root) + strlen(sub) + 2 > sizeof(full))
			continue; /* no OCI layout has such paths */
		strcpy(full, root);
		strcat(full, "/");
		strcat(full, sub);
		if (lstat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if ((rc = read_dir(ctx, root, sub, out, err, depth + 1)))
				break;
		} else if (S_ISREG(st.st_mode)) {
			int fd = open(full, O_RDONLY | O_NOFOLLOW);
			if (fd < 0) {
				rc = ecr_err_set(err, ECR_E_ARCHIVE, "cannot read '%s': %s", full, strerror(errno));
				break;
			}
			rc = take_file(ctx, out, strdup(sub), fd_read, &fd, err);
			close(fd);
			if (rc)
				break;
		}
	}
	closedir(d);
	return rc;
}

int ecr_archive_read(struct ecr_ctx *ctx, const char *path, struct ecr_archive *out, struct ecr_err *err)
{
	struct stat st;
	int rc;
	memset(out, 0, sizeof(*out));
	if (stat(path, &st))
		return ecr_err_set(err, ECR_E_ARCHIVE, "cannot read '%s': %s", path, strerror(errno));
	/* a FIFO would block and a device never end: neither is an image */
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return ecr_err_set(err, ECR_E_ARCHIVE, "not an image archive: '%s' is not a regular file or a directory", path);
	rc = S_ISDIR(st.st_mode) ? read_dir(ctx, path, "", out, err, 0) : read_tar(ctx, path, out, err);
	if (rc)
		ecr_archive_release(out);
	return rc;
}

int ecr_archive_find(struct ecr_archive *a, const char *name, struct ecr_archive_entry **out, struct ecr_err *err)
{
	char *n;
	struct ecr_archive_entry *found = NULL;
	int rc;
	*out = NULL;
	if ((rc = ecr_path_normalize("", name, &n, err)))
		return rc;
	for (int hops = 0; n && hops < 16; hops++) {
		found = NULL;
		for (size_t i = a->n; i-- > 0;) /* the last entry of a name wins, as tar does */
			if (!strcmp(a->e[i].name, n)) {
				found = &a->e[i];
				break;
			}
		if (!found || !found->link)
			break;
		free(n);
		n = strdup(found->link);
		ECR_CHECK_ALLOC(n, err);
		found = NULL;
	}
	free(n);
	*out = found;
	return 0;
}

int ecr_archive_load(struct ecr_archive *a, struct ecr_archive_entry *e, const char *what, char **data, size_t *len,
		     struct ecr_err *err)
{
	*data = NULL;
	*len = 0;
	if (e->w.size > (long long)ECR_ARCHIVE_SMALL)
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed %s: larger than %u bytes", what, ECR_ARCHIVE_SMALL);
	size_t n = (size_t)e->w.size;
	if (n > ECR_ARCHIVE_LOADED - a->loaded)
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed %s: the archive's JSON files pass %u bytes together", what,
				   ECR_ARCHIVE_LOADED);
	int fd = open(e->w.tmp, O_RDONLY);
	if (fd < 0)
		return ecr_err_set(err, ECR_E_STATE, "cannot read '%s': %s", e->w.tmp, strerror(errno));
	char *p = malloc(n + 1);
	size_t got = 0;
	while (p && got < n) {
		ssize_t k = read(fd, p + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (!p)
		return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
	if (got != n) {
		free(p);
		return ecr_err_set(err, ECR_E_STATE, "cannot read '%s': short read", e->w.tmp);
	}
	p[n] = '\0';
	a->loaded += n;
	*data = p;
	*len = n;
	return 0;
}

void ecr_archive_release(struct ecr_archive *a)
{
	for (size_t i = 0; i < a->n; i++) {
		ecr_blob_writer_abort(&a->e[i].w);
		free(a->e[i].name);
		free(a->e[i].link);
	}
	free(a->e);
	memset(a, 0, sizeof(*a));
}
