/* Ill-formed UTF-8 repaired as the Unicode Standard's §3.9 table 3-8 shows: one U+FFFD
 * per maximal ill-formed subpart (its own example row is the last but one here). */
#include <stdlib.h>
#include <string.h>

#include "../../frontends/lib/fe_utf8.h"
#include "unit.h"

#define R "\xEF\xBF\xBD"

void test_utf8_repair(void)
{
	static const struct { const char *in, *want; } rows[] = {
		{"plain ascii", NULL},
		{"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xB3", NULL}, /* well-formed: left alone */
		{"a\xFF", "a" R},
		{"\xC0\xAF", R R},                     /* overlong lead: each byte alone */
		{"\xE0\x80\xAF", R R R},               /* overlong 3-byte form */
		{"\xED\xA0\x80", R R R},               /* a surrogate */
		{"\xF4\x90\x80\x80", R R R R},         /* past U+10FFFF */
		{"\xE2\x82" "a", R "a"},               /* truncated: one for the maximal subpart */
		{"\xF0\x9F\x90", R},                   /* truncated at the end */
		{"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", "a" R R R "b" R "c" R R "d"},
		{"\x80", R},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *out = NULL;
		size_t n = 0;
		int r = fe_utf8_repair(rows[i].in, strlen(rows[i].in), &out, &n);
		if (!rows[i].want) {
			CHECK(r == 0 && !out);
		} else {
			CHECK(r == 1);
			CHECK_STR(out, rows[i].want);
			CHECK(out && n == strlen(out));
			/* the repair is well-formed: repairing it again changes nothing */
			char *again = NULL;
			CHECK(out && fe_utf8_repair(out, n, &again, &n) == 0);
			free(again);
		}
		free(out);
	}
	json_t *j = fe_utf8_json_string("x\xFFy");
	CHECK(j && !strcmp(json_string_value(j), "x" R "y"));
	json_decref(j);
}
