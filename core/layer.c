#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "lazy_archive.h"
#include "layer.h"
#include "pkg.h"

/* Files a scan reads, by path suffix (a component boundary before each): their
 * directories may be reached through symlinks (/lib -> usr/lib), resolved later. */
static const char *const wanted[] = {
	"dpkg/status", "apk/db/installed", "rpm/rpmdb.sqlite", "rpm/Packages", "rpm/Packages.db",
	"etc/os-release", "lib/os-release", "etc/debian_version", "etc/alpine-release",
};

int ecr_layer_interesting(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		size_t k = strlen(wanted[i]);
		if (n >= k && !strcmp(path + n - k, wanted[i]) && (n == k || path[n - k - 1] == '/'))
			return 1;
	}
	/* distroless: every file in a dpkg/status.d directory except *.md5sums */
	const char *sd = strstr(path, "dpkg/status.d/");
	if (sd && (sd == path || sd[-1] == '/') && !strchr(sd + 14, '/') && sd[14] &&
	    !(n > 8 && !strcmp(path + n - 8, ".md5sums")))
		return 1;
	return 0;
}

/* Collapses ".", "" and ".."; NULL when it climbs above the root. */
static char *normalize(const char *p)
{
	char *buf = strdup(p), *out = calloc(1, strlen(p) + 1);
	size_t len = 0;
	if (!buf || !out) {
		free(buf);
		free(out);
		return NULL;
	}
	char *save = NULL;
	for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, ".") || !*tok)
			continue;
		if (!strcmp(tok, "..")) {
			char *slash = len ? strrchr(out, '/') : NULL;
			if (!len) {
				free(buf);
				free(out);
				return NULL;
			}
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		if (len)
			out[len++] = '/';
		strcpy(out + len, tok);
		len += strlen(tok);
	}
	free(buf);
	return out;
}

static struct ecr_layer_entry *add(struct ecr_layer_fx *fx)
{
	if (fx->n == fx->alloc) {
		size_t na = fx->alloc ? fx->alloc * 2 : 256;
		void *p = realloc(fx->e, na * sizeof(*fx->e));
		if (!p)
			return NULL;
		fx->e = p;
		fx->alloc = na;
	}
	struct ecr_layer_entry *e = &fx->e[fx->n++];
	memset(e, 0, sizeof(*e));
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
	(void)inner;
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

static int warn(struct ecr_layer_fx *fx, const char *fmt, const char *a)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, a);
	if (json_array_size(fx->warnings) < 100)
		json_array_append_new(fx->warnings, json_string(msg));
	return 0;
}

int ecr_layer_read(const char *blob_path, const char *what, struct ecr_layer_fx *fx, struct ecr_err *err)
{
	struct stream s = {0};
	struct archive *in = NULL;
	struct archive_entry *ent, *oent;
	int rc = 0, r;

	memset(fx, 0, sizeof(*fx));
	fx->whiteouts = json_array();
	fx->opaque = json_array();
	fx->warnings = json_array();
	s.outer = archive_read_new();
	s.md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(s.md, EVP_sha256(), NULL);
	archive_read_support_filter_all(s.outer);
	archive_read_support_format_raw(s.outer);
	if (archive_read_open_filename(s.outer, blob_path, 128 * 1024) != ARCHIVE_OK ||
	    archive_read_next_header(s.outer, &oent) != ARCHIVE_OK) {
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: cannot read the layer: %s", what, archive_error_string(s.outer));
		goto out;
	}
	in = archive_read_new();
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	if (archive_read_open(in, &s, NULL, pull, NULL) != ARCHIVE_OK) {
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer: %s", what, archive_error_string(in));
		goto out;
	}
	while ((r = archive_read_next_header(in, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *raw = archive_entry_pathname(ent);
		if (!raw)
			continue;
		char *path = normalize(raw);
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
		if (!strncmp(name, ".wh.", 4)) {
			/* a whiteout: ".wh..wh..opq" makes the directory opaque, ".wh.X" deletes X */
			char dir[4096];
			snprintf(dir, sizeof(dir), "%.*s", base ? (int)(base - path) : 0, path);
			if (!strcmp(name, ".wh..wh..opq")) {
				json_array_append_new(fx->opaque, json_string(dir));
			} else {
				char victim[4096];
				snprintf(victim, sizeof(victim), "%s%s%s", dir, *dir ? "/" : "", name + 4);
				json_array_append_new(fx->whiteouts, json_string(victim));
			}
			free(path);
			continue;
		}
		struct ecr_layer_entry *e = add(fx);
		if (!e) {
			free(path);
			rc = ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
			goto out;
		}
		e->path = path;
		mode_t t = archive_entry_filetype(ent);
		const char *hl = archive_entry_hardlink(ent);
		if (hl) {
			e->type = ECR_NODE_HARDLINK;
			e->link = normalize(hl);
			if (!e->link) {
				warn(fx, "skipped hard link '%s': its target climbs out of the image root", raw);
				e->type = ECR_NODE_OTHER;
			}
		} else if (t == AE_IFLNK) {
			e->type = ECR_NODE_SYMLINK;
			const char *tg = archive_entry_symlink(ent);
			e->link = strdup(tg ? tg : "");
		} else if (t == AE_IFDIR) {
			e->type = ECR_NODE_DIR;
		} else if (t == AE_IFREG) {
			e->type = ECR_NODE_FILE;
			if (ecr_layer_interesting(path)) {
				char chunk[64 * 1024];
				la_ssize_t k;
				ecr_buf_init(&e->content, ECR_PKGDB_MAX);
				e->has_content = 1;
				ecr_buf_add(&e->content, "", 0);
				while ((k = archive_read_data(in, chunk, sizeof(chunk))) > 0)
					if (ecr_buf_add(&e->content, chunk, (size_t)k)) {
						rc = ecr_err_set(err, ECR_E_ARCHIVE,
								 "%s: package database too large: '%s' is over %u MiB",
								 what, path, ECR_PKGDB_MAX >> 20);
						goto out;
					}
				if (k < 0) {
					rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer at '%s': %s", what,
							 path, archive_error_string(in));
					goto out;
				}
			}
		} else {
			e->type = ECR_NODE_OTHER;
		}
	}
	if (r != ARCHIVE_EOF) {
		rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer: %s", what,
				 archive_error_string(in) ? archive_error_string(in) : "read error");
		goto out;
	}
	/* drain what the tar reader did not ask for (padding), so diff_id covers it all */
	{
		const void *p;
		while (pull(in, &s, &p) > 0)
			;
		if (s.failed) {
			rc = ecr_err_set(err, ECR_E_ARCHIVE, "%s: corrupt or truncated layer: %s", what,
					 archive_error_string(s.outer));
			goto out;
		}
	}
	{
		unsigned char md[32];
		unsigned int mdn = 0;
		EVP_DigestFinal_ex(s.md, md, &mdn);
		memcpy(fx->diff_id, "sha256:", 7);
		for (int i = 0; i < 32; i++)
			snprintf(fx->diff_id + 7 + 2 * i, 3, "%02x", md[i]);
	}
out:
	if (in)
		archive_read_free(in);
	archive_read_free(s.outer);
	EVP_MD_CTX_free(s.md);
	if (rc)
		ecr_layer_release(fx);
	return rc;
}

void ecr_layer_release(struct ecr_layer_fx *fx)
{
	for (size_t i = 0; i < fx->n; i++) {
		free(fx->e[i].path);
		free(fx->e[i].link);
		ecr_buf_release(&fx->e[i].content);
	}
	free(fx->e);
	json_decref(fx->whiteouts);
	json_decref(fx->opaque);
	json_decref(fx->warnings);
	memset(fx, 0, sizeof(*fx));
}

json_t *ecr_layer_to_json(const struct ecr_layer_fx *fx)
{
	json_t *entries = json_array();
	for (size_t i = 0; i < fx->n; i++) {
		const struct ecr_layer_entry *e = &fx->e[i];
		json_t *row = json_pack("[s, i]", e->path, e->type);
		if (e->link || e->has_content)
			json_array_append_new(row, e->link ? json_string(e->link) : json_null());
		if (e->has_content) {
			size_t n = e->content.len;
			char *b64 = malloc(4 * ((n + 2) / 3) + 1);
			EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)(e->content.data ? e->content.data : ""), (int)n);
			json_array_append_new(row, json_string(b64));
			free(b64);
		}
		json_array_append_new(entries, row);
	}
	return json_pack("{s:s, s:o, s:O, s:O, s:O}", "diffId", fx->diff_id, "entries", entries,
			 "whiteouts", fx->whiteouts, "opaque", fx->opaque, "warnings", fx->warnings);
}

int ecr_layer_from_json(json_t *j, struct ecr_layer_fx *fx)
{
	size_t i;
	json_t *row;
	memset(fx, 0, sizeof(*fx));
	const char *d = json_string_value(json_object_get(j, "diffId"));
	if (!d)
		return -1;
	snprintf(fx->diff_id, sizeof(fx->diff_id), "%s", d);
	fx->whiteouts = json_incref(json_object_get(j, "whiteouts"));
	fx->opaque = json_incref(json_object_get(j, "opaque"));
	fx->warnings = json_incref(json_object_get(j, "warnings"));
	json_array_foreach(json_object_get(j, "entries"), i, row) {
		struct ecr_layer_entry *e = add(fx);
		if (!e)
			return -1;
		e->path = strdup(json_string_value(json_array_get(row, 0)));
		e->type = (int)json_integer_value(json_array_get(row, 1));
		const char *l = json_string_value(json_array_get(row, 2));
		e->link = l ? strdup(l) : NULL;
		const char *c = json_string_value(json_array_get(row, 3));
		if (c) {
			size_t n = strlen(c);
			unsigned char *raw = malloc(n / 4 * 3 + 4);
			int k = EVP_DecodeBlock(raw, (const unsigned char *)c, (int)n);
			/* EVP_DecodeBlock counts the '=' padding as zero bytes */
			if (k >= 0 && n >= 1 && c[n - 1] == '=')
				k--;
			if (k >= 0 && n >= 2 && c[n - 2] == '=')
				k--;
			ecr_buf_init(&e->content, ECR_PKGDB_MAX);
			ecr_buf_add(&e->content, raw, k > 0 ? (size_t)k : 0);
			e->has_content = 1;
			free(raw);
		}
	}
	return 0;
}
