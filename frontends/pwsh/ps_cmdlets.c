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
#define PAGE {"MaxResult", "MaxItems,MaxResults", "maxResults", PT_INT, -1, 0}, \
	{"NextToken", NULL, "nextToken", PT_STRING, -1, 0}, \
	{"NoAutoIteration", NULL, "@noauto", PT_SWITCH, -1, 0}

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
static const struct ps_param p_get_repocfg[] = {
	{"RepositoryName", "RepositoryNames", "repositoryNames", PT_STRINGS, 0, 1}, END,
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

/* Sorted by name (case-insensitively). */
static const struct ps_cmdlet cmdlets[] = {
	{"Get-ECRImage", "ListImages", "ImageIds", 0, NULL, 1, "RepositoryName", p_get_image},
	{"Get-ECRImageBatch", "BatchGetImage", "*", 0, NULL, 1, "ImageId", p_get_batch},
	{"Get-ECRImageMetadata", "DescribeImages", "ImageDetails", 0, NULL, 1, "RepositoryName", p_get_metadata},
	{"Get-ECRImageScanFinding", "DescribeImageScanFindings", "*", 0, NULL, 1, "RepositoryName", p_get_findings},
	{"Get-ECRLiteImageInventory", "GetImageInventory", "*", 0, NULL, 0, NULL, p_image_inventory},
	{"Get-ECRLiteRootfsInventory", "GetRootfsInventory", "*", 0, NULL, 0, NULL, p_rootfs_inventory},
	{"Get-ECRLiteVulnerabilitySource", "DescribeVulnerabilitySources", "Sources", 0, NULL, 0, NULL, p_feed_sources},
	{"Get-ECRRegistryScanningConfiguration", "GetRegistryScanningConfiguration", "*", 0, NULL, 0, NULL, p_get_regcfg},
	{"Get-ECRRepository", "DescribeRepositories", "Repositories", 0, NULL, 1, "RepositoryName", p_get_repo},
	{"Get-ECRRepositoryScanningConfigurationBatch", "BatchGetRepositoryScanningConfiguration", "*", 0, NULL, 1,
	 "RepositoryName", p_get_repocfg},
	{"Import-ECRLiteVulnerabilityFeed", "ImportVulnerabilityFeeds", "*", 0, NULL, 0, NULL, p_import_feeds},
	{"New-ECRRepository", "CreateRepository", "Repository", 1, "RepositoryName", 0, NULL, p_new_repo},
	{"Push-ECRLiteImage", "Push", "*", 0, NULL, 0, NULL, p_push},
	{"Remove-ECRImageBatch", "BatchDeleteImage", "*", 2, "ImageId", 0, NULL, p_remove_batch},
	{"Remove-ECRRepository", "DeleteRepository", "Repository", 2, "RepositoryName", 1, "RepositoryName", p_remove_repo},
	{"Start-ECRImageScan", "StartImageScan", "*", 1, "RepositoryName", 1, "RepositoryName", p_start_scan},
	{"Write-ECRImage", "PutImage", "Image", 1, "ImageManifest", 0, NULL, p_write_image},
	{"Write-ECRImageScanningConfiguration", "PutImageScanningConfiguration", "*", 1, "RepositoryName", 1,
	 "RepositoryName", p_write_scancfg},
	{"Write-ECRRegistryScanningConfiguration", "PutRegistryScanningConfiguration", "RegistryScanningConfiguration", 1,
	 NULL, 0, NULL, p_write_regcfg},
};

/* The AWS common parameters and PowerShell's own (accepted; they take part in
 * prefix matching, as in PowerShell). */
const struct ps_param ps_common[] = {
	{"Select", NULL, "@select", PT_STRING, -1, 0},
	{"Region", "RegionToCall", "@region", PT_STRING, -1, 0},
	{"AccessKey", "AK", "@accesskey", PT_STRING, -1, 0},
	{"SecretKey", "SK,SecretAccessKey", "@secretkey", PT_STRING, -1, 0},
	{"SessionToken", "ST", "@sessiontoken", PT_STRING, -1, 0},
	{"ProfileName", "StoredCredentials,AWSProfileName", "@profile", PT_STRING, -1, 0},
	{"ProfileLocation", "AWSProfilesLocation,ProfilesLocation", "@profilelocation", PT_STRING, -1, 0},
	{"Credential", NULL, "@ignored", PT_STRING, -1, 0},
	{"NetworkCredential", NULL, "@ignored", PT_STRING, -1, 0},
	{"EndpointUrl", NULL, "@endpoint", PT_STRING, -1, 0},
	{"ClientConfig", NULL, "@ignored", PT_STRING, -1, 0},
	{"Verbose", "vb", "@ignored", PT_SWITCH, -1, 0},
	{"Debug", "db", "@ignored", PT_SWITCH, -1, 0},
	{"ErrorAction", "ea", "@ignored", PT_STRING, -1, 0},
	{"WarningAction", "wa", "@ignored", PT_STRING, -1, 0},
	{"InformationAction", "infa", "@ignored", PT_STRING, -1, 0},
	{"ProgressAction", "proga", "@ignored", PT_STRING, -1, 0},
	{"ErrorVariable", "ev", "@ignored", PT_STRING, -1, 0},
	{"WarningVariable", "wv", "@ignored", PT_STRING, -1, 0},
	{"InformationVariable", "iv", "@ignored", PT_STRING, -1, 0},
	{"OutVariable", "ov", "@ignored", PT_STRING, -1, 0},
	{"OutBuffer", "ob", "@ignored", PT_STRING, -1, 0},
	{"PipelineVariable", "pv", "@ignored", PT_STRING, -1, 0},
	END,
};

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
