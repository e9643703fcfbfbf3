/* Language packages against OSV records (feed_osv.c stores them under the lower-cased
 * ecosystem: "pypi", "npm", "go", "maven"), one query per package. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cvss.h"
#include "match.h"
#include "match_lang.h"
#include "state.h"
#include "vercmp.h"

static const struct {
	const char *ecosystem; /* as the inventory names it (OSV's spelling) */
	const char *key;       /* as feed_osv.c stores it */
	const char *order;     /* the vercmp name */
} ECOS[] = {
	{"PyPI", "pypi", "pypi"},
	{"npm", "npm", "npm"},
	{"Go", "go", "go"},
	{"Maven", "maven", "maven"},
};

static int cmp_hit(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *keys[] = {"vulnerabilityId", "name", "filePath", "version"};
	for (int i = 0; i < 4; i++) {
		int c = strcmp(json_string_value(json_object_get(x, keys[i])), json_string_value(json_object_get(y, keys[i])));
		if (c)
			return c;
	}
	return 0;
}

int ecr_match_lang(struct ecr_ctx *ctx, json_t *pkgs, json_t **out, struct ecr_err *err)
{
	*out = NULL;
	/* An exact name is an index search on (ecosystem, package). PyPI's rows hold the
	 * PEP 503 form (feed_osv.c, migration 15), so the installed name is asked as written
	 * and normalised, both by the index: normalising every row per package read the
	 * whole ecosystem (400 packages against 20000 PyPI records: 1.6 s). One statement
	 * with an OR for all read every row of the ecosystem for every package: 3000 node
	 * packages against 30000 npm records were 7 s of a scan. */
#define COLS "SELECT vuln_id, status, introduced, fixed, last_affected, versions, severity, description FROM advisory"
	sqlite3_stmt *exact = ecr_state_prepare(ctx->db, COLS " WHERE ecosystem = ?1 AND package = ?2 ORDER BY vuln_id", err);
	if (!exact)
		return ECR_E_STATE;
	sqlite3_stmt *pypi = ecr_state_prepare(ctx->db,
		COLS " WHERE ecosystem = ?1 AND package IN (?2, ?3) ORDER BY vuln_id", err);
#undef COLS
	if (!pypi) {
		ecr_state_done(exact);
		return ECR_E_STATE;
	}
	sqlite3_stmt *q = exact;
	json_t *found = json_object();
	int rc = 0;
	size_t i;
	json_t *p;
	json_array_foreach(pkgs, i, p) {
		const char *eco = json_string_value(json_object_get(p, "ecosystem"));
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *ver = json_string_value(json_object_get(p, "version"));
		const char *path = json_string_value(json_object_get(p, "filePath"));
		int e = -1;
		for (int k = 0; eco && k < (int)(sizeof(ECOS) / sizeof(ECOS[0])); k++)
			if (!strcmp(eco, ECOS[k].ecosystem))
				e = k;
		if (e < 0 || !name || !ver || !*ver || !path)
			continue;
		ecr_vercmp_fn cmp = ecr_vercmp_for(ECOS[e].order);
		char *norm = malloc(strlen(name) + 1);
		if (!norm) {
			rc = ecr_err_oom(err); /* never a package silently left unmatched */
			break;
		}
		ecr_pypi_normalize(name, norm);
		q = strcmp(ECOS[e].key, "pypi") ? exact : pypi;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, ECOS[e].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, norm, -1, SQLITE_TRANSIENT);
		while ((rc = ecr_state_step(q, err)) > 0) {
#define COL(n) ((const char *)sqlite3_column_text(q, n))
			if (!ecr_advisory_affects(cmp, ver, COL(1), COL(2), COL(3), COL(4), COL(5), 0))
				continue;
			/* the dedup key whole: a cut one would merge two packages' findings */
			struct buf key;
			ecr_buf_init(&key, (size_t)1 << 20);
			if (ecr_buf_printf(&key, "%s\t%s\t%s\t%s", COL(0), name, path, ver)) {
				rc = ecr_err_oom(err);
				break;
			}
			json_t *h = json_object_get(found, key.data);
			if (!h) {
				h = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "vulnerabilityId", COL(0), "name", name,
					      "version", ver, "packageManager",
					      json_string_value(json_object_get(p, "packageManager")), "ecosystem", eco,
					      "filePath", path);
				json_t *layer = json_object_get(p, "sourceLayerHash");
				if (json_is_string(layer))
					json_object_set(h, "sourceLayerHash", layer);
				json_object_set_new(found, key.data, h);
			}
			ecr_buf_release(&key);
			/* the lowest fix above the installed version, among the ranges that apply */
			const char *fixed = COL(3), *had = json_string_value(json_object_get(h, "fixedInVersion"));
			if (fixed && cmp(ver, fixed) < 0 && (!had || cmp(fixed, had) < 0))
				json_object_set_new(h, "fixedInVersion", json_string(fixed));
			if (COL(6) && !json_object_get(h, "vendorSeverity"))
				json_object_set_new(h, "vendorSeverity", json_string(COL(6)));
			if (COL(7) && !json_object_get(h, "description"))
				json_object_set_new(h, "description", json_string(COL(7)));
#undef COL
		}
		free(norm);
		if (rc < 0)
			break;
		rc = 0;
	}
	ecr_state_done(exact);
	ecr_state_done(pypi);
	if (rc < 0) {
		json_decref(found);
		return rc;
	}
	size_t n = json_object_size(found), k = 0;
	json_t **v = malloc((n + 1) * sizeof(*v));
	if (!v) {
		json_decref(found);
		return ecr_err_oom(err);
	}
	const char *key;
	json_t *h;
	json_object_foreach(found, key, h) {
		if (!json_object_get(h, "fixedInVersion"))
			json_object_set_new(h, "fixedInVersion", json_string("NotAvailable"));
		v[k++] = json_incref(h);
	}
	qsort(v, n, sizeof(*v), cmp_hit);
	*out = json_array();
	for (k = 0; k < n; k++)
		json_array_append_new(*out, v[k]);
	free(v);
	json_decref(found);
	return 0;
}

static void add_score(json_t *list, const char *vector, const char *source)
{
	struct ecr_cvss s;
	char why[128];
	if (!vector || ecr_cvss_score(vector, &s, why, sizeof(why)))
		return;
	const char *ver = s.version == 2 ? "2.0" : s.version == 30 ? "3.0" : "3.1";
	/* NVD writes v2 vectors bare; the enhanced finding shows them as NVD does */
	json_array_append_new(list, json_pack("{s:f, s:s, s:s, s:s}", "baseScore", s.base, "scoringVector", vector,
					      "source", source, "version", ver));
}

int ecr_match_cvss(struct ecr_ctx *ctx, const char *vuln, json_t **out, struct ecr_err *err)
{
	json_t *list = json_array();
	int rc;
	*out = NULL;
	ECR_CHECK_ALLOC(list, err);
	sqlite3_stmt *st = ecr_state_prepare(ctx->db,
		"SELECT vector FROM advisory_cvss WHERE vuln_id = ? ORDER BY vector LIKE 'CVSS:3%' DESC, vector", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_text(st, 1, vuln, -1, SQLITE_TRANSIENT);
	while ((rc = ecr_state_step(st, err)) > 0)
		add_score(list, (const char *)sqlite3_column_text(st, 0), "OSV");
	ecr_state_done(st);
	if (rc)
		goto out;
	st = ecr_state_prepare(ctx->db, "SELECT cvss3_vector, cvss2_vector, metrics FROM cve_info WHERE vuln_id = ?", err);
	if (!st) {
		rc = ECR_E_STATE;
		goto out;
	}
	sqlite3_bind_text(st, 1, vuln, -1, SQLITE_TRANSIENT);
	if ((rc = ecr_state_step(st, err)) > 0) {
		/* every metric the record lists, NVD's own analysis named "NVD" as Inspector
		 * names it, another's by its source (a CNA: "security@ubuntu.com"); rows
		 * imported before the list was kept have their two scored vectors */
		const char *text = (const char *)sqlite3_column_text(st, 2);
		json_t *all = text ? json_loads(text, 0, NULL) : NULL, *m;
		size_t i;
		if (json_is_array(all)) {
			json_array_foreach(all, i, m) {
				const char *src = json_string_value(json_object_get(m, "source"));
				add_score(list, json_string_value(json_object_get(m, "vector")),
					  !src || !*src || !strcmp(src, "nvd@nist.gov") ? "NVD" : src);
			}
		} else {
			add_score(list, (const char *)sqlite3_column_text(st, 0), "NVD");
			add_score(list, (const char *)sqlite3_column_text(st, 1), "NVD");
		}
		json_decref(all);
		rc = 0;
	}
	ecr_state_done(st);
out:
	if (rc)
		json_decref(list);
	else
		*out = list;
	return rc;
}

const char *ecr_match_inspector_severity(json_t *cvss, const char *vendor_word, double *score, json_t **chosen)
{
	size_t i;
	json_t *c;
	*score = -1;
	*chosen = NULL;
	json_array_foreach(cvss, i, c) {
		const char *v = json_string_value(json_object_get(c, "version"));
		if (v && v[0] == '3') {
			*score = json_number_value(json_object_get(c, "baseScore"));
			*chosen = c;
			return ecr_severity_for_score(*score);
		}
	}
	/* a vendor's word when it is one of ECR's severities but UNDEFINED (an unknown word
	 * ranks as UNDEFINED too) */
	int k = ecr_severity_rank(vendor_word);
	return vendor_word && k < ECR_NSEVERITIES - 1 ? ecr_severity_name(k) : "UNTRIAGED";
}
