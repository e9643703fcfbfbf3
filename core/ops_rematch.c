/* ecrlite's own operation RematchImage: new findings for an image after new
 * vulnerability data, without a scan (core/scan.c ecr_scan_rematch). */
#include "image.h"
#include "ops.h"
#include "scan.h"

int op_rematch_image(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_image_ref ref;
	json_t *status = NULL, *id;
	int rc;
	if (!json_is_string(json_object_get(req, "repositoryName")) || !json_is_object(json_object_get(req, "imageId")))
		return ecr_err_set(err, ECR_E_VALIDATION, "RematchImage needs repositoryName and imageId");
	if ((rc = ecr_repo_load(ctx, req, &r, err)) ||
	    (rc = ecr_image_resolve(ctx, &r, json_object_get(req, "imageId"), &ref, err)) ||
	    (rc = ecr_scan_rematch(ctx, &r, &ref, &status, err)))
		return rc;
	id = ecr_image_id_json(ref.digest, ref.tag);
	*out = json_pack("{s:s, s:s, s:o, s:o}", "registryId", r.account, "repositoryName", r.name, "imageId", id,
			 "imageScanStatus", status);
	return 0;
}
