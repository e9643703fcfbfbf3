/* Vulnerability data imported from feed files (Debian security tracker, Alpine secdb,
 * OSV, NVD), offline, each import one transaction. */
#ifndef ECR_VULNDB_H
#define ECR_VULNDB_H
#include <jansson.h>

#include "ecr.h"

/* Imports every path (file, directory, zip; gzip/xz/bzip2 compressed), detecting each
 * document's format by content. All or nothing: on error the previous data stays in
 * use and err names the file and the position. *summary_out (new reference):
 * {sources: [{name, format, records}], documents, records, unchangedFiles}: a file of the
 * same digest as one imported before, every row of which is still there, is skipped. */
int ecr_vulndb_import(struct ecr_ctx *ctx, const char *const *paths, int n, ecr_progress_fn fn,
		      void *ud, json_t **summary_out, struct ecr_err *err);
/* {sources: [{name, format, path, paths, records, importedAt, updatedAt}]} (new reference);
 * paths: every file of the source's last import, path the first. */
int ecr_vulndb_status(struct ecr_ctx *ctx, json_t **out, struct ecr_err *err);

#endif
