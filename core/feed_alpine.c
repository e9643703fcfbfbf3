/* Alpine secdb: {distroversion, reponame, packages: [{pkg: {name, secfixes: {fixed
 * version: [ids]}}}]}. Lists fixed vulnerabilities only; the "0" key means "never
 * affected". One source per branch and repository ("alpine-secdb:v3.19/main"). */
#include <stdio.h>
#include <string.h>

#include "vulndb_int.h"

int feed_alpine(struct feed *f, json_t *doc, struct ecr_err *err)
{
	const char *branch = json_string_value(json_object_get(doc, "distroversion"));
	const char *repo = json_string_value(json_object_get(doc, "reponame"));
	json_t *pkgs = json_object_get(doc, "packages"), *p;
	char name[128], eco[64];
	long long src;
	size_t i;
	int rc;
	if (!branch || !json_is_array(pkgs))
		return feed_bad(f, err, "at $: an Alpine secdb document needs distroversion (string) and packages (list)");
	snprintf(name, sizeof(name), "alpine-secdb:%s/%s", branch, repo ? repo : "main");
	snprintf(eco, sizeof(eco), "alpine:%s", branch);
	if ((rc = feed_source(f, name, "alpine-secdb", 1, -1, &src, err)))
		return rc;
	json_array_foreach(pkgs, i, p) {
		json_t *pk = json_object_get(p, "pkg");
		const char *pn = json_string_value(json_object_get(pk, "name"));
		json_t *fixes = json_object_get(pk, "secfixes");
		if (!pn)
			return feed_bad(f, err, "at $.packages[%zu].pkg.name: want a string", i);
		if (!fixes || json_is_null(fixes))
			continue;
		if (!json_is_object(fixes))
			return feed_bad(f, err, "at $.packages[%zu].pkg.secfixes: want an object", i);
		const char *ver;
		json_t *ids;
		json_object_foreach(fixes, ver, ids) {
			size_t k;
			json_t *id;
			if (!json_is_array(ids))
				return feed_bad(f, err, "at $.packages[%zu].pkg.secfixes[\"%s\"]: want a list", i, ver);
			if (!strcmp(ver, "0"))
				continue;
			json_array_foreach(ids, k, id) {
				char first[128];
				if (!json_is_string(id))
					return feed_bad(f, err, "at $.packages[%zu].pkg.secfixes[\"%s\"][%zu]: want a string", i, ver, k);
				/* entries may carry more words ("CVE-… (GHSA-…)"): the id is the first */
				if (sscanf(json_string_value(id), "%127s", first) != 1)
					continue;
				if ((rc = feed_advisory(f, src, eco, pn, first, "resolved", NULL, ver, NULL, NULL, NULL, NULL, err)))
					return rc;
			}
		}
	}
	return 0;
}
