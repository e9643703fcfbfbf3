/* Inspector's platform names from os-release: the forms seen in real findings and the
 * inspector2 model's examples (core/platform.c), the depth of each family's release,
 * and an ID no row names. */
#include "../../core/platform.h"
#include "unit.h"

void test_platform_name(void)
{
	static const struct {
		const char *id, *version, *want;
	} rows[] = {
		{"debian", "12", "DEBIAN_12"},
		{"debian", "11", "DEBIAN_11"},
		{"amzn", "2", "AMAZON_LINUX_2"},
		{"amzn", "2023", "AMAZON_LINUX_2023"},
		{"ubuntu", "22.04", "UBUNTU_22_04"},
		{"alpine", "3.19.4", "ALPINE_LINUX_3_19"},
		{"alpine", "3.8", "ALPINE_LINUX_3_8"},
		{"ol", "7.9", "ORACLE_LINUX_7"},
		{"fedora", "39", "FEDORA_39"},
		{"opensuse-leap", "15.5", "OPENSUSE_LEAP_15"},
		{"debian", NULL, "DEBIAN"},       /* sid and testing have no VERSION_ID */
		{"debian", "trixie", "DEBIAN"},
	};
	char out[64];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CHECK(ecr_platform_name(rows[i].id, rows[i].version, out, sizeof(out)) == 0);
		CHECK_STR(out, rows[i].want);
	}
	CHECK(ecr_platform_name("", "12", out, sizeof(out)) == -1);
	CHECK(ecr_platform_name(NULL, "12", out, sizeof(out)) == -1);
	char small[8];
	CHECK(ecr_platform_name("ubuntu", "22.04", small, sizeof(small)) == 0);
	CHECK_STR(small, "UBUNTU_"); /* cut to the buffer, never past it */
}
