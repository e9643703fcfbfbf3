#define AWS_LAZY_CURL_IMPL
#include "lazy.h"
#include "config.h"
#include "lazy_curl.h"

const struct aws_curl_api *aws_curl_api(void)
{
	static struct aws_curl_api api; /* filled on the first call (one thread uses curl) */
	static int loaded;
	if (loaded)
		return &api;
	struct ecr_err err = {0};
	void *h = ecr_lazy_open("libcurl.so.4", "libcurl.so", "libcurl4", &err);
	fe_exit_if_fatal(&err);
#define LOAD(name) \
	*(void **)&api.name = ecr_lazy_sym(h, "libcurl.so.4", #name, &err); \
	fe_exit_if_fatal(&err);
	AWS_CURL_FUNCS(LOAD)
#undef LOAD
	loaded = 1;
	return &api;
}
