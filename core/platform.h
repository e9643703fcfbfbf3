/* Amazon Inspector's name for an image's operating system, as ECR's enhanced findings
 * give it in resources[].details.awsEcrContainerImage.platform. Core-internal. */
#ifndef ECR_PLATFORM_H
#define ECR_PLATFORM_H
#include <stddef.h>

/* The platform of os-release ID id and VERSION_ID version_id in out: upper case,
 * underscore separated, the release to the depth Inspector names it ("DEBIAN_12",
 * "UBUNTU_22_04", "ALPINE_LINUX_3_19", "AMAZON_LINUX_2"); an ID without a row, its
 * own name and major release ("FEDORA_39"). 0 when written, -1 when id is empty. */
int ecr_platform_name(const char *id, const char *version_id, char *out, size_t n);

#endif
