/* Registry replication (the ECR user guide's "Private image replication"): the
 * configuration a registry keeps per region, and the copy of an image pushed there into
 * each destination registry/region. Core-internal. Ownership: *out of ecr_replication_rules
 * is a new reference; the copies of ecr_replication_after_push are freed with free(). */
#ifndef ECR_REPLICATION_H
#define ECR_REPLICATION_H
#include <jansson.h>

#include "image.h"

/* Unique destinations across all rules of one configuration (the user guide's limit;
 * the model caps each rule at 25 too). */
#define ECR_REPL_MAX_DESTINATIONS 25

struct ecr_repl_copy {
	char region[32];          /* the destination's region */
	struct ecr_repo repo;     /* the destination repository (same name) */
	struct ecr_image_ref ref; /* the image as it now is there */
};

struct ecr_repl_copies {
	int n;                                            /* how many of v are used */
	struct ecr_repl_copy v[ECR_REPL_MAX_DESTINATIONS]; /* images new or re-tagged there */
};

/* The rules of account's registry in the context's region ([] when it has none). */
int ecr_replication_rules(struct ecr_ctx *ctx, const char *account, json_t **out, struct ecr_err *err);
/* After image ref was pushed into r and its lifecycle policy kept it, inside the push's
 * write transaction: for each rule whose filters match r's name (no filters: every
 * repository), copies the image (its manifest and the manifests an index names, the
 * blobs linked, not copied) into the repository of the same name of each destination,
 * created with default settings when missing, and records the destination's status. A
 * destination that refuses the copy (an IMMUTABLE repository there holding the tag on
 * another image) is rolled back alone and recorded FAILED; only a state error fails the
 * push. A copy is not replicated further. *out: the images new or moved there, for
 * ecr_replication_scan; NULL when there are none. */
int ecr_replication_after_push(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_image_ref *ref,
			       struct ecr_repl_copies **out, struct ecr_err *err);
/* Scan on push for each copy, as its repository and registry are configured (onpush.h;
 * own_txn as there), with the context in the copy's region. c may be NULL. */
void ecr_replication_scan(struct ecr_ctx *ctx, const struct ecr_repl_copies *c, int own_txn);
/* The same, after the commit of the unit of work open on ctx (txn.h; PutImage's, which
 * ecr_call commits), each scan in a unit of work of its own. Takes c (NULL: nothing to
 * do); it is freed then, or when the unit of work rolls back, or here on failure. */
int ecr_replication_scan_after_commit(struct ecr_ctx *ctx, struct ecr_repl_copies *c, struct ecr_err *err);

#endif
