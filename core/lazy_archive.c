#define ECR_LAZY_ARCHIVE_IMPL
#include <pthread.h>

#include "lazy.h"
#include "lazy_archive.h"

static struct ecr_archive_api api;   /* filled once */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = ecr_lazy_open("libarchive.so.13", "libarchive.so", "libarchive13");
#define LOAD(name) *(void **)&api.name = ecr_lazy_sym(h, "libarchive.so.13", #name);
	ECR_ARCHIVE_FUNCS(LOAD)
#undef LOAD
}

const struct ecr_archive_api *ecr_archive_api(void)
{
	pthread_once(&once, load);
	return &api;
}
