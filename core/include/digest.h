/* sha256 digests in the registry's "sha256:<64 hex>" form, on libcrypto. */
#ifndef ECR_DIGEST_H
#define ECR_DIGEST_H
#include <stddef.h>

#define ECR_DIGEST_LEN 71 /* "sha256:" + 64 hex */

struct ecr_sha256;        /* opaque streaming state */

/* Call before any other libcrypto use (ecr_ctx_open does): skips openssl.cnf. */
void ecr_crypto_init(void);
struct ecr_sha256 *ecr_sha256_new(void);
void ecr_sha256_update(struct ecr_sha256 *s, const void *p, size_t n);
/* Writes "sha256:<hex>" (ECR_DIGEST_LEN + 1 bytes) into out and frees s. */
void ecr_sha256_final(struct ecr_sha256 *s, char out[ECR_DIGEST_LEN + 1]);
void ecr_sha256_free(struct ecr_sha256 *s);
void ecr_sha256_buf(const void *p, size_t n, char out[ECR_DIGEST_LEN + 1]);
/* 1 when d is "sha256:" followed by exactly 64 lowercase hex digits. */
int ecr_digest_valid(const char *d);

#endif
