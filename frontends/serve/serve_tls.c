/* The --tls-cert/--tls-key pair, checked before the server starts. libmicrohttpd hands
 * the PEM text to GnuTLS, whose refusal reaches us only as "Failed to initialize TLS
 * support" and a NULL daemon; reading the pair with OpenSSL first (already linked for
 * SigV4) lets the error name the file and what is wrong with it. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "serve_int.h"

/* a passphrase callback that gives none: an encrypted key is refused, never prompted for */
static int no_pass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* why the last PEM read failed, in words: the process loads no OpenSSL error strings
 * (core/digest.c keeps start-up short), so the reason codes are named here */
static const char *why(const char *text)
{
	unsigned long e = ERR_peek_last_error();
	ERR_clear_error();
	if (!*text)
		return "the file is empty";
	if (!strstr(text, "-----BEGIN "))
		return "no PEM block in it";
	if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
		return "no PEM block of that kind in it";
	if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_BAD_BASE64_DECODE)
		return "its PEM block is damaged (bad base64)";
	if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_BAD_END_LINE)
		return "its PEM block has no proper END line";
	return "its PEM block does not parse";
}

int serve_tls_check(const char *cert, const char *key, const char *cert_file, const char *key_file)
{
	BIO *b = NULL;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	int rc = -1;
	ERR_clear_error();
	if (!(b = BIO_new_mem_buf(cert, -1)) || !(x = PEM_read_bio_X509(b, NULL, no_pass, NULL))) {
		fprintf(stderr, "ecrlite serve: error: TLS certificate '%s' is not a PEM certificate "
				"(-----BEGIN CERTIFICATE-----): %s\n", cert_file, why(cert));
		goto out;
	}
	BIO_free(b);
	if (!(b = BIO_new_mem_buf(key, -1)) || !(k = PEM_read_bio_PrivateKey(b, NULL, no_pass, NULL))) {
		const char *reason = why(key);
		if (strstr(key, "ENCRYPTED"))
			fprintf(stderr, "ecrlite serve: error: TLS key '%s' is encrypted; the server needs it without a "
					"passphrase (openssl pkey -in KEY -out PLAIN)\n", key_file);
		else
			fprintf(stderr, "ecrlite serve: error: TLS key '%s' is not a PEM private key "
					"(-----BEGIN PRIVATE KEY-----): %s\n", key_file, reason);
		goto out;
	}
	if (X509_check_private_key(x, k) != 1) {
		ERR_clear_error();
		fprintf(stderr, "ecrlite serve: error: TLS key '%s' does not belong to the certificate in '%s'\n", key_file,
			cert_file);
		goto out;
	}
	/* an expired certificate still serves (a test clock, a client told not to verify),
	 * but every verifying client will refuse it: say so once */
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
		fprintf(stderr, "ecrlite serve: warning: TLS certificate '%s' has expired; clients that verify it will "
				"refuse the connection\n", cert_file);
	else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
		fprintf(stderr, "ecrlite serve: warning: TLS certificate '%s' is not valid yet; clients that verify it will "
				"refuse the connection\n", cert_file);
	rc = 0;
out:
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}
