#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"

struct ecr_sha256 {
	EVP_MD_CTX *md; /* libcrypto's streaming context */
};

void ecr_crypto_init(void)
{
	/* SHA-256 and HMAC need nothing from openssl.cnf, the legacy algorithm tables or
	 * the error strings; loading those cost ~2 ms of every short command (perf, on
	 * Get-ECRImageScanFinding: most of it inside the first HMAC). The first init call
	 * decides; later ones are no-ops. libcurl's TLS uses its own shared libcrypto. */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
			    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
}

struct ecr_sha256 *ecr_sha256_new(void)
{
	struct ecr_sha256 *s = OPENSSL_zalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->md = EVP_MD_CTX_new();
	if (!s->md || !EVP_DigestInit_ex(s->md, EVP_sha256(), NULL)) {
		ecr_sha256_free(s);
		return NULL;
	}
	return s;
}

void ecr_sha256_update(struct ecr_sha256 *s, const void *p, size_t n)
{
	EVP_DigestUpdate(s->md, p, n);
}

void ecr_sha256_final(struct ecr_sha256 *s, char out[ECR_DIGEST_LEN + 1])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_DigestFinal_ex(s->md, md, &n);
	memcpy(out, "sha256:", 7);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	ecr_sha256_free(s);
}

void ecr_sha256_free(struct ecr_sha256 *s)
{
	if (!s)
		return;
	EVP_MD_CTX_free(s->md);
	OPENSSL_free(s);
}

void ecr_sha256_buf(const void *p, size_t n, char out[ECR_DIGEST_LEN + 1])
{
	struct ecr_sha256 *s = ecr_sha256_new();
	ecr_sha256_update(s, p, n);
	ecr_sha256_final(s, out);
}

int ecr_digest_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) || strlen(d) != ECR_DIGEST_LEN)
		return 0;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}
