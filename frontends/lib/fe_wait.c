/* Waiters (fe_wait.h): the model's rows looked up and their path acceptors matched. */
#include <string.h>

#include "fe_json.h"
#include "fe_wait.h"

const struct ecr_waiter *fe_waiter(const char *name)
{
	for (int i = 0; i < ecr_nwaiters; i++)
		if (!strcmp(ecr_waiters[i].name, name) || !strcmp(ecr_waiters[i].cli_name, name))
			return &ecr_waiters[i];
	return NULL;
}

const struct ecr_acceptor *fe_wait_match(const struct ecr_waiter *w, json_t *resp)
{
	for (const struct ecr_acceptor *a = w->acceptors; a->state; a++) {
		if (strcmp(a->matcher, "path")) /* ECR's waiters have path acceptors only */
			continue;
		json_t *v = fe_json_path(resp, a->argument);
		if (json_is_string(v) && !strcmp(json_string_value(v), a->expected))
			return a;
	}
	return NULL;
}
