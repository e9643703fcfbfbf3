#define ECR_LAZY_READLINE_IMPL
#include "lazy.h"
#include "config.h"
#include "lazy_readline.h"

const struct ecr_rl_api *ecr_rl_api(void)
{
	static struct ecr_rl_api api; /* filled on the first call (only the main thread reads lines) */
	static int loaded;
	if (loaded)
		return &api;
	struct ecr_err err = {0};
	void *h = ecr_lazy_open("libreadline.so.8", "libreadline.so", "libreadline8", &err);
	fe_exit_if_fatal(&err);
#define LOAD(name) \
	*(void **)&api.name = ecr_lazy_sym(h, "libreadline.so.8", #name, &err); \
	fe_exit_if_fatal(&err);
	ECR_RL_FUNCS(LOAD)
	ECR_RL_VARS(LOAD)
#undef LOAD
	loaded = 1;
	return &api;
}
