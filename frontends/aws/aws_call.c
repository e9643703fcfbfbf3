/* One call as the aws frontend makes it: to the local core (opened on first use) or
 * to --endpoint-url, with a failure turned into what the real CLI would print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "../config.h"

static void failure(const struct ecr_err *err, struct fe_remote_err *f)
{
	fe_exit_if_fatal(err);
	memset(f, 0, sizeof(*f));
	snprintf(f->code, sizeof(f->code), "%s", ecr_err_name(err));
	snprintf(f->message, sizeof(f->message), "%s", err->message);
	/* locally the answer would not change, so we say it without the wait */
	f->retried = fe_retryable(ecr_err_info(err->code)->http_status, ecr_err_name(err));
	/* ecrlite's own conditions (state directory, usage, …) are not service errors */
	if (ecr_err_own(err)) {
		f->client = AWS_EXIT_CLIENT;
		snprintf(f->message, sizeof(f->message), "ecrlite: %s", err->message);
	}
}

/* One request to the local core. */
static int call_local(struct caller *c, const char *op, json_t *req, json_t **resp, struct fe_remote_err *f)
{
	struct ecr_err err = {0};
	int rc;
	if (!c->ctx) {
		if ((rc = fe_ctx_open(&c->ctx, c->region, &err))) {
			failure(&err, f);
			return rc;
		}
	}
	rc = ecr_call(c->ctx, op, req, resp, &err);
	if (rc)
		failure(&err, f);
	/* $ECRLITE_DUMP_RESPONSES: each core answer as the wire would carry it, one JSON
	 * line each, so a test can replay it to the real CLI (tests/scripts/oracle_diff.py) */
	const char *dump = getenv("ECRLITE_DUMP_RESPONSES");
	if (dump && *dump) {
		FILE *df = fopen(dump, "a");
		if (df) {
			json_t *line = rc ? json_pack("{s:i, s:{s:s, s:s}}", "status", ecr_err_info(err.code)->http_status,
						      "body", "__type", ecr_err_name(&err), "message", err.message)
					  : json_pack("{s:i, s:O}", "status", 200, "body", *resp);
			char *t = json_dumps(line, JSON_COMPACT);
			fprintf(df, "%s\n", t);
			free(t);
			json_decref(line);
			fclose(df);
		}
	}
	fe_notices(c->ctx, "ecrlite: warning: ");
	return rc;
}

/* --endpoint-url: the shared endpoint client, with the CLI's user agent and exits */
static int call_remote(struct caller *c, const char *op, json_t *req, json_t **resp, struct fe_remote_err *f)
{
	char ua[256];
	snprintf(ua, sizeof(ua), "aws-cli/2.9.19 ecrlite/%s command/ecr.%s", ECRLITE_VERSION,
		 c->cmd->waiter ? "wait.image-scan-complete" : c->cmd->operation);
	struct fe_remote r = {.endpoint = c->cmd->endpoint_url, .region = c->region, .profile = c->cmd->profile,
			      .user_agent = ua, .debug = c->cmd->debug, .ca_bundle = c->ca_bundle,
			      .no_verify = c->cmd->no_verify_ssl, .connect_timeout = c->connect_timeout,
			      .read_timeout = c->read_timeout};
	/* the CLI's urllib3 warns on every unverified https request, in these words */
	if (c->cmd->no_verify_ssl && !strncmp(c->cmd->endpoint_url, "https://", 8)) {
		const char *host = c->cmd->endpoint_url + 8;
		int n = *host == '[' ? (int)strcspn(++host, "]") : (int)strcspn(host, ":/"); /* [::1]: ::1 */
		fprintf(stderr, "/usr/lib/python3/dist-packages/urllib3/connectionpool.py:1065: InsecureRequestWarning: "
			"Unverified HTTPS request is being made to host '%.*s'. Adding certificate verification is strongly "
			"advised. See: https://urllib3.readthedocs.io/en/1.26.x/advanced-usage.html#ssl-warnings\n"
			"  warnings.warn(\n", n, host);
	}
	int rc = fe_remote_call(&r, op, req, resp, f);
	if (rc && f->client)
		f->client = f->no_credentials ? AWS_EXIT_CONFIG : AWS_EXIT_CLIENT;
	return rc;
}

int aws_call(struct caller *c, const char *op, json_t *req, json_t **resp, struct fe_remote_err *f)
{
	if (c->cmd->endpoint_url)
		return call_remote(c, op, req, resp, f);
	return call_local(c, op, req, resp, f);
}

int aws_report(const struct aws_cmd *cmd, const struct fe_remote_err *f, const char *op)
{
	(void)cmd;
	if (f->client)
		return aws_plain_error(f->client, "%s", f->message);
	return aws_service_error(f->code, op, f->message, f->retried);
}
