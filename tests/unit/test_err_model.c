/* The error table (core/err.c) against the model, the other way round from
 * test_err_rows: every exception an operation ecrlite implements declares has a row,
 * so an exception is always answered and mapped by its name (serve's HTTP status, the
 * CLI's exit code, PowerShell's category). */
#include <string.h>

#include "ecr.h"
#include "unit.h"

/* declared by the model, never raised here: ecrlite encrypts nothing with KMS */
static const char *const not_raised[] = {"KmsException", "ServerException"};

void test_err_model_rows(void)
{
	int declared = 0;
	for (int i = 0; ecr_op_name(i); i++) {
		const struct ecr_op_model *m = ecr_model_op(ecr_op_name(i));
		for (const char *const *e = m ? m->errors : NULL; e && *e; e++) {
			int skip = 0;
			for (size_t k = 0; k < sizeof(not_raised) / sizeof(not_raised[0]); k++)
				skip |= !strcmp(*e, not_raised[k]);
			declared++;
			if (skip)
				continue;
			if (ecr_err_code_by_name(*e) == ECR_E_INTERNAL)
				fprintf(stderr, "%s declares %s, which err.c has no row for\n", m->name, *e);
			CHECK(ecr_err_code_by_name(*e) != ECR_E_INTERNAL);
		}
	}
	CHECK(declared > 50);
}
