/* Dotted JSON paths: get, the holder of the last step, set; and Python's float repr. A step is the text up to the
 * next '.', matched exactly (json_object_getn: no copy, so no length limit). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_json.h"

json_t *fe_json_path(json_t *o, const char *path)
{
	while (o && *path) {
		size_t n = strcspn(path, ".");
		o = json_object_getn(o, path, n);
		path += n + (path[n] == '.');
	}
	return o;
}

json_t *fe_json_path_parent(json_t *o, const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return o;
	/* every step but the last, without copying the path */
	while (o && path < dot) {
		size_t n = strcspn(path, ".");
		o = json_object_getn(o, path, n);
		path += n + 1;
	}
	return o;
}

int fe_json_path_set_new(json_t *o, const char *path, json_t *v)
{
	if (!json_is_object(o)) {
		json_decref(v);
		return -1;
	}
	for (;;) {
		size_t n = strcspn(path, ".");
		if (!path[n])
			return json_object_setn_new(o, path, n, v);
		json_t *next = json_object_getn(o, path, n);
		if (!json_is_object(next)) {
			next = json_object();
			if (json_object_setn_new(o, path, n, next)) {
				json_decref(v);
				return -1;
			}
		}
		o = next;
		path += n + 1;
	}
}

void fe_pyfloat(double d, char *buf, size_t n)
{
	if (isinf(d)) {
		snprintf(buf, n, "%s", d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	/* Python's repr: the fewest digits that read back as d, written out in full for a
	 * decimal exponent from -4 to 15 (10.0, 100.0, 0.0001; %g would say 1e+01) and in
	 * scientific notation with a two-digit exponent past that (1e+16, 1e-05) */
	/* the precision goes in as an unsigned char so that gcc (-O1, -Wformat-truncation=2)
	 * can bound what %.*e writes: at most 17 digits are ever asked for */
	char sci[272];
	int p = 1;
	for (; p < 17; p++) {
		snprintf(sci, sizeof(sci), "%.*e", (unsigned char)(p - 1), d);
		if (strtod(sci, NULL) == d)
			break;
	}
	snprintf(sci, sizeof(sci), "%.*e", (unsigned char)(p - 1), d);
	char *e = strchr(sci, 'e');
	int exp = atoi(e + 1);
	if (exp < -4 || exp >= 16) {
		*e = '\0';
		snprintf(buf, n, "%se%c%02d", sci, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	int dec = p - 1 - exp; /* 0 to 20 here */
	snprintf(buf, n, "%.*f", dec < 0 ? 0 : dec > 20 ? 20 : dec, d);
	if (!strchr(buf, '.') && strlen(buf) + 3 <= n)
		strcat(buf, ".0"); /* Python writes 3.0 as "3.0" */
}
