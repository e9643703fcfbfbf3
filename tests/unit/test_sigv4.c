/* SigV4 (core/sigv4.c) against published and recorded vectors (serve.md §2.4). */
#include <string.h>

#include "sigv4.h"
#include "unit.h"

struct hv {
	const char *names[6];   /* lowercase header names */
	const char *values[6];  /* their values */
};

static const char *lookup(void *ud, const char *name)
{
	const struct hv *h = ud;
	for (int i = 0; i < 6 && h->names[i]; i++)
		if (!strcmp(h->names[i], name))
			return h->values[i];
	return NULL;
}

void test_sigv4_vectors(void)
{
	static const char body_scan[] = "{\"repositoryName\": \"name\", \"imageId\": {\"imageTag\": \"tag_name\"}}";
	static const struct {
		const char *what, *method, *amzdate, *region, *service, *secret, *sh, *body;
		struct hv h;
		const char *sig;
	} rows[] = {
		/* the AWS SigV4 test suite's get-vanilla case */
		{"get-vanilla", "GET", "20150830T123600Z", "us-east-1", "service", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		 "host;x-amz-date", "", {{"host", "x-amz-date"}, {"example.amazonaws.com", "20150830T123600Z"}},
		 "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		/* made with the Debian awscli's botocore, clock fixed (DescribeRepositories, {}) */
		{"ecr-describe-repositories", "POST", "20261128T083556Z", "us-east-2", "ecr", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		 "content-type;host;x-amz-date;x-amz-target", "{}",
		 {{"content-type", "host", "x-amz-date", "x-amz-target"},
		  {"application/x-amz-json-1.1", "127.0.0.1:5000", "20261128T083556Z",
		   "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"}},
		 "71cd9897232da35f64b4166ee12ab0260835b0890fc972de1a1017b463a7d45d"},
		/* the real CLI's StartImageScan in ../shared/golden/awscli/HEADERS.md */
		{"cli-start-image-scan", "POST", "20261128T083556Z", "us-east-2", "ecr", "secret",
		 "content-type;host;x-amz-date;x-amz-target", body_scan,
		 {{"content-type", "host", "x-amz-date", "x-amz-target"},
		  {"application/x-amz-json-1.1", "127.0.0.1:45345", "20261128T083556Z",
		   "AmazonEC2ContainerRegistry_V20150921.StartImageScan"}},
		 "c5f0f9686d97b73400fc5556c5c04fd52ad716f530d8c0fda5e5024f4b155ad1"},
		/* the same with the value's inner and outer spaces collapsed as botocore does */
		{"trimmed-values", "POST", "20261128T083556Z", "us-east-2", "ecr", "secret",
		 "content-type;host;x-amz-date;x-amz-target", body_scan,
		 {{"content-type", "host", "x-amz-date", "x-amz-target"},
		  {"  application/x-amz-json-1.1 ", "127.0.0.1:45345", "20261128T083556Z",
		   "AmazonEC2ContainerRegistry_V20150921.StartImageScan"}},
		 "c5f0f9686d97b73400fc5556c5c04fd52ad716f530d8c0fda5e5024f4b155ad1"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char ph[65], sig[65];
		ecr_sigv4_sha256_hex(rows[i].body, strlen(rows[i].body), ph);
		struct ecr_sigv4_req r = {rows[i].method, "/", "", rows[i].sh, lookup, (void *)&rows[i].h, ph,
					  rows[i].amzdate, rows[i].region, rows[i].service, rows[i].secret};
		CHECK(ecr_sigv4_sign(&r, sig, NULL, NULL) == 0);
		if (strcmp(sig, rows[i].sig))
			fprintf(stderr, "sigv4 case %s\n", rows[i].what);
		CHECK_STR(sig, rows[i].sig);
		CHECK(ecr_sigv4_equal(sig, rows[i].sig));
	}
	/* the ECR vector's intermediate hashes */
	char ph[65];
	ecr_sigv4_sha256_hex("{}", 2, ph);
	CHECK_STR(ph, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
	ecr_sigv4_sha256_hex("", 0, ph);
	CHECK_STR(ph, ECR_SIGV4_EMPTY_SHA256);
	struct buf sts;
	ecr_buf_init(&sts, 4096);
	struct ecr_sigv4_req r = {"POST", "/", "", rows[1].sh, lookup, (void *)&rows[1].h,
				  "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", rows[1].amzdate,
				  "us-east-2", "ecr", rows[1].secret};
	char sig[65];
	CHECK(ecr_sigv4_sign(&r, sig, NULL, &sts) == 0);
	const char *nl = sts.data ? strrchr(sts.data, '\n') : NULL;
	CHECK_STR(nl ? nl + 1 : NULL, "d2378ab9d142c29d3055caed9376c3c9458087d38822cb506670ee35981099b5");
	ecr_buf_release(&sts);
	/* a signed header the request lacks cannot be signed */
	r.signed_headers = "content-type;host;x-amz-date;x-amz-security-token;x-amz-target";
	CHECK(ecr_sigv4_sign(&r, sig, NULL, NULL) == -1);
	CHECK(!ecr_sigv4_equal("abc", "abc"));
}

void test_sigv4_parse(void)
{
	static const struct {
		const char *h, *akid, *region, *sh, *msg;
	} rows[] = {
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-2/ecr/aws4_request, "
		 "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=c5f0f9686d97b73400fc5556c5c04fd52ad716f530d8c0fda5e5024f4b155ad1",
		 "AKIDEXAMPLE", "us-east-2", "content-type;host;x-amz-date;x-amz-target", NULL},
		{"AWS4-HMAC-SHA256 Credential=K/20261128/eu-west-1/ecr/aws4_request,SignedHeaders=host,Signature=00",
		 "K", "eu-west-1", "host", NULL},
		{"AWS4-HMAC-SHA256 Credential=K/20261128/eu-west-1/ecr/aws4_request", NULL, NULL, NULL,
		 "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."},
		{"AWS4-HMAC-SHA256 K/20181128/eu-central-1/cloud9/aws4_request", NULL, NULL, NULL,
		 "'K/20181128/eu-central-1/cloud9/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: "
		 "'AWS4-HMAC-SHA256 K/20181128/eu-central-1/cloud9/aws4_request'."},
		{"AWS4-HMAC-SHA256 Credential=K/20261128/eu-west-1/ecr/aws5, SignedHeaders=host, Signature=00", NULL, NULL, NULL,
		 "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5'."},
		{"Basic QVdTOnNlY3JldA==", NULL, NULL, NULL, "Unsupported AWS 'algorithm': 'Basic'"},
		{"AWS4-HMAC-SHA256", NULL, NULL, NULL,
		 "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. "
		 "Authorization header requires 'SignedHeaders' parameter."},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ecr_sigv4_auth a;
		char msg[1024];
		int rc = ecr_sigv4_parse(rows[i].h, &a, msg, sizeof(msg));
		if (rows[i].msg) {
			CHECK(rc == -1);
			CHECK_STR(msg, rows[i].msg);
		} else {
			CHECK(rc == 0);
			CHECK_STR(a.akid, rows[i].akid);
			CHECK_STR(a.region, rows[i].region);
			CHECK_STR(a.service, "ecr");
			CHECK_STR(a.date, "20261128");
			CHECK_STR(a.signed_headers, rows[i].sh);
		}
	}
}

/* presigned requests: the query parameters of one case, looked up by name */
struct qv {
	const char *kv[16];  /* name, value, … (decoded), NULL-terminated */
};

static const char *qlookup(void *ud, const char *name)
{
	const struct qv *q = ud;
	for (int i = 0; q->kv[i]; i += 2)
		if (!strcmp(q->kv[i], name))
			return q->kv[i + 1];
	return NULL;
}

void test_sigv4_query(void)
{
	static const char unres[] = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	/* the AWS signing test suite's query-signed-request.txt cases (awslabs/aws-c-auth,
	 * tests/aws-signing-test-suite/v4/): the parameters decoded, in the order sent */
	static const struct {
		const char *what, *cq, *sig;
		struct qv q;
	} rows[] = {
		{"get-vanilla-query-unreserved",
		 "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		 "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
		 "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host",
		 "8e76a88a7433637b12778d5592799b29ad21ecd6cf6325051c21d86f0acda2bf",
		 {{unres, unres, "X-Amz-Algorithm", "AWS4-HMAC-SHA256", "X-Amz-Credential",
		   "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", "X-Amz-Date", "20150830T123600Z", "X-Amz-SignedHeaders",
		   "host", "X-Amz-Expires", "3600", "X-Amz-Signature", "8e76a88a7433637b12778d5592799b29ad21ecd6cf6325051c21d86f0acda2bf"}}},
		{"get-vanilla-utf8-query",
		 "%E1%88%B4=bar&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
		 "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host",
		 "0bdd809b1519ac4f0c1dc3540e2cc46bd0c7f778eda408b2ebf3b913d21ff600",
		 {{"\xe1\x88\xb4", "bar", "X-Amz-Algorithm", "AWS4-HMAC-SHA256", "X-Amz-Credential",
		   "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", "X-Amz-Date", "20150830T123600Z", "X-Amz-SignedHeaders",
		   "host", "X-Amz-Expires", "3600", "X-Amz-Signature", "0bdd809b1519ac4f0c1dc3540e2cc46bd0c7f778eda408b2ebf3b913d21ff600"}}},
	};
	static const struct hv host = {{"host"}, {"example.amazonaws.com"}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ecr_sigv4_auth a;
		char msg[512], amz[17], sig[65];
		long expires = -1;
		size_t n = 0;
		while (rows[i].q.kv[2 * n])
			n++;
		CHECK(ecr_sigv4_parse_query(qlookup, (void *)&rows[i].q, &a, amz, &expires, msg, sizeof(msg)) == 0);
		CHECK_STR(a.akid, "AKIDEXAMPLE");
		CHECK_STR(a.service, "service");
		CHECK_STR(amz, "20150830T123600Z");
		CHECK(expires == 3600);
		struct buf cq;
		ecr_buf_init(&cq, 1 << 16);
		CHECK(ecr_sigv4_canonical_query(rows[i].q.kv, n, &cq) == 0);
		if (!cq.data || strcmp(cq.data, rows[i].cq))
			fprintf(stderr, "sigv4 query case %s\n", rows[i].what);
		CHECK_STR(cq.data, rows[i].cq);
		struct ecr_sigv4_req r = {"GET", "/", cq.data, a.signed_headers, lookup, (void *)&host, ECR_SIGV4_EMPTY_SHA256,
					  amz, a.region, a.service, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
		CHECK(ecr_sigv4_sign(&r, sig, NULL, NULL) == 0);
		CHECK_STR(sig, rows[i].sig);
		CHECK(ecr_sigv4_equal(sig, a.signature));
		ecr_buf_release(&cq);
	}
	/* sorted by name, then by value; a value-less name is "name=" */
	static const char *const dup[] = {"b", "2", "a", NULL, "b", "10", "X-Amz-Signature", "x", "a b", "+/="};
	struct buf cq;
	ecr_buf_init(&cq, 1 << 16);
	CHECK(ecr_sigv4_canonical_query(dup, 5, &cq) == 0);
	CHECK_STR(cq.data, "a=&a%20b=%2B%2F%3D&b=10&b=2");
	ecr_buf_release(&cq);
	/* the refusals, in the order a reader meets them */
	static const struct {
		struct qv q;
		const char *msg;
	} bad[] = {
		{{{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"}},
		 "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters."},
		{{{"X-Amz-Algorithm", "AWS4-HMAC-SHA1", "X-Amz-Credential", "K/20261128/us-east-1/ecr/aws4_request", "X-Amz-Signature",
		   "00", "X-Amz-SignedHeaders", "host", "X-Amz-Date", "20261128T000000Z", "X-Amz-Expires", "60"}},
		 "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'"},
		{{{"X-Amz-Algorithm", "AWS4-HMAC-SHA256", "X-Amz-Credential", "K/20261128/us-east-1", "X-Amz-Signature", "00",
		   "X-Amz-SignedHeaders", "host", "X-Amz-Date", "20261128T000000Z", "X-Amz-Expires", "60"}},
		 "X-Amz-Credential is not scoped as AKID/YYYYMMDD/REGION/SERVICE/aws4_request: 'K/20261128/us-east-1'."},
		{{{"X-Amz-Algorithm", "AWS4-HMAC-SHA256", "X-Amz-Credential", "K/20261128/us-east-1/ecr/aws4_request", "X-Amz-Signature",
		   "00", "X-Amz-SignedHeaders", "host", "X-Amz-Date", "20261128T000000Z", "X-Amz-Expires", "-1"}},
		 "X-Amz-Expires must be a whole number of seconds from 0 to 604800 (a week); got '-1'."},
		{{{"X-Amz-Algorithm", "AWS4-HMAC-SHA256", "X-Amz-Credential", "K/20261128/us-east-1/ecr/aws4_request", "X-Amz-Signature",
		   "00", "X-Amz-SignedHeaders", "host", "X-Amz-Date", "2026-11-28", "X-Amz-Expires", "60"}},
		 "Date must be in ISO-8601 'basic format'. Got '2026-11-28'."},
		{{{"X-Amz-Algorithm", "AWS4-HMAC-SHA256", "X-Amz-Credential", "K/2026112x/us-east-1/ecr/aws4_request", "X-Amz-Signature",
		   "00", "X-Amz-SignedHeaders", "host", "X-Amz-Date", "20261128T000000Z", "X-Amz-Expires", "60"}},
		 "Date must be in ISO-8601 'basic format'. Got '2026112x'."},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ecr_sigv4_auth a;
		char msg[512], amz[17];
		long expires;
		CHECK(ecr_sigv4_parse_query(qlookup, (void *)&bad[i].q, &a, amz, &expires, msg, sizeof(msg)) == -1);
		CHECK_STR(msg, bad[i].msg);
	}
}
