/* Help, --generate-cli-skeleton and waiters: all generated from the model rows. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "aws.h"

static const char *type_name(enum ecr_type t)
{
	static const char *const names[] = {"structure", "list", "map", "string", "integer",
					    "long", "boolean", "timestamp", "blob", "double"};
	return names[t];
}

static void wrap(const char *text, int indent)
{
	int col = indent;
	printf("%*s", indent, "");
	while (*text) {
		size_t w = strcspn(text, " ");
		if (col > indent && col + 1 + (int)w > 78) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		printf("%.*s", (int)w, text);
		col += (int)w;
		text += w;
		while (*text == ' ')
			text++;
	}
	putchar('\n');
}

int aws_help(const struct aws_cmd *cmd)
{
	if (!cmd->op) {
		printf("ECR()\n\nNAME\n       ecr -\n\nDESCRIPTION\n");
		wrap("Amazon Elastic Container Registry, served locally by ecrlite. Operations marked (local) run against the local state; the others are accepted with their real argv and answer with an error until ecrlite backs them.", 7);
		printf("\nAVAILABLE COMMANDS\n");
		for (int i = 0; i < ecr_nop_models; i++)
			printf("       o %s%s\n", ecr_op_models[i].cli_name,
			       ecr_op_supported(ecr_op_models[i].name) ? " (local)" : "");
		printf("       o wait\n");
		return 0;
	}
	const struct ecr_op_model *op = cmd->op;
	printf("%s()\n\nNAME\n       %s -\n\nDESCRIPTION\n", op->cli_name, op->cli_name);
	wrap(op->doc ? op->doc : "", 7);
	printf("\nSYNOPSIS\n            %s\n", op->cli_name);
	if (op->input >= 0) {
		const struct ecr_shape *in = &ecr_shapes[op->input];
		for (int i = 0; i < in->nmembers; i++) {
			char kb[80];
			aws_kebab(in->members[i].name, kb, sizeof(kb));
			/* a boolean is its pair of flags, as the CLI prints it: [--force | --no-force] */
			if (ecr_shapes[in->members[i].shape].type == ECR_T_BOOLEAN)
				printf("          %s--%s | --no-%s%s\n", in->members[i].required ? "" : "[", kb, kb,
				       in->members[i].required ? "" : "]");
			else
				printf("          %s--%s <value>%s\n", in->members[i].required ? "" : "[", kb,
				       in->members[i].required ? "" : "]");
		}
	}
	printf("          [--cli-input-json | --cli-input-yaml]\n");
	if (op->pager)
		printf("          [--starting-token <value>]\n          [--page-size <value>]\n          [--max-items <value>]\n");
	printf("          [--generate-cli-skeleton <value>]\n\nOPTIONS\n");
	if (op->input >= 0) {
		const struct ecr_shape *in = &ecr_shapes[op->input];
		for (int i = 0; i < in->nmembers; i++) {
			char kb[80];
			const struct ecr_shape *s = &ecr_shapes[in->members[i].shape];
			aws_kebab(in->members[i].name, kb, sizeof(kb));
			if (s->type == ECR_T_BOOLEAN)
				printf("       --%s | --no-%s (%s)%s\n", kb, kb, type_name(s->type),
				       in->members[i].required ? " [required]" : "");
			else
				printf("       --%s (%s)%s\n", kb, type_name(s->type), in->members[i].required ? " [required]" : "");
			if (in->members[i].doc)
				wrap(in->members[i].doc, 10);
			if (s->enums) {
				printf("          Possible values:\n");
				for (const char *const *e = s->enums; *e; e++)
					printf("          o %s\n", *e);
			}
			if (s->type == ECR_T_STRUCT) {
				printf("          Shorthand Syntax:\n            ");
				for (int k = 0; k < s->nmembers; k++)
					printf("%s%s=%s", k ? "," : "", s->members[k].name,
					       type_name(ecr_shapes[s->members[k].shape].type));
				printf("\n");
			}
			printf("\n");
		}
	}
	return 0;
}

/* --generate-cli-skeleton input and output: every member with the value the real CLI
 * shows for its type: a list one element, a map one "KeyName" entry, numbers 0,
 * timestamps the epoch. Strings
 * differ: the input's are "" (an enum's first value), the output's their member's name
 * (a list element's, its shape's name; a map value's, ""). */
static json_t *skeleton_value(int shape, const char *name, int output, int depth)
{
	const struct ecr_shape *s = &ecr_shapes[shape];
	switch (s->type) {
	case ECR_T_STRUCT: {
		json_t *o = json_object();
		if (depth > 8)
			return o;
		for (int i = 0; i < s->nmembers; i++)
			json_object_set_new(o, s->members[i].name,
					    skeleton_value(s->members[i].shape, s->members[i].name, output, depth + 1));
		return o;
	}
	case ECR_T_LIST: {
		json_t *a = json_array();
		json_array_append_new(a, skeleton_value(s->member, ecr_shapes[s->member].name, output, depth + 1));
		return a;
	}
	case ECR_T_MAP:
		return json_pack("{s:o}", "KeyName", skeleton_value(s->value, "", output, depth + 1));
	case ECR_T_STRING:
		return json_string(output ? name : s->enums ? s->enums[0] : "");
	case ECR_T_BLOB:
		return output ? json_string(name) : json_null(); /* the CLI's input skeleton: null */
	case ECR_T_INTEGER:
	case ECR_T_LONG:
		return json_integer(0);
	case ECR_T_DOUBLE:
		return json_real(0.0);
	case ECR_T_BOOLEAN:
		return json_true();
	case ECR_T_TIMESTAMP:
		return json_string("1970-01-01T00:00:00");
	}
	return json_null();
}

static void yaml_skel(int shape, int indent, int depth);

/* A list element's members, the first on the current line (after "- "). */
static void yaml_skel_item(int shape, int indent, int depth)
{
	/* print into a buffer, then drop the first line's indentation */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FILE *saved = stdout;
	stdout = mem;
	yaml_skel(shape, indent, depth);
	fflush(mem);
	stdout = saved;
	fclose(mem);
	fputs(buf && len > (size_t)indent ? buf + indent : "''\n", stdout);
	free(buf);
}

/* --generate-cli-skeleton yaml-input, as ruamel lays out the CLI's commented map:
 * each member with a placeholder and an end-of-line comment ([REQUIRED], the doc
 * overview, the valid values). ruamel puts a comment one space after its value when
 * an earlier key of the same map has a comment, else two. */
static void yaml_skel(int shape, int indent, int depth)
{
	const struct ecr_shape *s = &ecr_shapes[shape];
	int commented_before = 0;
	if (depth > 8)
		return;
	for (int i = 0; i < s->nmembers; i++) {
		const struct ecr_member *m = &s->members[i];
		const struct ecr_shape *ms = &ecr_shapes[m->shape];
		char comment[2048] = "";
		size_t o = 0;
		if (m->required)
			o += (size_t)snprintf(comment + o, sizeof(comment) - o, "[REQUIRED]");
		if (m->doc)
			o += (size_t)snprintf(comment + o, sizeof(comment) - o, "%s%s", o ? " " : "", m->doc);
		if (ms->enums) {
			o += (size_t)snprintf(comment + o, sizeof(comment) - o, "%sValid values are: ", o ? " " : "");
			for (const char *const *e = ms->enums; *e; e++)
				o += (size_t)snprintf(comment + o, sizeof(comment) - o, "%s%s", e == ms->enums ? "" : ", ", *e);
			o += (size_t)snprintf(comment + o, sizeof(comment) - o, ".");
		}
		printf("%*s%s:", indent, "", m->name);
		const char *value = NULL;
		char first[160];
		switch (ms->type) {
		case ECR_T_STRING:
			/* an enum's first value, plain, as the JSON skeleton's (skeleton_value) */
			if (ms->enums) {
				snprintf(first, sizeof(first), " %s", ms->enums[0]);
				value = first;
			} else {
				value = " ''";
			}
			break;
		case ECR_T_BLOB: value = " !!binary ''"; break;
		case ECR_T_INTEGER: case ECR_T_LONG: value = " 0"; break;
		case ECR_T_DOUBLE: value = " 0.0"; break;
		case ECR_T_BOOLEAN: value = " true"; break;
		case ECR_T_TIMESTAMP: value = " '1970-01-01T00:00:00'"; break;
		default: break;
		}
		if (value)
			fputs(value, stdout);
		if (comment[0])
			printf("%s# %s", commented_before ? " " : "  ", comment);
		commented_before |= comment[0] != 0;
		putchar('\n');
		if (ms->type == ECR_T_STRUCT) {
			yaml_skel(m->shape, indent + 2, depth + 1);
		} else if (ms->type == ECR_T_LIST) {
			const struct ecr_shape *el = &ecr_shapes[ms->member];
			if (el->type == ECR_T_STRUCT) {
				/* the first member rides on the "- " line */
				printf("%*s- ", indent, "");
				fflush(stdout);
				yaml_skel_item(ms->member, indent + 2, depth + 1);
			} else {
				printf("%*s- %s\n", indent, "",
				       el->type == ECR_T_STRING ? (el->enums ? el->enums[0] : "''") : "0");
			}
		} else if (ms->type == ECR_T_MAP) {
			printf("%*sKeyName: ''\n", indent + 2, "");
		}
	}
}

int aws_skeleton(const struct aws_cmd *cmd)
{
	if (!strcmp(cmd->skeleton, "yaml-input")) {
		if (cmd->op->input >= 0 && ecr_shapes[cmd->op->input].nmembers)
			yaml_skel(cmd->op->input, 0, 0);
		else
			printf("{}\n"); /* ruamel's empty map, as for DescribeRegistry */
		return 0;
	}
	if (!strcmp(cmd->skeleton, "output")) {
		json_t *sk = cmd->op->output >= 0 ? skeleton_value(cmd->op->output, "", 1, 0) : json_object();
		aws_out_json(stdout, sk);
		json_decref(sk);
		return 0;
	}
	if (strcmp(cmd->skeleton, "input"))
		return aws_plain_error(AWS_EXIT_PARAM, "ecrlite: unknown --generate-cli-skeleton %s", cmd->skeleton);
	json_t *sk = cmd->op->input >= 0 ? skeleton_value(cmd->op->input, "", 0, 0) : json_object();
	aws_out_json(stdout, sk);
	json_decref(sk);
	return 0;
}
