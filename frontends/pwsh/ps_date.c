#define _XOPEN_SOURCE 700 /* strptime */
/* DateTime and TimeSpan values: {"\001type": "System.DateTime", "\001t": seconds since
 * the epoch, "\001utc": true when ToUniversalTime made it UTC}. The SDK's timestamps
 * (ImagePushedAt, ImageScanCompletedAt, …) and Get-Date make them; they compare, subtract
 * into TimeSpans, take AddDays()… and format with .NET's custom format strings. Shown as
 * MM/dd/yyyy HH:mm:ss in the local zone (README: the [verify] choice for DateTime). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ps_lang.h"

#define DATE_TYPE "System.DateTime"
#define SPAN_TYPE "System.TimeSpan"

json_t *ps_date_new(double t, int utc)
{
	json_t *d = json_pack("{s:s, s:f}", PS_TYPE_KEY, DATE_TYPE, "\001t", t);
	if (utc)
		json_object_set_new(d, "\001utc", json_true());
	return d;
}

int ps_is_date(json_t *v)
{
	const char *t = ps_type_name(v);
	return t && !strcmp(t, DATE_TYPE);
}

double ps_date_time(json_t *v)
{
	return json_number_value(json_object_get(v, "\001t"));
}

static void broken_down(json_t *d, struct tm *tm)
{
	time_t t = (time_t)floor(ps_date_time(d));
	if (json_is_true(json_object_get(d, "\001utc")))
		gmtime_r(&t, tm);
	else
		localtime_r(&t, tm);
}

/* "+01:00", or "Z" for a UTC value: .NET's K */
static void offset(json_t *d, const struct tm *tm, char *out, size_t n)
{
	if (json_is_true(json_object_get(d, "\001utc"))) {
		snprintf(out, n, "Z");
		return;
	}
	long off = tm->tm_gmtoff;
	/* an offset is under a day: two digits each */
	snprintf(out, n, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(labs(off) / 3600 % 24), (int)(labs(off) % 3600 / 60));
}

/* .NET custom date format: yyyy yy MMMM MMM MM M dddd ddd dd d HH H hh h mm m ss s
 * fff ff f tt K zzz, 'quoted' text, \c; anything else as itself */
char *ps_date_format(json_t *d, const char *fmt)
{
	/* one letter is a standard format: the invariant culture's, which the display
	 * (MM/dd/yyyy HH:mm:ss, its G) follows too */
	static const char *const standard[][2] = {
		{"d", "MM/dd/yyyy"}, {"D", "dddd, dd MMMM yyyy"}, {"t", "HH:mm"}, {"T", "HH:mm:ss"},
		{"g", "MM/dd/yyyy HH:mm"}, {"G", "MM/dd/yyyy HH:mm:ss"}, {"s", "yyyy-MM-ddTHH:mm:ss"},
		{"o", "yyyy-MM-ddTHH:mm:ss.fffffffK"}, {"O", "yyyy-MM-ddTHH:mm:ss.fffffffK"}, {"u", "yyyy-MM-dd HH:mm:ssZ"},
		{"f", "dddd, dd MMMM yyyy HH:mm"}, {"F", "dddd, dd MMMM yyyy HH:mm:ss"}};
	for (size_t i = 0; strlen(fmt) == 1 && i < sizeof(standard) / sizeof(standard[0]); i++)
		if (fmt[0] == standard[i][0][0])
			fmt = standard[i][1];
	static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July",
					     "August", "September", "October", "November", "December"};
	static const char *const days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
	struct tm tm;
	broken_down(d, &tm);
	double t = ps_date_time(d);
	int ms = (int)((t - floor(t)) * 1000 + 0.5) % 1000;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	for (const char *p = fmt; *p;) {
		size_t k = 1;
		while (p[k] == p[0])
			k++;
		char c = *p;
		if (c == '\'' || c == '"') {
			const char *e = strchr(p + 1, c);
			size_t len = e ? (size_t)(e - p - 1) : strlen(p + 1);
			fwrite(p + 1, 1, len, f);
			p += len + (e ? 2 : 1);
			continue;
		}
		if (c == '\\' && p[1]) {
			fputc(p[1], f);
			p += 2;
			continue;
		}
		switch (c) {
		case 'y': fprintf(f, k <= 2 ? "%02d" : "%04d", k <= 2 ? tm.tm_year % 100 : tm.tm_year + 1900); break;
		case 'M': k >= 4 ? fputs(months[tm.tm_mon], f) : k == 3 ? fprintf(f, "%.3s", months[tm.tm_mon]) :
			  fprintf(f, k == 2 ? "%02d" : "%d", tm.tm_mon + 1); break;
		case 'd': k >= 4 ? fputs(days[tm.tm_wday], f) : k == 3 ? fprintf(f, "%.3s", days[tm.tm_wday]) :
			  fprintf(f, k == 2 ? "%02d" : "%d", tm.tm_mday); break;
		case 'H': fprintf(f, k >= 2 ? "%02d" : "%d", tm.tm_hour); break;
		case 'h': fprintf(f, k >= 2 ? "%02d" : "%d", tm.tm_hour % 12 ? tm.tm_hour % 12 : 12); break;
		case 'm': fprintf(f, k >= 2 ? "%02d" : "%d", tm.tm_min); break;
		case 's': fprintf(f, k >= 2 ? "%02d" : "%d", tm.tm_sec); break;
		case 'f': fprintf(f, "%0*d%.*s", (int)(k > 3 ? 3 : k), k == 1 ? ms / 100 : k == 2 ? ms / 10 : ms,
				  (int)(k > 3 ? k - 3 : 0), "0000"); break;
		case 't': fputs(k >= 2 ? (tm.tm_hour < 12 ? "AM" : "PM") : (tm.tm_hour < 12 ? "A" : "P"), f); break;
		case 'K':
		case 'z': {
			char o[16];
			offset(d, &tm, o, sizeof(o));
			fputs(c == 'z' && !strcmp(o, "Z") ? "+00:00" : o, f);
			break;
		}
		default: fwrite(p, 1, k, f);
		}
		p += k;
	}
	fclose(f);
	return out;
}

/* Get-Date -UFormat: strftime's specifiers, %s the epoch seconds as PowerShell gives them */
char *ps_date_uformat(json_t *d, const char *fmt)
{
	struct tm tm;
	broken_down(d, &tm);
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			fputc(*p, f);
			continue;
		}
		p++;
		if (*p == 's') {
			fprintf(f, "%lld", (long long)floor(ps_date_time(d)));
			continue;
		}
		char spec[3] = {'%', *p, 0}, buf[128];
		strftime(buf, sizeof(buf), spec, &tm);
		fputs(buf, f);
	}
	fclose(f);
	return out;
}

/* An ISO 8601 or MM/dd/yyyy [HH:mm:ss] text as a DateTime; NULL when it is neither */
json_t *ps_date_parse(const char *s)
{
	struct tm tm = {0};
	const char *e;
	int utc = 0;
	if ((e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) || (e = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) ||
	    (e = strptime(s, "%m/%d/%Y %H:%M:%S", &tm))) {
		double frac = 0;
		if (*e == '.') {
			char *end;
			frac = strtod(e, &end);
			e = end;
		}
		if (*e == 'Z' || !strncmp(e, "+00:00", 6))
			utc = 1, e += *e == 'Z' ? 1 : 6;
		if (*e)
			return NULL;
		tm.tm_isdst = -1;
		return ps_date_new((double)(utc ? timegm(&tm) : mktime(&tm)) + frac, 0);
	}
	memset(&tm, 0, sizeof(tm));
	if (((e = strptime(s, "%Y-%m-%d", &tm)) || (e = strptime(s, "%m/%d/%Y", &tm))) && !*e) {
		tm.tm_isdst = -1;
		return ps_date_new((double)mktime(&tm), 0);
	}
	return NULL;
}

static json_t *span(double secs)
{
	double a = fabs(secs);
	long long whole = (long long)floor(a);
	int sign = secs < 0 ? -1 : 1;
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f}", PS_TYPE_KEY, SPAN_TYPE,
			 "Days", (json_int_t)(sign * (whole / 86400)), "Hours", (json_int_t)(sign * (whole % 86400 / 3600)),
			 "Minutes", (json_int_t)(sign * (whole % 3600 / 60)), "Seconds", (json_int_t)(sign * (whole % 60)),
			 "Milliseconds", (json_int_t)(sign * (long long)((a - (double)whole) * 1000)),
			 "TotalDays", secs / 86400, "TotalHours", secs / 3600, "TotalMinutes", secs / 60, "TotalSeconds", secs);
}

/* a - b for DateTimes: a TimeSpan; NULL when either is not a DateTime */
json_t *ps_date_sub(json_t *a, json_t *b)
{
	return ps_is_date(a) && ps_is_date(b) ? span(ps_date_time(a) - ps_date_time(b)) : NULL;
}

/* Year, Month, … of a DateTime; NULL for a name it does not have */
json_t *ps_date_member(json_t *d, const char *name)
{
	static const char *const days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
	struct tm tm;
	broken_down(d, &tm);
	if (!strcasecmp(name, "Year")) return json_integer(tm.tm_year + 1900);
	if (!strcasecmp(name, "Month")) return json_integer(tm.tm_mon + 1);
	if (!strcasecmp(name, "Day")) return json_integer(tm.tm_mday);
	if (!strcasecmp(name, "Hour")) return json_integer(tm.tm_hour);
	if (!strcasecmp(name, "Minute")) return json_integer(tm.tm_min);
	if (!strcasecmp(name, "Second")) return json_integer(tm.tm_sec);
	if (!strcasecmp(name, "DayOfYear")) return json_integer(tm.tm_yday + 1);
	if (!strcasecmp(name, "DayOfWeek")) return json_string(days[tm.tm_wday]);
	if (!strcasecmp(name, "Kind")) return json_string(json_is_true(json_object_get(d, "\001utc")) ? "Utc" : "Local");
	if (!strcasecmp(name, "Date")) {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		int utc = json_is_true(json_object_get(d, "\001utc"));
		tm.tm_isdst = -1;
		return ps_date_new((double)(utc ? timegm(&tm) : mktime(&tm)), utc);
	}
	return NULL;
}

/* AddDays(n) …, ToUniversalTime(), ToLocalTime(), ToString([format]); NULL: no such method */
json_t *ps_date_method(json_t *d, const char *m, json_t **args, int n)
{
	static const struct { const char *name; double unit; } adds[] = {
		{"AddDays", 86400}, {"AddHours", 3600}, {"AddMinutes", 60}, {"AddSeconds", 1}, {"AddMilliseconds", 0.001}};
	int utc = json_is_true(json_object_get(d, "\001utc"));
	for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		if (!strcasecmp(m, adds[i].name) && n == 1 && json_is_number(args[0]))
			return ps_date_new(ps_date_time(d) + json_number_value(args[0]) * adds[i].unit, utc);
	if (!strcasecmp(m, "ToUniversalTime") || !strcasecmp(m, "ToLocalTime"))
		return ps_date_new(ps_date_time(d), !strcasecmp(m, "ToUniversalTime"));
	if (!strcasecmp(m, "ToString") && n == 1 && json_is_string(args[0])) {
		char *t = ps_date_format(d, json_string_value(args[0]));
		json_t *r = json_string(t);
		free(t);
		return r;
	}
	return NULL;
}
