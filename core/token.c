#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "token.h"

/* The secret is made by the first schema migration (randomblob) and lives in meta, so
 * tokens survive across processes and differ between state directories. */
static int secret(struct ecr_ctx *ctx, char out[65], struct ecr_err *err)
{
	char *s;
	int rc = ecr_state_meta_get(ctx->db, "token_secret", &s, err);
	if (rc)
		return rc;
	if (!s)
		return ecr_err_set(err, ECR_E_STATE, "state database error: it has no token secret");
	snprintf(out, 65, "%s", s);
	free(s);
	return 0;
}

static void mac(const char *key, const char *msg, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)msg, strlen(msg), md, &n);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

char *ecr_token_make(struct ecr_ctx *ctx, const char *op, const char *scope, long long key, struct ecr_err *err)
{
	char sec[65], msg[1024], m[33];
	if (secret(ctx, sec, err))
		return NULL;
	snprintf(msg, sizeof(msg), "%s|%s|%lld", op, scope, key);
	mac(sec, msg, m);
	unsigned char raw[128];
	int n = snprintf((char *)raw, sizeof(raw), "%lld.%s", key, m);
	char *out = malloc(4 * ((size_t)n + 2) / 3 + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, raw, n);
	else
		ecr_err_oom(err);
	return out;
}

int ecr_token_set(struct ecr_ctx *ctx, json_t *out, const char *op, const char *scope, long long key,
		  struct ecr_err *err)
{
	char *t = ecr_token_make(ctx, op, scope, key, err);
	if (!t)
		return err && err->code ? err->code : ECR_E_INTERNAL;
	int rc = json_object_set_new(out, "nextToken", json_string(t)) ? ecr_err_oom(err) : 0;
	free(t);
	return rc;
}

int ecr_token_read(struct ecr_ctx *ctx, const char *op, const char *scope, const char *tok,
		   long long *key, struct ecr_err *err)
{
	unsigned char raw[256];
	char sec[65], msg[1024], m[33];
	size_t tl = strlen(tok);
	if (tl == 0 || tl > 160 || tl % 4)
		goto bad;
	int n = EVP_DecodeBlock(raw, (const unsigned char *)tok, (int)tl);
	if (n <= 0)
		goto bad;
	raw[n] = '\0';
	char *dot = strchr((char *)raw, '.');
	if (!dot)
		goto bad;
	*dot = '\0';
	char *end;
	long long k = strtoll((char *)raw, &end, 10);
	if (*end || end == (char *)raw)
		goto bad;
	int rc = secret(ctx, sec, err);
	if (rc)
		return rc;
	snprintf(msg, sizeof(msg), "%s|%s|%lld", op, scope, k);
	mac(sec, msg, m);
	if (strncmp(m, dot + 1, 32))
		goto bad;
	*key = k;
	return 0;
bad:
	return ecr_err_set(err, ECR_E_INVALID_PARAMETER, "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'");
}
