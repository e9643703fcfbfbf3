/* dpkg's status file: RFC 822-like stanzas separated by blank lines; continuation
 * lines start with a space or tab. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"

struct stanza {
	char package[256], version[256], arch[64], status[128], source[512]; /* fields we use */
	int has_status;                                                     /* a Status: line */
	int line;                                                           /* where it starts */
};

static void field(char *dst, size_t cap, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int installed(const struct stanza *s, int status_d)
{
	if (!s->has_status)
		return status_d;
	/* "want flag status": the third word must be installed ("install ok installed",
	 * "hold ok installed"); config-files, half-installed, not-installed do not count */
	const char *third = strrchr(s->status, ' ');
	return third && !strcmp(third + 1, "installed");
}

static int finish(struct stanza *s, int status_d, struct ecr_pkgs *out, struct ecr_err *err)
{
	int rc = 0;
	if (!s->package[0] && !s->version[0])
		goto clear;
	if (!s->package[0] || !s->version[0]) {
		/* an incomplete entry is skipped and reported, as dpkg-query skips it */
		if (!out->skipped++)
			snprintf(out->skipped_why, sizeof(out->skipped_why), "the entry at line %d lacks %s", s->line,
				 s->package[0] ? "Version" : "Package");
		goto clear;
	}
	if (installed(s, status_d)) {
		char src[512], srcver[256] = "";
		snprintf(src, sizeof(src), "%s", s->source);
		char *paren = strchr(src, '(');
		if (paren) {
			char *close = strchr(paren, ')');
			if (close)
				*close = '\0';
			snprintf(srcver, sizeof(srcver), "%s", paren + 1);
			*paren = '\0';
			size_t n = strlen(src);
			while (n && src[n - 1] == ' ')
				src[--n] = '\0';
		}
		if (ecr_pkgs_add(out, s->package, s->version, src, srcver, s->arch, "dpkg"))
			rc = ecr_pkgs_add_failed(out, err);
	}
clear:
	memset(s, 0, sizeof(*s));
	return rc;
}

int ecr_pkg_dpkg(const char *data, size_t n, int status_d, struct ecr_pkgs *out, struct ecr_err *err)
{
	struct stanza s;
	const char *p = data, *end = data + n;
	int line = 0, rc;
	memset(&s, 0, sizeof(s));
	if (n && memchr(data, '\0', n))
		return ecr_err_set(err, ECR_E_ARCHIVE, "malformed dpkg status: it contains NUL bytes");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
		line++;
		if (len == 0 || (len == 1 && p[0] == '\r')) {
			if ((rc = finish(&s, status_d, out, err)))
				return rc;
		} else if (p[0] != ' ' && p[0] != '\t') {
			const char *colon = memchr(p, ':', len);
			if (colon) {
				size_t kl = (size_t)(colon - p), vl = len - kl - 1;
				if (!s.line)
					s.line = line;
#define IS(k) (kl == sizeof(k) - 1 && !strncasecmp(p, k, kl))
				if (IS("Package"))
					field(s.package, sizeof(s.package), colon + 1, vl);
				else if (IS("Version"))
					field(s.version, sizeof(s.version), colon + 1, vl);
				else if (IS("Architecture"))
					field(s.arch, sizeof(s.arch), colon + 1, vl);
				else if (IS("Source"))
					field(s.source, sizeof(s.source), colon + 1, vl);
				else if (IS("Status")) {
					field(s.status, sizeof(s.status), colon + 1, vl);
					s.has_status = 1;
				}
#undef IS
			}
		}
		p += len + 1;
	}
	return finish(&s, status_d, out, err);
}
