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
};

typedef int (*op_fn)(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err);

struct op_row {
	const char *name;  /* model operation name; rows sorted by it for bsearch */
	op_fn fn;          /* the implementation */
	unsigned flags;    /* enum op_flags */
};

#define OP(n) int op_##n(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
OP(batch_delete_image);
OP(batch_get_image);
OP(batch_get_repository_scanning_configuration);
OP(create_repository);
OP(delete_repository);
OP(describe_image_scan_findings);
OP(describe_images);
OP(describe_registry);
OP(describe_repositories);
OP(get_image_inventory);
OP(get_registry_scanning_configuration);
OP(list_images);
OP(list_tags_for_resource);
OP(put_image);
OP(put_image_scanning_configuration);
OP(put_image_tag_mutability);
OP(put_registry_scanning_configuration);
OP(rematch_image);
OP(start_image_scan);
OP(tag_resource);
OP(untag_resource);
/* ops_ext.c: ecrlite's own */
OP(describe_vulnerability_sources);
OP(get_rootfs_inventory);
OP(import_vulnerability_feeds);
OP(push);
/* ops_layer.c: the layer-upload API and registry credentials */
OP(batch_check_layer_availability);
OP(complete_layer_upload);
OP(get_authorization_token);
OP(get_download_url_for_layer);
OP(initiate_layer_upload);
OP(upload_layer_part);
#undef OP

#endif
