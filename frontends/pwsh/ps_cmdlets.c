/* The cmdlet table: one row per AWS.Tools.ECR cmdlet ecrlite serves, its operation,
 * default -Select, confirmation impact and parameter rows (names, aliases, positions,
 * the request member each sets), as the module defines them. */
#include <string.h>
#include <strings.h>

#include "ps.h"

#define END {NULL, NULL, NULL, PT_IGNORED, -1, 0}
#define REG {"RegistryId", NULL, "registryId", PT_STRING, -1, 0}
#define REPO0 {"RepositoryName", NULL, "repositoryName", PT_STRING, 0, 1}
#define REPON {"RepositoryName", NULL, "repositoryName", PT_STRING, -1, 1}
/* -NoAutoIteration is in ps_roles (PW_PAGED) */
#define PAGE {"MaxResult", "MaxItems,MaxResults", "maxResults", PT_INT, -1, 0}, \
	{"NextToken", NULL, "nextToken", PT_STRING, -1, 0}

static const struct ps_param p_new_repo[] = {
	REPO0,
	{"ImageScanningConfiguration_ScanOnPush", NULL, "imageScanningConfiguration.scanOnPush", PT_BOOL, -1, 0},
	{"ImageTagMutability", NULL, "imageTagMutability", PT_STRING, -1, 0},
	{"EncryptionConfiguration_EncryptionType", NULL, "encryptionConfiguration.encryptionType", PT_STRING, -1, 0},
	{"EncryptionConfiguration_KmsKey", NULL, "encryptionConfiguration.kmsKey", PT_STRING, -1, 0},
	REG,
	{"Tag", "Tags", "tags", PT_OBJECTS, -1, 0},
	END,
};
static const struct ps_param p_get_repo[] = {
	{"RepositoryName", "RepositoryNames", "repositoryNames", PT_STRINGS, 0, 0},
	REG, PAGE, END,
};
static const struct ps_param p_remove_repo[] = {
	REPO0, {"IgnoreExistingImages", NULL, "force", PT_BOOL, -1, 0}, REG, END,
};
static const struct ps_param p_write_scancfg[] = {
	REPO0,
	{"ImageScanningConfiguration_ScanOnPush", NULL, "imageScanningConfiguration.scanOnPush", PT_BOOL, -1, 0},
	REG, END,
};
static const struct ps_param p_start_scan[] = {
	REPO0,
	{"ImageId_ImageTag", NULL, "imageId.imageTag", PT_STRING, -1, 0},
	{"ImageId_ImageDigest", NULL, "imageId.imageDigest", PT_STRING, -1, 0},
	REG, END,
};
static const struct ps_param p_get_findings[] = {
	REPO0,
	{"ImageId_ImageTag", NULL, "imageId.imageTag", PT_STRING, -1, 0},
	{"ImageId_ImageDigest", NULL, "imageId.imageDigest", PT_STRING, -1, 0},
	REG, PAGE, END,
};
static const struct ps_param p_get_image[] = {
	REPO0, {"Filter_TagStatus", NULL, "filter.tagStatus", PT_STRING, -1, 0}, REG, PAGE, END,
};
static const struct ps_param p_get_metadata[] = {
	REPO0, {"ImageId", "ImageIds", "imageIds", PT_OBJECTS, -1, 0},
	{"Filter_TagStatus", NULL, "filter.tagStatus", PT_STRING, -1, 0}, REG, PAGE, END,
};
static const struct ps_param p_get_batch[] = {
	{"ImageId", "ImageIds", "imageIds", PT_OBJECTS, 0, 1}, REPON,
	{"AcceptedMediaType", "AcceptedMediaTypes", "acceptedMediaTypes", PT_STRINGS, -1, 0}, REG, END,
};
static const struct ps_param p_remove_batch[] = {
	{"ImageId", "ImageIds", "imageIds", PT_OBJECTS, 0, 1}, REPON, REG, END,
};
static const struct ps_param p_write_image[] = {
	{"ImageManifest", NULL, "imageManifest", PT_STRING, 0, 1}, REPON,
	{"ImageTag", NULL, "imageTag", PT_STRING, -1, 0}, {"ImageDigest", NULL, "imageDigest", PT_STRING, -1, 0},
	{"ImageManifestMediaType", NULL, "imageManifestMediaType", PT_STRING, -1, 0}, REG, END,
};
static const struct ps_param p_get_regcfg[] = {END};
static const struct ps_param p_write_regcfg[] = {
	{"ScanType", NULL, "scanType", PT_STRING, -1, 0}, {"Rule", "Rules", "rules", PT_OBJECTS, -1, 0}, END,
};
/* replication (core/ops_replication.c) */
static const struct ps_param p_get_repl_status[] = {
	REPO0,
	{"ImageId_ImageDigest", NULL, "imageId.imageDigest", PT_STRING, -1, 0},
	{"ImageId_ImageTag", NULL, "imageId.imageTag", PT_STRING, -1, 0},
	REG, END,
};
static const struct ps_param p_write_repl[] = {
	{"ReplicationConfiguration_Rule", "ReplicationConfiguration_Rules", "replicationConfiguration.rules", PT_OBJECTS, -1, 0},
	END,
};
static const struct ps_param p_get_repocfg[] = {
	{"RepositoryName", "RepositoryNames", "repositoryNames", PT_STRINGS, 0, 1}, END,
};

/* pull through cache rules (core/ops_pullthrough.c): the model's members only (the
 * module's later CredentialArn, UpstreamRegistry... set members this model lacks) */
static const struct ps_param p_new_ptc[] = {
	{"EcrRepositoryPrefix", NULL, "ecrRepositoryPrefix", PT_STRING, -1, 1}, REG,
	{"UpstreamRegistryUrl", NULL, "upstreamRegistryUrl", PT_STRING, -1, 1}, END,
};
static const struct ps_param p_get_ptc[] = {
	{"EcrRepositoryPrefix", "EcrRepositoryPrefixes", "ecrRepositoryPrefixes", PT_STRINGS, -1, 0}, REG, PAGE, END,
};
static const struct ps_param p_remove_ptc[] = {
	{"EcrRepositoryPrefix", NULL, "ecrRepositoryPrefix", PT_STRING, -1, 1}, REG, END,
};

/* the layer-upload API (docker's push and pull, one call each) */
static const struct ps_param p_layer_availability[] = {
	{"LayerDigest", "LayerDigests", "layerDigests", PT_STRINGS, 0, 1}, REG, REPON, END,
};
static const struct ps_param p_layer_upload[] = {REG, REPO0, END};
/* LayerPartBlob is byte[] with Base64StreamParameterConverter: a string (its UTF-8
 * bytes), lines of text, bytes; PT_BLOB sends them base64-encoded, as botocore does */
static const struct ps_param p_layer_part[] = {
	{"LayerPartBlob", "LayerPartBytes", "layerPartBlob", PT_BLOB, 0, 1},
	{"PartFirstByte", NULL, "partFirstByte", PT_LONG, -1, 1},
	{"PartLastByte", NULL, "partLastByte", PT_LONG, -1, 1},
	REG, REPON, {"UploadId", NULL, "uploadId", PT_STRING, -1, 1}, END,
};
static const struct ps_param p_layer_complete[] = {
	{"LayerDigest", "LayerDigests", "layerDigests", PT_STRINGS, 0, 1}, REG, REPON,
	{"UploadId", NULL, "uploadId", PT_STRING, -1, 1}, END,
};
static const struct ps_param p_download_url[] = {
	{"LayerDigest", NULL, "layerDigest", PT_STRING, -1, 1}, REG, REPO0, END,
};
static const struct ps_param p_auth_token[] = {{"RegistryId", "RegistryIds", "registryIds", PT_STRINGS, 0, 0}, END};
/* Get-ECRLoginCommand's one parameter (string[], ValueFromPipeline), no alias */
static const struct ps_param p_login[] = {{"RegistryId", NULL, "registryIds", PT_STRINGS, 0, 0}, END};

/* permissions and lifecycle policies */
static const struct ps_param p_repo_only[] = {REG, REPO0, END};
static const struct ps_param p_set_repo_policy[] = {
	/* the API's force: renamed as on Remove-ECRRepository, -Force being the confirmation switch */
	{"OverridePolicy", NULL, "force", PT_BOOL, -1, 0},
	{"PolicyText", NULL, "policyText", PT_STRING, 0, 1}, REG, REPON, END,
};
static const struct ps_param p_none[] = {END};
static const struct ps_param p_write_reg_policy[] = {{"PolicyText", NULL, "policyText", PT_STRING, 0, 1}, END};
static const struct ps_param p_write_lifecycle[] = {
	{"LifecyclePolicyText", NULL, "lifecyclePolicyText", PT_STRING, 0, 1}, REG, REPON, END,
};
static const struct ps_param p_start_preview[] = {
	{"LifecyclePolicyText", NULL, "lifecyclePolicyText", PT_STRING, -1, 0}, REG, REPO0, END,
};
static const struct ps_param p_get_preview[] = {
	{"ImageId", "ImageIds", "imageIds", PT_OBJECTS, -1, 0}, REG, REPO0,
	{"Filter_TagStatus", NULL, "filter.tagStatus", PT_STRING, -1, 0}, PAGE, END,
};

/* tags, tag mutability, the registry */
static const struct ps_param p_tag[] = {
	{"ResourceArn", NULL, "resourceArn", PT_STRING, 0, 1}, {"Tag", "Tags", "tags", PT_OBJECTS, -1, 1}, END,
};
static const struct ps_param p_untag[] = {
	{"ResourceArn", NULL, "resourceArn", PT_STRING, 0, 1}, {"TagKey", "TagKeys", "tagKeys", PT_STRINGS, -1, 1}, END,
};
static const struct ps_param p_list_tags[] = {{"ResourceArn", NULL, "resourceArn", PT_STRING, 0, 1}, END};
static const struct ps_param p_tag_mutability[] = {
	{"ImageTagMutability", NULL, "imageTagMutability", PT_STRING, -1, 1}, REG, REPO0, END,
};

/* ecrlite's own operations (OP_EXT rows, not in AWS.Tools.ECR): ECRLite nouns, so no
 * name can clash with a cmdlet the module has or gains */
static const struct ps_param p_push[] = {
	{"Archive", "Path", "archive", PT_STRING, 0, 1}, {"RepositoryName", NULL, "repositoryName", PT_STRING, 1, 1},
	{"ImageTag", NULL, "imageTag", PT_STRING, -1, 0}, END,
};
static const struct ps_param p_import_feeds[] = {{"Path", "Paths", "paths", PT_STRINGS, 0, 1}, END};
static const struct ps_param p_feed_sources[] = {END};
static const struct ps_param p_rootfs_inventory[] = {{"Path", NULL, "path", PT_STRING, 0, 1}, END};
static const struct ps_param p_image_inventory[] = {
	REPO0,
	{"ImageId_ImageTag", NULL, "imageId.imageTag", PT_STRING, -1, 0},
	{"ImageId_ImageDigest", NULL, "imageId.imageDigest", PT_STRING, -1, 0},
	{"Platform", NULL, "platform", PT_STRING, -1, 0}, {"NoCache", NULL, "noCache", PT_SWITCH, -1, 0}, REG, END,
};

/* Sorted by name (case-insensitively). The rows follow the module's generated files
 * (modules/AWSPowerShell/Cmdlets/ECR/Basic/<Cmdlet>-Cmdlet.cs); a select of "" is the
 * default of Add-/Remove-ECRResourceTag, whose responses have nothing to show: no
 * output unless -Select '*' asks for the response. */
static const struct ps_cmdlet cmdlets[] = {
	{"Add-ECRResourceTag", "TagResource", "", 1, "ResourceArn", 0, NULL, p_tag, NULL},
	{"Complete-ECRLayerUpload", "CompleteLayerUpload", "*", 1, "UploadId", 1, "LayerDigest", p_layer_complete, NULL},
	{"Get-ECRAuthorizationToken", "GetAuthorizationToken", "AuthorizationData", 0, NULL, 0, NULL, p_auth_token, NULL},
	{"Get-ECRDownloadUrlForLayer", "GetDownloadUrlForLayer", "*", 0, NULL, 0, NULL, p_download_url, NULL},
	{"Get-ECRImage", "ListImages", "ImageIds", 0, NULL, 1, "RepositoryName", p_get_image, NULL},
	{"Get-ECRImageBatch", "BatchGetImage", "*", 0, NULL, 1, "ImageId", p_get_batch, NULL},
	{"Get-ECRImageMetadata", "DescribeImages", "ImageDetails", 0, NULL, 1, "RepositoryName", p_get_metadata, NULL},
	{"Get-ECRImageReplicationStatus", "DescribeImageReplicationStatus", "*", 0, NULL, 0, NULL, p_get_repl_status, NULL},
	{"Get-ECRImageScanFinding", "DescribeImageScanFindings", "*", 0, NULL, 1, "RepositoryName", p_get_findings, NULL},
	{"Get-ECRLayerAvailabilityBatch", "BatchCheckLayerAvailability", "*", 0, NULL, 0, NULL, p_layer_availability, NULL},
	{"Get-ECRLifecyclePolicy", "GetLifecyclePolicy", "*", 0, NULL, 1, "RepositoryName", p_repo_only, NULL},
	{"Get-ECRLifecyclePolicyPreview", "GetLifecyclePolicyPreview", "*", 0, NULL, 0, NULL, p_get_preview, NULL},
	{"Get-ECRLiteImageInventory", "GetImageInventory", "*", 0, NULL, 0, NULL, p_image_inventory, NULL},
	{"Get-ECRLiteRootfsInventory", "GetRootfsInventory", "*", 0, NULL, 0, NULL, p_rootfs_inventory, NULL},
	{"Get-ECRLiteVulnerabilitySource", "DescribeVulnerabilitySources", "Sources", 0, NULL, 0, NULL, p_feed_sources, NULL},
	/* the module's hand-written cmdlet: PSObjects made from the token (ps_login.c). Its
	 * RegistryId takes pipeline input but no position: slot 0 here gives it both, so a
	 * positional id binds, which the module would refuse */
	{"Get-ECRLoginCommand", "GetAuthorizationToken", "*", 0, NULL, 0, NULL, p_login, ps_emit_login},
	{"Get-ECRPullThroughCacheRule", "DescribePullThroughCacheRules", "PullThroughCacheRules", 0, NULL, 0, NULL, p_get_ptc, NULL},
	{"Get-ECRRegistry", "DescribeRegistry", "*", 0, NULL, 0, NULL, p_none, NULL},
	{"Get-ECRRegistryPolicy", "GetRegistryPolicy", "*", 0, NULL, 0, NULL, p_none, NULL},
	{"Get-ECRRegistryScanningConfiguration", "GetRegistryScanningConfiguration", "*", 0, NULL, 0, NULL, p_get_regcfg, NULL},
	{"Get-ECRRepository", "DescribeRepositories", "Repositories", 0, NULL, 1, "RepositoryName", p_get_repo, NULL},
	{"Get-ECRRepositoryPolicy", "GetRepositoryPolicy", "*", 0, NULL, 0, NULL, p_repo_only, NULL},
	{"Get-ECRRepositoryScanningConfigurationBatch", "BatchGetRepositoryScanningConfiguration", "*", 0, NULL, 1,
	 "RepositoryName", p_get_repocfg, NULL},
	{"Get-ECRResourceTag", "ListTagsForResource", "Tags", 0, NULL, 0, NULL, p_list_tags, NULL},
	{"Import-ECRLiteVulnerabilityFeed", "ImportVulnerabilityFeeds", "*", 0, NULL, 0, NULL, p_import_feeds, NULL},
	/* the module's New- and Remove- confirm with no target (resourceIdentifiersText empty) */
	{"New-ECRPullThroughCacheRule", "CreatePullThroughCacheRule", "*", 1, NULL, 0, NULL, p_new_ptc, NULL},
	{"New-ECRRepository", "CreateRepository", "Repository", 1, "RepositoryName", 0, NULL, p_new_repo, NULL},
	{"Push-ECRLiteImage", "Push", "*", 0, NULL, 0, NULL, p_push, NULL},
	{"Remove-ECRImageBatch", "BatchDeleteImage", "*", 2, "ImageId", 0, NULL, p_remove_batch, NULL},
	{"Remove-ECRLifecyclePolicy", "DeleteLifecyclePolicy", "*", 2, "RepositoryName", 0, NULL, p_repo_only, NULL},
	{"Remove-ECRPullThroughCacheRule", "DeletePullThroughCacheRule", "*", 2, NULL, 0, NULL, p_remove_ptc, NULL},
	{"Remove-ECRRegistryPolicy", "DeleteRegistryPolicy", "*", 2, NULL, 0, NULL, p_none, NULL},
	{"Remove-ECRRepository", "DeleteRepository", "Repository", 2, "RepositoryName", 1, "RepositoryName", p_remove_repo, NULL},
	{"Remove-ECRRepositoryPolicy", "DeleteRepositoryPolicy", "*", 2, "RepositoryName", 0, NULL, p_repo_only, NULL},
	{"Remove-ECRResourceTag", "UntagResource", "", 2, "ResourceArn", 0, NULL, p_untag, NULL},
	{"Send-ECRLayerPart", "UploadLayerPart", "*", 1, "RepositoryName", 1, "LayerPartBlob", p_layer_part, NULL},
	{"Set-ECRRepositoryPolicy", "SetRepositoryPolicy", "*", 1, "RepositoryName", 1, "PolicyText", p_set_repo_policy, NULL},
	{"Start-ECRImageScan", "StartImageScan", "*", 1, "RepositoryName", 1, "RepositoryName", p_start_scan, NULL},
	{"Start-ECRLayerUpload", "InitiateLayerUpload", "*", 1, "RepositoryName", 0, NULL, p_layer_upload, NULL},
	{"Start-ECRLifecyclePolicyPreview", "StartLifecyclePolicyPreview", "*", 1, "RepositoryName", 0, NULL, p_start_preview, NULL},
	{"Write-ECRImage", "PutImage", "Image", 1, "ImageManifest", 0, NULL, p_write_image, NULL},
	{"Write-ECRImageScanningConfiguration", "PutImageScanningConfiguration", "*", 1, "RepositoryName", 1,
	 "RepositoryName", p_write_scancfg, NULL},
	{"Write-ECRImageTagMutability", "PutImageTagMutability", "*", 1, "RepositoryName", 0, NULL, p_tag_mutability, NULL},
	{"Write-ECRLifecyclePolicy", "PutLifecyclePolicy", "*", 1, "RepositoryName", 0, NULL, p_write_lifecycle, NULL},
	{"Write-ECRRegistryPolicy", "PutRegistryPolicy", "*", 1, "PolicyText", 0, NULL, p_write_reg_policy, NULL},
	{"Write-ECRRegistryScanningConfiguration", "PutRegistryScanningConfiguration", "RegistryScanningConfiguration", 1,
	 NULL, 0, NULL, p_write_regcfg, NULL},
	{"Write-ECRReplicationConfiguration", "PutReplicationConfiguration", "ReplicationConfiguration", 1, NULL, 0,
	 NULL, p_write_repl, NULL},
};

#define ROLE(name, aliases, type, role, when) {{name, aliases, NULL, type, -1, 0}, role, when}

/* Every parameter that sets no request member: the module's paging, -PassThru and
 * -Force, the AWS common parameters, PowerShell's common parameters and ShouldProcess
 * switches, in the order the binder lists them (it matters for prefix matching and the
 * ambiguity message, as in PowerShell). */
const struct ps_role_param ps_roles[] = {
	ROLE("NoAutoIteration", NULL, PT_SWITCH, PR_NOAUTO, PW_PAGED),
	ROLE("PassThru", NULL, PT_SWITCH, PR_PASSTHRU, PW_PASSTHRU),
	ROLE("Force", NULL, PT_SWITCH, PR_FORCE, PW_IMPACT),
	ROLE("Select", NULL, PT_STRING, PR_SELECT, PW_ALL),
	ROLE("Region", "RegionToCall", PT_STRING, PR_REGION, PW_ALL),
	ROLE("AccessKey", "AK", PT_STRING, PR_ACCESSKEY, PW_ALL),
	ROLE("SecretKey", "SK,SecretAccessKey", PT_STRING, PR_SECRETKEY, PW_ALL),
	ROLE("SessionToken", "ST", PT_STRING, PR_SESSIONTOKEN, PW_ALL),
	ROLE("ProfileName", "StoredCredentials,AWSProfileName", PT_STRING, PR_PROFILE, PW_ALL),
	ROLE("ProfileLocation", "AWSProfilesLocation,ProfilesLocation", PT_STRING, PR_PROFILELOCATION, PW_ALL),
	ROLE("Credential", NULL, PT_STRING, PR_IGNORED, PW_ALL),
	ROLE("NetworkCredential", NULL, PT_STRING, PR_IGNORED, PW_ALL),
	ROLE("EndpointUrl", NULL, PT_STRING, PR_ENDPOINT, PW_ALL),
	ROLE("ClientConfig", NULL, PT_STRING, PR_IGNORED, PW_ALL),
	/* about_CommonParameters: the two switches take no value */
	ROLE("Verbose", "vb", PT_SWITCH, PR_COMMON, PW_ALL),
	ROLE("Debug", "db", PT_SWITCH, PR_COMMON, PW_ALL),
	ROLE("ErrorAction", "ea", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("WarningAction", "wa", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("InformationAction", "infa", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("ProgressAction", "proga", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("ErrorVariable", "ev", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("WarningVariable", "wv", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("InformationVariable", "iv", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("OutVariable", "ov", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("OutBuffer", "ob", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("PipelineVariable", "pv", PT_STRING, PR_COMMON, PW_ALL),
	ROLE("WhatIf", "wi", PT_SWITCH, PR_WHATIF, PW_IMPACT),
	ROLE("Confirm", "cf", PT_SWITCH, PR_CONFIRM, PW_IMPACT),
	{END, PR_MEMBER, PW_ALL},
};

enum ps_role ps_param_role(const struct ps_param *p)
{
	/* only ps_roles' rows have no path, and p is their first member */
	return p->path ? PR_MEMBER : ((const struct ps_role_param *)p)->role;
}

int ps_cmdlet_takes(const struct ps_cmdlet *c, const struct ps_role_param *r)
{
	switch (r->when) {
	case PW_PAGED: {
		const struct ecr_op_model *m = ecr_model_op(c->op);
		return m && m->pager;
	}
	case PW_PASSTHRU:
		return c->passthru;
	case PW_IMPACT:
		return c->impact != 0;
	default:
		return 1;
	}
}

const struct ps_cmdlet *ps_cmdlet_find(const char *name)
{
	for (size_t i = 0; i < sizeof(cmdlets) / sizeof(cmdlets[0]); i++)
		if (!strcasecmp(cmdlets[i].name, name))
			return &cmdlets[i];
	return NULL;
}

int ps_cmdlet_count(void)
{
	return (int)(sizeof(cmdlets) / sizeof(cmdlets[0]));
}

const struct ps_cmdlet *ps_cmdlet_at(int i)
{
	return i >= 0 && i < ps_cmdlet_count() ? &cmdlets[i] : NULL;
}
