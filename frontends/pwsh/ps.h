/* The cmdlet frontend: AWS Tools for PowerShell command lines (Start-ECRImageScan
 * -RepositoryName r -ImageId_ImageTag t -Force …) on the same core, with PowerShell's
 * binding rules, the module's -Select and paging, and PowerShell's default display. */
#ifndef PS_H
#define PS_H
#include <jansson.h>
#include <stdio.h>

#include "ecr.h"

enum ps_type {
	PT_STRING,     /* string */
	PT_STRINGS,    /* string[] */
	PT_BOOL,       /* bool? */
	PT_INT,        /* int? */
	PT_LONG,       /* long? (UploadLayerPart's byte positions) */
	PT_BLOB,       /* byte[] taking what Base64StreamParameterConverter takes; sent base64 */
	PT_SWITCH,     /* switch */
	PT_OBJECTS,    /* model objects from hashtables (ImageIdentifier[], Tag[], rules) */
	PT_IGNORED,    /* accepted and ignored (credentials, PowerShell common parameters) */
};

struct ps_param {
	const char *name;      /* PascalCase parameter name */
	const char *aliases;   /* comma-separated aliases, or NULL */
	const char *path;      /* request member path ("imageId.imageTag"), or NULL: a ps_role_param */
	enum ps_type type;     /* how values convert */
	int position;          /* positional slot, -1 for none */
	int mandatory;         /* Mandatory = true */
};

struct ps_out;
struct ps_cmdlet {
	const char *name;      /* Verb-ECRNoun */
	const char *op;        /* core operation */
	const char *select;    /* default -Select; "": no output by default */
	int impact;            /* 0 no ShouldProcess, 1 Medium, 2 High */
	const char *target;    /* parameter whose value names the confirmation target */
	int passthru;          /* has -PassThru (= -Select '^<passthru_param>') */
	const char *passthru_param; /* what -PassThru selects */
	const struct ps_param *params; /* its own parameters, NULL-terminated */
	/* a cmdlet the module writes by hand (Get-ECRLoginCommand): makes the objects from
	 * each response instead of -Select; 0, or -1 with the .NET message in why */
	int (*emit)(json_t *resp, struct ps_out *o, char *why, size_t wn);
};

/* ps_login.c: Get-ECRLoginCommand's PSObjects from a GetAuthorizationToken response */
int ps_emit_login(json_t *resp, struct ps_out *o, char *why, size_t wn);

/* What a parameter that sets no request member does. */
enum ps_role {
	PR_MEMBER,          /* sets the request member at its path (a cmdlet's own rows) */
	PR_NOAUTO,          /* -NoAutoIteration: one page */
	PR_PASSTHRU,        /* -PassThru: emits the -Select '^param' value */
	PR_FORCE,           /* -Force: no confirmation */
	PR_SELECT,          /* -Select */
	PR_REGION,          /* -Region */
	PR_ACCESSKEY,       /* -AccessKey (with -EndpointUrl) */
	PR_SECRETKEY,       /* -SecretKey */
	PR_SESSIONTOKEN,    /* -SessionToken */
	PR_PROFILE,         /* -ProfileName */
	PR_PROFILELOCATION, /* -ProfileLocation */
	PR_ENDPOINT,        /* -EndpointUrl: the call goes there */
	PR_IGNORED,         /* the module's, accepted and ignored (-Credential, -ClientConfig) */
	PR_COMMON,          /* PowerShell's common parameters: ignored, built-ins take them too */
	PR_WHATIF,          /* -WhatIf: says what would run */
	PR_CONFIRM,         /* -Confirm: accepted (the impact decides) */
};

/* Which cmdlets take a role parameter. */
enum ps_when {
	PW_ALL,             /* every cmdlet */
	PW_PAGED,           /* those whose operation has a paginator (listed with their own) */
	PW_PASSTHRU,        /* those with -PassThru */
	PW_IMPACT,          /* those that confirm (ShouldProcess) */
};

struct ps_role_param {
	struct ps_param p;  /* the parameter, its path NULL; first, so &p converts back */
	enum ps_role role;  /* what it does */
	enum ps_when when;  /* which cmdlets take it */
};

/* ps_cmdlets.c */
const struct ps_cmdlet *ps_cmdlet_find(const char *name);  /* case-insensitive */
int ps_cmdlet_count(void);
const struct ps_cmdlet *ps_cmdlet_at(int i);
/* The parameters that set no request member, every one in one table, in binder order
 * (after a cmdlet's own); terminated by a NULL name. */
extern const struct ps_role_param ps_roles[];
/* A parameter's role: PR_MEMBER for a cmdlet's own rows. */
enum ps_role ps_param_role(const struct ps_param *p);
/* 1 when cmdlet c takes the role parameter r. */
int ps_cmdlet_takes(const struct ps_cmdlet *c, const struct ps_role_param *r);

/* ps_ext.c: what the ECRLite cmdlets' operations (ecrlite's own, with no model shape)
 * answer, one row each: the members that are timestamps and those of an ECR shape. The
 * shell makes PowerShell objects of the rest by the SDK's conventions (PascalCase). */
enum ps_ext_kind {
	PX_DATE,            /* epoch seconds: a DateTime */
	PX_SHAPE,           /* a value of the ECR model's shape (Amazon.ECR.Model.<shape>) */
};
struct ps_ext_member {
	const char *path;   /* JSON names from the answer's top, '.'-joined; arrays are passed
			       through ("sources.importedAt"); NULL ends a list */
	enum ps_ext_kind kind;
	const char *shape;  /* PX_SHAPE: the model shape's name */
};
struct ps_ext_out {
	const char *op;     /* the core operation */
	const struct ps_ext_member *members;
};
/* The row of op, NULL for one of the model. */
const struct ps_ext_out *ps_ext_find(const char *op);
/* The model shape of that name, or -1. */
int ps_ext_shape_index(const char *name);
/* The model shape x gives the member at path, or -1. */
int ps_ext_shape(const struct ps_ext_out *x, const char *path);
/* v, found at path ("" the answer itself) in an answer x describes, as PowerShell
 * objects (new reference). */
json_t *ps_obj_from_ext(const struct ps_ext_out *x, const char *path, json_t *v);

struct ps_arg {
	const char *param;   /* parameter name as written (without '-', maybe "Name:…"), NULL if positional */
	json_t *value;       /* its value (borrowed), NULL for a switch written alone */
	int has_value;       /* a value was given */
};

struct ps_sess;
/* ps_run.c: binds and runs one ECR cmdlet (once, or once per pipeline input object),
 * emitting into out; 0 or 1 (PowerShell's $?). Its errors are the session's. */
int ps_invoke(struct ps_sess *s, const char *name, const struct ps_arg *args, int nargs, json_t *input, struct ps_out *out,
	      int interactive_ok);
/* 1 when param (a prefix, case-insensitive) is a switch of that cmdlet. */
int ps_is_cmdlet_switch(const char *cmdlet, const char *param);
/* Runs one cmdlet with argument tokens; returns 0 or 1 (PowerShell's $?). */
int ps_run(struct ps_sess *s, const char *cmdlet_name, int argc, char **argv, int interactive_ok);
/* ps_main.c */
int ps_link_main(const char *name, int argc, char **argv);
int ps_main(int argc, char **argv);

/* ps_format.c: PowerShell's default display of emitted objects (each with its model
 * shape, -1 for plain values). */
struct ps_out *ps_out_new(void);
void ps_out_emit(struct ps_out *o, json_t *v, int shape);
void ps_out_flush(struct ps_out *o);              /* to stdout */
void ps_out_write(struct ps_out *o, FILE *f);     /* the display text of what was added, to f */
void ps_out_free(struct ps_out *o);
/* Adds an object as it is (a PowerShell value, already converted). */
void ps_out_add(struct ps_out *o, json_t *v);
/* The emitted objects so far (new reference), leaving o empty. */
json_t *ps_out_take(struct ps_out *o);

#endif
