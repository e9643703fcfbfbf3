/* The endpoint client (remote.h): `aws --endpoint-url` and the cmdlets' -EndpointUrl. */
#include <errno.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "model.h"
#include "sigv4.h"
#include "str.h"
#include "config.h"
#include "lazy_curl.h"
#include "remote.h"

#define MAX_ATTEMPTS 3           /* the CLI's standard retry mode */
#define MAX_RESPONSE (256u << 20) /* a response body larger than this is refused */

/* Python json.dumps(separators=(", ", ": "), ensure_ascii=False): the CLI's body. */
static void body(struct buf *b, json_t *v)
{
	size_t i;
	json_t *e;
	const char *k;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		int first = 1;
		ecr_buf_addstr(b, "{");
		json_object_foreach(v, k, e) {
			if (!first)
				ecr_buf_addstr(b, ", ");
			first = 0;
			json_t *ks = json_string(k);
			char *kd = json_dumps(ks, JSON_ENCODE_ANY);
			ecr_buf_printf(b, "%s: ", kd);
			free(kd);
			json_decref(ks);
			body(b, e);
		}
		ecr_buf_addstr(b, "}");
		return;
	}
	case JSON_ARRAY:
		ecr_buf_addstr(b, "[");
		json_array_foreach(v, i, e) {
			if (i)
				ecr_buf_addstr(b, ", ");
			body(b, e);
		}
		ecr_buf_addstr(b, "]");
		return;
	default: {
		/* jansson writes strings without escaping non-ASCII and "/" by default */
		char *d = json_dumps(v, JSON_ENCODE_ANY);
		ecr_buf_addstr(b, d ? d : "null");
		free(d);
		return;
	}
	}
}

struct creds {
	char *key;     /* access key id */
	char *secret;  /* secret access key */
	char *token;   /* session token, or NULL */
};

/* A section's session token: botocore reads aws_security_token, then aws_session_token */
static char *ini_token(const char *path, const char *section)
{
	char *t = fe_ini_value(path, section, "aws_security_token");
	return t ? t : fe_ini_value(path, section, "aws_session_token");
}

/* aws_access_key_id … of a profile: the credentials file, then the config file */
static int profile_creds(const struct fe_remote *r, const char *profile, struct creds *c)
{
	char path[4096], p2[4096], section[300];
	const char *cf = r->credentials_file ? r->credentials_file : getenv("AWS_SHARED_CREDENTIALS_FILE");
	const char *home = getenv("HOME");
	if (!cf || !*cf) {
		snprintf(path, sizeof(path), "%s/.aws/credentials", home ? home : "");
		cf = path;
	}
	c->key = fe_ini_value(cf, profile, "aws_access_key_id");
	c->secret = fe_ini_value(cf, profile, "aws_secret_access_key");
	c->token = ini_token(cf, profile);
	if (!c->key || !c->secret) {
		/* the config file may hold them too, under [profile NAME] */
		const char *cfg = getenv("AWS_CONFIG_FILE");
		if (!cfg || !*cfg) {
			snprintf(p2, sizeof(p2), "%s/.aws/config", home ? home : "");
			cfg = p2;
		}
		if (strcmp(profile, "default"))
			snprintf(section, sizeof(section), "profile %s", profile);
		else
			snprintf(section, sizeof(section), "default");
		free(c->key);
		free(c->secret);
		free(c->token);
		c->key = fe_ini_value(cfg, section, "aws_access_key_id");
		c->secret = fe_ini_value(cfg, section, "aws_secret_access_key");
		c->token = ini_token(cfg, section); /* the token goes with the keys it came with */
	}
	return c->key && c->secret ? 0 : -1;
}

static int env_creds(struct creds *c)
{
	const char *k = getenv("AWS_ACCESS_KEY_ID"), *s = getenv("AWS_SECRET_ACCESS_KEY");
	if (!k || !*k || !s || !*s)
		return -1;
	c->key = strdup(k);
	c->secret = strdup(s);
	const char *t = getenv("AWS_SESSION_TOKEN");
	c->token = t && *t ? strdup(t) : NULL;
	return 0;
}

/* explicit keys; then the environment and the profile, in the frontend's order */
static int get_creds(const struct fe_remote *r, struct creds *c)
{
	memset(c, 0, sizeof(*c));
	if (r->access_key && r->secret_key) {
		c->key = strdup(r->access_key);
		c->secret = strdup(r->secret_key);
		c->token = r->session_token ? strdup(r->session_token) : NULL;
		return 0;
	}
	/* a profile given (--profile, -ProfileName) is the only source, as botocore and the
	 * .NET SDK take it: the environment's keys are not used, a missing one is no
	 * credentials ("Unable to locate credentials"), not a fallback */
	if (r->profile)
		return profile_creds(r, r->profile, c);
	if (!env_creds(c))
		return 0;
	/* the profile as the region's: given, $AWS_PROFILE, $AWS_DEFAULT_PROFILE, default */
	return profile_creds(r, fe_profile(r->profile), c);
}

static void creds_free(struct creds *c)
{
	free(c->key);
	free(c->secret);
	free(c->token);
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	return ecr_buf_add(b, p, size * n) ? 0 : size * n;
}

/* host[:port] of an URL, for the signature: 0, or -1 when it does not fit in n */
static int url_host(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	return ecr_str_ncopy(out, n, p, strcspn(p, "/?#"));
}

static int debug_enabled;

static void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dbg(const char *fmt, ...)
{
	if (!debug_enabled)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("ecrlite debug: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* the headers the CLI signs, as botocore lists them (with a session token, it signs
 * that too) */
#define SIGNED_HEADERS "content-type;host;x-amz-date;x-amz-target"
#define SIGNED_HEADERS_TOKEN "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"

struct sigv4_hdrs {
	const char *host;    /* Host, with the port as the URL has it */
	const char *amzdate; /* X-Amz-Date */
	const char *target;  /* X-Amz-Target */
	const char *token;   /* X-Amz-Security-Token, or NULL */
};

static const char *signed_value(void *ud, const char *name)
{
	const struct sigv4_hdrs *h = ud;
	if (!strcmp(name, "content-type"))
		return "application/x-amz-json-1.1";
	if (!strcmp(name, "host"))
		return h->host;
	if (!strcmp(name, "x-amz-date"))
		return h->amzdate;
	if (!strcmp(name, "x-amz-target"))
		return h->target;
	if (!strcmp(name, "x-amz-security-token"))
		return h->token;
	return NULL;
}

/* A certificate that does not verify, or a CA bundle that cannot be read: the CLI's
 * "SSL validation failed for URL/ REASON", REASON as Python's ssl module words it (its
 * source line included, as Debian's CLI 2.9.19 prints it). 1 when rc was one of them. */
static int tls_failure(CURL *h, CURLcode rc, const struct fe_remote *r, const char *cerr, char *msg, size_t msgn)
{
	char reason[200];
	if (rc == CURLE_PEER_FAILED_VERIFICATION) {
		long v = 0;
		curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &v);
		/* the certificate chained but names another host: libcurl's own check, after
		 * OpenSSL's ("no alternative certificate subject name matches target host name") */
		if (v == X509_V_OK || strstr(cerr, "target host name")) {
			const char *host = r->endpoint + strcspn(r->endpoint, ":") + 3;
			int n = (int)strcspn(host, ":/");
			snprintf(reason, sizeof(reason), "hostname '%.*s' doesn't match the certificate's names", n > 120 ? 120 : n, host);
		} else
			snprintf(reason, sizeof(reason), "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: %s (_ssl.c:992)",
				 X509_verify_cert_error_string(v));
	} else if (rc == CURLE_SSL_CACERT_BADFILE) {
		if (r->ca_bundle && access(r->ca_bundle, R_OK))
			snprintf(reason, sizeof(reason), "[Errno %d] %s", errno, strerror(errno));
		else
			snprintf(reason, sizeof(reason), "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found (_ssl.c:4123)");
	} else {
		return 0;
	}
	const char *slash = strchr(r->endpoint + strcspn(r->endpoint, ":") + 3, '/');
	snprintf(msg, msgn, "SSL validation failed for %.250s%s %s", r->endpoint, slash ? "" : "/", reason);
	return 1;
}

/* One signed request. Returns the HTTP status (0 on a transport failure, with msg in the
 * CLI's words and transport in HttpClient's). */
static long send_once(const struct fe_remote *r, const struct creds *c, const char *op,
		      const char *payload, struct buf *resp, char *msg, size_t msgn, char *transport, size_t transportn)
{
	char amzdate[32], date[16], host[512], target[256], payload_hash[65], sig[65];
	char scope[128], hdr[1024], auth[1024], ua[512];
	const char *region = r->region;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(amzdate, sizeof(amzdate), "%Y%m%dT%H%M%SZ", &tm);
	strftime(date, sizeof(date), "%Y%m%d", &tm);
	if (url_host(r->endpoint, host, sizeof(host))) {
		snprintf(msg, msgn, "cannot sign the request (the endpoint's host is longer than %zu bytes)", sizeof(host) - 1);
		snprintf(transport, transportn, "Invalid URI: The hostname is longer than %zu bytes.", sizeof(host) - 1);
		return 0;
	}
	snprintf(target, sizeof(target), "%s.%s", ecr_target_prefix, op);
	ecr_sigv4_sha256_hex(payload, strlen(payload), payload_hash);
	snprintf(scope, sizeof(scope), "%s/%s/ecr/aws4_request", date, region);
	struct sigv4_hdrs sh = {host, amzdate, target, c->token};
	const char *signed_headers = c->token ? SIGNED_HEADERS_TOKEN : SIGNED_HEADERS;
	struct ecr_sigv4_req sr = {"POST", "/", "", signed_headers, signed_value, &sh, payload_hash, amzdate,
				   region, "ecr", c->secret};
	if (ecr_sigv4_sign(&sr, sig, NULL, NULL)) {
		snprintf(msg, msgn, "cannot sign the request (a value is too long)");
		return 0;
	}
	snprintf(auth, sizeof(auth), "Authorization: " ECR_SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		 c->key, scope, signed_headers, sig);

	CURL *h = curl_easy_init();
	struct curl_slist *hl = NULL;
	long status = 0;
	hl = curl_slist_append(hl, "Accept-Encoding: identity");
	snprintf(hdr, sizeof(hdr), "X-Amz-Target: %s", target);
	hl = curl_slist_append(hl, hdr);
	hl = curl_slist_append(hl, "Content-Type: application/x-amz-json-1.1");
	snprintf(ua, sizeof(ua), "User-Agent: %s", r->user_agent);
	hl = curl_slist_append(hl, ua);
	snprintf(hdr, sizeof(hdr), "X-Amz-Date: %s", amzdate);
	hl = curl_slist_append(hl, hdr);
	if (c->token) {
		char tok[4096];
		snprintf(tok, sizeof(tok), "X-Amz-Security-Token: %s", c->token);
		hl = curl_slist_append(hl, tok);
	}
	hl = curl_slist_append(hl, auth);
	hl = curl_slist_append(hl, "Accept:"); /* libcurl's default Accept is not the CLI's */
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, r->endpoint);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"); /* bad_endpoint checked; this too */
#endif
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(payload));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	/* the CLI's timeouts are the socket's: connecting, then each read; a read timeout is
	 * libcurl's "slower than 1 byte/s for that long" (no total limit: a large answer that
	 * keeps coming is not cut) */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, r->connect_timeout);
	if (r->read_timeout) {
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, r->read_timeout);
	}
	if (r->ca_bundle)
		curl_easy_setopt(h, CURLOPT_CAINFO, r->ca_bundle);
	if (r->no_verify) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	dbg("POST %s %s %s", r->endpoint, target, payload);
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	} else if (tls_failure(h, rc, r, cerr, msg, msgn)) {
		snprintf(transport, transportn, "%s", cerr[0] ? cerr : "the TLS handshake failed");
	} else {
		/* botocore names the request's URL, the endpoint's with its path "/"; a timeout is
		 * its ConnectTimeoutError before the connection is made, ReadTimeoutError after */
		const char *slash = strchr(r->endpoint + strcspn(r->endpoint, ":") + 3, '/');
		curl_off_t connected = 0;
		curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connected);
		const char *what = rc != CURLE_OPERATION_TIMEDOUT ? "Could not connect to the endpoint URL"
				   : connected ? "Read timeout on endpoint URL" : "Connect timeout on endpoint URL";
		snprintf(msg, msgn, "%s: \"%.250s%s\"", what, r->endpoint, slash ? "" : "/");
		/* as .NET's HttpClient words the common ones, for the cmdlets */
		if (rc == CURLE_COULDNT_CONNECT)
			snprintf(transport, transportn, "Connection refused (%.253s)", host); /* a DNS name is at most 253 bytes */
		else if (rc == CURLE_COULDNT_RESOLVE_HOST)
			snprintf(transport, transportn, "Name or service not known (%.253s)", host);
		else
			snprintf(transport, transportn, "%s", cerr[0] ? cerr : "the request failed");
	}
	dbg("-> %ld %s", status, resp->data ? resp->data : "");
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return status;
}

int fe_retryable(long status, const char *code)
{
	static const char *const throttles[] = {"Throttling", "ThrottlingException", "ThrottledException",
						"RequestThrottledException", "TooManyRequestsException",
						"ProvisionedThroughputExceededException", "TransactionInProgressException",
						"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
						"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
						"EC2ThrottledException", NULL};
	if (status >= 500 && status != 501)
		return 1;
	for (const char *const *t = throttles; *t; t++)
		if (code && !strcmp(code, *t))
			return 1;
	return 0;
}

/* Only http and https reach libcurl, which would also read file:// or speak ftp://;
 * the refusals in the CLI's words (and HttpClient's, for the cmdlets). 0 when fine. */
static int bad_endpoint(const char *url, struct fe_remote_err *e)
{
	const char *sep = strstr(url, "://");
	size_t sl = sep ? (size_t)(sep - url) : 0;
	e->client = 1;
	if (!sep || !sl || strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") != sl) {
		snprintf(e->message, sizeof(e->message),
			 "Bad value for --endpoint-url \"%s\": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/",
			 url);
		snprintf(e->transport, sizeof(e->transport), "Invalid URI: The format of the URI could not be determined.");
		return -1;
	}
	if (!sep[3] || strchr("/?#", sep[3])) {
		snprintf(e->message, sizeof(e->message), "Invalid endpoint: %s", url);
		snprintf(e->transport, sizeof(e->transport), "Invalid URI: The hostname could not be parsed.");
		return -1;
	}
	if ((sl == 4 && !strncasecmp(url, "http", 4)) || (sl == 5 && !strncasecmp(url, "https", 5))) {
		e->client = 0;
		return 0;
	}
	snprintf(e->message, sizeof(e->message), "An HTTP Client raised an unhandled exception: Not supported URL scheme %.*s",
		 ecr_str_quote(sl, 256), url);
	snprintf(e->transport, sizeof(e->transport), "The '%.*s' scheme is not supported.", ecr_str_quote(sl, 256), url);
	return -1;
}

int fe_remote_call(const struct fe_remote *r, const char *op, json_t *req, json_t **resp_out,
		   struct fe_remote_err *e)
{
	struct creds c;
	struct buf payload;
	int rc = 0;
	*resp_out = NULL;
	memset(e, 0, sizeof(*e));
	debug_enabled = r->debug;
	if (bad_endpoint(r->endpoint, e))
		return -1;
	if (get_creds(r, &c)) {
		creds_free(&c);
		e->client = 1;
		e->no_credentials = 1;
		snprintf(e->message, sizeof(e->message),
			 "Unable to locate credentials. You can configure credentials by running \"aws configure\".");
		return -1;
	}
	ecr_buf_init(&payload, 64u << 20);
	body(&payload, req ? req : json_object());
	static int curl_ready;
	if (!curl_ready++)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	const char *bo = getenv("ECRLITE_RETRY_BACKOFF"); /* tests: seconds of the first backoff */
	double base = bo ? atof(bo) : 1.0;
	for (int attempt = 1;; attempt++) {
		struct buf resp;
		char msg[512] = "";
		ecr_buf_init(&resp, MAX_RESPONSE);
		long status = send_once(r, &c, op, payload.data, &resp, msg, sizeof(msg), e->transport, sizeof(e->transport));
		if (!status) {
			e->client = 1;
			snprintf(e->message, sizeof(e->message), "%s", msg);
			ecr_buf_release(&resp);
			rc = -1;
			break;
		}
		json_t *j = resp.len ? json_loadb(resp.data, resp.len, 0, NULL) : NULL;
		if (status >= 200 && status < 300) {
			*resp_out = j ? j : json_object();
			ecr_buf_release(&resp);
			break;
		}
		/* an error: __type (after any "namespace#"), message or Message; a body that
		 * is not JSON makes the HTTP status the code and the body the message */
		const char *type = json_string_value(json_object_get(j, "__type"));
		const char *m = json_string_value(json_object_get(j, "message"));
		if (!m)
			m = json_string_value(json_object_get(j, "Message"));
		if (type && strchr(type, '#'))
			type = strchr(type, '#') + 1;
		if (type)
			snprintf(e->code, sizeof(e->code), "%s", type);
		else
			snprintf(e->code, sizeof(e->code), "%ld", status);
		snprintf(e->message, sizeof(e->message), "%s", type ? (m ? m : "") : (resp.data ? resp.data : ""));
		json_decref(j); /* type and m pointed into j: use e->code from here */
		ecr_buf_release(&resp);
		int again = fe_retryable(status, e->code[0] >= 'A' ? e->code : NULL);
		if (again && attempt < MAX_ATTEMPTS) {
			/* exponential backoff with jitter, as the standard retry mode does */
			double wait = base * ((double)rand() / RAND_MAX) * (1 << (attempt - 1));
			if (wait > 0)
				usleep((useconds_t)(wait * 1e6));
			continue;
		}
		e->retried = again;
		rc = -1;
		break;
	}
	ecr_buf_release(&payload);
	creds_free(&c);
	return rc;
}
