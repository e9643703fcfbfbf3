/* The `aws ecr …` frontend: argv → request, response → the real CLI's output. */
#ifndef AWS_H
#define AWS_H
#include <jansson.h>
#include <stdio.h>

#include "ecr.h"
#include "buf.h"
#include "../remote.h"
#include "../lib/jmespath.h"

/* Exit statuses of the real CLI. */
enum {
	AWS_EXIT_OK = 0,
	AWS_EXIT_PARAM = 252,    /* argv, shorthand, validation, --query syntax */
	AWS_EXIT_CONFIG = 253,   /* no region, no credentials */
	AWS_EXIT_SERVICE = 254,  /* the service said no */
	AWS_EXIT_CLIENT = 255,   /* waiter failure, pagination error, other client faults */
};

struct aws_cmd {
	/* global options */
	const char *region;          /* --region */
	const char *profile;         /* --profile */
	const char *output;          /* --output json|text|table|yaml|yaml-stream */
	const char *query;           /* --query */
	const char *endpoint_url;    /* --endpoint-url */
	const char *color;           /* --color on|off|auto */
	int no_paginate;             /* --no-paginate */
	int debug;                   /* --debug */
	int version;                 /* --version */
	/* the connection, for --endpoint-url (checked, and unused, locally: as the CLI) */
	const char *ca_bundle;       /* --ca-bundle */
	int no_verify_ssl;           /* --no-verify-ssl */
	const char *connect_timeout; /* --cli-connect-timeout (seconds; 0 none) */
	const char *read_timeout;    /* --cli-read-timeout (seconds; 0 none) */
	/* per-operation paging options (paginated operations only) */
	const char *max_items;       /* --max-items */
	const char *starting_token;  /* --starting-token */
	const char *page_size;       /* --page-size */
	/* positionals */
	const char *service;         /* "ecr" */
	const char *operation;       /* CLI name, or "wait" / "help" */
	const char *waiter;          /* with wait: the waiter's CLI name */
	int help;                    /* "help" given after the operation */
	/* input */
	const char *cli_input_json;  /* --cli-input-json */
	const char *cli_input_yaml;  /* --cli-input-yaml */
	const char *skeleton;        /* --generate-cli-skeleton [input|output|yaml-input] */
	const struct ecr_op_model *op; /* the operation */
	struct jp_node *jq;            /* --query, compiled */
	json_t *req;                 /* the request built from argv (owned) */
	int explicit_paging;         /* maxResults/nextToken given by the user: one request */
};

struct caller {
	struct aws_cmd *cmd;       /* the parsed command */
	struct ecr_ctx *ctx;       /* local core, opened on first use */
	const char *region;        /* resolved region, or NULL */
	char *ca_bundle;           /* resolved: option, $AWS_CA_BUNDLE, the profile's ca_bundle */
	long connect_timeout, read_timeout; /* seconds: 60 unless given, 0 none */
};

/* aws_call.c: one call, and the CLI's rendering of a failed one (returns the exit). */
int aws_call(struct caller *c, const char *op, json_t *req, json_t **resp, struct fe_remote_err *f);
int aws_report(const struct aws_cmd *cmd, const struct fe_remote_err *f, const char *op);
/* aws_main.c: the `aws` command line */
int aws_main(int argc, char **argv);
/* aws_complete.c: bash's `complete -C` protocol (COMP_LINE, COMP_POINT) for the aws link. */
int aws_completer_main(int argc, char **argv);
/* aws_help.c: help text from the model; --generate-cli-skeleton. */
int aws_help(const struct aws_cmd *cmd);
int aws_skeleton(const struct aws_cmd *cmd);
/* aws_wait.c: `aws ecr wait NAME` with the model's waiter; the exit status. */
int aws_wait(struct caller *c);

/* aws_err.c: the real CLI's error texts; each returns the exit status. */
int aws_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int aws_unknown_options(const char *list);
int aws_invalid_choice(const char *what, const char *const *choices, const char *given);
int aws_plain_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int aws_service_error(const char *code, const char *op, const char *msg, int retried);

/* aws_services.c (generated): the real CLI's top-level commands */
extern const char *const aws_services[];

/* aws_args.c: parses argv into cmd; 0 or an exit status after printing the error. */
int aws_parse(struct aws_cmd *cmd, int argc, char **argv);
/* kebab-case of a camelCase member name into out. */
void aws_kebab(const char *name, char *out, size_t n);

/* aws_shorthand.c: parses shorthand syntax into JSON (strings, lists, objects);
 * NULL with *errmsg (malloc'd, the real parser's message) on failure. */
json_t *aws_shorthand_parse(const char *s, char **errmsg);
/* Coerces parsed shorthand to the model shape (bools, ints, one-element lists). */
void aws_shorthand_coerce(json_t **v, int shape);

/* aws_yaml_in.c: --cli-input-yaml's document as JSON (new reference), or NULL with err. */
json_t *aws_yaml_load(const char *doc, char *err, size_t n);

/* aws_pyjson.c: Python json's error text for doc; 0 when Python would accept it. */
int aws_pyjson_error(const char *doc, char *out, size_t n);
/* Python's repr() of a float: the shortest text that reads back the same. */
void aws_pyfloat(double d, char *buf, size_t n);
/* Python json.dumps(indent=4, ensure_ascii=False) of v plus a newline. */
void aws_out_json(FILE *f, json_t *v);

/* aws_validate.c: botocore's client-side checks; 0 or exit status after printing. */
int aws_client_validate(int shape, json_t *req);

/* aws_out.c: model-ordered copy of resp with timestamps as the CLI prints them. */
json_t *aws_out_shape(json_t *resp, int shape);
/* v in cmd's --output format (json when none); 0 or an exit status. */
int aws_render(FILE *f, const struct aws_cmd *cmd, json_t *v);
/* aws_out_text.c: --output text of one page (or one --query result). */
void aws_out_text(FILE *f, json_t *v);
/* aws_out_yaml.c: --output yaml; one yaml-stream document (a list item). */
void aws_out_yaml(FILE *f, json_t *v);
void aws_out_yaml_stream_item(FILE *f, json_t *v);
/* aws_out_table.c: --output table, titled with the operation name. */
void aws_out_table(FILE *f, const char *title, json_t *v, int color);

#endif
