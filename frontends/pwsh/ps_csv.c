/* CSV as ConvertTo-Csv and Export-Csv write it in PowerShell 7: the first object's
 * properties are the header; every field is quoted (-UseQuotes Always, the default),
 * an embedded quote doubled; values as their string form (a collection is its .NET type
 * name, as PowerShell's ToString gives); no #TYPE line unless -IncludeTypeInformation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ps_lang.h"

static void field(FILE *f, json_t *v, char quotes, const char *delim)
{
	char *t = json_is_array(v) ? strdup("System.Object[]") : ps_to_string(v);
	/* AsNeeded: a field with the delimiter, a quote or a line break */
	int q = quotes == 'A' || (quotes != 'N' && (strstr(t, delim) || strpbrk(t, "\"\r\n")));
	if (q)
		fputc('"', f);
	for (const char *p = t; *p; p++) {
		if (*p == '"' && q)
			fputc('"', f);
		fputc(*p, f);
	}
	if (q)
		fputc('"', f);
	free(t);
}

/* The lines for items (new strings appended to out). quotes: 'A'lways, 'N'ever, or
 * anything else for AsNeeded (-UseQuotes). */
void ps_csv(json_t *items, const char *delim, char quotes, int type_info, int header, json_t *out)
{
	json_t *first = json_array_get(items, 0);
	if (!first)
		return;
	const char *cols[256];
	int nc = 0;
	const char *k;
	json_t *v;
	if (json_is_object(first)) {
		json_object_foreach(first, k, v) if (!ps_is_marker(k) && nc < 256) cols[nc++] = k;
	} else {
		cols[nc++] = "Length"; /* a string's one property, as PowerShell shows it */
	}
	char *line;
	size_t len;
	FILE *f;
	if (type_info) {
		const char *t = ps_type_name(first);
		char buf[300];
		snprintf(buf, sizeof(buf), "#TYPE %s", t ? t : json_is_object(first) ? "System.Management.Automation.PSCustomObject" :
			 json_is_string(first) ? "System.String" : "System.Object");
		json_array_append_new(out, json_string(buf));
	}
	if (header) {
		f = open_memstream(&line, &len);
		for (int i = 0; i < nc; i++) {
			json_t *name = json_string(cols[i]);
			if (i)
				fputs(delim, f);
			field(f, name, quotes, delim);
			json_decref(name);
		}
		fclose(f);
		json_array_append_new(out, json_stringn(line, len));
		free(line);
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		f = open_memstream(&line, &len);
		for (int c = 0; c < nc; c++) {
			if (c)
				fputs(delim, f);
			json_t *m = ps_member(o, cols[c]);
			field(f, m, quotes, delim);
			json_decref(m);
		}
		fclose(f);
		json_array_append_new(out, json_stringn(line, len));
		free(line);
	}
}
