#include <dlfcn.h>

#include "lazy.h"

void *ecr_lazy_open(const char *soname, const char *fallback, const char *package, struct ecr_err *err)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h && fallback)
		h = dlopen(fallback, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		ecr_err_set(err, ECR_E_LIBRARY, "cannot load %s (Debian package %s): %s", soname, package, dlerror());
	return h;
}

void *ecr_lazy_sym(void *lib, const char *soname, const char *name, struct ecr_err *err)
{
	void *p = dlsym(lib, name);
	if (!p)
		ecr_err_set(err, ECR_E_LIBRARY, "%s lacks %s: %s", soname, name, dlerror());
	return p;
}
