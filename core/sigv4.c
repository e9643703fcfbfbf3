/* Signature Version 4: canonical request, string to sign, key derivation (sigv4.h).
 * Written from the algorithm as serve.md §2 states it; checked against the AWS test
 * suite's get-vanilla case and an ECR request recorded from the real CLI
 * (tests/unit/test_sigv4.c). */
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "str.h"

/* the part of a header a message quotes (the message is capped where it is kept) */
#define QUOTE(n) ecr_str_quote((n), 1024)

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

/* Credential's value, AKID/YYYYMMDD/region/service/aws4_request, into out's scope.
 * -1 with msg set when the terminator is wrong, -1 with msg empty when the parts
 * are not there (the caller says where it was looking). */
static int parse_cred(const char *v, size_t vl, struct ecr_sigv4_auth *out, char *msg, size_t msgn)
{
	const char *parts[5];
	size_t lens[5];
	int np = 0;
	msg[0] = '\0';
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
			 QUOTE((size_t)(v + vl - parts[4])), parts[4]);
		return -1;
	}
	if (np != 5 || !lens[0] || copy(out->akid, sizeof(out->akid), parts[0], lens[0]) || lens[1] != 8 ||
	    copy(out->date, sizeof(out->date), parts[1], lens[1]) ||
	    copy(out->region, sizeof(out->region), parts[2], lens[2]) ||
	    copy(out->service, sizeof(out->service), parts[3], lens[3]))
		return -1;
	return 0;
}

static int date_digits(const struct ecr_sigv4_auth *a, char *msg, size_t msgn)
{
	for (const char *q = a->date; *q; q++)
		if (!isdigit((unsigned char)*q)) {
			snprintf(msg, msgn, "Date must be in ISO-8601 'basic format'. Got '%s'.", a->date);
			return -1;
		}
	return 0;
}

int ecr_sigv4_parse(const char *h, struct ecr_sigv4_auth *out, char *msg, size_t msgn)
{
	static const char alg[] = ECR_SIGV4_ALGORITHM;
	int have_cred = 0, have_sh = 0, have_sig = 0;
	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	if (strncmp(h, alg, sizeof(alg) - 1) || (h[sizeof(alg) - 1] != ' ' && h[sizeof(alg) - 1] != '\0')) {
		snprintf(msg, msgn, "Unsupported AWS 'algorithm': '%.*s'", QUOTE(strcspn(h, " ")), h);
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
				 QUOTE(n), p, h);
			return -1;
		}
		size_t kl = (size_t)(eq - p), vl = n - kl - 1;
		const char *v = eq + 1;
		if (kl == 10 && !memcmp(p, "Credential", 10)) {
			if (parse_cred(v, vl, out, msg, msgn)) {
				if (!msg[0])
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
	return date_digits(out, msg, msgn);
}

int ecr_sigv4_equal(const char *a, const char *b)
{
	return strlen(a) == 64 && strlen(b) == 64 && !CRYPTO_memcmp(a, b, 64);
}

int ecr_sigv4_parse_query(const char *(*arg)(void *ud, const char *name), void *ud, struct ecr_sigv4_auth *out,
			  char amzdate_out[17], long *expires_out, char *msg, size_t msgn)
{
	static const char *const need[] = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
					   "X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Expires"};
	const char *v[6];
	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	for (size_t i = 0; i < 6; i++)
		if (!(v[i] = arg(ud, need[i]))) {
			snprintf(msg, msgn, "AWS query-string parameters must include '%s'. Re-examine the query-string parameters.",
				 need[i]);
			return -1;
		}
	if (strcmp(v[0], ECR_SIGV4_ALGORITHM)) {
		snprintf(msg, msgn, "Unsupported AWS 'algorithm': '%.64s'", v[0]);
		return -1;
	}
	if (parse_cred(v[1], strlen(v[1]), out, msg, msgn)) {
		if (!msg[0])
			snprintf(msg, msgn, "X-Amz-Credential is not scoped as AKID/YYYYMMDD/REGION/SERVICE/aws4_request: '%.200s'.", v[1]);
		return -1;
	}
	if (copy(out->signature, sizeof(out->signature), v[2], strlen(v[2])))
		out->signature[0] = '\0'; /* too long: no valid signature, the comparison fails */
	if (!*v[3] || copy(out->signed_headers, sizeof(out->signed_headers), v[3], strlen(v[3]))) {
		snprintf(msg, msgn, "X-Amz-SignedHeaders must name the signed headers (1 to %zu characters).",
			 sizeof(out->signed_headers) - 1);
		return -1;
	}
	if (strlen(v[4]) != 16) {
		snprintf(msg, msgn, "Date must be in ISO-8601 'basic format'. Got '%.64s'.", v[4]);
		return -1;
	}
	memcpy(amzdate_out, v[4], 17);
	/* SigV4's longest lifetime is a week */
	char *end;
	long e = strtol(v[5], &end, 10);
	if (!*v[5] || *end || v[5][0] == '-' || e > ECR_SIGV4_MAX_EXPIRES) {
		snprintf(msg, msgn, "X-Amz-Expires must be a whole number of seconds from 0 to %d (a week); got '%.32s'.",
			 ECR_SIGV4_MAX_EXPIRES, v[5]);
		return -1;
	}
	*expires_out = e;
	return date_digits(out, msg, msgn);
}

/* RFC 3986 percent-encoding as SigV4 wants it: unreserved kept, every other byte %XX */
static int uri_encode(struct buf *b, const char *s)
{
	static const char digits[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			if (ecr_buf_add(b, s, 1))
				return -1;
		} else {
			char e[3] = {'%', digits[c >> 4], digits[c & 15]};
			if (ecr_buf_add(b, e, 3))
				return -1;
		}
	}
	return 0;
}

struct qpair {
	char *k;             /* encoded name */
	char *v;             /* encoded value */
};

static int qpair_cmp(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	int c = strcmp(x->k, y->k);
	return c ? c : strcmp(x->v, y->v);
}

static char *encoded(const char *s)
{
	struct buf b;
	ecr_buf_init(&b, 1 << 20);
	if (uri_encode(&b, s ? s : ""))
		return NULL; /* the buffer freed itself */
	return b.data ? ecr_buf_detach(&b) : strdup("");
}

int ecr_sigv4_canonical_query(const char *const *kv, size_t n, struct buf *out)
{
	struct qpair *p = n ? calloc(n, sizeof(*p)) : NULL;
	size_t m = 0;
	int rc = -1;
	if (n && !p)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(kv[2 * i], "X-Amz-Signature"))
			continue; /* the one parameter the signature cannot cover */
		if (!(p[m].k = encoded(kv[2 * i])) || !(p[m].v = encoded(kv[2 * i + 1]))) {
			m++;
			goto out;
		}
		m++;
	}
	if (m)
		qsort(p, m, sizeof(*p), qpair_cmp);
	for (size_t i = 0; i < m; i++)
		if ((i && ecr_buf_add(out, "&", 1)) || ecr_buf_printf(out, "%s=%s", p[i].k, p[i].v))
			goto out;
	rc = 0;
out:
	for (size_t i = 0; i < m; i++) {
		free(p[i].k);
		free(p[i].v);
	}
	free(p);
	return rc;
}
