/* The model walk (core/model.c): rows of {shape, value, how it is walked, the nodes
 * visited}, and the rebuild ecr_model_map makes. */
#include <jansson.h>
#include <stdlib.h>

#include "buf.h"
#include "model.h"
#include "unit.h"

static int shape_named(const char *name)
{
	for (int i = 0; i < ecr_nshapes; i++)
		if (!strcmp(ecr_shapes[i].name, name))
			return i;
	return -1;
}

struct trace {
	struct buf out;    /* "path:T" per node, T the shape's type letter or '-' when absent */
	const char *skip;  /* a path whose children are skipped */
	const char *stop;  /* a path the walk stops at with -7 */
};

static int record(void *ud, const struct ecr_walk_node *n)
{
	static const char letters[] = "SLMsilbtBd"; /* enum ecr_type's order */
	struct trace *t = ud;
	ecr_buf_printf(&t->out, "%s%s:%c", t->out.len ? " " : "", n->path, n->value ? letters[n->sh->type] : '-');
	if (t->stop && !strcmp(n->path, t->stop))
		return -7;
	return t->skip && !strcmp(n->path, t->skip);
}

void test_model_walk(void)
{
	static const struct {
		const char *name, *shape, *value;
		enum ecr_walk_order order;
		const char *element;
		size_t base;
		const char *skip, *stop;
		int rc;
		const char *want;
	} rows[] = {
		{"model order: absent members too, the service's element paths", "CreateRepositoryRequest",
		 "{\"tags\": [{\"Key\": \"a\"}], \"repositoryName\": \"ab\", \"zz\": 1}", ECR_WALK_MODEL_ORDER, "%s.%zu.member", 1,
		 NULL, NULL, 0,
		 ":S registryId:- repositoryName:s tags:L tags.1.member:S tags.1.member.Key:s tags.1.member.Value:-"
		 " imageTagMutability:- imageScanningConfiguration:- encryptionConfiguration:-"},
		{"value order: the value's members only, botocore's element paths", "CreateRepositoryRequest",
		 "{\"tags\": [{\"Key\": \"a\"}, 5], \"repositoryName\": \"ab\", \"zz\": 1}", ECR_WALK_VALUE_ORDER, "%s[%zu]", 0,
		 NULL, NULL, 0, ":S tags:L tags[0]:S tags[0].Key:s tags[1]:S repositoryName:s"},
		{"a container of the wrong JSON type is visited, not entered", "CreateRepositoryRequest",
		 "{\"tags\": \"x\", \"imageScanningConfiguration\": []}", ECR_WALK_VALUE_ORDER, "%s[%zu]", 0, NULL, NULL, 0,
		 ":S tags:L imageScanningConfiguration:S"},
		{"a visit that answers 1 skips the children", "CreateRepositoryRequest",
		 "{\"tags\": [{\"Key\": \"a\"}], \"repositoryName\": \"ab\"}", ECR_WALK_VALUE_ORDER, "%s[%zu]", 0, "tags", NULL,
		 0, ":S tags:L repositoryName:s"},
		{"a negative visit stops the walk and is returned", "CreateRepositoryRequest",
		 "{\"tags\": [{\"Key\": \"a\"}], \"repositoryName\": \"ab\"}", ECR_WALK_VALUE_ORDER, "%s[%zu]", 0, NULL,
		 "tags[0].Key", -7, ":S tags:L tags[0]:S tags[0].Key:s"},
		{"a map's entries in the value's order", "FindingSeverityCounts", "{\"LOW\": 2, \"HIGH\": 1}",
		 ECR_WALK_MODEL_ORDER, "%s.%zu.member", 1, NULL, NULL, 0, ":M .LOW:i .HIGH:i"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct trace t = {.skip = rows[i].skip, .stop = rows[i].stop};
		const struct ecr_walk_visitor v = {record, &t, rows[i].order, rows[i].element, rows[i].base};
		json_t *value = json_loads(rows[i].value, 0, NULL);
		int shape = shape_named(rows[i].shape);
		ecr_buf_init(&t.out, 1 << 16);
		CHECK(shape >= 0 && value);
		CHECK(ecr_model_walk(shape, value, &v) == rows[i].rc);
		if (strcmp(t.out.data ? t.out.data : "", rows[i].want))
			fprintf(stderr, "walk row '%s'\n", rows[i].name);
		CHECK_STR(t.out.data ? t.out.data : "", rows[i].want);
		ecr_buf_release(&t.out);
		json_decref(value);
	}
}

/* timestamps become "T", every other leaf stays */
static json_t *mark_time(void *ud, int shape, json_t *v)
{
	(void)ud;
	return ecr_shapes[shape].type == ECR_T_TIMESTAMP ? json_string("T") : json_incref(v);
}

void test_model_map(void)
{
	json_t *v = json_loads("{\"nextToken\": \"t\", \"extra\": 2, \"imageDetails\": [{\"imagePushedAt\": 1.5, \"zz\": 1,"
			       " \"imageTags\": [\"a\"], \"repositoryName\": \"r\", \"imageScanFindingsSummary\":"
			       " {\"findingSeverityCounts\": {\"LOW\": 2, \"HIGH\": 1}}}, 7]}", 0, NULL);
	json_t *m = ecr_model_map(shape_named("DescribeImagesResponse"), v, mark_time, NULL);
	char *s = json_dumps(m, JSON_COMPACT);
	/* model order, unknown members dropped, a map in wire order, a mismatch kept as is */
	CHECK_STR(s, "{\"imageDetails\":[{\"repositoryName\":\"r\",\"imageTags\":[\"a\"],\"imagePushedAt\":\"T\","
		     "\"imageScanFindingsSummary\":{\"findingSeverityCounts\":{\"LOW\":2,\"HIGH\":1}}},7],\"nextToken\":\"t\"}");
	free(s);
	json_decref(m);
	json_decref(v);
}
