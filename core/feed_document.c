/* A feed document read whole, its format told by its content (vulndb_int.h): used by
 * the importer (vulndb.c) and the streaming reader (feed_stream.c) alike. */
#include <jansson.h>

#include "vulndb_int.h"

int feed_osv_like(json_t *j)
{
	return json_is_object(j) && json_is_string(json_object_get(j, "id")) &&
	       (json_object_get(j, "affected") || json_object_get(j, "modified") || json_object_get(j, "schema_version"));
}

static int is_debian(json_t *j)
{
	/* {"pkg": {"CVE-…": {"releases": {…}}}} */
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) {
		const char *k2;
		json_t *v2;
		if (!json_is_object(v))
			return 0;
		json_object_foreach(v, k2, v2) return json_is_object(v2) && json_object_get(v2, "releases");
		return 0;
	}
	return 0;
}

/* A document read whole: its format by content. */
int feed_document(struct feed *f, json_t *j, struct ecr_err *err)
{
	int rc;
	if (json_is_object(j) && (json_object_get(j, "vulnerabilities") || json_object_get(j, "CVE_Items")))
		rc = feed_nvd(f, j, err);
	else if (feed_alpine_like(j))
		rc = feed_alpine(f, j, err);
	else if (feed_osv_like(j))
		rc = feed_osv(f, j, err);
	else if (json_is_array(j) && json_array_size(j) && feed_osv_like(json_array_get(j, 0))) {
		size_t i;
		json_t *r;
		rc = 0;
		json_array_foreach(j, i, r) if ((rc = feed_osv(f, r, err))) break;
	} else if (json_is_object(j) && is_debian(j))
		rc = feed_debian(f, j, err);
	else if (json_is_object(j) && !json_object_size(j))
		rc = feed_bad(f, err, "empty document: no records");
	else
		rc = feed_bad(f, err, "unrecognized feed format: not a Debian security tracker, Alpine secdb, OSV or NVD JSON document");
	return rc;
}
