/* Inspector's platform names (platform.h). Seen in real findings and documents:
 * DEBIAN_12 and AMAZON_LINUX_2 (ECR enhanced findings), UBUNTU_22_04 (Inspector's
 * EC2 findings), ORACLE_LINUX_7 and ALPINE_LINUX_3_8 (the inspector2 model's own
 * examples of its operating-system names). The rows give each family's name and how
 * many parts of VERSION_ID it keeps; the rest is inferred from that pattern. */
#include <ctype.h>
#include <string.h>

#include "platform.h"

static const struct {
	const char *id;   /* os-release ID */
	const char *name; /* Inspector's name of the family */
	int parts;        /* VERSION_ID parts kept: "22.04" is two, Debian's "12" one */
} rows[] = {
	{"alpine", "ALPINE_LINUX", 2},
	{"amzn", "AMAZON_LINUX", 1},
	{"debian", "DEBIAN", 1},
	{"ol", "ORACLE_LINUX", 1},
	{"ubuntu", "UBUNTU", 2},
};

/* n bytes of s after out's *len, cut to its size: 1 when all of them fit. The name is
 * shown, never looked up, and a short buffer keeps its start (test_platform_name). */
static int put(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	size_t room = size - 1 - *len, k = n < room ? n : room;
	memcpy(out + *len, s, k);
	*len += k;
	out[*len] = '\0';
	return k == n;
}

int ecr_platform_name(const char *id, const char *version_id, char *out, size_t n)
{
	const char *family = NULL;
	int parts = 1;
	if (!id || !*id || !n)
		return -1;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcmp(rows[i].id, id)) {
			family = rows[i].name;
			parts = rows[i].parts;
		}
	size_t len = 0;
	if (family) {
		out[0] = '\0';
		put(out, n, &len, family, strlen(family));
	} else {
		/* no row: the ID itself, upper case, its separators as underscores */
		for (; id[len] && len + 1 < n; len++)
			out[len] = isalnum((unsigned char)id[len]) ? (char)toupper((unsigned char)id[len]) : '_';
		out[len] = '\0';
	}
	/* the release: its first parts, each after an underscore */
	for (const char *v = version_id ? version_id : ""; parts > 0 && len + 1 < n; parts--) {
		size_t d = strspn(v, "0123456789");
		if (!d)
			break;
		if (!put(out, n, &len, "_", 1) || !put(out, n, &len, v, d) || v[d] != '.')
			break;
		v += d + 1;
	}
	return 0;
}
