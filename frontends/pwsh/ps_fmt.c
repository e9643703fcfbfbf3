/* The -f operator: .NET composite formatting, "{index[,alignment][:format]}", with
 * {{ and }} for braces. Numbers take the standard formats N, F, D, P, X and E and the
 * custom ones built of 0 # , and . (invariant culture, which the rest of the display
 * follows); DateTimes take their own formats (ps_date.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps_lang.h"

/* digits with "," every three, for N and #,##0 */
static void group(const char *digits, FILE *f)
{
	size_t n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			fputc(',', f);
		fputc(digits[i], f);
	}
}

/* a >= 0 with dec decimals, a tie rounded away from zero as .NET's formatting does
 * (printf would round it to even): the exact decimal expansion, rounded by hand */
static void round_away(double a, int dec, char *out, size_t n)
{
	char exact[512];
	snprintf(exact, sizeof(exact), "%.*f", dec + 40, a); /* glibc prints a double's digits exactly */
	char *dot = strchr(exact, '.');
	size_t keep = (size_t)(dot - exact) + (dec ? (size_t)dec + 1 : 0);
	int up = exact[(size_t)(dot - exact) + 1 + (size_t)dec] >= '5';
	exact[keep] = '\0';
	for (size_t i = keep; up && i-- > 0;) { /* carry */
		if (exact[i] == '.')
			continue;
		if (exact[i] == '9') {
			exact[i] = '0';
		} else {
			exact[i]++;
			up = 0;
		}
	}
	snprintf(out, n, "%s%s", up ? "1" : "", exact);
}

/* d with dec decimals, its integer digits grouped or not; a value that rounds to zero
 * has no sign, as .NET shows -0.001 with N2 as 0.00 */
static void fixed(FILE *f, double d, int dec, int grouped)
{
	char buf[514]; /* round_away's 512, and a carry digit: 1e308 with 100 decimals fits */
	round_away(fabs(d), dec > 100 ? 100 : dec, buf, sizeof(buf));
	if (d < 0 && strspn(buf, "0.") != strlen(buf))
		fputc('-', f);
	char *dot = strchr(buf, '.');
	if (dot)
		*dot = '\0';
	if (grouped)
		group(buf, f);
	else
		fputs(buf, f);
	if (dot)
		fprintf(f, ".%s", dot + 1);
}

static char *number_format(double d, int is_int, const char *spec)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	char kind = spec[0];
	int prec = spec[1] ? atoi(spec + 1) : -1;
	int standard = strchr("NnFfDdPpXxEe", kind) && (!spec[1] || strspn(spec + 1, "0123456789") == strlen(spec + 1));
	if (standard && (kind == 'N' || kind == 'n')) {
		fixed(f, d, prec < 0 ? 2 : prec, 1);
	} else if (standard && (kind == 'F' || kind == 'f')) {
		fixed(f, d, prec < 0 ? 2 : prec, 0);
	} else if (standard && (kind == 'P' || kind == 'p')) {
		fixed(f, d * 100, prec < 0 ? 2 : prec, 1);
		fputs(" %", f);
	} else if (standard && (kind == 'D' || kind == 'd') && is_int) {
		fprintf(f, "%s%0*lld", d < 0 ? "-" : "", prec < 0 ? 1 : prec, (long long)fabs(d));
	} else if (standard && (kind == 'X' || kind == 'x') && is_int) {
		fprintf(f, kind == 'X' ? "%0*llX" : "%0*llx", prec < 0 ? 1 : prec, (unsigned long long)(long long)d);
	} else if (standard && (kind == 'E' || kind == 'e')) {
		char buf[64];
		snprintf(buf, sizeof(buf), kind == 'E' ? "%.*E" : "%.*e", prec < 0 ? 6 : prec, d);
		char *e = strpbrk(buf, "Ee"); /* .NET writes the exponent with three digits */
		if (e) {
			int x = atoi(e + 1);
			sprintf(e + 1, "%c%03d", x < 0 ? '-' : '+', abs(x));
		}
		fputs(buf, f);
	} else if (strspn(spec, "0#,.") == strlen(spec) && *spec) {
		/* custom: decimals from the 0s and #s after '.', grouping when ',' is in the integer part */
		const char *dot = strchr(spec, '.');
		int dec = dot ? (int)strspn(dot + 1, "0#") : 0, req = dot ? (int)strspn(dot + 1, "0") : 0;
		int grouped = strchr(spec, ',') && (!dot || strchr(spec, ',') < dot);
		char *t = NULL;
		size_t tn = 0;
		FILE *g = open_memstream(&t, &tn);
		fixed(g, d, dec, grouped);
		fclose(g);
		char *p = strchr(t, '.');
		if (p) { /* optional (#) decimals drop their trailing zeros */
			char *end = t + strlen(t);
			while (end > p + 1 + req && end[-1] == '0')
				*--end = '\0';
			if (end == p + 1)
				*p = '\0';
		}
		fputs(t, f);
		free(t);
	} else {
		fclose(f);
		free(out);
		return NULL; /* not a number format: the value's own string */
	}
	fclose(f);
	return out;
}

/* one format item's text */
static char *item(json_t *v, const char *spec)
{
	if (spec && *spec) {
		if (ps_is_date(v))
			return ps_date_format(v, spec);
		if (json_is_number(v)) {
			char *t = number_format(json_number_value(v), json_is_integer(v), spec);
			if (t)
				return t;
		}
	}
	return ps_to_string(v ? v : json_null());
}

json_t *ps_format_op(struct ps_sess *s, json_t *fmt_value, json_t *args)
{
	char *fmt = ps_to_string(fmt_value), *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	for (const char *p = fmt; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
			fputc(*p, f);
			p += 2;
		} else if (close && p[1] >= '0' && p[1] <= '9') {
			char *e;
			long k = strtol(p + 1, &e, 10), width = 0;
			if (*e == ',')
				width = strtol(e + 1, &e, 10);
			if (labs(width) >= 1000000) { /* .NET's limit on an alignment */
				fclose(f);
				free(out);
				free(fmt);
				ps_raise(s, "InvalidOperation", PS_E_RUNTIME, NULL, 1,
					 "Error formatting a string: Input string was not in a correct format..");
				return NULL; /* the statement fails, as a FormatException does */
			}
			/* the whole format string: a cut one is another format */
			char *spec = *e == ':' ? strndup(e + 1, (size_t)(close - e - 1)) : NULL;
			char *t = item(json_array_get(args, (size_t)k), spec ? spec : "");
			free(spec);
			int pad = (int)labs(width) - (int)strlen(t);
			fprintf(f, "%*s%s%*s", width > 0 && pad > 0 ? pad : 0, "", t, width < 0 && pad > 0 ? pad : 0, "");
			free(t);
			p = close + 1;
		} else {
			fputc(*p++, f);
		}
	}
	fclose(f);
	json_t *r = json_stringn(out, n);
	free(out);
	free(fmt);
	return r;
}
