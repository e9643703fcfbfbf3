/* Registry passwords and download URLs (authtoken.h). */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authtoken.h"
#include "ctx.h"
#include "err.h"
#include "state.h"

static int secret(struct ecr_ctx *ctx, char out[65], struct ecr_err *err)
{
	char *s;
	int rc = ecr_state_meta_get(ctx->db, "token_secret", &s, err);
	if (rc)
		return rc;
	if (!s)
		return ecr_err_set(err, ECR_E_INTERNAL, "the state has no token secret");
	snprintf(out, 65, "%s", s);
	free(s);
	return 0;
}

/* hex HMAC-SHA256 of "purpose|msg" with the state's secret; negative (err filled)
 * without one. The checks pass err NULL: a secret that cannot be read verifies
 * nothing, so a failing state fails closed (401), never lets a request in. */
static int mac(struct ecr_ctx *ctx, const char *purpose, const char *msg, char out[65], struct ecr_err *err)
{
	char sec[65], buf[2048];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc;
	if ((rc = secret(ctx, sec, err)))
		return rc;
	snprintf(buf, sizeof(buf), "%s|%s", purpose, msg);
	HMAC(EVP_sha256(), sec, (int)strlen(sec), (const unsigned char *)buf, strlen(buf), md, &n);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

char *ecr_authtoken_password(struct ecr_ctx *ctx, const char *account, const char *region, double *expires_out,
			     struct ecr_err *err)
{
	char msg[256], m[65], raw[400];
	long long exp = (long long)ecr_ctx_now(ctx) + ECR_AUTHTOKEN_SECONDS;
	snprintf(msg, sizeof(msg), "%s|%s|%lld", account, region, exp);
	if (mac(ctx, "registry-password", msg, m, err))
		return NULL;
	int n = snprintf(raw, sizeof(raw), "ecrlite1|%s|%s", msg, m);
	char *out = malloc(4 * ((size_t)n + 2) / 3 + 1);
	if (!out) {
		ecr_err_oom(err);
		return NULL;
	}
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)raw, n);
	*expires_out = (double)exp;
	return out;
}

enum ecr_auth_result ecr_authtoken_verify(struct ecr_ctx *ctx, const char *password, char account[16], char region[32])
{
	unsigned char raw[512];
	char acc[16], reg[32], want[65], msg[256];
	long long exp;
	size_t pl = strlen(password);
	int n, used = 0;
	if (!pl || pl > 480 || pl % 4)
		return ECR_AUTH_INVALID;
	n = EVP_DecodeBlock(raw, (const unsigned char *)password, (int)pl);
	if (n <= 0)
		return ECR_AUTH_INVALID;
	raw[n] = '\0';
	/* EVP_DecodeBlock keeps the padding's zero bytes: the text ends at the first NUL */
	if (sscanf((char *)raw, "ecrlite1|%15[0-9]|%31[a-z0-9-]|%lld|%n", acc, reg, &exp, &used) != 3 || !used)
		return ECR_AUTH_INVALID;
	const char *got = (const char *)raw + used;
	snprintf(msg, sizeof(msg), "%s|%s|%lld", acc, reg, exp);
	if (strlen(got) != 64 || mac(ctx, "registry-password", msg, want, NULL) || CRYPTO_memcmp(want, got, 64))
		return ECR_AUTH_INVALID;
	if ((double)exp < ecr_ctx_now(ctx))
		return ECR_AUTH_EXPIRED;
	snprintf(account, 16, "%s", acc);
	snprintf(region, 32, "%s", reg);
	return ECR_AUTH_OK;
}

enum ecr_auth_result ecr_authtoken_verify_basic(struct ecr_ctx *ctx, const char *header, char account[16],
						char region[32])
{
	unsigned char raw[600];
	if (!header || strncasecmp(header, "Basic ", 6))
		return ECR_AUTH_INVALID;
	const char *b = header + 6;
	while (*b == ' ')
		b++;
	size_t bl = strcspn(b, " \t\r\n");
	if (!bl || bl > 640 || bl % 4)
		return ECR_AUTH_INVALID;
	int n = EVP_DecodeBlock(raw, (const unsigned char *)b, (int)bl);
	if (n <= 0)
		return ECR_AUTH_INVALID;
	raw[n] = '\0';
	if (strncmp((char *)raw, "AWS:", 4))
		return ECR_AUTH_INVALID;
	return ecr_authtoken_verify(ctx, (char *)raw + 4, account, region);
}

int ecr_authtoken_url_query(struct ecr_ctx *ctx, const char *account, const char *region, const char *repo,
			    const char *digest, char *out, size_t n, struct ecr_err *err)
{
	char msg[1024], m[65];
	long long exp = (long long)ecr_ctx_now(ctx) + ECR_DOWNLOAD_URL_SECONDS;
	int rc;
	snprintf(msg, sizeof(msg), "%s|%s|%s|%s|%lld", account, region, repo, digest, exp);
	/* a URL without its signature would be refused when used: fail now, with why */
	if ((rc = mac(ctx, "download-url", msg, m, err)))
		return rc;
	/* the registry and region ride along, signed: the server's own defaults need not be
	 * the caller's (a URL got in us-east-2 answered 401 from a us-east-1 server) */
	snprintf(out, n, "X-Ecrlite-Registry=%s&X-Ecrlite-Region=%s&X-Ecrlite-Expires=%lld&X-Ecrlite-Signature=%s",
		 account, region, exp, m);
	return 0;
}

int ecr_authtoken_url_ok(struct ecr_ctx *ctx, const char *account, const char *region, const char *repo,
			 const char *digest, const char *expires, const char *signature)
{
	char msg[1024], m[65];
	char *end;
	if (!expires || !signature || strlen(signature) != 64)
		return 0;
	long long exp = strtoll(expires, &end, 10);
	if (*end || end == expires || (double)exp < ecr_ctx_now(ctx))
		return 0;
	snprintf(msg, sizeof(msg), "%s|%s|%s|%s|%lld", account, region, repo, digest, exp);
	return !mac(ctx, "download-url", msg, m, NULL) && !CRYPTO_memcmp(m, signature, 64);
}
