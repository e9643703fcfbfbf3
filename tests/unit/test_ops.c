/* The operations table: sorted (ecr_call bsearches it), every row found by name, and
 * every model operation a row names exists (the rest are ecrlite's own). */
#include <string.h>

#include "../../core/include/ecr.h"
#include "unit.h"

void test_ops_table(void)
{
	const char *prev = NULL;
	int n = 0, own = 0;
	for (int i = 0; ecr_op_name(i); i++, n++) {
		const char *name = ecr_op_name(i);
		if (prev)
			CHECK(strcmp(prev, name) < 0);
		CHECK(ecr_op_supported(name));
		own += !ecr_model_op(name);
		prev = name;
	}
	CHECK(n > 20);
	/* GetImageInventory, GetRootfsInventory, RematchImage, Push, ImportVulnerabilityFeeds,
	 * DescribeVulnerabilitySources */
	CHECK(own == 6);
	CHECK(!ecr_op_supported("NoSuchOperation"));
}
