/* NVD CVE JSON: API 2.0 pages ({vulnerabilities: [{cve: …}]}) and the 1.1 yearly feeds
 * ({CVE_Items: […]}): descriptions and CVSS v2 / v3.x base scores and vectors, per CVE
 * (a later import of a CVE replaces it), and every metric API 2.0 lists, for the
 * enhanced findings' cvss[]. */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "timefmt.h"
#include "vulndb_int.h"

/* The score to keep among a CVE's metrics of one CVSS generation (kinds: the
 * metric lists, newest version first). NVD's own analysis (nvd@nist.gov, Primary)
 * first, then any other Primary, then a Secondary one (the CNA's or CISA-ADP's,
 * as listed): many recent records carry only a Secondary score. Metric kinds not
 * named (cvssMetricV40, ssvcV203) are not read. */
static json_t *best(json_t *metrics, const char *const *kinds)
{
	for (int pass = 0; pass < 3; pass++)
		for (const char *const *k = kinds; *k; k++) {
			size_t i;
			json_t *m;
			json_array_foreach(json_object_get(metrics, *k), i, m) {
				const char *t = json_string_value(json_object_get(m, "type"));
				const char *src = json_string_value(json_object_get(m, "source"));
				int primary = t && !strcmp(t, "Primary");
				if (!json_is_object(json_object_get(m, "cvssData")))
					continue;
				if ((pass == 0 && primary && src && !strcmp(src, "nvd@nist.gov")) || (pass == 1 && primary) ||
				    pass == 2)
					return json_object_get(m, "cvssData");
			}
		}
	return NULL;
}

/* Every metric of kinds (v3 first, then v2) as [{vector, source}] JSON text (malloc'd),
 * each generation in best()'s order: NVD's own Primary, other Primary, Secondary. So
 * the first v3 entry is the one basic scanning scores by. NULL when there is none. */
static char *all_metrics(json_t *metrics, const char *const *v3k, const char *const *v2k)
{
	const char *const *groups[] = {v3k, v2k};
	json_t *out = json_array();
	for (int g = 0; out && g < 2; g++)
		for (int pass = 0; pass < 3; pass++)
			for (const char *const *k = groups[g]; *k; k++) {
				size_t i;
				json_t *m;
				json_array_foreach(json_object_get(metrics, *k), i, m) {
					const char *t = json_string_value(json_object_get(m, "type"));
					const char *src = json_string_value(json_object_get(m, "source"));
					const char *vec = json_string_value(json_object_get(json_object_get(m, "cvssData"), "vectorString"));
					int primary = t && !strcmp(t, "Primary"), nvd = src && !strcmp(src, "nvd@nist.gov");
					if (!vec || (pass == 0 && !(primary && nvd)) || (pass == 1 && !(primary && !nvd)) ||
					    (pass == 2 && primary))
						continue;
					json_array_append_new(out, json_pack("{s:s, s:s}", "vector", vec, "source", src ? src : ""));
				}
			}
	char *text = json_array_size(out) ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	return text;
}

static const char *english(json_t *descs, const char *key)
{
	size_t i;
	json_t *d;
	json_array_foreach(descs, i, d) {
		const char *lang = json_string_value(json_object_get(d, "lang"));
		if (lang && !strcmp(lang, "en"))
			return json_string_value(json_object_get(d, key));
	}
	return json_string_value(json_object_get(json_array_get(descs, 0), key));
}

static double score(json_t *cvss)
{
	json_t *s = json_object_get(cvss, "baseScore");
	return json_is_number(s) ? json_number_value(s) : -1;
}

int feed_nvd_begin(struct feed *f, json_t *header, struct ecr_err *err)
{
	double updated = -1;
	const char *ts = json_string_value(json_object_get(header, "timestamp"));
	if (!ts)
		ts = json_string_value(json_object_get(header, "CVE_data_timestamp"));
	if (ts && ecr_time_parse(ts, &updated))
		updated = -1;
	return feed_source(f, "nvd", "nvd", 0, updated, &f->nvd_src, err);
}

/* One element of $.vulnerabilities (API 2.0) or $.CVE_Items (1.1), the i-th. */
int feed_nvd_record(struct feed *f, json_t *it, const char *list, size_t i, struct ecr_err *err)
{
	static const char *const v3k[] = {"cvssMetricV31", "cvssMetricV30", NULL}, *const v2k[] = {"cvssMetricV2", NULL};
	json_t *cve = json_object_get(it, "cve");
	if (!strcmp(list, "vulnerabilities")) {
		const char *id = json_string_value(json_object_get(cve, "id"));
		if (!id)
			return feed_bad(f, err, "at $.vulnerabilities[%zu].cve.id: want a string", i);
		json_t *m = json_object_get(cve, "metrics");
		json_t *v3 = best(m, v3k), *v2 = best(m, v2k);
		char *all = all_metrics(m, v3k, v2k);
		int rc = feed_cve(f, f->nvd_src, id, english(json_object_get(cve, "descriptions"), "value"),
				  json_string_value(json_object_get(v2, "vectorString")), score(v2),
				  json_string_value(json_object_get(v3, "vectorString")), score(v3), all, err);
		free(all);
		return rc;
	}
	const char *id = json_string_value(json_object_get(json_object_get(cve, "CVE_data_meta"), "ID"));
	if (!id)
		return feed_bad(f, err, "at $.CVE_Items[%zu].cve.CVE_data_meta.ID: want a string", i);
	json_t *imp = json_object_get(it, "impact");
	json_t *v3 = json_object_get(json_object_get(imp, "baseMetricV3"), "cvssV3");
	json_t *v2 = json_object_get(json_object_get(imp, "baseMetricV2"), "cvssV2");
	return feed_cve(f, f->nvd_src, id, english(json_object_get(json_object_get(cve, "description"), "description_data"), "value"),
			json_string_value(json_object_get(v2, "vectorString")), score(v2),
			json_string_value(json_object_get(v3, "vectorString")), score(v3), NULL, err);
}

int feed_nvd_end(struct feed *f, struct ecr_err *err)
{
	(void)f;
	(void)err;
	return 0;
}

/* A whole document (one read without streaming, or one whose list was empty). */
int feed_nvd(struct feed *f, json_t *doc, struct ecr_err *err)
{
	const char *key = json_object_get(doc, "vulnerabilities") ? "vulnerabilities" : "CVE_Items";
	json_t *list = json_object_get(doc, key), *it;
	size_t i;
	int rc;
	if (!json_is_array(list))
		return feed_bad(f, err, "at $.%s: want a list", key);
	if ((rc = feed_nvd_begin(f, doc, err)))
		return rc;
	json_array_foreach(list, i, it) if ((rc = feed_nvd_record(f, it, key, i, err))) return rc;
	return feed_nvd_end(f, err);
}
