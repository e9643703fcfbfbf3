#define ECR_LAZY_ARCHIVE_IMPL
#include <pthread.h>

#include "lazy.h"
#include "lazy_archive.h"

static struct ecr_archive_api api;   /* filled once */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static struct ecr_err load_err;    /* why the load failed, once */

static void load(void)
{
	void *h = ecr_lazy_open("libarchive.so.13", "libarchive.so", "libarchive13", &load_err);
	if (!h)
		return;
#define LOAD(name) \
	if (!load_err.code) \
		*(void **)&api.name = ecr_lazy_sym(h, "libarchive.so.13", #name, &load_err);
	ECR_ARCHIVE_FUNCS(LOAD)
#undef LOAD
}

int ecr_archive_lib_load(struct ecr_err *err)
{
	pthread_once(&once, load);
	if (load_err.code)
		return ecr_err_set(err, load_err.code, "%s", load_err.message);
	return 0;
}

const struct ecr_archive_api *ecr_archive_api(void)
{
	pthread_once(&once, load);
	return &api;
}
