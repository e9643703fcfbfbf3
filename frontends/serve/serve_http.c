/* The HTTP side of `ecrlite serve`: libmicrohttpd's callbacks turned into the request
 * life serve.h describes, the state-context pool, and the log line. Which handler a
 * request goes to is the router's choice (given to serve_http_start). */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
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

struct slot;

struct serve_int {
	struct MHD_Connection *conn; /* MHD's connection */
	struct timespec t0;          /* when the headers were in */
	int status;                  /* the status answered, 0 until then */
	int answered;                /* a response is queued */
	int routed;                  /* the handler has been called */
	int failed;                  /* on_body said stop: the rest of the body is dropped */
	int final;                   /* the body is all in (MHD's last call for this request) */
	int first;                   /* in MHD's first call (headers in, no body read): an answer
					queued now goes at once, and MHD closes the connection
					after it without reading the body */
	uint64_t dropped;            /* body bytes read and dropped after an early answer */
	int refused;                 /* refusal() said no: where the body ends is not known */
	const char *held;            /* serve_req_held's answer when the budget is out, or NULL */
	int held_status;             /* its status */
	const char *held_ctype;      /* its Content-Type */
	const char *held_hname;      /* a header to go with it, or NULL */
	const char *held_hvalue;     /* its value */
	uint64_t seen;               /* body bytes arrived */
	uint64_t charged;            /* of them, counted against held_bytes */
	struct slot *slot;           /* the connection's (serve_http.c's list), or NULL */
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

static void cut_stalled(int seconds);

/* A request whose body has not moved for this long at a stop is cut rather than waited
 * for: its client has stalled (or is slow on purpose), and waiting for it held the stop
 * for the whole grace, or until the idle timeout (60 s) ended it. */
#define STALL_AT_STOP 3

int serve_wait_idle(int seconds)
{
	struct timespec end, until;
	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += seconds;
	pthread_mutex_lock(&flight_lock);
	while (in_flight) {
		clock_gettime(CLOCK_REALTIME, &until);
		if (until.tv_sec > end.tv_sec || (until.tv_sec == end.tv_sec && until.tv_nsec >= end.tv_nsec))
			break;
		until.tv_sec += 1; /* a look at the stalled bodies each second */
		if (until.tv_sec > end.tv_sec || (until.tv_sec == end.tv_sec && until.tv_nsec > end.tv_nsec))
			until = end;
		pthread_cond_timedwait(&flight_cond, &flight_lock, &until);
		if (in_flight) {
			pthread_mutex_unlock(&flight_lock);
			cut_stalled(STALL_AT_STOP);
			pthread_mutex_lock(&flight_lock);
		}
	}
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

/* A field value's length without the whitespace that may end it: libmicrohttpd drops
 * the leading OWS but keeps the trailing (RFC 9110 §5.5: neither is part of the value). */
static size_t trimmed(const char *v)
{
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return n;
}

const char *serve_header(struct serve_req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->in->conn, MHD_HEADER_KIND, name);
	size_t n = v ? trimmed(v) : 0;
	if (!v || !v[n])
		return v;
	const char *t = keep(r, v, n);
	return t ? t : v; /* untrimmed without memory: a check that reads it fails */
}

struct join {
	const char *name;    /* header wanted */
	char *acc;           /* values so far, "," between */
	size_t len;          /* bytes in acc */
	int nvalues;         /* how many joined (an empty first one still takes a comma) */
	int oom;             /* an allocation failed */
};

static enum MHD_Result join_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct join *j = cls;
	(void)kind;
	if (strcasecmp(key, j->name) || j->oom)
		return MHD_YES;
	size_t n = value ? trimmed(value) : 0;
	char *p = realloc(j->acc, j->len + n + 2);
	if (!p) {
		j->oom = 1;
		return MHD_YES;
	}
	j->acc = p;
	if (j->nvalues++)
		j->acc[j->len++] = ',';
	memcpy(j->acc + j->len, value ? value : "", n);
	j->len += n;
	j->acc[j->len] = '\0';
	return MHD_YES;
}

const char *serve_header_all(struct serve_req *r, const char *name)
{
	struct join j = {name, NULL, 0, 0, 0};
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

/* After an early answer (a refusal, a cap passed mid-body), the rest of the body is read
 * and dropped so that the client sees the answer: closing over a body still coming makes
 * the kernel send a reset, which can reach the client before the answer does. At most
 * this much: past it the connection is closed (a chunked body has no end the server
 * knows of, and reading one for ever held the connection for ever). */
#define DROP_MAX ((uint64_t)64 << 20)

/* 1 when an answer given before the body should wait for the body (read and dropped);
 * 0 when it goes at once: the client waits for "100 Continue" and so sends no body
 * (RFC 9110 §10.1.1), or it says its body is larger than DROP_MAX. */
static int drop_body(struct serve_req *r)
{
	const char *ex = serve_header(r, "Expect");
	if (ex && !strcasecmp(ex, "100-continue"))
		return 0;
	int64_t cl = serve_content_length(r);
	return !(cl > (int64_t)DROP_MAX);
}

/* Request bodies held in memory by their handlers (serve_req_held), past each one's first
 * HELD_FREE bytes, at most HELD_MAX in all. The API takes bodies of 32 MiB and the
 * registry manifests of 4 MiB, each held whole until it is parsed: 4 API bodies of 30 MiB
 * held 130 MB (301 MB at the parse), so 1024 connections could hold 32 GiB. Parsing takes
 * about 1.4 times the body again, not counted here: 128 MiB held (12 such bodies at once:
 * 4 held, 8 throttled) peaked at 375 MB; 256 MiB at 630 MB. */
#define HELD_FREE ((uint64_t)256 << 10)
#define HELD_MAX ((uint64_t)128 << 20)
static atomic_uint_fast64_t held_bytes;

void serve_req_held(struct serve_req *r, int status, const char *ctype, const char *answer, const char *hname,
		    const char *hvalue)
{
	r->in->held_hname = hname;
	r->in->held_hvalue = hvalue;
	r->in->held = answer;
	r->in->held_status = status;
	r->in->held_ctype = ctype;
}

/* Counts n more body bytes of a held request: 0, or -1 when they would pass HELD_MAX. */
static int held_charge(struct serve_req *r, size_t n)
{
	uint64_t before = r->in->seen;
	r->in->seen += n;
	uint64_t add = (r->in->seen > HELD_FREE ? r->in->seen - HELD_FREE : 0) - (before > HELD_FREE ? before - HELD_FREE : 0);
	if (!add)
		return 0;
	if (atomic_fetch_add(&held_bytes, add) + add > HELD_MAX) {
		atomic_fetch_sub(&held_bytes, add);
		return -1;
	}
	r->in->charged += add;
	return 0;
}

static int queue(struct serve_req *r, int status, const char *ctype, struct MHD_Response *resp)
{
	if (!resp)
		return -1;
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	add_headers(r->in->hdrs, resp);
	if (r->in->first && (r->in->refused || !has_body(r) || !drop_body(r)))
		/* said before the body is read (a refusal) to a client waiting for "100 Continue",
		 * or whose body is too large to read and drop: MHD closes the connection after
		 * the answer without reading the body */
		MHD_add_response_header(resp, "Connection", "close");
	else if (!r->in->final && has_body(r)) {
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

/* The methods some route takes; another (CONNECT: this is no proxy, TRACE, a made-up
 * one) no resource here supports: 501, RFC 9110 §9.1 ("An origin server that receives
 * a request method that is unrecognized or not implemented SHOULD respond with the 501
 * (Not Implemented) status code"). A route that does not take a method of these
 * answers 405 with Allow itself (serve_oci.c, serve_api.c). */
#define METHODS "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

/* The protocol router serve_main gave serve_http_start: set before the daemon starts. */
static serve_route_fn router;

/* The request to its handler; "OPTIONS *" asks about the server as a whole (RFC 9110
 * §9.3.7): 200 with the methods some route takes, as docker-registry answers 200. */
static void route(struct serve_req *r)
{
	if (strcmp(r->path, "*")) {
		router(r);
		return;
	}
	serve_add_header(r, "Allow", METHODS);
	serve_respond(r, 200, NULL, NULL, 0);
}

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

/* A request that brought a body this large (held in memory by its handler) gives the
 * memory back to the system when it is over: glibc keeps a thread arena's freed pages, so
 * after 10 API bodies of 30 MiB VmRSS stayed at 148 MB with nothing running. */
#define TRIM_AFTER ((uint64_t)8 << 20)

static void req_free(struct serve_req *r)
{
	int trim = r->in->held && r->in->seen >= TRIM_AFTER;
	atomic_fetch_sub(&held_bytes, r->in->charged);
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
	if (trim)
		malloc_trim(0);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* ---- the connections: who holds one, and since when ---- */

/* One connection MHD holds (MHD_OPTION_NOTIFY_CONNECTION): whether a request is being
 * served on it, and since when it is not. A connection that is not busy is waiting for a
 * request's headers: a keep-alive connection between requests, or a client sending its
 * headers. MHD's idle timeout is an inactivity timer, so a client that sends a header
 * byte every few seconds (slowloris) never reaches it and would hold its connection, and
 * 1024 of them every connection, for good: serve_conns_reap and serve_conns_evict cut
 * such connections (serve_accept.c calls them). */
struct slot {
	int fd;              /* the connection's socket (MHD closes it after CLOSED) */
	int busy;            /* a request's headers are in and it is not over yet */
	int cut;             /* shut down by us: MHD closes it soon */
	atomic_int body;     /* its request's body is still arriving */
	atomic_long io;      /* when body bytes last came (CLOCK_MONOTONIC seconds) */
	atomic_uint_fast64_t got; /* body bytes of its request so far */
	atomic_long mark_t;  /* when the newer rate mark was set (see body_moved) */
	uint64_t mark_n;     /* got then; under slots_lock */
	long old_t;          /* the older mark, from which the rate is measured; under slots_lock */
	uint64_t old_n;      /* got then; under slots_lock */
	struct timespec since; /* when it stopped being busy (or was accepted) */
	struct slot *prev, *next; /* the list, least recently busy first */
};

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_cond = PTHREAD_COND_INITIALIZER; /* a connection STARTED */
static struct slot *slots_head, *slots_tail;
static int nslots;
static unsigned long nstarted; /* STARTED notices so far */

static void slot_unlink(struct slot *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		slots_head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		slots_tail = s->prev;
	s->prev = s->next = NULL;
}

static void slot_append(struct slot *s)
{
	s->prev = slots_tail;
	s->next = NULL;
	if (slots_tail)
		slots_tail->next = s;
	else
		slots_head = s;
	slots_tail = s;
}

/* MHD calls CLOSED before it closes the socket, so a registered fd is never a newer
 * connection's: shutting one down under slots_lock cannot hit the wrong client. */
static void notify_cb(void *cls, struct MHD_Connection *conn, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *i = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct slot *s = calloc(1, sizeof(*s));
		if (!s || !i) { /* not tracked: it only escapes the reaper */
			free(s);
			*socket_context = NULL;
			return;
		}
		s->fd = i->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &s->since);
		pthread_mutex_lock(&slots_lock);
		slot_append(s);
		nslots++;
		nstarted++;
		pthread_cond_broadcast(&slots_cond);
		pthread_mutex_unlock(&slots_lock);
		*socket_context = s;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct slot *s = *socket_context;
		pthread_mutex_lock(&slots_lock);
		slot_unlink(s);
		nslots--;
		pthread_mutex_unlock(&slots_lock);
		free(s);
		*socket_context = NULL;
	}
}

static struct slot *slot_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return i ? i->socket_context : NULL;
}

static void slot_busy(struct MHD_Connection *conn, int busy)
{
	struct slot *s = slot_of(conn);
	if (!s)
		return;
	pthread_mutex_lock(&slots_lock);
	s->busy = busy;
	if (!busy) { /* waiting for the next request from now: the end of the list */
		clock_gettime(CLOCK_MONOTONIC, &s->since);
		slot_unlink(s);
		slot_append(s);
	}
	pthread_mutex_unlock(&slots_lock);
}

int serve_conns(void)
{
	pthread_mutex_lock(&slots_lock);
	int n = nslots;
	pthread_mutex_unlock(&slots_lock);
	return n;
}

unsigned long serve_conns_started(void)
{
	pthread_mutex_lock(&slots_lock);
	unsigned long n = nstarted;
	pthread_mutex_unlock(&slots_lock);
	return n;
}

int serve_conns_wait_started(unsigned long before, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&slots_lock);
	while (nstarted == before && pthread_cond_timedwait(&slots_cond, &slots_lock, &until) != ETIMEDOUT)
		;
	int seen = nstarted != before;
	pthread_mutex_unlock(&slots_lock);
	return seen;
}

static void cut(struct slot *s)
{
	s->cut = 1;
	shutdown(s->fd, SHUT_RDWR); /* its thread's poll wakes, MHD closes the connection */
}

static long mono_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec;
}

/* A body's rate is measured from a mark at least RATE_WINDOW seconds old to now: two
 * marks, the newer moved to the older and set anew once it is RATE_WINDOW old (at the
 * next piece of body), so the span measured is 10 s at least (10 to 30 s while pieces
 * come every 5 s at most: a body still for 5 s counts as stalled, below) and a client cannot live on the credit of a fast start: mod_reqtimeout's
 * MinRate counts from the start, so 1 MiB sent at once bought 2 000 s of trickling. A body
 * younger than RATE_WINDOW is not judged (TCP's slow start, a client opening its source). */
#define RATE_WINDOW 10
/* The floor, bytes per second, below which a body is displaceable when every connection
 * is taken (serve_conns_evict), slowest first. 1 KiB/s: twice mod_reqtimeout's default
 * MinRate (500), a hundredth of the slowest link a registry client pushes over in
 * practice (a few hundred KiB/s), below a 56k modem (7 KiB/s); a compressing or copying
 * client (docker push's gzip, skopeo copy from a slow source) streams at MB/s. Holding all
 * 1024 connections past it costs an attacker 1 MiB/s of real upload, which buys it
 * nothing a working upload does not get. Only under pressure: a slow body otherwise costs
 * its thread and its connection's buffer, within the cap, and one that stops altogether
 * still ends at the idle timeout. */
#define RATE_FLOOR 1024

static void slot_body(struct slot *s, int on)
{
	if (!s)
		return;
	long now = mono_seconds();
	if (on) {
		pthread_mutex_lock(&slots_lock);
		atomic_store(&s->got, 0);
		atomic_store(&s->mark_t, now);
		s->mark_n = s->old_n = 0;
		s->old_t = now;
		pthread_mutex_unlock(&slots_lock);
	}
	atomic_store(&s->io, now);
	atomic_store(&s->body, on);
}

/* n more body bytes came. The marks move under slots_lock, once per RATE_WINDOW at most:
 * a piece of body otherwise costs two atomic stores and no lock. */
static void body_moved(struct slot *s, size_t n)
{
	if (!s)
		return;
	long now = mono_seconds();
	atomic_store(&s->io, now);
	uint64_t got = atomic_fetch_add(&s->got, n) + n;
	if (now - atomic_load(&s->mark_t) < RATE_WINDOW)
		return;
	pthread_mutex_lock(&slots_lock);
	s->old_t = atomic_load(&s->mark_t);
	s->old_n = s->mark_n;
	s->mark_n = got;
	atomic_store(&s->mark_t, now);
	pthread_mutex_unlock(&slots_lock);
}

/* Under slots_lock: the body's rate in bytes per second when it is judged and below
 * RATE_FLOOR, else -1. */
static double slow_rate(struct slot *s, long now)
{
	long span = now - s->old_t;
	if (!atomic_load(&s->body) || span < RATE_WINDOW)
		return -1;
	double rate = (double)(atomic_load(&s->got) - s->old_n) / (double)span;
	return rate < RATE_FLOOR ? rate : -1;
}

static void cut_stalled(int seconds)
{
	long now = mono_seconds();
	pthread_mutex_lock(&slots_lock);
	for (struct slot *s = slots_head; s; s = s->next)
		if (s->busy && !s->cut && atomic_load(&s->body) && now - atomic_load(&s->io) >= seconds)
			cut(s);
	pthread_mutex_unlock(&slots_lock);
}

static int serve_conns_reap(unsigned seconds)
{
	struct timespec now;
	int n = 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&slots_lock);
	for (struct slot *s = slots_head; s; s = s->next)
		if (!s->busy && !s->cut && now.tv_sec - s->since.tv_sec >= (time_t)seconds) {
			cut(s);
			n++;
		}
	pthread_mutex_unlock(&slots_lock);
	return n;
}

/* With every connection serving a request, one whose body has brought nothing for this
 * long is cut for a new client: a body trickled a byte at a time just under the idle
 * timeout (1024 of them) otherwise kept every new client out with 503s. A body that
 * moves, but below RATE_FLOOR, goes next: a byte every 4 s is never 5 s still. */
#define STALL_EVICT 5

int serve_conns_evict(void)
{
	struct slot *stalled = NULL, *slow = NULL;
	double slowest = 0;
	long now = mono_seconds();
	int n = 0;
	pthread_mutex_lock(&slots_lock);
	for (struct slot *s = slots_head; s && !n; s = s->next) {
		double rate;
		if (!s->busy && !s->cut) {
			cut(s);
			n = 1;
		} else if (!s->busy || s->cut || !atomic_load(&s->body)) {
			continue;
		} else if (now - atomic_load(&s->io) >= STALL_EVICT) {
			if (!stalled || atomic_load(&s->io) < atomic_load(&stalled->io))
				stalled = s; /* the one stalled longest, if no idle one is found */
		} else if ((rate = slow_rate(s, now)) >= 0 && (!slow || rate < slowest)) {
			slow = s; /* the slowest below the floor, if none has stalled */
			slowest = rate;
		}
	}
	if (!n && (stalled || slow)) {
		cut(stalled ? stalled : slow);
		n = 1;
	}
	pthread_mutex_unlock(&slots_lock);
	return n;
}

/* ---- what is refused before any handler sees the request ---- */

/* MHD's percent-decoding (path and query) but for %00: a NUL would cut the C string the
 * handlers see, so "/v2/app/tags/list%00junk" would be served as app's tag list. Left as
 * the three characters, it matches no route, repository name or digest. */
static size_t unescape_cb(void *cls, struct MHD_Connection *conn, char *s)
{
	char *w = s;
	(void)cls;
	(void)conn;
	for (const char *p = s; *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0 && (hi || lo)) {
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

struct cl_seen {
	const char *first;   /* the first Content-Length value */
	int differ;          /* another one differs from it */
};

static enum MHD_Result cl_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct cl_seen *c = cls;
	(void)kind;
	if (strcasecmp(key, "Content-Length"))
		return MHD_YES;
	if (!c->first)
		c->first = value ? value : "";
	else if (strcmp(c->first, value ? value : ""))
		c->differ = 1;
	return MHD_YES;
}

/* The request shapes a proxy in front and this server could read differently (request
 * smuggling, RFC 9112 §6.3, §11.2), and expectations it cannot meet: answered here with
 * the connection closed after, since where the body ends is not known. MHD takes the first
 * of two Content-Lengths and prefers chunked over Content-Length without a word. NULL when
 * the request may go on; else the status in *status. */

/* Host: RFC 9112 §3.2 wants a 400 for two of them or an invalid value. The value is
 * echoed (repositoryUri, proxyEndpoint, the WWW-Authenticate realm), so a quote, a space,
 * a slash or a control byte in it made a realm="http://a",x="y/" with a parameter of the
 * client's, or a repositoryUri with a path. The bytes Go's net/http takes (docker-registry
 * answers 400 "malformed Host header" for others): RFC 3986's reg-name and IP-literal,
 * ':' and a port. */
struct host_seen {
	int n;               /* Host headers */
	int bad;             /* one has a byte no host or port has */
};

static enum MHD_Result host_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct host_seen *h = cls;
	(void)kind;
	if (strcasecmp(key, "Host"))
		return MHD_YES;
	h->n++;
	for (const char *c = value ? value : ""; *c && !h->bad; c++)
		h->bad = !isalnum((unsigned char)*c) && !strchr("!$%&'()*+,-.:;=[]_~", *c);
	return MHD_YES;
}

static int method_known(const char *m)
{
	static const char *const known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(m, known[i]))
			return 1;
	return 0;
}

static const char *refusal(struct MHD_Connection *conn, const char *method, const char *url, int *status)
{
	struct cl_seen c = {NULL, 0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, cl_one, &c);
	const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
	const char *ex = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
	*status = 400;
	if (header_bytes(conn) > HEADER_MAX) {
		*status = 431;
		return "request headers over 65536 bytes\n";
	}
	if (!method_known(method)) {
		*status = 501;
		return "method not implemented: this server takes " METHODS "\n";
	}
	if (!strcmp(url, "*") && strcmp(method, "OPTIONS"))
		return "the target * is for OPTIONS only\n"; /* RFC 9112 §3.2.4 */
	if (c.differ)
		return "two Content-Length headers that differ\n";
	struct host_seen h = {0, 0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, host_one, &h);
	if (h.n > 1)
		return "too many Host headers\n";
	if (h.bad)
		return "malformed Host header\n";
	if (te && c.first)
		return "both Transfer-Encoding and Content-Length\n";
	if (te && strcasecmp(te, "chunked")) {
		*status = 501;
		return "only Transfer-Encoding: chunked is taken\n";
	}
	if (ex && strcasecmp(ex, "100-continue")) {
		*status = 417;
		return "only Expect: 100-continue is met\n";
	}
	return NULL;
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
		/* absolute-form ("GET http://host/v2/ HTTP/1.1", RFC 9112 §3.2.2, which a server
		 * must accept): the path is what follows the authority */
		if (!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8)) {
			const char *p = strchr(strstr(url, "//") + 2, '/');
			url = p ? p : "/";
		}
		r->path = url;
		*con_cls = r;
		flight(1);
		slot_busy(conn, 1);
		r->in->slot = slot_of(conn);
		slot_body(r->in->slot, has_body(r));
		int status;
		const char *why = refusal(conn, method, url, &status);
		r->in->first = 1;
		if (why) {
			r->in->routed = 1;
			r->in->refused = 1;
			serve_respond(r, status, "text/plain; charset=utf-8", why, strlen(why));
		} else if (has_body(r)) {
			/* routed now, so that a refusal (a cap, an unknown repository) goes before
			 * MHD sends "100 Continue", or before a body too large to drop is read */
			r->in->routed = 1;
			route(r);
		}
		r->in->first = 0;
		/* otherwise the handler is called at the next call, not now: MHD closes the
		 * connection after an answer queued on this first call, keep-alive or not */
		return MHD_YES;
	}
	if (!r->in->routed) {
		r->in->routed = 1;
		route(r);
	}
	if (*upload_data_size) {
		body_moved(r->in->slot, *upload_data_size);
		if (r->in->held && !r->in->answered && !r->in->failed && held_charge(r, *upload_data_size)) {
			/* the server's memory for held bodies is taken: this one is told to retry */
			r->in->failed = 1;
			if (r->in->held_hname)
				serve_add_header(r, r->in->held_hname, r->in->held_hvalue);
			serve_respond(r, r->in->held_status, r->in->held_ctype, r->in->held, strlen(r->in->held));
		}
		if (!r->in->answered && !r->in->failed && r->on_body &&
		    r->on_body(r, upload_data, *upload_data_size))
			r->in->failed = 1;
		if (r->in->early && (r->in->dropped += *upload_data_size) > DROP_MAX)
			return MHD_NO; /* closes the connection; the answer is lost with it */
		*upload_data_size = 0;
		return MHD_YES;
	}
	r->in->final = 1;
	slot_body(r->in->slot, 0);
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
	slot_busy(conn, 0);
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

/* The reaper: once a second, the connections whose request headers are overdue. */
static pthread_t reaper;
static int reaper_on;
static atomic_int reaper_stop;
static unsigned header_timeout;

static void *reap_loop(void *unused)
{
	(void)unused;
	while (!atomic_load(&reaper_stop)) {
		nanosleep(&(struct timespec){1, 0}, NULL);
		serve_conns_reap(header_timeout);
	}
	return NULL;
}

void serve_http_stop(struct MHD_Daemon *d)
{
	if (reaper_on) {
		atomic_store(&reaper_stop, 1);
		pthread_join(reaper, NULL);
		reaper_on = 0;
	}
	MHD_stop_daemon(d);
}

struct MHD_Daemon *serve_http_start(unsigned flags, const struct sockaddr *addr, const char *key, const char *cert,
				    unsigned timeout, unsigned max_conns, serve_route_fn fn)
{
	router = fn;
	header_timeout = timeout;
	/* poll, not select: select refuses a socket numbered FD_SETSIZE (1024) or above, so with
	 * the state's and the blobs' descriptors open the daemon took about 1010 connections */
	flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (key)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls[] = {
		{key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)key},
		{MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert},
		{MHD_OPTION_END, 0, NULL},
	};
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, as the manual asks */
				MHD_OPTION_SOCK_ADDR, addr,
				MHD_OPTION_NOTIFY_COMPLETED, completed_cb, NULL,
				MHD_OPTION_NOTIFY_CONNECTION, notify_cb, NULL,
				MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, NULL,
				MHD_OPTION_CONNECTION_TIMEOUT, timeout,
				MHD_OPTION_CONNECTION_LIMIT, max_conns,
				/* per connection: headers and the read buffer. Upload pieces arrive in blocks of
				 * about this size, so 1 MiB rather than 64 KiB cuts a push's server CPU by a
				 * quarter (fewer reads, writes and hash calls); 1024 connections bound it */
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(1024 * 1024),
				MHD_OPTION_ARRAY, tls,
				MHD_OPTION_END);
	if (d && timeout)
		reaper_on = !pthread_create(&reaper, NULL, reap_loop, NULL);
	return d;
}
