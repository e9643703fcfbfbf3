#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "lazy.h"

void *ecr_lazy_open(const char *soname, const char *fallback, const char *package)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h && fallback)
		h = dlopen(fallback, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "ecrlite: cannot load %s (Debian package %s): %s\n", soname, package, dlerror());
		exit(127);
	}
	return h;
}

void *ecr_lazy_sym(void *lib, const char *soname, const char *name)
{
	void *p = dlsym(lib, name);
	if (!p) {
		fprintf(stderr, "ecrlite: %s lacks %s: %s\n", soname, name, dlerror());
		exit(127);
	}
	return p;
}
