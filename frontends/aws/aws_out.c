/* Response → what the real CLI prints: members in model order (unknown ones dropped),
 * timestamps as local ISO 8601, then the --output format (json in aws_pyjson.c, the others in aws_out_*.c). */
#include <math.h>
#include <string.h>

#include "aws.h"
#include "timefmt.h"

json_t *aws_out_shape(json_t *v, int shape)
{
	const struct ecr_shape *sh = &ecr_shapes[shape];
	switch (sh->type) {
	case ECR_T_STRUCT: {
		if (!json_is_object(v))
			return json_incref(v);
		json_t *o = json_object();
		for (int i = 0; i < sh->nmembers; i++) {
			json_t *m = json_object_get(v, sh->members[i].name);
			if (m)
				json_object_set_new(o, sh->members[i].name, aws_out_shape(m, sh->members[i].shape));
		}
		return o;
	}
	case ECR_T_LIST: {
		if (!json_is_array(v))
			return json_incref(v);
		json_t *a = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			json_array_append_new(a, aws_out_shape(e, sh->member));
		return a;
	}
	case ECR_T_MAP: {
		if (!json_is_object(v))
			return json_incref(v);
		json_t *o = json_object(); /* wire order kept */
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e)
			json_object_set_new(o, k, aws_out_shape(e, sh->value));
		return o;
	}
	case ECR_T_TIMESTAMP:
		if (json_is_number(v)) {
			char s[64];
			ecr_time_iso_local(json_number_value(v), s, sizeof(s));
			return json_string(s);
		}
		if (json_is_string(v)) {
			double t;
			char s[64];
			if (!ecr_time_parse(json_string_value(v), &t)) {
				ecr_time_iso_local(t, s, sizeof(s));
				return json_string(s);
			}
		}
		return json_incref(v);
	default:
		return json_incref(v);
	}
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
	/* An empty response prints nothing in any format (a --query result still prints). */
	if (json_is_object(v) && !json_object_size(v) && !cmd->query)
		return 0;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, fmt))
			return formats[i].render(f, cmd, v);
	return aws_plain_error(AWS_EXIT_PARAM, "ecrlite: unknown output format %s", fmt);
}
