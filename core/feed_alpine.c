/* Alpine secdb: {distroversion, reponame, packages: [{pkg: {name, secfixes: {fixed
 * version: [ids]}}}]}. Lists fixed vulnerabilities only; the "0" key means "never
 * affected". One source per branch and repository ("alpine-secdb:v3.19/main").
 * Also read: one package per document as aquasecurity/vuln-list stores secdb
 * ({name, secfixes, distroversion, reponame, …}; it replaces that package's rows),
 * and the Wolfi / Chainguard secdb (the same packages list, no distroversion;
 * ecosystem "wolfi" or "chainguard"). Real documents write null for an empty list
 * ("packages": null, a secfixes version mapped to null): null is read as empty. */
#include <stdio.h>
#include <string.h>

#include "state.h"
#include "vulndb_int.h"

/* One package's secfixes object; at names its JSON path for messages. */
static int secfixes(struct feed *f, long long src, const char *eco, const char *pn, json_t *fixes, const char *at,
		    struct ecr_err *err)
{
	const char *ver;
	json_t *ids;
	int rc;
	if (!fixes || json_is_null(fixes))
		return 0;
	if (!json_is_object(fixes))
		return feed_bad(f, err, "at %s.secfixes: want an object", at);
	json_object_foreach(fixes, ver, ids) {
		size_t k;
		json_t *id;
		if (json_is_null(ids))
			continue;
		if (!json_is_array(ids))
			return feed_bad(f, err, "at %s.secfixes[\"%s\"]: want a list", at, ver);
		if (!strcmp(ver, "0"))
			continue;
		json_array_foreach(ids, k, id) {
			char first[128];
			if (!json_is_string(id))
				return feed_bad(f, err, "at %s.secfixes[\"%s\"][%zu]: want a string", at, ver, k);
			/* entries may carry more words ("CVE-… (GHSA-…)"): the id is the first */
			if (sscanf(json_string_value(id), "%127s", first) != 1)
				continue;
			if ((rc = feed_advisory(f, src, eco, pn, first, "resolved", NULL, ver, NULL, NULL, NULL, NULL, err)))
				return rc;
		}
	}
	return 0;
}

int feed_alpine_like(json_t *doc)
{
	json_t *pkgs = json_object_get(doc, "packages");
	if (!json_is_object(doc))
		return 0;
	if (json_is_string(json_object_get(doc, "distroversion")))
		return pkgs || (json_is_string(json_object_get(doc, "name")) && json_object_get(doc, "secfixes"));
	/* Wolfi / Chainguard: a packages list with the secdb's apkurl template */
	return json_is_array(pkgs) && json_is_string(json_object_get(doc, "reponame")) &&
	       json_is_string(json_object_get(doc, "apkurl"));
}

int feed_alpine(struct feed *f, json_t *doc, struct ecr_err *err)
{
	const char *branch = json_string_value(json_object_get(doc, "distroversion"));
	const char *repo = json_string_value(json_object_get(doc, "reponame"));
	json_t *pkgs = json_object_get(doc, "packages"), *p;
	char name[128], eco[64], at[64];
	long long src;
	size_t i;
	int rc;
	if (branch) {
		snprintf(name, sizeof(name), "alpine-secdb:%s/%s", branch, repo ? repo : "main");
		snprintf(eco, sizeof(eco), "alpine:%s", branch);
	} else {
		/* Wolfi's repository is "os", Chainguard's "chainguard"; no releases */
		snprintf(eco, sizeof(eco), "%s", repo && !strcmp(repo, "os") ? "wolfi" : repo ? repo : "wolfi");
		snprintf(name, sizeof(name), "secdb:%s", eco);
	}
	if (branch && !pkgs && json_is_string(json_object_get(doc, "name"))) {
		/* one package: it replaces that package's rows of the branch */
		const char *pn = json_string_value(json_object_get(doc, "name"));
		if ((rc = feed_source(f, name, "alpine-secdb", 0, -1, &src, err)) ||
		    (rc = feed_forget_package(f, src, eco, pn, err)))
			return rc;
		return secfixes(f, src, eco, pn, json_object_get(doc, "secfixes"), "$", err);
	}
	if (pkgs && !json_is_null(pkgs) && !json_is_array(pkgs))
		return feed_bad(f, err, "at $.packages: want a list");
	if ((rc = feed_source(f, name, branch ? "alpine-secdb" : "wolfi-secdb", 1, -1, &src, err)))
		return rc;
	json_array_foreach(pkgs, i, p) {
		json_t *pk = json_object_get(p, "pkg");
		const char *pn = json_string_value(json_object_get(pk, "name"));
		if (!pn)
			return feed_bad(f, err, "at $.packages[%zu].pkg.name: want a string", i);
		snprintf(at, sizeof(at), "$.packages[%zu].pkg", i);
		if ((rc = secfixes(f, src, eco, pn, json_object_get(pk, "secfixes"), at, err)))
			return rc;
	}
	return 0;
}
