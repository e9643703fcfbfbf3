/* Which operating system an image is: os-release first, then the distribution's own
 * release files, with Debian's codename derived when os-release has none. */
#include <stdio.h>
#include <string.h>

#include "inventory_int.h"
#include "str.h"
#include "wanted.h"

static void osr_value(const char *data, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = data; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t vl = len - kl - 1;
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0])
				v++, vl -= 2;
			ecr_str_ncopy(out, n, v, vl); /* too long for a real value: none, never a cut one */
			return;
		}
		p = eol ? eol + 1 : NULL;
	}
}

/* The first line, without surrounding white space, up to the first of stop. */
static void first_line(const char *data, const char *stop, char *out, size_t n)
{
	while (*data == ' ' || *data == '\t')
		data++;
	size_t len = strcspn(data, "\r\n");
	size_t cut = strcspn(data, stop);
	if (cut < len)
		len = cut;
	while (len && (data[len - 1] == ' ' || data[len - 1] == '\t'))
		len--;
	ecr_str_ncopy(out, n, data, len); /* too long for a real version: none, never a cut one */
}

static const char *text(struct ecr_view *v, const char *path, const char *row)
{
	const struct ecr_payload *p = ecr_view_file(v, path, ecr_wanted_by_name(row));
	return p && p->text.data ? p->text.data : NULL;
}

/* Debian's os-release has no codename on older releases: derived from the version */
static const struct { const char *ver, *code; } debian[] = {
	{"9", "stretch"}, {"10", "buster"}, {"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"},
};

json_t *ecr_osrelease_detect(struct ecr_view *v)
{
	char id[64] = "", ver[64] = "", code[64] = "", pretty[256] = "";
	const char *t = text(v, "etc/os-release", "os-release");
	if (!t)
		t = text(v, "usr/lib/os-release", "os-release");
	if (t) {
		osr_value(t, "ID", id, sizeof(id));
		osr_value(t, "VERSION_ID", ver, sizeof(ver));
		osr_value(t, "VERSION_CODENAME", code, sizeof(code));
		osr_value(t, "PRETTY_NAME", pretty, sizeof(pretty));
	}
	if (!id[0] && (t = text(v, "etc/alpine-release", "alpine-release"))) {
		snprintf(id, sizeof(id), "alpine");
		first_line(t, "", ver, sizeof(ver));
	}
	if ((t = text(v, "etc/debian_version", "debian_version"))) {
		if (!id[0])
			snprintf(id, sizeof(id), "debian");
		/* "12.5" gives 12; testing and sid write "forky/sid": kept whole, one line */
		if (!strcmp(id, "debian") && !ver[0])
			first_line(t, ".", ver, sizeof(ver));
		if (!strcmp(id, "debian") && !code[0]) {
			char *slash = strchr(ver, '/');
			if (slash)
				ecr_str_ncopy(code, sizeof(code), ver, (size_t)(slash - ver));
		}
	}
	if (!id[0])
		return json_null();
	if (!strcmp(id, "debian") && !code[0])
		for (size_t i = 0; i < sizeof(debian) / sizeof(debian[0]); i++)
			if (!strcmp(ver, debian[i].ver))
				snprintf(code, sizeof(code), "%s", debian[i].code);
	json_t *os = json_pack("{s:o, s:o}", "id", ecr_layer_text(id), "versionId", ecr_layer_text(ver));
	if (code[0])
		json_object_set_new(os, "codename", ecr_layer_text(code));
	if (pretty[0])
		json_object_set_new(os, "prettyName", ecr_layer_text(pretty));
	return os;
}
