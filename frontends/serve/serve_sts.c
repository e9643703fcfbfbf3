/* STS's GetCallerIdentity on the ECR API's port, so that Terraform's AWS provider (its
 * credential check and account lookup) and `aws sts get-caller-identity` work against
 * ecrlite with an endpoint for sts beside the one for ecr, without
 * skip_credentials_validation and skip_requesting_account_id. STS speaks the Query
 * protocol: a form-encoded POST (Action=GetCallerIdentity&Version=2011-06-15) signed
 * for the service "sts", answered in XML; its errors are XML with STS's own codes.
 * Only this action: ecrlite has no identities to assume or federate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "serve.h"
#include "serve_int.h"
#include "serve_parse.h"

#define STS_NS "https://sts.amazonaws.com/doc/2011-06-15/"
#define STS_VERSION "2011-06-15"

/* The Query protocol takes its parameters from a form body or from the query string,
 * and a GET as well as a POST: boto3's generate_presigned_url("get_caller_identity") is
 * a GET /?Action=GetCallerIdentity&Version=…&X-Amz-Signature=… (what EKS tokens, Vault's
 * and lakeFS's AWS logins hand over), and real STS answers it. */
int serve_sts_wanted(struct serve_req *r)
{
	static const char form[] = "application/x-www-form-urlencoded";
	const char *ct = serve_header(r, "Content-Type");
	size_t n = strlen(form);
	int is_form = ct && !strncasecmp(ct, form, n) && strchr("; \t", ct[n]); /* not "…urlencodedXYZ" */
	if (serve_header(r, "X-Amz-Target") || strcmp(r->path, "/"))
		return 0;
	return (!strcmp(r->method, "POST") && is_form) ||
	       ((!strcmp(r->method, "POST") || !strcmp(r->method, "GET")) && serve_query(r, "Action"));
}

/* name's value: the form body's, else the query string's (1); 0 absent; -1 malformed */
static int param(struct serve_req *r, const char *body, size_t n, const char *name, char *out, size_t outn)
{
	int got = serve_form_value(body ? body : "", body ? n : 0, name, out, outn);
	const char *q = got ? NULL : serve_query(r, name);
	if (q)
		snprintf(out, outn, "%s", q);
	return got ? got : q != NULL;
}

/* The ECR API's refusals of a request (its signature, its date) as STS words them:
 * the same messages under STS's codes and statuses. */
static const struct {
	const char *ecr, *sts;
	int status;
} codes[] = {
	{"MissingAuthenticationTokenException", "MissingAuthenticationToken", 403},
	{"IncompleteSignatureException", "IncompleteSignature", 400},
	{"InvalidSignatureException", "SignatureDoesNotMatch", 403},
	{"UnrecognizedClientException", "InvalidClientTokenId", 403},
	{"SerializationException", "MalformedInput", 400},
};

/* appends s as XML element text (&, < and > escaped; quotes need not be); 0, or -1
 * past the cap */
static int xml_text(struct buf *b, const char *s)
{
	int bad = 0;
	for (; s && *s && !bad; s++) {
		switch (*s) {
		case '&': bad = ecr_buf_addstr(b, "&amp;"); break;
		case '<': bad = ecr_buf_addstr(b, "&lt;"); break;
		case '>': bad = ecr_buf_addstr(b, "&gt;"); break;
		default: bad = ecr_buf_add(b, s, 1);
		}
	}
	return bad;
}

static void respond(struct serve_req *r, int status, struct buf *b, int bad)
{
	if (bad)
		serve_respond(r, 500, "text/plain", "out of memory\n", 14);
	else
		serve_respond(r, status, "text/xml", b->data, b->len);
	ecr_buf_release(b);
}

void serve_sts_error(struct serve_req *r, const char *rid, int status, const char *type, const char *message)
{
	struct buf b;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcmp(codes[i].ecr, type)) {
			type = codes[i].sts;
			status = codes[i].status;
			break;
		}
	ecr_buf_init(&b, 1 << 16);
	int bad = ecr_buf_printf(&b, "<ErrorResponse xmlns=\"" STS_NS "\">\n  <Error>\n    <Type>%s</Type>\n    <Code>",
				 status >= 500 ? "Receiver" : "Sender");
	bad = bad || xml_text(&b, type) || ecr_buf_addstr(&b, "</Code>\n    <Message>") || xml_text(&b, message) ||
	      ecr_buf_printf(&b, "</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n", rid);
	respond(r, status, &b, bad);
}

void serve_sts_answer(struct serve_req *r, const char *rid, const char *body, size_t n)
{
	char action[128], version[64], msg[400];
	struct ecr_err err;
	int ha = param(r, body, n, "Action", action, sizeof(action));
	int hv = param(r, body, n, "Version", version, sizeof(version));
	if (ha < 0 || hv < 0) {
		serve_sts_error(r, rid, 400, "MalformedInput", "The form body has a value that is not percent-encoded text.");
		return;
	}
	if (!ha) {
		serve_sts_error(r, rid, 400, "MissingAction", "Missing Action");
		return;
	}
	if (strcmp(action, "GetCallerIdentity") || (hv && strcmp(version, STS_VERSION))) {
		snprintf(msg, sizeof(msg), "Could not find operation %.100s for version %.40s", action, hv ? version : "NO_VERSION_SPECIFIED");
		serve_sts_error(r, rid, 400, "InvalidAction", msg);
		return;
	}
	struct ecr_ctx *ctx = serve_ctx(r, &err);
	if (!ctx) {
		serve_sts_error(r, rid, 500, "InternalFailure", err.message);
		return;
	}
	/* every key ecrlite knows may do everything in its one account: the account's root,
	 * whose UserId is the account id */
	const char *acct = ecr_ctx_account(ctx);
	struct buf b;
	ecr_buf_init(&b, 1 << 16);
	int bad = ecr_buf_printf(&b,
				 "<GetCallerIdentityResponse xmlns=\"" STS_NS "\">\n  <GetCallerIdentityResult>\n"
				 "    <Arn>arn:aws:iam::%s:root</Arn>\n    <UserId>%s</UserId>\n    <Account>%s</Account>\n"
				 "  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n"
				 "  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
				 acct, acct, acct, rid); /* an account id is 12 digits: nothing to escape */
	respond(r, 200, &b, bad);
}
