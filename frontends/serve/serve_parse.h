/* The registry's request pieces read as text (frontends/serve/serve_parse.c). */
#ifndef SERVE_PARSE_H
#define SERVE_PARSE_H
#include <stddef.h>

enum serve_oci_kind { K_BASE, K_CATALOG, K_TAGS, K_MANIFEST, K_BLOB, K_UPLOAD, K_REFERRERS, K_NONE };

/* What path (/v2/…) asks for; the repository into name and the last component (tag,
 * digest, upload id) into ref, each cut to nothing when too long (K_NONE). */
enum serve_oci_kind serve_oci_path(const char *path, char *name, size_t name_size, char *ref, size_t ref_size);
/* 1 when s is a repository name ECR takes, else 0 (NAME_INVALID). */
int serve_oci_name_ok(const char *s);
/* 1 when s is a tag of the spec's grammar, else 0 (TAG_INVALID). */
int serve_oci_tag_ok(const char *s);
/* A Range header h (NULL: none) on size bytes: 1 and *off, *len when satisfiable, -1
 * when not (416), 0 when to be ignored (served whole). */
int serve_oci_range(const char *h, long long size, long long *off, long long *len);
/* A PATCH's Content-Range h: 0 and its first and last byte, or -1 when malformed. */
int serve_oci_content_range(const char *h, long long *first, long long *last);
/* 1 when the If-None-Match value h (NULL: none) names etag or is "*". */
int serve_oci_etag_match(const char *h, const char *etag);
/* name's value in an application/x-www-form-urlencoded body of n bytes (STS's Query
 * protocol), '+' and %XX decoded, into out (cut to outn - 1 bytes; outn >= 1): 1, 0
 * when name is absent, -1 when the value holds a bad %-escape or a NUL, raw or encoded. */
int serve_form_value(const char *body, size_t n, const char *name, char *out, size_t outn);

#endif
