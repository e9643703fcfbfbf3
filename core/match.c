#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "state.h"
#include "str.h"
#include "vercmp.h"

static const char *const ranks[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"};

int ecr_severity_rank(const char *sev)
{
	for (int i = 0; i < ECR_NSEVERITIES; i++)
		if (sev && !strcmp(sev, ranks[i]))
			return i;
	return ECR_NSEVERITIES - 1;
}

const char *ecr_severity_name(int rank)
{
	return rank >= 0 && rank < ECR_NSEVERITIES ? ranks[rank] : NULL;
}

const char *ecr_severity_for_score(double s)
{
	if (s < 0)
		return "UNDEFINED";
	if (s == 0)
		return "INFORMATIONAL";
	if (s < 4.0)
		return "LOW";
	if (s < 7.0)
		return "MEDIUM";
	if (s < 9.0)
		return "HIGH";
	return "CRITICAL";
}

/* The advisory ecosystems an OS release is known by (at most ECOSYSTEM_KEYS), and
 * the URI style of its findings. */
#define ECOSYSTEM_KEYS 2 /* Debian's codename and major version; one for the rest */

static void ecosystems(json_t *os, json_t *keys, const char **uri_style)
{
	const char *id = json_string_value(json_object_get(os, "id"));
	const char *ver = json_string_value(json_object_get(os, "versionId"));
	const char *code = json_string_value(json_object_get(os, "codename"));
	*uri_style = "nvd";
	if (!id)
		return;
	if (!strcmp(id, "debian")) {
		*uri_style = "debian";
		if (code) {
			json_array_append_new(keys, json_sprintf("debian:%s", code));
		}
		if (ver) {
			json_array_append_new(keys, json_sprintf("debian:%.*s", (int)strcspn(ver, "."), ver));
		}
	} else if (!strcmp(id, "alpine") && ver) {
		/* 3.19.4 → v3.19: secdb and OSV name branches */
		const char *dot = strchr(ver, '.');
		size_t n = dot ? (size_t)(strchr(dot + 1, '.') ? strchr(dot + 1, '.') - ver : (long)strlen(ver)) : strlen(ver);
		json_array_append_new(keys, json_sprintf("alpine:v%.*s", (int)n, ver));
	} else if (!strcmp(id, "ubuntu") && ver) {
		*uri_style = "ubuntu";
		json_array_append_new(keys, json_sprintf("ubuntu:%s", ver));
	} else if (ver) {
		/* OSV names some releases otherwise than os-release does: AlmaLinux and Rocky by
		 * major version only ("AlmaLinux:9", "Rocky Linux:9" for VERSION_ID 9.3), Rocky
		 * and Photon by a longer name; without this their records never matched */
		static const struct {
			const char *id, *eco; /* os-release ID, OSV's ecosystem (lower case) */
			int major;            /* the major version only */
		} renames[] = {
			{"almalinux", "almalinux", 1},
			{"rocky", "rocky linux", 1},
			{"photon", "photon os", 0},
		};
		const char *eco = id;
		int major = 0;
		for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
			if (!strcmp(id, renames[i].id)) {
				eco = renames[i].eco;
				major = renames[i].major;
			}
		json_array_append_new(keys, json_sprintf("%s:%.*s", eco, major ? (int)strcspn(ver, ".") : (int)strlen(ver), ver));
	}
}

int ecr_advisory_affects(ecr_vercmp_fn cmp, const char *v, const char *status, const char *intro, const char *fixed,
		   const char *last, const char *versions, int undetermined)
{
	if (!strcmp(status, "undetermined"))
		return undetermined;
	if (!strcmp(status, "versions")) {
		json_t *l = json_loads(versions ? versions : "[]", 0, NULL);
		size_t i;
		json_t *e;
		int hit = 0;
		json_array_foreach(l, i, e) hit |= json_is_string(e) && !cmp(v, json_string_value(e));
		json_decref(l);
		return hit;
	}
	if (intro && cmp(v, intro) < 0)
		return 0;
	if (!strcmp(status, "open"))
		return 1;
	if (strcmp(status, "resolved"))
		return 0; /* statuses the tracker no longer uses */
	if (fixed)
		return cmp(v, fixed) < 0;
	if (last)
		return cmp(v, last) <= 0;
	return 0;
}

static void score_text(double s, char *out, size_t n)
{
	/* ECR writes scores as the feed does: "5", "9.3" */
	snprintf(out, n, "%g", s);
}

struct hit {
	char *vuln;           /* CVE id */
	char *pkg;            /* installed binary package */
	char *version;        /* its version */
	char *severity;       /* the distribution's, or NULL */
	char *description;    /* the feed's, or NULL */
};

static int cmp_finding(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int r = ecr_severity_rank(json_string_value(json_object_get(x, "severity"))) -
		ecr_severity_rank(json_string_value(json_object_get(y, "severity")));
	if (r)
		return r;
	r = strcmp(json_string_value(json_object_get(x, "name")), json_string_value(json_object_get(y, "name")));
	if (r)
		return r;
	/* attributes[1] is package_name */
	return strcmp(json_string_value(json_object_get(json_array_get(json_object_get(x, "attributes"), 1), "value")),
		      json_string_value(json_object_get(json_array_get(json_object_get(y, "attributes"), 1), "value")));
}

int ecr_match(struct ecr_ctx *ctx, json_t *inv, json_t **out, struct ecr_err *err)
{
	json_t *keys = json_array(), *found = json_object(), *findings = json_array(), *counts = json_object();
	const char *uri_style;
	int undetermined = ecr_ctx_report_undetermined(ctx), covered = 0, rc = 0;
	sqlite3_stmt *q = NULL, *cv = NULL;
	*out = NULL;
	ecosystems(json_object_get(inv, "os"), keys, &uri_style);
	/* which ecosystems does any feed cover? */
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k) {
		sqlite3_stmt *st = ecr_state_prepare(ctx->db, "SELECT 1 FROM advisory WHERE ecosystem = ? LIMIT 1", err);
		if (!st) {
			rc = ECR_E_STATE;
			goto out;
		}
		sqlite3_bind_text(st, 1, json_string_value(k), -1, SQLITE_STATIC);
		rc = ecr_state_step(st, err);
		ecr_state_done(st);
		if (rc < 0)
			goto out;
		covered |= rc;
		rc = 0;
	}
	if (json_array_size(keys)) {
		/* one statement for every release: a key not given is NULL, which matches nothing */
		q = ecr_state_prepare(ctx->db,
			"SELECT a.vuln_id, a.status, a.introduced, a.fixed, a.last_affected, a.versions, a.severity, a.description"
			" FROM advisory a WHERE a.package IN (?1, ?4) AND a.ecosystem IN (?2, ?3) ORDER BY a.vuln_id", err);
		if (!q) {
			rc = ECR_E_STATE;
			goto out;
		}
		_Static_assert(ECOSYSTEM_KEYS == 2, "the statement's IN list names ?2 and ?3");
		sqlite3_clear_bindings(q);
		json_array_foreach(keys, i, k) sqlite3_bind_text(q, (int)i + 2, json_string_value(k), -1, SQLITE_TRANSIENT);
	}
	cv = ecr_state_prepare(ctx->db,
		"SELECT description, cvss2_vector, cvss2_score, cvss3_vector, cvss3_score FROM cve_info WHERE vuln_id = ?", err);
	if (!cv) {
		rc = ECR_E_STATE;
		goto out;
	}
	json_t *p;
	json_array_foreach(json_object_get(inv, "packages"), i, p) {
		const char *fmt = json_string_value(json_object_get(p, "format"));
		ecr_vercmp_fn cmp = ecr_vercmp_for(fmt);
		/* Debian-family feeds are keyed by source package and compare the source
		 * version (a binary epoch or +bN would mislead); apk and rpm use their own */
		const char *key = json_string_value(json_object_get(p, "sourceName"));
		const char *v = !strcmp(fmt, "dpkg") ? json_string_value(json_object_get(p, "sourceVersion"))
						     : json_string_value(json_object_get(p, "version"));
		const char *bin = json_string_value(json_object_get(p, "name"));
		const char *binver = json_string_value(json_object_get(p, "version"));
		if (!q || !cmp)
			continue;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
		/* rpm advisories name binary packages too: OSV's AlmaLinux and Rocky records list
		 * krb5-libs, mariadb-server (no source krb5), so the binary name is asked as well;
		 * a finding is per binary either way. Debian and Alpine name sources only. */
		if (!strcmp(fmt, "rpm") && bin && (!key || strcmp(bin, key)))
			sqlite3_bind_text(q, 4, bin, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(q, 4);
		while ((rc = ecr_state_step(q, err)) > 0) {
#define COL(n) ((const char *)sqlite3_column_text(q, n))
			if (!ecr_advisory_affects(cmp, v, COL(1), COL(2), COL(3), COL(4), COL(5), undetermined))
				continue;
			/* the dedup key whole: a cut one would merge two packages' findings */
			char *fkey = ecr_str_fmt("%s\t%s", COL(0), bin);
			if (!fkey) {
				rc = ecr_err_oom(err);
				goto out;
			}
			json_t *f = json_object_get(found, fkey);
			if (!f) {
				f = json_pack("{s:s, s:s, s:s}", "vuln", COL(0), "pkg", bin, "version", binver);
				json_object_set_new(found, fkey, f);
			}
			free(fkey);
			/* the highest distribution rating among the rows that apply */
			const char *sev = COL(6);
			const char *had = json_string_value(json_object_get(f, "severity"));
			if (sev && (!had || ecr_severity_rank(sev) < ecr_severity_rank(had)))
				json_object_set_new(f, "severity", json_string(sev));
			if (COL(7) && !json_object_get(f, "description"))
				json_object_set_new(f, "description", json_string(COL(7)));
#undef COL
		}
		if (rc < 0)
			goto out;
		rc = 0;
	}
	const char *fk;
	json_t *f;
	json_object_foreach(found, fk, f) {
		const char *vuln = json_string_value(json_object_get(f, "vuln"));
		const char *desc = json_string_value(json_object_get(f, "description"));
		const char *sev = json_string_value(json_object_get(f, "severity"));
		json_t *attrs = json_pack("[{s:s, s:s}, {s:s, s:s}]", "key", "package_version", "value",
					  json_string_value(json_object_get(f, "version")), "key", "package_name", "value",
					  json_string_value(json_object_get(f, "pkg")));
		double v2 = -1, v3 = -1;
		sqlite3_reset(cv);
		sqlite3_bind_text(cv, 1, vuln, -1, SQLITE_TRANSIENT);
		char *nvd_desc = NULL;
		if ((rc = ecr_state_step(cv, err)) < 0) {
			json_decref(attrs);
			goto out;
		}
		if (rc) {
			char s[32];
			if (sqlite3_column_text(cv, 0))
				nvd_desc = strdup((const char *)sqlite3_column_text(cv, 0));
			if (sqlite3_column_type(cv, 2) != SQLITE_NULL) {
				v2 = sqlite3_column_double(cv, 2);
				score_text(v2, s, sizeof(s));
				if (sqlite3_column_text(cv, 1))
					json_array_append_new(attrs, json_pack("{s:s, s:s}", "key", "CVSS2_VECTOR", "value", sqlite3_column_text(cv, 1)));
				json_array_append_new(attrs, json_pack("{s:s, s:s}", "key", "CVSS2_SCORE", "value", s));
			}
			if (sqlite3_column_type(cv, 4) != SQLITE_NULL) {
				v3 = sqlite3_column_double(cv, 4);
				score_text(v3, s, sizeof(s));
				if (sqlite3_column_text(cv, 3))
					json_array_append_new(attrs, json_pack("{s:s, s:s}", "key", "CVSS3_VECTOR", "value", sqlite3_column_text(cv, 3)));
				json_array_append_new(attrs, json_pack("{s:s, s:s}", "key", "CVSS3_SCORE", "value", s));
			}
		}
		/* the distribution's rating first; else NVD's v2 score, else v3 (ECR basic
		 * scanning filled a missing rating from CVSS v2, the NVD bands for both) */
		if (!sev)
			sev = ecr_severity_for_score(v2 >= 0 ? v2 : v3);
		char uri[256];
		if (!strcmp(uri_style, "debian"))
			snprintf(uri, sizeof(uri), "https://security-tracker.debian.org/tracker/%s", vuln);
		else if (!strcmp(uri_style, "ubuntu"))
			snprintf(uri, sizeof(uri), "https://ubuntu.com/security/%s", vuln);
		else
			snprintf(uri, sizeof(uri), "https://nvd.nist.gov/vuln/detail/%s", vuln);
		json_t *fo = json_pack("{s:s}", "name", vuln);
		if (desc || nvd_desc)
			json_object_set_new(fo, "description", json_string(desc ? desc : nvd_desc));
		json_object_set_new(fo, "uri", json_string(uri));
		json_object_set_new(fo, "severity", json_string(sev));
		json_object_set_new(fo, "attributes", attrs);
		json_array_append_new(findings, fo);
		free(nvd_desc);
		json_object_set_new(counts, sev, json_integer(json_integer_value(json_object_get(counts, sev)) + 1));
	}
	/* CRITICAL first, then by name and package */
	{
		size_t n = json_array_size(findings);
		json_t **v = malloc((n + 1) * sizeof(*v));
		if (!v) {
			rc = ecr_err_oom(err);
			goto out;
		}
		for (size_t j = 0; j < n; j++)
			v[j] = json_incref(json_array_get(findings, j));
		qsort(v, n, sizeof(*v), cmp_finding);
		json_array_clear(findings);
		for (size_t j = 0; j < n; j++)
			json_array_append_new(findings, v[j]);
		free(v);
	}
	/* counts in severity order, as ECR lists them */
	json_t *ordered = json_object();
	for (int r = 0; r < 6; r++)
		if (json_object_get(counts, ranks[r]))
			json_object_set(ordered, ranks[r], json_object_get(counts, ranks[r]));
	double updated = -1;
	sqlite3_stmt *up = ecr_state_prepare(ctx->db, "SELECT max(updated_at) FROM feed_source", err);
	if (!up) {
		json_decref(ordered);
		rc = ECR_E_STATE;
		goto out;
	}
	if ((rc = ecr_state_step(up, err)) > 0 && sqlite3_column_type(up, 0) != SQLITE_NULL)
		updated = sqlite3_column_double(up, 0);
	ecr_state_done(up);
	if (rc < 0) {
		json_decref(ordered);
		goto out;
	}
	rc = 0;
	*out = json_pack("{s:O, s:o, s:o, s:b, s:O}", "findings", findings, "counts", ordered, "sourceUpdatedAt",
			 updated >= 0 ? json_real(updated) : json_null(), "covered", covered, "ecosystems", keys);
out:
	ecr_state_done(q);
	ecr_state_done(cv);
	json_decref(keys);
	json_decref(found);
	json_decref(findings);
	json_decref(counts);
	return rc;
}
