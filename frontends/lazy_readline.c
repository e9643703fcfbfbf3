#define ECR_LAZY_READLINE_IMPL
#include "../core/lazy.h"
#include "lazy_readline.h"

const struct ecr_rl_api *ecr_rl_api(void)
{
	static struct ecr_rl_api api; /* filled on the first call (only the main thread reads lines) */
	static int loaded;
	if (loaded)
		return &api;
	void *h = ecr_lazy_open("libreadline.so.8", "libreadline.so", "libreadline8");
#define LOAD(name) *(void **)&api.name = ecr_lazy_sym(h, "libreadline.so.8", #name);
	ECR_RL_FUNCS(LOAD)
	ECR_RL_VARS(LOAD)
#undef LOAD
	loaded = 1;
	return &api;
}
