/* botocore's client-side ParamValidator: what the real CLI checks before sending (min
 * lengths and values, types, required and unknown members) and nothing more — max
 * lengths, patterns and enums are the service's to reject. */
#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "str.h"

/* Python's str() of a JSON value, as the messages print it. */
static void pyrepr(struct buf *b, json_t *v, int top)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (top)
			ecr_buf_addstr(b, json_string_value(v));
		else
			ecr_buf_printf(b, "'%s'", json_string_value(v));
		break;
	case JSON_INTEGER:
		ecr_buf_printf(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		ecr_buf_printf(b, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		ecr_buf_addstr(b, "True");
		break;
	case JSON_FALSE:
		ecr_buf_addstr(b, "False");
		break;
	case JSON_NULL:
		ecr_buf_addstr(b, "None");
		break;
	case JSON_ARRAY: {
		size_t i;
		json_t *e;
		ecr_buf_addstr(b, "[");
		json_array_foreach(v, i, e) {
			if (i)
				ecr_buf_addstr(b, ", ");
			pyrepr(b, e, 0);
		}
		ecr_buf_addstr(b, "]");
		break;
	}
	case JSON_OBJECT: {
		const char *k;
		json_t *e;
		int first = 1;
		ecr_buf_addstr(b, "{");
		json_object_foreach(v, k, e) {
			ecr_buf_printf(b, "%s'%s': ", first ? "" : ", ", k);
			pyrepr(b, e, 0);
			first = 0;
		}
		ecr_buf_addstr(b, "}");
		break;
	}
	}
}

static const char *pytype(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: return "<class 'str'>";
	case JSON_INTEGER: return "<class 'int'>";
	case JSON_REAL: return "<class 'float'>";
	case JSON_TRUE:
	case JSON_FALSE: return "<class 'bool'>";
	case JSON_NULL: return "<class 'NoneType'>";
	case JSON_ARRAY: return "<class 'list'>";
	default: return "<class 'dict'>";
	}
}

static void bad_type(struct buf *out, const char *name, json_t *v, const char *valid)
{
	if (out->len)
		ecr_buf_addstr(out, "\n");
	ecr_buf_printf(out, "Invalid type for parameter %s, value: ", name);
	pyrepr(out, v, 1);
	ecr_buf_printf(out, ", type: %s, valid types: %s", pytype(v), valid);
}

static void line(struct buf *out, const char *fmt, const char *name, long long a, long long b)
{
	if (out->len)
		ecr_buf_addstr(out, "\n");
	ecr_buf_printf(out, fmt, name, a, b);
}

/* botocore's rules for one node (ecr_model_walk does the walking): 1 when the walk
 * must not go into the value. */
static int check(void *ud, const struct ecr_walk_node *n)
{
	struct buf *out = ud;
	const struct ecr_shape *sh = n->sh;
	json_t *v = n->value;
	const char *name = n->path;
	switch (sh->type) {
	case ECR_T_STRUCT: {
		if (!json_is_object(v)) {
			bad_type(out, name, v, "<class 'dict'>");
			return 1;
		}
		/* the structure's own lines come before its members' */
		const char *label = *name ? name : "input";
		for (int i = 0; i < sh->nmembers; i++)
			if (sh->members[i].required && !json_object_get(v, sh->members[i].name)) {
				if (out->len)
					ecr_buf_addstr(out, "\n");
				ecr_buf_printf(out, "Missing required parameter in %s: \"%s\"", label, sh->members[i].name);
			}
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) {
			if (ecr_model_member(sh, k))
				continue;
			if (out->len)
				ecr_buf_addstr(out, "\n");
			ecr_buf_printf(out, "Unknown parameter in %s: \"%s\", must be one of: ", label, k);
			for (int i = 0; i < sh->nmembers; i++)
				ecr_buf_printf(out, "%s%s", i ? ", " : "", sh->members[i].name);
		}
		return 0;
	}
	case ECR_T_LIST:
		if (!json_is_array(v)) {
			bad_type(out, name, v, "<class 'list'>, <class 'tuple'>");
			return 1;
		}
		if (sh->has_min && (long long)json_array_size(v) < sh->min)
			line(out, "Invalid length for parameter %s, value: %lld, valid min length: %lld", name,
			     (long long)json_array_size(v), sh->min);
		return 0;
	case ECR_T_MAP:
		if (!json_is_object(v))
			bad_type(out, name, v, "<class 'dict'>");
		return 0;
	case ECR_T_STRING:
		if (!json_is_string(v))
			bad_type(out, name, v, "<class 'str'>");
		/* botocore's len(): characters, not UTF-8 bytes */
		else if (sh->has_min && (long long)ecr_str_chars(json_string_value(v), json_string_length(v)) < sh->min)
			line(out, "Invalid length for parameter %s, value: %lld, valid min length: %lld", name,
			     (long long)ecr_str_chars(json_string_value(v), json_string_length(v)), sh->min);
		return 0;
	case ECR_T_INTEGER:
	case ECR_T_LONG:
		if (!json_is_integer(v))
			bad_type(out, name, v, "<class 'int'>");
		else if (sh->has_min && json_integer_value(v) < sh->min)
			line(out, "Invalid value for parameter %s, value: %lld, valid min value: %lld", name,
			     (long long)json_integer_value(v), sh->min);
		return 0;
	case ECR_T_BOOLEAN:
		if (!json_is_boolean(v))
			bad_type(out, name, v, "<class 'bool'>");
		return 0;
	case ECR_T_DOUBLE:
		if (!json_is_number(v))
			bad_type(out, name, v, "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>");
		return 0;
	case ECR_T_TIMESTAMP:
	case ECR_T_BLOB:
		return 0;
	}
	return 0;
}

int aws_client_validate(int shape, json_t *req)
{
	struct buf out;
	if (shape < 0)
		return 0;
	/* members as the request has them (botocore walks the dict), elements as "tags[0]" */
	const struct ecr_walk_visitor walk = {check, &out, ECR_WALK_VALUE_ORDER, "%s[%zu]", 0};
	ecr_buf_init(&out, 1 << 20);
	ecr_model_walk(shape, req, &walk);
	if (!out.len)
		return 0;
	fprintf(stderr, "\nParameter validation failed:\n%s\n", out.data);
	ecr_buf_release(&out);
	return AWS_EXIT_PARAM;
}
