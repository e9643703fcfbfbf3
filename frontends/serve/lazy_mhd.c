#define SERVE_LAZY_MHD_IMPL
#include "lazy.h"
#include "../config.h"
#include "lazy_mhd.h"

const struct serve_mhd_api *serve_mhd(void)
{
	static struct serve_mhd_api api; /* filled once, by serve's main thread before any other */
	static int loaded;
	if (loaded)
		return &api;
	struct ecr_err err = {0};
	void *h = ecr_lazy_open("libmicrohttpd.so.12", "libmicrohttpd.so", "libmicrohttpd12", &err);
	fe_exit_if_fatal(&err);
#define LOAD(name) \
	*(void **)&api.name = ecr_lazy_sym(h, "libmicrohttpd.so.12", #name, &err); \
	fe_exit_if_fatal(&err);
	SERVE_MHD_FUNCS(LOAD)
#undef LOAD
	loaded = 1;
	return &api;
}
