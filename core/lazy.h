/* Libraries loaded on first use (dlopen), for the ones whose load cost most commands
 * would pay for nothing: libarchive, libcurl, readline. Each user keeps a table of the
 * library's own function types, filled by name (lazy_archive.c, lazy_curl.c, …). */
#ifndef ECR_LAZY_H
#define ECR_LAZY_H

/* dlopen(soname), else dlopen(fallback) (the -dev package's unversioned link). A
 * missing library is an installation fault: the process names the Debian package and
 * exits 127, as the dynamic linker would have at start-up. */
void *ecr_lazy_open(const char *soname, const char *fallback, const char *package);
/* The symbol's address, or the same exit when the library lacks it. */
void *ecr_lazy_sym(void *lib, const char *soname, const char *name);

#endif
