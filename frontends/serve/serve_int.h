/* What the server's own files share (serve_main.c, serve_accept.c, serve_conf.c, serve_http.c,
 * serve_api.c, serve_sts.c, serve_scan.c, serve_lifecycle.c, serve_tls.c); the protocol handlers of other areas need
 * only serve.h. The files call downwards only: serve_main → serve_http, the handlers →
 * serve_http → serve_conf; serve_http reaches the handlers through the route function
 * serve_main gives it. */
#ifndef SERVE_INT_H
#define SERVE_INT_H
#include <sys/socket.h>

#include "serve.h"

struct MHD_Daemon;

/* Connections served at once, at most (README's caps). */
#define SERVE_CONNS_MAX 1024

/* Starts the daemon: a thread per connection, idle connections closed after timeout
 * seconds, at most max_conns at once; TLS when key and cert (PEM text) are given.
 * route is called for each request once its headers are in (serve.h's handle()).
 * A connection whose request headers are not in timeout seconds after it was accepted
 * (or after its last request) is closed too, trickling or not. */
struct MHD_Daemon *serve_http_start(unsigned flags, const struct sockaddr *addr, const char *key, const char *cert,
				    unsigned timeout, unsigned max_conns, serve_route_fn route);
/* Marks r as a request whose handler holds its body in memory until it is whole: past
 * its first 256 KiB, its body counts against the server's 128 MiB for such bodies, and a
 * piece that would pass that is answered status, ctype, answer (static text) and the
 * header hname: hvalue (unless hname is NULL) instead, the rest dropped. Call before the
 * handler (the router does). */
void serve_req_held(struct serve_req *r, int status, const char *ctype, const char *answer, const char *hname,
		    const char *hvalue);
/* Stops the daemon serve_http_start started (and its reaper of slow connections). */
void serve_http_stop(struct MHD_Daemon *d);
/* Connections the daemon holds now. */
int serve_conns(void);
/* Connections the daemon has started so far; serve_conns_wait_started waits at most ms
 * milliseconds for that count to pass before: 1 when it did. (MHD_add_connection hands a
 * socket to the daemon's thread, which starts it a moment later.) */
unsigned long serve_conns_started(void);
int serve_conns_wait_started(unsigned long before, int ms);
/* Closes the connection waiting longest for a request's headers (an idle keep-alive
 * connection, or a slow client's), else the request whose body has not moved for longest
 * (5 s at least), else the one whose body came slowest over its last 10 s or more, when
 * below 1 KiB/s (serve_http.c's RATE_FLOOR): 1, or 0 when every connection is serving a
 * request that moves at least that fast (or whose body is under 10 s old). */
int serve_conns_evict(void);
/* The plain-HTTP listener (serve_accept.c), which answers a TLS handshake itself and
 * hands every other connection to the daemon (started with MHD_USE_NO_LISTEN_SOCKET).
 * serve_accept_listen binds and listens: the socket, or -1 with errno. */
struct sockaddr_storage;
int serve_accept_listen(const struct sockaddr_storage *ss);
/* The port it is bound to (for :0). */
int serve_accept_port(void);
/* Accepts into d from now on; a connection silent for idle_seconds is closed. 0 or -1. */
int serve_accept_start(struct MHD_Daemon *d, unsigned idle_seconds);
/* Stops accepting and closes the connections not yet handed over. */
void serve_accept_stop(void);
/* Waits until no request is in flight, at most seconds; returns how many still are. */
int serve_wait_idle(int seconds);
/* Puts an open context into the pool (the one opened at the start). */
struct ecr_ctx;
void serve_pool_give(struct ecr_ctx *ctx);
/* Closes the idle state contexts (at the stop). */
void serve_pool_drain(void);

/* The configuration to fill (serve_main.c, before the daemon starts). */
struct serve_config *serve_config_edit(void);
/* The server's credentials (--credentials FILE): the secret of access key id, and its
 * session token (NULL when it has none) in *token. NULL when the key is unknown. */
const char *serve_cred_secret(const char *akid, const char **token);
/* Reads a credentials file (~/.aws/credentials format) into the server's keys: how
 * many keys there are, or -1 with the reason printed. A missing file is no keys unless
 * must_exist. */
int serve_creds_load(const char *path, int must_exist);
/* Forgets the keys (at the stop). */
void serve_creds_free(void);
/* A whole file (at most 1 MiB: credentials, TLS key or certificate), what naming it in
 * the message; NULL with the reason printed. Caller frees. */
char *serve_slurp(const char *path, const char *what);

/* Scan workers (serve_scan.c): n threads running the state's scan queue. */
int serve_scan_start(int n);
/* Lets the workers finish the scan each is running, then joins them. */
void serve_scan_stop(void);
/* Puts a request context in the queued scan mode, its scans waking the workers. */
void serve_scan_attach(struct ecr_ctx *ctx);

/* The lifecycle thread (serve_lifecycle.c): the stored lifecycle policies run shortly
 * after the start and every seconds after (0: no thread). 0, or -1 with the reason printed. */
int serve_lifecycle_start(unsigned seconds);
/* Lets a run in progress finish, then joins the thread (a no-op when none was started). */
void serve_lifecycle_stop(void);

/* Checks the TLS pair (PEM text, file names for the message) before the server starts:
 * a certificate, an unencrypted private key, and the key belonging to it. 0, or -1
 * with the reason printed. Warns about a certificate outside its validity dates. */
int serve_tls_check(const char *cert, const char *key, const char *cert_file, const char *key_file);

/* STS's GetCallerIdentity beside the ECR API (serve_sts.c; serve_api.c checks the
 * signature, for the service "sts"): whether a request is one (no X-Amz-Target, to /:
 * a POST with a form body, or a POST or GET with Action in the query string); its
 * answer, in XML, from the form body's parameters or else the query's; an ECR API refusal (the
 * exception's name and message) as STS's XML error, under STS's code and status.
 * rid is the request id, also in the x-amzn-RequestId header. */
int serve_sts_wanted(struct serve_req *r);
void serve_sts_answer(struct serve_req *r, const char *rid, const char *body, size_t n);
void serve_sts_error(struct serve_req *r, const char *rid, int status, const char *type, const char *message);

/* `ecrlite serve ARGS…` (main.c's table). */
int serve_main(int argc, char **argv);

#endif
