/* `aws ecr wait NAME`: the model's waiters, run as the real CLI runs them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws.h"
#include "../lib/fe_wait.h"

/* `aws ecr wait NAME`: the model's waiter: poll, match path acceptors, give up after
 * max attempts, with the real CLI's messages and exit codes. */
int aws_wait(struct caller *c)
{
	const struct ecr_waiter *w = fe_waiter(c->cmd->waiter);
	if (!w)
		return AWS_EXIT_PARAM;
	for (int attempt = 1;; attempt++) {
		json_t *resp = NULL;
		struct fe_remote_err err;
		if (aws_call(c, w->operation, c->cmd->req, &resp, &err)) {
			if (err.client)
				return aws_plain_error(err.client, "%s", err.message);
			return aws_plain_error(AWS_EXIT_CLIENT, "Waiter %s failed: An error occurred (%s): %s", w->name,
					       err.code, err.message);
		}
		const struct ecr_acceptor *a = fe_wait_match(w, resp);
		json_decref(resp);
		if (a && !strcmp(a->state, "success"))
			return 0;
		if (a)
			return aws_plain_error(AWS_EXIT_CLIENT,
					       "Waiter %s failed: Waiter encountered a terminal failure state: For expression \"%s\" we matched expected path: \"%s\"",
					       w->name, a->argument, a->expected);
		if (attempt >= w->max_attempts)
			return aws_plain_error(AWS_EXIT_CLIENT, "Waiter %s failed: Max attempts exceeded", w->name);
		/* $ECRLITE_WAITER_DELAY overrides the model's delay (tests use 0) */
		const char *d = getenv("ECRLITE_WAITER_DELAY");
		double delay = d ? atof(d) : w->delay;
		if (delay > 0)
			usleep((useconds_t)(delay * 1e6));
	}
}
