/* The ECR service model: shapes, operations, paginators and waiters, generated from
 * botocore's service-2.json (core/model_gen.c; lookups in core/model.c). Everything here is static, read-only data. */
#ifndef ECR_MODEL_H
#define ECR_MODEL_H
#include <jansson.h>
#include <stddef.h>

enum ecr_type {
	ECR_T_STRUCT, ECR_T_LIST, ECR_T_MAP, ECR_T_STRING, ECR_T_INTEGER, ECR_T_LONG,
	ECR_T_BOOLEAN, ECR_T_TIMESTAMP, ECR_T_BLOB, ECR_T_DOUBLE
};

struct ecr_member {
	const char *name;          /* wire name, camelCase as in the model */
	int shape;                 /* index into ecr_shapes */
	int required;              /* listed in the structure's "required" */
	const char *doc;           /* first sentence of the documentation, or NULL */
};

struct ecr_shape {
	const char *name;                 /* model shape name */
	enum ecr_type type;               /* its type */
	int has_min;                      /* min given (length, count or value) */
	long long min;                    /* the minimum */
	int has_max;                      /* max given */
	long long max;                    /* the maximum */
	const char *pattern;              /* regex, or NULL */
	const char *const *enums;         /* NULL-terminated enum values, or NULL */
	const struct ecr_member *members; /* structure members in model order */
	int nmembers;                     /* how many */
	int member;                       /* list: element shape, else -1 */
	int key;                          /* map: key shape, else -1 */
	int value;                        /* map: value shape, else -1 */
	int exception;                    /* an error shape */
};

struct ecr_paginator {
	const char *input_token;          /* request member carrying the token */
	const char *output_token;         /* response member carrying the next token */
	const char *limit_key;            /* request member for the page size */
	const char *const *result_keys;   /* dotted paths of the aggregated lists */
	const char *const *non_aggregate; /* members taken from the first page */
};

struct ecr_op_model {
	const char *name;                 /* CamelCase operation name */
	const char *cli_name;             /* kebab-case CLI name */
	int input;                        /* input shape, or -1 */
	int output;                       /* output shape, or -1 */
	const char *const *errors;        /* exception shape names, NULL-terminated */
	const struct ecr_paginator *pager;/* paginator, or NULL */
	const char *doc;                  /* first sentence of the documentation */
};

struct ecr_acceptor {
	const char *state;                /* success, failure, retry */
	const char *matcher;              /* path, error, status, ... */
	const char *argument;             /* JMESPath-like path for path matchers */
	const char *expected;             /* expected value as a string */
};

struct ecr_waiter {
	const char *name;                 /* ImageScanComplete */
	const char *cli_name;             /* image-scan-complete */
	const char *operation;            /* operation polled */
	int delay;                        /* seconds between polls */
	int max_attempts;                 /* polls before giving up */
	const struct ecr_acceptor *acceptors; /* terminated by a NULL state */
};

extern const struct ecr_shape ecr_shapes[];
extern const int ecr_nshapes;
extern const struct ecr_op_model ecr_op_models[];
extern const int ecr_nop_models;
extern const struct ecr_waiter ecr_waiters[];
extern const int ecr_nwaiters;
extern const char ecr_target_prefix[];
extern const char ecr_api_version[];

/* Looks an operation up by CamelCase name; NULL when unknown. */
const struct ecr_op_model *ecr_model_op(const char *name);
/* Looks an operation up by its CLI (kebab-case) name; NULL when unknown. */
const struct ecr_op_model *ecr_model_op_cli(const char *cli_name);
/* A structure's member by wire name; NULL when it has none. */
const struct ecr_member *ecr_model_member(const struct ecr_shape *s, const char *name);

/* The one walk of a JSON value along a model shape (core/model.c): the recursion, the
 * structure / list / map iteration and the paths live here, so each user (the service's
 * validation, the CLI's client-side validation, the CLI's output filter) keeps only its
 * rules for a node. A walk goes into a container only when the value has its JSON
 * type (an object for a structure or a map, an array for a list); a mismatch is the
 * visitor's to report. */
struct ecr_walk_node {
	int shape;                       /* index into ecr_shapes */
	const struct ecr_shape *sh;      /* &ecr_shapes[shape] */
	json_t *value;                   /* borrowed; NULL for a structure member the value lacks */
	const struct ecr_member *member; /* the structure member this node is, or NULL */
	const char *path;                /* where it is, in the visitor's style; "" at the root */
};

enum ecr_walk_order {
	/* a structure's members as the value has them; keys the model lacks are not visited */
	ECR_WALK_VALUE_ORDER,
	/* in the model's order, members the value lacks too (their value NULL) */
	ECR_WALK_MODEL_ORDER,
};

struct ecr_walk_visitor {
	/* Every node, before its children: 0 goes into them, 1 skips them, a negative
	 * value stops the walk (ecr_model_walk returns it). */
	int (*visit)(void *ud, const struct ecr_walk_node *n);
	void *ud;
	enum ecr_walk_order order;
	/* a list element's path from its list's path and its index, with the first index
	 * element_base: the service's "%s.%zu.member" from 1, botocore's "%s[%zu]" from 0.
	 * A member's path is "list.name" ("name" at the root), a map entry's "map.key". */
	const char *element;
	size_t element_base;
};

/* Walks value along shape (see struct ecr_walk_visitor); 0, or what a visit stopped with. */
int ecr_model_walk(int shape, json_t *value, const struct ecr_walk_visitor *v);
/* A new value rebuilt along shape: each container of the matching JSON type becomes a
 * new one of its rebuilt children (a structure's members in the model's order, keys the
 * model lacks dropped; a map's entries and a list's elements in the value's order);
 * every other node is what leaf(ud, shape, value) returns (a new reference). */
json_t *ecr_model_map(int shape, json_t *value, json_t *(*leaf)(void *ud, int shape, json_t *value), void *ud);

#endif
