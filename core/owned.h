/* Files the OS package databases say they installed, for Trivy's rule: a language
 * package whose metadata file (or jar, or executable) belongs to a dpkg, apk or rpm
 * package is the distribution's — already an OS package, and its metadata keeps the
 * upstream version while the distribution patches it (python3-aiohttp
 * 3.8.4-1+deb12u2 still says 3.8.4), so reporting it again would be a false positive.
 * The lists are dpkg's info/PACKAGE.list files, apk's F:/R: lines and rpm's file list,
 * as the final tree has them. Core-internal. */
#ifndef ECR_OWNED_H
#define ECR_OWNED_H
#include <jansson.h>

#include "inventory_int.h"

/* Which of files (an object whose keys are image-absolute real paths, "/usr/…") an OS
 * package owns: an object of those keys (new reference). A database's path is
 * resolved through the tree's links (merged /usr: dpkg writes /lib/…, the file is
 * /usr/lib/…), only for names that can match, so the cost follows the language files,
 * not the size of the lists. */
json_t *ecr_owned_among(struct ecr_view *v, json_t *files);

#endif
