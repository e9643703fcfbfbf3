/* The OCI Distribution API (v1.1) on /v2/ (serve.md §3–4): paths and headers turned
 * into core/include/registry.h calls, ECR exceptions turned into registry error codes. No
 * registry rule lives here: repositories, tags, immutability, caps, blob visibility
 * and scan on push are the core's.
 *
 * Auth as ECR's registry: HTTP Basic with user AWS and a GetAuthorizationToken
 * password (core/authtoken.c), else 401 with ECR's challenge and its plain-text body;
 * an expired password is 403 DENIED. `--no-auth` opens it. A blob GET carrying a
 * GetDownloadUrlForLayer signature passes without Basic, as an S3 pre-signed URL. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authtoken.h"
#include "buf.h"
#include "manifest.h"
#include "registry.h"
#include "serve.h"
#include "serve_parse.h"

#define ERR_JSON "application/json; charset=utf-8"

/* One /v2/ request's state while its body arrives. */
struct oci_req {
	enum serve_oci_kind kind;
	char name[260];                  /* repository */
	char ref[300];                   /* tag, digest or upload id */
	struct ecr_repo repo;            /* the repository, loaded */
	struct ecr_upload_writer w;      /* an upload's append (fd >= 0 while open) */
	int writing;                     /* w is open */
	int failed;                      /* an answer was sent early (the body is dropped) */
	char digest[ECR_DIGEST_LEN + 1]; /* PUT/POST ?digest= to finish with */
	long long range_len;             /* a PATCH's Content-Range length, -1 without one */
	struct buf body;                 /* a manifest PUT's bytes */
};

/* ---- answers ---- */

static void common_headers(struct serve_req *r)
{
	serve_add_header(r, "Docker-Distribution-Api-Version", "registry/2.0");
}

static void oci_error(struct serve_req *r, int status, const char *code, const char *message, json_t *detail)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (detail)
		json_object_set_new(e, "detail", detail);
	json_t *body = json_pack("{s:[o]}", "errors", e);
	common_headers(r);
	serve_respond_json(r, status, ERR_JSON, body);
	json_decref(body);
}

/* The registry's answer for a core failure, by what the request was doing. */
static void core_error(struct serve_req *r, struct oci_req *o, const struct ecr_err *err)
{
	const char *m = err->message;
	switch (err->code) {
	case ECR_E_REPOSITORY_NOT_FOUND:
		oci_error(r, 404, "NAME_UNKNOWN", m, json_pack("{s:s}", "name", o->name));
		return;
	case ECR_E_IMAGE_NOT_FOUND:
		oci_error(r, 404, "MANIFEST_UNKNOWN", m, NULL);
		return;
	case ECR_E_LAYERS_NOT_FOUND:
	case ECR_E_REFERENCED_IMAGES_NOT_FOUND:
		if (o->kind == K_MANIFEST)
			oci_error(r, 400, "MANIFEST_BLOB_UNKNOWN", m, NULL);
		else
			oci_error(r, 404, "BLOB_UNKNOWN", m, json_pack("{s:s}", "digest", o->ref));
		return;
	case ECR_E_INVALID_PARAMETER:
	case ECR_E_VALIDATION:
		oci_error(r, 400, o->kind == K_MANIFEST ? "MANIFEST_INVALID" : "BLOB_UPLOAD_INVALID", m, NULL);
		return;
	case ECR_E_IMAGE_DIGEST_MISMATCH:
	case ECR_E_INVALID_LAYER:
		oci_error(r, 400, "DIGEST_INVALID", m, NULL);
		return;
	case ECR_E_IMAGE_TAG_ALREADY_EXISTS:
		oci_error(r, 400, "TAG_INVALID", m, NULL);
		return;
	case ECR_E_UPLOAD_NOT_FOUND:
		oci_error(r, 404, "BLOB_UPLOAD_UNKNOWN", m, NULL);
		return;
	case ECR_E_INVALID_LAYER_PART:
		oci_error(r, 416, "BLOB_UPLOAD_INVALID", m, NULL);
		return;
	case ECR_E_LIMIT_EXCEEDED:
		if (o->writing || o->kind == K_MANIFEST)
			oci_error(r, 413, "SIZE_INVALID", m, NULL);
		else
			oci_error(r, 429, "TOOMANYREQUESTS", m, NULL);
		return;
	default:
		oci_error(r, 500, "UNKNOWN", m, NULL);
		return;
	}
}

static void not_authorized(struct serve_req *r)
{
	char ch[700];
	snprintf(ch, sizeof(ch), "Basic realm=\"%s/\",service=\"ecr.amazonaws.com\"", serve_base_url(r));
	common_headers(r);
	serve_add_header(r, "WWW-Authenticate", ch);
	serve_respond(r, 401, "text/plain; charset=utf-8", "Not Authorized\n", 15);
}

static void location(struct serve_req *r, const char *fmt_name, const char *what, const char *id)
{
	char loc[1200];
	snprintf(loc, sizeof(loc), "%s/v2/%s/%s/%s", serve_base_url(r), fmt_name, what, id);
	serve_add_header(r, "Location", loc);
}

static void range_header(struct serve_req *r, long long size)
{
	char rng[64];
	snprintf(rng, sizeof(rng), "0-%lld", size > 0 ? size - 1 : 0);
	serve_add_header(r, "Range", rng);
}

/* 202 for an open session: where to send the next part, and what arrived so far. */
static void upload_accepted(struct serve_req *r, struct oci_req *o, const char *id, long long size, int status)
{
	common_headers(r);
	location(r, o->name, "blobs/uploads", id);
	range_header(r, size);
	serve_add_header(r, "Docker-Upload-UUID", id);
	serve_respond(r, status, NULL, NULL, 0);
}

static void blob_created(struct serve_req *r, struct oci_req *o, const char *digest)
{
	common_headers(r);
	location(r, o->name, "blobs", digest);
	serve_add_header(r, "Docker-Content-Digest", digest);
	serve_respond(r, 201, NULL, NULL, 0);
}

/* ---- paths ---- */

/* ---- auth ---- */

/* 0 when the request may go on (ctx's region and *account set); else answered. */
static int authorize(struct serve_req *r, struct ecr_ctx *ctx, struct oci_req *o, char account[16])
{
	char acc[16], reg[32];
	struct ecr_err err = {0};
	snprintf(account, 16, "%s", ecr_ctx_account(ctx));
	if (serve_config()->no_auth)
		return 0;
	/* GetDownloadUrlForLayer's URL: a plain GET of one blob, for an hour */
	const char *exp = serve_query(r, "X-Ecrlite-Expires"), *sig = serve_query(r, "X-Ecrlite-Signature");
	const char *url_acct = serve_query(r, "X-Ecrlite-Registry"), *url_region = serve_query(r, "X-Ecrlite-Region");
	/* the URL's registry and region are the signed call's, which need not be the server's */
	if (o->kind == K_BLOB && exp && sig && url_acct && url_region && !strcmp(r->method, "GET") &&
	    strlen(url_acct) == 12 && strspn(url_acct, "0123456789") == 12 &&
	    ecr_authtoken_url_ok(ctx, url_acct, url_region, o->name, o->ref, exp, sig) &&
	    !ecr_ctx_set_region(ctx, url_region, &err)) {
		snprintf(account, 16, "%s", url_acct);
		return 0;
	}
	enum ecr_auth_result a = ecr_authtoken_verify_basic(ctx, serve_header(r, "Authorization"), acc, reg);
	if (a == ECR_AUTH_EXPIRED) {
		oci_error(r, 403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.", NULL);
		return -1;
	}
	if (a != ECR_AUTH_OK) {
		not_authorized(r);
		return -1;
	}
	/* the token names the registry and region it was issued for, as ECR's host does */
	snprintf(account, 16, "%s", acc);
	if (ecr_ctx_set_region(ctx, reg, &err)) {
		not_authorized(r);
		return -1;
	}
	return 0;
}

/* ---- handlers ---- */

static long long query_ll(struct serve_req *r, const char *name, long long dflt)
{
	const char *v = serve_query(r, name);
	char *end;
	if (!v || !*v)
		return dflt;
	long long x = strtoll(v, &end, 10);
	return *end || x < 0 ? dflt : x;
}

static void list_answer(struct serve_req *r, struct oci_req *o, const char *key, json_t *list, int more, long long n,
			const char *what)
{
	json_t *body = json_object();
	if (o->kind == K_TAGS)
		json_object_set_new(body, "name", json_string(o->name));
	json_object_set(body, key, list);
	if (more && json_array_size(list)) {
		char link[1400];
		const char *last = json_string_value(json_array_get(list, json_array_size(list) - 1));
		snprintf(link, sizeof(link), "</v2/%s%s?n=%lld&last=%s>; rel=\"next\"", o->kind == K_TAGS ? o->name : "",
			 what, n, last);
		serve_add_header(r, "Link", link);
	}
	common_headers(r);
	serve_respond_json(r, 200, "application/json; charset=utf-8", body);
	json_decref(body);
}

static void do_tags(struct serve_req *r, struct ecr_ctx *ctx, struct oci_req *o)
{
	json_t *tags = NULL;
	int more = 0;
	struct ecr_err err = {0};
	long long n = query_ll(r, "n", -1);
	if (ecr_registry_tags(ctx, &o->repo, serve_query(r, "last"), n, &tags, &more, &err)) {
		core_error(r, o, &err);
		return;
	}
	list_answer(r, o, "tags", tags, more, n, "/tags/list");
	json_decref(tags);
}

/* If-None-Match names the etag (RFC 9110 §13.1.2: a server that sends ETags evaluates
 * the preconditions it receives) */
static int none_match(struct serve_req *r, const char *etag)
{
	return serve_oci_etag_match(serve_header_all(r, "If-None-Match"), etag);
}


static void do_blob(struct serve_req *r, struct ecr_ctx *ctx, struct oci_req *o)
{
	long long size, off = 0, len;
	char path[4096], hdr[sizeof(((struct oci_req *)0)->ref) + 3]; /* "ETag": the reference quoted */
	struct ecr_err err = {0};
	if (!ecr_digest_valid(o->ref)) {
		oci_error(r, 400, "DIGEST_INVALID", "invalid digest", json_pack("{s:s}", "digest", o->ref));
		return;
	}
	if (ecr_registry_blob(ctx, &o->repo, o->ref, &size, path, sizeof(path), &err)) {
		core_error(r, o, &err);
		return;
	}
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		oci_error(r, 404, "BLOB_UNKNOWN", "blob missing from the store", json_pack("{s:s}", "digest", o->ref));
		return;
	}
	common_headers(r);
	serve_add_header(r, "Docker-Content-Digest", o->ref);
	serve_add_header(r, "Accept-Ranges", "bytes");
	snprintf(hdr, sizeof(hdr), "\"%s\"", o->ref);
	serve_add_header(r, "ETag", hdr);
	serve_add_header(r, "Cache-Control", "max-age=31536000");
	if (none_match(r, hdr)) {
		/* before Range: a 304 has no range (RFC 9110 §13.2.2); the blob's size is
		 * its Content-Length, as in a 200 (RFC 9110 §8.6), and no byte is sent */
		serve_respond_fd(r, 304, NULL, fd, 0, (uint64_t)size);
		return;
	}
	int rg = serve_oci_range(serve_header(r, "Range"), size, &off, &len);
	if (rg < 0) {
		close(fd);
		snprintf(hdr, sizeof(hdr), "bytes */%lld", size);
		serve_add_header(r, "Content-Range", hdr);
		serve_respond(r, 416, NULL, NULL, 0);
		return;
	}
	if (rg > 0) {
		snprintf(hdr, sizeof(hdr), "bytes %lld-%lld/%lld", off, off + len - 1, size);
		serve_add_header(r, "Content-Range", hdr);
		serve_respond_fd(r, 206, "application/octet-stream", fd, (uint64_t)off, (uint64_t)len);
		return;
	}
	serve_respond_fd(r, 200, "application/octet-stream", fd, 0, (uint64_t)size);
}

static void do_manifest_get(struct serve_req *r, struct ecr_ctx *ctx, struct oci_req *o)
{
	struct ecr_registry_manifest m;
	struct ecr_err err = {0};
	char etag[ECR_DIGEST_LEN + 3];
	int head = !strcmp(r->method, "HEAD");
	if (strchr(o->ref, ':') && !ecr_digest_valid(o->ref)) {
		oci_error(r, 400, "DIGEST_INVALID", "invalid digest", json_pack("{s:s}", "digest", o->ref));
		return;
	}
	/* docker sends one Accept header per type: all of them count */
	if (ecr_registry_manifest_get(ctx, &o->repo, o->ref, serve_header_all(r, "Accept"), !head, &m, &err)) {
		core_error(r, o, &err);
		return;
	}
	common_headers(r);
	serve_add_header(r, "Docker-Content-Digest", m.digest);
	snprintf(etag, sizeof(etag), "\"%s\"", m.digest);
	serve_add_header(r, "ETag", etag);
	if (none_match(r, etag)) {
		/* the bytes are given so that Content-Length is the 200's, as RFC 9110 §8.6
		 * requires of one in a 304 (the HTTP layer sends none of the body) */
		serve_respond(r, 304, NULL, m.body, m.len);
		ecr_registry_manifest_release(&m);
		return;
	}
	/* the stored bytes with their own type, or by tag ECR's conversion (schema 2 <->
	 * OCI) for a client that does not accept the stored type */
	serve_respond(r, 200, m.media_type, m.body, m.len);
	ecr_registry_manifest_release(&m);
}

static void do_manifest_delete(struct serve_req *r, struct ecr_ctx *ctx, struct oci_req *o)
{
	struct ecr_err err = {0};
	if (strchr(o->ref, ':') && !ecr_digest_valid(o->ref)) {
		oci_error(r, 400, "DIGEST_INVALID", "invalid digest", json_pack("{s:s}", "digest", o->ref));
		return;
	}
	int referenced;
	if (ecr_registry_manifest_delete(ctx, &o->repo, o->ref, &referenced, &err)) {
		/* A platform image an index names: ECR's BatchDeleteImage keeps it
		 * (ImageReferencedByManifestList), and ECR's registry API is authorised and run
		 * as the ECR operations (serve.md §3.3), so its DELETE keeps it too. The spec has
		 * no code for it: end-9's 400/405 mean "deletion is not supported", which would
		 * tell a client to stop trying, and 403 reads as a permission problem. 409
		 * Conflict is HTTP's "the resource's current state forbids it" (RFC 9110
		 * §15.5.10): deleting the index first makes it succeed. DENIED is the spec's
		 * code for a refused operation; the message is ECR's, naming the indexes. */
		if (referenced)
			oci_error(r, 409, "DENIED", err.message, json_pack("{s:s}", "digest", o->ref));
		else
			core_error(r, o, &err);
		return;
	}
	common_headers(r);
	serve_respond(r, 202, NULL, NULL, 0);
}

static int manifest_body(struct serve_req *r, const char *data, size_t n)
{
	struct oci_req *o = r->hdata;
	if (o->failed)
		return -1;
	if (o->body.len + n > ECR_MANIFEST_MAX || ecr_buf_add(&o->body, data, n)) {
		o->failed = 1;
		oci_error(r, 413, "SIZE_INVALID", "A manifest is at most 4194304 bytes", NULL);
		return -1;
	}
	return 0;
}

static void manifest_end(struct serve_req *r)
{
	struct oci_req *o = r->hdata;
	struct ecr_err err = {0};
	char digest[ECR_DIGEST_LEN + 1], subject[ECR_DIGEST_LEN + 1];
	if (o->failed || serve_answered(r))
		return;
	struct ecr_ctx *ctx = serve_ctx(r, &err);
	if (!ctx) {
		oci_error(r, 500, "UNKNOWN", err.message, NULL);
		return;
	}
	if (ecr_registry_manifest_put(ctx, &o->repo, o->ref, o->body.data ? o->body.data : "", o->body.len,
				      serve_header(r, "Content-Type"), digest, subject, &err)) {
		core_error(r, o, &err);
		return;
	}
	common_headers(r);
	location(r, o->name, "manifests", digest);
	serve_add_header(r, "Docker-Content-Digest", digest);
	if (*subject)
		serve_add_header(r, "OCI-Subject", subject);
	serve_respond(r, 201, NULL, NULL, 0);
}

/* ---- uploads ---- */

static int upload_body(struct serve_req *r, const char *data, size_t n)
{
	struct oci_req *o = r->hdata;
	struct ecr_err err = {0};
	if (o->failed)
		return -1;
	if (!o->writing)
		return 0;
	if (ecr_upload_write(&o->w, data, n, &err)) {
		o->failed = 1;
		core_error(r, o, &err);
		ecr_upload_abort(&o->w);
		o->writing = 0;
		return -1;
	}
	return 0;
}

/* After the body: record the part, then (PUT, POST ?digest=) complete the blob. */
static void upload_end(struct serve_req *r)
{
	struct oci_req *o = r->hdata;
	struct ecr_err err = {0};
	long long size = 0;
	if (o->failed || serve_answered(r))
		return;
	struct ecr_ctx *ctx = serve_ctx(r, &err);
	if (!ctx) {
		oci_error(r, 500, "UNKNOWN", err.message, NULL);
		return;
	}
	if (o->writing) {
		size = o->w.size;
		o->writing = 0;
		if (o->range_len >= 0 && size - o->w.start != o->range_len) {
			/* a body in chunked coding has no Content-Length to check up front: the
			 * part is kept only if it is the Content-Range the client declared */
			ecr_upload_abort(&o->w);
			oci_error(r, 400, "SIZE_INVALID", "Content-Range and the body's length disagree", NULL);
			return;
		}
		if (ecr_upload_close(ctx, &o->w, 1, &err)) {
			core_error(r, o, &err);
			return;
		}
	} else if (!o->digest[0] && ecr_upload_size(ctx, &o->repo, o->ref, &size, &err)) {
		/* an empty PATCH appends nothing: its Range is what the session holds, and a
		 * session that does not exist is 404 as for a PATCH with bytes */
		core_error(r, o, &err);
		return;
	}
	if (!o->digest[0]) {
		upload_accepted(r, o, o->ref, size, 202);
		return;
	}
	if (ecr_upload_finish(ctx, &o->repo, o->ref, o->digest, 0, 1, NULL, &err)) {
		core_error(r, o, &err);
		return;
	}
	blob_created(r, o, o->digest);
}

/* Opens the session for the body that follows (PATCH, PUT with bytes, POST ?digest=). */
static int upload_take_body(struct serve_req *r, struct ecr_ctx *ctx, struct oci_req *o, long long first)
{
	struct ecr_err err = {0};
	long long have = 0;
	int64_t cl = serve_content_length(r);
	r->on_body = upload_body;
	r->on_end = upload_end;
	if (cl == 0)
		return 0; /* nothing to append: upload_end finishes or reports */
	if (ecr_upload_open(ctx, &o->repo, o->ref, first, 1, &o->w, &have, &err)) {
		if (err.code == ECR_E_INVALID_LAYER_PART) {
			/* out of order: 416 with what the session holds, so the client can resume */
			common_headers(r);
			location(r, o->name, "blobs/uploads", o->ref);
			range_header(r, have);
			json_t *body = json_pack("{s:[{s:s, s:s}]}", "errors", "code", "BLOB_UPLOAD_INVALID", "message", err.message);
			serve_respond_json(r, 416, ERR_JSON, body);
			json_decref(body);
		} else {
			core_error(r, o, &err);
		}
		o->failed = 1;
		return -1;
	}
	o->writing = 1;
	if (cl > 0 && o->w.size + cl > ECR_UPLOAD_MAX_SIZE) {
		ecr_upload_abort(&o->w);
		o->writing = 0;
		o->failed = 1;
		oci_error(r, 413, "SIZE_INVALID", "A layer is at most 54525952000 bytes", NULL);
		return -1;
	}
	return 0;
}

static void do_upload(struct serve_req *r, struct ecr_ctx *ctx, struct oci_req *o)
{
	struct ecr_err err = {0};
	const char *dg = serve_query(r, "digest");
	if (dg) {
		if (!ecr_digest_valid(dg)) {
			oci_error(r, 400, "DIGEST_INVALID", "invalid digest", json_pack("{s:s}", "digest", dg));
			return;
		}
		snprintf(o->digest, sizeof(o->digest), "%s", dg);
	}
	if (!strcmp(r->method, "POST")) { /* to /blobs/uploads/ (methods_ok) */
		const char *mount = serve_query(r, "mount"), *from = serve_query(r, "from");
		if (mount && from && ecr_digest_valid(mount) && serve_oci_name_ok(from) &&
		    !ecr_registry_mount(ctx, &o->repo, from, mount, &err)) {
			blob_created(r, o, mount);
			return;
		}
		char id[ECR_UPLOAD_ID_LEN + 1];
		if (ecr_registry_upload_start(ctx, &o->repo, id, &err)) {
			core_error(r, o, &err);
			return;
		}
		snprintf(o->ref, sizeof(o->ref), "%s", id);
		/* monolithic POST ?digest= with the blob as its body: one request */
		if (o->digest[0] && serve_content_length(r) != 0) {
			upload_take_body(r, ctx, o, 0);
			return;
		}
		o->digest[0] = '\0';
		upload_accepted(r, o, id, 0, 202);
		return;
	}
	if (!o->ref[0]) {
		oci_error(r, 404, "BLOB_UPLOAD_UNKNOWN", "no upload named", NULL);
		return;
	}
	if (!strcmp(r->method, "GET")) {
		long long size;
		if (ecr_upload_size(ctx, &o->repo, o->ref, &size, &err)) {
			core_error(r, o, &err);
			return;
		}
		upload_accepted(r, o, o->ref, size, 204);
		return;
	}
	if (!strcmp(r->method, "DELETE")) {
		if (ecr_upload_cancel(ctx, &o->repo, o->ref, &err)) {
			core_error(r, o, &err);
			return;
		}
		common_headers(r);
		serve_respond(r, 204, NULL, NULL, 0);
		return;
	}
	if (!strcmp(r->method, "PATCH")) {
		long long first = -1;
		const char *cr = serve_header(r, "Content-Range");
		if (cr) {
			long long a, b;
			if (serve_oci_content_range(cr, &a, &b)) {
				oci_error(r, 416, "BLOB_UPLOAD_INVALID", "Content-Range must be <start>-<end>", NULL);
				return;
			}
			int64_t cl = serve_content_length(r);
			if (cl >= 0 && cl != b - a + 1) {
				oci_error(r, 400, "SIZE_INVALID", "Content-Range and Content-Length disagree", NULL);
				return;
			}
			first = a;
			o->range_len = b - a + 1;
		}
		o->digest[0] = '\0';
		upload_take_body(r, ctx, o, first);
		return;
	}
	if (!strcmp(r->method, "PUT")) {
		if (!o->digest[0]) {
			oci_error(r, 400, "DIGEST_INVALID", "the closing PUT needs ?digest=", NULL);
			return;
		}
		upload_take_body(r, ctx, o, -1);
		if (!serve_answered(r) && serve_content_length(r) == 0)
			upload_end(r); /* no body: finish now */
	}
}

static void oci_free(struct serve_req *r)
{
	struct oci_req *o = r->hdata;
	if (!o)
		return;
	if (o->writing)
		ecr_upload_abort(&o->w); /* the client went away: its partial part is not kept */
	ecr_buf_release(&o->body);
	free(o);
	r->hdata = NULL;
}

/* The methods a route takes, by the path's shape alone (no repository need exist): the
 * Allow header of its 405 and of its OPTIONS answer (RFC 9110 §10.2.1, §15.5.6). NULL
 * for no route (404). */
static const char *allowed(const struct oci_req *o)
{
	switch (o->kind) {
	case K_BASE:
	case K_CATALOG:
	case K_TAGS:
	case K_REFERRERS:
	case K_BLOB: /* a layer goes with the images that use it (BatchDeleteImage) */
		return "GET, HEAD, OPTIONS";
	case K_MANIFEST:
		return "GET, HEAD, PUT, DELETE, OPTIONS";
	case K_UPLOAD:
		/* /blobs/uploads/ (no id) takes the others too, answering 404 BLOB_UPLOAD_UNKNOWN
		 * (no upload named) to them, as distribution does */
		return o->ref[0] ? "GET, PATCH, PUT, DELETE, OPTIONS" : "GET, POST, PATCH, PUT, DELETE, OPTIONS";
	default:
		return NULL;
	}
}

/* 1 when the route takes the request's method and the handler goes on; else answered:
 * OPTIONS 200 with Allow, another method 405 UNSUPPORTED with Allow, before the
 * repository is looked up, as distribution does (a DELETE of tags/list was answered
 * as a GET, a POST to a manifest of a missing repository NAME_UNKNOWN). */
static int methods_ok(struct serve_req *r, const struct oci_req *o)
{
	const char *allow = allowed(o), *m = r->method, *p;
	size_t n = strlen(m);
	if (!allow)
		return 1;
	for (p = allow; (p = strstr(p, m)); p += n)
		if ((p == allow || p[-1] == ' ') && (!p[n] || p[n] == ','))
			break;
	if (p && strcmp(m, "OPTIONS"))
		return 1;
	serve_add_header(r, "Allow", allow);
	if (p) {
		common_headers(r);
		serve_respond(r, 200, NULL, NULL, 0);
	} else {
		oci_error(r, 405, "UNSUPPORTED", !strcmp(m, "DELETE") && o->kind == K_BLOB
			  ? "Layers are removed with the images that use them (BatchDeleteImage)"
			  : "method not allowed here (Allow says which are)", NULL);
	}
	return 0;
}

void serve_oci_handle(struct serve_req *r)
{
	struct ecr_err err = {0};
	struct oci_req *o = calloc(1, sizeof(*o));
	char account[16];
	if (!o) {
		serve_respond(r, 500, NULL, NULL, 0);
		return;
	}
	o->w.fd = -1;
	o->range_len = -1;
	r->hdata = o;
	r->on_free = oci_free;
	o->kind = serve_oci_path(r->path, o->name, sizeof(o->name), o->ref, sizeof(o->ref));
	struct ecr_ctx *ctx = serve_ctx(r, &err);
	if (!ctx) {
		oci_error(r, 500, "UNKNOWN", err.message, NULL);
		return;
	}
	if (authorize(r, ctx, o, account))
		return;
	if (!methods_ok(r, o))
		return;
	if (o->kind == K_BASE) {
		common_headers(r);
		serve_respond(r, 200, "application/json; charset=utf-8", "{}", 2);
		return;
	}
	if (o->kind == K_CATALOG) {
		int more = 0;
		long long n = query_ll(r, "n", -1);
		json_t *names;
		if (ecr_registry_catalog(ctx, account, serve_query(r, "last"), n, &names, &more, &err)) {
			core_error(r, o, &err);
			return;
		}
		list_answer(r, o, "repositories", names, more, n, "_catalog");
		json_decref(names);
		return;
	}
	if (o->kind == K_NONE) {
		oci_error(r, 404, "NAME_UNKNOWN", "no such registry route", NULL);
		return;
	}
	if (!serve_oci_name_ok(o->name)) {
		oci_error(r, 400, "NAME_INVALID", "invalid repository name", json_pack("{s:s}", "name", o->name));
		return;
	}
	/* ECR never creates a repository on push */
	if (ecr_registry_repo(ctx, account, o->name, &o->repo, &err)) {
		if (err.code == ECR_E_REPOSITORY_NOT_FOUND)
			snprintf(err.message, sizeof(err.message),
				 "The repository with name '%s' does not exist in the registry with id '%s'", o->name, account);
		core_error(r, o, &err);
		return;
	}
	switch (o->kind) {
	case K_TAGS:
		do_tags(r, ctx, o);
		return;
	case K_BLOB:
		do_blob(r, ctx, o);
		return;
	case K_UPLOAD:
		do_upload(r, ctx, o);
		return;
	case K_REFERRERS: {
		const char *at = serve_query(r, "artifactType");
		if (!ecr_digest_valid(o->ref)) {
			oci_error(r, 400, "DIGEST_INVALID", "invalid digest", json_pack("{s:s}", "digest", o->ref));
			return;
		}
		json_t *idx;
		if (ecr_registry_referrers(ctx, &o->repo, o->ref, at, &idx, &err)) {
			core_error(r, o, &err);
			return;
		}
		common_headers(r);
		if (at)
			serve_add_header(r, "OCI-Filters-Applied", "artifactType");
		serve_respond_json(r, 200, ECR_MT_OCI_INDEX, idx);
		json_decref(idx);
		return;
	}
	case K_MANIFEST:
		if (!strchr(o->ref, ':') && !serve_oci_tag_ok(o->ref)) {
			/* TAG_INVALID: the code ECR answers a refused tag with (serve.md §4.8) */
			oci_error(r, 400, "TAG_INVALID", "invalid tag: a tag is [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}",
				  json_pack("{s:s}", "tag", o->ref));
			return;
		}
		if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) {
			do_manifest_get(r, ctx, o);
		} else if (!strcmp(r->method, "DELETE")) {
			do_manifest_delete(r, ctx, o);
		} else { /* PUT (methods_ok) */
			int64_t cl = serve_content_length(r);
			if (cl > (int64_t)ECR_MANIFEST_MAX) {
				oci_error(r, 413, "SIZE_INVALID", "A manifest is at most 4194304 bytes", NULL);
				return;
			}
			ecr_buf_init(&o->body, ECR_MANIFEST_MAX + 1);
			r->on_body = manifest_body;
			r->on_end = manifest_end;
		}
		return;
	default:
		oci_error(r, 404, "NAME_UNKNOWN", "no such registry route", NULL);
		return;
	}
}
