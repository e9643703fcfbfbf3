/* What the ECRLite cmdlets emit. ecrlite's own operations (Push, GetImageInventory …)
 * have no botocore shape, so ps_model.c cannot type their answers; one row per
 * operation here says what a shape would: which members are timestamps and which are
 * ECR shapes (imageId is an ImageIdentifier). Everything else follows the conventions
 * the SDK objects have, so one script reads both kinds: every member PascalCase (the
 * JSON name with its first letter upper-cased), objects as PSCustomObjects in the
 * core's member order, timestamps as DateTime values. */
#include <string.h>

#include "ps_lang.h"
#include "str.h"

#define END {NULL, PX_DATE, NULL}

static const struct ps_ext_member m_push[] = {
	{"imageId", PX_SHAPE, "ImageIdentifier"},
	{"imageScanStatus", PX_SHAPE, "ImageScanStatus"}, /* onpush.c: {status, description} */
	END,
};
static const struct ps_ext_member m_none[] = {END};
static const struct ps_ext_member m_sources[] = {
	/* vulndb.c: epoch seconds (REAL columns) */
	{"sources.importedAt", PX_DATE, NULL},
	{"sources.updatedAt", PX_DATE, NULL},
	END,
};
static const struct ps_ext_member m_image_inventory[] = {
	{"imageId", PX_SHAPE, "ImageIdentifier"},
	END,
};

/* every OP_EXT row an ECRLite cmdlet calls (unit test_cmdlet_rows checks it) */
static const struct ps_ext_out outs[] = {
	{"DescribeVulnerabilitySources", m_sources},
	{"GetImageInventory", m_image_inventory},
	{"GetRootfsInventory", m_none},
	{"ImportVulnerabilityFeeds", m_none},
	{"Push", m_push},
};

const struct ps_ext_out *ps_ext_find(const char *op)
{
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		if (!strcmp(outs[i].op, op))
			return &outs[i];
	return NULL;
}

int ps_ext_shape_index(const char *name)
{
	for (int i = 0; name && i < ecr_nshapes; i++)
		if (!strcmp(ecr_shapes[i].name, name))
			return i;
	return -1;
}

static const struct ps_ext_member *row_at(const struct ps_ext_out *x, const char *path)
{
	for (const struct ps_ext_member *m = x ? x->members : NULL; m && m->path; m++)
		if (!strcmp(m->path, path))
			return m;
	return NULL;
}

int ps_ext_shape(const struct ps_ext_out *x, const char *path)
{
	const struct ps_ext_member *m = row_at(x, path);
	return m && m->kind == PX_SHAPE ? ps_ext_shape_index(m->shape) : -1;
}

json_t *ps_obj_from_ext(const struct ps_ext_out *x, const char *path, json_t *v)
{
	const struct ps_ext_member *m = *path ? row_at(x, path) : NULL;
	if (!v || json_is_null(v))
		return json_null();
	if (m && m->kind == PX_DATE && json_is_number(v))
		return ps_date_new(json_number_value(v), 0); /* local, as ps_obj_from_model's */
	if (m && m->kind == PX_SHAPE)
		return ps_obj_from_model(v, ps_ext_shape_index(m->shape));
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) json_array_append_new(a, ps_obj_from_ext(x, path, e));
		return a;
	}
	if (!json_is_object(v))
		return json_incref(v);
	json_t *o = json_object();
	const char *k;
	json_t *e;
	json_object_foreach(v, k, e) {
		char sub[256], pascal[128];
		/* a path too long for sub matches no row (no JSON name holds \001): its value
		 * keeps its types, its members renamed */
		if (ecr_str_join(sub, sizeof(sub), path, ".", k))
			snprintf(sub, sizeof(sub), "\001");
		ps_pascal(k, pascal, sizeof(pascal));
		json_object_set_new(o, pascal, ps_obj_from_ext(x, sub, e));
	}
	return o;
}
