/* The ECR API over HTTP: AWS JSON 1.1 (POST /, X-Amz-Target) → ecr_call, with the
 * request's SigV4 signature checked first (serve.md §1–2). Errors are answered as the
 * service answers them: the exception's HTTP status and {"__type", "message"}. */
#define _XOPEN_SOURCE 700 /* strptime */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "model.h"
#include "sigv4.h"
#include "serve.h"
#include "serve_int.h"

#define JSON11 "application/x-amz-json-1.1"
/* The largest request body taken: UploadLayerPart carries a base64 layer part in its
 * JSON, and the service's own parts are at most 20 MiB of bytes (~27 MiB as base64). */
#define MAX_BODY (32u << 20)
#define SKEW (15 * 60) /* ECR's window for X-Amz-Date, either way */

struct kept {
	struct kept *next;
	char s[];                /* a header's value, trimmed */
};

struct api_req {
	struct buf body;         /* the JSON body, as it arrives */
	char *op;                /* the operation named by X-Amz-Target (for the log too) */
	struct kept *kept;       /* hdr()'s copies */
	struct buf joined;       /* lookup()'s answer, remade on each call */
	int sts;                 /* STS's GetCallerIdentity (serve_sts.c), not the ECR API */
};

static int ows(char c)
{
	return c == ' ' || c == '\t';
}

/* A request header's value without the whitespace HTTP puts outside it (RFC 9110 §5.5:
 * libmicrohttpd drops the leading, keeps the trailing), NULL when absent: a client's
 * "X-Amz-Date: 20261204T120000Z " is that date, its X-Amz-Target that operation. */
static const char *hdr(struct serve_req *r, const char *name)
{
	struct api_req *a = r->hdata;
	const char *v = serve_header(r, name);
	size_t n = v ? strlen(v) : 0;
	if (!n || !ows(v[n - 1]))
		return v;
	while (n && ows(v[n - 1]))
		n--;
	struct kept *k = malloc(sizeof(*k) + n + 1);
	if (!k)
		return v; /* untrimmed: a check that reads it fails, as without memory */
	memcpy(k->s, v, n);
	k->s[n] = '\0';
	k->next = a->kept;
	a->kept = k;
	return k->s;
}

static void request_id(char out[37])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		memset(b, 0, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* An answer in the JSON 1.1 protocol's form; type NULL: success with body v. */
static void answer(struct serve_req *r, int status, const char *type, const char *message, json_t *v)
{
	char rid[37];
	const struct api_req *a = r->hdata;
	request_id(rid);
	serve_add_header(r, "x-amzn-RequestId", rid);
	if (type && a && a->sts) {
		serve_sts_error(r, rid, status, type, message);
		return;
	}
	if (type) {
		json_t *e = json_object();
		json_object_set_new(e, "__type", json_string(type));
		if (message)
			json_object_set_new(e, "message", json_string(message));
		serve_respond_json(r, status, JSON11, e);
		json_decref(e);
		return;
	}
	serve_respond_json(r, status, JSON11, v);
}

static int on_body(struct serve_req *r, const char *data, size_t n)
{
	struct api_req *a = r->hdata;
	if (ecr_buf_add(&a->body, data, n)) {
		/* answered now (the buffer freed itself; the rest is read and dropped, up to
		 * serve_http.c's 64 MiB), not at the body's end: a chunked body need not have one
		 * (a chunk of 2^64-1 bytes), and the bytes read past here counted against the
		 * held bodies' 128 MiB until it was out: one such stream read 192 MiB unanswered
		 * and throttled every other held request meanwhile */
		char msg[128];
		snprintf(msg, sizeof(msg), "the request body is over the %u bytes ecrlite takes", MAX_BODY);
		answer(r, 413, "SerializationException", msg, NULL);
	}
	return 0;
}

static void on_free(struct serve_req *r)
{
	struct api_req *a = r->hdata;
	if (!a)
		return;
	ecr_buf_release(&a->body);
	ecr_buf_release(&a->joined);
	for (struct kept *k = a->kept, *next; k; k = next) {
		next = k->next;
		free(k);
	}
	free(a->op);
	free(a);
	r->hdata = NULL;
}

/* ---- SigV4, as the service front door checks it (serve.md §2.5) ---- */

/* a signed header's value as SigV4 canonicalizes it (serve.md §2.2, botocore's
 * canonical_headers): every occurrence trimmed on its own, then joined by ',' (an empty
 * one too: "" and "b" are ",b"); the signer collapses the inner runs of whitespace.
 * Joining first and trimming after kept the space of "a " in "a ,b". */
struct joining {
	const char *name;        /* the lowercase name wanted */
	struct buf *out;         /* the values so far */
	int n;                   /* occurrences seen */
	int failed;              /* out's cap or memory ran out */
};

static void join_one(void *ud, const char *name, const char *value)
{
	struct joining *j = ud;
	if (j->failed || strcasecmp(name, j->name))
		return;
	size_t b = 0, e = strlen(value);
	while (b < e && ows(value[b]))
		b++;
	while (e > b && ows(value[e - 1]))
		e--;
	if ((j->n++ && ecr_buf_add(j->out, ",", 1)) || ecr_buf_add(j->out, value + b, e - b))
		j->failed = 1;
}

static const char *lookup(void *ud, const char *lname)
{
	struct serve_req *r = ud;
	struct api_req *a = r->hdata;
	ecr_buf_release(&a->joined);
	ecr_buf_init(&a->joined, 1 << 16); /* the server's whole header block is 64 KiB */
	struct joining j = {lname, &a->joined, 0, 0};
	serve_header_each(r, join_one, &j);
	if (!j.n || j.failed)
		return NULL; /* absent: the signature fails, as for a header not sent */
	return a->joined.data ? a->joined.data : "";
}

static void fmt_amz(time_t t, char out[17])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static int parse_amz(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strlen(s) == 16 ? strptime(s, "%Y%m%dT%H%M%SZ", &tm) : NULL;
	if (!end || *end)
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* the query string's arguments, for the canonical query and the parameter check */
struct qargs {
	const char **kv;     /* name, value, name, value, … (borrowed from the request) */
	size_t n;            /* pairs */
	size_t cap;          /* pairs allocated */
	int oom;             /* an allocation failed */
	const char *extra;   /* the first argument that is not X-Amz-*, or NULL */
};

static void qarg(void *ud, const char *name, const char *value)
{
	struct qargs *q = ud;
	if (q->oom)
		return;
	if (q->n == q->cap) {
		size_t c = q->cap ? 2 * q->cap : 16;
		const char **kv = c <= 4096 ? realloc(q->kv, 2 * c * sizeof(*kv)) : NULL;
		if (!kv) {
			q->oom = 1;
			return;
		}
		q->kv = kv;
		q->cap = c;
	}
	q->kv[2 * q->n] = name;
	q->kv[2 * q->n + 1] = value;
	q->n++;
	if (!q->extra && strncasecmp(name, "X-Amz-", 6))
		q->extra = name;
}

static const char *query_arg(void *ud, const char *name)
{
	return serve_query(ud, name);
}

static const char *const bad_signature =
	"The request signature we calculated does not match the signature you provided. Check your AWS Secret "
	"Access Key and signing method. Consult the service documentation for details.";

/* 0 when r is signed by a known key (region_out: the scope's region); otherwise the
 * request has been answered with the exception. The signature is in the
 * Authorization header, or in the query string (a presigned request: X-Amz-Algorithm,
 * X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature),
 * never both. */
static int check_auth(struct serve_req *r, const char *body, size_t n, char *region_out, size_t rn)
{
	const char *h = hdr(r, "Authorization"), *qalg = serve_query(r, "X-Amz-Algorithm");
	char msg[2048], now_s[17], lim_s[17], date_s[17], amz_q[17], from_date[17], sh[1030], ph[65], sig[65];
	struct ecr_sigv4_auth a;
	struct qargs q = {0};
	struct buf cq;
	long expires = 0;
	int enforce = !serve_config()->no_auth, presigned = !h && qalg, rc = -1;
	region_out[0] = '\0';
	ecr_buf_init(&cq, 1 << 20);
	if (!h && !qalg) {
		if (enforce)
			answer(r, 403, "MissingAuthenticationTokenException", "Missing Authentication Token", NULL);
		return enforce ? -1 : 0;
	}
	if (h && qalg) {
		if (enforce)
			answer(r, 400, "IncompleteSignatureException",
			       "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization "
			       "header should be specified", NULL);
		return enforce ? -1 : 0;
	}
	if (presigned ? ecr_sigv4_parse_query(query_arg, r, &a, amz_q, &expires, msg, sizeof(msg))
		      : ecr_sigv4_parse(h, &a, msg, sizeof(msg))) {
		if (enforce)
			answer(r, 400, "IncompleteSignatureException", msg, NULL);
		return enforce ? -1 : 0;
	}
	snprintf(region_out, rn, "%s", a.region);
	if (!enforce) /* --no-auth: any signature passes, its region still picks the region */
		return 0;
	const char *amz = presigned ? amz_q : hdr(r, "X-Amz-Date");
	if (!amz) { /* an RFC 7231 Date header instead, as SigV4 allows */
		const char *d = hdr(r, "Date");
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		const char *end = d ? strptime(d, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;
		if (!end || *end) {
			answer(r, 400, "IncompleteSignatureException",
			       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", NULL);
			return -1;
		}
		fmt_amz(timegm(&tm), from_date);
		amz = from_date;
	}
	time_t t, now = time(NULL);
	if (parse_amz(amz, &t)) {
		snprintf(msg, sizeof(msg), "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amz);
		answer(r, 400, "IncompleteSignatureException", msg, NULL);
		return -1;
	}
	fmt_amz(now, now_s);
	fmt_amz(t, date_s);
	/* a header signature lives 15 minutes either side of its date; a presigned one
	 * from (its date - 15 min) until its date + X-Amz-Expires */
	if (presigned && t + expires < now) {
		fmt_amz(now - expires, lim_s);
		snprintf(msg, sizeof(msg), "Signature expired: %s is now earlier than %s (%s - %ld sec.)", date_s, lim_s, now_s,
			 expires);
		answer(r, 400, "InvalidSignatureException", msg, NULL);
		return -1;
	}
	if (!presigned && t < now - SKEW) {
		fmt_amz(now - SKEW, lim_s);
		snprintf(msg, sizeof(msg), "Signature expired: %s is now earlier than %s (%s - 15 min.)", date_s, lim_s, now_s);
		answer(r, 400, "InvalidSignatureException", msg, NULL);
		return -1;
	}
	if (t > now + SKEW) {
		fmt_amz(now + SKEW, lim_s);
		snprintf(msg, sizeof(msg), "Signature not yet current: %s is still later than %s (%s + 15 min.)", date_s, lim_s, now_s);
		answer(r, 400, "InvalidSignatureException", msg, NULL);
		return -1;
	}
	if (strncmp(a.date, amz, 8)) {
		snprintf(msg, sizeof(msg), "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%.8s', from '%s'.",
			 a.date, amz, amz);
		answer(r, 400, "InvalidSignatureException", msg, NULL);
		return -1;
	}
	const char *service = ((struct api_req *)r->hdata)->sts ? "sts" : "ecr";
	if (strcmp(a.service, service)) {
		snprintf(msg, sizeof(msg), "Credential should be scoped to correct service: '%s'. ", service);
		answer(r, 400, "InvalidSignatureException", msg, NULL);
		return -1;
	}
	/* host must be signed, and the date (a presigned request's is in the signed query);
	 * every signed header must be present */
	snprintf(sh, sizeof(sh), ";%s;", a.signed_headers);
	if (!strstr(sh, ";host;") || (!presigned && !strstr(sh, ";x-amz-date;") && !strstr(sh, ";date;"))) {
		answer(r, 400, "InvalidSignatureException",
		       presigned ? "The request signature must sign the 'host' header."
				 : "The request signature must sign the 'host' header and either 'x-amz-date' or 'date'.", NULL);
		return -1;
	}
	const char *token = NULL, *secret = serve_cred_secret(a.akid, &token);
	if (!secret) {
		answer(r, 400, "UnrecognizedClientException", "The security token included in the request is invalid.", NULL);
		return -1;
	}
	if (token) { /* a key configured with a session token takes only requests that sign it */
		const char *t2 = presigned ? serve_query(r, "X-Amz-Security-Token") : hdr(r, "X-Amz-Security-Token");
		if (!t2 || strcmp(t2, token) || (!presigned && !strstr(sh, ";x-amz-security-token;"))) {
			answer(r, 400, "UnrecognizedClientException", "The security token included in the request is invalid.", NULL);
			return -1;
		}
	}
	/* the payload hash: the body's sha256, or UNSIGNED-PAYLOAD when the client says so
	 * in a signed x-amz-content-sha256 (botocore's payload_signing_enabled=False) */
	const char *claimed = hdr(r, "X-Amz-Content-Sha256");
	if (claimed && !strcmp(claimed, ECR_SIGV4_UNSIGNED_PAYLOAD)) {
		if (!strstr(sh, ";x-amz-content-sha256;")) {
			answer(r, 400, "InvalidSignatureException",
			       "x-amz-content-sha256 'UNSIGNED-PAYLOAD' must be among the signed headers.", NULL);
			return -1;
		}
		snprintf(ph, sizeof(ph), "%s", ECR_SIGV4_UNSIGNED_PAYLOAD);
	} else if (claimed && !strncmp(claimed, "STREAMING-", 10)) {
		snprintf(msg, sizeof(msg), "x-amz-content-sha256 '%.100s' is S3's aws-chunked payload signing; the ECR API takes "
					   "the body's sha256 or UNSIGNED-PAYLOAD.", claimed);
		answer(r, 400, "InvalidSignatureException", msg, NULL);
		return -1;
	} else {
		ecr_sigv4_sha256_hex(body ? body : "", n, ph);
		if (claimed && strcmp(claimed, ph)) {
			answer(r, 400, "InvalidSignatureException",
			       "The provided 'x-amz-content-sha256' header does not match what was computed.", NULL);
			return -1;
		}
	}
	serve_query_each(r, qarg, &q);
	if (q.oom || ecr_sigv4_canonical_query(q.kv, q.n, &cq)) {
		answer(r, 400, "InvalidSignatureException", bad_signature, NULL);
		goto out;
	}
	struct ecr_sigv4_req sr = {r->method, "/", cq.data ? cq.data : "", a.signed_headers, lookup, r, ph, amz,
				   a.region, a.service, secret};
	if (ecr_sigv4_sign(&sr, sig, NULL, NULL) || !ecr_sigv4_equal(sig, a.signature)) {
		answer(r, 400, "InvalidSignatureException", bad_signature, NULL);
		goto out;
	}
	/* AWS JSON 1.1 reads the body only: a parameter in the query would be dropped
	 * silently (botocore's generate_presigned_url moves them there) */
	if (q.extra && !((struct api_req *)r->hdata)->sts) {
		snprintf(msg, sizeof(msg), "The ECR API takes its parameters in the JSON body, not in the query string ('%.200s').",
			 q.extra);
		answer(r, 400, "SerializationException", msg, NULL);
		goto out;
	}
	rc = 0;
out:
	free(q.kv);
	ecr_buf_release(&cq);
	return rc;
}

/* ---- the operation ---- */

/* AWS JSON 1.1 reads the body into the model's types before any constraint is looked
 * at: a member of the wrong JSON type is the protocol's SerializationException
 * (serve.md §1.2), as the service's deserializer says it, not a ValidationException.
 * The first one found is named (the deserializer stops there); a null is an absent
 * member, left to validation. */
struct wrong_type {
	char msg[512];                   /* the exception's message */
};

static int type_visit(void *ud, const struct ecr_walk_node *nd)
{
	static const char *const names[] = {[ECR_T_STRUCT] = "Structure", [ECR_T_LIST] = "List", [ECR_T_MAP] = "Map",
					    [ECR_T_STRING] = "String", [ECR_T_INTEGER] = "Integer", [ECR_T_LONG] = "Long",
					    [ECR_T_BOOLEAN] = "Boolean", [ECR_T_TIMESTAMP] = "Timestamp",
					    [ECR_T_BLOB] = "Blob", [ECR_T_DOUBLE] = "Double"};
	struct wrong_type *w = ud;
	json_t *v = nd->value;
	int fits = 1;
	if (!v || json_is_null(v))
		return 1;
	switch (nd->sh->type) {
	case ECR_T_STRUCT:
	case ECR_T_MAP:
		fits = json_is_object(v);
		break;
	case ECR_T_LIST:
		fits = json_is_array(v);
		break;
	case ECR_T_STRING:
	case ECR_T_BLOB:
		fits = json_is_string(v);
		break;
	case ECR_T_INTEGER:
	case ECR_T_LONG:
		fits = json_is_integer(v);
		break;
	case ECR_T_BOOLEAN:
		fits = json_is_boolean(v);
		break;
	case ECR_T_TIMESTAMP:
	case ECR_T_DOUBLE:
		fits = json_is_number(v);
		break;
	}
	if (fits)
		return 0;
	if (json_is_object(v))
		snprintf(w->msg, sizeof(w->msg), "Start of structure or map found where not expected at '%.400s'", nd->path);
	else if (json_is_array(v))
		snprintf(w->msg, sizeof(w->msg), "Start of list found where not expected at '%.400s'", nd->path);
	else
		snprintf(w->msg, sizeof(w->msg), "%s cannot be converted to %s at '%.400s'",
			 json_is_string(v) ? "STRING_VALUE" : json_is_boolean(v) ? "BOOLEAN_VALUE" : "NUMBER_VALUE",
			 names[nd->sh->type], nd->path);
	return -1;
}

/* 0, or -1 with w->msg set: req's first member of the wrong JSON type for op's input */
static int wrong_type(const char *op, json_t *req, struct wrong_type *w)
{
	const struct ecr_op_model *m = ecr_model_op(op);
	const struct ecr_walk_visitor walk = {type_visit, w, ECR_WALK_VALUE_ORDER, "%s.%zu.member", 1};
	return m && m->input >= 0 && req && ecr_model_walk(m->input, req, &walk) < 0 ? -1 : 0;
}

static void on_end(struct serve_req *r)
{
	struct api_req *a = r->hdata;
	struct ecr_err err;
	char region[64], msg[512];
	json_t *req = NULL, *resp = NULL;
	if (check_auth(r, a->body.data, a->body.len, region, sizeof(region)))
		return;
	if (a->sts) {
		char rid[37];
		request_id(rid);
		serve_add_header(r, "x-amzn-RequestId", rid);
		serve_sts_answer(r, rid, a->body.data, a->body.len);
		return;
	}
	const char *target = hdr(r, "X-Amz-Target");
	/* ecrlite's own rows that read this host's files stay local (ecr_op_remote_ok) */
	if (!a->op || (!ecr_model_op(a->op) && (!ecr_op_supported(a->op) || !ecr_op_remote_ok(a->op)))) {
		snprintf(msg, sizeof(msg), "Unknown operation: %s", target ? target : "");
		answer(r, 404, "UnknownOperationException", msg, NULL);
		return;
	}
	if (a->body.len) {
		json_error_t je;
		/* a \u0000 is valid JSON (botocore sends one as given): the model's validation
		 * refuses it by the member's pattern or by name, as for the local CLI. ecrlite's
		 * own rows check their input without the model, so they never see one. */
		req = json_loadb(a->body.data, a->body.len, ecr_model_op(a->op) ? JSON_ALLOW_NUL : 0, &je);
		if (!json_is_object(req)) {
			json_decref(req);
			answer(r, 400, "SerializationException", NULL, NULL);
			return;
		}
	}
	struct wrong_type w;
	if (wrong_type(a->op, req, &w)) {
		json_decref(req);
		answer(r, 400, "SerializationException", w.msg, NULL);
		return;
	}
	struct ecr_ctx *ctx = serve_ctx(r, &err);
	if (!ctx || (region[0] && ecr_ctx_set_region(ctx, region, &err))) {
		json_decref(req);
		if (ctx) /* a region no ECR scope could name */
			answer(r, 400, "InvalidSignatureException", "Credential should be scoped to a valid region. ", NULL);
		else
			answer(r, 500, "ServerException", err.message, NULL);
		return;
	}
	if (ecr_call(ctx, a->op, req, &resp, &err)) {
		const struct ecr_err_info *info = ecr_err_info(err.code);
		answer(r, info->http_status, info->name, err.message, NULL);
	} else {
		answer(r, 200, NULL, NULL, resp);
	}
	json_decref(req);
	json_decref(resp);
}

void serve_api_handle(struct serve_req *r)
{
	/* any other method or path, as AWS's front end answers a request it cannot dispatch
	 * (serve.md §1.2; serve_apidiff.py): not the registry's 405 with Allow, since an
	 * SDK reads __type. A method no route takes at all is 501 before this (serve_http.c) */
	int sts = serve_sts_wanted(r); /* STS's Query protocol also takes a GET / */
	if (strcmp(r->path, "/") || (strcmp(r->method, "POST") && !sts)) {
		char msg[600];
		snprintf(msg, sizeof(msg), "Unknown operation: %s %.500s (the ECR API is POST /, the registry /v2/)",
			 r->method, r->path);
		answer(r, 404, "UnknownOperationException", msg, NULL);
		return;
	}
	struct api_req *a = calloc(1, sizeof(*a));
	if (!a) {
		answer(r, 500, "ServerException", "out of memory", NULL);
		return;
	}
	ecr_buf_init(&a->body, MAX_BODY);
	ecr_buf_init(&a->joined, 1 << 16);
	r->hdata = a;
	const char *target = hdr(r, "X-Amz-Target");
	size_t pl = strlen(ecr_target_prefix);
	if (target && !strncmp(target, ecr_target_prefix, pl) && target[pl] == '.' && target[pl + 1] &&
	    strlen(target + pl + 1) < 128)
		a->op = strdup(target + pl + 1);
	a->sts = sts;
	r->op = a->sts ? "STS" : a->op;
	r->on_body = on_body;
	r->on_end = on_end;
	r->on_free = on_free;
	if (serve_content_length(r) > (int64_t)MAX_BODY) { /* said at once: the body is not read */
		char msg[128];
		snprintf(msg, sizeof(msg), "the request body is over the %u bytes ecrlite takes", MAX_BODY);
		answer(r, 413, "SerializationException", msg, NULL);
	}
}
