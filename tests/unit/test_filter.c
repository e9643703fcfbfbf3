/* Repository filters: ECR's own table ("Filters to choose which repositories are
 * scanned in Amazon ECR": filters down, repository names across), plus names with
 * a namespace. */
#include "../../core/filter.h"
#include "unit.h"

void test_scan_filter(void)
{
	static const char *const names[] = {"prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo"};
	static const struct { const char *filter; const char *yes; } table[] = {
		{"prod", "YYYYY"}, {"*prod", "YYNNN"}, {"prod*", "YNYNY"}, {"*prod*", "YYYYY"}, {"prod*repo", "NNYNY"},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		for (size_t k = 0; k < 5; k++)
			if (ecr_filter_match(table[i].filter, names[k]) != (table[i].yes[k] == 'Y')) {
				unit_failed++;
				fprintf(stderr, "filter %s on %s: want %c\n", table[i].filter, names[k], table[i].yes[k]);
			}
	CHECK(ecr_filter_match("team", "a/team-x/b"));
	CHECK(ecr_filter_match("team/*", "team/a/b"));
	CHECK(!ecr_filter_match("team/*", "x/team/a"));
	CHECK(ecr_filter_match("*", "anything/at/all"));
	CHECK(!ecr_filter_match("prod", "pro"));
}
