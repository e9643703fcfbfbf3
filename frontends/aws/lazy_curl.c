#define AWS_LAZY_CURL_IMPL
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "lazy_curl.h"

const struct aws_curl_api *aws_curl_api(void)
{
	static struct aws_curl_api api; /* filled on the first call (one thread uses curl) */
	static int loaded;
	if (loaded)
		return &api;
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "ecrlite: cannot load libcurl (Debian package libcurl4): %s\n", dlerror());
		exit(127);
	}
#define LOAD(name)                                                                       \
	if (!(*(void **)&api.name = dlsym(h, #name))) {                                 \
		fprintf(stderr, "ecrlite: libcurl lacks %s: %s\n", #name, dlerror());    \
		exit(127);                                                               \
	}
	AWS_CURL_FUNCS(LOAD)
#undef LOAD
	loaded = 1;
	return &api;
}
