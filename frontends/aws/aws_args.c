/* argv → struct aws_cmd and an ECR request, with argparse's rules as the real CLI
 * applies them: global options first, unambiguous prefixes, last repeat wins,
 * unknown options collected and reported together. */
#include <openssl/evp.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws.h"
#include "../lib/fe_utf8.h"

enum kind { K_VALUE, K_FLAG, K_LIST, K_OPTIONAL };

struct gopt {
	const char *name;   /* option without the leading dashes */
	enum kind kind;     /* how many values it takes */
	size_t off;         /* where it goes in struct aws_cmd (const char * or int) */
};

#define O(f) offsetof(struct aws_cmd, f)
/* The real CLI's global options, in its own order (argparse prefix matching runs over
 * these before the operation's options). Options we accept but have no use for
 * locally are stored in `ignored`. */
static const char *ignored;
static const struct gopt globals[] = {
	{"debug", K_FLAG, O(debug)},
	{"endpoint-url", K_VALUE, O(endpoint_url)},
	{"no-verify-ssl", K_FLAG, O(no_verify_ssl)},
	{"no-paginate", K_FLAG, O(no_paginate)},
	{"output", K_VALUE, O(output)},
	{"query", K_VALUE, O(query)},
	{"profile", K_VALUE, O(profile)},
	{"region", K_VALUE, O(region)},
	{"version", K_FLAG, O(version)},
	{"color", K_VALUE, O(color)},
	{"no-sign-request", K_FLAG, (size_t)-1},
	{"ca-bundle", K_VALUE, O(ca_bundle)},
	{"cli-read-timeout", K_VALUE, O(read_timeout)},
	{"cli-connect-timeout", K_VALUE, O(connect_timeout)},
	{"cli-binary-format", K_VALUE, (size_t)-2},
	{"no-cli-pager", K_FLAG, (size_t)-1},
	{"cli-auto-prompt", K_FLAG, (size_t)-1},
	{"no-cli-auto-prompt", K_FLAG, (size_t)-1},
};
#define NGLOBALS (sizeof(globals) / sizeof(globals[0]))

/* An operation's option: a model member, or one of the CLI's own per-op options. */
struct oopt {
	char name[80];               /* kebab-case, without dashes */
	enum kind kind;              /* values it takes */
	const struct ecr_member *m;  /* model member, or NULL */
	int negated;                 /* the --no-X form of a boolean */
	size_t off;                  /* for the CLI's own options */
};

void aws_kebab(const char *name, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; name[i] && o + 2 < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isupper(c)) {
			int prev_lower = i > 0 && (islower((unsigned char)name[i - 1]) || isdigit((unsigned char)name[i - 1]));
			int next_lower = name[i + 1] && islower((unsigned char)name[i + 1]);
			if (i > 0 && (prev_lower || (next_lower && isupper((unsigned char)name[i - 1]))))
				out[o++] = '-';
			out[o++] = (char)tolower(c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

static size_t op_options(const struct ecr_op_model *op, struct oopt *out, size_t max)
{
	size_t n = 0;
	if (op && op->input >= 0) {
		const struct ecr_shape *in = &ecr_shapes[op->input];
		for (int i = 0; i < in->nmembers && n + 2 < max; i++) {
			const struct ecr_member *m = &in->members[i];
			enum ecr_type t = ecr_shapes[m->shape].type;
			struct oopt *o = &out[n++];
			memset(o, 0, sizeof(*o));
			aws_kebab(m->name, o->name, sizeof(o->name));
			o->m = m;
			o->kind = t == ECR_T_BOOLEAN ? K_FLAG : t == ECR_T_LIST ? K_LIST : K_VALUE;
			if (t == ECR_T_BOOLEAN) {
				struct oopt *no = &out[n++];
				*no = *o;
				memmove(no->name + 3, no->name, sizeof(no->name) - 3);
				no->name[sizeof(no->name) - 1] = '\0';
				memcpy(no->name, "no-", 3);
				no->negated = 1;
			}
		}
	}
	static const struct { const char *name; enum kind kind; size_t off; } own[] = {
		{"cli-input-json", K_VALUE, O(cli_input_json)},
		{"cli-input-yaml", K_VALUE, O(cli_input_yaml)},
		{"starting-token", K_VALUE, O(starting_token)},
		{"page-size", K_VALUE, O(page_size)},
		{"max-items", K_VALUE, O(max_items)},
		{"generate-cli-skeleton", K_OPTIONAL, O(skeleton)},
	};
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]) && n < max; i++) {
		if (i >= 2 && i <= 4 && (!op || !op->pager))
			continue; /* paging options exist only on paginated operations */
		struct oopt *o = &out[n++];
		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", own[i].name);
		o->kind = own[i].kind;
		o->off = own[i].off;
	}
	return n;
}

/* argparse: something starting with '-' is an option unless it is a negative number
 * or has a space in it ("- a", a YAML list, is a value: no option has a space). */
static int looks_like_option(const char *a)
{
	if (a[0] != '-' || !a[1] || strchr(a, ' '))
		return 0;
	const char *p = a + 1;
	int digits = 0, dot = 0;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			return 1;
	}
	return !digits;
}

struct pending {                 /* an op option's raw values, resolved after parsing */
	const struct oopt *o;        /* which option */
	char **vals;                 /* its values (borrowed from argv) */
	int nvals;                   /* how many */
};

static int match(const char *given, size_t glen, const char *const *names, size_t n, size_t stride,
		 size_t *idx, struct buf *amb)
{
	size_t hits = 0, hit = 0;
	for (size_t i = 0; i < n; i++) {
		const char *nm = *(const char *const *)((const char *)names + i * stride);
		if (strlen(nm) == glen && !strncmp(nm, given, glen)) {
			*idx = i;
			return 1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *nm = *(const char *const *)((const char *)names + i * stride);
		if (!strncmp(nm, given, glen)) {
			if (hits)
				ecr_buf_addstr(amb, ", ");
			ecr_buf_printf(amb, "--%s", nm);
			hits++;
			hit = i;
		}
	}
	if (hits == 1) {
		*idx = hit;
		return 1;
	}
	return hits > 1 ? -1 : 0;
}

/* Loads file:// and fileb:// values as the CLI's paramfile handling does. */
static int load_paramfile(const char *opt, const char *v, char **out, size_t *len)
{
	const char *path = NULL;
	*out = NULL;
	*len = 0;
	if (!strncmp(v, "file://", 7))
		path = v + 7;
	else if (!strncmp(v, "fileb://", 8))
		path = v + 8;
	if (!path)
		return 0;
	/* opened without blocking, then checked: a FIFO or a device other than our own
	 * stdin (file:///dev/stdin stays allowed) would block or never end */
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	struct stat st, in;
	FILE *f = NULL;
	if (fd >= 0 && !fstat(fd, &st) && !S_ISREG(st.st_mode) &&
	    (fstat(0, &in) || in.st_dev != st.st_dev || in.st_ino != st.st_ino)) {
		close(fd);
		fprintf(stderr, "\nError parsing parameter '%s': Unable to load paramfile %s: '%s' is not a regular file\n", opt, v,
			path);
		return AWS_EXIT_PARAM;
	}
	if (fd >= 0 && !(f = fdopen(fd, "rb")))
		close(fd);
	if (f) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	if (!f) {
		int e = errno;
		fprintf(stderr, "\nError parsing parameter '%s': Unable to load paramfile %s: [Errno %d] %s: '%s'\n",
			opt, v, e, e == ENOENT ? "No such file or directory" : strerror(e), path);
		return AWS_EXIT_PARAM;
	}
	struct buf b;
	char chunk[8192];
	size_t n;
	ecr_buf_init(&b, 64u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ecr_buf_add(&b, chunk, n)) {
			fclose(f);
			fprintf(stderr, "\nError parsing parameter '%s': paramfile %s is too large\n", opt, v);
			return AWS_EXIT_PARAM;
		}
	fclose(f);
	*len = b.len;
	*out = ecr_buf_detach(&b);
	return 0;
}

static int json_error(const char *opt, const char *v, json_error_t *je)
{
	char why[512];
	/* the CLI shows Python's words; jansson's are the fallback */
	if (!aws_pyjson_error(v, why, sizeof(why)))
		snprintf(why, sizeof(why), "%s: line %d column %d (char %d)", je->text, je->line, je->column, je->position);
	fprintf(stderr, "\nError parsing parameter '%s': Invalid JSON: %s\nJSON received: %s\n", opt, why, v);
	return AWS_EXIT_PARAM;
}

static const char *lstrip(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* One value for a member of shape `shape`: JSON, shorthand or a plain scalar. */
static int convert(const char *opt, int shape, const char *raw, json_t **out)
{
	const struct ecr_shape *sh = &ecr_shapes[shape];
	char *file = NULL;
	size_t flen = 0;
	int rc = load_paramfile(opt, raw, &file, &flen);
	const char *v = file ? file : raw;
	char *fixed = NULL;
	size_t fixed_len;
	*out = NULL;
	if (rc)
		return rc;
	/* bytes that are not UTF-8 read as Python reads them (one character each), never as
	 * a value that vanishes; fileb:// bytes stay bytes */
	if (strncmp(raw, "fileb://", 8) && fe_utf8_repair(v, strlen(v), &fixed, &fixed_len) > 0)
		v = fixed;
	switch (sh->type) {
	case ECR_T_STRUCT:
	case ECR_T_MAP:
	case ECR_T_LIST: {
		const char *t = lstrip(v);
		if ((sh->type != ECR_T_LIST && *t == '{') || (sh->type == ECR_T_LIST && *t == '[')) {
			json_error_t je;
			*out = json_loads(v, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
			if (!*out)
				rc = json_error(opt, v, &je);
		} else if (sh->type == ECR_T_LIST) {
			json_t *e = NULL;
			rc = convert(opt, sh->member, v, &e);
			if (!rc) {
				*out = json_array();
				json_array_append_new(*out, e);
			}
		} else {
			char *msg = NULL;
			*out = aws_shorthand_parse(v, &msg);
			if (!*out) {
				fprintf(stderr, "\nError parsing parameter '%s': %s\n", opt, msg);
				free(msg);
				rc = AWS_EXIT_PARAM;
			} else {
				aws_shorthand_coerce(out, shape);
			}
		}
		break;
	}
	case ECR_T_INTEGER:
	case ECR_T_LONG: {
		char *end;
		const char *t = lstrip(v);
		errno = 0;
		long long n = strtoll(t, &end, 10);
		while (*end == ' ' || *end == '\n' || *end == '\t')
			end++;
		if (!*t || *end || errno) {
			fprintf(stderr, "\ninvalid literal for int() with base 10: '%s'\n", v);
			rc = AWS_EXIT_CLIENT;
		} else {
			*out = json_integer(n);
		}
		break;
	}
	case ECR_T_DOUBLE:
		*out = json_real(strtod(v, NULL));
		break;
	case ECR_T_BOOLEAN:
		*out = json_boolean(!strcasecmp(v, "true"));
		break;
	case ECR_T_BLOB:
		/* fileb:// bytes go out base64-encoded, as botocore serializes a blob; any
		 * other value is taken as base64 already (the CLI's cli_binary_format) */
		if (file && !strncmp(raw, "fileb://", 8)) {
			char *b64 = malloc(4 * ((flen + 2) / 3) + 1);
			if (b64) {
				EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)file, (int)flen);
				*out = json_string(b64);
				free(b64);
			}
		} else {
			*out = json_string(v);
		}
		break;
	default:
		*out = json_string(v);
		break;
	}
	free(fixed);
	free(file);
	return rc;
}

static int build_value(const struct pending *p, json_t **out)
{
	const struct ecr_member *m = p->o->m;
	const struct ecr_shape *sh = &ecr_shapes[m->shape];
	char opt[96];
	snprintf(opt, sizeof(opt), "--%s", p->o->name);
	if (sh->type == ECR_T_BOOLEAN) {
		*out = json_boolean(!p->o->negated);
		return 0;
	}
	if (sh->type != ECR_T_LIST)
		return convert(opt, m->shape, p->vals[0], out);
	/* A list: one JSON array, or each value an element. */
	if (p->nvals == 1) {
		char *file = NULL;
		size_t flen_unused;
		int rc = load_paramfile(opt, p->vals[0], &file, &flen_unused);
		if (rc)
			return rc;
		const char *v = file ? file : p->vals[0];
		if (*lstrip(v) == '[') {
			json_error_t je;
			*out = json_loads(v, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
			rc = *out ? 0 : json_error(opt, v, &je);
			free(file);
			return rc;
		}
		free(file);
	}
	*out = json_array();
	for (int i = 0; i < p->nvals; i++) {
		json_t *e = NULL;
		int rc = convert(opt, sh->member, p->vals[i], &e);
		if (rc) {
			json_decref(*out);
			*out = NULL;
			return rc;
		}
		json_array_append_new(*out, e);
	}
	return 0;
}

static const char *const *op_choices(void)
{
	static const char *choices[64];
	int n = 0;
	for (int i = 0; i < ecr_nop_models && n < 60; i++)
		choices[n++] = ecr_op_models[i].cli_name;
	choices[n++] = "get-login-password";
	choices[n++] = "wait";
	choices[n++] = "help";
	choices[n] = NULL;
	return choices;
}

/* Python's type() of a loaded document that is not a map, as the CLI names it */
static int not_a_map(const char *cli_name, json_t *v)
{
	const char *t = json_is_array(v) ? "list" : json_is_string(v) ? "str" : json_is_integer(v) ? "int"
			: json_is_real(v) ? "float" : json_is_boolean(v) ? "bool" : "NoneType";
	return aws_plain_error(AWS_EXIT_PARAM, "Error parsing parameter '%s': Invalid type: expecting map, received <class '%s'>",
			       cli_name, t);
}

static int cli_input(struct aws_cmd *cmd, json_t **out)
{
	const char *v = cmd->cli_input_json;
	char *file = NULL;
	size_t flen_unused;
	*out = NULL;
	if (!v && cmd->cli_input_yaml) {
		char why[300];
		int rc = load_paramfile("cli-input-yaml", cmd->cli_input_yaml, &file, &flen_unused);
		if (rc)
			return rc;
		*out = aws_yaml_load(file ? file : cmd->cli_input_yaml, why, sizeof(why));
		free(file);
		if (!*out)
			return aws_plain_error(AWS_EXIT_PARAM, "Error parsing parameter 'cli-input-yaml': Invalid YAML received: %s",
					       why);
		if (!json_is_object(*out)) {
			rc = not_a_map("--cli-input-yaml", *out);
			json_decref(*out);
			*out = NULL;
			return rc;
		}
		return 0;
	}
	if (!v)
		return 0;
	int rc = load_paramfile("cli-input-json", v, &file, &flen_unused);
	if (rc)
		return rc;
	/* Python's json (the CLI's) takes \u0000 in a string: validation refuses the value */
	*out = json_loads(file ? file : v, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);
	free(file);
	if (!*out)
		return aws_plain_error(AWS_EXIT_PARAM, "Error parsing parameter 'cli-input-json': Invalid JSON received.");
	if (!json_is_object(*out)) {
		rc = not_a_map("--cli-input-json", *out);
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* What one pass over argv collects, for the checks and the request that follow. */
struct argscan {
	struct oopt oopts[128];      /* the operation's options, once it is known */
	size_t noopts;
	struct pending pend[128];    /* op options given, in argv order */
	char *eqvals[128];           /* --opt=value: the text after '=', one per pending */
	int npend;
	struct buf unknown;          /* options and words nobody takes, reported together */
	struct buf amb;              /* an ambiguous prefix's candidates */
	char **positional;           /* service, operation, waiter name or "help", extras */
	int npos;
};

static void add_unknown(struct argscan *s, const char *a)
{
	ecr_buf_printf(&s->unknown, "%s%s", s->unknown.len ? ", " : "", a);
}

/* A word that is not an option. The operation (or the waiter) decides which options
 * exist from here on. */
static void take_positional(struct aws_cmd *cmd, struct argscan *s, char *a)
{
	s->positional[s->npos++] = a;
	if (s->npos == 2 && !cmd->op) {
		cmd->op = ecr_model_op_cli(a);
		s->noopts = op_options(cmd->op, s->oopts, 128);
	}
	if (s->npos == 3 && !strcmp(s->positional[1], "wait"))
		for (int w = 0; w < ecr_nwaiters; w++)
			if (!strcmp(ecr_waiters[w].cli_name, a)) {
				cmd->waiter = a;
				cmd->op = ecr_model_op(ecr_waiters[w].operation);
				s->noopts = op_options(cmd->op, s->oopts, 128);
			}
}

/* A global option's value (the next word unless given with '='), stored in cmd. */
static int take_global(struct aws_cmd *cmd, const struct gopt *go, const char *eq, int argc, char **argv, int *i)
{
	if (go->kind == K_FLAG) {
		if (go->off != (size_t)-1)
			*(int *)((char *)cmd + go->off) = 1;
		return 0;
	}
	const char *val = eq ? eq + 1 : NULL;
	if (!val) {
		if (*i + 1 >= argc || looks_like_option(argv[*i + 1]))
			return aws_usage_error("argument --%s: expected one argument", go->name);
		val = argv[++*i];
	}
	if (go->off == (size_t)-2)
		ignored = val;
	else
		*(const char **)((char *)cmd + go->off) = val;
	return 0;
}

/* The operation's option that name[0..glen) names, exactly or as its only prefix:
 * 1 with *idx, 0 for none, -1 ambiguous (the candidates in s->amb). */
static int match_op_option(struct argscan *s, const char *name, size_t glen, size_t *idx)
{
	size_t hits = 0;
	for (size_t k = 0; k < s->noopts; k++)
		if (strlen(s->oopts[k].name) == glen && !strncmp(s->oopts[k].name, name, glen)) {
			*idx = k;
			return 1;
		}
	s->amb.len = 0;
	for (size_t k = 0; k < s->noopts; k++)
		if (!strncmp(s->oopts[k].name, name, glen)) {
			ecr_buf_printf(&s->amb, "%s--%s", hits ? ", " : "", s->oopts[k].name);
			hits++, *idx = k;
		}
	return hits > 1 ? -1 : (int)hits;
}

/* An operation option at argv[*i]: the CLI's own are stored in cmd at once; model
 * members keep their raw words as a pending value, converted once all are known. */
static int take_op_option(struct aws_cmd *cmd, struct argscan *s, struct oopt *op, const char *eq, int argc,
			  char **argv, int *i)
{
	struct pending *pd = &s->pend[s->npend];
	if (op->kind == K_FLAG) {
		*pd = (struct pending){.o = op};
		if (s->npend < 127)
			s->npend++;
		return 0;
	}
	if (!op->m) {
		const char *val = eq ? eq + 1 : NULL;
		if (!val && *i + 1 < argc && !looks_like_option(argv[*i + 1]))
			val = argv[++*i];
		if (!val && op->kind == K_OPTIONAL)
			val = "input";
		if (!val)
			return aws_usage_error("argument --%s: expected one argument", op->name);
		*(const char **)((char *)cmd + op->off) = val;
		return 0;
	}
	*pd = (struct pending){.o = op, .vals = &argv[*i + 1]};
	if (eq) {
		s->eqvals[s->npend] = (char *)(eq + 1);
		pd->vals = &s->eqvals[s->npend];
		pd->nvals = 1;
	} else if (op->kind == K_LIST) {
		while (*i + 1 < argc && !looks_like_option(argv[*i + 1])) {
			pd->nvals++;
			++*i;
		}
		if (!pd->nvals)
			return aws_usage_error("argument --%s: expected at least one argument", op->name);
	} else {
		if (*i + 1 >= argc || looks_like_option(argv[*i + 1]))
			return aws_usage_error("argument --%s: expected one argument", op->name);
		pd->nvals = 1;
		++*i;
	}
	if (s->npend < 127)
		s->npend++;
	return 0;
}

/* The pass over argv: global options (prefix-matched first), then the operation's. */
static int scan_argv(struct aws_cmd *cmd, struct argscan *s, int argc, char **argv)
{
	int rc;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (!looks_like_option(a) || !strncmp(a, "---", 3) || a[1] != '-') {
			if (looks_like_option(a))
				add_unknown(s, a);
			else
				take_positional(cmd, s, a);
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t glen = eq ? (size_t)(eq - name) : strlen(name);
		size_t idx = 0;
		s->amb.len = 0;
		int g = match(name, glen, &globals[0].name, NGLOBALS, sizeof(globals[0]), &idx, &s->amb);
		if (!g)
			g = 2 * match_op_option(s, name, glen, &idx);
		if (g < 0)
			return aws_usage_error("ambiguous option: --%.*s could match %s", (int)glen, name, s->amb.data);
		if (g == 1)
			rc = take_global(cmd, &globals[idx], eq, argc, argv, &i);
		else if (g == 2)
			rc = take_op_option(cmd, s, &s->oopts[idx], eq, argc, argv, &i);
		else
			add_unknown(s, a), rc = 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* Service, operation, then a waiter name or "help"; *extra_from: the first word that
 * nobody takes (reported with the unknown options). */
static int check_positionals(struct aws_cmd *cmd, struct argscan *s, int *extra_from)
{
	if (s->npos < 1)
		return aws_usage_error("the following arguments are required: command");
	cmd->service = s->positional[0];
	if (strcmp(cmd->service, "ecr")) {
		/* every service the real CLI knows is a valid choice; ecrlite answers for
		 * ecr, and says so for the others */
		if (!strcmp(cmd->service, "help")) /* the real CLI's top-level manual covers every service: point at ours */
			return aws_plain_error(AWS_EXIT_PARAM, "ecrlite: only the ecr service is served here; see 'aws ecr help' "
							       "and 'aws ecr OPERATION help'");
		for (const char *const *sv = aws_services; *sv; sv++)
			if (!strcmp(*sv, cmd->service))
				return aws_plain_error(AWS_EXIT_PARAM, "ecrlite: only the ecr service is served here, not '%s'",
						       cmd->service);
		return aws_invalid_choice("command", aws_services, cmd->service);
	}
	if (s->npos < 2)
		return aws_usage_error("the following arguments are required: operation");
	cmd->operation = s->positional[1];
	*extra_from = 2;
	if (!cmd->op && strcmp(cmd->operation, "wait") && strcmp(cmd->operation, "help") &&
	    strcmp(cmd->operation, "get-login-password"))
		return aws_invalid_choice("operation", op_choices(), cmd->operation);
	if (!strcmp(cmd->operation, "wait")) {
		if (s->npos < 3) {
			fprintf(stderr, "\nusage: aws [options] ecr wait <subcommand> [parameters]\naws: error: too few arguments\n");
			return AWS_EXIT_PARAM;
		}
		if (!cmd->waiter) {
			static const char *wn[16];
			int k = 0;
			/* the real CLI lists the waiters only, no "help" */
			for (int w = 0; w < ecr_nwaiters && k < 15; w++)
				wn[k++] = ecr_waiters[w].cli_name;
			wn[k] = NULL;
			return aws_invalid_choice("subcommand", wn, s->positional[2]);
		}
		*extra_from = 3;
	}
	if (s->npos > *extra_from && !strcmp(s->positional[*extra_from], "help")) {
		cmd->help = 1;
		++*extra_from;
	}
	return 0;
}

/* The model's required members, unless the input comes from --cli-input-* or a
 * skeleton is asked for. */
static int check_required(struct aws_cmd *cmd, const struct argscan *s)
{
	if (!cmd->op || cmd->op->input < 0 || cmd->cli_input_json || cmd->cli_input_yaml ||
	    (cmd->skeleton && strcmp(cmd->skeleton, "output")))
		return 0;
	const struct ecr_shape *in = &ecr_shapes[cmd->op->input];
	struct buf req;
	int rc = 0;
	ecr_buf_init(&req, 1 << 16);
	for (int k = 0; k < in->nmembers; k++) {
		int have = 0;
		for (int j = 0; in->members[k].required && j < s->npend; j++)
			have |= s->pend[j].o->m == &in->members[k];
		if (in->members[k].required && !have) {
			char kb[80];
			aws_kebab(in->members[k].name, kb, sizeof(kb));
			ecr_buf_printf(&req, "%s--%s", req.len ? ", " : "", kb);
		}
	}
	if (req.len)
		rc = aws_usage_error("the following arguments are required: %s", req.data);
	ecr_buf_release(&req);
	return rc;
}

/* The CLI's own options with a fixed form: argparse ints, the skeleton's choices. */
static int check_own_options(const struct aws_cmd *cmd)
{
	const char *ints[] = {cmd->max_items, cmd->page_size};
	const char *names[] = {"--max-items", "--page-size"};
	for (int k = 0; k < 2; k++) {
		char *end;
		if (!ints[k])
			continue;
		strtol(ints[k], &end, 10);
		if (!*ints[k] || *end)
			return aws_usage_error("argument %s: invalid int value: '%s'", names[k], ints[k]);
	}
	if (cmd->skeleton && strcmp(cmd->skeleton, "input") && strcmp(cmd->skeleton, "output") &&
	    strcmp(cmd->skeleton, "yaml-input")) {
		static const char *const sk[] = {"input", "output", "yaml-input", NULL};
		return aws_invalid_choice("--generate-cli-skeleton", sk, cmd->skeleton);
	}
	return 0;
}

/* Paging turned off (--no-paginate, or the operation's own nextToken or maxResults
 * option, which the CLI takes as a manual page) with the CLI's paging options given:
 * the CLI's ParamValidationError, naming those that are set (a zero or empty one is
 * not, as Python's truth says). */
static int check_no_paginate(const struct aws_cmd *cmd, const struct argscan *s)
{
	const struct ecr_paginator *pg = cmd->op ? cmd->op->pager : NULL;
	int off = cmd->no_paginate;
	char used[80] = "";
	if (!pg)
		return 0;
	for (int j = 0; j < s->npend; j++)
		if (!strcmp(s->pend[j].o->m->name, pg->input_token) ||
		    (pg->limit_key && !strcmp(s->pend[j].o->m->name, pg->limit_key)))
			off = 1;
	if (!off)
		return 0;
	if (cmd->starting_token && *cmd->starting_token)
		strcat(used, "--starting-token");
	if (cmd->page_size && atol(cmd->page_size))
		strcat(used, *used ? ", --page-size" : "--page-size");
	if (cmd->max_items && atol(cmd->max_items))
		strcat(used, *used ? ", --max-items" : "--max-items");
	if (!*used)
		return 0;
	return aws_plain_error(AWS_EXIT_PARAM, "Cannot specify --no-paginate along with pagination arguments: %s", used);
}

/* The request: --cli-input-json first, options over it, in model member order;
 * members unknown to the model stay, for validation to report. */
static int build_request(struct aws_cmd *cmd, const struct argscan *s)
{
	json_t *base = NULL;
	int rc;
	if ((rc = cli_input(cmd, &base)))
		return rc;
	json_t *given = json_object();
	for (int j = 0; j < s->npend; j++) {
		json_t *v = NULL;
		if ((rc = build_value(&s->pend[j], &v))) {
			json_decref(given);
			json_decref(base);
			return rc;
		}
		json_object_set_new(given, s->pend[j].o->m->name, v);
	}
	cmd->req = json_object();
	if (cmd->op->input >= 0) {
		const struct ecr_shape *in = &ecr_shapes[cmd->op->input];
		for (int k = 0; k < in->nmembers; k++) {
			const char *mn = in->members[k].name;
			json_t *v = json_object_get(given, mn);
			if (!v)
				v = json_object_get(base, mn);
			if (v)
				json_object_set(cmd->req, mn, v);
		}
		const char *k;
		json_t *v;
		json_object_foreach(base, k, v)
			if (!ecr_model_member(in, k))
				json_object_set(cmd->req, k, v);
	}
	const struct ecr_paginator *pg = cmd->op->pager;
	if (pg && (json_object_get(given, pg->input_token) || (pg->limit_key && json_object_get(cmd->req, pg->limit_key))))
		cmd->explicit_paging = 1;
	json_decref(given);
	json_decref(base);
	return 0;
}

int aws_parse(struct aws_cmd *cmd, int argc, char **argv)
{
	struct argscan *s = calloc(1, sizeof(*s));
	int rc = 0, extra_from = 2;
	if (!s || !(s->positional = calloc((size_t)argc + 1, sizeof(char *)))) {
		free(s);
		return aws_plain_error(AWS_EXIT_PARAM, "out of memory");
	}
	ecr_buf_init(&s->unknown, 1 << 16);
	ecr_buf_init(&s->amb, 1 << 16);
	if ((rc = scan_argv(cmd, s, argc, argv)) || cmd->version)
		goto out;
	if ((rc = check_positionals(cmd, s, &extra_from)) || cmd->help || !strcmp(cmd->operation, "help"))
		goto out;
	if ((rc = check_required(cmd, s)))
		goto out;
	for (int k = extra_from; k < s->npos; k++)
		add_unknown(s, s->positional[k]);
	if (s->unknown.len) {
		rc = aws_unknown_options(s->unknown.data);
		goto out;
	}
	if ((rc = check_own_options(cmd)) || (rc = check_no_paginate(cmd, s)))
		goto out;
	if (!cmd->op) /* get-login-password is the CLI's own command: no model input */
		cmd->req = json_object();
	else
		rc = build_request(cmd, s);
out:
	(void)ignored;
	free(s->positional);
	ecr_buf_release(&s->unknown);
	ecr_buf_release(&s->amb);
	free(s);
	return rc;
}
