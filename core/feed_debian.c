/* The Debian security tracker's JSON: {source package: {CVE: {description, releases:
 * {codename: {status, fixed_version, urgency, repositories}}}}}. Keyed by source
 * package; one whole-feed source ("debian-tracker"): a newer file replaces it. */
#include <string.h>

#include "vulndb_int.h"

/* A member of the root that reads as a source package: {CVE: {…, releases: {…}}}. */
int feed_debian_like(const char *pkg, json_t *cves)
{
	const char *k;
	json_t *v;
	(void)pkg;
	json_object_foreach(cves, k, v) return json_is_object(v) && json_object_get(v, "releases");
	return 0;
}

int feed_debian_begin(struct feed *f, struct ecr_err *err)
{
	return feed_source(f, "debian-tracker", "debian-tracker", 1, -1, &f->debian_src, err);
}

/* One source package's entries. */
int feed_debian_package(struct feed *f, const char *pkg, json_t *cves, struct ecr_err *err)
{
	long long src = f->debian_src;
	const char *cve, *rel;
	json_t *v, *r;
	int rc;
	{
		if (!json_is_object(cves))
			return feed_bad(f, err, "at $[\"%s\"]: want an object of CVEs", pkg);
		json_object_foreach(cves, cve, v) {
			if (!json_is_object(v))
				return feed_bad(f, err, "at $[\"%s\"][\"%s\"]: want an object", pkg, cve);
			if (!strncmp(cve, "TEMP-", 5))
				continue; /* tracker-internal ids, no CVE yet */
			json_t *rels = json_object_get(v, "releases");
			json_t *desc = json_object_get(v, "description");
			/* the tracker writes an empty map as [] */
			if (json_is_array(rels) && !json_array_size(rels))
				continue;
			if (!json_is_object(rels))
				return feed_bad(f, err, "at $[\"%s\"][\"%s\"].releases: want an object", pkg, cve);
			if (desc && !json_is_string(desc))
				return feed_bad(f, err, "at $[\"%s\"][\"%s\"].description: want a string", pkg, cve);
			json_object_foreach(rels, rel, r) {
				const char *status = json_string_value(json_object_get(r, "status"));
				json_t *fixed = json_object_get(r, "fixed_version");
				json_t *urg = json_object_get(r, "urgency");
				char eco[96];
				if (!json_is_object(r) || !status)
					return feed_bad(f, err, "at $[\"%s\"][\"%s\"].releases[\"%s\"]: want an object with a status string",
							pkg, cve, rel);
				if ((fixed && !json_is_string(fixed)) || (urg && !json_is_string(urg)))
					return feed_bad(f, err, "at $[\"%s\"][\"%s\"].releases[\"%s\"]: fixed_version and urgency must be strings",
							pkg, cve, rel);
				const char *fv = json_string_value(fixed);
				if (!strcmp(status, "resolved") && (!fv || !strcmp(fv, "0")))
					continue; /* "0": this release was never affected */
				/* statuses other than open/resolved/undetermined (older files have a
				 * few) are kept and never reported: matching knows only those three */
				snprintf(eco, sizeof(eco), "debian:%s", rel);
				if ((rc = feed_advisory(f, src, eco, pkg, cve, status, NULL, !strcmp(status, "resolved") ? fv : NULL,
							NULL, NULL, feed_severity_word(json_string_value(urg)),
							json_string_value(desc), err)))
					return rc;
			}
		}
	}
	return 0;
}

int feed_debian(struct feed *f, json_t *doc, struct ecr_err *err)
{
	const char *pkg;
	json_t *cves;
	int rc = feed_debian_begin(f, err);
	if (rc)
		return rc;
	json_object_foreach(doc, pkg, cves) if ((rc = feed_debian_package(f, pkg, cves, err))) return rc;
	return 0;
}
