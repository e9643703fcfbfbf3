/* Where and why Python's json module would reject a document, in its words: the AWS
 * CLI shows them for bad JSON arguments ("Expecting ',' delimiter: line 1 column 24
 * (char 23)"). Positions count characters (code points), as Python's do. */
#include <stdio.h>
#include <string.h>

#include "aws.h"

struct pj {
	const char *s;     /* the document */
	size_t i;          /* byte offset */
	const char *why;   /* first error */
	size_t at;         /* its byte offset */
};

static int fail(struct pj *p, const char *why, size_t at)
{
	if (!p->why) {
		p->why = why;
		p->at = at;
	}
	return -1;
}

static void ws(struct pj *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r')
		p->i++;
}

static int value(struct pj *p, int depth);

static int string(struct pj *p)
{
	size_t start = p->i++;
	for (;;) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (!c)
			return fail(p, "Unterminated string starting at", start);
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(p, "Invalid control character at", p->i);
		if (c == '\\') {
			char e = p->s[p->i + 1];
			if (!e)
				return fail(p, "Unterminated string starting at", start);
			if (e == 'u') {
				for (int k = 2; k < 6; k++)
					if (!strchr("0123456789abcdefABCDEF", p->s[p->i + k]) || !p->s[p->i + k])
						return fail(p, "Invalid \\uXXXX escape", p->i + 1);
				p->i += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e))
				return fail(p, "Invalid \\escape", p->i);
			p->i += 2;
			continue;
		}
		p->i++;
	}
}

static int number(struct pj *p)
{
	size_t start = p->i;
	if (p->s[p->i] == '-')
		p->i++;
	if (p->s[p->i] == '0')
		p->i++;
	else if (p->s[p->i] >= '1' && p->s[p->i] <= '9')
		while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	else
		return fail(p, "Expecting value", start);
	if (p->s[p->i] == '.' && p->s[p->i + 1] >= '0' && p->s[p->i + 1] <= '9') {
		p->i++;
		while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if ((p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		size_t k = p->i + 1;
		if (p->s[k] == '+' || p->s[k] == '-')
			k++;
		if (p->s[k] >= '0' && p->s[k] <= '9') {
			p->i = k;
			while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
				p->i++;
		}
	}
	return 0;
}

static int value(struct pj *p, int depth)
{
	static const char *const words[] = {"true", "false", "null", "NaN", "Infinity", "-Infinity"};
	char c = p->s[p->i];
	if (depth > 512)
		return fail(p, "Expecting value", p->i);
	if (c == '"')
		return string(p);
	if (c == '{') {
		p->i++;
		ws(p);
		if (p->s[p->i] == '}') {
			p->i++;
			return 0;
		}
		for (;;) {
			if (p->s[p->i] != '"')
				return fail(p, "Expecting property name enclosed in double quotes", p->i);
			if (string(p))
				return -1;
			ws(p);
			if (p->s[p->i] != ':')
				return fail(p, "Expecting ':' delimiter", p->i);
			p->i++;
			ws(p);
			if (value(p, depth + 1))
				return -1;
			ws(p);
			if (p->s[p->i] == '}') {
				p->i++;
				return 0;
			}
			if (p->s[p->i] != ',')
				return fail(p, "Expecting ',' delimiter", p->i);
			p->i++;
			ws(p);
		}
	}
	if (c == '[') {
		p->i++;
		ws(p);
		if (p->s[p->i] == ']') {
			p->i++;
			return 0;
		}
		for (;;) {
			if (value(p, depth + 1))
				return -1;
			ws(p);
			if (p->s[p->i] == ']') {
				p->i++;
				return 0;
			}
			if (p->s[p->i] != ',')
				return fail(p, "Expecting ',' delimiter", p->i);
			p->i++;
			ws(p);
		}
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (!strncmp(p->s + p->i, words[k], strlen(words[k]))) {
			p->i += strlen(words[k]);
			return 0;
		}
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(p);
	return fail(p, "Expecting value", p->i);
}

/* Python's message for a document json.loads refuses; 0 when it would accept it. */
int aws_pyjson_error(const char *doc, char *out, size_t n)
{
	struct pj p = {doc, 0, NULL, 0};
	ws(&p);
	if (!value(&p, 0)) {
		ws(&p);
		if (doc[p.i])
			fail(&p, "Extra data", p.i);
	}
	if (!p.why)
		return 0;
	/* character positions, line and column as Python counts them */
	size_t chars = 0, line = 1, col_start = 0;
	for (size_t k = 0; k < p.at; k++) {
		if (((unsigned char)doc[k] & 0xc0) == 0x80)
			continue;
		if (doc[k] == '\n') {
			line++;
			col_start = chars + 1;
		}
		chars++;
	}
	snprintf(out, n, "%s: line %zu column %zu (char %zu)", p.why, line, chars - col_start + 1, chars);
	return -1;
}
