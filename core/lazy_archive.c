#define ECR_LAZY_ARCHIVE_IMPL
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lazy_archive.h"

static struct ecr_archive_api api;   /* filled once */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libarchive.so", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "ecrlite: cannot load libarchive (Debian package libarchive13): %s\n", dlerror());
		exit(127);
	}
#define LOAD(name)                                                                                  \
	if (!(*(void **)&api.name = dlsym(h, #name))) {                                            \
		fprintf(stderr, "ecrlite: libarchive lacks %s: %s\n", #name, dlerror());            \
		exit(127);                                                                          \
	}
	ECR_ARCHIVE_FUNCS(LOAD)
#undef LOAD
}

const struct ecr_archive_api *ecr_archive_api(void)
{
	pthread_once(&once, load);
	return &api;
}
