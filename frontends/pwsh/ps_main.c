/* Entry points: a link named like a cmdlet (argv are its arguments, each read as a
 * PowerShell argument), and `ecrlite pwsh -Command '…'` (statements separated by ';'
 * or new lines). Pipelines, variables and the interactive shell are not in this build:
 * they are refused with a message naming the construct. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_int.h"

int ps_link_main(const char *name, int argc, char **argv)
{
	return ps_run(name, argc, argv, 1);
}

/* Splits one statement into argument tokens: whitespace outside quotes, braces and
 * parentheses; "a, b" (a comma list with spaces) stays one argument. */
static int tokens(const char *s, char ***out, int *n, char *err, size_t errn)
{
	*out = NULL;
	*n = 0;
	size_t i = 0, len = strlen(s);
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		size_t start = i;
		int depth = 0;
		char q = 0;
		for (; i < len; i++) {
			char c = s[i];
			if (q) {
				if (c == q && !(i + 1 < len && s[i + 1] == q))
					q = 0;
				else if (c == q)
					i++;
				continue;
			}
			if (c == '\'' || c == '"')
				q = c;
			else if (c == '{' || c == '(')
				depth++;
			else if (c == '}' || c == ')')
				depth--;
			else if (!depth && isspace((unsigned char)c)) {
				/* a trailing comma continues the list onto the next word */
				size_t k = i;
				while (k < len && isspace((unsigned char)s[k]))
					k++;
				if ((i > start && s[i - 1] == ',') || (k < len && s[k] == ','))
					continue;
				break;
			}
		}
		if (q) {
			snprintf(err, errn, "The string is missing the terminator: %c.", q);
			return -1;
		}
		*out = realloc(*out, sizeof(char *) * (size_t)(*n + 1));
		(*out)[(*n)++] = strndup(s + start, i - start);
	}
	return 0;
}

static int statement(const char *s)
{
	char **tok = NULL, err[256];
	int n = 0, rc;
	if (tokens(s, &tok, &n, err, sizeof(err))) {
		fprintf(stderr, "ParserError: %s\n", err);
		return 1;
	}
	if (!n)
		return 0;
	/* what this build does not interpret yet, named rather than misread */
	const char *what = NULL;
	for (int i = 0; i < n && !what; i++) {
		if (!strcmp(tok[i], "|"))
			what = "pipelines ('|')";
		else if (tok[i][0] == '$' && i == 0)
			what = "variables and assignments";
		else if (!strcmp(tok[i], "="))
			what = "assignments";
	}
	if (!what && (!strcasecmp(tok[0], "if") || !strcasecmp(tok[0], "foreach") || !strcasecmp(tok[0], "exit")))
		what = "the statement keywords if/foreach/exit";
	if (what) {
		fprintf(stderr, "ecrlite pwsh: not supported yet: %s\n", what);
		rc = 1;
	} else if (strchr(tok[0], '-') && !strncasecmp(strchr(tok[0], '-') + 1, "ECR", 3)) {
		rc = ps_run(tok[0], n - 1, tok + 1, 1);
	} else {
		fprintf(stderr, "%s: The term '%s' is not recognized as a name of a cmdlet, function, script file, or executable program.\n",
			tok[0], tok[0]);
		rc = 1;
	}
	for (int i = 0; i < n; i++)
		free(tok[i]);
	free(tok);
	return rc;
}

int ps_main(int argc, char **argv)
{
	const char *cmd = NULL;
	for (int i = 0; i < argc; i++) {
		if ((!strcasecmp(argv[i], "-Command") || !strcasecmp(argv[i], "-c")) && i + 1 < argc)
			cmd = argv[++i];
		else if (!strcasecmp(argv[i], "-NonInteractive") || !strcasecmp(argv[i], "-NoProfile"))
			continue;
		else {
			fprintf(stderr, "usage: ecrlite pwsh -Command 'Cmdlet -Param value …[; …]'\n"
					"  or run a cmdlet through its link: build/bin/Start-ECRImageScan -RepositoryName r …\n"
					"(this build has no interactive shell or scripts yet)\n");
			return 2;
		}
	}
	if (!cmd) {
		fprintf(stderr, "usage: ecrlite pwsh -Command 'Cmdlet -Param value …[; …]'\n");
		return 2;
	}
	/* statements: split on ';' and new lines outside quotes and braces */
	int rc = 0, depth = 0;
	char q = 0, *copy = strdup(cmd), *start = copy;
	for (char *p = copy;; p++) {
		if (*p && q) {
			if (*p == q)
				q = 0;
			continue;
		}
		if (*p == '\'' || *p == '"')
			q = *p;
		else if (*p == '{' || *p == '(')
			depth++;
		else if (*p == '}' || *p == ')')
			depth--;
		else if (!*p || (!depth && (*p == ';' || *p == '\n'))) {
			int end = !*p;
			*p = '\0';
			/* the exit status is the last statement's success, as pwsh -Command sets it */
			rc = statement(start);
			if (end)
				break;
			start = p + 1;
		}
	}
	free(copy);
	return rc;
}
