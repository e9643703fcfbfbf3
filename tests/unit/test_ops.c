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
	 * DescribeVulnerabilitySources, ApplyLifecyclePolicies */
	CHECK(own == 7);
	CHECK(!ecr_op_supported("NoSuchOperation"));
	/* what reads this host's files is never offered to a server's remote callers */
	CHECK(!ecr_op_remote_ok("Push") && !ecr_op_remote_ok("ImportVulnerabilityFeeds") &&
	      !ecr_op_remote_ok("GetRootfsInventory"));
	CHECK(ecr_op_remote_ok("GetImageInventory") && ecr_op_remote_ok("DescribeVulnerabilitySources") &&
	      ecr_op_remote_ok("CreateRepository") && !ecr_op_remote_ok("NoSuchOperation"));
}

/* Every exception the error table gives as ECR's is one of the model's exception shapes
 * (so a renamed or mistyped row cannot drift from the service), apart from the two the
 * AWS JSON protocol itself answers with for an operation a service lacks. */
void test_err_rows(void)
{
	int rows = 0;
	for (int code = -1; code >= -64; code--) {
		const struct ecr_err_info *e = ecr_err_info(code);
		if (e->code != code || e->own)
			continue;
		rows++;
		if (!strcmp(e->name, "UnsupportedOperationException") || !strcmp(e->name, "UnknownOperationException"))
			continue;
		int found = 0;
		for (int s = 0; s < ecr_nshapes; s++)
			found |= ecr_shapes[s].exception && !strcmp(ecr_shapes[s].name, e->name);
		if (!found)
			fprintf(stderr, "err.c row %d: %s is not an exception of the model\n", code, e->name);
		CHECK(found);
	}
	CHECK(rows > 20);
}
