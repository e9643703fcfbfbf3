/* Lookups over the generated model tables (model_gen.c), and the one walk of a value
 * along a shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static int cmp_op(const void *key, const void *row)
{
	return strcmp(key, ((const struct ecr_op_model *)row)->name);
}

const struct ecr_op_model *ecr_model_op(const char *name)
{
	return bsearch(name, ecr_op_models, (size_t)ecr_nop_models, sizeof(ecr_op_models[0]), cmp_op);
}

const struct ecr_op_model *ecr_model_op_cli(const char *cli_name)
{
	/* kebab-case names sort like the CamelCase ones, but a linear scan of 41 rows is
	 * cheaper than keeping a second sorted index. */
	for (int i = 0; i < ecr_nop_models; i++)
		if (!strcmp(ecr_op_models[i].cli_name, cli_name))
			return &ecr_op_models[i];
	return NULL;
}

const struct ecr_member *ecr_model_member(const struct ecr_shape *s, const char *name)
{
	for (int i = 0; i < s->nmembers; i++)
		if (!strcmp(s->members[i].name, name))
			return &s->members[i];
	return NULL;
}

/* 1 when the walk goes into v at sh: a container whose value has its JSON type. */
static int descends(const struct ecr_shape *sh, json_t *v)
{
	switch (sh->type) {
	case ECR_T_STRUCT:
	case ECR_T_MAP:
		return json_is_object(v);
	case ECR_T_LIST:
		return json_is_array(v);
	default:
		return 0;
	}
}

static int walk(int shape, json_t *value, const struct ecr_member *member, const char *path,
		const struct ecr_walk_visitor *v)
{
	const struct ecr_walk_node n = {shape, &ecr_shapes[shape], value, member, path};
	char sub[512]; /* the paths the service and botocore print: ample for the model's depth */
	int rc = v->visit(v->ud, &n);
	if (rc || !descends(n.sh, value))
		return rc < 0 ? rc : 0;
	const char *k;
	json_t *e;
	switch (n.sh->type) {
	case ECR_T_STRUCT:
		if (v->order == ECR_WALK_MODEL_ORDER) {
			for (int i = 0; i < n.sh->nmembers; i++) {
				const struct ecr_member *m = &n.sh->members[i];
				snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", m->name);
				if ((rc = walk(m->shape, json_object_get(value, m->name), m, sub, v)))
					return rc;
			}
			return 0;
		}
		json_object_foreach(value, k, e) {
			const struct ecr_member *m = ecr_model_member(n.sh, k);
			if (!m)
				continue;
			snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
			if ((rc = walk(m->shape, e, m, sub, v)))
				return rc;
		}
		return 0;
	case ECR_T_LIST: {
		size_t i;
		json_array_foreach(value, i, e) {
			snprintf(sub, sizeof(sub), v->element, path, i + v->element_base);
			if ((rc = walk(n.sh->member, e, NULL, sub, v)))
				return rc;
		}
		return 0;
	}
	default: /* ECR_T_MAP */
		json_object_foreach(value, k, e) {
			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			if ((rc = walk(n.sh->value, e, NULL, sub, v)))
				return rc;
		}
		return 0;
	}
}

int ecr_model_walk(int shape, json_t *value, const struct ecr_walk_visitor *v)
{
	return walk(shape, value, NULL, "", v);
}

json_t *ecr_model_map(int shape, json_t *value, json_t *(*leaf)(void *ud, int shape, json_t *value), void *ud)
{
	const struct ecr_shape *sh = &ecr_shapes[shape];
	const char *k;
	json_t *e, *out;
	if (!descends(sh, value))
		return leaf(ud, shape, value);
	switch (sh->type) {
	case ECR_T_STRUCT:
		out = json_object();
		for (int i = 0; i < sh->nmembers; i++)
			if ((e = json_object_get(value, sh->members[i].name)))
				json_object_set_new(out, sh->members[i].name, ecr_model_map(sh->members[i].shape, e, leaf, ud));
		return out;
	case ECR_T_LIST: {
		size_t i;
		out = json_array();
		json_array_foreach(value, i, e)
			json_array_append_new(out, ecr_model_map(sh->member, e, leaf, ud));
		return out;
	}
	default: /* ECR_T_MAP */
		out = json_object();
		json_object_foreach(value, k, e)
			json_object_set_new(out, k, ecr_model_map(sh->value, e, leaf, ud));
		return out;
	}
}
