/* The language packages of an image: every file a language row of wanted.c read,
 * taken from the merged tree (so a later layer's whiteout, opaque directory or
 * replacement decides, as for any file), with the tree's real path as filePath and
 * the blob digest of the layer that wrote the file as sourceLayerHash. Core-internal. */
#ifndef ECR_LANGINV_H
#define ECR_LANGINV_H
#include <jansson.h>

#include "inventory_int.h"

/* Sets res.languagePackages: [{name, version, packageManager, ecosystem, filePath,
 * sourceLayerHash?}] sorted by filePath, name, version; the files' warnings are
 * appended to res.databaseWarnings (which ecr_pkgdb_read created). A Python package
 * found twice in one site directory (dist-info and egg-info of one install) counts
 * once. */
int ecr_langinv_read(struct ecr_view *v, json_t *res, struct ecr_err *err);

#endif
