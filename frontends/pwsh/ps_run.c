/* One cmdlet invocation: parameter binding as PowerShell does it, the request built
 * from the bound values, confirmation, the call (with the module's auto-iteration),
 * -Select, and the objects emitted for display. */
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ecr.h"
#include "../config.h"
#include "../remote.h"
#include "../lib/fe_json.h"
#include "../lib/fe_pages.h"
#include "buf.h"
#include "ps_lang.h"
#include "str.h"

#define MAX_PARAMS 64

struct bound {
	const struct ps_param *p;  /* the parameter */
	json_t *v;                 /* its value (owned) */
};

struct inv {
	const struct ps_cmdlet *c;          /* the cmdlet */
	const struct ps_param *all[MAX_PARAMS]; /* every parameter it takes, in binder order */
	int nall;                           /* how many */
	struct bound b[MAX_PARAMS];         /* bound ones */
	int nb;                             /* how many */
	struct ps_sess *s;                  /* the session its errors go to */
};

/* An error of the cmdlet, as a .NET exception of type (inner: the SDK's, or NULL);
 * every one is terminating for the command (ThrowTerminatingError). Returns 1. */
static int vfail(struct inv *in, const char *type, const char *inner, const char *fmt, va_list ap)
{
	char msg[8192];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ps_raise(in->s, in->c->name, type, inner, 1, "%s", msg);
	return 1;
}

static int fail_as(struct inv *in, const char *type, const char *inner, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_as(struct inv *in, const char *type, const char *inner, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(in, type, inner, fmt, ap);
	va_end(ap);
	return 1;
}

/* a parameter-binding error */
static int fail(struct inv *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct inv *in, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(in, PS_E_BINDING, NULL, fmt, ap);
	va_end(ap);
	return 1;
}

/* the cmdlet's own parameters, then the role parameters it takes */
static void collect(struct inv *in)
{
	for (const struct ps_param *p = in->c->params; p->name; p++)
		in->all[in->nall++] = p;
	for (const struct ps_role_param *r = ps_roles; r->p.name; r++)
		if (ps_cmdlet_takes(in->c, r))
			in->all[in->nall++] = &r->p;
}

static const char *inv_param_at(const void *set, int i, const char **aliases)
{
	const struct inv *in = set;
	if (i >= in->nall)
		return NULL;
	*aliases = in->all[i]->aliases;
	return in->all[i]->name;
}

/* The parameter a -name token means (ps_param_match); *ambiguous when several could. */
static const struct ps_param *resolve(struct inv *in, const char *name, size_t n, int *ambiguous)
{
	int i = ps_param_match(in, inv_param_at, name, n);
	*ambiguous = i == PS_PARAM_AMBIGUOUS;
	return i >= 0 ? in->all[i] : NULL;
}

static json_t *bound_value(struct inv *in, const struct ps_param *p)
{
	for (int i = 0; i < in->nb; i++)
		if (in->b[i].p == p)
			return in->b[i].v;
	return NULL;
}

static const char *type_word(enum ps_type t)
{
	switch (t) {
	case PT_STRINGS: return "System.String[]";
	case PT_BOOL: return "System.Nullable`1[System.Boolean]";
	case PT_INT: return "System.Nullable`1[System.Int32]";
	case PT_LONG: return "System.Nullable`1[System.Int64]";
	case PT_BLOB: return "System.Byte[]";
	case PT_OBJECTS: return "System.Object[]";
	default: return "System.String";
	}
}

/* Converts a parsed value to the parameter's type; 0, or 1 after printing the error. */
/* a number, Boolean or DateTime bound to a string parameter: its text, as PowerShell
 * converts it (3.19 stays "3.19", $true is "True") */
static void as_text(json_t **v)
{
	if (json_is_number(*v) || json_is_boolean(*v) || ps_is_date(*v)) {
		char *t = ps_to_string(*v);
		json_decref(*v);
		*v = json_string(t);
		free(t);
	}
}

/* A LayerPartBlob value as AWS.Tools' Base64StreamParameterConverter takes it (its
 * MemoryStreamParameterConverter.TransformToByteArray): a string is its UTF-8 bytes,
 * strings are lines each ended by a newline (StreamWriter.WriteLine on Linux), a byte[]
 * ([System.IO.File]::ReadAllBytes, here an array of numbers 0-255) its bytes; anything
 * else is refused in the converter's words. The bytes go to the core base64-encoded,
 * as the aws frontend sends fileb:// bytes: the JSON protocol's blob. */
static int to_blob(struct inv *in, const struct ps_param *p, json_t **v)
{
	struct buf b;
	const char *bad = NULL;
	int full = 0;
	if (json_is_null(*v))
		return 0;
	ecr_buf_init(&b, (size_t)64 << 20); /* a part is at most 20971520 bytes (the model's max) */
	if (json_is_string(*v)) {
		full |= ecr_buf_add(&b, json_string_value(*v), json_string_length(*v));
	} else if (json_is_array(*v) && json_array_size(*v)) {
		size_t i, strings = 0, bytes = 0;
		json_t *e;
		json_array_foreach(*v, i, e) {
			strings += json_is_string(e);
			bytes += json_is_integer(e) && json_integer_value(e) >= 0 && json_integer_value(e) <= 255;
		}
		json_array_foreach(*v, i, e) {
			if (strings == json_array_size(*v)) {
				full |= ecr_buf_add(&b, json_string_value(e), json_string_length(e));
				full |= ecr_buf_add(&b, "\n", 1);
			} else if (bytes == json_array_size(*v)) {
				unsigned char c = (unsigned char)json_integer_value(e);
				full |= ecr_buf_add(&b, &c, 1);
			}
		}
		if (strings != json_array_size(*v) && bytes != json_array_size(*v))
			bad = "System.Object[]";
	} else if (json_is_array(*v)) {
		/* @(): an empty part, as an empty string[] gives */
	} else {
		bad = json_is_integer(*v) ? "System.Int32" : json_is_real(*v) ? "System.Double" :
		      json_is_boolean(*v) ? "System.Boolean" : ps_type_name(*v) ? ps_type_name(*v) :
		      ps_is_date(*v) ? "System.DateTime" : "System.Collections.Hashtable";
	}
	if (bad) {
		ecr_buf_release(&b);
		return fail(in, "Cannot process argument transformation on parameter '%s'. Cannot perform Base64 conversion for type %s",
			    p->name, bad);
	}
	if (full) { /* past the cap (three times the model's largest part) or out of memory */
		ecr_buf_release(&b);
		return fail(in, "Cannot process argument transformation on parameter '%s'. The value is larger than ecrlite takes for a layer part (64 MiB).", p->name);
	}
	size_t n = b.len;
	char *b64 = malloc(4 * ((n + 2) / 3) + 1);
	if (!b64) {
		ecr_buf_release(&b);
		return fail_as(in, PS_E_INVALID_OP, NULL, "out of memory");
	}
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)(b.data ? b.data : ""), (int)n);
	ecr_buf_release(&b);
	json_decref(*v);
	*v = json_string(b64);
	free(b64);
	return 0;
}

static int convert(struct inv *in, const struct ps_param *p, json_t **v)
{
	switch (p->type) {
	case PT_BOOL:
		/* PowerShell takes $true/$false and numbers; the ECR guide writes a bare true,
		 * so true/false strings are accepted too (README: deviations) */
		if (json_is_boolean(*v))
			return 0;
		if (json_is_integer(*v)) {
			int b = json_integer_value(*v) != 0;
			json_decref(*v);
			*v = json_boolean(b);
			return 0;
		}
		if (json_is_string(*v) && (!strcasecmp(json_string_value(*v), "true") || !strcasecmp(json_string_value(*v), "false"))) {
			int b = !strcasecmp(json_string_value(*v), "true");
			json_decref(*v);
			*v = json_boolean(b);
			return 0;
		}
		return fail(in, "Cannot process argument transformation on parameter '%s'. Cannot convert value \"%s\" to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.",
			    p->name, json_is_string(*v) ? "System.String" : "System.Object[]");
	case PT_INT:
	case PT_LONG:
		if (json_is_integer(*v))
			return 0;
		if (json_is_real(*v)) { /* [int]2.5 is 2: .NET rounds half to even, as nearbyint */
			double d = nearbyint(json_real_value(*v));
			json_decref(*v);
			*v = json_integer((json_int_t)d);
			return 0;
		}
		if (json_is_string(*v)) {
			char *end;
			long long n = strtoll(json_string_value(*v), &end, 10);
			if (*json_string_value(*v) && !*end) {
				json_decref(*v);
				*v = json_integer(n);
				return 0;
			}
			return fail(in, "Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"%s\". Error: \"The input string '%s' was not in a correct format.\"",
				    p->name, json_string_value(*v), p->type == PT_LONG ? "System.Int64" : "System.Int32",
				    json_string_value(*v));
		}
		return fail(in, "Cannot bind parameter '%s' to the target. Cannot convert the value to type \"%s\".", p->name, type_word(p->type));
	case PT_BLOB:
		return to_blob(in, p, v);
	case PT_STRING:
		if (as_text(v), !json_is_string(*v) && !json_is_null(*v))
			return fail(in, "Cannot convert 'System.Object[]' to the type 'System.String' required by parameter '%s'. Specified method is not supported.", p->name);
		return 0;
	case PT_STRINGS:
		if (!json_is_array(*v)) {
			json_t *a = json_array();
			json_array_append(a, *v);
			json_decref(*v);
			*v = a;
		}
		for (size_t i = 0; i < json_array_size(*v); i++) {
			json_t *e = json_incref(json_array_get(*v, i));
			as_text(&e);
			json_array_set_new(*v, i, e);
			if (!json_is_string(e)) {
				return fail(in, "Cannot bind parameter '%s'. Cannot convert the value to type \"System.String\".", p->name);
			}
		}
		return 0;
	case PT_OBJECTS:
		if (json_is_object(*v)) {
			json_t *a = json_array();
			json_array_append(a, *v);
			json_decref(*v);
			*v = a;
		}
		if (!json_is_array(*v))
			return fail(in, "Cannot bind parameter '%s'. Cannot convert the \"%s\" value of type \"System.String\" to type \"Amazon.ECR.Model.%s\".",
				    p->name, json_string_value(*v) ? json_string_value(*v) : "", !strcmp(p->name, "Tag") ? "Tag" : !strcmp(p->name, "Rule") ? "RegistryScanningRule" : "ImageIdentifier");
		return 0;
	default:
		return 0;
	}
}

/* Hashtable keys (PascalCase, any case) to the model's member names, by shape. */
static json_t *to_model(json_t *v, int shape)
{
	const struct ecr_shape *s = &ecr_shapes[shape];
	if (s->type == ECR_T_LIST && json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) json_array_append_new(a, to_model(e, s->member));
		return a;
	}
	if (s->type == ECR_T_LIST) {
		json_t *a = json_array();
		json_array_append_new(a, to_model(v, s->member));
		return a;
	}
	if (s->type == ECR_T_STRUCT && json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) {
			const struct ecr_member *m = NULL;
			if (ps_is_marker(k))
				continue; /* an SDK object passed on keeps only its properties */
			for (int i = 0; i < s->nmembers; i++)
				if (!strcasecmp(s->members[i].name, k))
					m = &s->members[i];
			if (m)
				json_object_set_new(o, m->name, to_model(e, m->shape));
			else
				json_object_set(o, k, e); /* the service names what it does not know */
		}
		return o;
	}
	if (s->type == ECR_T_TIMESTAMP && ps_is_date(v))
		return json_real(ps_date_time(v));
	if (s->type == ECR_T_BOOLEAN && json_is_string(v))
		return json_boolean(!strcasecmp(json_string_value(v), "true"));
	return json_incref(v);
}

static void emit_ext(struct ps_out *out, const struct ps_ext_out *x, const char *path, json_t *v)
{
	json_t *o = ps_obj_from_ext(x, path, v);
	ps_out_add(out, o);
	json_decref(o);
}

/* -Select: '*', '^Param', or a dotted property path (case-insensitive, collections
 * flattened, nulls dropped). Emits each resulting object: of the model shape, or for
 * ecrlite's own operations (shape -1) as their row x says. 0, or -1 on a bad path. */
static int apply_select(const char *sel, json_t *resp, int shape, const struct ps_ext_out *x, struct ps_out *out)
{
	if (!strcmp(sel, "*")) {
		if (shape < 0)
			emit_ext(out, x, "", resp);
		else
			ps_out_emit(out, resp, shape);
		return 0;
	}
	json_t *cur = json_array();
	json_array_append(cur, resp);
	int sh = shape;
	char seg[128], path[256] = ""; /* path: the JSON names walked while sh < 0 */
	const char *p = sel;
	while (*p) {
		size_t n = strcspn(p, ".");
		if (ecr_str_ncopy(seg, sizeof(seg), p, n)) {
			json_decref(cur);
			return -1; /* no member is this long: never a cut name that matches one */
		}
		p += n + (p[n] == '.');
		if (sh < 0) {
			/* ecrlite's own operations have no model shape: members by name, any case,
			 * until a member the row gives an ECR shape */
			json_t *next = json_array(), *e, *v;
			size_t i;
			const char *k, *name = NULL;
			json_array_foreach(cur, i, e) json_object_foreach(e, k, v) {
				if (strcasecmp(k, seg) || json_is_null(v))
					continue;
				name = name ? name : k;
				if (json_is_array(v))
					json_array_extend(next, v);
				else
					json_array_append(next, v);
			}
			if (name && ecr_str_join(path, sizeof(path), path, ".", name))
				snprintf(path, sizeof(path), "\001"); /* too deep for any row */
			json_decref(cur);
			cur = next;
			int ms = ps_ext_shape(x, path);
			if (ms >= 0)
				sh = ecr_shapes[ms].type == ECR_T_LIST ? ecr_shapes[ms].member : ms;
			continue;
		}
		const struct ecr_shape *s = &ecr_shapes[sh];
		const struct ecr_member *m = NULL;
		for (int i = 0; s->type == ECR_T_STRUCT && i < s->nmembers; i++)
			if (!strcasecmp(s->members[i].name, seg))
				m = &s->members[i];
		if (!m) {
			json_decref(cur);
			return -1;
		}
		json_t *next = json_array();
		size_t i;
		json_t *e;
		int mshape = m->shape;
		json_array_foreach(cur, i, e) {
			json_t *v = json_object_get(e, m->name);
			if (!v || json_is_null(v))
				continue;
			if (json_is_array(v) && ecr_shapes[mshape].type == ECR_T_LIST)
				json_array_extend(next, v);
			else
				json_array_append(next, v);
		}
		sh = ecr_shapes[mshape].type == ECR_T_LIST ? ecr_shapes[mshape].member : mshape;
		json_decref(cur);
		cur = next;
	}
	size_t i;
	json_t *e;
	json_array_foreach(cur, i, e) {
		if (sh < 0)
			emit_ext(out, x, path, e);
		else
			ps_out_emit(out, e, sh);
	}
	json_decref(cur);
	return 0;
}

static int confirm(struct inv *in, int force, int whatif, int interactive_ok)
{
	const struct ps_cmdlet *c = in->c;
	char target[1024] = "";
	const struct ps_param *tp = NULL;
	for (int i = 0; i < in->nall; i++)
		if (c->target && !strcmp(in->all[i]->name, c->target))
			tp = in->all[i];
	json_t *tv = tp ? bound_value(in, tp) : NULL;
	if (json_is_string(tv))
		snprintf(target, sizeof(target), "%s", json_string_value(tv));
	else if (tv)
		snprintf(target, sizeof(target), "values bound to the parameter %s", tp->name);
	/* the host writes these at once: what the statements before displayed goes first,
	 * as Write-Host does */
	if (in->s && in->s->out && (whatif || (c->impact >= 2 && !force && interactive_ok && isatty(0))))
		ps_out_flush(in->s->out);
	if (whatif) {
		printf("What if: Performing the operation \"%s (%s)\" on target \"%s\".\n", c->name, c->op, target);
		fflush(stdout);
		return 2;
	}
	if (c->impact < 2 || force)
		return 0;
	if (!interactive_ok || !isatty(0))
		return fail_as(in, PS_E_INVALID_OP, NULL, "PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.");
	printf("\nConfirm\nAre you sure you want to perform this action?\nPerforming the operation \"%s (%s)\" on target \"%s\".\n"
	       "[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is \"Y\"): ",
	       c->name, c->op, target);
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return 2;
	return (line[0] == '\n' || line[0] == 'y' || line[0] == 'Y' || line[0] == 'a' || line[0] == 'A') ? 0 : 2;
}

/* Binds one named or positional argument; 0, or 1 after printing the error. */
/* Binds v (stolen) to p once converted to p's type; 0, or 1 reported. */
static int bind_to(struct inv *in, const struct ps_param *p, json_t *v)
{
	if (convert(in, p, &v)) {
		json_decref(v);
		return 1;
	}
	in->b[in->nb].p = p;
	in->b[in->nb++].v = v;
	return 0;
}

static int bind_arg(struct inv *in, const struct ps_arg *a, json_t *positional)
{
	if (!a->param) {
		json_array_append(positional, a->value ? a->value : json_null());
		return 0;
	}
	const char *colon = strchr(a->param, ':');
	size_t n = colon ? (size_t)(colon - a->param) : strlen(a->param);
	int amb;
	const struct ps_param *p = resolve(in, a->param, n, &amb);
	if (!p) {
		if (amb) {
			struct buf list;
			ecr_buf_init(&list, (size_t)1 << 20);
			for (int k = 0; k < in->nall; k++)
				if ((strlen(in->all[k]->name) >= n && !strncasecmp(in->all[k]->name, a->param, n)) ||
				    ps_alias_is(in->all[k]->aliases, a->param, n, 1))
					ecr_buf_printf(&list, " -%s", in->all[k]->name);
			int rc = fail(in, "Parameter cannot be processed because the parameter name '%.*s' is ambiguous. Possible matches include:%s.",
				      (int)n, a->param, list.data ? list.data : "");
			ecr_buf_release(&list);
			return rc;
		}
		return fail(in, "A parameter cannot be found that matches parameter name '%.*s'.", (int)n, a->param);
	}
	if (bound_value(in, p))
		return fail(in, "Cannot bind parameter because parameter '%s' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, \"-parameter value1,value2,value3\".",
			    p->name);
	if (p->type == PT_SWITCH) {
		int on = !a->has_value || json_is_true(a->value) || (json_is_integer(a->value) && json_integer_value(a->value));
		in->b[in->nb].p = p;
		in->b[in->nb++].v = json_boolean(on);
		return 0;
	}
	if (!a->has_value)
		return fail(in, "Missing an argument for parameter '%s'. Specify a parameter of type '%s' and try again.", p->name,
			    type_word(p->type));
	return bind_to(in, p, json_deep_copy(a->value ? a->value : json_null()));
}

static int bind_positional(struct inv *in, json_t *positional)
{
	for (size_t k = 0; k < json_array_size(positional); k++) {
		const struct ps_param *p = NULL;
		for (int j = 0; j < in->nall && !p; j++)
			if (in->all[j]->position >= 0 && !bound_value(in, in->all[j]))
				p = in->all[j];
		if (!p) {
			char *d = ps_to_string(json_array_get(positional, k));
			fail(in, "A positional parameter cannot be found that accepts argument '%s'.", d);
			free(d);
			return 1;
		}
		if (bind_to(in, p, json_deep_copy(json_array_get(positional, k))))
			return 1;
	}
	return 0;
}

/* Pipeline input, as PowerShell binds it: by value to the first positional parameter
 * (a string to a string parameter, an SDK object of the parameter's element type),
 * else by property name to any unbound parameter. 1 when something bound. */
static int bind_input(struct inv *in, json_t *obj)
{
	int any = 0;
	for (int j = 0; j < in->nall && !any; j++) {
		const struct ps_param *p = in->all[j];
		if (p->position != 0 || bound_value(in, p))
			continue;
		const char *t = ps_type_name(obj);
		int ok = (json_is_string(obj) && (p->type == PT_STRING || p->type == PT_STRINGS || p->type == PT_BLOB)) ||
			 (t && p->type == PT_OBJECTS && !strcmp(t, "Amazon.ECR.Model.ImageIdentifier") && !strcmp(p->name, "ImageId"));
		if (!ok)
			continue;
		json_t *v = json_deep_copy(obj);
		if (t) /* an SDK object bound by value keeps its properties */
			json_object_del(v, PS_TYPE_KEY);
		if (bind_to(in, p, v))
			return -1;
		any = 1;
	}
	if (any || !json_is_object(obj))
		return any;
	const char *k;
	json_t *val;
	json_object_foreach(obj, k, val) {
		if (ps_is_marker(k) || json_is_null(val))
			continue;
		for (int j = 0; j < in->nall; j++) {
			const struct ps_param *p = in->all[j];
			if (ps_param_role(p) != PR_MEMBER || bound_value(in, p))
				continue;
			if (strcasecmp(p->name, k) && !ps_alias_is(p->aliases, k, strlen(k), 0))
				continue;
			if (bind_to(in, p, json_deep_copy(val)))
				return -1;
			any = 1;
		}
	}
	return any;
}

static int missing_mandatory(struct inv *in)
{
	struct buf missing;
	int rc = 0, any = 0;
	ecr_buf_init(&missing, (size_t)1 << 20);
	/* whether one is missing is counted, not read from the list: a list that could not
	   grow must not let the cmdlet run without its mandatory parameters */
	for (int j = 0; j < in->nall; j++)
		if (in->all[j]->mandatory && !bound_value(in, in->all[j]))
			ecr_buf_printf(&missing, "%s%s", any++ ? " " : "", in->all[j]->name);
	if (any)
		rc = fail(in, "Cannot process command because of one or more missing mandatory parameters: %s.",
			  missing.data ? missing.data : "(the list ran out of memory)");
	ecr_buf_release(&missing);
	return rc;
}

/* Runs the bound command once, emitting into out. 0 or 1. */
/* a failed call to the core: InvalidOperationException around the ECR exception */
static int service_error(struct inv *in, const struct ecr_err *e)
{
	fe_exit_if_fatal(e);
	char inner[300];
	if (ecr_err_own(e)) /* ecrlite's own condition: no service exception inside */
		return fail_as(in, PS_E_INVALID_OP, NULL, "%s", e->message);
	snprintf(inner, sizeof(inner), "Amazon.ECR.Model.%s", ecr_err_name(e));
	return fail_as(in, PS_E_INVALID_OP, inner, "%s", e->message);
}

/* One call to -EndpointUrl; errors as the module shows them (0, or 1 reported) */
static int call_remote(struct inv *in, const struct fe_remote *remote, json_t *req, json_t **resp)
{
	struct fe_remote_err f;
	if (!fe_remote_call(remote, in->c->op, req, resp, &f))
		return 0;
	if (f.no_credentials)
		return fail_as(in, PS_E_INVALID_OP, NULL, "No credentials specified or obtained from persisted/shell defaults.");
	if (f.client)
		return fail_as(in, PS_E_INVALID_OP, "System.Net.Http.HttpRequestException", "%s",
			       f.transport[0] ? f.transport : f.message);
	char inner[300];
	snprintf(inner, sizeof(inner), "Amazon.ECR.Model.%s", f.code[0] >= 'A' ? f.code : "AmazonECRException");
	return fail_as(in, PS_E_INVALID_OP, inner, "%s", f.message[0] ? f.message : f.code);
}

/* one page: from the core, or from -EndpointUrl (0, or 1 reported) */
struct page_call {
	struct inv *in;                 /* the invocation, for its errors */
	const struct fe_remote *remote; /* the endpoint, when remote->endpoint */
	struct ecr_ctx *ctx;            /* else the core's context */
	struct ecr_err *e;              /* the core's error */
};

static int page_call(void *arg, const char *op, json_t *req, json_t **resp_out)
{
	struct page_call *pc = arg;
	(void)op; /* the cmdlet row's, as call_remote takes it */
	if (pc->remote->endpoint)
		return call_remote(pc->in, pc->remote, req, resp_out);
	return ecr_call(pc->ctx, pc->in->c->op, req, resp_out, pc->e) ? service_error(pc->in, pc->e) : 0;
}

/* An enum parameter (ImageTagMutability, Filter_TagStatus, ScanType) is an SDK
 * ConstantClass: a string converts to the known value of any case (FindValue's
 * OrdinalIgnoreCase map: "immutable" goes as IMMUTABLE), other strings pass through. */
static json_t *constant_class(const struct ecr_op_model *m, const char *path, json_t *v)
{
	int shape = m ? m->input : -1;
	char buf[128];
	if (!json_is_string(v) || ecr_str_ncopy(buf, sizeof(buf), path, strlen(path)))
		return json_incref(v);
	for (char *seg = strtok(buf, "."); seg && shape >= 0; seg = strtok(NULL, ".")) {
		const struct ecr_member *mm = ecr_model_member(&ecr_shapes[shape], seg);
		shape = mm ? mm->shape : -1;
	}
	for (const char *const *e = shape >= 0 ? ecr_shapes[shape].enums : NULL; e && *e; e++)
		if (!strcasecmp(*e, json_string_value(v)))
			return json_string(*e);
	return json_incref(v);
}

static int execute(struct inv *in, struct ps_out *o, int interactive_ok)
{
	const struct ps_cmdlet *c = in->c;
	const struct ecr_op_model *m = ecr_model_op(c->op);
	json_t *req = json_object();
	const char *sel = c->select, *region = NULL, *profile = NULL;
	/* -EndpointUrl: the call goes to that endpoint, signed with these credentials */
	/* the .NET SDK's HttpClient gives up after 100 s (its Timeout): here 100 s to
	 * connect and 100 s of silence */
	struct fe_remote remote = {.connect_timeout = 100, .read_timeout = 100};
	int force = 0, whatif = 0, noauto = 0, passthru = 0, has_select = 0, rc = 1;
	struct ecr_ctx *ctx = NULL;
	for (int k = 0; k < in->nb; k++) {
		const struct ps_param *p = in->b[k].p;
		json_t *v = in->b[k].v;
		switch (ps_param_role(p)) {
		case PR_MEMBER: {
			char top[128];
			ecr_str_ncopy(top, sizeof(top), p->path, strcspn(p->path, ".")); /* the table's paths fit */
			const struct ecr_member *mm = m && m->input >= 0 ? ecr_model_member(&ecr_shapes[m->input], top) : NULL;
			json_t *conv = (p->type == PT_OBJECTS && mm) ? to_model(v, mm->shape) : constant_class(m, p->path, v);
			fe_json_path_set_new(req, p->path, conv);
			break;
		}
		case PR_SELECT:
			sel = json_string_value(v);
			has_select = 1;
			break;
		case PR_FORCE: force = json_is_true(v); break;
		case PR_WHATIF: whatif = json_is_true(v); break;
		case PR_NOAUTO: noauto = json_is_true(v); break;
		case PR_PASSTHRU: passthru = json_is_true(v); break;
		case PR_REGION: region = json_string_value(v); break;
		case PR_PROFILE: profile = json_string_value(v); break;
		case PR_ENDPOINT: remote.endpoint = json_string_value(v); break;
		case PR_ACCESSKEY: remote.access_key = json_string_value(v); break;
		case PR_SECRETKEY: remote.secret_key = json_string_value(v); break;
		case PR_SESSIONTOKEN: remote.session_token = json_string_value(v); break;
		case PR_PROFILELOCATION: remote.credentials_file = json_string_value(v); break;
		case PR_IGNORED: case PR_COMMON: case PR_CONFIRM: break; /* accepted; the impact decides */
		}
	}
	if (!sel)
		sel = c->select;
	if (passthru && has_select) {
		fail_as(in, PS_E_ARGUMENT, NULL, "-PassThru cannot be used when -Select is specified.");
		goto out;
	}
	char passsel[160];
	if (passthru) {
		snprintf(passsel, sizeof(passsel), "^%s", c->passthru_param);
		sel = passsel;
	}
	const struct ps_param *sel_param = NULL;
	if (sel[0] == '^') {
		int amb;
		sel_param = resolve(in, sel + 1, strlen(sel + 1), &amb);
		if (!sel_param) {
			fail_as(in, PS_E_ARGUMENT, NULL, "Invalid value for -Select parameter.");
			goto out;
		}
	}
	int conf = c->impact ? confirm(in, force, whatif, interactive_ok) : 0;
	if (conf) {
		rc = conf == 2 ? 0 : 1;
		goto out;
	}
	struct ecr_err e = {0};
	char *r = fe_region(region, profile), ua[256];
	if (remote.endpoint) {
		snprintf(ua, sizeof(ua), "AWSPowerShell.Common/4.1 ecrlite/%s cmdlet/%s", ECRLITE_VERSION, c->name);
		remote.region = r ? r : ECR_DEFAULT_REGION;
		remote.profile = profile;
		remote.user_agent = ua;
	} else if (fe_ctx_open(&ctx, r, &e)) {
		free(r);
		fail_as(in, PS_E_INVALID_OP, NULL, "%s", e.message);
		goto out;
	}
	/* page by page unless -NoAutoIteration or -NextToken */
	const struct ecr_paginator *pg = m ? m->pager : NULL;
	struct fe_pages_opts po = {.one_page = noauto || (pg && json_object_get(req, pg->input_token)), .max_items = -1};
	struct page_call pc = {.in = in, .remote = &remote, .ctx = ctx, .e = &e};
	struct fe_pages pages;
	json_t *resp;
	int got;
	rc = fe_pages_init(&pages, c->op, req, &po) ? fail_as(in, PS_E_INVALID_OP, NULL, "out of memory") : 0;
	while (!rc && (got = fe_pages_next(&pages, page_call, &pc, &resp)) != FE_PAGES_END) {
		if (got == FE_PAGES_REPEATED)
			fail_as(in, PS_E_INVALID_OP, NULL, "The same next token was received twice: %s", pages.repeated);
		if (got != FE_PAGE) {
			rc = 1;
			break;
		}
		char why[300];
		if (c->emit) { /* the module's own objects; -Select has nothing to pick from */
			if (c->emit(resp, o, why, sizeof(why))) {
				json_decref(resp);
				fail_as(in, PS_E_INVALID_OP, "System.FormatException", "%s", why);
				rc = 1;
				break;
			}
			json_decref(resp);
			continue;
		}
		/* a default select of "": the module's delegate returns null, nothing is written */
		if (!sel_param && (*sel || has_select) && apply_select(sel, resp, m ? m->output : -1, ps_ext_find(c->op), o)) {
			json_decref(resp);
			fail_as(in, PS_E_ARGUMENT, NULL, "Invalid value for -Select parameter.");
			rc = 1;
			break;
		}
		json_decref(resp);
	}
	fe_pages_release(&pages);
	if (!rc && sel_param) {
		/* ^Param: the bound value, once */
		json_t *v = bound_value(in, sel_param);
		if (json_is_array(v)) {
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) ps_out_add(o, x);
		} else if (v) {
			ps_out_add(o, v);
		}
	}
	fe_notices(ctx, "WARNING: ");
	free(r);
out:
	json_decref(req);
	ecr_ctx_free(ctx);
	return rc;
}

static void unbind_from(struct inv *in, int nb)
{
	while (in->nb > nb) {
		in->nb--;
		json_decref(in->b[in->nb].v);
	}
}

int ps_is_cmdlet_switch(const char *cmdlet, const char *param)
{
	struct inv in;
	int amb;
	memset(&in, 0, sizeof(in));
	in.c = ps_cmdlet_find(cmdlet);
	if (!in.c)
		return 0;
	collect(&in);
	const char *colon = strchr(param, ':');
	const struct ps_param *p = resolve(&in, param, colon ? (size_t)(colon - param) : strlen(param), &amb);
	return p && p->type == PT_SWITCH;
}

int ps_invoke(struct ps_sess *s, const char *name, const struct ps_arg *args, int nargs, json_t *input, struct ps_out *out,
	      int interactive_ok)
{
	struct inv in;
	int rc = 1;
	memset(&in, 0, sizeof(in));
	in.s = s;
	in.c = ps_cmdlet_find(name);
	if (!in.c) {
		ps_raise(s, name, PS_E_NOT_FOUND, NULL, 1,
			 "The term '%s' is not recognized as a name of a cmdlet, function, script file, or executable program.", name);
		return 1;
	}
	collect(&in);
	json_t *positional = json_array();
	for (int i = 0; i < nargs; i++)
		if (bind_arg(&in, &args[i], positional))
			goto out;
	if (bind_positional(&in, positional))
		goto out;
	if (!input) {
		if (missing_mandatory(&in))
			goto out;
		rc = execute(&in, out, interactive_ok);
		goto out;
	}
	/* once per input object (ProcessRecord); a failure to bind one is reported and the
	 * others go on */
	rc = 0;
	int base = in.nb;
	size_t i;
	json_t *obj;
	json_array_foreach(input, i, obj) {
		int b = bind_input(&in, obj);
		if (b < 0) {
			rc = 1;
		} else if (!b) {
			fail(&in, "The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.");
			rc = 1;
		} else if (missing_mandatory(&in) || execute(&in, out, interactive_ok)) {
			rc = 1;
		}
		unbind_from(&in, base);
	}
out:
	json_decref(positional);
	unbind_from(&in, 0);
	return rc;
}

int ps_run(struct ps_sess *s, const char *name, int argc, char **argv, int interactive_ok)
{
	struct ps_arg *args = calloc((size_t)argc + 1, sizeof(*args));
	char err[512];
	int n = 0, rc = 1;
	const struct ps_cmdlet *c = ps_cmdlet_find(name);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9') && a[1] != '-') {
			const char *colon = strchr(a, ':');
			args[n].param = a + 1;
			if (colon) {
				args[n].has_value = 1;
				if (!(args[n].value = ps_value_parse(colon + 1, err, sizeof(err)))) {
					fprintf(stderr, "%s: %s\n", c ? c->name : name, err);
					goto out;
				}
			} else if (!ps_is_cmdlet_switch(name, a + 1) && i + 1 < argc) {
				args[n].has_value = 1;
				if (!(args[n].value = ps_value_parse(argv[++i], err, sizeof(err)))) {
					fprintf(stderr, "%s: %s\n", c ? c->name : name, err);
					goto out;
				}
			}
			n++;
			continue;
		}
		args[n].has_value = 1;
		if (!(args[n].value = ps_value_parse(a, err, sizeof(err)))) {
			fprintf(stderr, "%s: %s\n", c ? c->name : name, err);
			goto out;
		}
		n++;
	}
	struct ps_out *o = ps_out_new();
	rc = ps_invoke(s, name, args, n, NULL, o, interactive_ok);
	ps_out_flush(o);
	ps_out_free(o);
out:
	for (int i = 0; i < n; i++)
		json_decref(args[i].value);
	free(args);
	return rc;
}
