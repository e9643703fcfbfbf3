/* Paths inside an image (core-internal): the one normaliser of archive and layer names. */
#ifndef ECR_PATH_H
#define ECR_PATH_H
#include "err.h"

/* Collapses "", "." and "dir/.." of base/p (p alone when it is absolute, or base is
 * "") into *out, relative to the root, without a leading '/' (caller frees). 0, with
 * *out NULL when the path climbs above the root; ServerException when memory ran out
 * (never read as "climbs out"). */
int ecr_path_normalize(const char *base, const char *p, char **out, struct ecr_err *err);

#endif
