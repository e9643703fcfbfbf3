/* Signature Version 4: canonical request, string to sign, key derivation (sigv4.h).
 * Written from the algorithm as serve.md §2 states it; checked against the AWS test
 * suite's get-vanilla case and an ECR request recorded from the real CLI
 * (tests/unit/test_sigv4.c). */
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "sigv4.h"

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void ecr_sigv4_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	hex(md, 32, out);
}

static void hmac(const void *key, size_t klen, const char *msg, size_t mlen, unsigned char out[32])
{
	unsigned int n = 0;
	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, mlen, out, &n);
}

/* botocore's _header_value: leading/trailing space gone, inner runs of space as one */
static int add_trimmed(struct buf *b, const char *v)
{
	int space = 0, any = 0;
	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') {
			space = any;
			continue;
		}
		if (space && ecr_buf_add(b, " ", 1))
			return -1;
		space = 0;
		any = 1;
		if (ecr_buf_add(b, v, 1))
			return -1;
	}
	return 0;
}

int ecr_sigv4_sign(const struct ecr_sigv4_req *r, char sig_out[65], struct buf *creq_out, struct buf *sts_out)
{
	struct buf c, s;
	char chash[65], date[9], kinit[300];
	unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];
	int rc = -1;
	sig_out[0] = '\0';
	ecr_buf_init(&c, 1 << 20);
	ecr_buf_init(&s, 1 << 16);
	if (strlen(r->amzdate) < 8 || strlen(r->secret) + 5 > sizeof(kinit))
		goto out;
	memcpy(date, r->amzdate, 8);
	date[8] = '\0';
	if (ecr_buf_printf(&c, "%s\n%s\n%s\n", r->method, r->uri, r->query))
		goto out;
	/* one "name:value\n" per signed header, in SignedHeaders' order */
	for (const char *p = r->signed_headers; *p;) {
		size_t n = strcspn(p, ";");
		char name[256];
		if (!n || n >= sizeof(name))
			goto out;
		memcpy(name, p, n);
		name[n] = '\0';
		const char *v = r->header(r->ud, name);
		if (!v || ecr_buf_printf(&c, "%s:", name) || add_trimmed(&c, v) || ecr_buf_add(&c, "\n", 1))
			goto out;
		p += n;
		if (*p == ';')
			p++;
	}
	if (ecr_buf_printf(&c, "\n%s\n%s", r->signed_headers, r->payload_hash))
		goto out;
	ecr_sigv4_sha256_hex(c.data, c.len, chash);
	if (ecr_buf_printf(&s, ECR_SIGV4_ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", r->amzdate, date, r->region,
			   r->service, chash))
		goto out;
	/* kDate = HMAC("AWS4"+secret, date) … kSigning = HMAC(kService, "aws4_request") */
	snprintf(kinit, sizeof(kinit), "AWS4%s", r->secret);
	hmac(kinit, strlen(kinit), date, 8, k1);
	hmac(k1, 32, r->region, strlen(r->region), k2);
	hmac(k2, 32, r->service, strlen(r->service), k3);
	hmac(k3, 32, "aws4_request", 12, k4);
	hmac(k4, 32, s.data, s.len, sig);
	hex(sig, 32, sig_out);
	if (creq_out)
		ecr_buf_add(creq_out, c.data, c.len);
	if (sts_out)
		ecr_buf_add(sts_out, s.data, s.len);
	rc = 0;
out:
	OPENSSL_cleanse(kinit, sizeof(kinit));
	ecr_buf_release(&c);
	ecr_buf_release(&s);
	return rc;
}

static int copy(char *dst, size_t dn, const char *src, size_t n)
{
	if (n >= dn)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

int ecr_sigv4_parse(const char *h, struct ecr_sigv4_auth *out, char *msg, size_t msgn)
{
	static const char alg[] = ECR_SIGV4_ALGORITHM;
	int have_cred = 0, have_sh = 0, have_sig = 0;
	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	if (strncmp(h, alg, sizeof(alg) - 1) || (h[sizeof(alg) - 1] != ' ' && h[sizeof(alg) - 1] != '\0')) {
		snprintf(msg, msgn, "Unsupported AWS 'algorithm': '%.*s'", (int)strcspn(h, " "), h);
		return -1;
	}
	for (const char *p = h + sizeof(alg) - 1; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, ",");
		while (n && p[n - 1] == ' ')
			n--;
		const char *eq = memchr(p, '=', n);
		if (!eq) {
			snprintf(msg, msgn, "'%.*s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.",
				 (int)n, p, h);
			return -1;
		}
		size_t kl = (size_t)(eq - p), vl = n - kl - 1;
		const char *v = eq + 1;
		if (kl == 10 && !memcmp(p, "Credential", 10)) {
			/* AKID/YYYYMMDD/region/service/aws4_request */
			const char *parts[5];
			size_t lens[5];
			int np = 0;
			for (const char *q = v, *end = v + vl; np < 5;) {
				const char *sl = memchr(q, '/', (size_t)(end - q));
				parts[np] = q;
				lens[np++] = (size_t)((sl ? sl : end) - q);
				if (!sl)
					break;
				q = sl + 1;
			}
			if (np == 5 && (memchr(parts[4], '/', (size_t)(v + vl - parts[4])) || lens[4] != 12 ||
					memcmp(parts[4], "aws4_request", 12))) {
				snprintf(msg, msgn, "Credential should be scoped with a valid terminator: 'aws4_request', not '%.*s'.",
					 (int)(v + vl - parts[4]), parts[4]);
				return -1;
			}
			if (np != 5 || !lens[0] || copy(out->akid, sizeof(out->akid), parts[0], lens[0]) || lens[1] != 8 ||
			    copy(out->date, sizeof(out->date), parts[1], lens[1]) ||
			    copy(out->region, sizeof(out->region), parts[2], lens[2]) ||
			    copy(out->service, sizeof(out->service), parts[3], lens[3])) {
				snprintf(msg, msgn, "Credential is not scoped as AKID/YYYYMMDD/REGION/SERVICE/aws4_request in Authorization header: '%s'.", h);
				return -1;
			}
			have_cred = 1;
		} else if (kl == 13 && !memcmp(p, "SignedHeaders", 13)) {
			if (!vl || copy(out->signed_headers, sizeof(out->signed_headers), v, vl)) {
				snprintf(msg, msgn, "Authorization header requires 'SignedHeaders' parameter.");
				return -1;
			}
			have_sh = 1;
		} else if (kl == 9 && !memcmp(p, "Signature", 9)) {
			if (copy(out->signature, sizeof(out->signature), v, vl))
				vl = 0; /* too long: no valid signature, the comparison fails */
			have_sig = 1;
		}
		p += n;
		while (*p && *p != ',')
			p++;
	}
	if (!have_cred || !have_sig || !have_sh) {
		snprintf(msg, msgn, "%s%s%s",
			 have_cred ? "" : "Authorization header requires 'Credential' parameter. ",
			 have_sig ? "" : "Authorization header requires 'Signature' parameter. ",
			 have_sh ? "" : "Authorization header requires 'SignedHeaders' parameter. ");
		size_t l = strlen(msg);
		if (l && msg[l - 1] == ' ')
			msg[l - 1] = '\0';
		return -1;
	}
	for (const char *q = out->date; *q; q++)
		if (!isdigit((unsigned char)*q)) {
			snprintf(msg, msgn, "Date must be in ISO-8601 'basic format'. Got '%s'.", out->date);
			return -1;
		}
	return 0;
}

int ecr_sigv4_equal(const char *a, const char *b)
{
	return strlen(a) == 64 && strlen(b) == 64 && !CRYPTO_memcmp(a, b, 64);
}
