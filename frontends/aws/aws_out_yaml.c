/* --output yaml and yaml-stream, as the CLI's ruamel.yaml safe dumper writes them:
 * block style, keys sorted, sequences at their key's indentation, the YAML 1.2
 * resolver deciding which strings need quotes, long scalars folded past column 80. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"

#define BEST_WIDTH 80

struct em {
	FILE *f;       /* output */
	int column;    /* current column, in characters */
};

static void put(struct em *e, const char *s, size_t n)
{
	fwrite(s, 1, n, e->f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			e->column = 0;
		else if (((unsigned char)s[i] & 0xc0) != 0x80)
			e->column++;
	}
}

static void puts_(struct em *e, const char *s)
{
	put(e, s, strlen(s));
}

static void newline_indent(struct em *e, int indent)
{
	put(e, "\n", 1);
	for (int i = 0; i < indent; i++)
		put(e, " ", 1);
}

/* Would this text, written plain, read back as something other than a string under
 * the YAML 1.2 resolver (bool, null, int, float, timestamp)? */
static int resolves_to_other(const char *s)
{
	static const char *const patterns[] = {
		"^(true|True|TRUE|false|False|FALSE)$",
		"^(~|null|Null|NULL)$",
		"^([-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$",
		"^([-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?([0-9][0-9_]*)([eE][-+]?[0-9]+)|\\.[0-9_]+([eE][-+][0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$",
		"^([0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\\.[0-9]*)?([ \t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?))?|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9])$",
	};
	static regex_t re[5];
	static int ready;
	if (!ready) {
		for (int i = 0; i < 5; i++)
			regcomp(&re[i], patterns[i], REG_EXTENDED | REG_NOSUB);
		ready = 1;
	}
	if (!*s)
		return 1;
	for (int i = 0; i < 5; i++)
		if (!regexec(&re[i], s, 0, NULL, 0))
			return 1;
	return 0;
}

enum style { PLAIN, SINGLE, DOUBLE };

/* The code point of the UTF-8 sequence at s[i] (jansson's strings are valid UTF-8) and
 * its length in *len. */
static unsigned long cp_at(const char *s, size_t n, size_t i, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t k = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 1;
	unsigned long c = k == 1 ? u[0] : u[0] & (0x3F >> (k - 1));
	if (i + k > n)
		k = n - i;
	for (size_t j = 1; j < k; j++)
		c = (c << 6) | (u[j] & 0x3F);
	*len = k ? k : 1;
	return c;
}

/* libyaml's IS_PRINTABLE fails past ASCII for C1 controls, the BOM, U+FFFE/U+FFFF and
 * everything past the BMP (an emoji): such a string is double-quoted and the character
 * escaped */
static int nonprintable_cp(unsigned long c)
{
	return (c >= 0x80 && c <= 0x9F) || c == 0xFEFF || c == 0xFFFE || c == 0xFFFF || c >= 0x10000;
}

/* PyYAML's analyze_scalar + choose_scalar_style for a block context. */
static enum style choose(const char *s, size_t n)
{
	int flow_ind = 0, block_ind = 0, line_breaks = 0, special = 0, lead_space = 0, trail_space = 0;
	int space_break = 0, break_space = 0, prev_space = 0, prev_break = 0;
	if (!n)
		return SINGLE;
	if (!strncmp(s, "---", 3) || !strncmp(s, "...", 3))
		flow_ind = block_ind = 1;
	int preceded_ws = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		unsigned char nx = i + 1 < n ? (unsigned char)s[i + 1] : 0;
		int followed_ws = i + 1 >= n || nx == ' ' || nx == '\t' || nx == '\n' || nx == '\r';
		if (i == 0) {
			if (strchr("#,[]{}&*!|>'\"%@`", ch) && ch)
				flow_ind = block_ind = 1;
			if (ch == '?' || ch == ':') {
				flow_ind = 1;
				if (followed_ws)
					block_ind = 1;
			}
			if (ch == '-' && followed_ws)
				flow_ind = block_ind = 1;
		} else {
			if (strchr(",?[]{}", ch) && ch)
				flow_ind = 1;
			if (ch == ':') {
				flow_ind = 1;
				if (followed_ws)
					block_ind = 1;
			}
			if (ch == '#' && preceded_ws)
				flow_ind = block_ind = 1;
		}
		if (ch == '\n')
			line_breaks = 1;
		if (!(ch == '\n' || (ch >= 0x20 && ch <= 0x7e) || ch >= 0x80))
			special = 1;
		if (ch >= 0xC2) {
			size_t len;
			unsigned long c = cp_at(s, n, i, &len);
			if (nonprintable_cp(c))
				special = 1;
			if (c == 0x85 || c == 0x2028 || c == 0x2029) /* libyaml's IS_BREAK */
				line_breaks = 1;
		}
		if (ch == ' ') {
			if (i == 0)
				lead_space = 1;
			if (i == n - 1)
				trail_space = 1;
			if (prev_break)
				break_space = 1;
			prev_space = 1;
			prev_break = 0;
		} else if (ch == '\n') {
			if (prev_space)
				space_break = 1;
			prev_space = 0;
			prev_break = 1;
		} else {
			prev_space = prev_break = 0;
		}
		preceded_ws = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
	}
	int allow_plain = 1, allow_single = 1;
	if (lead_space || trail_space)
		allow_plain = 0;
	if (break_space || space_break || special)
		allow_plain = allow_single = 0; /* a line's leading spaces: block or double-quoted only */
	if (line_breaks)
		allow_plain = 0;
	if (block_ind)
		allow_plain = 0;
	(void)flow_ind; /* block context: only block indicators matter */
	if (allow_plain) {
		char *z = strndup(s, n);
		int other = resolves_to_other(z);
		free(z);
		if (!other)
			return PLAIN;
	}
	return allow_single ? SINGLE : DOUBLE;
}

static void plain(struct em *e, const char *s, size_t n, int indent)
{
	size_t start = 0;
	for (size_t end = 0; end <= n; end++) {
		int ch = end < n ? (unsigned char)s[end] : -1;
		if (end > 0 && s[end - 1] == ' ' && ch != ' ') {
			/* a single space past the width becomes a line break */
			if (start + 1 == end && e->column > BEST_WIDTH)
				newline_indent(e, indent);
			else
				put(e, s + start, end - start);
			start = end;
		} else if (ch == -1 || ch == ' ') {
			if (!(end > 0 && s[end - 1] == ' ')) {
				put(e, s + start, end - start);
				start = end;
			}
		}
	}
}

static void single(struct em *e, const char *s, size_t n, int indent)
{
	size_t start = 0;
	int spaces = 0, breaks = 0;
	put(e, "'", 1);
	for (size_t end = 0; end <= n; end++) {
		int ch = end < n ? (unsigned char)s[end] : -1;
		if (spaces) {
			if (ch != ' ') {
				if (start + 1 == end && e->column > BEST_WIDTH && start != 0 && end != n)
					newline_indent(e, indent);
				else
					put(e, s + start, end - start);
				start = end;
			}
		} else if (breaks) {
			if (ch != '\n') {
				if (s[start] == '\n')
					put(e, "\n", 1);
				for (size_t k = start; k < end; k++)
					put(e, "\n", 1);
				for (int i = 0; i < indent; i++)
					put(e, " ", 1);
				start = end;
			}
		} else if (ch == -1 || ch == ' ' || ch == '\n' || ch == '\'') {
			if (start < end) {
				put(e, s + start, end - start);
				start = end;
			}
		}
		if (ch == '\'') {
			put(e, "''", 2);
			start = end + 1;
		}
		if (ch != -1) {
			spaces = ch == ' ';
			breaks = ch == '\n';
		}
	}
	put(e, "'", 1);
}

/* libyaml's yaml_emitter_write_double_quoted_scalar (the CLI's dumper is ruamel.yaml's C
 * one): escapes; past the width a single space (not the first or last character) becomes
 * the line break, and a space after it is kept by a '\\'. */
static void dquoted(struct em *e, const char *s, size_t n, int indent)
{
	int spaces = 0;
	put(e, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			char esc[8];
			const char *rep = NULL;
			switch (c) {
			case 0: rep = "\\0"; break;
			case 7: rep = "\\a"; break;
			case 8: rep = "\\b"; break;
			case '\t': rep = "\\t"; break;
			case '\n': rep = "\\n"; break;
			case 11: rep = "\\v"; break;
			case 12: rep = "\\f"; break;
			case '\r': rep = "\\r"; break;
			case 27: rep = "\\e"; break;
			case '"': rep = "\\\""; break;
			case '\\': rep = "\\\\"; break;
			}
			if (!rep) {
				snprintf(esc, sizeof(esc), "\\x%02X", c);
				rep = esc;
			}
			puts_(e, rep);
			spaces = 0;
		} else if (c == ' ') {
			if (!spaces && e->column > BEST_WIDTH && i != 0 && i != n - 1) {
				newline_indent(e, indent);
				if (i + 1 < n && s[i + 1] == ' ')
					put(e, "\\", 1);
			} else {
				put(e, " ", 1);
			}
			spaces = 1;
		} else if (c >= 0xC2 && i + 1 < n) {
			size_t len;
			unsigned long cp = cp_at(s, n, i, &len);
			if (nonprintable_cp(cp) || cp == 0x2028 || cp == 0x2029) {
				char esc[24];
				if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
					snprintf(esc, sizeof(esc), "\\%c", cp == 0x85 ? 'N' : cp == 0x2028 ? 'L' : 'P');
				else if (cp <= 0xFF)
					snprintf(esc, sizeof(esc), "\\x%02lX", cp);
				else if (cp <= 0xFFFF)
					snprintf(esc, sizeof(esc), "\\u%04lX", cp);
				else
					snprintf(esc, sizeof(esc), "\\U%08lX", cp);
				puts_(e, esc);
			} else {
				put(e, s + i, len);
			}
			i += len - 1;
			spaces = 0;
		} else {
			put(e, (const char *)&s[i], 1);
			spaces = 0;
		}
	}
	put(e, "\"", 1);
}

static void string(struct em *e, const char *s, size_t n, int indent)
{
	switch (choose(s, n)) {
	case PLAIN: plain(e, s, n, indent); break;
	case SINGLE: single(e, s, n, indent); break;
	case DOUBLE: dquoted(e, s, n, indent); break;
	}
}

static void scalar(struct em *e, json_t *v, int indent)
{
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_STRING: string(e, json_string_value(v), json_string_length(v), indent); break;
	case JSON_INTEGER: snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v)); puts_(e, buf); break;
	case JSON_REAL:
		aws_pyfloat(json_real_value(v), buf, sizeof(buf));
		puts_(e, buf);
		break;
	case JSON_TRUE: puts_(e, "true"); break;
	case JSON_FALSE: puts_(e, "false"); break;
	default: puts_(e, "null"); break;
	}
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void node(struct em *e, json_t *v, int indent, int inline_first);

static void mapping(struct em *e, json_t *o, int indent, int inline_first)
{
	size_t n = json_object_size(o), k = 0;
	const char **keys = calloc(n + 1, sizeof(*keys));
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) keys[k++] = key;
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 0; i < n; i++) {
		if (i || !inline_first) {
			if (e->column)
				put(e, "\n", 1);
			for (int s = 0; s < indent; s++)
				put(e, " ", 1);
		}
		string(e, keys[i], strlen(keys[i]), indent + 2);
		put(e, ":", 1);
		v = json_object_get(o, keys[i]);
		if (json_is_object(v) && json_object_size(v)) {
			mapping(e, v, indent + 2, 0);
		} else if (json_is_array(v) && json_array_size(v)) {
			node(e, v, indent, 0);
		} else if (json_is_object(v)) {
			puts_(e, " {}");
		} else if (json_is_array(v)) {
			puts_(e, " []");
		} else {
			put(e, " ", 1);
			scalar(e, v, indent + 2);
		}
	}
	free(keys);
}

static void node(struct em *e, json_t *v, int indent, int inline_first)
{
	if (json_is_object(v) && json_object_size(v)) {
		mapping(e, v, indent, inline_first);
		return;
	}
	if (json_is_array(v) && json_array_size(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (i || !inline_first) {
				if (e->column)
					put(e, "\n", 1);
				for (int s = 0; s < indent; s++)
					put(e, " ", 1);
			}
			put(e, "- ", 2);
			if ((json_is_object(x) && json_object_size(x)) || (json_is_array(x) && json_array_size(x)))
				node(e, x, indent + 2, 1);
			else if (json_is_object(x))
				puts_(e, "{}");
			else if (json_is_array(x))
				puts_(e, "[]");
			else
				scalar(e, x, indent + 2);
		}
		return;
	}
	if (json_is_object(v))
		puts_(e, "{}");
	else if (json_is_array(v))
		puts_(e, "[]");
	else
		scalar(e, v, indent);
}

void aws_out_yaml(FILE *f, json_t *v)
{
	struct em e = {f, 0};
	/* a scalar result (after --query) prints as JSON */
	if (!json_is_object(v) && !json_is_array(v)) {
		aws_out_json(f, v);
		return;
	}
	node(&e, v, 0, 0);
	put(&e, "\n", 1);
}

/* yaml-stream: each document a one-element list */
void aws_out_yaml_stream_item(FILE *f, json_t *v)
{
	struct em e = {f, 0};
	put(&e, "- ", 2);
	if (json_is_object(v) || json_is_array(v))
		node(&e, v, 2, 1);
	else
		scalar(&e, v, 2);
	put(&e, "\n", 1);
}
