/* ecrlite's own operations as rows (not in the ECR model, so each checks its own
 * input): Push (an image archive into a repository), ImportVulnerabilityFeeds and
 * DescribeVulnerabilitySources (the offline feeds), GetRootfsInventory (a root
 * filesystem outside the registry). Every frontend reaches them through ecr_call. */
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "ops.h"
#include "push.h"
#include "vulndb.h"

static const char *str(json_t *req, const char *k)
{
	return json_string_value(json_object_get(req, k));
}

/* {archive, repositoryName, imageTag?} → ecr_push's answer (push.h) */
int op_push(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	json_t *tag = json_object_get(req, "imageTag");
	if (!str(req, "archive") || !str(req, "repositoryName") || (tag && !json_is_string(tag)))
		return ecr_err_set(err, ECR_E_VALIDATION, "Push needs archive and repositoryName (and imageTag a string)");
	return ecr_push(ctx, str(req, "archive"), str(req, "repositoryName"), str(req, "imageTag"), out, err);
}

/* {paths: [...]} → {sources, documents, records, unchangedFiles}; progress goes to the
 * context's progress hook (ecr_ctx_set_progress) */
int op_import_vulnerability_feeds(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	json_t *paths = json_object_get(req, "paths"), *p;
	size_t i, n = json_array_size(paths);
	if (!json_is_array(paths) || !n)
		return ecr_err_set(err, ECR_E_VALIDATION, "ImportVulnerabilityFeeds needs paths (files, directories or zips)");
	const char **v = calloc(n, sizeof(*v));
	ECR_CHECK_ALLOC(v, err);
	json_array_foreach(paths, i, p) {
		if (!(v[i] = json_string_value(p))) {
			free(v);
			return ecr_err_set(err, ECR_E_VALIDATION, "ImportVulnerabilityFeeds: paths are strings");
		}
	}
	int rc = ecr_vulndb_import(ctx, v, (int)n, ctx->progress, ctx->progress_ud, out, err);
	free(v);
	return rc;
}

/* {} → {sources: [{name, format, path, paths, records, importedAt, updatedAt}]} */
int op_describe_vulnerability_sources(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	(void)req;
	return ecr_vulndb_status(ctx, out, err);
}

/* {path} → GetImageInventory's shape for a directory or tar; needs no state (ctx may
 * be NULL) */
int op_get_rootfs_inventory(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	(void)ctx;
	if (!str(req, "path"))
		return ecr_err_set(err, ECR_E_VALIDATION, "GetRootfsInventory needs path (a directory or a tar)");
	return ecr_inventory_rootfs(str(req, "path"), out, err);
}
