/* The HTTP side of `ecrlite serve`: libmicrohttpd's callbacks turned into the request
 * life serve.h describes, the state-context pool, and the log line. Which handler a
 * request goes to is the router's choice (given to serve_http_start). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lazy_mhd.h"
#include "serve.h"
#include "serve_int.h"

struct hdr {
	char *name;          /* header name */
	char *value;         /* its value */
	struct hdr *next;    /* the next one to add */
};

struct keep {
	struct keep *next;   /* the next string to free with the request */
	char s[];            /* the string */
};

struct serve_int {
	struct MHD_Connection *conn; /* MHD's connection */
	struct timespec t0;          /* when the headers were in */
	int status;                  /* the status answered, 0 until then */
	int answered;                /* a response is queued */
	int routed;                  /* the handler has been called */
	int failed;                  /* on_body said stop: the rest of the body is dropped */
	int final;                   /* the body is all in (MHD's last call for this request) */
	struct MHD_Response *early;  /* an answer given before the body was read: MHD takes
					a response only once the request is whole, so it waits */
	struct hdr *hdrs;            /* headers for the coming answer, newest first */
	struct ecr_ctx *ctx;         /* borrowed from the pool, or NULL */
	struct keep *keep;           /* strings handed out by serve_header_all & co */
	char *base;                  /* serve_base_url's answer, made on first use */
};

/* ---- the context pool: contexts are opened on demand and reused, never shared --- */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ecr_ctx *pool[256];  /* idle contexts; more than this many are closed */
static int npool;

static struct ecr_ctx *pool_take(struct ecr_err *err)
{
	struct ecr_ctx *ctx = NULL;
	pthread_mutex_lock(&pool_lock);
	if (npool)
		ctx = pool[--npool];
	pthread_mutex_unlock(&pool_lock);
	if (!ctx) {
		if (ecr_ctx_open(&ctx, &serve_config()->opts, err))
			return NULL;
		serve_scan_attach(ctx);
	}
	if (ecr_ctx_set_region(ctx, serve_config()->region, err)) {
		ecr_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

void serve_pool_give(struct ecr_ctx *ctx)
{
	pthread_mutex_lock(&pool_lock);
	if (npool < (int)(sizeof(pool) / sizeof(pool[0]))) {
		pool[npool++] = ctx;
		ctx = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	ecr_ctx_free(ctx);
}

void serve_pool_drain(void)
{
	pthread_mutex_lock(&pool_lock);
	while (npool)
		ecr_ctx_free(pool[--npool]);
	pthread_mutex_unlock(&pool_lock);
}

struct ecr_ctx *serve_ctx(struct serve_req *r, struct ecr_err *err)
{
	if (!r->in->ctx) {
		r->in->ctx = pool_take(err);
		/* proxyEndpoint and GetDownloadUrlForLayer's URLs name the host the client used */
		if (r->in->ctx)
			ecr_ctx_set_endpoint(r->in->ctx, serve_base_url(r));
	}
	return r->in->ctx;
}

/* ---- in-flight accounting, for a clean stop ---- */

static pthread_mutex_t flight_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flight_cond = PTHREAD_COND_INITIALIZER;
static int in_flight;

static void flight(int d)
{
	pthread_mutex_lock(&flight_lock);
	in_flight += d;
	if (!in_flight)
		pthread_cond_broadcast(&flight_cond);
	pthread_mutex_unlock(&flight_lock);
}

int serve_wait_idle(int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&flight_lock);
	while (in_flight && pthread_cond_timedwait(&flight_cond, &flight_lock, &until) != ETIMEDOUT)
		;
	int left = in_flight;
	pthread_mutex_unlock(&flight_lock);
	return left;
}

/* ---- request accessors ---- */

static const char *keep(struct serve_req *r, const char *s, size_t n)
{
	struct keep *k = malloc(sizeof(*k) + n + 1);
	if (!k)
		return NULL;
	memcpy(k->s, s, n);
	k->s[n] = '\0';
	k->next = r->in->keep;
	r->in->keep = k;
	return k->s;
}

const char *serve_header(struct serve_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->in->conn, MHD_HEADER_KIND, name);
}

struct join {
	const char *name;    /* header wanted */
	char *acc;           /* values so far, "," between */
	size_t len;          /* bytes in acc */
	int oom;             /* an allocation failed */
};

static enum MHD_Result join_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct join *j = cls;
	(void)kind;
	if (strcasecmp(key, j->name) || j->oom)
		return MHD_YES;
	size_t n = value ? strlen(value) : 0;
	char *p = realloc(j->acc, j->len + n + 2);
	if (!p) {
		j->oom = 1;
		return MHD_YES;
	}
	j->acc = p;
	if (j->len)
		j->acc[j->len++] = ',';
	memcpy(j->acc + j->len, value ? value : "", n);
	j->len += n;
	j->acc[j->len] = '\0';
	return MHD_YES;
}

const char *serve_header_all(struct serve_req *r, const char *name)
{
	struct join j = {name, NULL, 0, 0};
	MHD_get_connection_values(r->in->conn, MHD_HEADER_KIND, join_one, &j);
	const char *out = j.acc && !j.oom ? keep(r, j.acc, j.len) : NULL;
	free(j.acc);
	return out;
}

struct each {
	void (*fn)(void *ud, const char *name, const char *value); /* the caller's function */
	void *ud;                                                  /* its data */
};

static enum MHD_Result each_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct each *e = cls;
	(void)kind;
	e->fn(e->ud, key, value ? value : "");
	return MHD_YES;
}

void serve_header_each(struct serve_req *r, void (*fn)(void *ud, const char *name, const char *value), void *ud)
{
	struct each e = {fn, ud};
	MHD_get_connection_values(r->in->conn, MHD_HEADER_KIND, each_one, &e);
}

struct qfind {
	const char *name;    /* argument wanted */
	const char *value;   /* found: its value ("" when it had none) */
};

static enum MHD_Result query_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct qfind *q = cls;
	(void)kind;
	if (strcmp(key, q->name))
		return MHD_YES;
	q->value = value ? value : "";
	return MHD_NO; /* the first occurrence wins */
}

const char *serve_query(struct serve_req *r, const char *name)
{
	struct qfind q = {name, NULL};
	MHD_get_connection_values(r->in->conn, MHD_GET_ARGUMENT_KIND, query_one, &q);
	return q.value;
}

void serve_query_each(struct serve_req *r, void (*fn)(void *ud, const char *name, const char *value), void *ud)
{
	struct each e = {fn, ud};
	MHD_get_connection_values(r->in->conn, MHD_GET_ARGUMENT_KIND, each_one, &e);
}

int64_t serve_content_length(struct serve_req *r)
{
	const char *v = serve_header(r, "Content-Length");
	if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 18)
		return -1;
	return strtoll(v, NULL, 10);
}

const char *serve_base_url(struct serve_req *r)
{
	if (!r->in->base) {
		const char *host = serve_header(r, "Host");
		char buf[600];
		int n = snprintf(buf, sizeof(buf), "%s://%s", serve_config()->tls ? "https" : "http",
				 host && *host && strlen(host) < 500 ? host : serve_config()->listen);
		r->in->base = strndup(buf, (size_t)n);
	}
	return r->in->base ? r->in->base : "http://127.0.0.1";
}

/* ---- answers ---- */

void serve_add_header(struct serve_req *r, const char *name, const char *value)
{
	struct hdr *h = calloc(1, sizeof(*h));
	if (!h)
		return;
	h->name = strdup(name);
	h->value = strdup(value);
	h->next = r->in->hdrs;
	r->in->hdrs = h;
}

static void add_headers(struct hdr *h, struct MHD_Response *resp)
{
	if (!h)
		return;
	add_headers(h->next, resp); /* oldest first: the order the handler added them */
	if (h->name && h->value)
		MHD_add_response_header(resp, h->name, h->value);
}

/* 1 when a body follows the headers (Content-Length above 0, or chunked). */
static int has_body(struct serve_req *r)
{
	const char *cl = serve_header(r, "Content-Length"), *te = serve_header(r, "Transfer-Encoding");
	return (cl && strcmp(cl, "0")) || te;
}

static int queue(struct serve_req *r, int status, const char *ctype, struct MHD_Response *resp)
{
	if (!resp)
		return -1;
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	add_headers(r->in->hdrs, resp);
	if (!r->in->final && has_body(r)) {
		/* the rest of the body is read and dropped, then this answer goes */
		r->in->early = resp;
		r->in->answered = 1;
		r->in->status = status;
		return 0;
	}
	enum MHD_Result ok = MHD_queue_response(r->in->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	if (ok != MHD_YES)
		return -1;
	r->in->answered = 1;
	r->in->status = status;
	return 0;
}

int serve_respond(struct serve_req *r, int status, const char *ctype, const void *body, size_t n)
{
	if (r->in->answered)
		return -1;
	return queue(r, status, ctype, MHD_create_response_from_buffer(n, (void *)(n ? body : ""), MHD_RESPMEM_MUST_COPY));
}

int serve_respond_fd(struct serve_req *r, int status, const char *ctype, int fd, uint64_t off, uint64_t n)
{
	if (r->in->answered) {
		close(fd);
		return -1;
	}
	struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(n, fd, off);
	if (!resp) {
		close(fd);
		return -1;
	}
	return queue(r, status, ctype, resp);
}

int serve_respond_json(struct serve_req *r, int status, const char *ctype, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
	int rc = s ? serve_respond(r, status, ctype, s, strlen(s)) : -1;
	free(s);
	return rc;
}

int serve_answered(struct serve_req *r)
{
	return r->in->answered;
}

/* ---- MHD's callbacks ---- */

/* The protocol router serve_main gave serve_http_start: set before the daemon starts. */
static serve_route_fn route;

/* A request's headers, names and values, at most this many bytes: what MHD's connection
 * memory (1 MiB, for upload reads) would otherwise let in; front ends of AWS and other
 * registries take a few dozen KiB at most. */
#define HEADER_MAX (64 * 1024)

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
	return MHD_YES;
}

static size_t header_bytes(struct MHD_Connection *conn)
{
	size_t n = 0;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &n);
	return n;
}

static void req_free(struct serve_req *r)
{
	if (r->in->early) /* the client went away before its body was read */
		MHD_destroy_response(r->in->early);
	if (r->on_free)
		r->on_free(r);
	if (r->in->ctx)
		serve_pool_give(r->in->ctx);
	for (struct hdr *h = r->in->hdrs, *n; h; h = n) {
		n = h->next;
		free(h->name);
		free(h->value);
		free(h);
	}
	for (struct keep *k = r->in->keep, *n; k; k = n) {
		n = k->next;
		free(k);
	}
	free(r->in->base);
	free(r->in);
	free(r);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				 const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct serve_req *r = *con_cls;
	(void)cls;
	(void)version;
	if (!r) { /* the headers are in */
		r = calloc(1, sizeof(*r));
		if (!r || !(r->in = calloc(1, sizeof(*r->in)))) {
			free(r);
			return MHD_NO;
		}
		r->in->conn = conn;
		clock_gettime(CLOCK_MONOTONIC, &r->in->t0);
		r->method = method;
		r->path = url;
		*con_cls = r;
		flight(1);
		/* the handler is called at the next call, not now: MHD closes the connection
		 * after an answer queued on this first call, keep-alive or not */
		return MHD_YES;
	}
	if (!r->in->routed) {
		r->in->routed = 1;
		if (header_bytes(conn) > HEADER_MAX) {
			static const char msg[] = "request headers over 65536 bytes\n";
			serve_respond(r, 431, "text/plain; charset=utf-8", msg, sizeof(msg) - 1);
		} else {
			route(r);
		}
	}
	if (*upload_data_size) {
		if (!r->in->answered && !r->in->failed && r->on_body &&
		    r->on_body(r, upload_data, *upload_data_size))
			r->in->failed = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	r->in->final = 1;
	if (r->in->early) {
		MHD_queue_response(r->in->conn, (unsigned)r->in->status, r->in->early);
		MHD_destroy_response(r->in->early);
		r->in->early = NULL;
		return MHD_YES;
	}
	if (!r->in->answered && r->on_end && !r->in->failed)
		r->on_end(r);
	if (!r->in->answered) {
		static const char msg[] = "{\"__type\":\"ServerException\",\"message\":\"the request was not answered\"}";
		serve_respond(r, 500, "application/x-amz-json-1.1", msg, sizeof(msg) - 1);
	}
	return MHD_YES;
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct serve_req *r = *con_cls;
	(void)cls;
	(void)conn;
	if (!r)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - r->in->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - r->in->t0.tv_nsec) / 1e6;
	/* one line per request; stdio locks stderr per call, so lines never interleave */
	if (!serve_config()->quiet)
		fprintf(stderr, "%s %s %d %.1f ms%s\n", r->method, r->op ? r->op : r->path, r->in->status, ms,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
	req_free(r);
	*con_cls = NULL;
	flight(-1);
}

/* libmicrohttpd's own messages as one line of the server's log, silent with --quiet.
 * The common one is a request it cannot parse, such as the TLS handshake that skopeo and
 * podman try first on a plain-HTTP port: its message quotes the whole HTML error page,
 * which says nothing the status does not. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[1024];
	(void)cls;
	if (serve_config()->quiet)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	char *page = strstr(msg, " ('<html>"), *end = page ? strstr(page, "</html>')") : NULL;
	if (end)
		memmove(page, end + 9, strlen(end + 9) + 1);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	fprintf(stderr, "ecrlite serve: libmicrohttpd: %s\n", msg);
}

struct MHD_Daemon *serve_http_start(unsigned flags, const struct sockaddr *addr, const char *key, const char *cert,
				    unsigned timeout, unsigned max_conns, serve_route_fn router)
{
	route = router;
	flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (key)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls[] = {
		{key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)key},
		{MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert},
		{MHD_OPTION_END, 0, NULL},
	};
	return MHD_start_daemon(flags, 0, NULL, NULL, access_cb, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, as the manual asks */
				MHD_OPTION_SOCK_ADDR, addr,
				MHD_OPTION_NOTIFY_COMPLETED, completed_cb, NULL,
				MHD_OPTION_CONNECTION_TIMEOUT, timeout,
				MHD_OPTION_CONNECTION_LIMIT, max_conns,
				/* per connection: headers and the read buffer. Upload pieces arrive in blocks of
				 * about this size, so 1 MiB rather than 64 KiB cuts a push's server CPU by a
				 * quarter (fewer reads, writes and hash calls); 1024 connections bound it */
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(1024 * 1024),
				MHD_OPTION_ARRAY, tls,
				MHD_OPTION_END);
}
