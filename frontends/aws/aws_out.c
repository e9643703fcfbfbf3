/* Response → what the real CLI prints: members in model order (unknown ones dropped),
 * timestamps as local ISO 8601, then the --output format (json in aws_pyjson.c, the others in aws_out_*.c). */
#include <math.h>
#include <string.h>

#include "aws.h"
#include "timefmt.h"

/* A leaf as the CLI prints it: a timestamp as local ISO 8601, anything else as it is. */
static json_t *out_leaf(void *ud, int shape, json_t *v)
{
	char s[64];
	double t;
	(void)ud;
	if (ecr_shapes[shape].type != ECR_T_TIMESTAMP)
		return json_incref(v);
	if (json_is_number(v)) {
		ecr_time_iso_local(json_number_value(v), s, sizeof(s));
		return json_string(s);
	}
	if (json_is_string(v) && !ecr_time_parse(json_string_value(v), &t)) {
		ecr_time_iso_local(t, s, sizeof(s));
		return json_string(s);
	}
	return json_incref(v);
}

json_t *aws_out_shape(json_t *v, int shape)
{
	/* members in model order, unknown ones dropped, map entries in wire order */
	return ecr_model_map(shape, v, out_leaf, NULL);
}

static int out_json(FILE *f, const struct aws_cmd *cmd, json_t *v)
{
	(void)cmd;
	aws_out_json(f, v);
	return 0;
}

static int out_table(FILE *f, const struct aws_cmd *cmd, json_t *v)
{
	int color = cmd->color && !strcmp(cmd->color, "on");
	if (cmd->color && !strcmp(cmd->color, "auto"))
		color = 0; /* the CLI's auto: no colour for a table (its styler is plain) */
	aws_out_table(f, cmd->op ? cmd->op->name : "", v, color);
	return 0;
}

static int out_text(FILE *f, const struct aws_cmd *cmd, json_t *v)
{
	(void)cmd;
	aws_out_text(f, v);
	return 0;
}

static int out_yaml(FILE *f, const struct aws_cmd *cmd, json_t *v)
{
	(void)cmd;
	aws_out_yaml(f, v);
	return 0;
}

static int out_yaml_stream(FILE *f, const struct aws_cmd *cmd, json_t *v)
{
	(void)cmd;
	aws_out_yaml_stream_item(f, v);
	return 0;
}

/* --output's formats (the CLI's choices are checked when options are parsed) */
static const struct {
	const char *name;
	int (*render)(FILE *f, const struct aws_cmd *cmd, json_t *v);
} formats[] = {
	{"json", out_json}, {"table", out_table}, {"text", out_text}, {"yaml", out_yaml}, {"yaml-stream", out_yaml_stream},
};

int aws_render(FILE *f, const struct aws_cmd *cmd, json_t *v)
{
	const char *fmt = cmd->output ? cmd->output : "json";
	/* An empty response prints nothing in any format; a --query result of {} prints
	 * nothing in json and yaml either (their formatters skip a response equal to {}),
	 * while table, text and yaml-stream still show it */
	if (json_is_object(v) && !json_object_size(v) && (!cmd->query || !strcmp(fmt, "json") || !strcmp(fmt, "yaml")))
		return 0;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, fmt))
			return formats[i].render(f, cmd, v);
	return aws_plain_error(AWS_EXIT_PARAM, "ecrlite: unknown output format %s", fmt);
}
