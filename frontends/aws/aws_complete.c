/* `aws_completer`: bash completion for the aws link by the real CLI's protocol
 * (`complete -C aws_completer aws`): bash sets COMP_LINE and COMP_POINT, the
 * completer prints the candidates for the word under the cursor, one a line. Knows
 * the ecr service's operations and waiters, each operation's options (the model's
 * members in kebab case, the CLI's global and paging options) and the values of enum
 * members, --output and --color. Also reached as `ecrlite aws_completer`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "aws.h"

static const char *const globals[] = {"debug", "endpoint-url", "no-verify-ssl", "no-paginate", "output", "query",
				      "profile", "region", "version", "color", "no-sign-request", "ca-bundle",
				      "cli-read-timeout", "cli-connect-timeout", "cli-binary-format", "no-cli-pager",
				      "cli-auto-prompt", "no-cli-auto-prompt", NULL};
static const char *const outputs[] = {"json", "text", "table", "yaml", "yaml-stream", NULL};
static const char *const colors[] = {"on", "off", "auto", NULL};

static void emit(const char *prefix, const char *cur, const char *word)
{
	char full[256];
	snprintf(full, sizeof(full), "%s%s", prefix, word);
	if (!strncmp(full, cur, strlen(cur)))
		printf("%s\n", full);
}

static void emit_list(const char *prefix, const char *cur, const char *const *l)
{
	for (; l && *l; l++)
		emit(prefix, cur, *l);
}

/* The enum values of the member behind option opt (kebab, without dashes). */
static const char *const *member_enum(const struct ecr_op_model *op, const char *opt)
{
	if (!op || op->input < 0)
		return NULL;
	const struct ecr_shape *in = &ecr_shapes[op->input];
	for (int i = 0; i < in->nmembers; i++) {
		char kb[80];
		aws_kebab(in->members[i].name, kb, sizeof(kb));
		if (!strcmp(kb, opt))
			return ecr_shapes[in->members[i].shape].enums;
	}
	return NULL;
}

int aws_completer_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const char *line = getenv("COMP_LINE");
	const char *point = getenv("COMP_POINT");
	char *words[64], *buf;
	int n = 0;
	if (!line)
		return 0;
	size_t len = strlen(line), at = point ? (size_t)atol(point) : len;
	buf = strndup(line, at < len ? at : len);
	if (!buf)
		return 0;
	/* words up to the cursor; the last is the one being completed ("" after a space) */
	for (char *p = buf; n < 63;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		words[n++] = p;
		p += strcspn(p, " ");
		if (!*p)
			break;
		*p++ = '\0';
	}
	if (at > len)
		at = len;
	int ends_blank = !at || line[at - 1] == ' ';
	const char *cur = ends_blank || !n ? "" : words[n - 1];
	int done = ends_blank ? n : n - 1; /* complete words before the current one */
	int first = 1;                     /* words[0] is aws; `ecrlite aws …` too */
	if (done > 1 && strstr(words[0], "ecrlite") && !strcmp(words[1], "aws"))
		first = 2;
	/* the positional words so far (service, operation, waiter), skipping options */
	const char *pos[3] = {NULL, NULL, NULL};
	int npos = 0;
	for (int i = first; i < done; i++) {
		if (words[i][0] == '-') {
			/* an option's value is not a positional (flags take none) */
			const char *o = words[i] + 2;
			if (i + 1 < done && strcmp(o, "debug") && strcmp(o, "no-paginate") && strcmp(o, "no-verify-ssl") &&
			    strncmp(o, "no-", 3) && strcmp(o, "version"))
				i++;
			continue;
		}
		if (npos < 3)
			pos[npos++] = words[i];
	}
	const char *prev = done > first ? words[done - 1] : "";
	const struct ecr_op_model *op = pos[1] ? ecr_model_op_cli(pos[1]) : NULL;
	if (!strcmp(prev, "--output"))
		emit_list("", cur, outputs);
	else if (!strcmp(prev, "--color"))
		emit_list("", cur, colors);
	else if (prev[0] == '-' && prev[1] == '-' && member_enum(op, prev + 2))
		emit_list("", cur, member_enum(op, prev + 2));
	else if (cur[0] == '-') {
		if (op && op->input >= 0) {
			const struct ecr_shape *in = &ecr_shapes[op->input];
			for (int i = 0; i < in->nmembers; i++) {
				char kb[80];
				aws_kebab(in->members[i].name, kb, sizeof(kb));
				emit("--", cur, kb);
			}
			emit_list("--", cur, (const char *const[]){"cli-input-json", "cli-input-yaml", "generate-cli-skeleton", NULL});
			if (op->pager)
				emit_list("--", cur, (const char *const[]){"starting-token", "page-size", "max-items", NULL});
		}
		emit_list("--", cur, globals);
	} else if (npos == 0) {
		emit("", cur, "ecr");
	} else if (npos == 1 && !strcmp(pos[0], "ecr")) {
		for (int i = 0; i < ecr_nop_models; i++)
			emit("", cur, ecr_op_models[i].cli_name);
		emit("", cur, "wait");
		emit("", cur, "help");
	} else if (npos == 2 && !strcmp(pos[1], "wait")) {
		for (int i = 0; i < ecr_nwaiters; i++)
			emit("", cur, ecr_waiters[i].cli_name);
	}
	free(buf);
	return 0;
}
