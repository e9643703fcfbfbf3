/* Signature Version 4 (AWS4-HMAC-SHA256), one implementation for both sides: the
 * endpoint client signs with it (frontends/remote.c) and `ecrlite serve` checks with
 * it (frontends/serve/serve_api.c). Pure functions: no clock, no environment.
 * Ownership: every output is written into the caller's storage. */
#ifndef ECR_SIGV4_H
#define ECR_SIGV4_H
#include <stddef.h>

#include "buf.h"

#define ECR_SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
/* sha256 of the empty string: the payload hash of a request without a body */
#define ECR_SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* What a signature covers (serve.md §2.2–2.3). */
struct ecr_sigv4_req {
	const char *method;          /* "POST" */
	const char *uri;             /* canonical URI, already encoded ("/" for the JSON API) */
	const char *query;           /* canonical query string ("" when none) */
	const char *signed_headers;  /* lowercase names, sorted, ';' between, as sent */
	/* the value of a header by lowercase name (every occurrence joined by ','), or
	   NULL when the request lacks it */
	const char *(*header)(void *ud, const char *lname);
	void *ud;                    /* for header() */
	const char *payload_hash;    /* 64 hex: sha256 of the body (or x-amz-content-sha256) */
	const char *amzdate;         /* YYYYMMDDTHHMMSSZ */
	const char *region;          /* scope region */
	const char *service;         /* scope service ("ecr") */
	const char *secret;          /* secret access key */
};

/* hex(sha256(p[0..n))) */
void ecr_sigv4_sha256_hex(const void *p, size_t n, char out[65]);
/* The signature (64 hex) of r. The canonical request and the string to sign are
 * appended to creq_out and sts_out when those are not NULL (for debugging output).
 * -1 when a signed header is absent from the request, or a value is too long. */
int ecr_sigv4_sign(const struct ecr_sigv4_req *r, char sig_out[65], struct buf *creq_out, struct buf *sts_out);

/* A parsed Authorization header. */
struct ecr_sigv4_auth {
	char akid[129];              /* access key id */
	char date[9];                /* scope date, YYYYMMDD */
	char region[64];             /* scope region */
	char service[64];            /* scope service */
	char signed_headers[1024];   /* as sent */
	char signature[65];          /* 64 hex */
};
/* Parses "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
 * SignedHeaders=a;b, Signature=hex" (spaces after the commas optional). 0, or -1 with
 * msg set to the reason as AWS words it (IncompleteSignatureException's message). */
int ecr_sigv4_parse(const char *header, struct ecr_sigv4_auth *out, char *msg, size_t msgn);
/* The longest X-Amz-Expires SigV4 allows: a week, in seconds. */
#define ECR_SIGV4_MAX_EXPIRES 604800
/* Payload hash values that are not a sha256 (x-amz-content-sha256). */
#define ECR_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/* A presigned request: the X-Amz-* query parameters, read through arg (the decoded
 * value of a query parameter by exact name, or NULL). Fills out as
 * ecr_sigv4_parse does, the X-Amz-Date value (16 characters) and X-Amz-Expires
 * (0 to ECR_SIGV4_MAX_EXPIRES seconds). 0, or -1 with msg set to the reason. */
int ecr_sigv4_parse_query(const char *(*arg)(void *ud, const char *name), void *ud, struct ecr_sigv4_auth *out,
			  char amzdate_out[17], long *expires_out, char *msg, size_t msgn);
/* The canonical query string of n decoded (name, value) pairs, kv[2i] and kv[2i+1]
 * (a NULL value is ""): each URI-encoded (RFC 3986 unreserved kept, %XX upper case),
 * sorted by name then value, '&' between, X-Amz-Signature left out. Appended to out
 * (out->data stays NULL when nothing is left); -1 when out's cap or memory runs out. */
int ecr_sigv4_canonical_query(const char *const *kv, size_t n, struct buf *out);
/* 1 when a and b (both 64 hex) are equal, compared in constant time. */
int ecr_sigv4_equal(const char *a, const char *b);

#endif
