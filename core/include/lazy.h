/* Libraries loaded on first use (dlopen), for the ones whose load cost most commands
 * would pay for nothing: libarchive, libcurl, readline. Each user keeps a table of the
 * library's own function types, filled by name (lazy_archive.c, lazy_curl.c, …). */
#ifndef ECR_LAZY_H
#define ECR_LAZY_H

#include "err.h"

/* dlopen(soname), else dlopen(fallback) (the -dev package's unversioned link). A
 * missing library is an installation fault: NULL, and err (ECR_E_LIBRARY) names the
 * Debian package; frontends exit 127 on it, as the dynamic linker would have. */
void *ecr_lazy_open(const char *soname, const char *fallback, const char *package, struct ecr_err *err);
/* The symbol's address, or NULL and ECR_E_LIBRARY when the library lacks it. */
void *ecr_lazy_sym(void *lib, const char *soname, const char *name, struct ecr_err *err);

#endif
