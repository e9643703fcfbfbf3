/* `aws …`: parse, resolve configuration, call (aws_call.c), page as the real CLI's
 * paginators do, render. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "../config.h"
#include "../lib/fe_json.h"
#include "../lib/fe_pages.h"

static char *resolve(const struct aws_cmd *cmd, const char *opt, const char *env1, const char *env2,
		     const char *key)
{
	/* the same order as fe_region (frontends/config.c), for any setting */
	if (opt)
		return strdup(opt);
	const char *e = env1 ? getenv(env1) : NULL;
	if (e && *e)
		return strdup(e);
	e = env2 ? getenv(env2) : NULL;
	if (e && *e)
		return strdup(e);
	return fe_config_value(fe_profile(cmd->profile), key);
}

/* --cli-connect-timeout / --cli-read-timeout: whole seconds, 0 for none, as botocore
 * takes them (int(), then urllib3's check, both with their own words and exit 255) */
static int timeout_value(const char *v, const char *which, long *out)
{
	char *end;
	errno = 0;
	long n = v ? strtol(v, &end, 10) : 60;
	if (v && (!*v || *end || errno))
		return aws_plain_error(AWS_EXIT_CLIENT, "invalid literal for int() with base 10: '%s'", v);
	if (n < 0)
		return aws_plain_error(AWS_EXIT_CLIENT, "Attempted to set %s timeout to %ld, but the timeout cannot be set to a value less than or equal to 0.",
				       which, n);
	*out = n;
	return 0;
}

/* How an --endpoint-url is reached: the CA bundle as the CLI finds it, the timeouts. */
static int connection(const struct aws_cmd *cmd, struct caller *c)
{
	int rc;
	if ((rc = timeout_value(cmd->connect_timeout, "connect", &c->connect_timeout)) ||
	    (rc = timeout_value(cmd->read_timeout, "read", &c->read_timeout)))
		return rc;
	c->ca_bundle = resolve(cmd, cmd->ca_bundle, "AWS_CA_BUNDLE", NULL, "ca_bundle");
	return 0;
}

/* --- paging ------------------------------------------------------------------ */

/* 1 when the object holding path's last member exists (a top-level key always does) */
static int path_parent_exists(json_t *o, const char *path)
{
	return json_is_object(fe_json_path_parent(o, path));
}

static char *b64(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * (n + 2) / 3 + 1);
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

/* Python json.dumps of a string. */
static void pystr(struct buf *b, const char *s)
{
	ecr_buf_addstr(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			ecr_buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			ecr_buf_printf(b, "\\u%04x", *s);
		else
			ecr_buf_add(b, s, 1);
	}
	ecr_buf_addstr(b, "\"");
}

static char *resume_token(const char *next, long long truncate)
{
	struct buf b;
	ecr_buf_init(&b, 1 << 16);
	ecr_buf_addstr(&b, "{\"nextToken\": ");
	if (next)
		pystr(&b, next);
	else
		ecr_buf_addstr(&b, "null");
	if (truncate >= 0)
		ecr_buf_printf(&b, ", \"boto_truncate_amount\": %lld", truncate);
	ecr_buf_addstr(&b, "}");
	char *t = b64(b.data);
	ecr_buf_release(&b);
	return t;
}

/* Decodes a --starting-token; a value that is not ours is used verbatim. */
static void read_starting_token(const char *tok, char **next, long long *skip)
{
	unsigned char raw[8192];
	size_t n = strlen(tok);
	*next = NULL;
	*skip = 0;
	if (n && n % 4 == 0 && n < sizeof(raw) * 3 / 4) {
		int len = EVP_DecodeBlock(raw, (const unsigned char *)tok, (int)n);
		if (len > 0) {
			while (len > 0 && raw[len - 1] == '\0')
				len--;
			json_t *j = json_loadb((const char *)raw, (size_t)len, 0, NULL);
			if (json_is_object(j) && json_object_get(j, "nextToken")) {
				const char *s = json_string_value(json_object_get(j, "nextToken"));
				*next = s ? strdup(s) : NULL;
				*skip = json_integer_value(json_object_get(j, "boto_truncate_amount"));
				json_decref(j);
				return;
			}
			json_decref(j);
		}
	}
	*next = strdup(tok);
}

struct pages {
	json_t *list;       /* shaped pages, in order */
	json_t *raw;        /* the same with the service's nextToken kept (yaml-stream) */
	json_t *merged;     /* the merged result */
	char *next_token;   /* --max-items resume token, or NULL */
};

/* one page through aws_call, its exit code kept for the report */
struct page_call {
	struct caller *c;         /* the command and its context */
	struct fe_remote_err *err;/* why the call failed */
	int rc;                   /* aws_call's code */
};

static int page_call(void *arg, const char *op, json_t *req, json_t **resp_out)
{
	struct page_call *pc = arg;
	return pc->rc = aws_call(pc->c, op, req, resp_out, pc->err);
}

static int paginate(struct caller *c, struct pages *out, struct fe_remote_err *err)
{
	struct aws_cmd *cmd = c->cmd;
	const struct ecr_paginator *pg = cmd->op->pager;
	struct fe_pages_opts o = {.page_size = cmd->page_size ? atoll(cmd->page_size) : 0,
				  .max_items = cmd->max_items ? atoll(cmd->max_items) : -1};
	struct page_call pc = {.c = c, .err = err};
	struct fe_pages p;
	char *start = NULL;
	json_t *resp;
	int r, rc = 0;

	out->list = json_array();
	out->raw = json_array();
	out->merged = NULL;
	out->next_token = NULL;
	if (cmd->starting_token) {
		read_starting_token(cmd->starting_token, &start, &o.start_skip);
		o.start_token = start;
	}
	if (fe_pages_init(&p, cmd->op->name, cmd->req, &o)) {
		fe_pages_release(&p);
		free(start);
		err->client = -1; /* reported here */
		return aws_plain_error(AWS_EXIT_CLIENT, "out of memory");
	}
	while ((r = fe_pages_next(&p, page_call, &pc, &resp)) == FE_PAGE) {
		json_t *page = aws_out_shape(resp, cmd->op->output);
		json_decref(resp);
		/* resuming from a starting token, the CLI fills the other result keys of the
		 * first page with an empty value (None when absent) */
		if (cmd->starting_token && p.npages == 1)
			for (const char *const *rk = pg->result_keys + 1; *rk; rk++)
				if (!fe_json_path(page, *rk) && path_parent_exists(page, *rk))
					fe_json_path_set_new(page, *rk, json_null());
		json_array_append_new(out->raw, json_deep_copy(page));
		json_object_del(page, pg->output_token);
		json_array_append_new(out->list, page);
	}
	if (r == FE_PAGES_FAILED) {
		rc = pc.rc;
	} else if (r == FE_PAGES_REPEATED) {
		fprintf(stderr, "\nError during pagination: The same next token was received twice: {'%s': '%s'}\n",
			pg->output_token, p.repeated);
		rc = AWS_EXIT_CLIENT;
		err->client = -1; /* reported here already */
	} else if (p.cut) {
		out->next_token = resume_token(p.resume_token, p.resume_skip);
	}
	fe_pages_release(&p);
	free(start);
	if (rc)
		return rc;
	out->merged = fe_pages_merge(pg, out->list);
	if (out->next_token)
		json_object_set_new(out->merged, "NextToken", json_string(out->next_token));
	return 0;
}

/* --- main -------------------------------------------------------------------- */

/* --query over v (borrowed): a new reference, or NULL after printing the CLI's error */
static json_t *query(const struct aws_cmd *cmd, json_t *v)
{
	struct jp_error e;
	if (!cmd->jq)
		return json_incref(v);
	json_t *r = jp_search(cmd->jq, v, &e);
	if (!r)
		aws_plain_error(AWS_EXIT_CLIENT, "%s", e.message);
	return r;
}

/* `aws ecr get-login-password`, as the CLI's customization does it: GetAuthorizationToken
 * with no registry ids, the first token base64-decoded, the part after "AWS:" printed. */
static int login_password(struct caller *c)
{
	struct fe_remote_err err;
	json_t *resp = NULL, *req = json_object();
	unsigned char raw[2048];
	memset(&err, 0, sizeof(err));
	int rc = aws_call(c, "GetAuthorizationToken", req, &resp, &err);
	json_decref(req);
	if (rc)
		return aws_report(c->cmd, &err, "GetAuthorizationToken");
	const char *tok = json_string_value(
		json_object_get(json_array_get(json_object_get(resp, "authorizationData"), 0), "authorizationToken"));
	size_t tl = tok ? strlen(tok) : 0;
	int n = tl && tl < 2700 && !(tl % 4) ? EVP_DecodeBlock(raw, (const unsigned char *)tok, (int)tl) : -1;
	const char *colon = n > 0 ? (raw[n] = '\0', strchr((char *)raw, ':')) : NULL;
	if (!colon) {
		json_decref(resp);
		return aws_plain_error(AWS_EXIT_CLIENT, "\nnot enough values to unpack (expected 2, got 1)");
	}
	printf("%s\n", colon + 1);
	json_decref(resp);
	return 0;
}

static int run_op(struct caller *c)
{
	struct aws_cmd *cmd = c->cmd;
	struct fe_remote_err err;
	int rc;
	memset(&err, 0, sizeof(err));
	if (cmd->op->pager && !cmd->no_paginate && !cmd->explicit_paging) {
		struct pages p;
		rc = paginate(c, &p, &err);
		if (rc) {
			json_decref(p.list);
			json_decref(p.raw);
			return err.client == -1 ? rc : aws_report(cmd, &err, cmd->op->name);
		}
		const char *fmt = cmd->output ? cmd->output : "json";
		if (!strcmp(fmt, "yaml-stream")) {
			size_t i;
			json_t *pg;
			json_array_foreach(p.raw, i, pg) {
				json_t *q = query(cmd, pg);
				if (!q) {
					rc = AWS_EXIT_CLIENT;
					break;
				}
				aws_out_yaml_stream_item(stdout, q);
				json_decref(q);
			}
		} else if (!strcmp(fmt, "text")) {
			size_t i;
			json_t *pg;
			json_array_foreach(p.list, i, pg) {
				/* the real CLI renders each page with every result key present,
				 * a missing one as None (hence IMAGESCANFINDINGS\tNone…); a page
				 * without the result keys' parent (a scan IN_PROGRESS) makes it
				 * fail, and so do we, with its words */
				for (const char *const *rk = cmd->op->pager->result_keys; *rk; rk++) {
					if (!path_parent_exists(pg, *rk)) {
						json_decref(p.list);
						json_decref(p.raw);
						json_decref(p.merged);
						free(p.next_token);
						return aws_plain_error(AWS_EXIT_CLIENT, "'NoneType' object does not support item assignment");
					}
					if (!fe_json_path(pg, *rk))
						fe_json_path_set_new(pg, *rk, json_null());
				}
				json_t *only = NULL;
				if (i > 0) {
					/* later pages: their result keys only */
					only = json_object();
					for (const char *const *rk = cmd->op->pager->result_keys; *rk; rk++)
						fe_json_path_set_new(only, *rk, json_incref(fe_json_path(pg, *rk)));
				}
				json_t *q = query(cmd, only ? only : pg);
				json_decref(only);
				if (!q) {
					rc = AWS_EXIT_CLIENT;
					break;
				}
				aws_out_text(stdout, q);
				json_decref(q);
			}
			if (p.next_token && !rc) {
				/* the CLI renders {"NextToken": {"NextToken": T}} through --query
				 * too: NEXTTOKEN\tT without one, None for a query that misses it */
				json_t *nt = json_pack("{s:{s:s}}", "NextToken", "NextToken", p.next_token);
				json_t *q = nt ? query(cmd, nt) : NULL;
				if (q)
					aws_out_text(stdout, q);
				else
					rc = AWS_EXIT_CLIENT;
				json_decref(q);
				json_decref(nt);
			}
		} else {
			json_t *q = query(cmd, p.merged);
			rc = q ? aws_render(stdout, cmd, q) : AWS_EXIT_CLIENT;
			json_decref(q);
		}
		json_decref(p.list);
		json_decref(p.raw);
		json_decref(p.merged);
		free(p.next_token);
		return rc;
	}
	json_t *resp = NULL;
	if ((rc = aws_call(c, cmd->op->name, cmd->req, &resp, &err)))
		return aws_report(cmd, &err, cmd->op->name);
	json_t *shaped = cmd->op->output >= 0 ? aws_out_shape(resp, cmd->op->output) : json_object();
	json_t *q = query(cmd, shaped);
	rc = q ? aws_render(stdout, cmd, q) : AWS_EXIT_CLIENT;
	json_decref(q);
	json_decref(shaped);
	json_decref(resp);
	return rc;
}

static const char *const formats[] = {"json", "text", "table", "yaml", "yaml-stream", NULL};

/* The CLI's first pass is an argparse parser of -h/--help, --profile and --debug
 * (parse_known_args): a -h, or --help or a prefix of it down to --h, anywhere before a
 * "--" and not --profile's value, prints its usage on stdout and exits 0, whatever else
 * the line holds (`aws ecr describe-repositories --help`, `--query -h` too). 1 when
 * argv is such a line; -1 for argparse's errors on the way (-hx, --profile -h), printed. */
static int first_pass_help(int argc, char **argv)
{
	static const char usage[] = "usage: aws [-h] [--profile PROFILE] [--debug]\n";
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t n = strlen(a);
		if (!strcmp(a, "--"))
			return 0;
		int profile = n >= 3 && !strncmp(a, "--profile", n); /* argparse takes --p… prefixes */
		if (profile && i + 1 < argc && argv[i + 1][0] == '-') {
			fprintf(stderr, "\n%s\naws: error: argument --profile: expected one argument\n\n", usage);
			return -1;
		}
		if (profile) {
			i++;
			continue;
		}
		const char *eq = strchr(a, '=');
		size_t k = eq ? (size_t)(eq - a) : 0;
		if ((!strncmp(a, "-h", 2) && a[2]) || (eq && k >= 3 && !strncmp(a, "--help", k))) {
			const char *v = a[1] == 'h' ? a + 2 + (a[2] == '=') : eq + 1; /* -hx, -h=x, --help=x: 'x' */
			fprintf(stderr, "\n%s\naws: error: argument -h/--help: ignored explicit argument '%s'\n\n", usage, v);
			return -1;
		}
		if (!strcmp(a, "-h") || (n >= 3 && !strncmp(a, "--help", n)))
			return printf("%s\noptions:\n  -h, --help         show this help message and exit\n  --profile PROFILE\n"
				      "  --debug\n", usage) > 0;
	}
	return 0;
}

int aws_main(int argc, char **argv)
{
	struct aws_cmd cmd;
	struct caller c = {.cmd = &cmd};
	char *region = NULL, *output = NULL;
	int rc;

	memset(&cmd, 0, sizeof(cmd));
	if ((rc = first_pass_help(argc, argv)))
		return rc < 0 ? AWS_EXIT_PARAM : 0;
	rc = aws_parse(&cmd, argc, argv);
	if (rc)
		goto out;
	if (cmd.version) {
		printf("aws-cli/2.9.19 (ecrlite/%s) Python/none Linux source/ecrlite\n", ECRLITE_VERSION);
		goto out;
	}
	if (cmd.help || !strcmp(cmd.operation, "help")) {
		rc = aws_help(&cmd);
		goto out;
	}
	output = resolve(&cmd, cmd.output, "AWS_DEFAULT_OUTPUT", NULL, "output");
	if (output) {
		int ok = 0;
		for (const char *const *f = formats; *f; f++)
			ok |= !strcmp(*f, output);
		if (!ok) {
			rc = aws_invalid_choice("--output", formats, output);
			goto out;
		}
		cmd.output = output;
	}
	if (cmd.query) {
		struct jp_error e;
		if (!(cmd.jq = jp_compile(cmd.query, &e))) {
			rc = aws_plain_error(AWS_EXIT_PARAM, "Bad value for --query %s: %s", cmd.query, e.message);
			goto out;
		}
	}
	if (cmd.skeleton) {
		rc = aws_skeleton(&cmd);
		goto out;
	}
	/* the CLI's order: the timeouts, then the profile, then the parameters (a
	 * --cli-read-timeout x beside a --page-size 0 is int()'s error) */
	if ((rc = connection(&cmd, &c)))
		goto out;
	/* a profile named (--profile, $AWS_PROFILE) must exist, locally too: botocore's
	 * ProfileNotFound, before anything is looked up in it */
	const char *missing = fe_profile_missing(cmd.profile);
	if (missing) {
		rc = aws_plain_error(AWS_EXIT_CLIENT, "The config profile (%s) could not be found", missing);
		goto out;
	}
	if (cmd.op) {
		/* --page-size is the limit member of every page's request, and botocore
		 * validates it there (`--page-size 0`: "valid min value: 1") */
		const struct ecr_paginator *pg = cmd.op->pager;
		json_t *checked = json_incref(cmd.req);
		if (cmd.page_size && pg && pg->limit_key && json_is_object(cmd.req) && !json_object_get(cmd.req, pg->limit_key)) {
			json_decref(checked);
			checked = json_copy(cmd.req);
			json_object_set_new(checked, pg->limit_key, json_integer(atoll(cmd.page_size)));
		}
		rc = aws_client_validate(cmd.op->input, checked);
		json_decref(checked);
		if (rc)
			goto out;
	}
	region = resolve(&cmd, cmd.region, "AWS_REGION", "AWS_DEFAULT_REGION", "region");
	c.region = region;
	if (cmd.endpoint_url && !region) {
		rc = aws_plain_error(AWS_EXIT_CONFIG, "You must specify a region. You can also configure your region by running \"aws configure\".");
		goto out;
	}
	if (region) {
		size_t n = strlen(region);
		if (n < 1 || strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-.") != n) {
			rc = aws_plain_error(AWS_EXIT_CLIENT, "Provided region_name '%s' doesn't match a supported format.", region);
			goto out;
		}
	}
	if (!strcmp(cmd.operation, "get-login-password"))
		rc = login_password(&c);
	else if (cmd.waiter)
		rc = aws_wait(&c);
	else
		rc = run_op(&c);
out:
	json_decref(cmd.req);
	jp_free(cmd.jq);
	ecr_ctx_free(c.ctx);
	free(region);
	free(c.ca_bundle);
	free(output);
	fflush(stdout);
	return rc;
}
