/* A client of an ECR-compatible endpoint, shared by the frontends' endpoint modes
 * (`aws --endpoint-url`, the cmdlets' -EndpointUrl): the AWS JSON 1.1 protocol over
 * HTTP (libcurl, loaded on first use), Signature Version 4 (libcrypto HMAC), and the
 * standard retry rules: throttling errors and 5xx are tried 3 times in all. */
#ifndef FE_REMOTE_H
#define FE_REMOTE_H
#include <jansson.h>

struct fe_remote {
	const char *endpoint;      /* URL */
	const char *region;        /* the signing region */
	const char *profile;       /* named profile, or NULL */
	const char *credentials_file; /* instead of $AWS_SHARED_CREDENTIALS_FILE, or NULL */
	const char *access_key;    /* explicit credentials (cmdlets' -AccessKey …), or NULL */
	const char *secret_key;
	const char *session_token;
	const char *user_agent;    /* the whole header value */
	int debug;                 /* the exchange on stderr */
	const char *ca_bundle;     /* PEM file of the CAs to trust for https, or NULL: the system's */
	int no_verify;             /* https without verifying the certificate (--no-verify-ssl) */
	long connect_timeout;      /* seconds to connect, and of silence while reading: 0 none */
	long read_timeout;
};

struct fe_remote_err {
	char code[256];        /* the error code (__type after any '#'), or the HTTP status */
	char message[8192];    /* the message, or the raw body */
	int retried;           /* retried to exhaustion: "(reached max retries: 2)" */
	int client;            /* nonzero: a client-side failure (no credentials, transport) */
	int no_credentials;    /* that failure was: no credentials found */
	char transport[512];   /* a transport failure as .NET's HttpClient words it */
};

/* Whether the CLI's standard retry mode tries an answer again: 5xx but 501, and the
 * throttling error codes (code may be NULL). The local call uses it too, to say
 * "(reached max retries: 2)" where the real CLI would have retried. */
int fe_retryable(long status, const char *code);

/* One operation; 0 with *resp_out, or -1 with e filled. */
int fe_remote_call(const struct fe_remote *r, const char *op, json_t *req, json_t **resp_out,
		   struct fe_remote_err *e);

#endif
