/* ECR's registry credentials: GetAuthorizationToken's password, and the signed,
 * short-lived download URLs of GetDownloadUrlForLayer. A password is base64 (so it
 * never holds ':', which `aws ecr get-login-password` would choke on) of
 * "ecrlite1|ACCOUNT|REGION|EXPIRES|MAC", the MAC an HMAC-SHA256 with the state's secret:
 * the registry verifies it offline, and it dies with the state directory. */
#ifndef ECR_AUTHTOKEN_H
#define ECR_AUTHTOKEN_H
#include <stddef.h>

struct ecr_ctx;
struct ecr_err;

#define ECR_AUTHTOKEN_SECONDS 43200 /* 12 hours, as ECR's tokens */
#define ECR_DOWNLOAD_URL_SECONDS 3600 /* GetDownloadUrlForLayer's URL lives an hour */

enum ecr_auth_result {
	ECR_AUTH_OK = 0,
	ECR_AUTH_INVALID = 1,  /* not a password of this state */
	ECR_AUTH_EXPIRED = 2,  /* ours, but past its 12 hours */
};

/* A new password (caller frees) for account and region, expiring at *expires_out; NULL
 * with err filled when the state's secret cannot be read (or memory ran out). */
char *ecr_authtoken_password(struct ecr_ctx *ctx, const char *account, const char *region, double *expires_out,
			     struct ecr_err *err);
/* Checks a password; on ECR_AUTH_OK the account and region it was made for. A secret
 * that cannot be read makes every password ECR_AUTH_INVALID (the checks fail closed). */
enum ecr_auth_result ecr_authtoken_verify(struct ecr_ctx *ctx, const char *password, char account[16],
					  char region[32]);
/* Checks the user and password of an HTTP Basic "Authorization" value (user AWS). */
enum ecr_auth_result ecr_authtoken_verify_basic(struct ecr_ctx *ctx, const char *header, char account[16],
						char region[32]);
/* The query "X-Ecrlite-Registry=…&X-Ecrlite-Region=…&X-Ecrlite-Expires=…&
 * X-Ecrlite-Signature=…" (all four signed) that lets a plain GET fetch
 * blob digest of repository repo (account, region) until now + ECR_DOWNLOAD_URL_SECONDS;
 * 0, or negative with err filled when the state's secret cannot be read. */
int ecr_authtoken_url_query(struct ecr_ctx *ctx, const char *account, const char *region, const char *repo,
			    const char *digest, char *out, size_t n, struct ecr_err *err);
/* 1 when expires/signature (the query's values) allow that GET now. */
int ecr_authtoken_url_ok(struct ecr_ctx *ctx, const char *account, const char *region, const char *repo,
			 const char *digest, const char *expires, const char *signature);

#endif
