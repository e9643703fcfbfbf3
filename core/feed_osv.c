/* OSV records: {id, modified, aliases, upstream, summary, details, severity,
 * affected: [{package: {ecosystem, name}, ranges: [{type, events}], versions,
 * ecosystem_specific, database_specific}], database_specific}. One source per
 * ecosystem family ("osv:Alpine"); a record re-imported replaces its old rows. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "str.h"
#include "timefmt.h"
#include "vercmp.h"
#include "vulndb_int.h"

/* "Alpine:v3.18" → "alpine:v3.18", "Debian:12" → "debian:12", "Ubuntu:22.04:LTS" →
 * "ubuntu:22.04": lower case, Ubuntu's support-level suffix dropped. */
static void norm_eco(const char *in, char *out, size_t n)
{
	size_t i;
	for (i = 0; in[i] && i < n - 1; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
	if (!strncmp(out, "ubuntu:", 7)) {
		char *c = strchr(out + 7, ':');
		if (c)
			*c = '\0';
	}
}

static const char *severity_of(json_t *rec, json_t *aff)
{
	const char *w = json_string_value(json_object_get(json_object_get(aff, "ecosystem_specific"), "severity"));
	if (!w)
		w = json_string_value(json_object_get(json_object_get(aff, "database_specific"), "severity"));
	if (!w)
		w = json_string_value(json_object_get(json_object_get(rec, "database_specific"), "severity"));
	if (!w) {
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(rec, "severity"), i, s) {
			const char *t = json_string_value(json_object_get(s, "type"));
			if (t && !strcmp(t, "Ubuntu"))
				w = json_string_value(json_object_get(s, "score"));
		}
	}
	return feed_severity_word(w);
}

/* The CVE names a record stands for: its id when it is one, the CVE behind an
 * UBUNTU-/DEBIAN-/ALPINE- prefixed id, else its CVE aliases and upstream ids. */
static json_t *names(json_t *rec)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	json_t *out = json_array();
	const char *cve = strstr(id, "CVE-");
	if (cve && (cve == id || cve[-1] == '-')) {
		json_array_append_new(out, json_string(cve));
		return out;
	}
	const char *keys[] = {"aliases", "upstream"};
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *a;
		json_array_foreach(json_object_get(rec, keys[k]), i, a) {
			const char *s = json_string_value(a);
			if (s && !strncmp(s, "CVE-", 4))
				json_array_append_new(out, json_string(s));
		}
	}
	if (!json_array_size(out))
		json_array_append_new(out, json_string(id));
	return out;
}

/* Rows are filed under CVE ids, and several records may name one CVE in one source
 * (GO-2024-2687 and GHSA-4v7x-pqxf-cx7m: stdlib and x/net, and net/http). Each row
 * carries the record that wrote it (advisory.record, advisory_cvss.record), so that a
 * record imported again takes away its own old rows only; forgetting by CVE alone, the
 * record imported last left the CVE with its packages alone, and which one that was
 * depended on the order of the files. Rows written before the column (NULL) go as
 * before. */
static int run(struct feed *f, const char *sql, long long src, const char *vuln, const char *record,
	       struct ecr_err *err)
{
	sqlite3_stmt *st = ecr_state_prepare(f->ctx->db, sql, err);
	if (!st)
		return ECR_E_STATE;
	sqlite3_bind_int64(st, 1, src);
	sqlite3_bind_text(st, 2, vuln, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, record, -1, SQLITE_STATIC);
	int rc = ecr_state_step(st, err);
	ecr_state_done(st);
	return rc < 0 ? rc : 0;
}

static int forget_record(struct feed *f, long long src, const char *vuln, const char *record, struct ecr_err *err)
{
	int rc = run(f, "DELETE FROM advisory WHERE source_id = ?1 AND vuln_id = ?2 AND (record IS NULL OR record = ?3)",
		     src, vuln, record, err);
	return rc ? rc : run(f, "DELETE FROM advisory_cvss WHERE source_id = ?1 AND vuln_id = ?2 AND (record IS NULL OR record = ?3)",
			     src, vuln, record, err);
}

/* the rows just written (the record's forget left no other untagged ones) are its own */
static int tag_record(struct feed *f, long long src, const char *vuln, const char *record, struct ecr_err *err)
{
	int rc = run(f, "UPDATE advisory SET record = ?3 WHERE source_id = ?1 AND vuln_id = ?2 AND record IS NULL", src, vuln,
		     record, err);
	return rc ? rc : run(f, "UPDATE advisory_cvss SET record = ?3 WHERE source_id = ?1 AND vuln_id = ?2 AND record IS NULL",
			     src, vuln, record, err);
}

int feed_osv(struct feed *f, json_t *rec, struct ecr_err *err)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	json_t *aff = json_object_get(rec, "affected"), *a;
	const char *desc = json_string_value(json_object_get(rec, "details"));
	double modified = -1;
	size_t i;
	int rc = 0;
	if (!desc || !*desc)
		desc = json_string_value(json_object_get(rec, "summary"));
	if (!id || !*id) /* OSV's schema requires it: it names every finding */
		return feed_bad(f, err, "an OSV record at $.id: want a string");
	if (aff && !json_is_array(aff))
		return feed_bad(f, err, "record %s at $.affected: want a list", id);
	const char *mod = json_string_value(json_object_get(rec, "modified"));
	if (mod && ecr_time_parse(mod, &modified))
		modified = -1;
	/* OSV: "withdrawn" is when the entry stopped being a vulnerability (PYSEC-2023-73:
	 * CVE-2023-31655 is the redis server's, not redis-py's). Such a record only takes
	 * its old rows away, as a re-import does; one withdrawn at a time still to come
	 * stands until then. A date that does not parse counts as withdrawn. */
	const char *wd = json_string_value(json_object_get(rec, "withdrawn"));
	double wd_at;
	int withdrawn = wd && *wd && (ecr_time_parse(wd, &wd_at) || wd_at <= ecr_ctx_now(f->ctx));
	json_t *ids = names(rec), *forgotten = json_object();
	char *pynorm = NULL; /* a PyPI name in its PEP 503 form */
	json_array_foreach(aff, i, a) {
		const char *ecosys = json_string_value(json_object_get(json_object_get(a, "package"), "ecosystem"));
		const char *pkg = json_string_value(json_object_get(json_object_get(a, "package"), "name"));
		char eco[128], srcname[160];
		long long src;
		if (!ecosys || !pkg) {
			rc = feed_bad(f, err, "record %s at $.affected[%zu].package: want ecosystem and name strings", id, i);
			break;
		}
		/* a cut ecosystem would be another one: refused, as no real one is this long */
		size_t el = strlen(ecosys);
		if (el >= sizeof(eco)) {
			rc = feed_bad(f, err, "record %s at $.affected[%zu].package: ecosystem '%.*s…' is longer than %zu bytes",
				      id, i, ecr_str_quote(el, 64), ecosys, sizeof(eco) - 1);
			break;
		}
		_Static_assert(sizeof(srcname) >= sizeof("osv:") + sizeof(eco), "srcname holds any family");
		norm_eco(ecosys, eco, sizeof(eco));
		/* PyPI names are stored in PEP 503's form ("Werkzeug", "zope.interface" as
		 * werkzeug, zope-interface), so that a scan meets them by the index on
		 * (ecosystem, package) instead of normalising every PyPI row per package */
		if (!strcmp(eco, "pypi")) {
			free(pynorm);
			if (!(pynorm = malloc(strlen(pkg) + 1))) {
				rc = ecr_err_oom(err);
				break;
			}
			ecr_pypi_normalize(pkg, pynorm);
			pkg = pynorm;
		}
		char family[sizeof(eco)];
		ecr_str_ncopy(family, sizeof(family), ecosys, strcspn(ecosys, ":")); /* fits: shorter than ecosys */
		snprintf(srcname, sizeof(srcname), "osv:%s", family);
		if ((rc = feed_source(f, srcname, "osv", 0, modified, &src, err)))
			break;
		size_t k;
		json_t *nm;
		/* the record's old rows go once, before its first new row in this source */
		if (!json_object_get(forgotten, srcname)) {
			json_array_foreach(ids, k, nm)
				if ((rc = forget_record(f, src, json_string_value(nm), id, err)))
					goto out;
			json_object_set_new(forgotten, srcname, json_integer(src));
		}
		if (withdrawn)
			continue;
		/* the record's own CVSS vectors, once per id and source: the top-level list,
		 * and the affected entry's own (OSV 1.5: a record gives one or the other, so a
		 * record scoring per package had its findings unscored, UNTRIAGED) */
		json_array_foreach(ids, k, nm) {
			json_t *lists[] = {json_object_get(rec, "severity"), json_object_get(a, "severity")};
			for (int li = 0; li < 2; li++) {
				size_t si;
				json_t *sv;
				json_array_foreach(lists[li], si, sv) {
					const char *t = json_string_value(json_object_get(sv, "type"));
					const char *vec = json_string_value(json_object_get(sv, "score"));
					if (t && vec && (!strcmp(t, "CVSS_V3") || !strcmp(t, "CVSS_V2") || !strcmp(t, "CVSS_V4")) &&
					    (rc = feed_cvss(f, src, json_string_value(nm), vec, err)))
						goto out;
				}
			}
		}
		const char *sev = severity_of(rec, a);
		json_t *ranges = json_object_get(a, "ranges"), *r;
		json_t *versions = json_object_get(a, "versions");
		if ((ranges && !json_is_array(ranges)) || (versions && !json_is_array(versions) && !json_is_null(versions))) {
			rc = feed_bad(f, err, "record %s at $.affected[%zu]: ranges and versions must be lists", id, i);
			break;
		}
		json_array_foreach(ids, k, nm) {
			const char *vid = json_string_value(nm);
			size_t ri;
			json_array_foreach(ranges, ri, r) {
				const char *type = json_string_value(json_object_get(r, "type"));
				if (!type || !strcmp(type, "GIT"))
					continue; /* commit ranges name no package version */
				/* events that are no list would give no row: the record's ranges vanish */
				if (!json_is_array(json_object_get(r, "events"))) {
					rc = feed_bad(f, err, "record %s at $.affected[%zu].ranges[%zu].events: want a list", id, i, ri);
					goto out;
				}
				const char *intro = NULL;
				int open = 0;
				size_t ei;
				json_t *ev;
				/* the schema's evaluation walk: an introduced opens a range (inside one,
				 * it moves no bound: the first stands), a fixed or last_affected closes
				 * the open one; with none open it closes nothing (a second fixed is a
				 * later branch's, not a range from the first introduced again) */
				json_array_foreach(json_object_get(r, "events"), ei, ev) {
					const char *v;
					if ((v = json_string_value(json_object_get(ev, "introduced")))) {
						if (!open)
							intro = strcmp(v, "0") ? v : NULL;
						open = 1;
					} else if ((v = json_string_value(json_object_get(ev, "fixed")))) {
						if (open &&
						    (rc = feed_advisory(f, src, eco, pkg, vid, "resolved", intro, v, NULL, NULL, sev, desc, err)))
							goto out;
						open = 0;
					} else if ((v = json_string_value(json_object_get(ev, "last_affected")))) {
						if (open &&
						    (rc = feed_advisory(f, src, eco, pkg, vid, "resolved", intro, NULL, v, NULL, sev, desc, err)))
							goto out;
						open = 0;
					}
				}
				if (open && (rc = feed_advisory(f, src, eco, pkg, vid, "open", intro, NULL, NULL, NULL, sev, desc, err)))
					goto out;
			}
			if (json_is_array(versions) && json_array_size(versions)) {
				char *vs = json_dumps(versions, JSON_COMPACT);
				rc = feed_advisory(f, src, eco, pkg, vid, "versions", NULL, NULL, NULL, vs, sev, desc, err);
				free(vs);
				if (rc)
					goto out;
			}
		}
	}
	if (!rc) {
		const char *sn;
		json_t *sv, *nm;
		size_t k;
		json_object_foreach(forgotten, sn, sv)
			json_array_foreach(ids, k, nm)
				if ((rc = tag_record(f, json_integer_value(sv), json_string_value(nm), id, err)))
					goto out;
	}
out:
	free(pynorm);
	json_decref(ids);
	json_decref(forgotten);
	return rc;
}
