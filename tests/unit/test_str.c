/* Strings into fixed buffers: all of it or nothing, never a cut copy. */
#include <stdlib.h>
#include <string.h>

#include "str.h"
#include "unit.h"

void test_str_whole(void)
{
	char b[8];
	CHECK(ecr_str_ncopy(b, sizeof(b), "abcdefgh", 7) == 0);
	CHECK_STR(b, "abcdefg");
	CHECK(ecr_str_ncopy(b, sizeof(b), "abcdefgh", 8) == -1);
	CHECK_STR(b, "");
	CHECK(ecr_str_join(b, sizeof(b), "usr", "/", "bin") == 0);
	CHECK_STR(b, "usr/bin");
	CHECK(ecr_str_join(b, sizeof(b), "", "/", "bin") == 0);
	CHECK_STR(b, "bin");
	CHECK(ecr_str_join(b, sizeof(b), "usr", "/", "") == 0);
	CHECK_STR(b, "usr");
	CHECK(ecr_str_join(b, sizeof(b), "usr", "/", "sbin") == -1);
	CHECK_STR(b, "");
	CHECK(ecr_str_join(b, sizeof(b), "ab", ", ", "cd") == 0);
	CHECK(ecr_str_join(b, sizeof(b), b, "", "x") == 0); /* appending to itself */
	CHECK_STR(b, "ab, cdx");
	char *s = ecr_str_fmt("%s\t%d", "CVE-1", 7);
	CHECK_STR(s, "CVE-1\t7");
	free(s);
	CHECK(ecr_str_quote(10, 4) == 4 && ecr_str_quote(3, 4) == 3);
}
