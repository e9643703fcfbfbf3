#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* One row per code: the only place that knows names, exit codes and HTTP statuses.
 * Our own conditions that ECR does not have (archive, state, feed, usage) still get a
 * name, and the last column marks them: every frontend shows them as ecrlite's own
 * message, not as a service exception. */
static const struct ecr_err_info table[] = {
	{ECR_E_INTERNAL, "ServerException", 254, 500, "NotSpecified", 0},
	{ECR_E_INVALID_PARAMETER, "InvalidParameterException", 254, 400, "InvalidArgument", 0},
	{ECR_E_VALIDATION, "ValidationException", 254, 400, "InvalidArgument", 0},
	{ECR_E_REPOSITORY_NOT_FOUND, "RepositoryNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_REPOSITORY_ALREADY_EXISTS, "RepositoryAlreadyExistsException", 254, 400, "ResourceExists", 0},
	{ECR_E_REPOSITORY_NOT_EMPTY, "RepositoryNotEmptyException", 254, 400, "InvalidOperation", 0},
	{ECR_E_IMAGE_NOT_FOUND, "ImageNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_IMAGE_ALREADY_EXISTS, "ImageAlreadyExistsException", 254, 400, "ResourceExists", 0},
	{ECR_E_IMAGE_TAG_ALREADY_EXISTS, "ImageTagAlreadyExistsException", 254, 400, "ResourceExists", 0},
	{ECR_E_IMAGE_DIGEST_MISMATCH, "ImageDigestDoesNotMatchException", 254, 400, "InvalidData", 0},
	{ECR_E_LAYERS_NOT_FOUND, "LayersNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_SCAN_NOT_FOUND, "ScanNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_LIMIT_EXCEEDED, "LimitExceededException", 254, 400, "LimitsExceeded", 0},
	{ECR_E_UNSUPPORTED_IMAGE, "UnsupportedImageTypeException", 254, 400, "InvalidType", 0},
	{ECR_E_INVALID_TAG_PARAMETER, "InvalidTagParameterException", 254, 400, "InvalidArgument", 0},
	{ECR_E_TOO_MANY_TAGS, "TooManyTagsException", 254, 400, "LimitsExceeded", 0},
	{ECR_E_UNSUPPORTED_OPERATION, "UnsupportedOperationException", 254, 501, "NotImplemented", 0},
	{ECR_E_UNKNOWN_OPERATION, "UnknownOperationException", 254, 400, "InvalidOperation", 0},
	{ECR_E_ARCHIVE, "InvalidImageArchiveException", 1, 400, "InvalidData", 1},
	{ECR_E_STATE, "StateException", 1, 500, "ResourceUnavailable", 1},
	{ECR_E_FEED, "InvalidFeedException", 1, 400, "InvalidData", 1},
	{ECR_E_USAGE, "UsageException", 2, 400, "InvalidArgument", 1},
	{ECR_E_REFERENCED_IMAGES_NOT_FOUND, "ReferencedImagesNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_LIFECYCLE_POLICY_NOT_FOUND, "LifecyclePolicyNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_REPOSITORY_POLICY_NOT_FOUND, "RepositoryPolicyNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_REGISTRY_POLICY_NOT_FOUND, "RegistryPolicyNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_LIFECYCLE_PREVIEW_NOT_FOUND, "LifecyclePolicyPreviewNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_LIFECYCLE_PREVIEW_IN_PROGRESS, "LifecyclePolicyPreviewInProgressException", 254, 400, "ResourceBusy", 0},
	{ECR_E_UPLOAD_NOT_FOUND, "UploadNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_INVALID_LAYER_PART, "InvalidLayerPartException", 254, 400, "InvalidArgument", 0},
	{ECR_E_INVALID_LAYER, "InvalidLayerException", 254, 400, "InvalidData", 0},
	{ECR_E_LAYER_PART_TOO_SMALL, "LayerPartTooSmallException", 254, 400, "InvalidArgument", 0},
	{ECR_E_LAYER_ALREADY_EXISTS, "LayerAlreadyExistsException", 254, 400, "ResourceExists", 0},
	{ECR_E_EMPTY_UPLOAD, "EmptyUploadException", 254, 400, "InvalidData", 0},
	{ECR_E_LAYER_INACCESSIBLE, "LayerInaccessibleException", 254, 400, "PermissionDenied", 0},
	{ECR_E_PULL_THROUGH_RULE_EXISTS, "PullThroughCacheRuleAlreadyExistsException", 254, 400, "ResourceExists", 0},
	{ECR_E_PULL_THROUGH_RULE_NOT_FOUND, "PullThroughCacheRuleNotFoundException", 254, 400, "ObjectNotFound", 0},
	{ECR_E_UNSUPPORTED_UPSTREAM_REGISTRY, "UnsupportedUpstreamRegistryException", 254, 400, "InvalidArgument", 0},
	{ECR_E_LIBRARY, "MissingLibraryException", 127, 500, "ResourceUnavailable", 1},
};

const struct ecr_err_info *ecr_err_info(int code)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].code == code)
			return &table[i];
	return &table[0];
}

int ecr_err_own(const struct ecr_err *err)
{
	return ecr_err_info(err->code)->own;
}

const char *ecr_err_name(const struct ecr_err *err)
{
	return ecr_err_info(err->code)->name;
}

int ecr_err_code_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name))
			return table[i].code;
	return ECR_E_INTERNAL;
}

int ecr_err_set(struct ecr_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}

void ecr_err_clear(struct ecr_err *err)
{
	if (err) {
		err->code = 0;
		err->message[0] = '\0';
	}
}

int ecr_err_oom(struct ecr_err *err)
{
	return ecr_err_set(err, ECR_E_INTERNAL, "out of memory");
}
