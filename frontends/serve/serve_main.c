/* `ecrlite serve`: options, credentials, the listening socket, signals, and the stop.
 * The server runs in the foreground; SIGINT or SIGTERM stop it once the requests in
 * flight are answered. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../config.h"
#include "lazy_mhd.h"
#include "serve.h"
#include "serve_int.h"

#define STOP_GRACE 30        /* seconds in-flight requests get to finish at a stop */

/* The router: which protocol a request speaks, by its path. Given to serve_http_start,
 * so the HTTP layer calls the handlers without knowing them (they call it). */
static void route(struct serve_req *r)
{
	/* the bodies the handlers hold whole (manifests, the API's JSON) share a budget; past
	 * it the answer each protocol's clients retry on: ECR's throttling (botocore and the
	 * CLI retry it with backoff), the registry's 429 */
	if (!strncmp(r->path, "/v2/", 4) || !strcmp(r->path, "/v2")) {
		if (strstr(r->path, "/manifests/"))
			serve_req_held(r, 429, "application/json; charset=utf-8",
				       "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"the server is holding "
				       "as many request bodies as it can: retry\"}]}",
				       "Docker-Distribution-Api-Version", "registry/2.0");
		serve_oci_handle(r);
	} else {
		serve_req_held(r, 400, "application/x-amz-json-1.1",
			       "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", NULL, NULL);
		serve_api_handle(r);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ecrlite serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE]\n"
		   "                     [--credentials FILE | --no-auth] [--region REGION] [--quiet]\n"
		   "                     [--idle-timeout SECONDS] [--scan-workers N]\n"
		   "                     [--lifecycle-interval SECONDS]\n"
		   "  --listen        address to listen on (default 127.0.0.1:5000; port 0 picks a free one)\n"
		   "  --credentials   keys requests are signed with, ~/.aws/credentials format\n"
		   "                  (default $ECRLITE_HOME/credentials)\n"
		   "  --no-auth       no signature check, the registry open (loopback only)\n"
		   "  --region        region of requests that name none (default us-east-1)\n"
		   "  --idle-timeout  seconds before an idle connection, or one whose request headers\n"
		   "                  are not all in, is closed (default 60)\n"
		   "  --scan-workers  threads running queued scans, 0 to 16 (default 2)\n"
		   "  --lifecycle-interval\n"
		   "                  seconds between runs of the lifecycle policies (default 3600), the\n"
		   "                  first 5 s after the start; 0: they run only at puts and pushes\n"
		   "  --quiet         no line per request on stderr\n");
}

/* All of v a whole number from min to max: 1 and *out, else 0 (atoi read "5x" as 5). */
static int whole(const char *v, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < min || n > max)
		return 0;
	*out = n;
	return 1;
}

/* The options taking a number, with what a value must be (told when it is not). */
static const struct {
	const char *name;
	long min, max;
	const char *want;
} numeric[] = {
	{"--idle-timeout", 1, 366L * 86400, "whole seconds, 1 or more"},
	{"--scan-workers", 0, 16, "0 to 16"},
	/* a longer wait than a year is a typo, not a schedule */
	{"--lifecycle-interval", 0, 366L * 86400, "whole seconds, 0 to a year"},
};

/* 1 and *out when a is one of numeric[] and v a value it takes; -1 when v is not
 * (told); 0 when a is none of them or has no value. */
static int numeric_option(const char *a, const char *v, long *out)
{
	for (size_t i = 0; v && i < sizeof(numeric) / sizeof(numeric[0]); i++) {
		if (strcmp(a, numeric[i].name))
			continue;
		if (whole(v, numeric[i].min, numeric[i].max, out))
			return 1;
		fprintf(stderr, "ecrlite serve: error: invalid value '%s' for %s: want %s\n", v, a, numeric[i].want);
		return -1;
	}
	return 0;
}

/* HOST:PORT, [V6]:PORT, HOST (port 5000) or :PORT (127.0.0.1) → a socket address */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, int *loopback)
{
	char host[256], port[16] = "5000";
	const char *colon;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || (size_t)(end - spec - 1) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(end - spec - 1), spec + 1);
		if (end[1] == ':')
			snprintf(port, sizeof(port), "%s", end + 2);
		else if (end[1])
			return -1;
	} else if ((colon = strrchr(spec, ':')) && !strchr(colon + 1, ']')) {
		if ((size_t)(colon - spec) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		snprintf(port, sizeof(port), "%s", colon + 1);
		if (!*host)
			snprintf(host, sizeof(host), "127.0.0.1");
	} else {
		snprintf(host, sizeof(host), "%s", spec);
	}
	if (!*port || strspn(port, "0123456789") != strlen(port) || atoi(port) > 65535)
		return -1;
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) || !res)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET)
		*loopback = (ntohl(((struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	else
		*loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

static int bound_port(struct MHD_Daemon *d, const struct sockaddr_storage *ss)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (i && i->port)
		return i->port;
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

int serve_main(int argc, char **argv)
{
	struct serve_config *config = serve_config_edit();
	const char *listen_spec = "127.0.0.1:5000", *cert_file = NULL, *key_file = NULL, *cred_file = NULL;
	unsigned idle = 60;
	int scan_workers = 2;
	long lifecycle_interval = 3600; /* ECR runs policies "within 24 hours"; an hour is closer */
	char *key = NULL, *cert = NULL, *home = NULL, path[4096];
	struct ecr_ctx *ctx = NULL;
	struct ecr_err err;
	int rc = 1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1, num;
		long n;
		if (!strcmp(a, "--listen") && v)
			listen_spec = v;
		else if (!strcmp(a, "--tls-cert") && v)
			cert_file = v;
		else if (!strcmp(a, "--tls-key") && v)
			key_file = v;
		else if (!strcmp(a, "--credentials") && v)
			cred_file = v;
		else if (!strcmp(a, "--region") && v)
			config->region = v;
		else if ((num = numeric_option(a, v, &n)) != 0) {
			if (num < 0) {
				usage(stderr); /* after the line that says what is wrong */
				return 2;
			}
			if (!strcmp(a, "--idle-timeout"))
				idle = (unsigned)n;
			else if (!strcmp(a, "--scan-workers"))
				scan_workers = (int)n;
			else
				lifecycle_interval = n;
		} else if ((takes = 0), !strcmp(a, "--no-auth"))
			config->no_auth = 1;
		else if (!strcmp(a, "--quiet"))
			config->quiet = 1;
		else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else {
			/* a known option at the end of the line lacks its value; anything else is unknown */
			static const char *const valued[] = {"--listen", "--tls-cert", "--tls-key", "--credentials",
							     "--region", "--idle-timeout", "--scan-workers",
							     "--lifecycle-interval"};
			int known = 0;
			for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
				known |= !strcmp(a, valued[k]);
			fprintf(stderr, "ecrlite serve: error: %s '%s'\n", known && !v ? "missing value for" : "unknown argument", a);
			usage(stderr);
			return 2;
		}
		i += takes;
	}
	if (!cert_file != !key_file) {
		fprintf(stderr, "ecrlite serve: error: --tls-cert and --tls-key go together\n");
		return 2;
	}
	struct sockaddr_storage ss;
	int loopback = 0;
	if (parse_listen(listen_spec, &ss, &loopback)) {
		fprintf(stderr, "ecrlite serve: error: cannot listen on '%s': want HOST:PORT, [IPV6]:PORT or :PORT\n", listen_spec);
		return 2;
	}
	/* the state is opened (and migrated) once, before any thread can race for it */
	static char opts_home[4096];
	if (fe_options(&config->opts, opts_home, sizeof(opts_home), &err) || ecr_ctx_open(&ctx, &config->opts, &err) ||
	    ecr_ctx_set_region(ctx, config->region, &err)) {
		fprintf(stderr, "ecrlite serve: error: %s\n", err.message);
		goto out;
	}
	if (!config->no_auth) {
		if (!cred_file)
			snprintf(path, sizeof(path), "%s/credentials", ecr_ctx_home(ctx));
		int ncreds = serve_creds_load(cred_file ? cred_file : path, cred_file != NULL);
		if (ncreds < 0)
			goto out;
		if (!ncreds) {
			fprintf(stderr,
				"ecrlite serve: error: no credentials in '%s': requests are checked against the keys in that file "
				"(~/.aws/credentials format: [name], aws_access_key_id, aws_secret_access_key); give one with "
				"--credentials FILE, or --no-auth for throw-away local use\n",
				cred_file ? cred_file : path);
			goto out;
		}
	} else if (!loopback) {
		fprintf(stderr, "ecrlite serve: error: refusing --no-auth on '%s': it is not a loopback address, and without "
				"credentials anyone who can reach it could read, push and delete images; use --credentials FILE\n",
			listen_spec);
		goto out;
	}
	if (key_file && (!(key = serve_slurp(key_file, "TLS key")) || !(cert = serve_slurp(cert_file, "TLS certificate")) ||
			 serve_tls_check(cert, key, cert_file, key_file)))
		goto out;
	config->tls = key != NULL;
	config->home = home = strdup(ecr_ctx_home(ctx));
	serve_mhd(); /* load libmicrohttpd now, on this thread */
	if (config->tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "ecrlite serve: error: this libmicrohttpd has no TLS support\n");
		goto out;
	}
	/* SERVE_CONNS_MAX sockets and, per request, a state context (the database and its
	 * WAL: 200 concurrent uploads held 613 descriptors) and a blob or upload file: the
	 * common soft limit of 1024 descriptors would run out first, and accept fail (EMFILE) */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 16384 && rl.rlim_max > rl.rlim_cur) {
		rl.rlim_cur = rl.rlim_max < 16384 ? rl.rlim_max : 16384;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* SIGINT/SIGTERM are taken by sigwait below: blocked here, so every thread MHD
	 * starts inherits the mask and only this thread sees them */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	unsigned flags = ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0;
	/* the socket is ours: on plain HTTP so that a TLS handshake always gets an answer, and
	 * on both so that the connection cap closes idle connections to make room (with
	 * libmicrohttpd's own listener a flood of 1100 silent TLS connections refused every
	 * new one until the idle timeout) */
	int own = 1;
	if (own && serve_accept_listen(&ss) < 0) {
		fprintf(stderr, "ecrlite serve: error: cannot listen on '%s': %s\n", listen_spec, strerror(errno));
		goto out;
	}
	struct MHD_Daemon *d = serve_http_start(flags | (own ? MHD_USE_NO_LISTEN_SOCKET : 0), own ? NULL : (struct sockaddr *)&ss,
						/* our accept loop keeps to SERVE_CONNS_MAX (closing idle ones to make
						 * room); libmicrohttpd's own limit is above it, since it frees a slot
						 * a moment after its CLOSED notice, and a refused socket is closed
						 * unanswered */
						key, cert, idle, own ? SERVE_CONNS_MAX + 64 : SERVE_CONNS_MAX, route);
	if (!d || (own && serve_accept_start(d, idle))) {
		fprintf(stderr, "ecrlite serve: error: cannot listen on '%s': %s\n", listen_spec, strerror(errno));
		if (d)
			serve_http_stop(d);
		serve_accept_stop();
		goto out;
	}
	char hostpart[256];
	if (ss.ss_family == AF_INET6) {
		char a6[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a6, sizeof(a6));
		snprintf(hostpart, sizeof(hostpart), "[%s]", a6);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, hostpart, sizeof(hostpart));
	}
	snprintf(config->listen, sizeof(config->listen), "%s:%d", hostpart, own ? serve_accept_port() : bound_port(d, &ss));
	fprintf(stderr, "ecrlite serve: listening on %s://%s (state %s, %s)\n", config->tls ? "https" : "http",
		config->listen, home, config->no_auth ? "no auth" : "SigV4 and registry tokens required");
	serve_scan_attach(ctx);
	serve_pool_give(ctx); /* the first request reuses it */
	ctx = NULL;
	if (serve_scan_start(scan_workers) || serve_lifecycle_start((unsigned)lifecycle_interval)) {
		serve_accept_stop();
		serve_http_stop(d);
		serve_scan_stop();
		serve_lifecycle_stop();
		serve_pool_drain();
		goto out;
	}
	int sig = 0;
	sigwait(&stop, &sig);
	fprintf(stderr, "ecrlite serve: %s: stopping once the requests in flight are answered\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	if (own)
		serve_accept_stop(); /* no new connections */
	else
		MHD_quiesce_daemon(d);
	int left = serve_wait_idle(STOP_GRACE);
	if (left)
		fprintf(stderr, "ecrlite serve: %d requests still running after %d s: closing them\n", left, STOP_GRACE);
	serve_scan_stop(); /* a scan being run finishes; queued ones wait in the state */
	serve_lifecycle_stop(); /* a run in progress finishes: a repository takes milliseconds */
	serve_http_stop(d);
	serve_pool_drain();
	fprintf(stderr, "ecrlite serve: stopped\n");
	rc = 0;
out:
	free(key);
	free(cert);
	ecr_ctx_free(ctx);
	free(home);
	serve_creds_free();
	return rc;
}
