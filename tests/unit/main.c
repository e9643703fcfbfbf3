/* Runs every unit test in TESTS and prints "N passed, N failed". */
#include <stdlib.h>

#include "unit.h"

int unit_failed;

int main(void)
{
	struct { const char *name; void (*fn)(void); } tests[] = {
#define ROW(t) {#t, t},
		TESTS(ROW)
#undef ROW
	};
	int passed = 0, failed = 0;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int before = unit_failed;
		tests[i].fn();
		if (unit_failed == before) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "FAIL %s\n", tests[i].name);
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
