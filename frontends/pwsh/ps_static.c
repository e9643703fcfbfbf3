/* [type]::Member and [type]::Method(args): .NET's static members that report scripts
 * use, one row each (Lua's mathlib[]). Math.Round rounds half to even
 * (MidpointRounding.ToEven), as nearbyint does by default. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../config.h"
#include "ps_lang.h"
#include "buf.h"
#include "str.h"

/* what a row asks of its arguments */
enum { ANY, NUMS, STRING1 };

struct member {
	const char *type;   /* "Math": [math] and [System.Math] */
	const char *name;   /* the member, case-insensitive */
	int nargs;          /* how many arguments; -1: one or more */
	int want;           /* NUMS: the first two (those given) are numbers; STRING1: the first is a string */
	/* the value (new reference), or NULL after raising an error */
	json_t *(*fn)(struct ps_sess *s, json_t **args, int n);
};

static json_t *number(double d)
{
	return d == (double)(json_int_t)d && fabs(d) < 9e15 ? json_integer((json_int_t)d) : json_real(d);
}

static double num(json_t **args, int n, int i)
{
	return n > i ? json_number_value(args[i]) : 0;
}

static json_t *math_round(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	double scale = pow(10, num(args, n, 1));
	return number(nearbyint(num(args, n, 0) * scale) / scale);
}

static json_t *math_floor(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	return number(floor(num(args, n, 0)));
}

static json_t *math_ceiling(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	return number(ceil(num(args, n, 0)));
}

static json_t *math_abs(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	return number(fabs(num(args, n, 0)));
}

static json_t *math_max(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	return json_incref(args[num(args, n, 0) < num(args, n, 1)]);
}

static json_t *math_min(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	return json_incref(args[!(num(args, n, 0) < num(args, n, 1))]);
}

static json_t *math_pow(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	return number(pow(num(args, n, 0), num(args, n, 1)));
}

static json_t *math_sqrt(struct ps_sess *s, json_t **args, int n)
{
	(void)s;
	return json_real(sqrt(num(args, n, 0)));
}

static json_t *string_is_null_or_empty(struct ps_sess *s, json_t **args, int n)
{
	(void)s, (void)n;
	return json_boolean(json_is_null(args[0]) || (json_is_string(args[0]) && !json_string_length(args[0])));
}

static json_t *string_is_null_or_white_space(struct ps_sess *s, json_t **args, int n)
{
	(void)s, (void)n;
	const char *t = json_string_value(args[0]);
	while (t && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'))
		t++;
	return json_boolean(json_is_null(args[0]) || (t && !*t));
}

static json_t *string_join(struct ps_sess *s, json_t **args, int n)
{
	(void)n;
	return ps_binop(s, "join", args[1], args[0]);
}

static json_t *string_empty(struct ps_sess *s, json_t **args, int n)
{
	(void)s, (void)args, (void)n;
	return json_string("");
}

/* the clock Get-Date reads ($ECRLITE_NOW when set) */
static json_t *date_now(struct ps_sess *s, json_t **args, int n)
{
	(void)s, (void)args, (void)n;
	return ps_date_new(fe_now(), 0);
}

static json_t *date_utc_now(struct ps_sess *s, json_t **args, int n)
{
	(void)s, (void)args, (void)n;
	return ps_date_new(fe_now(), 1);
}

static json_t *date_today(struct ps_sess *s, json_t **args, int n)
{
	(void)s, (void)args, (void)n;
	json_t *now = ps_date_new(fe_now(), 0), *r = ps_date_member(now, "Date");
	json_decref(now);
	return r;
}

static json_t *date_parse(struct ps_sess *s, json_t **args, int n)
{
	(void)n;
	json_t *r = ps_date_parse(json_string_value(args[0]));
	if (!r)
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1,
			 "Exception calling \"Parse\" with \"1\" argument(s): \"String '%s' was not recognized as a valid DateTime.\"",
			 json_string_value(args[0]));
	return r;
}

/* [System.IO.File]::ReadAllBytes(path): the bytes, as numbers 0-255 (the shell has no
 * byte[] of its own; Send-ECRLayerPart's -LayerPartBlob takes them so), and
 * ReadAllText(path): the file as one string. Errors as .NET words them. */
static json_t *file_read(struct ps_sess *s, json_t **args, int bytes)
{
	const char *path = json_string_value(args[0]);
	FILE *f = fopen(path, "rb");
	if (!f) {
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1,
			 "Exception calling \"%s\" with \"1\" argument(s): \"Could not find file '%s'.\"",
			 bytes ? "ReadAllBytes" : "ReadAllText", path);
		return NULL;
	}
	json_t *r = bytes ? json_array() : NULL;
	struct buf text;
	char chunk[65536];
	size_t n;
	int full = 0;
	size_t total = 0;
	ecr_buf_init(&text, PS_MAX_STRING);
	while (!full && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		/* a byte is a JSON number here (tens of bytes each): files past 32 MiB, more
		 * than a layer part can be (20 MiB), are refused rather than held */
		full |= bytes && (total += n) > ((size_t)32 << 20);
		for (size_t i = 0; bytes && !full && i < n; i++)
			json_array_append_new(r, json_integer((unsigned char)chunk[i]));
		if (!bytes)
			full |= ecr_buf_add(&text, chunk, n);
	}
	fclose(f);
	if (bytes && full) {
		json_decref(r);
		ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1,
			 "Exception calling \"ReadAllBytes\" with \"1\" argument(s): \"'%s' is larger than ecrlite reads into an array (32 MiB).\"", path);
		return NULL;
	}
	if (!bytes) {
		r = full ? NULL : json_stringn(text.data ? text.data : "", text.len);
		ecr_buf_release(&text);
		if (!r)
			ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1,
				 "Exception calling \"ReadAllText\" with \"1\" argument(s): \"'%s' is not UTF-8 text or too large.\"", path);
	}
	return r;
}

static json_t *file_read_all_bytes(struct ps_sess *s, json_t **args, int n)
{
	(void)n;
	return file_read(s, args, 1);
}

static json_t *file_read_all_text(struct ps_sess *s, json_t **args, int n)
{
	(void)n;
	return file_read(s, args, 0);
}

static const struct member members[] = {
	{"Math", "Round", -1, NUMS, math_round},
	{"Math", "Floor", 1, NUMS, math_floor},
	{"Math", "Ceiling", 1, NUMS, math_ceiling},
	{"Math", "Abs", 1, NUMS, math_abs},
	{"Math", "Max", 2, NUMS, math_max},
	{"Math", "Min", 2, NUMS, math_min},
	{"Math", "Pow", 2, NUMS, math_pow},
	{"Math", "Sqrt", 1, NUMS, math_sqrt},
	{"String", "IsNullOrEmpty", 1, ANY, string_is_null_or_empty},
	{"String", "IsNullOrWhiteSpace", 1, ANY, string_is_null_or_white_space},
	{"String", "Join", 2, ANY, string_join},
	{"String", "Empty", 0, ANY, string_empty},
	{"DateTime", "Now", 0, ANY, date_now},
	{"DateTime", "UtcNow", 0, ANY, date_utc_now},
	{"DateTime", "Today", 0, ANY, date_today},
	{"DateTime", "Parse", 1, STRING1, date_parse},
	{"IO.File", "ReadAllBytes", 1, STRING1, file_read_all_bytes},
	{"IO.File", "ReadAllText", 1, STRING1, file_read_all_text},
};

/* [math] or [System.Math] */
static int is_type(const char *written, const char *type)
{
	return !strcasecmp(written, type) || (!strncasecmp(written, "System.", 7) && !strcasecmp(written + 7, type));
}

static int fits(const struct member *r, json_t **args, int n)
{
	if (r->nargs >= 0 ? n != r->nargs : n < 1)
		return 0;
	if (r->want == NUMS)
		return (n < 1 || json_is_number(args[0])) && (n < 2 || json_is_number(args[1]));
	if (r->want == STRING1)
		return json_is_string(args[0]);
	return 1;
}

json_t *ps_static(struct ps_sess *s, const char *member, json_t **args, int n)
{
	const char *m = strstr(member, "::") + 2;
	char type[128];
	if (ecr_str_ncopy(type, sizeof(type), member, (size_t)(m - 2 - member)))
		type[0] = '\0'; /* no type is this long: it matches no row, never a cut name */
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (is_type(type, members[i].type) && !strcasecmp(m, members[i].name) && fits(&members[i], args, n))
			return members[i].fn(s, args, n);
	ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1,
		 "not supported yet: the static member [%s]::%s (with these arguments)", type, m);
	return NULL;
}
