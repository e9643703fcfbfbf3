/* THE operations table and the one entry point every frontend calls. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "txn.h"
#include "validate.h"

/* Sorted by name for bsearch. */
static const struct op_row ops[] = {
	{"BatchCheckLayerAvailability", op_batch_check_layer_availability, OP_READ},
	{"BatchDeleteImage", op_batch_delete_image, OP_WRITE},
	{"BatchGetImage", op_batch_get_image, OP_WRITE}, /* records lastRecordedPullTime */
	{"BatchGetRepositoryScanningConfiguration", op_batch_get_repository_scanning_configuration, OP_READ},
	{"CompleteLayerUpload", op_complete_layer_upload, OP_WRITE},
	{"CreateRepository", op_create_repository, OP_WRITE},
	{"DeleteRepository", op_delete_repository, OP_WRITE},
	{"DescribeImageScanFindings", op_describe_image_scan_findings, OP_READ},
	{"DescribeImages", op_describe_images, OP_READ},
	{"DescribeRegistry", op_describe_registry, OP_READ},
	{"DescribeRepositories", op_describe_repositories, OP_READ},
	{"DescribeVulnerabilitySources", op_describe_vulnerability_sources, OP_READ | OP_EXT}, /* ecrlite's: the feeds */
	{"GetAuthorizationToken", op_get_authorization_token, OP_READ},
	{"GetDownloadUrlForLayer", op_get_download_url_for_layer, OP_READ},
	{"GetImageInventory", op_get_image_inventory, OP_READ | OP_EXT}, /* caches written at the end, best effort */
	{"GetRegistryScanningConfiguration", op_get_registry_scanning_configuration, OP_READ},
	{"GetRootfsInventory", op_get_rootfs_inventory, OP_EXT | OP_OWN_TXN | OP_NO_STATE}, /* ecrlite's: a directory or tar */
	{"ImportVulnerabilityFeeds", op_import_vulnerability_feeds, OP_EXT | OP_OWN_TXN}, /* ecrlite's: one transaction of its own */
	{"InitiateLayerUpload", op_initiate_layer_upload, OP_WRITE},
	{"ListImages", op_list_images, OP_READ},
	{"ListTagsForResource", op_list_tags_for_resource, OP_READ},
	{"Push", op_push, OP_EXT | OP_OWN_TXN}, /* ecrlite's: reads the archive, then one write transaction */
	{"PutImage", op_put_image, OP_WRITE},
	{"PutImageScanningConfiguration", op_put_image_scanning_configuration, OP_WRITE},
	{"PutImageTagMutability", op_put_image_tag_mutability, OP_WRITE},
	{"PutRegistryScanningConfiguration", op_put_registry_scanning_configuration, OP_WRITE},
	{"RematchImage", op_rematch_image, OP_WRITE | OP_EXT}, /* ecrlite's: new findings without a scan */
	{"StartImageScan", op_start_image_scan, OP_WRITE},
	{"TagResource", op_tag_resource, OP_WRITE},
	{"UntagResource", op_untag_resource, OP_WRITE},
	{"UploadLayerPart", op_upload_layer_part, OP_WRITE},
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static int cmp_row(const void *key, const void *row)
{
	return strcmp(key, ((const struct op_row *)row)->name);
}

static const struct op_row *find(const char *name)
{
	return bsearch(name, ops, NOPS, sizeof(ops[0]), cmp_row);
}

int ecr_op_supported(const char *op)
{
	return find(op) != NULL;
}

const char *ecr_op_name(int i)
{
	return i >= 0 && (size_t)i < NOPS ? ops[i].name : NULL;
}

int ecr_call(struct ecr_ctx *ctx, const char *op, json_t *req, json_t **resp_out,
	     struct ecr_err *err)
{
	const struct op_row *row = find(op);
	const struct ecr_op_model *m = ecr_model_op(op);
	json_t *resp = NULL, *empty = NULL;
	int rc;
	*resp_out = NULL;
	ecr_err_clear(err);
	if (!m && !(row && (row->flags & OP_EXT)))
		return ecr_err_set(err, ECR_E_UNKNOWN_OPERATION, "Unknown operation %s", op);
	if (!row)
		return ecr_err_set(err, ECR_E_UNSUPPORTED_OPERATION,
				   "ecrlite does not implement %s locally; use --endpoint-url to reach a registry that does", op);
	if (!req)
		req = empty = json_object();
	if (!ctx && !(row->flags & OP_NO_STATE)) {
		rc = ecr_err_set(err, ECR_E_USAGE, "%s needs a state (a context)", op);
		goto out;
	}
	if (!json_is_object(req)) {
		rc = ecr_err_set(err, ECR_E_VALIDATION, "request must be a JSON object");
		goto out;
	}
	if (m && (rc = ecr_validate(m->input, req, err)))
		goto out;
	if (row->flags & OP_OWN_TXN) {
		/* push reads its archive before its write transaction; rootfs needs no state */
		rc = row->fn(ctx, req, &resp, err);
	} else {
		struct ecr_txn t;
		if ((rc = ecr_txn_begin(ctx, row->flags & OP_WRITE, &t, err)))
			goto out;
		if ((rc = row->fn(ctx, req, &resp, err)))
			ecr_txn_abort(&t);
		else
			rc = ecr_txn_commit(&t, NULL, err);
	}
	if (rc) {
		json_decref(resp);
		goto out;
	}
	*resp_out = resp ? resp : json_object();
out:
	json_decref(empty);
	return rc;
}
