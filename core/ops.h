/* The operations table (core-internal): one row per ECR operation ecrlite serves. */
#ifndef ECR_OPS_H
#define ECR_OPS_H
#include <jansson.h>

#include "ctx.h"
#include "err.h"

enum op_flags {
	OP_READ = 0,       /* runs in a read transaction */
	OP_WRITE = 1 << 0, /* runs in BEGIN IMMEDIATE: all or nothing */
	OP_EXT = 1 << 1,   /* ecrlite's own: not in the ECR model, checks its own input */
	OP_OWN_TXN = 1 << 2, /* runs its own units of work (txn.h), or needs no state */
	OP_NO_STATE = 1 << 3, /* reads no state: ecr_call takes a NULL ctx for it */
	OP_HOST_PATHS = 1 << 4, /* reads paths of this host: never offered to remote callers */
};

typedef int (*op_fn)(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err);

struct op_row {
	const char *name;  /* model operation name; rows sorted by it for bsearch */
	op_fn fn;          /* the implementation */
	unsigned flags;    /* enum op_flags */
};

/* THE operations list, sorted by name (ecr_call bsearches it): one line per row gives
 * both the op_<name> prototype and the table row (core/ops.c), so the two never drift. */
#define ECR_OPS(X) \
	X(ApplyLifecyclePolicies, apply_lifecycle_policies, OP_EXT | OP_OWN_TXN) /* ecrlite's: a short transaction per repository */ \
	X(BatchCheckLayerAvailability, batch_check_layer_availability, OP_READ) \
	X(BatchDeleteImage, batch_delete_image, OP_WRITE) \
	X(BatchGetImage, batch_get_image, OP_WRITE) /* records lastRecordedPullTime */ \
	X(BatchGetRepositoryScanningConfiguration, batch_get_repository_scanning_configuration, OP_READ) \
	X(CompleteLayerUpload, complete_layer_upload, OP_WRITE) \
	X(CreatePullThroughCacheRule, create_pull_through_cache_rule, OP_WRITE) \
	X(CreateRepository, create_repository, OP_WRITE) \
	X(DeleteLifecyclePolicy, delete_lifecycle_policy, OP_WRITE) \
	X(DeletePullThroughCacheRule, delete_pull_through_cache_rule, OP_WRITE) \
	X(DeleteRegistryPolicy, delete_registry_policy, OP_WRITE) \
	X(DeleteRepository, delete_repository, OP_WRITE) \
	X(DeleteRepositoryPolicy, delete_repository_policy, OP_WRITE) \
	X(DescribeImageReplicationStatus, describe_image_replication_status, OP_READ) \
	X(DescribeImageScanFindings, describe_image_scan_findings, OP_READ) \
	X(DescribeImages, describe_images, OP_READ) \
	X(DescribePullThroughCacheRules, describe_pull_through_cache_rules, OP_READ) \
	X(DescribeRegistry, describe_registry, OP_READ) \
	X(DescribeRepositories, describe_repositories, OP_READ) \
	X(DescribeVulnerabilitySources, describe_vulnerability_sources, OP_READ | OP_EXT) /* ecrlite's: the feeds */ \
	X(GetAuthorizationToken, get_authorization_token, OP_READ) \
	X(GetDownloadUrlForLayer, get_download_url_for_layer, OP_READ) \
	X(GetImageInventory, get_image_inventory, OP_READ | OP_EXT) /* caches written at the end, best effort */ \
	X(GetLifecyclePolicy, get_lifecycle_policy, OP_READ) \
	X(GetLifecyclePolicyPreview, get_lifecycle_policy_preview, OP_READ) \
	X(GetRegistryPolicy, get_registry_policy, OP_READ) \
	X(GetRegistryScanningConfiguration, get_registry_scanning_configuration, OP_READ) \
	X(GetRepositoryPolicy, get_repository_policy, OP_READ) \
	X(GetRootfsInventory, get_rootfs_inventory, OP_EXT | OP_OWN_TXN | OP_NO_STATE | OP_HOST_PATHS) /* ecrlite's: a directory or tar */ \
	X(ImportVulnerabilityFeeds, import_vulnerability_feeds, OP_EXT | OP_OWN_TXN | OP_HOST_PATHS) /* ecrlite's: one transaction of its own */ \
	X(InitiateLayerUpload, initiate_layer_upload, OP_WRITE) \
	X(ListImages, list_images, OP_READ) \
	X(ListTagsForResource, list_tags_for_resource, OP_READ) \
	X(Push, push, OP_EXT | OP_OWN_TXN | OP_HOST_PATHS) /* ecrlite's: reads the archive, then one write transaction */ \
	X(PutImage, put_image, OP_WRITE) \
	X(PutImageScanningConfiguration, put_image_scanning_configuration, OP_WRITE) \
	X(PutImageTagMutability, put_image_tag_mutability, OP_WRITE) \
	X(PutLifecyclePolicy, put_lifecycle_policy, OP_WRITE) \
	X(PutRegistryPolicy, put_registry_policy, OP_WRITE) \
	X(PutRegistryScanningConfiguration, put_registry_scanning_configuration, OP_WRITE) \
	X(PutReplicationConfiguration, put_replication_configuration, OP_WRITE) \
	X(RematchImage, rematch_image, OP_WRITE | OP_EXT) /* ecrlite's: new findings without a scan */ \
	X(SetRepositoryPolicy, set_repository_policy, OP_WRITE) \
	X(StartImageScan, start_image_scan, OP_WRITE) \
	X(StartLifecyclePolicyPreview, start_lifecycle_policy_preview, OP_WRITE) /* evaluated at once: COMPLETE */ \
	X(TagResource, tag_resource, OP_WRITE) \
	X(UntagResource, untag_resource, OP_WRITE) \
	X(UploadLayerPart, upload_layer_part, OP_WRITE)
#define OP(name, fn, flags) int op_##fn(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err);
ECR_OPS(OP)
#undef OP

#endif
