/* `ecrlite serve`: one HTTP server (libmicrohttpd), two protocols on one port. The
 * router (serve_main.c, called by serve_http.c) hands POST / to the ECR API
 * (serve_api.c) and every /v2/ path to the OCI Distribution API (serve_oci.c). Handlers see only this header: no MHD
 * types, so they need not care that the library is loaded lazily.
 *
 * A request's life, for a handler:
 *   1. handle(r) is called once the headers are in (for a request with a body, before
 *      any of it is read or "100 Continue" is sent). It either answers at once with
 *      serve_respond*() (GET, HEAD, DELETE, errors), or sets r->on_body and r->on_end
 *      (and r->hdata) to take a body. An answer here to a request with a body goes at
 *      once, body unread and the connection closed after, when the client waits for
 *      "100 Continue" or declares more than 64 MiB; otherwise the body is read and
 *      dropped first, so that the client, still sending, sees the answer.
 *   2. on_body(r, chunk, n) is called for each piece of the body as it arrives (MHD's
 *      upload_data: pieces of a few KiB to the connection buffer's size), so a 1 GB
 *      layer streams to disk in bounded memory. It may answer early (an error): the
 *      rest of the body is then read and dropped, at most 64 MiB of it (past that the
 *      connection is closed, the answer with it), and the answer sent. Answers keep the
 *      connection alive, but for those said before an unread body.
 *   3. on_end(r) is called once the whole body has arrived; it must answer.
 *   4. on_free(r) is called when the request is over, answered or not (a client that
 *      went away mid-upload): free r->hdata there, remove temp files.
 * All callbacks of one request run on one thread (a thread per connection), and may
 * block: a slow disk or a long SQLite wait delays only this connection.
 *
 * Ownership: every const char * a serve_* function returns is borrowed until the
 * request is over; serve_respond* copy what they are given except serve_respond_fd,
 * which takes the descriptor. */
#ifndef SERVE_H
#define SERVE_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ecr.h"

struct serve_req;
typedef int (*serve_body_fn)(struct serve_req *r, const char *data, size_t n); /* 0, or -1 to stop reading */
typedef void (*serve_end_fn)(struct serve_req *r);                             /* must answer */
typedef void (*serve_free_fn)(struct serve_req *r);                            /* cleanup only */

struct serve_int; /* the HTTP layer's own part of a request (serve_http.c) */

struct serve_req {
	const char *method;      /* "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", … */
	const char *path;        /* the URL's path, percent-decoded by MHD, without the query */
	const char *op;          /* what the log line names instead of the path (an ECR
				    operation), or NULL; a handler may set it (static string) */
	void *hdata;             /* the handler's own state for this request */
	serve_body_fn on_body;   /* set in handle() to take the body; NULL: a body is refused */
	serve_end_fn on_end;     /* set with on_body: called after the last piece */
	serve_free_fn on_free;   /* called once when the request is over, or NULL */
	struct serve_int *in;    /* router-private */
};

/* How the server was started (serve_conf.c, filled by serve_main.c); read-only once
 * requests are served. */
struct serve_config {
	int no_auth;             /* --no-auth: no SigV4 check, the registry open to all */
	int tls;                 /* serving https */
	const char *region;      /* region for requests that name none (unsigned, --no-auth) */
	const char *home;        /* state directory, or NULL for the default */
	struct ecr_options opts; /* how every thread opens the state (frontends/config.c fills it) */
	int quiet;               /* --quiet: no log line per request */
	char listen[300];        /* "127.0.0.1:5000" as the server listens (for a request without Host) */
};
const struct serve_config *serve_config(void);

/* A request header (case-insensitive name; the first occurrence), or NULL. */
const char *serve_header(struct serve_req *r, const char *name);
/* Every occurrence of a header, in arrival order, joined by ","; NULL when absent.
 * The copy lives until the request is over. (SigV4 canonical headers need this.) */
const char *serve_header_all(struct serve_req *r, const char *name);
/* Calls fn for every request header in arrival order (names as the client sent them). */
void serve_header_each(struct serve_req *r, void (*fn)(void *ud, const char *name, const char *value), void *ud);
/* A query argument (percent-decoded by MHD), or NULL; "" for ?flag with no value. */
const char *serve_query(struct serve_req *r, const char *name);
/* Calls fn for every query argument in arrival order (percent-decoded; "" for no value). */
void serve_query_each(struct serve_req *r, void (*fn)(void *ud, const char *name, const char *value), void *ud);
/* Content-Length, or -1 when the client sent none (chunked transfer). */
int64_t serve_content_length(struct serve_req *r);
/* "http://HOST" or "https://HOST" with the Host the client used: for Location headers,
 * proxyEndpoint and the realm of the registry's challenge. */
const char *serve_base_url(struct serve_req *r);

/* This request's state context: one SQLite connection, taken from the server's pool on
 * the first call and given back when the request is over, so each thread holds its own
 * connection while it works. The region is reset to serve_config()->region at each
 * borrow. NULL with err filled when the state cannot be opened. */
struct ecr_ctx *serve_ctx(struct serve_req *r, struct ecr_err *err);

/* Adds a header to the answer that follows (call before serve_respond*). */
void serve_add_header(struct serve_req *r, const char *name, const char *value);
/* Answers with a copy of body (n bytes; body may be NULL when n is 0). ctype may be
 * NULL (no Content-Type). For HEAD, MHD sends the headers and Content-Length only. */
int serve_respond(struct serve_req *r, int status, const char *ctype, const void *body, size_t n);
/* Answers with n bytes of the open file fd from offset off (a blob; sendfile where it
 * can). Takes fd: it is closed when the answer is sent or the request dies. */
int serve_respond_fd(struct serve_req *r, int status, const char *ctype, int fd, uint64_t off, uint64_t n);
/* Answers with the compact JSON of v (borrowed). */
int serve_respond_json(struct serve_req *r, int status, const char *ctype, json_t *v);
/* 1 once an answer is queued for r. */
int serve_answered(struct serve_req *r);

/* The protocol handlers the router calls once the headers are in (see the top). */
typedef void (*serve_route_fn)(struct serve_req *r);
void serve_api_handle(struct serve_req *r);  /* POST / : AWS JSON 1.1 (serve_api.c) */
void serve_oci_handle(struct serve_req *r);  /* /v2/… : OCI Distribution (serve_oci.c) */

#endif
