/* ecrlite's own operations (not in the ECR model): GetImageInventory. */
#include <string.h>

#include "image.h"
#include "inventory.h"
#include "ops.h"

int op_get_image_inventory(struct ecr_ctx *ctx, json_t *req, json_t **out, struct ecr_err *err)
{
	struct ecr_repo r;
	struct ecr_image_ref ref;
	json_t *inv = NULL, *pending = NULL;
	int rc;
	if (!json_is_string(json_object_get(req, "repositoryName")) || !json_is_object(json_object_get(req, "imageId")))
		return ecr_err_set(err, ECR_E_VALIDATION, "GetImageInventory needs repositoryName and imageId");
	/* an image index is read through its image for "platform" (default linux/amd64) */
	char image[ECR_DIGEST_LEN + 1];
	const char *platform = json_string_value(json_object_get(req, "platform"));
	if ((rc = ecr_repo_load(ctx, req, &r, err)) ||
	    (rc = ecr_image_resolve(ctx, &r, json_object_get(req, "imageId"), &ref, err)) ||
	    (rc = ecr_image_platform(ctx, &r, ref.digest, platform, image, err)) ||
	    (rc = ecr_inventory_read(ctx, image, json_is_true(json_object_get(req, "noCache")), &pending, &inv, err)))
		return rc;
	/* read in a read transaction (writers go on); the caches are written at its end,
	 * best effort: if another writer got in first, the next call writes them */
	ecr_inventory_save(ctx, pending);
	json_decref(pending);
	*out = json_pack("{s:s, s:s, s:o}", "registryId", r.account, "repositoryName", r.name, "imageId",
			 ecr_image_id_json(ref.digest, ref.tag));
	if (strcmp(image, ref.digest))
		json_object_set_new(*out, "platformImage", json_pack("{s:s, s:s}", "platform", platform && *platform ? platform : "linux/amd64",
								       "imageDigest", image));
	json_object_update(*out, inv);
	json_decref(inv);
	return 0;
}
