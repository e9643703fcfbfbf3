/* The cmdlet rows (frontends/pwsh/ps_cmdlets.c) against the model: every parameter of a
 * cmdlet of an ECR operation names a member of the operation's input, converts as the
 * member's type says, and is called as the member's flattened PascalCase name
 * (imageId.imageTag: ImageId_ImageTag) or answers to it as an alias; every required
 * member has a parameter. What AWS.Tools adds (aliases, positions, Mandatory, its one
 * rename) stays in the rows; this keeps the rest from drifting from the model. */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "../../core/ops.h"
#include "../../frontends/pwsh/ps.h"
#include "str.h"
#include "unit.h"

/* AWS.Tools' renames that keep no alias of the model's name */
static const char *const renames[][2] = {{"Remove-ECRRepository", "IgnoreExistingImages"},
					 {"Set-ECRRepositoryPolicy", "OverridePolicy"},
					 /* hand-written (GetECRLoginCommandCmdlet.cs): RegistryId, no alias */
					 {"Get-ECRLoginCommand", "RegistryId"}};

static int renamed(const char *cmdlet, const char *param)
{
	for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
		if (!strcmp(renames[i][0], cmdlet) && !strcmp(renames[i][1], param))
			return 1;
	return 0;
}

/* the type a member's shape binds as, or -1 when no cmdlet type fits */
static int type_of(const struct ecr_shape *s)
{
	switch (s->type) {
	case ECR_T_STRING: return PT_STRING;
	case ECR_T_BOOLEAN: return PT_BOOL;
	case ECR_T_INTEGER: return PT_INT;
	case ECR_T_LONG: return PT_LONG;
	case ECR_T_BLOB: return PT_BLOB;
	case ECR_T_LIST:
		return ecr_shapes[s->member].type == ECR_T_STRING ? PT_STRINGS :
		       ecr_shapes[s->member].type == ECR_T_STRUCT ? (int)PT_OBJECTS : -1;
	default: return -1;
	}
}

static int has_alias(const char *aliases, const char *name)
{
	size_t n = strlen(name);
	for (const char *a = aliases; a && *a; a += strcspn(a, ",") + (a[strcspn(a, ",")] == ',')) {
		if (strcspn(a, ",") == n && !strncasecmp(a, name, n))
			return 1;
	}
	return 0;
}

void test_cmdlet_rows(void)
{
	int rows = 0;
	for (int i = 0; ps_cmdlet_at(i); i++) {
		const struct ps_cmdlet *c = ps_cmdlet_at(i);
		const struct ecr_op_model *op = ecr_model_op(c->op);
		if (!op || op->input < 0)
			continue; /* ecrlite's own operations: no model shape to follow */
		const struct ecr_shape *in = &ecr_shapes[op->input];
		for (const struct ps_param *p = c->params; p->name; p++) {
			char derived[256] = "", part[128];
			int fits = 1;
			const struct ecr_shape *s = in;
			const struct ecr_member *m = NULL;
			rows++;
			for (const char *q = p->path; *q; q += strcspn(q, ".") + (q[strcspn(q, ".")] == '.')) {
				fits &= !ecr_str_ncopy(part, sizeof(part), q, strcspn(q, "."));
				m = s && s->type == ECR_T_STRUCT ? ecr_model_member(s, part) : NULL;
				if (!m)
					break;
				s = &ecr_shapes[m->shape];
				part[0] = (char)toupper((unsigned char)part[0]);
				fits &= !ecr_str_join(derived, sizeof(derived), derived, "_", part);
			}
			if (!m)
				fprintf(stderr, "%s -%s: %s is no member of %s\n", c->name, p->name, p->path, in->name);
			CHECK(m != NULL && fits);
			if (!m)
				continue;
			if (type_of(s) != (int)p->type)
				fprintf(stderr, "%s -%s: type %d, the model's %s says %d\n", c->name, p->name, p->type, s->name,
					type_of(s));
			CHECK(type_of(s) == (int)p->type);
			int named = !strcmp(p->name, derived) || has_alias(p->aliases, derived) || renamed(c->name, p->name);
			if (!named)
				fprintf(stderr, "%s -%s: the model's name %s is neither its name nor an alias\n", c->name, p->name,
					derived);
			CHECK(named);
		}
		for (int k = 0; k < in->nmembers; k++) {
			int found = 0;
			size_t n = strlen(in->members[k].name);
			for (const struct ps_param *p = c->params; p->name; p++)
				found |= !strncmp(p->path, in->members[k].name, n) && (!p->path[n] || p->path[n] == '.');
			if (in->members[k].required && !found)
				fprintf(stderr, "%s: no parameter sets the required %s\n", c->name, in->members[k].name);
			CHECK(!in->members[k].required || found);
		}
	}
	/* every ECR operation the core serves has its cmdlet (issue 14: "through aws ecr, the
	 * cmdlets and Lua"); ecrlite's own (OP_EXT) have ECRLite cmdlets where they are wanted */
#define OPNAME(name, fn, flags) {#name, (flags) & OP_EXT},
	static const struct {
		const char *name;
		int ext;
	} ops[] = {ECR_OPS(OPNAME)};
#undef OPNAME
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		int found = 0;
		for (int i = 0; ps_cmdlet_at(i); i++)
			found |= !strcmp(ps_cmdlet_at(i)->op, ops[k].name);
		if (!ops[k].ext && !found)
			fprintf(stderr, "the core's %s has no cmdlet\n", ops[k].name);
		CHECK(ops[k].ext || found);
		/* an ECRLite cmdlet's objects follow its operation's row in ps_ext.c: without
		 * one its timestamps would show as numbers */
		const struct ps_ext_out *x = ps_ext_find(ops[k].name);
		if (ops[k].ext && found && !x)
			fprintf(stderr, "the cmdlet of %s has no row in ps_ext.c\n", ops[k].name);
		CHECK(!(ops[k].ext && found) || x);
		CHECK(ops[k].ext || !x); /* the model's operations are typed by the model */
		for (const struct ps_ext_member *m = x ? x->members : NULL; m && m->path; m++) {
			int sh = ps_ext_shape_index(m->shape);
			if (m->kind == PX_SHAPE && sh < 0)
				fprintf(stderr, "ps_ext.c %s %s: no model shape %s\n", ops[k].name, m->path, m->shape);
			CHECK(m->kind == PX_DATE ? !m->shape : sh >= 0);
		}
	}
	CHECK(rows > 90); /* every row of the table: 40 before the layer, policy and tag cmdlets */
}
