/* SigV4 as any client can send it to the server (core/sigv4.c): the Authorization
 * header parser, and — for an input starting with '?' — a presigned request's query
 * parameters ("name=value" pairs split on '&', decoded as MHD hands them over) with
 * the canonical query built from them. Beyond not crashing, a parse that succeeds has
 * every field NUL-terminated within its buffer, and the request is re-signed with the
 * parsed SignedHeaders. */
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "fuzz.h"

#define MAXQ 64

static const char *any_value(void *ud, const char *name)
{
	(void)ud;
	return name; /* every header present, its value its name */
}

struct q {
	const char *kv[2 * MAXQ];   /* name, value, … */
	size_t n;                   /* pairs */
};

static const char *qarg(void *ud, const char *name)
{
	const struct q *q = ud;
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->kv[2 * i], name))
			return q->kv[2 * i + 1];
	return NULL;
}

static void check_auth(const struct ecr_sigv4_auth *a, const char *amzdate, const char *query)
{
	char sig[65];
	if (memchr(a->akid, 0, sizeof(a->akid)) == NULL || memchr(a->signed_headers, 0, sizeof(a->signed_headers)) == NULL ||
	    strlen(a->date) != 8 || strlen(a->signature) > 64)
		abort();
	struct ecr_sigv4_req r = {"POST", "/", query, a->signed_headers, any_value, NULL, ECR_SIGV4_EMPTY_SHA256,
				  amzdate, a->region, a->service, "secret"};
	if (!ecr_sigv4_sign(&r, sig, NULL, NULL))
		(void)ecr_sigv4_equal(sig, a->signature);
}

static void query_mode(char *s)
{
	struct q q = {{0}, 0};
	struct ecr_sigv4_auth a;
	char msg[1024], amz[17];
	long expires = -1;
	for (char *save = NULL, *p = strtok_r(s, "&", &save); p && q.n < MAXQ; p = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(p, '=');
		if (eq)
			*eq = '\0';
		q.kv[2 * q.n] = p;
		q.kv[2 * q.n + 1] = eq ? eq + 1 : NULL;
		q.n++;
	}
	struct buf cq;
	ecr_buf_init(&cq, 1 << 16);
	int have_cq = !ecr_sigv4_canonical_query(q.kv, q.n, &cq);
	if (have_cq && cq.data && strlen(cq.data) != cq.len)
		abort();
	if (!ecr_sigv4_parse_query(qarg, &q, &a, amz, &expires, msg, sizeof(msg))) {
		if (strlen(amz) != 16 || expires < 0 || expires > ECR_SIGV4_MAX_EXPIRES)
			abort();
		check_auth(&a, amz, have_cq && cq.data ? cq.data : "");
	} else if (!memchr(msg, 0, sizeof(msg))) {
		abort();
	}
	ecr_buf_release(&cq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1);
	memcpy(h, data, size);
	h[size] = '\0';
	struct ecr_sigv4_auth a;
	char msg[1024];
	if (h[0] == '?') {
		query_mode(h + 1);
	} else if (!ecr_sigv4_parse(h, &a, msg, sizeof(msg))) {
		check_auth(&a, "20261128T083556Z", "");
	} else if (!memchr(msg, 0, sizeof(msg))) {
		abort();
	}
	free(h);
	return 0;
}
