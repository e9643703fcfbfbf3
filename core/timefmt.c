#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (no timegm in C11). */
static long long days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const long long era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

int ecr_time_parse(const char *s, double *out)
{
	char *end;
	int y, mo, d, h = 0, mi = 0, n = 0;
	double sec = 0;
	if (!*s)
		return -1;
	double v = strtod(s, &end);
	if (!*end && strchr(s, '-') == NULL) {
		*out = v;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	s += n;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d:%lf%n", &h, &mi, &sec, &n) != 3)
			return -1;
		s += 1 + n;
	}
	double off = 0;
	if (*s == 'Z')
		s++;
	else if (*s == '+' || *s == '-') {
		int oh, om = 0;
		if (sscanf(s + 1, "%2d:%2d", &oh, &om) < 1)
			return -1;
		off = (*s == '-' ? -1 : 1) * (oh * 3600 + om * 60);
		s += strlen(s);
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	*out = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

void ecr_time_iso_local(double t, char *out, size_t n)
{
	double whole = floor(t);
	long usec = lround((t - whole) * 1e6);
	time_t tt = (time_t)whole;
	if (usec >= 1000000) {
		tt++;
		usec -= 1000000;
	}
	struct tm tm;
	localtime_r(&tt, &tm);
	char base[32], frac[24] = ""; /* "." and a long's digits, though usec < 1000000 */
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (usec)
		snprintf(frac, sizeof(frac), ".%06ld", usec);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(out, n, "%s%s%c%02ld:%02ld", base, frac, sign, off / 3600, off % 3600 / 60);
}

void ecr_time_iso_utc(double t, char *out, size_t n)
{
	time_t tt = (time_t)floor(t);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
