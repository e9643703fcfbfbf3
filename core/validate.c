#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "model.h"
#include "str.h"
#include "validate.h"

#define MAX_REPORTED 10 /* the service stops listing after a handful */
#define VALUE_SHOWN 512 /* bytes of a value a message shows (ecr_err's message holds 1024) */

struct vctx {
	struct buf msg;  /* "Value … ; Value …" */
	int count;       /* problems found */
};

/* The model's patterns are Java regexes; POSIX ERE lacks (?:…) and treats a '-' after
 * a range inside brackets as another range. Translate into an anchored ERE. */
static char *to_ere(const char *p)
{
	struct buf b;
	ecr_buf_init(&b, 4096);
	size_t n = strlen(p);
	if (n && p[0] == '^')
		p++, n--;
	if (n && p[n - 1] == '$')
		n--;
	ecr_buf_addstr(&b, "^(");
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '(' && i + 2 < n && p[i + 1] == '?' && p[i + 2] == ':') {
			ecr_buf_addstr(&b, "(");
			i += 2;
		} else if (p[i] == '[') {
			char set[256];
			size_t k = 0;
			int dash = 0;
			i++;
			if (i < n && p[i] == '^')
				set[k++] = '^', i++;
			while (i < n && p[i] != ']' && k < sizeof(set) - 4) {
				char c = p[i];
				if (c == '\\' && i + 1 < n) {
					c = p[++i];
					if (c == '-') {
						dash = 1;
						i++;
						continue;
					}
				} else if (c == '-') {
					dash = 1;
					i++;
					continue;
				}
				if (i + 2 < n && p[i + 1] == '-' && p[i + 2] != ']' && p[i + 2] != '\\') {
					set[k++] = c;
					set[k++] = '-';
					set[k++] = p[i + 2];
					i += 3;
					continue;
				}
				set[k++] = c;
				i++;
			}
			if (dash)
				set[k++] = '-';
			set[k] = '\0';
			ecr_buf_addstr(&b, "[");
			ecr_buf_addstr(&b, set);
			ecr_buf_addstr(&b, "]");
		} else {
			ecr_buf_add(&b, &p[i], 1);
		}
	}
	ecr_buf_addstr(&b, ")$");
	return ecr_buf_detach(&b);
}

int ecr_validate_pattern(int shape, const char *s)
{
	/* compiled once per process, per shape, on first use by whichever thread: the
	 * server validates on many. Published with release/acquire, so a thread that sees
	 * the pointer sees the compiled regex behind it (arm64 does not order that for us);
	 * a thread that lost the race to publish frees its own copy. regexec itself may
	 * run on one regex_t from many threads (glibc locks it). */
	static _Atomic(regex_t *) cache[1024];
	const struct ecr_shape *sh = &ecr_shapes[shape];
	if (!sh->pattern || shape >= 1024)
		return 1;
	regex_t *re = atomic_load_explicit(&cache[shape], memory_order_acquire);
	if (!re) {
		char *ere = to_ere(sh->pattern);
		regex_t *mine = malloc(sizeof(*mine)), *none = NULL;
		if (!ere || !mine || regcomp(mine, ere, REG_EXTENDED | REG_NOSUB)) {
			free(ere);
			free(mine);
			return 1;
		}
		free(ere);
		if (atomic_compare_exchange_strong_explicit(&cache[shape], &none, mine, memory_order_acq_rel,
							    memory_order_acquire)) {
			re = mine;
		} else {
			regfree(mine);
			free(mine);
			re = none;
		}
	}
	return regexec(re, s, 0, NULL, 0) == 0;
}

static void problem(struct vctx *v, const char *path, json_t *val, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct vctx *v, const char *path, json_t *val, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	if (++v->count > MAX_REPORTED)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (v->count > 1)
		ecr_buf_addstr(&v->msg, "; ");
	if (!val) {
		ecr_buf_printf(&v->msg, "Value null at '%s' failed to satisfy constraint: %s", path, what);
		return;
	}
	char *d = json_is_string(val) ? NULL : json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
	const char *text = json_is_string(val) ? json_string_value(val) : d ? d : "?";
	/* a long value is cut (at a character's start) so that the path and the constraint,
	 * what the user needs, still fit the exception's message: 26 destinations made a
	 * message that ended inside the value */
	int n = (int)strlen(text), cut = n > VALUE_SHOWN;
	if (cut)
		for (n = VALUE_SHOWN; n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80; n--)
			;
	ecr_buf_printf(&v->msg, "Value '%.*s%s' at '%s' failed to satisfy constraint: %s", n, text, cut ? "..." : "",
		       path, what);
	free(d);
}

static void check_enum(struct vctx *v, const struct ecr_shape *sh, json_t *val, const char *path)
{
	const char *s = json_string_value(val);
	for (const char *const *e = sh->enums; *e; e++)
		if (!strcmp(*e, s))
			return;
	struct buf set;
	ecr_buf_init(&set, 4096);
	for (const char *const *e = sh->enums; *e; e++)
		ecr_buf_printf(&set, "%s%s", e == sh->enums ? "" : ", ", *e);
	problem(v, path, val, "Member must satisfy enum value set: [%s]", set.data ? set.data : "");
	ecr_buf_release(&set);
}

/* The service's rules for one node (ecr_model_walk does the walking): 1 when the walk
 * must not go into the value. */
static int check(void *ud, const struct ecr_walk_node *nd)
{
	struct vctx *v = ud;
	const struct ecr_shape *sh = nd->sh;
	json_t *val = nd->value;
	const char *path = nd->path;
	/* an absent or null member is only checked for being required */
	if (nd->member && (!val || json_is_null(val))) {
		if (nd->member->required)
			problem(v, path, NULL, "Member must not be null");
		return 1;
	}
	switch (sh->type) {
	case ECR_T_STRUCT:
		if (!json_is_object(val))
			problem(v, path, val, "Member must be a structure");
		return 0;
	case ECR_T_LIST: {
		if (!json_is_array(val)) {
			problem(v, path, val, "Member must be a list");
			return 0;
		}
		long long n = (long long)json_array_size(val);
		if (sh->has_min && n < sh->min)
			problem(v, path, val, "Member must have length greater than or equal to %lld", sh->min);
		if (sh->has_max && n > sh->max)
			problem(v, path, val, "Member must have length less than or equal to %lld", sh->max);
		return 0;
	}
	case ECR_T_MAP:
		if (!json_is_object(val))
			problem(v, path, val, "Member must be a map");
		return 0;
	case ECR_T_STRING: {
		if (!json_is_string(val)) {
			problem(v, path, val, "Member must be a string");
			return 0;
		}
		const char *s = json_string_value(val);
		size_t bytes = json_string_length(val);
		/* a length is in characters, as the service counts it (Smithy's length trait:
		 * Unicode scalar values), not UTF-8 bytes: 200 'é' are 200, not 400 (jansson's
		 * strings are valid UTF-8) */
		long long n = (long long)ecr_str_chars(s, bytes);
		if (sh->has_min && n < sh->min)
			problem(v, path, val, "Member must have length greater than or equal to %lld", sh->min);
		if (sh->has_max && n > sh->max)
			problem(v, path, val, "Member must have length less than or equal to %lld", sh->max);
		/* a NUL (JSON \u0000) would cut the C string every later step sees: it never
		 * satisfies a pattern, and where there is none it is refused by name */
		if (sh->pattern && (strlen(s) != bytes || !ecr_validate_pattern(nd->shape, s)))
			problem(v, path, val, "Member must satisfy regular expression pattern: %s", sh->pattern);
		else if (!sh->pattern && strlen(s) != bytes)
			problem(v, path, val, "Member must not contain NUL characters");
		if (sh->enums)
			check_enum(v, sh, val, path);
		return 0;
	}
	case ECR_T_INTEGER:
	case ECR_T_LONG: {
		if (!json_is_integer(val)) {
			problem(v, path, val, "Member must be an integer");
			return 0;
		}
		long long n = json_integer_value(val);
		if (sh->has_min && n < sh->min)
			problem(v, path, val, "Member must have value greater than or equal to %lld", sh->min);
		if (sh->has_max && n > sh->max)
			problem(v, path, val, "Member must have value less than or equal to %lld", sh->max);
		return 0;
	}
	case ECR_T_BOOLEAN:
		if (!json_is_boolean(val))
			problem(v, path, val, "Member must be a boolean");
		return 0;
	case ECR_T_TIMESTAMP:
	case ECR_T_DOUBLE:
		if (!json_is_number(val))
			problem(v, path, val, "Member must be a number");
		return 0;
	case ECR_T_BLOB:
		if (!json_is_string(val))
			problem(v, path, val, "Member must be a base64 string");
		return 0;
	}
	return 0;
}

int ecr_validate(int shape, json_t *req, struct ecr_err *err)
{
	struct vctx v = {.count = 0};
	ecr_buf_init(&v.msg, 64 * 1024);
	/* every member in the model's order, as the service lists them; list elements as
	 * its "rules.1.member" */
	const struct ecr_walk_visitor walk = {check, &v, ECR_WALK_MODEL_ORDER, "%s.%zu.member", 1};
	if (shape >= 0)
		ecr_model_walk(shape, req, &walk);
	if (!v.count) {
		ecr_buf_release(&v.msg);
		return 0;
	}
	ecr_err_set(err, ECR_E_VALIDATION, "%d validation error%s detected: %s", v.count,
		    v.count == 1 ? "" : "s", v.msg.data ? v.msg.data : "");
	ecr_buf_release(&v.msg);
	return ECR_E_VALIDATION;
}

int ecr_validate_digest_pattern(const char *d)
{
	const char *colon = strchr(d, ':');
	if (!colon || colon == d || !colon[1])
		return 0;
	for (const char *p = d; p < colon; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+.", *p))
			return 0;
	return strspn(colon + 1, "0123456789abcdefABCDEF") == strlen(colon + 1);
}
