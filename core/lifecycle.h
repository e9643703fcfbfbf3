/* Lifecycle policies: the document checked as ECR checks it, its rules evaluated against
 * a repository's images as the user guide says ECR evaluates them, and applied (the
 * images it expires deleted). Core-internal. A parsed policy borrows nothing: it owns
 * its document and frees it with ecr_lifecycle_release. */
#ifndef ECR_LIFECYCLE_H
#define ECR_LIFECYCLE_H
#include <jansson.h>

#include "repo.h"

enum ecr_lc_tag_status { ECR_LC_TAGGED, ECR_LC_UNTAGGED, ECR_LC_ANY };

struct ecr_lc_rule {
	long long priority;   /* rulePriority: lowest first */
	int tag_status;       /* enum ecr_lc_tag_status */
	json_t *prefixes;     /* tagPrefixList (borrowed from the document), or NULL */
	json_t *patterns;     /* tagPatternList (borrowed from the document), or NULL */
	int by_age;           /* countType sinceImagePushed (else imageCountMoreThan) */
	long long count;      /* countNumber: images kept, or days */
};

struct ecr_lc_policy {
	json_t *doc;              /* the parsed document (owned) */
	struct ecr_lc_rule *rules; /* by rulePriority, lowest first (owned) */
	int nrules;               /* how many */
};

/* Parses and checks text as PutLifecyclePolicy does: InvalidParameterException with
 * ECR's 'Lifecycle policy validation failure: …' where the text is known. */
int ecr_lifecycle_parse(const char *text, struct ecr_lc_policy *out, struct ecr_err *err);
void ecr_lifecycle_release(struct ecr_lc_policy *p);
/* The document as ECR keeps and answers with it: compact JSON, members in their order
 * (caller frees; NULL when out of memory). */
char *ecr_lifecycle_text(const struct ecr_lc_policy *p);
/* The images of r that p expires now (the context's clock), as GetLifecyclePolicyPreview's
 * previewResults (new reference): by appliedRulePriority, then oldest push first. When
 * ids_out is not NULL it gets their image ids, in the same order (a new list of integers). */
int ecr_lifecycle_evaluate(struct ecr_ctx *ctx, const struct ecr_repo *r, const struct ecr_lc_policy *p,
			   json_t **results_out, json_t **ids_out, struct ecr_err *err);
/* LifecyclePolicyNotFoundException for r, in moto's words (README). */
int ecr_lifecycle_not_found(const struct ecr_repo *r, struct ecr_err *err);
/* r's stored policy, parsed into out (release it), and its text into *text_out (may be
 * NULL; caller frees): 1, or 0 when r has none (out empty), < 0 on error. */
int ecr_lifecycle_load(struct ecr_ctx *ctx, const struct ecr_repo *r, struct ecr_lc_policy *out, char **text_out,
		       struct ecr_err *err);
/* Runs r's stored lifecycle policy, if it has one, inside the caller's write transaction:
 * deletes the images it expires and records lastEvaluatedAt. *watch_expired_out (may be
 * NULL) says whether image id watch (0: none) was one of them, so that a push does not
 * go on to scan an image its repository's policy just expired. *expired_out (may be
 * NULL) gets those images as ecr_lifecycle_evaluate's results (new reference; NULL when
 * r has no policy). */
int ecr_lifecycle_apply(struct ecr_ctx *ctx, const struct ecr_repo *r, long long watch, int *watch_expired_out,
			json_t **expired_out, struct ecr_err *err);
/* ecr_lifecycle_apply after a push of image id into r (a new image or a tag moved): the
 * one call every push path makes (PutImage, `ecrlite push`, the registry's manifest PUT).
 * Returns whether the image is still there (1), 0 when the policy expired it, < 0 on error. */
int ecr_lifecycle_after_push(struct ecr_ctx *ctx, const struct ecr_repo *r, long long id, struct ecr_err *err);

#endif
