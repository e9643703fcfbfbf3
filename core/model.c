/* Lookups over the generated model tables (model_gen.c). */
#include <stdlib.h>
#include <string.h>

#include "model.h"

static int cmp_op(const void *key, const void *row)
{
	return strcmp(key, ((const struct ecr_op_model *)row)->name);
}

const struct ecr_op_model *ecr_model_op(const char *name)
{
	return bsearch(name, ecr_op_models, (size_t)ecr_nop_models, sizeof(ecr_op_models[0]), cmp_op);
}

const struct ecr_op_model *ecr_model_op_cli(const char *cli_name)
{
	/* kebab-case names sort like the CamelCase ones, but a linear scan of 41 rows is
	 * cheaper than keeping a second sorted index. */
	for (int i = 0; i < ecr_nop_models; i++)
		if (!strcmp(ecr_op_models[i].cli_name, cli_name))
			return &ecr_op_models[i];
	return NULL;
}

const struct ecr_member *ecr_model_member(const struct ecr_shape *s, const char *name)
{
	for (int i = 0; i < s->nmembers; i++)
		if (!strcmp(s->members[i].name, name))
			return &s->members[i];
	return NULL;
}
