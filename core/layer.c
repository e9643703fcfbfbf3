#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lazy_archive.h"
#include "layer.h"
#include "path.h"
#include "str.h"

json_t *ecr_layer_text(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	/* not UTF-8: keep the ASCII, show every other byte as \xNN */
	size_t n = strlen(s);
	char *t = malloc(4 * n + 1), *w = t;
	if (!t)
		return json_string("?");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x80)
			*w++ = (char)*p;
		else
			w += sprintf(w, "\\x%02x", *p);
	*w = '\0';
	j = json_string(t);
	free(t);
	return j ? j : json_string("?");
}

void ecr_layer_init(struct ecr_layer_fx *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->warnings = json_array();
}

struct ecr_layer_entry *ecr_layer_add(struct ecr_layer_fx *fx, const char *path, int type, const char *link)
{
	if (fx->n == fx->alloc) {
		size_t na = fx->alloc ? fx->alloc * 2 : 256;
		void *p = realloc(fx->e, na * sizeof(*fx->e));
		if (!p)
			return NULL;
		fx->e = p;
		fx->alloc = na;
	}
	struct ecr_layer_entry *e = &fx->e[fx->n];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	e->link = link ? strdup(link) : NULL;
	e->type = type;
	if (!e->path || (link && !e->link)) {
		free(e->path);
		free(e->link);
		return NULL;
	}
	fx->n++;
	return e;
}

/* The decompressed stream: an outer reader (any filter, raw format) hashed as it is
 * handed to the inner tar reader, so diff_id costs no second pass. */
struct stream {
	struct archive *outer;   /* decompresses */
	EVP_MD_CTX *md;          /* diff_id */
	char buf[128 * 1024];    /* last chunk */
	int failed;              /* the outer reader reported an error */
};

static la_ssize_t pull(struct archive *inner, void *data, const void **out)
{
	struct stream *s = data;
	la_ssize_t k = archive_read_data(s->outer, s->buf, sizeof(s->buf));
	if (k < 0) {
		s->failed = 1;
		archive_set_error(inner, -1, "%s", archive_error_string(s->outer));
		return -1;
	}
	EVP_DigestUpdate(s->md, s->buf, (size_t)k);
	*out = s->buf;
	return k;
}

static void warn(struct ecr_layer_fx *fx, const char *fmt, const char *a)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, a);
	if (json_array_size(fx->warnings) < 100)
		json_array_append_new(fx->warnings, ecr_layer_text(msg));
}

/* The bytes of the current tar entry, for ecr_payload_read. */
static long entry_bytes(void *ud, char *buf, size_t n, const char **why)
{
	struct archive *in = ud;
	la_ssize_t k = archive_read_data(in, buf, n);
	if (k < 0)
		*why = archive_error_string(in);
	return (long)k;
}

static long long entry_size(struct archive_entry *ent)
{
	return archive_entry_size_is_set(ent) ? (long long)archive_entry_size(ent) : -1;
}

/* One open layer: the outer decompressor feeding the tar reader. */
struct reader {
	struct stream s;       /* decompressed, hashed */
	struct archive *in;    /* tar entries */
	int empty;             /* a blob of no bytes at all: an empty layer */
};

static int open_layer(struct reader *r, const char *blob_path, const char *what, struct ecr_err *err)
{
	struct stat st;
	int rc;
	memset(r, 0, sizeof(*r));
	if ((rc = ecr_archive_lib_load(err)))
		return rc;
	if (!stat(blob_path, &st) && S_ISREG(st.st_mode) && st.st_size == 0) {
		r->empty = 1; /* no bytes at all: an empty layer, as an empty tar is */
		r->s.md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(r->s.md, EVP_sha256(), NULL);
		return 0;
	}
	r->s.outer = archive_read_new();
	r->s.md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(r->s.md, EVP_sha256(), NULL);
	archive_read_support_filter_all(r->s.outer);
	archive_read_support_format_raw(r->s.outer);
	struct archive_entry *oent;
	int h = ARCHIVE_FATAL;
	if (archive_read_open_filename(r->s.outer, blob_path, 128 * 1024) == ARCHIVE_OK &&
	    (h = archive_read_next_header(r->s.outer, &oent)) == ARCHIVE_EOF) {
		r->empty = 1; /* no bytes at all: the raw reader sees no entry */
		return 0;
	}
	if (h != ARCHIVE_OK) {
		return ecr_err_set(err, ECR_E_ARCHIVE, "%s: cannot read the layer: %s", what,
				   archive_error_string(r->s.outer) ? archive_error_string(r->s.outer) : "no data");
	}
	r->in = archive_read_new();
	archive_read_support_format_tar(r->in);
	archive_read_support_format_gnutar(r->in);
	archive_read_support_format_empty(r->in);
	if (archive_read_open(r->in, &r->s, NULL, pull, NULL) != ARCHIVE_OK)
		return ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer: %s", what,
				   archive_error_string(r->in));
	return 0;
}

static void close_layer(struct reader *r)
{
	if (r->in)
		archive_read_free(r->in);
	if (r->s.outer)
		archive_read_free(r->s.outer);
	EVP_MD_CTX_free(r->s.md);
}

int ecr_layer_read(const char *blob_path, const char *what, struct ecr_budget *budget, struct ecr_layer_fx *fx,
		   struct ecr_err *err)
{
	struct reader rd;
	struct archive_entry *ent;
	int rc, r;
	long ord = -1;

	ecr_layer_init(fx);
	if ((rc = open_layer(&rd, blob_path, what, err)))
		goto out;
	r = ARCHIVE_EOF;
	while (!rd.empty && ((r = archive_read_next_header(rd.in, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		const char *raw = archive_entry_pathname(ent);
		ord++;
		if (!raw)
			continue;
		char *path;
		if ((rc = ecr_path_normalize("", raw, &path, err)))
			goto out;
		if (!path) {
			warn(fx, "skipped entry '%s': it climbs out of the image root", raw);
			continue;
		}
		if (!*path) {
			free(path);
			continue;
		}
		char *base = strrchr(path, '/');
		const char *name = base ? base + 1 : path;
		struct ecr_layer_entry *e = NULL;
		if (!strncmp(name, ".wh.", 4)) {
			/* a whiteout: ".wh..wh..opq" makes the directory opaque, ".wh.X" deletes X */
			char dir[4096], victim[4096];
			/* a whiteout of a path longer than any the tree holds hides nothing (never
			   a truncated one, which would hide another file) */
			int fits = !ecr_str_ncopy(dir, sizeof(dir), path, base ? (size_t)(base - path) : 0);
			int hides = fits && name[4] && !ecr_str_join(victim, sizeof(victim), dir, "/", name + 4);
			/* name points into path: decide before path is freed */
			int opaque = fits && !strcmp(name, ".wh..wh..opq");
			if (opaque)
				e = ecr_layer_add(fx, dir, ECR_NODE_OPAQUE, NULL);
			else if (hides)
				e = ecr_layer_add(fx, victim, ECR_NODE_WHITEOUT, NULL);
			free(path);
			if (!e && (hides || opaque)) {
				rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
				goto out;
			}
			if (e)
				e->ord = ord;
			continue;
		}
		mode_t t = archive_entry_filetype(ent);
		const char *hl = archive_entry_hardlink(ent);
		if (hl) {
			char *target;
			if ((rc = ecr_path_normalize("", hl, &target, err))) {
				free(path);
				goto out;
			}
			if (!target || !*target)
				warn(fx, "skipped hard link '%s': its target climbs out of the image root", raw);
			e = ecr_layer_add(fx, path, target && *target ? ECR_NODE_HARDLINK : ECR_NODE_OTHER,
					  target && *target ? target : NULL);
			free(target);
		} else if (t == AE_IFLNK) {
			const char *tg = archive_entry_symlink(ent);
			e = ecr_layer_add(fx, path, ECR_NODE_SYMLINK, tg ? tg : "");
		} else if (t == AE_IFDIR) {
			e = ecr_layer_add(fx, path, ECR_NODE_DIR, NULL);
		} else {
			e = ecr_layer_add(fx, path, t == AE_IFREG ? ECR_NODE_FILE : ECR_NODE_OTHER, NULL);
		}
		if (!e) {
			free(path);
			rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
			goto out;
		}
		e->ord = ord;
		/* Go build info is looked for in executables: the mode decides */
		int row = e->type == ECR_NODE_FILE ? ecr_wanted_find(path, (archive_entry_mode(ent) & 0111) != 0) : -1;
		free(path);
		if (row >= 0 && (rc = ecr_payload_read(row, entry_bytes, rd.in, entry_size(ent), budget, what, e->path,
						       &e->payload, err)))
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer: %s", what,
				 archive_error_string(rd.in) ? archive_error_string(rd.in) : "read error");
		goto out;
	}
	/* drain what the tar reader did not ask for (padding), so diff_id covers it all */
	{
		const void *p;
		while (!rd.empty && pull(rd.in, &rd.s, &p) > 0)
			;
		if (rd.s.failed) {
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer: %s", what,
					 archive_error_string(rd.s.outer));
			goto out;
		}
	}
	{
		unsigned char md[32];
		unsigned int mdn = 0;
		EVP_DigestFinal_ex(rd.s.md, md, &mdn);
		memcpy(fx->diff_id, "sha256:", 7);
		for (int i = 0; i < 32; i++)
			snprintf(fx->diff_id + 7 + 2 * i, 3, "%02x", md[i]);
	}
out:
	close_layer(&rd);
	if (rc)
		ecr_layer_release(fx);
	return rc;
}

int ecr_layer_fetch(const char *blob_path, const char *what, struct ecr_budget *budget, struct ecr_layer_fx *fx,
		    const size_t *idx, const int *rows, size_t n, struct ecr_err *err)
{
	struct reader rd;
	struct archive_entry *ent;
	int rc, r;
	long ord = -1;
	size_t left = n;
	if ((rc = open_layer(&rd, blob_path, what, err)))
		goto out;
	r = ARCHIVE_EOF;
	while (left && !rd.empty && ((r = archive_read_next_header(rd.in, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		ord++;
		for (size_t k = 0; k < n; k++) {
			struct ecr_layer_entry *e = &fx->e[idx[k]];
			if (e->ord != ord || e->payload)
				continue;
			if ((rc = ecr_payload_read(rows[k], entry_bytes, rd.in, entry_size(ent), budget, what, e->path,
						   &e->payload, err)))
				goto out;
			left--;
			break;
		}
	}
	if (left && r != ARCHIVE_EOF)
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer: %s", what,
				 archive_error_string(rd.in) ? archive_error_string(rd.in) : "read error");
out:
	close_layer(&rd);
	return rc;
}

void ecr_layer_release(struct ecr_layer_fx *fx)
{
	for (size_t i = 0; i < fx->n; i++) {
		free(fx->e[i].path);
		free(fx->e[i].link);
		ecr_payload_free(fx->e[i].payload);
	}
	free(fx->e);
	json_decref(fx->warnings);
	memset(fx, 0, sizeof(*fx));
}
